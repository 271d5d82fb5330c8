package e2e

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The expected values below are derived by hand from testdata/api.yaml
// (dt = 0.5 ms) and the rules of the README's "One step" and "The generated Go package".

func check[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// TestSimulateUntil: A (speeds 1, 2, 4; r > 10 : any) holds after the step k
// with 0.5·4·k > 10, k = 6 (3 ms); B (speeds 1, 0.5; r > 10 : all) after
// 0.5·0.5·k > 10, k = 41 (20.5 ms). "and" waits for both, "or" for either.
func TestSimulateUntil(t *testing.T) {
	var got map[string][]float64
	apiResult(t, "until", &got)
	want := map[string][]float64{
		"default": {3.0, 6}, // the model's until: A or B
		"A":       {3.0, 6},
		"B":       {20.5, 41},
		"AandB":   {20.5, 41},
		"AorB":    {3.0, 6},
		"max":     {5.0, 10}, // B does not hold within 5 ms
		"none":    {2.0, 4},  // no population: the whole duration
		// thr = 4: 2k > 4 at k = 3.
		"thrSet": {1.5, 3}, "thrField": {1.5, 3},
		// speeds 1, 1, 1: 0.5k > 10 at k = 21.
		"speedSet": {10.5, 21},
		// speeds 1, 2, 1: 1.0k > 10 at k = 11.
		"speedField": {5.5, 11},
		// r = 0, 0, 9: 9 + 2k > 10 at k = 1.
		"rSet": {0.5, 1},
		// r0 = 8: 8 + 0.5k > 10 at k = 5 (before neuron 2 at k = 6).
		"rField": {2.5, 5},
	}
	check(t, "SimulateUntil [ms, steps]", got, want)
}

type call struct {
	Step int64
	N    int
	R    float64
}

// TestEvery: callbacks (period, offset, wait) = (2, 0, 0), (2, 0.5, 0),
// (2, -0.5, 0), (3, 0, 4) ms over Simulate(10) twice (steps 0-19, 20-39):
// period 4 steps; offsets 0, 1 and 4-1 = 3 steps; the last has period 6
// and waits 8 steps. n restarts at 0 with each Simulate; a callback runs
// before its step (it sees A.r[0] = 0.5·step). Step, SimulateUntil and
// disabled callbacks run none.
func TestEvery(t *testing.T) {
	var got struct {
		Calls                                  [][]call
		StepCalls, DisabledCalls, EnabledCalls int
	}
	apiResult(t, "every", &got)
	series := func(starts ...int64) []call {
		var out []call
		for _, first := range [][]int64{starts[:len(starts)/2], starts[len(starts)/2:]} {
			for k, s := range first {
				out = append(out, call{Step: s, N: k, R: 0.5 * float64(s)})
			}
		}
		return out
	}
	want := [][]call{
		series(0, 4, 8, 12, 16, 20, 24, 28, 32, 36),
		series(1, 5, 9, 13, 17, 21, 25, 29, 33, 37),
		series(3, 7, 11, 15, 19, 23, 27, 31, 35, 39),
		series(8, 14, 28, 34),
	}
	check(t, "callback calls", got.Calls, want)
	check(t, "calls during Step and SimulateUntil", got.StepCalls, 0)
	check(t, "calls while disabled", got.DisabledCalls, 0)
	check(t, "calls after EnableCallbacks in Simulate(1)", got.EnabledCalls, 2)
}

// TestReset: Reset restores initial values (drawn again from the seed),
// zeroes synaptic variables and keeps learned weights; ResetWith Synapses
// draws connectivity and weights again, from the current seed.
func TestReset(t *testing.T) {
	var got map[string]any
	apiResult(t, "reset", &got)
	for _, k := range []string{"vChanged", "wLearned", "vRestored", "rRestored", "xZero", "wKept", "monEmpty",
		"sameConn", "wRedrawn", "rerunSame", "newConnDiffers", "newConnMatches", "initMatches", "reseededRunMatches"} {
		if got[k] != true {
			t.Errorf("%s = %v, want true", k, got[k])
		}
	}
	check(t, "time after Reset", got["time0"], any([]any{0.0, 0.0}))
	if s := got["mwShapeNew"].([]any); s[0] != s[1] {
		t.Errorf("monitor of nn after redrawing: %v synapses per frame, the projection has %v", s[0], s[1])
	}
}

// acc builds the expected frames of acc.tot: each neuron's value after each
// of steps steps, given the steps at which a unit of weight w arrives.
func acc(steps int, w float64, arrivals ...[]int) [][]float64 {
	out := make([][]float64, steps)
	for k := range out {
		out[k] = make([]float64, len(arrivals))
		for j, as := range arrivals {
			for _, a := range as {
				if a <= k {
					out[k][j] += w
				}
			}
		}
	}
	return out
}

func rows(rs ...[]float64) [][]float64 { return rs }

// TestRepeatRunning: inputs, delays, weights and constants changed between
// runs of one network, by path and by typed field. src spikes at 1 ms
// (step 2) and 2, 4 ms (steps 4, 8); sd delivers after its delay (1 ms = 2
// steps), so acc.tot counts one unit at step 2+2 = 4 (neuron 0) and 6, 10
// (neuron 1).
func TestRepeatRunning(t *testing.T) {
	var g struct {
		AccBase, AccTimesSet, AccBack, AccTimesField          [][]float64
		AccDelaySet, AccDelayField, AccDelayList              [][]float64
		AccWSet, AccWField                                    [][]float64
		SpikeTimesGet, DelaysGet, TaPeriodGet, TaRatesGet     []float64
		TaBase, TaRatesSet, TaBack, TaRatesField              [][]float64
		TaSchedule, TaPeriod                                  [][]float64
		PoissonZero, PoissonAll, PoissonFive, PoissonAllField int
		Constant                                              []float64
		Clock                                                 [][]float64
		Errors                                                []string
	}
	apiResult(t, "inputs", &g)
	base := acc(12, 1, []int{4}, []int{6, 10})
	check(t, "acc.tot", g.AccBase, base)
	check(t, "acc.tot after Set(src.spike_times) = [[3], []]", g.AccTimesSet, acc(12, 1, []int{8}, nil))
	check(t, "acc.tot after SetSpikeTimes back", g.AccBack, base)
	check(t, "acc.tot after SetSpikeTimes([[3], []])", g.AccTimesField, acc(12, 1, []int{8}, nil))
	check(t, "Get(src.spike_times)", g.SpikeTimesGet, []float64{3})
	// Delay 2 ms = 4 steps.
	check(t, "Get(sd.delays)", g.DelaysGet, []float64{2, 2})
	check(t, "acc.tot with Set(sd.delays, 2)", g.AccDelaySet, acc(14, 1, []int{6}, []int{8, 12}))
	check(t, "acc.tot with SetDelays(2)", g.AccDelayField, acc(14, 1, []int{6}, []int{8, 12}))
	// Delays 0.5 and 3 ms = 1 and 6 steps.
	check(t, "acc.tot with delays [0.5, 3]", g.AccDelayList, acc(16, 1, []int{3}, []int{10, 14}))
	check(t, "acc.tot with Set(sd.w, 2.5)", g.AccWSet, acc(12, 2.5, []int{4}, []int{6, 10}))
	check(t, "acc.tot with W = 2.5", g.AccWField, acc(12, 2.5, []int{4}, []int{6, 10}))
	// Timed array: rows of 1 ms = 2 steps, no repetition.
	ta := rows([]float64{1, 2}, []float64{1, 2}, []float64{3, 4}, []float64{3, 4}, []float64{5, 6}, []float64{5, 6})
	check(t, "ta.r", g.TaBase, ta)
	check(t, "Get(ta.period)", g.TaPeriodGet, []float64{-1})
	ta78 := rows([]float64{7, 8}, []float64{7, 8}, []float64{9, 10}, []float64{9, 10}, []float64{9, 10}, []float64{9, 10})
	check(t, "ta.r after Set(ta.rates)", g.TaRatesSet, ta78)
	check(t, "Get(ta.rates)", g.TaRatesGet, []float64{7, 8, 9, 10})
	check(t, "ta.r after SetTimedArray back", g.TaBack, ta)
	check(t, "ta.r after SetTimedArray", g.TaRatesField, ta78)
	check(t, "ta.r with schedule 0.5 ms", g.TaSchedule,
		rows([]float64{1, 2}, []float64{3, 4}, []float64{5, 6}, []float64{5, 6}, []float64{5, 6}, []float64{5, 6}))
	// Period 1.5 ms = 3 steps: row (step mod 3) / 2.
	check(t, "ta.r with period 1.5 ms", g.TaPeriod,
		rows([]float64{1, 2}, []float64{1, 2}, []float64{3, 4}, []float64{1, 2}, []float64{1, 2}, []float64{3, 4}))
	// SetTime(1 ms) = step 2 (row 1 of ta); SetCurrentStep(5): row 2.
	check(t, "clock", g.Clock, rows([]float64{1.0, 2}, []float64{3, 4}, []float64{5, 6}, []float64{3.0, 6}))
	// Poisson at 2000 Hz and dt 0.5 ms: probability 1 per step; 20 steps.
	check(t, "Poisson spikes at 0 Hz", g.PoissonZero, 0)
	check(t, "Poisson spikes at 2000 Hz", g.PoissonAll, 20*20)
	check(t, "Poisson spikes with 5 neurons at 2000 Hz", g.PoissonFive, 5*20)
	check(t, "Poisson spikes with Rates = 2000", g.PoissonAllField, 20*20)
	check(t, "kp.r after Set(K, 3.5), Const.K = 4.5, Get(K)", g.Constant, []float64{3.5, 4.5, 4.5})
	wantErr := []string{
		`unknown path "nope.x"`,
		"A.thr: want a single number",
		"src.spike_times: src: 3 spike-time lists for 2 neurons",
		"ta.rates: ta: row 0 has 3 rates for 2 neurons",
		"sd.delays: ",
		"A.speed: cannot use struct {} as a value",
		"pl.delays: projection pl was compiled without delays",
	}
	if len(g.Errors) != len(wantErr) {
		t.Fatalf("errors: %q", g.Errors)
	}
	for i, w := range wantErr {
		if !strings.HasPrefix(g.Errors[i], w) {
			t.Errorf("error %d = %q, want it to start with %q", i, g.Errors[i], w)
		}
	}
}

// TestLearning: pl has dw/dt = 0.5 with dt = 0.5, so each learning step adds
// 0.25 to both synapses; 10 steps are simulated.
func TestLearning(t *testing.T) {
	var got map[string]any
	apiResult(t, "learning", &got)
	w := func(x float64) any { return []any{x, x} }
	want := map[string]any{
		"default": w(2.5),
		// period 2 ms = 4 steps from offset 0.5 ms = 1 step: steps 1, 5, 9.
		"period": w(0.75),
		// offset -0.5 ms = -1 step: steps 3, 7.
		"periodNegOffset": w(0.5),
		"projOff":         w(0.0), "projOn": w(2.5),
		"allOff": w(0.0), "allOn": w(2.5),
		"nnLearns": true, "nnOff": false,
	}
	check(t, "learning", got, want)
}

// TestMemory: one long Simulate equals many short ones (and single Steps);
// a monitor streaming to disk writes what memory would hold and holds
// nothing; Get drains, so two Gets cover one run; the statistics of the
// spikes held after a TakeRaster cover the window since it.
func TestMemory(t *testing.T) {
	var got struct {
		SplitSame, StepsSame, StreamSame, DrainSame bool
		StreamHeld, Spikes                          int
		StreamShape                                 []int
		DrainShapes                                 [][]int
		StatsWindow                                 []float64
		StatsBins                                   int
		StatsBinned, StatsCount                     bool
	}
	apiResult(t, "memory", &got)
	check(t, "spike statistics window (T0, Duration) after Simulate(50), TakeRaster, Simulate(50)", got.StatsWindow, []float64{50, 50})
	check(t, "spike statistics", []any{got.StatsBins, got.StatsBinned, got.StatsCount}, []any{5, true, true})
	check(t, "split runs", []bool{got.SplitSame, got.StepsSame, got.StreamSame, got.DrainSame}, []bool{true, true, true, true})
	check(t, "values held while streaming", got.StreamHeld, 0)
	check(t, "streamed shape", got.StreamShape, []int{200, 40})
	check(t, "drained shapes", got.DrainShapes, [][]int{{100, 40}, {100, 40}})
	if got.Spikes == 0 {
		t.Error("N did not spike: the comparison of rasters is empty")
	}
}

// TestSubset: WithOnly keeps the named objects only.
func TestSubset(t *testing.T) {
	var got struct {
		Nil            []bool
		Monitors       int
		Until          float64
		UntilPops      float64
		GetAbsent      string
		SetAbsent      string
		AFrames        int
		NoTransmission [][]float64
		SameDraws      bool
		Errors         []string
		Names          []string
	}
	apiResult(t, "subset", &got)
	check(t, "nil fields", got.Nil, []bool{true, true, true, true, true, true})
	check(t, "monitors", got.Monitors, 1)
	check(t, "SimulateUntil without B", got.Until, 3.0)
	check(t, "SimulateUntilPops given the left-out B", got.UntilPops, 3.0)
	check(t, "Get of a left-out object", got.GetAbsent, "B.r: not in this network (left out by WithOnly)")
	check(t, "Set of a left-out object", got.SetAbsent, "nn.w: not in this network (left out by WithOnly)")
	check(t, "frames of mA", got.AFrames, 6)
	check(t, "acc.tot without sd", got.NoTransmission, acc(12, 1, nil, nil))
	check(t, "initial values drawn as in the whole network", got.SameDraws, true)
	check(t, "errors", got.Errors, []string{
		"WithOnly: projection sd needs populations src and acc",
		`WithOnly: the model has no population, projection or monitor "nope"`,
		"WithOnly: monitor mw needs nn",
	})
	check(t, "Names", got.Names, []string{"A", "B", "src", "acc", "kp", "ta", "L2", "inp", "N", "sd", "pl", "in_n", "nn", "mA", "mAcc", "mta", "mN", "mw", "minp"})
}

// TestCheckFinite: the generated CheckFinite finds nothing in a network that
// ran 5 ms (allocating nothing), then reports each planted NaN or infinity
// by object, variable and index: per neuron, population-wide, per synapse,
// projection-wide; with two planted (acc before nn in creation order) the
// population's; in a WithOnly subset the left-out objects are skipped.
// CheckFiniteVars skips parameters and weights no equation writes.
func TestCheckFinite(t *testing.T) {
	var got struct {
		OK       string
		Allocs   float64
		Planted  []string
		After    string
		Fields   bool
		SubsetOK string
		Subset   string
		Vars     []string
	}
	apiResult(t, "finite", &got)
	const hint = "; try a smaller dt or a more stable numerical method (implicit, exponential, rk4)"
	check(t, "finite state", got.OK, "")
	check(t, "allocations", got.Allocs, 0.0)
	check(t, "planted", got.Planted, []string{
		"numerical blow-up: population N, variable v of neuron 3 is NaN" + hint,
		"numerical blow-up: population A, population-wide variable thr is +Inf" + hint,
		"numerical blow-up: projection nn, variable w of synapse 2 is -Inf" + hint,
		"numerical blow-up: projection nn, projection-wide variable tau_t is NaN" + hint,
		"numerical blow-up: population acc, variable tot of neuron 1 is +Inf" + hint,
	})
	check(t, "after undoing", got.After, "")
	check(t, "NonFiniteError fields", got.Fields, true)
	check(t, "CheckFiniteVars, CheckFinite", got.Vars, []string{
		"", "numerical blow-up: population A, population-wide variable thr is +Inf" + hint, // a parameter
		"", "numerical blow-up: projection in_n, variable w of synapse 0 is NaN" + hint, // a static weight
		"numerical blow-up: projection nn, variable w of synapse 1 is NaN" + hint, // a learned weight
		"numerical blow-up: projection nn, variable w of synapse 1 is NaN" + hint,
	})
	check(t, "subset, finite", got.SubsetOK, "")
	check(t, "subset", got.Subset, "numerical blow-up: population A, variable r of neuron 2 is -Inf"+hint)
}

// TestParallelRun: arguments, index order, panics, seeds, options,
// progress and runs over given networks.
func TestParallelRun(t *testing.T) {
	var got struct {
		Args              []float64
		ArgsErrs          []string
		PanicVals         []int
		PanicErrs         []bool
		Seeds             []int64
		DerivedOK         bool
		BadSeeds          []string
		Options           []bool
		Progress          [][2]int
		On                []int64
		CoreProgress      [3]float64
		CoreProgressCalls bool
	}
	apiResult(t, "parallel", &got)
	// thr 2, 4, 10: 2k > thr at k = 2, 3, 6.
	check(t, "ParallelRunArgs", got.Args, []float64{1.0, 1.5, 3.0})
	check(t, "ParallelRunArgs errors", got.ArgsErrs, []string{"", "", ""})
	check(t, "results around a panic", got.PanicVals, []int{0, 10, 0, 30})
	check(t, "errors around a panic", got.PanicErrs, []bool{true, true, true, true})
	check(t, "explicit seeds", got.Seeds, []int64{11, 12, 13})
	check(t, "derived seeds", got.DerivedOK, true)
	check(t, "seeds of the wrong length", got.BadSeeds, []string{"run 0: 1 seeds for 2 runs", "run 1: 1 seeds for 2 runs"})
	check(t, "options", got.Options, []bool{true, true})
	check(t, "progress", got.Progress, [][2]int{{1, 5}, {2, 5}, {3, 5}, {4, 5}, {5, 5}})
	check(t, "ParallelRunOn", got.On, []int64{2102, 2202})
	check(t, "Core progress at the end of Simulate(100)", got.CoreProgress, [3]float64{200, 200, 100})
	check(t, "Core progress called", got.CoreProgressCalls, true)
}
