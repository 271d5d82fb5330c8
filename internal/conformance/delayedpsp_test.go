package conformance

import "testing"

// TestDelayedPsp: testdata/delayed_psp.yaml. ramp neuron i holds v = c_i *
// 0.5 * (k+1) at the end of step k (0 before the first); step k transmits
// w * v from the end of step k - d for a delay of d steps (d = 1: the end of
// the previous step, as without delays).
func TestDelayedPsp(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/delayed_psp.yaml")
	c := []float64{1, 2}
	v := func(k, i int) float64 {
		if k < 0 {
			return 0
		}
		return c[i] * 0.5 * float64(k+1)
	}
	// cont: one to one, w = 0.5, 10 ms = 20 steps.
	cont := func(k, i int) float64 { return 0.5 * v(k-20, i) }
	expect(t, trace(t, r, "m", "a", 40, 2), cont)
	expect(t, trace(t, r, "m", "g_cont", 40, 2), cont)
	// mat: recv[0] <- ramp[0] (w 0.5, 4 steps), ramp[1] (w 0.25, 6 steps);
	// recv[1] <- ramp[1] (w 1, 2 steps).
	expect(t, trace(t, r, "m", "b", 40, 2), func(k, i int) float64 {
		if i == 0 {
			return 0.5*v(k-4, 0) + 0.25*v(k-6, 1)
		}
		return v(k-2, 1)
	})
}
