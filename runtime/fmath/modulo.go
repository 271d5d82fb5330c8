package fmath

import "math"

// Modulo is the language's modulo(a, b) as ANNarchy defines it: the
// remainder of the operands truncated to 64-bit integers, with C's % (the
// quotient truncated toward zero, so the remainder takes the sign of a):
// modulo(-7, 3) = -1, modulo(7.5, 2) = 1. Where C leaves it undefined it is
// NaN: b truncating to 0, an operand NaN or outside the int64 range. The
// analysis folds constants with it and generated code calls it, so both
// give the same bits.
func Modulo(a, b float64) float64 {
	// 2^63 is exact in float64; [-2^63, 2^63) converts to int64 exactly
	// after truncation, and NaN fails both comparisons.
	const lim = 1 << 63
	if !(a >= -lim && a < lim) || !(b >= -lim && b < lim) {
		return math.NaN()
	}
	y := int64(b)
	if y == 0 {
		return math.NaN()
	}
	// Go defines MinInt64 % -1 as 0, where C traps: keep it so.
	return float64(int64(a) % y)
}

// Modulo32 is Modulo in float32 models; the remainder of two float32
// integers is one, so the conversion back is exact.
func Modulo32(a, b float32) float32 { return float32(Modulo(float64(a), float64(b))) }
