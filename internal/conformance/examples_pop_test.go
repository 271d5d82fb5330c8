package conformance

import (
	"math"
	"testing"
)

// TestSTDPWindowExample: examples/stdp_window, 101 trials of 105 steps. The
// weight change of trial k (t_pre = 100 - k ms, t_post = 50 ms, Δt = t_post
// - t_pre) is the STDP window of the notebook: the presynaptic spike acts at
// t_pre + 1 (one step after it is emitted); an event-driven trace set to
// 0.02 there decays by exp(-1/20) per step. LTD (Δt <= 0): the post spike
// sets y = 0.02 at 50, the pre spike at t_pre + 1 subtracts y decayed over
// the steps in between, as ANNarchy steps event-driven variables (one step
// less than elapsed): 0.02 exp(-|Δt|/20). LTP (Δt >= 1): x = 0.02 set at
// t_pre + 1, added at 50: 0.02 exp(-(Δt - 1)/20).
func TestSTDPWindowExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("stdp_window"))
	tr := trace(t, r, "weight", "w", 101*105, 1)
	prev := 1.0
	for k := 0; k < 101; k++ {
		w := at(tr, 105*(k+1)-1, 0)
		dt := 50 - (100 - float64(k))
		want := -0.02 * math.Exp(-math.Abs(dt)/20)
		if dt >= 1 {
			want = 0.02 * math.Exp(-(dt-1)/20)
		}
		if got := w - prev; math.Abs(got-want) > 1e-12 {
			t.Errorf("Δt = %g ms: Δw = %.12g, want %.12g", dt, got, want)
		}
		prev = w
	}
}

// TestHybridExample: examples/hybrid, 4 periods of 250 ms (2500 steps) with
// input rates 0, 10, 50, 100 Hz. The neuron decoding all 1000 Poisson
// neurons has a mean decoded rate within 6 % of the input after the first
// 10 ms of each period (about 2400 spikes at 10 Hz: 2 % standard error),
// and the notebook's normalized error mean |r - F|/F over each period
// falls with the number of decoded neurons (1, 10, 100, 1000).
func TestHybridExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("hybrid"))
	tr := trace(t, r, "m3", "r", 10000, 4)
	for p, rate := range []float64{0, 10, 50, 100} {
		lo, hi := 2500*p, 2500*(p+1)
		if rate == 0 {
			for k := lo; k < hi; k++ {
				if at(tr, k, 3) != 0 {
					t.Fatalf("decoded rate %v at step %d with no input", at(tr, k, 3), k)
				}
			}
			continue
		}
		mean := 0.0
		for k := lo + 100; k < hi; k++ {
			mean += at(tr, k, 3)
		}
		mean /= float64(hi - lo - 100)
		if math.Abs(mean-rate)/rate > 0.06 {
			t.Errorf("input %g Hz: decoded %g Hz", rate, mean)
		}
		errs := make([]float64, 4)
		for j := range errs {
			for k := lo; k < hi; k++ {
				errs[j] += math.Abs(at(tr, k, j)-rate) / rate
			}
			errs[j] /= float64(hi - lo)
		}
		if !(errs[0] > errs[1] && errs[1] > errs[2] && errs[2] > errs[3]) {
			t.Errorf("input %g Hz: normalized errors %v do not fall with the number of decoded neurons", rate, errs)
		}
	}
}
