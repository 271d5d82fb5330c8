package conformance

import (
	"slices"
	"testing"
)

// testdata/transmission.yaml: dt = 0.5 ms, 20 ms = 40 steps.
const (
	txModel = "testdata/transmission.yaml"
	txSteps = 40
)

// TestEventBounds: bsrc fires in steps 1, 2, 3, 4 and 10, its spikes reach
// the synapse one step later; bdrv makes bpost fire in steps 7, 9, 13, 15.
// pre_spike w += 0.3 : min = 0, max = wmax (1) and post_spike
// w -= 0.7 : min = 0.2 clamp as bounds of equations do, after the
// statement. From w = 0.5:
//
//	steps 2-5 (pre):  0.8, 1.1 -> 1, 1, 1
//	step 7 (post):    0.3;  step 9 (post): -0.4 -> 0.2
//	step 11 (pre):    0.5;  steps 13, 15 (post): 0.2
//
// The reset n += 2 : max = 5 gives n = 2, 4, 5, 5 after the four spikes.
// g_exc (recorded as a) carries the weight before each pre_spike update.
func TestEventBounds(t *testing.T) {
	t.Parallel()
	r := run(t, txModel)
	w := make([]float64, txSteps)
	n := make([]float64, txSteps)
	a := make([]float64, txSteps)
	wc, nc := 0.5, 0.0
	for k := range w {
		switch k {
		case 2, 3, 4, 5, 11:
			a[k] = wc
			wc = min(max(wc+0.3, 0), 1)
		case 7, 9, 13, 15:
			wc = max(wc-0.7, 0.2)
			nc = min(nc+2, 5)
		}
		w[k], n[k] = wc, nc
	}
	expect(t, trace(t, r, "bounded", "w", txSteps, 1), func(k, _ int) float64 { return w[k] })
	expect(t, trace(t, r, "bpost", "n", txSteps, 1), func(k, _ int) float64 { return n[k] })
	expect(t, trace(t, r, "bpost", "a", txSteps, 1), func(k, _ int) float64 { return a[k] })
	if got, want := raster(t, r, "bpost"), []string{"0@7", "0@9", "0@13", "0@15"}; !slices.Equal(got, want) {
		t.Errorf("bpost spikes %v, want %v", got, want)
	}
}
