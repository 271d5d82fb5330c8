package runtime

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The vector exponentials of the kernels (expPD and expPS, and their AVX-512
// twins expPDZ and expPSZ where AVX-512 runs) give in every lane the bits of
// the scalar Exp and Exp32.
func TestVectorExp(t *testing.T) {
	if !HasAVX2() {
		t.Skip("no AVX2 and FMA")
	}
	inf := math.Inf(1)
	special64 := []float64{0, math.Copysign(0, -1), 710, 711, -746, -747, 709.78, -745.13, inf, -inf, 1e-300, -1e-300}
	special32 := []float32{0, float32(math.Copysign(0, -1)), 100, 101, -110, -111, 88.72283, 88.7229, -103.27893, -87.5,
		float32(inf), float32(-inf), 1e-30, -1e-30, 1e30, -1e30, math.Float32frombits(1)}
	for _, c := range []struct {
		name  string
		wide  bool
		check func(*testing.T)
	}{
		{"expPD", false, expCase[float64]{4, func(d, s []float64) { expPD4((*[4]float64)(d), (*[4]float64)(s)) }, Exp, special64, -750, 715}.check},
		{"expPDZ", true, expCase[float64]{8, func(d, s []float64) { expPD8((*[8]float64)(d), (*[8]float64)(s)) }, Exp, special64, -750, 715}.check},
		{"expPS", false, expCase[float32]{8, func(d, s []float32) { expPS8((*[8]float32)(d), (*[8]float32)(s)) }, Exp32, special32, -115, 105}.check},
		{"expPSZ", true, expCase[float32]{16, func(d, s []float32) { expPS16((*[16]float32)(d), (*[16]float32)(s)) }, Exp32, special32, -115, 105}.check},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.wide && !HasAVX512() {
				t.Skip("no AVX-512F and AVX-512DQ")
			}
			c.check(t)
		})
	}
}

// expCase is a vector exponential under test and what it must equal.
type expCase[T float32 | float64] struct {
	lanes   int
	exp     func(dst, src []T)
	ref     func(T) T // the scalar exponential whose bits every lane must have
	special []T       // arguments tried first: limits, zeros, infinities
	lo, hi  float64   // the range of half the random arguments (the others in ±20)
}

func (c expCase[T]) check(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src, dst := make([]T, c.lanes), make([]T, c.lanes)
	for i := range 200000 {
		for l := range src {
			switch {
			case i < len(c.special):
				src[l] = c.special[(i+l)%len(c.special)]
			case l%2 == 0:
				src[l] = T(c.lo + rng.Float64()*(c.hi-c.lo))
			default:
				src[l] = T((rng.Float64() - 0.5) * 40)
			}
		}
		c.exp(dst, src)
		for l, x := range src {
			// float32 to float64 is exact: the same bits before, the same after.
			if want := c.ref(x); math.Float64bits(float64(dst[l])) != math.Float64bits(float64(want)) {
				t.Fatalf("lane %d: %v gives %v, the scalar exponential %v", l, x, dst[l], want)
			}
		}
	}
	clear(src)
	src[2] = T(math.NaN())
	c.exp(dst, src)
	if !math.IsNaN(float64(dst[2])) || dst[0] != 1 || dst[c.lanes-1] != 1 {
		t.Errorf("exp(0, 0, NaN, 0, ...) = %v", dst)
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
