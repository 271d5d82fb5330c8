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

// The float32 scattering helpers of spike delivery add index by index in
// order (repeated indices included), whole or by rows, as the scalar loop.
func TestFloat32Scatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for n := range 70 {
		dst, src := make([]float32, n+1), make([]float32, n+1)
		idx := make([]int32, n+1)
		for x := range dst {
			dst[x], src[x] = float32(rng.NormFloat64()), float32(rng.NormFloat64()*1e3)
			idx[x] = int32(rng.IntN(n + 1))
		}
		w := float32(rng.NormFloat64() / 3)
		// rows: consecutive parts of [0, n), some empty, in a shuffled order
		var parts []int32
		for a := 0; a < n; {
			b := min(n, a+rng.IntN(9))
			parts = append(parts, int32(a), int32(b))
			a = b
		}
		parts = append(parts, 0, 0)
		rng.Shuffle(len(parts)/2, func(i, j int) {
			parts[2*i], parts[2*i+1], parts[2*j], parts[2*j+1] = parts[2*j], parts[2*j+1], parts[2*i], parts[2*i+1]
		})
		wantS := append([]float32(nil), dst...)
		wantC := append([]float32(nil), dst...)
		for x := range n {
			wantS[idx[x]] = wantS[idx[x]] + src[x]
			wantC[idx[x]] = wantC[idx[x]] + w
		}
		wantRS := append([]float32(nil), dst...)
		wantRC := append([]float32(nil), dst...)
		for q := 0; q < len(parts); q += 2 {
			for x := parts[q]; x < parts[q+1]; x++ {
				wantRS[idx[x]] = wantRS[idx[x]] + src[x]
				wantRC[idx[x]] = wantRC[idx[x]] + w
			}
		}
		gotS := append([]float32(nil), dst...)
		gotC := append([]float32(nil), dst...)
		gotRS := append([]float32(nil), dst...)
		gotRC := append([]float32(nil), dst...)
		ScatterAdd32(&gotS[0], &idx[0], &src[0], n)
		ScatterAddConst32(&gotC[0], &idx[0], w, n)
		ScatterAddRows32(&gotRS[0], &idx[0], &src[0], &parts[0], len(parts)/2)
		ScatterAddConstRows32(&gotRC[0], &idx[0], w, &parts[0], len(parts)/2)
		same(t, "ScatterAdd32", n, gotS, wantS)
		same(t, "ScatterAddConst32", n, gotC, wantC)
		same(t, "ScatterAddRows32", n, gotRS, wantRS)
		same(t, "ScatterAddConstRows32", n, gotRC, wantRC)
	}
	if v, ok := Same([]float32{0.5, 0.5, 0.5}); !ok || v != 0.5 {
		t.Errorf("Same of float32 equal weights: %v, %v", v, ok)
	}
	if _, ok := Same([]float32{0.5, 0.5, math.Nextafter32(0.5, 1)}); ok {
		t.Error("Same of float32 different weights: ok")
	}
	if _, ok := Same[float32](nil); ok {
		t.Error("Same of float32 no weights: ok")
	}
}
