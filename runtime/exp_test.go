package runtime

import (
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"testing"
)

// refExp is exp(x) to about 60 decimal digits, rounded to a float64:
// exp(x/1024) by its Taylor series, squared ten times.
func refExp(x float64) float64 {
	const prec = 200
	y := new(big.Float).SetPrec(prec).SetFloat64(x)
	y.Quo(y, new(big.Float).SetPrec(prec).SetInt64(1024))
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); n < 40; n++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
	}
	for range 10 {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

// ulps is the distance between a and b in units in the last place.
func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / (math.Nextafter(math.Abs(b), math.Inf(1)) - math.Abs(b))
}

// Exp is within one unit in the last place of the exact value (and of
// math.Exp, itself within one) from the smallest subnormal results to
// overflow, and
// exact where the exact value is a number: exp(0) = 1, 0 and +Inf beyond the
// range, NaN for NaN.
func TestExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst, at := 0.0, 0.0
	worstGo := 0.0
	n := 40000
	if testing.Short() {
		n = 4000
	}
	for i := range n {
		var x float64
		switch i % 4 {
		case 0:
			x = -745.2 + rng.Float64()*(709.8+745.2) // the whole range
		case 1:
			x = (rng.Float64() - 0.5) * 20 // where models live
		case 2:
			x = (rng.Float64() - 0.5) * 1e-3
		default:
			x = -745.2 + rng.Float64()*37 // subnormal results
		}
		got, want := Exp(x), refExp(x)
		if want < 0x1p-1022 { // subnormal: absolute error within one subnormal step
			if math.Abs(got-want) > 0x1p-1074 {
				t.Fatalf("Exp(%v) = %v, exact %v", x, got, want)
			}
			continue
		}
		if u := ulps(got, want); u > worst {
			worst, at = u, x
		}
		if x < 709 { // math.Exp on amd64 overflows a little early
			worstGo = max(worstGo, ulps(got, math.Exp(x)))
		}
	}
	if worst > 1 || worstGo > 2 {
		t.Errorf("Exp differs from the exact value by %g ulp at %v, from math.Exp by up to %g", worst, at, worstGo)
	}
	t.Logf("largest difference from the exact value: %g ulp (x = %v); from math.Exp: %g ulp", worst, at, worstGo)
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {math.Copysign(0, -1), 1}, {710, math.Inf(1)}, {1e300, math.Inf(1)}, {math.Inf(1), math.Inf(1)},
		{-746, 0}, {-1e300, 0}, {math.Inf(-1), 0}, {709.78, refExp(709.78)}, {709.8, math.Inf(1)},
		{-745.1332191019411, 0x1p-1074},
	} {
		if got := Exp(c.x); got != c.want {
			t.Errorf("Exp(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := Exp(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Exp(NaN) = %v", got)
	}
}

// ulps32 is the distance between two float32 values of the same sign in
// units in the last place (the number of float32 values between them).
func ulps32(a, b float32) int64 {
	d := int64(math.Float32bits(a)) - int64(math.Float32bits(b))
	if d < 0 {
		d = -d
	}
	return d
}

// Exp32 is within one unit in the last place of float32(math.Exp(float64(x)))
// (and equal to it but near ties) for every float32 x of the range that matters
// (results from the smallest subnormal to overflow), tested over every 101st
// bit pattern (every one with ANNC_EXP32_ALL=1, about a minute), and exact at
// the special values.
func TestExp32(t *testing.T) {
	stride := uint32(101)
	switch {
	case os.Getenv("ANNC_EXP32_ALL") == "1":
		stride = 1
	case testing.Short():
		stride = 997
	}
	var worst int64
	var at float32
	n, differ := 0, 0
	for _, sign := range []uint32{0, 1 << 31} {
		for b := uint32(0); b < 0x7f800000; b += stride {
			x := math.Float32frombits(b | sign)
			if x > 89 || x < -105 {
				break
			}
			got, want := Exp32(x), float32(math.Exp(float64(x)))
			n++
			if u := ulps32(got, want); u != 0 {
				differ++
				if u > worst {
					worst, at = u, x
				}
			}
		}
	}
	if differ > n/100000 { // near ties only
		t.Errorf("%d of %d values differ from float32(math.Exp(float64(x)))", differ, n)
	}
	if worst > 1 {
		t.Errorf("Exp32(%v) = %v differs from float32(math.Exp) %v by %d ulp", at, Exp32(at), float32(math.Exp(float64(at))), worst)
	}
	t.Logf("%d values: %d differ from float32(math.Exp(float64(x))) (largest: %d ulp at %v)", n, differ, worst, at)
	// A spread of values checked against the exact exponential rounded.
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		x := float32(-104 + rng.Float64()*193)
		if got, want := Exp32(x), float32(refExp(float64(x))); ulps32(got, want) > 1 {
			t.Errorf("Exp32(%v) = %v, exact %v", x, got, want)
		}
	}
	inf := float32(math.Inf(1))
	for _, c := range []struct{ x, want float32 }{
		{0, 1}, {float32(math.Copysign(0, -1)), 1}, {1, float32(math.E)}, {-1, float32(1 / math.E)},
		{inf, inf}, {-inf, 0}, {1e30, inf}, {-1e30, 0}, {89, inf}, {-105, 0},
		{88.72283, float32(math.Exp(float64(float32(88.72283))))}, {88.7229, inf},
		{-103.27893, math.Float32frombits(1)}, // the smallest subnormal
		{-87.5, float32(math.Exp(-87.5))},     // a subnormal result
	} {
		if got := Exp32(c.x); got != c.want {
			t.Errorf("Exp32(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := Exp32(float32(math.NaN())); !math.IsNaN(float64(got)) {
		t.Errorf("Exp32(NaN) = %v", got)
	}
}
