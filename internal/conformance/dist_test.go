package conformance

import (
	"math"
	"testing"
)

// TestDistributionKeywords: testdata/distkw.yaml writes its distributions
// with ANNarchy's keyword arguments (in any order, bounds alone or both),
// distpos.yaml the same ones positionally without bounds. With the same
// seed each keyword draw is the positional one clipped to its bounds
// (ANNarchy clips, it does not redraw): in equations drawn every step,
// in a per-neuron parameter and in connector weights.
func TestDistributionKeywords(t *testing.T) {
	t.Parallel()
	kw, pos := run(t, "testdata/distkw.yaml"), run(t, "testdata/distpos.yaml")
	clip := func(lo, hi float64) func(float64) float64 {
		return func(x float64) float64 { return min(max(x, lo), hi) }
	}
	inf := math.Inf(1)
	for _, c := range []struct {
		mon, v string
		width  int
		f      func(float64) float64
	}{
		{"m", "v", 200, clip(-0.5, inf)},
		{"m", "x", 200, clip(-inf, 1.5)},
		{"m", "y", 200, clip(0.25, inf)},
		{"m", "z", 200, clip(0.5, 2.0)},
		{"m", "u", 200, clip(-inf, inf)},
		{"s", "w", 1000, clip(-inf, 1.2)},
	} {
		a, b := trace(t, kw, c.mon, c.v, 5, c.width), trace(t, pos, c.mon, c.v, 5, c.width)
		clipped := 0
		for k := range a.Data {
			want := c.f(b.Data[k])
			if !near(a.Data[k], want) {
				t.Fatalf("%s.%s element %d: %v, want %v (positional draw %v clipped)", c.mon, c.v, k, a.Data[k], want, b.Data[k])
			}
			if want != b.Data[k] {
				clipped++
			}
		}
		if c.v != "u" && clipped == 0 {
			t.Errorf("%s.%s: no draw reached a bound; the test checks nothing", c.mon, c.v)
		}
	}
}
