package results

import (
	"math"
	"strconv"
)

// Numbers written for people: a time computed as steps × dt carries the
// rounding of binary floating point (999.9000000000001 ms); wall-clock
// seconds carry digits no clock measures. These helpers round them.

// RoundMs rounds a simulated time in ms to 12 significant digits, which
// removes the error of steps × dt and keeps every step distinct.
func RoundMs(ms float64) float64 {
	if ms == 0 || math.IsNaN(ms) || math.IsInf(ms, 0) {
		return ms
	}
	x, _ := strconv.ParseFloat(strconv.FormatFloat(ms, 'g', 12, 64), 64)
	return x
}

// RoundSeconds rounds measured seconds to microseconds.
func RoundSeconds(s float64) float64 { return math.Round(s*1e6) / 1e6 }

// FormatMs writes a simulated time in ms without float noise or exponent.
func FormatMs(ms float64) string { return strconv.FormatFloat(RoundMs(ms), 'f', -1, 64) }

// FormatSeconds writes a duration with three significant digits in s, ms or
// µs ("1.23 s", "10.6 ms", "75.4 µs"), never with an exponent.
func FormatSeconds(s float64) string {
	switch {
	case s >= 1 || s == 0:
		return Sig3(s) + " s"
	case s >= 1e-3:
		return Sig3(s*1e3) + " ms"
	}
	return Sig3(s*1e6) + " µs"
}

// Sig3 writes x with three significant digits and no exponent (12300,
// 10.6, 0.0754).
func Sig3(x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	digits := 2 - int(math.Floor(math.Log10(math.Abs(x))))
	if digits < 0 {
		p := math.Pow(10, float64(-digits))
		return strconv.FormatFloat(math.Round(x/p)*p, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', digits, 64)
}
