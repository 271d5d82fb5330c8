// Package fmath holds the numerical kernels of the equation language that
// must give the same bits wherever they are computed: in generated networks
// (through package runtime, whose vector kernels repeat their operations)
// and in annc's analysis, which folds constant expressions with them.
// Standard library only: annc copies it into every build directory with
// the runtime.
package fmath

import "math"

// Exp is the exponential every generated network computes (the language's
// exp, runtime.Exp) and the analysis folds constants with: within about one
// unit in the last place of the exact value, and made of operations that
// the runtime's AVX2 kernels (expPD) perform identically four lanes at a
// time, so that a loop gives the same bits whether it runs in Go or in a
// vector kernel.
//
// x is clamped to [-746, 710] (beyond, the result is 0 or +Inf anyway);
// k = round(x / ln 2) by adding and subtracting 1.5 * 2^52; r = x - k ln 2 in
// two fused steps (ln 2 split in a part whose products with k are exact and
// the rest); exp(r) by its Taylor polynomial of degree 13 in Horner's form
// with fused multiply-adds (|r| <= 0.35: the truncation is below 1e-17);
// then the product with 2^k as two exact powers of two 2^k1 * 2^k2, so
// that subnormal results are rounded once.
func Exp(x float64) float64 {
	if x > expHi {
		x = expHi
	}
	if x < expLo {
		x = expLo
	}
	t := float64(x*expLog2e) + expShift
	k := t - expShift
	r := math.FMA(-k, expLn2Hi, x)
	r = math.FMA(-k, expLn2Lo, r)
	p := expC[0]
	for _, c := range expC[1:] {
		p = math.FMA(p, r, c)
	}
	t1 := float64(k*0.5) + expShift
	k1 := t1 - expShift
	t2 := (k - k1) + expShift
	s1 := math.Float64frombits((math.Float64bits(t1) - expShiftBits + 1023) << 52)
	s2 := math.Float64frombits((math.Float64bits(t2) - expShiftBits + 1023) << 52)
	return p * s1 * s2
}

const (
	expHi        = 710.0
	expLo        = -746.0
	expLog2e     = 1.4426950408889634         // 1/ln 2
	expShift     = 6755399441055744.0         // 1.5 * 2^52: x + expShift - expShift rounds x to an integer
	expShiftBits = 0x4338000000000000         // its bits; those of n + expShift are expShiftBits + n
	expLn2Hi     = 6.93147180369123816490e-01 // ln 2 with 21 trailing zero bits: k * expLn2Hi is exact
	expLn2Lo     = 1.90821492927058770002e-10 // ln 2 - expLn2Hi
)

// expC are the Taylor coefficients 1/13!, 1/12!, ..., 1/1!, 1/0!.
var expC = [14]float64{
	1.0 / 6227020800, 1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320,
	1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1, 1,
}

// Exp32 is the exponential of float32 models: the float32 nearest to a
// float64 approximation of exp(x) within 1e-11 relatively, so within half a
// float32 unit of the exact value plus about 1e-4 unit; the correctly
// rounded value except near a tie (one x in two million; the runtime's
// TestExp32 counts them against float32(math.Exp(float64(x)))). Eight lanes
// of its vector twin expPS (the runtime's simd_amd64.s) give the same bits,
// with the same float64 operations.
//
// x is clamped to [-110, 100] (beyond, the result rounds to 0 or +Inf);
// k = round(x / ln 2) as in Exp; r = x - k ln 2 in one fused step (|k| <=
// 159: its error is below 1e-14); exp(r) by its Taylor polynomial of degree
// 9 in Horner's form with fused multiply-adds (|r| <= 0.35: truncation below
// 7e-12); times 2^k, a normal float64 for every k here, exactly; then one
// rounding to float32, which also rounds subnormal results once.
func Exp32(x float32) float32 {
	if x > exp32Hi {
		x = exp32Hi
	}
	if x < exp32Lo {
		x = exp32Lo
	}
	d := float64(x)
	t := float64(d*expLog2e) + expShift
	k := t - expShift
	r := math.FMA(-k, expLn2, d)
	p := exp32C[0]
	for _, c := range exp32C[1:] {
		p = math.FMA(p, r, c)
	}
	s := math.Float64frombits((math.Float64bits(t) - expShiftBits + 1023) << 52)
	return float32(p * s)
}

const (
	exp32Hi = 100.0
	exp32Lo = -110.0
	expLn2  = 6.93147180559945286227e-01 // ln 2 rounded to a float64
)

// exp32C are the Taylor coefficients 1/9!, 1/8!, ..., 1/1!, 1/0!.
var exp32C = [10]float64{1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1, 1}
