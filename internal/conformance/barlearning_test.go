package conformance

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/annc/annc/runtime/results"
)

// TestBarLearningExample: ANNarchy's bar learning notebook, 5000 trials of
// 50 ms. Its documented outcome is that the feature neurons' receptive fields
// (their feedforward weights, ff.receptive_fields()) become single horizontal
// or vertical bars, the independent components of the input. Measured on
// the last recorded frame (trial 4900): a neuron is selective when the
// weakest of the 8 weights of its strongest bar is positive and exceeds
// every other weight of its field by at least 30 % of itself. At least 20 of
// the 32 neurons must be selective and at least 14 of the 16 bars must have
// a selective neuron (seeds 1-4 give 24-29 neurons and 15-16 bars); the
// random initial weights have none.
func TestBarLearningExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("bar_learning"))
	tr := trace(t, r, "rf", "w", 50, 64*32)
	pre, post := synapseIndexOf(t, r.Dir, "rf.pre.npy"), synapseIndexOf(t, r.Dir, "rf.post.npy")
	fields := func(k int) [32][64]float64 {
		var f [32][64]float64
		for s := range pre {
			f[post[s]][pre[s]] = at(tr, k, s)
		}
		return f
	}
	first, nb := barSelectivity(fields(0))
	if first != 0 {
		t.Errorf("%d neurons selective for a bar before learning (%d bars)", first, nb)
	}
	sel, bars := barSelectivity(fields(49))
	t.Logf("after 4900 trials: %d of 32 neurons selective, %d of 16 bars", sel, bars)
	if sel < 20 || bars < 14 {
		t.Errorf("after 4900 trials %d of 32 neurons have a bar as receptive field (want >= 20), covering %d of 16 bars (want >= 14)", sel, bars)
	}
}

// barSelectivity counts the neurons whose 8 × 8 receptive field is one bar
// (see TestBarLearningExample) and the distinct bars they cover.
func barSelectivity(f [32][64]float64) (neurons, bars int) {
	covered := map[int]bool{}
	cell := func(b, k int) int { // pixel k of bar b: rows 0-7, then columns
		if b < 8 {
			return b*8 + k
		}
		return k*8 + b - 8
	}
	for j := range f {
		best, bestSum := 0, 0.0
		for b := range 16 {
			s := 0.0
			for k := range 8 {
				s += f[j][cell(b, k)]
			}
			if b == 0 || s > bestSum {
				best, bestSum = b, s
			}
		}
		on := [64]bool{}
		minOn := f[j][cell(best, 0)]
		for k := range 8 {
			on[cell(best, k)] = true
			minOn = min(minOn, f[j][cell(best, k)])
		}
		maxOff := math.Inf(-1)
		for i, w := range f[j] {
			if !on[i] && w > maxOff {
				maxOff = w
			}
		}
		if minOn > 0 && minOn-maxOff >= 0.3*minOn {
			neurons++
			covered[best] = true
		}
	}
	return neurons, len(covered)
}

// synapseIndexOf reads a projection monitor's pre or post index file.
func synapseIndexOf(t *testing.T, dir, name string) []int {
	t.Helper()
	a, err := results.ReadNpyFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	v := a.Floats()
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}
