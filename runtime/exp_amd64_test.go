package runtime

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The vector exponentials of the kernels (expPD, and expPDZ where AVX-512
// runs) give the bits of Exp in every lane.
func TestExpPD(t *testing.T) {
	if !HasAVX2() {
		t.Skip("no AVX2 and FMA")
	}
	t.Run("expPD", func(t *testing.T) {
		checkVectorExp(t, 4, func(dst, src []float64) { expPD4((*[4]float64)(dst), (*[4]float64)(src)) })
	})
	t.Run("expPDZ", func(t *testing.T) {
		if !HasAVX512() {
			t.Skip("no AVX-512F and AVX-512DQ")
		}
		checkVectorExp(t, 8, func(dst, src []float64) { expPD8((*[8]float64)(dst), (*[8]float64)(src)) })
	})
}

// checkVectorExp compares a vector exponential of the given lanes with Exp.
func checkVectorExp(t *testing.T, lanes int, exp func(dst, src []float64)) {
	rng := rand.New(rand.NewPCG(3, 4))
	special := []float64{0, math.Copysign(0, -1), 710, 711, -746, -747, 709.78, -745.13, math.Inf(1), math.Inf(-1), 1e-300, -1e-300}
	src, dst := make([]float64, lanes), make([]float64, lanes)
	for i := range 200000 {
		for l := range src {
			switch {
			case i < len(special):
				src[l] = special[(i+l)%len(special)]
			case l%2 == 0:
				src[l] = -750 + rng.Float64()*1465
			default:
				src[l] = (rng.Float64() - 0.5) * 40
			}
		}
		exp(dst, src)
		for l, x := range src {
			if math.Float64bits(dst[l]) != math.Float64bits(Exp(x)) {
				t.Fatalf("lane %d: %v gives %v, Exp %v", l, x, dst[l], Exp(x))
			}
		}
	}
	clear(src)
	src[2] = math.NaN()
	exp(dst, src)
	if !math.IsNaN(dst[2]) || dst[0] != 1 || dst[lanes-1] != 1 {
		t.Errorf("exp(0, 0, NaN, 0...) = %v", dst)
	}
}

// The vector additions of runs of weights (AddTo, MulAdd; AVX2 and AVX-512;
// float64 and float32) round each product and sum as the scalar loop does,
// and write nothing past n.
func TestVectorAdds(t *testing.T) {
	if !HasAVX2() {
		t.Skip("no AVX2")
	}
	t.Run("AVX2", func(t *testing.T) {
		checkAdds(t, AddToAVX2, MulAddAVX2)
		checkAdds(t, AddTo32AVX2, MulAdd32AVX2)
	})
	t.Run("AVX512", func(t *testing.T) {
		if !HasAVX512() {
			t.Skip("no AVX-512F and AVX-512DQ")
		}
		checkAdds(t, AddToAVX512, MulAddAVX512)
		checkAdds(t, AddTo32AVX512, MulAdd32AVX512)
	})
}

func checkAdds[T float32 | float64](t *testing.T, addTo func(dst, src *T, n int), mulAdd func(dst, src *T, e T, n int)) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 70 {
		for _, mul := range []bool{false, true} {
			dst, src := make([]T, n+1), make([]T, n+1)
			for x := range dst {
				dst[x], src[x] = T(rng.NormFloat64()), T(rng.NormFloat64()*1e3)
			}
			e := T(rng.NormFloat64() / 3)
			want := append([]T(nil), dst...)
			for x := range n {
				if mul {
					want[x] = want[x] + T(src[x]*e) // the conversion forbids a fused multiply-add
				} else {
					want[x] = want[x] + src[x]
				}
			}
			if mul {
				mulAdd(&dst[0], &src[0], e, n)
			} else {
				addTo(&dst[0], &src[0], n)
			}
			for x := range dst {
				if math.Float64bits(float64(dst[x])) != math.Float64bits(float64(want[x])) {
					t.Fatalf("%T, n %d, multiply %v: dst[%d] = %v, want %v", e, n, mul, x, dst[x], want[x])
				}
			}
		}
	}
}

// The float32 vector exponentials (expPS, and expPSZ where AVX-512 runs)
// give the bits of Exp32 in every lane.
func TestExpPS(t *testing.T) {
	if !HasAVX2() {
		t.Skip("no AVX2 and FMA")
	}
	t.Run("expPS", func(t *testing.T) {
		checkVectorExp32(t, 8, func(dst, src []float32) { expPS8((*[8]float32)(dst), (*[8]float32)(src)) })
	})
	t.Run("expPSZ", func(t *testing.T) {
		if !HasAVX512() {
			t.Skip("no AVX-512F and AVX-512DQ")
		}
		checkVectorExp32(t, 16, func(dst, src []float32) { expPS16((*[16]float32)(dst), (*[16]float32)(src)) })
	})
}

// checkVectorExp32 compares a float32 vector exponential of the given lanes
// with Exp32.
func checkVectorExp32(t *testing.T, lanes int, exp func(dst, src []float32)) {
	rng := rand.New(rand.NewPCG(9, 10))
	inf := float32(math.Inf(1))
	special := []float32{0, float32(math.Copysign(0, -1)), 100, 101, -110, -111, 88.72283, 88.7229, -103.27893, -87.5,
		inf, -inf, 1e-30, -1e-30, 1e30, -1e30, math.Float32frombits(1)}
	src, dst := make([]float32, lanes), make([]float32, lanes)
	for i := range 200000 {
		for l := range src {
			switch {
			case i < len(special):
				src[l] = special[(i+l)%len(special)]
			case l%2 == 0:
				src[l] = float32(-115 + rng.Float64()*220)
			default:
				src[l] = float32((rng.Float64() - 0.5) * 40)
			}
		}
		exp(dst, src)
		for l, x := range src {
			if math.Float32bits(dst[l]) != math.Float32bits(Exp32(x)) {
				t.Fatalf("lane %d: %v gives %v, Exp32 %v", l, x, dst[l], Exp32(x))
			}
		}
	}
	clear(src)
	src[5] = float32(math.NaN())
	exp(dst, src)
	if !math.IsNaN(float64(dst[5])) || dst[0] != 1 || dst[lanes-1] != 1 {
		t.Errorf("exp(0, ..., NaN, 0, ...) = %v", dst)
	}
}
