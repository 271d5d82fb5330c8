package fmath

import (
	"math"
	"testing"
)

// Modulo is C's % of the operands truncated to 64-bit integers (ANNarchy's
// long(a) % long(b)), NaN where C is undefined.
func TestModulo(t *testing.T) {
	nan := math.NaN()
	const two63 = 1 << 63
	for _, c := range []struct{ a, b, want float64 }{
		{7, 3, 1},
		{-7, 3, -1}, // the sign of a, not of b
		{7, -3, 1},
		{-7, -3, -1},
		{7.5, 2, 1}, // truncated operands
		{-7.9, 2.9, -1},
		{5.99, 6.5, 5},
		{12, 4, 0},
		{-6, 3, 0}, // +0 as the integer remainder, not fmod's -0
		{-0.5, 3, 0},
		{7, 0, nan}, // b truncating to 0
		{7, 0.9, nan},
		{7, -0.9, nan},
		{nan, 3, nan},
		{3, nan, nan},
		{math.Inf(1), 3, nan},
		{3, math.Inf(-1), nan},
		{two63, 3, nan}, // beyond int64
		{3, two63, nan},
		{-two63, 3, -2},               // -2^63 = -3074457345618258602*3 - 2
		{-two63, -1, 0},               // Go's MinInt64 % -1, where C traps
		{-two63, two63 - 1024, -1024}, // the largest float64 below 2^63
		{2e18, 7, 2e18 - 7*285714285714285714},
	} {
		got := Modulo(c.a, c.b)
		if math.Float64bits(got) != math.Float64bits(c.want) && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("Modulo(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
		if math.IsNaN(c.a) || math.IsNaN(c.b) || math.Abs(c.a) > 1e30 || math.Abs(c.b) > 1e30 {
			continue
		}
		// float32 operands that are the same numbers give the same result.
		if float64(float32(c.a)) == c.a && float64(float32(c.b)) == c.b {
			got32 := Modulo32(float32(c.a), float32(c.b))
			if math.Float32bits(got32) != math.Float32bits(float32(c.want)) && !(got32 != got32 && math.IsNaN(c.want)) {
				t.Errorf("Modulo32(%v, %v) = %v, want %v", c.a, c.b, got32, c.want)
			}
		}
	}
}
