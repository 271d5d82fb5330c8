package conformance

import "testing"

// TestDelayedPopulationVariables: a rate-coded projection reads a
// population-wide presynaptic variable g = t + 1 through a uniform delay of
// 3 steps (sum(a) = 3 * 0.5 * g from step k-3, 0 before the first step),
// and g - x (x = t + 1 per neuron) through drawn per-synapse delays, which
// must delay both by the same steps (sum(b) = 0). The postsynaptic synapse
// variable ps = 2 sum(a) + 1 is recorded with one value per postsynaptic
// neuron.
func TestDelayedPopulationVariables(t *testing.T) {
	t.Parallel()
	const path, steps = "testdata/delayglob.yaml", 20
	r := run(t, path)
	pre := func(k int) float64 {
		if k < 0 {
			return 0
		}
		return rateDt*float64(k) + 1
	}
	sumA := func(k, _ int) float64 { return 1.5 * pre(k-3) }
	expect(t, trace(t, r, "d", "ra", steps, 2), sumA)
	expect(t, trace(t, r, "d", "rb", steps, 2), constant(0, 0))
	expect(t, trace(t, r, "s", "ps", steps, 2), func(k, i int) float64 { return 2*sumA(k, i) + 1 })
}
