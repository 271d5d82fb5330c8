package conformance

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/annc/annc/internal/build"
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

// TestSeveralTargets: msrc fires in steps 2 and 6; its spikes arrive in
// steps 3 and 7 through projections listing several targets. multi
// (default synapse, w = 0.5, targets ampa, nmda and gaba, which mpost never
// reads) adds w to g_ampa and g_nmda of mpost[0]; multi2 (g_target += 2 w,
// w = 0.25, targets nmda, ampa) adds 0.5 to both conductances of mpost[1].
// The rate-coded rmulti (two neurons of r = 2, w = 0.25, targets x and y)
// fills sum(x) and sum(y) with 1 from step 1 (r is 0 before the first
// update).
func TestSeveralTargets(t *testing.T) {
	t.Parallel()
	r := run(t, txModel)
	pulse := func(k, _ int) float64 {
		if k == 3 || k == 7 {
			return 0.5
		}
		return 0
	}
	expect(t, trace(t, r, "mpost", "a", txSteps, 2), pulse)
	expect(t, trace(t, r, "mpost", "b", txSteps, 2), pulse)
	expect(t, trace(t, r, "mpost", "g_ampa", txSteps, 2), pulse)
	step := func(v float64) func(k, _ int) float64 {
		return func(k, _ int) float64 {
			if k == 0 {
				return 0
			}
			return v
		}
	}
	expect(t, trace(t, r, "rpost", "sx", txSteps, 1), step(1))
	expect(t, trace(t, r, "rpost", "sy", txSteps, 1), step(1))
	expect(t, trace(t, r, "rpost", "r", txSteps, 1), step(11))
}

// TestGapJunctions: the psp of a spiking synapse (w (pre.v - post.v),
// w = 0.05, all-to-all without self-connections) is added to g_gap of the
// post neuron every step, from the values of v at the end of the previous
// step, as in ANNarchy's gap-junction example; g_gap has no equation, so it
// is the input of one step only. Explicit Euler with h = 0.5, tau = 10:
// v <- v + 0.05 (1.05 - v + g_gap), spike when v > 1, reset to 0.
func TestGapJunctions(t *testing.T) {
	t.Parallel()
	r := run(t, txModel)
	v := []float64{0.1, 0.6, 0.95}
	vs := make([][]float64, txSteps)
	gs := make([][]float64, txSteps)
	var spikes []string
	for k := range vs {
		g := make([]float64, 3)
		for j := range g {
			for i := range v {
				if i != j {
					g[j] += 0.05 * (v[i] - v[j])
				}
			}
		}
		for j := range v {
			v[j] += 0.5 * (1.05 - v[j] + g[j]) / 10
			if v[j] > 1 {
				v[j] = 0
				spikes = append(spikes, fmt.Sprintf("%d@%d", j, k))
			}
		}
		vs[k], gs[k] = slices.Clone(v), g
	}
	if len(spikes) == 0 {
		t.Fatal("derivation broken: no spike")
	}
	expect(t, trace(t, r, "gap", "v", txSteps, 3), func(k, i int) float64 { return vs[k][i] })
	expect(t, trace(t, r, "gap", "gg", txSteps, 3), func(k, i int) float64 { return gs[k][i] })
	expect(t, trace(t, r, "gap", "g_gap", txSteps, 3), func(k, i int) float64 { return gs[k][i] })
	if got := raster(t, r, "gap"); !slices.Equal(got, spikes) {
		t.Errorf("gap spikes %v, want %v", got, spikes)
	}
}

// TestNMDA: a synapse with both pre_spike (x += w) and psp (g) transmits
// continuously: in every step g_nmda of the post neuron is the sum of the
// synapses' g, after the spikes arriving in that step have incremented x
// (and without the implicit g_target += w). nsrc[0] fires in step 2,
// nsrc[1] in steps 8 and 9 (arrivals 3; 9, 10). The synapse equations then
// step x and g together, explicit Euler with h = 0.5, tau = 10:
// x <- x - 0.05 x, g <- g + 0.05 (-g + x (1 - g)).
func TestNMDA(t *testing.T) {
	t.Parallel()
	r := run(t, txModel)
	x, g := []float64{0, 0}, []float64{0, 0}
	n := make([]float64, txSteps)
	xs := make([][]float64, txSteps)
	ggs := make([][]float64, txSteps)
	for k := range n {
		switch k {
		case 3:
			x[0] += 0.5
		case 9, 10:
			x[1] += 0.5
		}
		n[k] = g[0] + g[1]
		for s := range x {
			x[s], g[s] = x[s]+0.5*(-x[s])/10, g[s]+0.5*(-g[s]+x[s]*(1-g[s]))/10
		}
		xs[k], ggs[k] = slices.Clone(x), slices.Clone(g)
	}
	if n[20] == 0 {
		t.Fatal("derivation broken")
	}
	expect(t, trace(t, r, "npost", "n", txSteps, 1), func(k, _ int) float64 { return n[k] })
	expect(t, trace(t, r, "nmda", "x", txSteps, 2), func(k, i int) float64 { return xs[k][i] })
	expect(t, trace(t, r, "nmda", "g", txSteps, 2), func(k, i int) float64 { return ggs[k][i] })
}

// TestUnreadTargetWarns: a target the post neuron never reads is a warning
// (ANNarchy runs such models), printed with the model's other diagnostics,
// and is filled all the same so that it can be recorded: g_gaba of mpost
// (multi's third target: the pulses of g_ampa on mpost[0], nothing on
// mpost[1]), sum(z) of rpost (rz: two neurons of r = 2, w = 0.5: 2 from step
// 1) and g_u of npost (prev, a psp w * pre.v from the three gap neurons,
// which npost reads neither as g_u nor as sum(u): 0.05 times the sum of
// their v at the end of the previous step).
func TestUnreadTargetWarns(t *testing.T) {
	l, err := build.Load(txModel)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range l.Diags {
		got = append(got, d.Msg)
	}
	want := []string{
		"neuron type Multi of population mpost never reads g_gaba: projection multi fills it (it can be recorded) but it acts on nothing",
		"neuron type RRecv of population rpost never reads sum(z): projection rz fills it (it can be recorded) but it acts on nothing",
		"neuron type NRecv of population npost never reads g_u: projection prev fills it (it can be recorded) but it acts on nothing",
	}
	ok := len(got) == len(want)
	for i := range want {
		ok = ok && strings.HasPrefix(got[i], want[i])
	}
	if l.Diags.HasErrors() || !ok {
		t.Errorf("diagnostics:\n%s", l.Diags.Format(l.Sources, 10))
	}
	r := run(t, txModel)
	expect(t, trace(t, r, "mpost", "g_gaba", txSteps, 2), func(k, i int) float64 {
		if i == 0 && (k == 3 || k == 7) {
			return 0.5
		}
		return 0
	})
	expect(t, trace(t, r, "rpost", "sum(z)", txSteps, 1), func(k, _ int) float64 {
		if k == 0 {
			return 0
		}
		return 2
	})
	v := []float64{0.1, 0.6, 0.95}
	gu := make([]float64, txSteps)
	for k := range gu {
		gu[k] = 0.05 * (v[0] + v[1] + v[2])
		g := make([]float64, 3)
		for j := range g {
			for i := range v {
				if i != j {
					g[j] += 0.05 * (v[i] - v[j])
				}
			}
		}
		for j := range v {
			v[j] += 0.5 * (1.05 - v[j] + g[j]) / 10
			if v[j] > 1 {
				v[j] = 0
			}
		}
	}
	expect(t, trace(t, r, "npost", "g_u", txSteps, 1), func(k, _ int) float64 { return gu[k] })
}
