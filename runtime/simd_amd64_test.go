package runtime

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The float32 helpers of transmission add in the order and with the
// rounding of the scalar loops, value by value (eight lanes): AddTo32AVX2
// (runs of weights) and MulAdd32AVX2 (weighted sums, a product then a sum).
func TestFloat32Adds(t *testing.T) {
	if !HasAVX2() {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for n := range 70 {
		dst, src := make([]float32, n+1), make([]float32, n+1)
		for x := range dst {
			dst[x], src[x] = float32(rng.NormFloat64()), float32(rng.NormFloat64()*1e3)
		}
		e := float32(rng.NormFloat64() / 3)
		wantAdd := append([]float32(nil), dst...)
		wantMul := append([]float32(nil), dst...)
		for x := range n {
			wantAdd[x] = wantAdd[x] + src[x]
			wantMul[x] = wantMul[x] + src[x]*e
		}
		gotAdd := append([]float32(nil), dst...)
		AddTo32AVX2(&gotAdd[0], &src[0], n)
		same(t, "AddTo32AVX2", n, gotAdd, wantAdd)
		gotMul := append([]float32(nil), dst...)
		MulAdd32AVX2(&gotMul[0], &src[0], e, n)
		same(t, "MulAdd32AVX2", n, gotMul, wantMul)
	}
}

func same(t *testing.T, what string, n int, got, want []float32) {
	t.Helper()
	for x := range got {
		if math.Float32bits(got[x]) != math.Float32bits(want[x]) {
			t.Fatalf("%s, n %d: [%d] = %v, want %v", what, n, x, got[x], want[x])
		}
	}
}
