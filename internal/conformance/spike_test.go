package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/annc/annc/analysis"
)

// testdata/spike.yaml: dt = 0.5 ms, 200 ms = 400 steps, seed 7.
const (
	spikeModel = "testdata/spike.yaml"
	spikeDt    = 0.5
	spikeSteps = 400
)

// raster returns the spikes of a monitor as "rank@step" strings in the
// file's order (time, then rank), checking that every time is on the grid.
func raster(t *testing.T, r *analysis.Run, monitor string) []string {
	t.Helper()
	return rasterDt(t, r, monitor, spikeDt)
}

// rasterDt is raster for a model of time step dt ms.
func rasterDt(t *testing.T, r *analysis.Run, monitor string, dt float64) []string {
	t.Helper()
	sp := r.Spikes[monitor]
	if sp == nil {
		t.Fatalf("no spikes recorded by %s", monitor)
	}
	out := make([]string, len(sp.Times))
	for i, tm := range sp.Times {
		k := math.Round(tm / dt)
		if !near(tm, k*dt) {
			t.Errorf("%s: spike time %v ms is not on the %v ms grid", monitor, tm, dt)
		}
		out[i] = fmt.Sprintf("%d@%d", sp.Ranks[i], int(k))
	}
	return out
}

// TestLIFSpikes: tau dv/dt = -v + I (tau 10 ms), threshold 10, reset to 0,
// refractory 2 ms = 4 steps, explicit Euler with h = 0.5: v <- v + 0.05 (I - v).
// From v = 0, after m updates v = I (1 - 0.95^m):
//   - I = 15: 0.95^21 = 0.3406 gives 9.89, 0.95^22 = 0.3235 gives 10.15, so
//     the 22nd update spikes: step 21 (t = 10.5 ms). Then 4 frozen steps and
//     22 updates again: a spike every 26 steps (13 ms): 10.5, 23.5, 36.5, ...
//   - I = 30: 0.95^8 = 0.6634 < 2/3, 0.95^7 = 0.6983: step 7 (3.5 ms), then
//     every 12 steps (6 ms).
//
// n (dn/dt = 1, reset n += 100) freezes with v; c (unless_refractory) does not.
func TestLIFSpikes(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel)
	var want []string
	for i, period := range []int{26, 12} {
		first := []int{21, 7}[i]
		for k := first; k < spikeSteps; k += period {
			want = append(want, fmt.Sprintf("%d@%d", i, k))
		}
	}
	slices.SortFunc(want, func(a, b string) int {
		var ra, ka, rb, kb int
		fmt.Sscanf(a, "%d@%d", &ra, &ka)
		fmt.Sscanf(b, "%d@%d", &rb, &kb)
		if ka != kb {
			return ka - kb
		}
		return ra - rb
	})
	if got := raster(t, r, "lif"); !slices.Equal(got, want) {
		t.Errorf("lif spikes (rank@step)\n got %v\nwant %v", got, want)
	}
	// The same sequence step by step, with the state it leaves.
	I := []float64{15, 30}
	v := make([][]float64, spikeSteps)
	n := make([][]float64, spikeSteps)
	c := make([][]float64, spikeSteps)
	for i := range I {
		vi, ni, ci, refr := 0.0, 0.0, 0.0, 0
		for k := 0; k < spikeSteps; k++ {
			ci += spikeDt
			if refr > 0 {
				refr--
			} else {
				vi += spikeDt / 10 * (I[i] - vi)
				ni += spikeDt
				if vi > 10 {
					vi, ni, refr = 0, ni+100, 4
				}
			}
			if i == 0 {
				v[k], n[k], c[k] = make([]float64, 2), make([]float64, 2), make([]float64, 2)
			}
			v[k][i], n[k][i], c[k][i] = vi, ni, ci
		}
	}
	expect(t, trace(t, r, "lif", "v", spikeSteps, 2), func(k, i int) float64 { return v[k][i] })
	expect(t, trace(t, r, "lif", "n", spikeSteps, 2), func(k, i int) float64 { return n[k][i] })
	expect(t, trace(t, r, "lif", "c", spikeSteps, 2), func(k, i int) float64 { return c[k][i] })
}

// TestSpikeTransmission: src fires at [2, 2.5, 9], [3.3], [5, 7] ms, i.e.
// steps 4, 5, 18 / 7 (3.3/0.5 = 6.6 rounds to 7) / 10, 14.
//   - p0 (one to one, w 1, no delay, target exc): a spike of step s arrives
//     in step s+1; x = g_exc (read in the neuron's equations) and the
//     recorded g_exc (the input of the step) are 1 in steps 5, 6, 19 / 8 /
//     11, 15 and 0 elsewhere (g_exc is reset after every step).
//   - pd (w 2, delay 2 ms = 4 steps, target inh): y = g_inh = 2 in steps
//     8, 9, 22 / 11 / 14, 18.
func TestSpikeTransmission(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel)
	src := [][]int{{4, 5, 18}, {7}, {10, 14}}
	var want []string
	for k := 0; k < 20; k++ {
		for i, steps := range src {
			if slices.Contains(steps, k) {
				want = append(want, fmt.Sprintf("%d@%d", i, k))
			}
		}
	}
	if got := raster(t, r, "src"); !slices.Equal(got, want) {
		t.Errorf("src spikes (rank@step)\n got %v\nwant %v", got, want)
	}
	arrive := func(delay int, w float64) func(k, i int) float64 {
		return func(k, i int) float64 {
			if slices.Contains(src[i], k-delay) {
				return w
			}
			return 0
		}
	}
	expect(t, trace(t, r, "recv", "x", spikeSteps, 3), arrive(1, 1))
	expect(t, trace(t, r, "recv", "g_exc", spikeSteps, 3), arrive(1, 1))
	expect(t, trace(t, r, "recv", "y", spikeSteps, 3), arrive(4, 2))
	expect(t, trace(t, r, "recv", "g_inh", spikeSteps, 3), arrive(4, 2))
}

// TestSTDP: sa fires at 5 and 20 ms (steps 10, 40), so its spikes reach the
// synapse in steps 11 and 41 (t = 5.5, 20.5 ms). sb drives post through a
// weight of 1 (post fires when g_exc > 0.5, in the step the input arrives):
// sb at 7, 8, 17, 30 ms (steps 14, 16, 34, 60) makes post fire in steps 15,
// 17, 35, 61 (t = 7.5, 8.5, 17.5, 30.5 ms).
//
// pre: g += w; x += 0.4; w = clip(w - y, 0, 1). post: y += 0.6;
// w = clip(w + x, 0, 1). Between events the traces decay as
// x(t) = x(t0) exp(-(t-t0)/10), y(t) = y(t0) exp(-(t-t0)/20), where, as in
// ANNarchy 5, an event arriving in step k decays them from the step of the
// synapse's last event to step k-1 when it is presynaptic and to step k
// when it is postsynaptic, and stamps the synapse with step k. From w = 0.5:
//
//	5.5  pre:  x = 0.4,                          w = 0.5
//	7.5  post: y = 0.6, x = 0.4 e^-0.2 = 0.3275,  w = 0.8275
//	8.5  post: y = 0.6 e^-0.05 + 0.6,  x = 0.4 e^-0.3,  w = clip(1.1238) = 1
//	17.5 post: y = 1.1707 e^-0.45 + 0.6 = 1.3465, x = 0.4 e^-1.2, w = 1
//	20.5 pre:  x = 0.4 e^-1.45 + 0.4, y = 1.3465 e^-0.125 = 1.1883, w = 0
//	30.5 post: x = 0.4938 e^-1,                   w = 0.1817
//
// (exact decay, in TestExactDecay, gives x = 0.4 e^-1.5 + 0.4 at 20.5 and
// w = 0.1800 at 30.5), and g_stdp (recorded as gs) is the weight before the
// pre_spike update: 0.5 in step 11, 1 in step 41.
func TestSTDP(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel)
	w, gs := stdpRun(11, 41, false)
	if !near(w[17], 1) || !near(w[41], 0) || !near(w[61], 0.4*(math.Exp(-1.45)+1)*math.Exp(-1)) {
		t.Fatalf("derivation broken: w = %v %v %v", w[17], w[41], w[61])
	}
	expect(t, trace(t, r, "stdp", "w", spikeSteps, 1), func(k, _ int) float64 { return w[k] })
	expect(t, trace(t, r, "post", "gs", spikeSteps, 1), func(k, _ int) float64 { return gs[k] })
	want := []string{"0@15", "0@17", "0@35", "0@61"}
	if got := raster(t, r, "post"); !slices.Equal(got, want) {
		t.Errorf("post spikes %v, want %v", got, want)
	}
	// stdpd is the same rule with a delay of 1.5 ms (3 steps): the pre
	// spikes reach the synapse in steps 13 and 43, where pre_spike runs
	// (g_stdp2 += w, x += 0.4 after x decays, ...).
	wd, gd := stdpRun(13, 43, false)
	expect(t, trace(t, r, "stdpd", "w", spikeSteps, 1), func(k, _ int) float64 { return wd[k] })
	expect(t, trace(t, r, "post", "gs2", spikeSteps, 1), func(k, _ int) float64 { return gd[k] })
	// t - t_pre in pre_spike is the delay: t_pre is the emission time.
	expect(t, trace(t, r, "stdpd", "lag", spikeSteps, 1), func(k, _ int) float64 {
		if k < 13 {
			return -1
		}
		return 3 * spikeDt
	})
}

// TestExactDecay: the rule of TestSTDP in a model with event_driven: exact,
// where every event decays the traces over all the steps since the last one.
func TestExactDecay(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/exact_decay.yaml")
	w, gs := stdpRun(11, 41, true)
	if !near(w[61], 0.4*(math.Exp(-1.5)+1)*math.Exp(-1)) {
		t.Fatalf("derivation broken: w = %v", w[61])
	}
	expect(t, trace(t, r, "stdp", "w", spikeSteps, 1), func(k, _ int) float64 { return w[k] })
	expect(t, trace(t, r, "post", "gs", spikeSteps, 1), func(k, _ int) float64 { return gs[k] })
	wd, gd := stdpRun(13, 43, true)
	expect(t, trace(t, r, "stdpd", "w", spikeSteps, 1), func(k, _ int) float64 { return wd[k] })
	expect(t, trace(t, r, "post", "gs2", spikeSteps, 1), func(k, _ int) float64 { return gd[k] })
}

// stdpRun follows the STDP rule of TestSTDP step by step with the pre
// spikes processed in the given steps and post spikes in 15, 17, 35, 61;
// it returns w after each step and g_stdp (the w transmitted) per step.
// Without exact, a pre event decays the traces one step short (ANNarchy 5).
func stdpRun(pre1, pre2 int, exact bool) (w, gs []float64) {
	type event struct {
		step int
		pre  bool
	}
	events := []event{{pre1, true}, {15, false}, {17, false}, {35, false}, {pre2, true}, {61, false}}
	slices.SortStableFunc(events, func(a, b event) int { return a.step - b.step })
	w = make([]float64, spikeSteps)
	gs = make([]float64, spikeSteps)
	wc, x, y, last := 0.5, 0.0, 0.0, -10000
	clip := func(v float64) float64 { return math.Min(math.Max(v, 0), 1) }
	e := 0
	for k := range w {
		if e < len(events) && events[e].step == k {
			to := k
			if events[e].pre && !exact {
				to = k - 1
			}
			el := spikeDt * float64(to-last)
			x, y, last = x*math.Exp(-el/10), y*math.Exp(-el/20), k
			if events[e].pre {
				gs[k] = wc
				x += 0.4
				wc = clip(wc - y)
			} else {
				y += 0.6
				wc = clip(wc + x)
			}
			e++
		}
		w[k] = wc
	}
	return w, gs
}

// TestPoisson: a Poisson neuron fires in a step with probability
// rate*dt/1000. pois: 500 neurons at 40 Hz for 400 steps, p = 0.02:
// 4000 spikes expected, sd sqrt(4000*0.98) = 62.6. pois2: rates
// ite(t < 100, 20, 80): 200 steps at p = 0.01 (1000 +- 31.5), then 200 at
// p = 0.04 (4000 +- 62.0). Each count must lie within 5 sd.
func TestPoisson(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel)
	within := func(name string, got int, n, p float64) {
		mu, sd := n*p, math.Sqrt(n*p*(1-p))
		if math.Abs(float64(got)-mu) > 5*sd {
			t.Errorf("%s: %d spikes, want %.0f +- 5 * %.1f", name, got, mu, sd)
		} else {
			t.Logf("%s: %d spikes (expected %.0f +- %.1f)", name, got, mu, sd)
		}
	}
	count := func(monitor string, k0, k1 int) int {
		sp := r.Spikes[monitor]
		if sp == nil {
			t.Fatalf("no spikes recorded by %s", monitor)
		}
		c := 0
		for _, tm := range sp.Times {
			if k := int(math.Round(tm / spikeDt)); k >= k0 && k < k1 {
				c++
			}
		}
		return c
	}
	within("pois", count("pois", 0, 400), 500*400, 0.02)
	within("pois2 t < 100", count("pois2", 0, 200), 500*200, 0.01)
	within("pois2 t >= 100", count("pois2", 200, 400), 500*200, 0.04)
	// No neuron fires twice in a step.
	seen := map[string]bool{}
	for _, s := range raster(t, r, "pois") {
		if seen[s] {
			t.Fatalf("pois: neuron fired twice in one step: %s", s)
		}
		seen[s] = true
	}
}

// delaysDriver prints, for the network of a given seed, the delays of pnu
// (read with Get) and the input z of every fan neuron in each of the first
// 40 steps (stepped one by one through the typed fields).
const delaysDriver = `package main

import (
	"encoding/json"
	"os"
	"strconv"

	model "IMPORT"
)

func main() {
	seed, _ := strconv.ParseInt(os.Args[1], 10, 64)
	n, err := model.New(model.WithSeed(seed))
	if err != nil {
		panic(err)
	}
	d, err := n.Get("pnu.delays")
	if err != nil {
		panic(err)
	}
	var z [][]float64
	for k := 0; k < 40; k++ {
		n.Step()
		z = append(z, append([]float64(nil), n.Fan.Z...))
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"delays": d, "z": z})
}
`

// TestDrawnDelays: pnu connects src[0] (spikes in steps 4, 5, 18) to the 8
// fan neurons with delays drawn from Uniform(0.5, 6) ms, rounded to steps
// (1 to 12). Neuron j must receive w = 1 exactly in steps 4+d_j, 5+d_j and
// 18+d_j, with d_j the delay Get("pnu.delays") reports for the same seed, in
// the runner's results as in a program stepping the generated package.
func TestDrawnDelays(t *testing.T) {
	t.Parallel()
	for _, seed := range []string{"7", "123"} {
		var got struct {
			Delays []float64
			Z      [][]float64
		}
		if err := json.Unmarshal(driver(t, spikeModel, "delays", delaysDriver, seed), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Delays) != 8 {
			t.Fatalf("pnu has %d delays, want 8", len(got.Delays))
		}
		steps := make([]int, 8)
		distinct := map[int]bool{}
		for j, d := range got.Delays {
			steps[j] = int(math.Round(d / spikeDt))
			if !near(d, float64(steps[j])*spikeDt) || steps[j] < 1 || steps[j] > 12 {
				t.Errorf("seed %s: delay %d is %v ms, want a multiple of %v in [0.5, 6]", seed, j, d, spikeDt)
			}
			distinct[steps[j]] = true
		}
		if len(distinct) < 3 {
			t.Errorf("seed %s: delays %v are hardly drawn", seed, got.Delays)
		}
		want := func(k, j int) float64 {
			for _, s := range []int{4, 5, 18} {
				if k == s+steps[j] {
					return 1
				}
			}
			return 0
		}
		for k, row := range got.Z {
			for j, z := range row {
				if !near(z, want(k, j)) {
					t.Errorf("seed %s, driver: fan.z[step %d][%d] = %v, want %v (delay %v steps)", seed, k, j, z, want(k, j), steps[j])
				}
			}
		}
		r := run(t, spikeModel, "-seed", seed, "-duration", "20")
		expect(t, trace(t, r, "fan", "z", 40, 8), want)
		t.Logf("seed %s: delays %v ms", seed, got.Delays)
	}
}

// TestConductanceWithEquation: condg has its own equation for g_exc
// (tau_e dg/dt = -g, tau_e = 4, explicit: g <- 0.875 g) and receives w = 1
// from src[2] (spikes in steps 10 and 14, arriving in 11 and 15). The spike
// is added before the neuron update, so in step k with input G_k (g after
// the arrivals) gv = 0.875 G_k; the recorded g_exc is the input of the step,
// G_k: 1 in step 11, 0.875^4 + 1 in step 15, 0.875^(k-15) (0.875^4 + 1) later.
func TestConductanceWithEquation(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel)
	G := make([]float64, spikeSteps)
	g := 0.0
	for k := range G {
		if k == 11 || k == 15 {
			g += 1
		}
		G[k] = g
		g *= 0.875
	}
	expect(t, trace(t, r, "condg", "g_exc", spikeSteps, 1), func(k, _ int) float64 { return G[k] })
	expect(t, trace(t, r, "condg", "gv", spikeSteps, 1), func(k, _ int) float64 { return 0.875 * G[k] })
}

// TestRefractoryParameter: lif2 is the I = 30 neuron of TestLIFSpikes (first
// spike in step 7, 8 updates per spike) with refractory: tref, a per-neuron
// parameter of 1.3 and 3.2 ms: 2.6 and 6.4 steps, rounded to the nearest
// step, 3 and 6 (ANNarchy truncates: 2 and 6). Spikes every 8 + 3 = 11 and
// 8 + 6 = 14 steps.
func TestRefractoryParameter(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel, "-duration", "50")
	var want []string
	for k := 0; k < 100; k++ {
		for i, period := range []int{11, 14} {
			if k >= 7 && (k-7)%period == 0 {
				want = append(want, fmt.Sprintf("%d@%d", i, k))
			}
		}
	}
	if got := raster(t, r, "lif2"); !slices.Equal(got, want) {
		t.Errorf("lif2 spikes (rank@step)\n got %v\nwant %v", got, want)
	}
	// since = t - t_last, an assignment, so frozen while refractory. t_last
	// starts at -10000 steps (ANNarchy's initial last spike), i.e. -5000 ms,
	// and becomes t after the spike test, so the spike step itself still
	// sees the previous t_last.
	since := make([][2]float64, 100)
	for i, refrSteps := range []int{3, 6} {
		last, refr, val := -10000*spikeDt, 0, 0.0
		for k := range since {
			tk := spikeDt * float64(k)
			if refr > 0 {
				refr--
			} else {
				val = tk - last
				if k >= 7 && (k-7)%(8+refrSteps) == 0 {
					last, refr = tk, refrSteps
				}
			}
			since[k][i] = val
		}
	}
	expect(t, trace(t, r, "lif2", "since", 100, 2), func(k, i int) float64 { return since[k][i] })
}

// TestSpikeTimesInSynapses: in the STDP synapse, pre_spike sets lag = t -
// t_pre and post_spike lagp = t_post - t_pre. t_pre and t_post are the times
// at which the neurons fired (ANNarchy's last_spike), not the arrival: sa
// fires at 5 and 20 ms and its spikes are processed one step later, so lag
// = dt = 0.5 from step 11 on; post fires at 7.5, 8.5, 17.5 (t_pre = 5) and
// 30.5 ms (t_pre = 20): lagp = 2.5, 3.5, 12.5, 10.5. Both start at -1.
func TestSpikeTimesInSynapses(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel, "-duration", "50")
	expect(t, trace(t, r, "stdp", "lag", 100, 1), func(k, _ int) float64 {
		if k < 11 {
			return -1
		}
		return spikeDt
	})
	expect(t, trace(t, r, "stdp", "lagp", 100, 1), func(k, _ int) float64 {
		switch {
		case k < 15:
			return -1
		case k < 17:
			return 2.5
		case k < 35:
			return 3.5
		case k < 61:
			return 12.5
		}
		return 10.5
	})
}

// TestRefractoryConductances: lifr is the I = 30 LIF of TestLIFSpikes
// (spikes in steps 7, 19, 31, ..., refractory 4 steps: 8-11, 20-23, ...).
// sr fires at 4 and 6 ms (steps 8, 12): w = 1 onto g_exc (own equation
// tau_e dg/dt = -g, tau_e = 4, g <- 0.875 g) and w = 2 onto g_inh (no
// equation) arrive in steps 9 (refractory) and 13 (not). Conductances keep
// running during refractoriness: the recorded g_exc (the step's input) is 1
// in step 9, 0.875^(k-9) after, plus 1 from step 13; g_inh is 2 in steps 9
// and 13. The assignment gx = g_inh is frozen while refractory: it stays 0
// in step 9 and is 2 only in step 13.
func TestRefractoryConductances(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel, "-duration", "20")
	const T = 40
	G := make([]float64, T)
	g := 0.0
	for k := range G {
		if k == 9 || k == 13 {
			g++
		}
		G[k] = g
		g *= 0.875
	}
	expect(t, trace(t, r, "lifr", "g_exc", T, 1), func(k, _ int) float64 { return G[k] })
	expect(t, trace(t, r, "lifr", "g_inh", T, 1), func(k, _ int) float64 {
		if k == 9 || k == 13 {
			return 2
		}
		return 0
	})
	expect(t, trace(t, r, "lifr", "gx", T, 1), func(k, _ int) float64 {
		if k == 13 {
			return 2
		}
		return 0
	})
	if got, want := raster(t, r, "lifr"), []string{"0@7", "0@19", "0@31"}; !slices.Equal(got, want) {
		t.Errorf("lifr spikes %v, want %v", got, want)
	}
}

// TestSetInputs: inputs and parameters change at run time without
// recompiling. With -set src.spike_times=[[1], [], [0, 4]] the sources fire
// in steps 2 / none / 0, 8, so recv's x = g_exc is 1 in steps 3 / - / 1, 9
// and y = g_inh (delay 4 steps, w = 2) is 2 in 6 / - / 4, 12. With
// -set pd.w=0.5 the delayed weight is 0.5 instead, and -set lif.I=[30, 15]
// swaps the two LIF neurons' spike trains (first spikes in steps 7 and 21).
func TestSetInputs(t *testing.T) {
	t.Parallel()
	r := run(t, spikeModel, "-duration", "15", "-set", "src.spike_times=[[1.0], [], [0.0, 4.0]]",
		"-set", "pd.w=0.5", "-set", "lif.I=[30, 15]")
	src := [][]int{{2}, nil, {0, 8}}
	arrive := func(delay int, w float64) func(k, i int) float64 {
		return func(k, i int) float64 {
			if slices.Contains(src[i], k-delay) {
				return w
			}
			return 0
		}
	}
	expect(t, trace(t, r, "recv", "x", 30, 3), arrive(1, 1))
	expect(t, trace(t, r, "recv", "y", 30, 3), arrive(4, 0.5))
	if got, want := raster(t, r, "lif"), []string{"0@7", "0@19", "1@21"}; !slices.Equal(got, want) {
		t.Errorf("lif spikes with I = [30, 15]: %v, want %v", got, want)
	}
}

// TestLearningOff: the rule of TestSTDP with learning disabled for
// projection stdp (schedule: disable_learning): as in ANNarchy, the
// weight stays 0.5 while the traces x and y still jump at the events and
// decay between them (pre events one step short); stdpd still learns. The
// continuous equations of spiking synapses run on too, except w's.
func TestLearningOff(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/learning_off.yaml")
	x, y := make([]float64, spikeSteps), make([]float64, spikeSteps)
	xc, yc, last := 0.0, 0.0, -10000
	for k := range x {
		pre := k == 11 || k == 41
		if post := k == 15 || k == 17 || k == 35 || k == 61; pre || post {
			to := k
			if pre {
				to = k - 1
			}
			el := spikeDt * float64(to-last)
			xc, yc, last = xc*math.Exp(-el/10), yc*math.Exp(-el/20), k
			if pre {
				xc += 0.4
			} else {
				yc += 0.6
			}
		}
		x[k], y[k] = xc, yc
	}
	expect(t, trace(t, r, "stdp", "w", spikeSteps, 1), constant(0.5))
	expect(t, trace(t, r, "stdp", "x", spikeSteps, 1), func(k, _ int) float64 { return x[k] })
	expect(t, trace(t, r, "stdp", "y", spikeSteps, 1), func(k, _ int) float64 { return y[k] })
	wd, _ := stdpRun(13, 43, false)
	expect(t, trace(t, r, "stdpd", "w", spikeSteps, 1), func(k, _ int) float64 { return wd[k] })

	// Synapse Cont (explicit Euler from the old values): c += dt*rate,
	// w += dt*c bounded by 0.6 (only while learning), d += dt*w, at each
	// step the projection's period makes due; frame k follows step k.
	for _, pc := range []struct {
		name     string
		period   int
		learning func(step int) bool
	}{
		{"cont", 1, func(int) bool { return false }},
		{"contp", 2, func(s int) bool { return s < 200 }},
		{"conton", 1, func(int) bool { return true }},
	} {
		c, w, d := make([]float64, spikeSteps), make([]float64, spikeSteps), make([]float64, spikeSteps)
		cc, wc, dc := 0.0, 0.5, 0.0
		for s := range spikeSteps {
			if s%pc.period == 0 {
				nw := wc
				if pc.learning(s) {
					nw = min(wc+spikeDt*cc, 0.6)
				}
				cc, wc, dc = cc+spikeDt*0.002, nw, dc+spikeDt*wc
			}
			c[s], w[s], d[s] = cc, wc, dc
		}
		expect(t, trace(t, r, pc.name, "c", spikeSteps, 1), func(k, _ int) float64 { return c[k] })
		expect(t, trace(t, r, pc.name, "w", spikeSteps, 1), func(k, _ int) float64 { return w[k] })
		expect(t, trace(t, r, pc.name, "d", spikeSteps, 1), func(k, _ int) float64 { return d[k] })
	}
}
