package runtime

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The float32 helpers of transmission add in the order and with the
// rounding of the scalar loops: AddTo32AVX2 and MulAdd32AVX2 value by value
// (eight lanes),
// ScatterAdd32 and ScatterAddConst32 index by index, repeated indices
// included.
func TestFloat32Adds(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for n := range 70 {
		dst, src := make([]float32, n+1), make([]float32, n+1)
		idx := make([]int32, n+1)
		for x := range dst {
			dst[x], src[x] = float32(rng.NormFloat64()), float32(rng.NormFloat64()*1e3)
			idx[x] = int32(rng.IntN(n + 1)) // repeats
		}
		w := float32(rng.NormFloat64() / 3)
		wantAdd := append([]float32(nil), dst...)
		wantScat := append([]float32(nil), dst...)
		wantConst := append([]float32(nil), dst...)
		wantMul := append([]float32(nil), dst...)
		for x := range n {
			wantAdd[x] = wantAdd[x] + src[x]
			wantMul[x] = wantMul[x] + src[x]*w
			wantScat[idx[x]] = wantScat[idx[x]] + src[x]
			wantConst[idx[x]] = wantConst[idx[x]] + w
		}
		gotScat := append([]float32(nil), dst...)
		gotConst := append([]float32(nil), dst...)
		ScatterAdd32(&gotScat[0], &idx[0], &src[0], n)
		ScatterAddConst32(&gotConst[0], &idx[0], w, n)
		same(t, "ScatterAdd32", n, gotScat, wantScat)
		same(t, "ScatterAddConst32", n, gotConst, wantConst)
		if HasAVX2() {
			gotAdd := append([]float32(nil), dst...)
			AddTo32AVX2(&gotAdd[0], &src[0], n)
			same(t, "AddTo32AVX2", n, gotAdd, wantAdd)
			gotMul := append([]float32(nil), dst...)
			MulAdd32AVX2(&gotMul[0], &src[0], w, n)
			same(t, "MulAdd32AVX2", n, gotMul, wantMul)
		}
	}
	if v, ok := Same32([]float32{0.5, 0.5, 0.5}); !ok || v != 0.5 {
		t.Errorf("Same32 of equal weights: %v, %v", v, ok)
	}
	if _, ok := Same32([]float32{0.5, 0.5, math.Nextafter32(0.5, 1)}); ok {
		t.Error("Same32 of different weights: ok")
	}
	if _, ok := Same32(nil); ok {
		t.Error("Same32 of no weights: ok")
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
