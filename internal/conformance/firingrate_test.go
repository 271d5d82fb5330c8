package conformance

import (
	"fmt"
	"slices"
	"testing"
)

// TestFiringRateWindow: fr is the I = 30 neuron of TestLIFSpikes without
// refractory period: spikes at steps 7, 15, 23, ... (8 updates each). With
// firing_rate_window 10 ms = 20 steps, after step t r = 1000/10 × (spikes
// in steps t-19 .. t), as ANNarchy's compute_firing_rate: 100, 200 or 300
// Hz. rr = r in the equations reads the r of the step before; the rate
// projection (psp w pre.r, w = 1) too. After the reset (populations and
// monitors), the window is empty again: the 20 frames of the second run
// (frames 100-119) repeat the first 20.
func TestFiringRateWindow(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/firingrate.yaml")
	rate := func(k int) float64 {
		k %= 100
		n := 0
		for s := 7; s <= k; s += 8 {
			if s > k-20 {
				n++
			}
		}
		return 100 * float64(n)
	}
	prev := func(k int) float64 {
		if k%100 == 0 {
			return 0
		}
		return rate(k - 1)
	}
	expect(t, trace(t, r, "fr", "r", 120, 1), func(k, _ int) float64 { return rate(k) })
	expect(t, trace(t, r, "fr", "rr", 120, 1), func(k, _ int) float64 { return prev(k) })
	expect(t, trace(t, r, "rd", "r", 120, 1), func(k, _ int) float64 { return prev(k) })
	var want []string
	// The raster is saved ordered by time, and the clock restarted at 0.
	for k := 7; k < 100; k += 8 {
		want = append(want, fmt.Sprintf("0@%d", k))
		if k < 20 {
			want = append(want, fmt.Sprintf("0@%d", k))
		}
	}
	if got := raster(t, r, "fr"); !slices.Equal(got, want) {
		t.Errorf("fr spikes %v, want %v", got, want)
	}
}
