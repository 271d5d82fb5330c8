package conformance

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// testdata/structural.yaml: dt = 1 ms, 30 steps. Structural plasticity runs
// after the step's synapse equations and post_spike, at the steps its
// period and offset give (README, "Structural plasticity").
const (
	spModel = "testdata/structural.yaml"
	spSteps = 30
)

// TestPruningSchedule: pp connects inp (r = 0.2, 1.0, 0.3, 2.0) to each of
// the three neurons of rp with w = 1; age counts the steps (1 after step
// 0). Pruning "age > 5 and pre.r > 0.5" is evaluated after steps 2, 6, 10,
// ... (period 4, offset 2): first true after step 6, where it removes the
// synapses from inp[1] and inp[3]. sum(exc) = sum of w * pre.r is 3.5 up to
// step 6 and 0.5 from step 7.
func TestPruningSchedule(t *testing.T) {
	t.Parallel()
	r := run(t, spModel)
	expect(t, trace(t, r, "rp", "s", spSteps, 3), func(k, _ int) float64 {
		if k <= 6 {
			return 3.5
		}
		return 0.5
	})
}

// TestCreatingSchedule: cp starts with one synapse per post neuron j (from
// inp[j], w = 1, x = 7 from the projection entry) and psp (w + x) * pre.r.
// Creating "pre.r > 0.5 : w = 0.5", evaluated after steps 3, 13, 23, adds
// after step 3 the synapses from inp[1] and inp[3] that do not exist yet:
// two to rc[0], one to rc[1], two to rc[2], with w = 0.5 and x at its
// default 3. Up to step 3 sum(exc) = 8 r_j; from step 4 each created
// synapse adds 3.5 * pre.r; the later evaluations find them all present.
func TestCreatingSchedule(t *testing.T) {
	t.Parallel()
	r := run(t, spModel)
	before := []float64{8 * 0.2, 8 * 1.0, 8 * 0.3}
	after := []float64{8*0.2 + 3.5*1.0 + 3.5*2.0, 8*1.0 + 3.5*2.0, 8*0.3 + 3.5*1.0 + 3.5*2.0}
	expect(t, trace(t, r, "rc", "s", spSteps, 3), func(k, i int) float64 {
		if k <= 3 {
			return before[i]
		}
		return after[i]
	})
}

// TestSpikingPruning: ssrc[0] fires in steps 1-5, ssrc[1] in steps 1, 2
// and 5; the spikes arrive one step later and count them per synapse.
// Pruning "count >= 3" after every step removes the synapse from ssrc[0]
// after step 4 (its third arrival) and the one from ssrc[1] after step 6.
// g_exc (recorded as a) is 2, 2, 1 in steps 2-4, 0 in step 5 (the spike of
// ssrc[0] finds no synapse), 1 in step 6, 0 elsewhere.
func TestSpikingPruning(t *testing.T) {
	t.Parallel()
	r := run(t, spModel)
	want := map[int]float64{2: 2, 3: 2, 4: 1, 6: 1}
	expect(t, trace(t, r, "sr", "a", spSteps, 1), func(k, _ int) float64 { return want[k] })
}

// TestStructuralStatistics: rndp (200 x 100 synapses, w = 1, pre.r = 1)
// prunes each synapse with probability 0.3 after step 0 only, so the
// weighted sums of bigp add up to the surviving synapses, Binomial(20000,
// 0.7); rndc (one synapse per post neuron) creates each of the 19,900
// missing synapses with probability 0.2 after step 0, Binomial(19900, 0.2)
// more; rndu prunes where a Uniform(0, 1) drawn for each synapse is below
// 0.25, Binomial(20000, 0.75) left. All within 5 standard deviations,
// unchanged afterwards.
func TestStructuralStatistics(t *testing.T) {
	t.Parallel()
	r := run(t, spModel)
	for _, c := range []struct {
		mon       string
		base, n   int
		p         float64
		keepShare bool
	}{
		{"bigp", 0, 20000, 0.7, true},
		{"bigc", 100, 19900, 0.2, false},
		{"bigu", 0, 20000, 0.75, true},
	} {
		tr := trace(t, r, c.mon, "s", spSteps, 100)
		total := func(k int) float64 {
			s := 0.0
			for i := 0; i < 100; i++ {
				s += at(tr, k, i)
			}
			return s
		}
		if first := total(0); first != float64(c.base)+map[bool]float64{true: float64(c.n), false: 0}[c.keepShare] {
			t.Errorf("%s: %v synapses in step 0, want the connector's", c.mon, first)
		}
		got := total(1) - float64(c.base)
		mean, sd := float64(c.n)*c.p, math.Sqrt(float64(c.n)*c.p*(1-c.p))
		t.Logf("%s: %v synapses after the draw (expected %v ± %.1f)", c.mon, got, mean, sd)
		if math.Abs(got-mean) > 5*sd {
			t.Errorf("%s: %v synapses after the draw, want %v ± %.0f", c.mon, got, mean, 5*sd)
		}
		for k := 2; k < spSteps; k++ {
			if total(k) != total(1) {
				t.Errorf("%s: the number of synapses changed in step %d without an evaluation", c.mon, k)
				break
			}
		}
	}
}

// TestStructuralSchedule (testdata/structural_schedule.yaml, 15 steps):
// stop_pruning before the first step keeps ps's start_pruning (after step
// 3) from ever pruning; after step 4, start_creating (every step from now)
// adds cp's synapses from inp[1] and inp[3] (w = 0.5) after step 5, and
// start_pruning with period 4 and offset 2 removes pp's synapses from
// inp[1] and inp[3] after step 7.
func TestStructuralSchedule(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/structural_schedule.yaml")
	expect(t, trace(t, r, "rs", "s", 15, 3), func(int, int) float64 { return 3.5 })
	expect(t, trace(t, r, "rp", "s", 15, 3), func(k, _ int) float64 {
		if k <= 7 {
			return 3.5
		}
		return 0.5
	})
	before := []float64{0.2, 1.0, 0.3}
	after := []float64{0.2 + 0.5*1.0 + 0.5*2.0, 1.0 + 0.5*2.0, 0.3 + 0.5*1.0 + 0.5*2.0}
	expect(t, trace(t, r, "rc", "s", 15, 3), func(k, i int) float64 {
		if k <= 5 {
			return before[i]
		}
		return after[i]
	})
}

// TestStructuralSaveLoad: a state saved after 5 steps (before the
// evaluations that change cp, pp and sp) and loaded into a new process
// continues to the same state after 30 steps as one uninterrupted run,
// byte for byte: the synapse arrays take the saved lengths.
func TestStructuralSaveLoad(t *testing.T) {
	t.Parallel()
	bin := compile(t, spModel).Binary
	dir := t.TempDir()
	runBin := func(args ...string) {
		t.Helper()
		if msg, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, msg)
		}
	}
	p := func(f string) string { return filepath.Join(dir, f) }
	runBin("-duration", "30", "-save", p("whole.npz"), "-out", p("a"))
	runBin("-duration", "5", "-save", p("half.npz"), "-out", p("b"))
	runBin("-load", p("half.npz"), "-duration", "25", "-save", p("resumed.npz"), "-out", p("c"))
	x, err1 := os.ReadFile(p("whole.npz"))
	y, err2 := os.ReadFile(p("resumed.npz"))
	if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
		t.Errorf("the state after 5 + 25 steps differs from the state after 30 steps (%v, %v)", err1, err2)
	}
}

// TestCreatedDelays: dsrc's two neurons fire in step 10; dp has the
// synapses 0 -> 0 (delay 1 step) and 1 -> 1 (delay 3). Creating "t > 4.5 :
// w = 0.5, d = 2.0", evaluated after step 5 only, adds 1 -> 0 and 0 -> 1
// with delay 2. g_exc (recorded as a) of dr[0] is 1 in step 11 and 0.5 in
// step 12; of dr[1], 0.5 in step 12 and 1 in step 13.
func TestCreatedDelays(t *testing.T) {
	t.Parallel()
	r := run(t, spModel)
	want := map[[2]int]float64{{11, 0}: 1, {12, 0}: 0.5, {12, 1}: 0.5, {13, 1}: 1}
	expect(t, trace(t, r, "dr", "a", spSteps, 2), func(k, i int) float64 { return want[[2]int{k, i}] })
}
