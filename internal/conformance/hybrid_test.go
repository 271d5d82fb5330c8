package conformance

import (
	"fmt"
	"slices"
	"testing"
)

// TestHybrid: testdata/hybrid.yaml, dt = 1 ms, 10 steps.
//
// pois is ANNarchy's PoissonPopulation(target="exc"): rates = sum(exc) =
// 2 × inp.r, and a spike when Uniform(0, 1) × 1000/dt < rates. inp.r is 0
// for 5 steps (no spike), then set to 10000 before step 5, which the rate
// projection reads at once (it has no equation that would update it in a
// step): rates is 20000 from step 5 and every neuron spikes at every step
// from then on (the draw is below 1000).
//
// decode is ANNarchy's DecodingProjection with a window of 3 steps: the
// spikes src emits at step s (src[0] at 2 and 3, src[1] at 3) reach it at
// step s+1, each adding its weight to its post neuron's count for that
// step; sum(exc) = (counts of the last 3 steps) / 3 × 1000/dt / synapses.
// dec[0] has synapses of weight 1 (src[0]) and 2 (src[1]): counts 1 at
// step 3 and 1 + 2 at step 4; dec[1] one synapse of weight 0.5 from
// src[0]: counts 0.5 at steps 3 and 4.
//
// onto projects onto a spike source: its post_spike (w += 1) runs at the
// spikes of tgt (steps 1, 4, 6).
func TestHybrid(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/hybrid.yaml")
	expect(t, trace(t, r, "pois", "rates", 10, 3), func(k, _ int) float64 {
		if k >= 5 {
			return 20000
		}
		return 0
	})
	var want []string
	for k := 5; k < 10; k++ {
		for i := 0; i < 3; i++ {
			want = append(want, fmt.Sprintf("%d@%d", i, k))
		}
	}
	if got := rasterDt(t, r, "pois", 1); !slices.Equal(got, want) {
		t.Errorf("pois spikes %v, want %v", got, want)
	}
	counts := [][2]float64{3: {1, 0.5}, 4: {3, 0.5}, 9: {0, 0}}
	nsyn := [2]float64{2, 1}
	expect(t, trace(t, r, "dec", "r", 10, 2), func(k, j int) float64 {
		s := 0.0
		for q := max(k-2, 0); q <= k; q++ {
			s += counts[q][j]
		}
		return s / 3 * 1000 / 1 / nsyn[j]
	})
	expect(t, trace(t, r, "onto", "w", 10, 2), func(k, _ int) float64 {
		n := 0.0
		for _, s := range []int{1, 4, 6} {
			if s <= k {
				n++
			}
		}
		return n
	})
}
