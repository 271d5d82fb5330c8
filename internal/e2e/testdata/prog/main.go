// Command prog drives generated networks for the e2e tests and benchmarks:
// it is built once, next to the packages generated from testdata/api.yaml
// and examples/hh_gamma, and prints what the tests check as JSON.
//
//	prog api                 every API check (see the test for the expected values)
//	prog det                 monitor hashes of 8 instances, sequential and in ParallelRun
//	prog repeat -runs R      R runs of one compiled network: memory and time per run
//	prog sweep -n N -workers W   the 11-point HH sweep, sequential then parallel, N times
//	prog threads -n N        500 ms of the HH network on 1 then 2 goroutines, N times
//	prog layout              COBA with presynaptic-major and post-major synapses (layout.go)
//	prog reload              COBA loading a state into a network that ran (layout.go)
//	prog perpre              the HH network's GABA_A s, stored per presynaptic neuron, read and written
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	api "e2e/annarchy/api"
	hh "e2e/annarchy/hh_gamma"
	annrt "e2e/annarchy/runtime"
	"e2e/annarchy/runtime/results"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func newNet(opts ...api.Option) *api.Network {
	n, err := api.New(opts...)
	must(err)
	return n
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: prog api|det|repeat|sweep")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	runs := fs.Int("runs", 1000, "runs of repeat")
	iters := fs.Int("n", 1, "iterations of sweep")
	workers := fs.Int("workers", 0, "workers of sweep (0: GOMAXPROCS)")
	fs.Parse(os.Args[2:])
	var out any
	switch os.Args[1] {
	case "api":
		res := map[string]any{}
		for name, f := range map[string]func() any{
			"until": until, "every": every, "reset": reset, "inputs": inputs,
			"learning": learning, "memory": memory, "subset": subset, "parallel": parallel,
			"finite": finite,
		} {
			res[name] = f()
		}
		out = res
	case "det":
		out = determinism()
	case "repeat":
		out = repeat(*runs)
	case "sweep":
		out = sweep(*iters, *workers)
	case "threads":
		out = threads(*iters)
	case "layout":
		out = layout()
	case "reload":
		out = reload()
	case "perpre":
		out = perPre()
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
	must(json.NewEncoder(os.Stdout).Encode(out))
}

// until: SimulateUntil durations [ms, steps] (stop conditions any/all,
// combined with and/or), also after parameters and variables change.
func until() any {
	n := newNet()
	res := map[string][]float64{}
	run := func(name string, f func() float64) {
		must(n.Reset())
		ms := f()
		res[name] = []float64{ms, float64(n.CurrentStep())}
	}
	a := func() float64 { return n.SimulateUntilPops(100, false, n.A) }
	run("default", func() float64 { return n.SimulateUntil(100) })
	run("A", a)
	run("B", func() float64 { return n.SimulateUntilPops(100, false, n.B) })
	run("AandB", func() float64 { return n.SimulateUntilPops(100, false, n.A, n.B) })
	run("AorB", func() float64 { return n.SimulateUntilPops(100, true, n.A, n.B) })
	run("max", func() float64 { return n.SimulateUntilPops(5, false, n.B) })
	run("none", func() float64 { return n.SimulateUntilPops(2, false) })
	run("thrSet", func() float64 { must(n.Set("A.thr", 4.0)); return a() })
	n.A.Thr = 10
	run("thrField", func() float64 { n.A.Thr = 4; return a() })
	must(n.Set("A.thr", "10"))
	run("speedSet", func() float64 { must(n.Set("A.speed", []float64{1, 1, 1})); return a() })
	must(n.Set("A.speed", "[1, 2, 4]"))
	run("speedField", func() float64 { n.A.Speed[2] = 1; return a() })
	n.A.Speed[2] = 4
	run("rSet", func() float64 { must(n.Set("A.r", "[0, 0, 9]")); return a() })
	run("rField", func() float64 { n.A.R[0] = 8; return a() })
	return res
}

type call struct {
	Step int64
	N    int
	R    float64 // A.r[0] seen by the callback
}

// every: the steps at which callbacks run over two Simulate calls; Step,
// SimulateUntil and disabled callbacks run none.
func every() any {
	n := newNet()
	calls := make([][]call, 4)
	add := func(id int, period, offset, wait float64) {
		n.Every(period, offset, wait, func(k int) {
			calls[id] = append(calls[id], call{n.CurrentStep(), k, n.A.R[0]})
		})
	}
	add(0, 2.0, 0, 0)
	add(1, 2.0, 0.5, 0)
	add(2, 2.0, -0.5, 0)
	add(3, 3.0, 0, 4.0)
	n.Simulate(10)
	n.Simulate(10)
	snapshot := make([][]call, len(calls))
	for i, c := range calls {
		snapshot[i] = slices.Clone(c)
	}
	res := map[string]any{"calls": snapshot}
	total := func() int { return len(calls[0]) + len(calls[1]) + len(calls[2]) + len(calls[3]) }
	before := total()
	for range 5 {
		n.Step()
	}
	n.SimulateUntil(100)
	n.SimulateUntilPops(3, false)
	res["stepCalls"] = total() - before
	n.DisableCallbacks()
	n.Simulate(5)
	res["disabledCalls"] = total() - before
	n.EnableCallbacks()
	n.Simulate(1) // 2 steps: cb0 and cb1 run once each
	res["enabledCalls"] = total() - before
	return res
}

// monBytes is every value a network's monitors hold, as bytes (drained).
func monBytes(n *api.Network) []byte { return monitorBytes(n.Monitors()) }

// hhBytes is the spikes and the state of an HH network.
func hhBytes(n *hh.Network) []byte {
	b := monitorBytes(n.Monitors())
	for _, x := range [][]float64{n.P.V, n.P.H, n.P.N, n.Gaba.S, n.P.Sum_gaba} {
		b = binary.LittleEndian.AppendUint64(b, uint64(len(x)))
		for _, v := range x {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	return b
}

func monitorBytes(ms []*annrt.Monitor) []byte {
	var b bytes.Buffer
	for _, m := range ms {
		for _, v := range m.Vars {
			data, shape := m.Get(v.Name)
			binary.Write(&b, binary.LittleEndian, int64(len(shape)))
			for _, s := range shape {
				binary.Write(&b, binary.LittleEndian, int64(s))
			}
			binary.Write(&b, binary.LittleEndian, data)
		}
		if m.RecordsSpikes() {
			t, r := m.Raster()
			binary.Write(&b, binary.LittleEndian, int64(len(t)))
			binary.Write(&b, binary.LittleEndian, t)
			binary.Write(&b, binary.LittleEndian, r)
		}
	}
	return b.Bytes()
}

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// reset: Reset restores initial values (same draws), keeps weights;
// ResetWith with Synapses redraws connectivity from the seed.
func reset() any {
	n := newNet()
	res := map[string]any{}
	v0 := slices.Clone(n.N.V)
	w0 := slices.Clone(n.Nn.W)
	inw0 := slices.Clone(n.In_n.W)
	pre0, post0 := slices.Clone(n.Nn.C.Pre), slices.Clone(n.Nn.C.Post)
	n.Simulate(50)
	first := monBytes(n)
	wLearned := slices.Clone(n.Nn.W)
	res["vChanged"] = !slices.Equal(n.N.V, v0)
	res["wLearned"] = !slices.Equal(wLearned, w0)
	must(n.Reset())
	res["time0"] = []float64{n.Time(), float64(n.CurrentStep())}
	res["vRestored"] = slices.Equal(n.N.V, v0)
	res["rRestored"] = slices.Equal(n.A.R, []float64{0, 0, 0})
	res["xZero"] = !slices.ContainsFunc(n.Nn.X, func(x float64) bool { return x != 0 })
	res["wKept"] = slices.Equal(n.Nn.W, wLearned)
	res["monEmpty"] = len(monBytes(n)) == len(monBytes(newNet())) // nothing recorded since
	must(n.Set("in_n.w", 0.0))
	must(n.ResetWith(api.ResetOptions{Populations: true, Projections: true, Synapses: true, Monitors: true}))
	res["sameConn"] = slices.Equal(n.Nn.C.Pre, pre0) && slices.Equal(n.Nn.C.Post, post0)
	res["wRedrawn"] = slices.Equal(n.Nn.W, w0) && slices.Equal(n.In_n.W, inw0)
	n.Simulate(50)
	res["rerunSame"] = bytes.Equal(monBytes(n), first)
	res["mwShape"] = n.Mw.Vars[0].Shape

	n.SetSeed(99)
	must(n.ResetWith(api.ResetOptions{Populations: true, Synapses: true, Monitors: true}))
	fresh := newNet(api.WithSeed(99))
	res["newConnDiffers"] = !slices.Equal(n.Nn.C.Pre, pre0) || !slices.Equal(n.Nn.C.Post, post0)
	res["newConnMatches"] = slices.Equal(n.Nn.C.Pre, fresh.Nn.C.Pre) && slices.Equal(n.Nn.C.Post, fresh.Nn.C.Post) &&
		slices.Equal(n.In_n.W, fresh.In_n.W) && slices.Equal(n.In_n.Delays(), fresh.In_n.Delays())
	res["initMatches"] = slices.Equal(n.N.V, fresh.N.V)
	res["mwShapeNew"] = []int{n.Mw.Vars[0].Shape[0], fresh.Nn.Size()}
	n.Simulate(50)
	fresh.Simulate(50)
	res["reseededRunMatches"] = bytes.Equal(monBytes(n), monBytes(fresh))
	return res
}

// frames returns a monitor variable's frames as rows.
func frames(m *annrt.Monitor, name string) [][]float64 {
	data, shape := m.Get(name)
	w := 1
	for _, s := range shape[1:] {
		w *= s
	}
	rows := [][]float64{}
	for i := 0; i+w <= len(data); i += w {
		rows = append(rows, data[i:i+w])
	}
	return rows
}

// inputs: spike times, delays, weights, timed arrays, Poisson rates and
// constants changed between runs, by path and by typed field.
func inputs() any {
	res := map[string]any{}
	n := newNet()
	acc := func(ms float64) [][]float64 {
		must(n.Reset())
		n.Simulate(ms)
		return frames(n.MAcc, "tot")
	}
	res["accBase"] = acc(6)
	must(n.Set("src.spike_times", "[[3.0], []]"))
	res["accTimesSet"] = acc(6)
	st, _ := n.Get("src.spike_times")
	res["spikeTimesGet"] = st
	must(n.Src.SetSpikeTimes([][]float64{{1.0}, {2.0, 4.0}}))
	res["accBack"] = acc(6)
	must(n.Src.SetSpikeTimes([][]float64{{3.0}, {}}))
	res["accTimesField"] = acc(6)
	must(n.Set("src.spike_times", [][]float64{{1.0}, {2.0, 4.0}}))

	must(n.Set("sd.delays", 2.0))
	d, _ := n.Get("sd.delays")
	res["delaysGet"] = d
	res["accDelaySet"] = acc(7)
	must(n.Sd.SetDelays(1.0))
	must(n.Sd.SetDelays(2.0))
	res["accDelayField"] = acc(7)
	must(n.Set("sd.delays", "[0.5, 3.0]"))
	res["accDelayList"] = acc(8)
	must(n.Set("sd.delays", 1.0))

	must(n.Set("sd.w", 2.5))
	res["accWSet"] = acc(6)
	must(n.Set("sd.w", 1.0))
	for k := range n.Sd.W { // one value for all synapses here (README, "Synapse storage")
		n.Sd.W[k] = 2.5
	}
	n.Sd.SyncWeights()
	res["accWField"] = acc(6)

	ta := func() [][]float64 {
		must(n.Reset())
		n.Simulate(3)
		return frames(n.Mta, "r")
	}
	res["taBase"] = ta()
	per, _ := n.Get("ta.period")
	res["taPeriodGet"] = per
	must(n.Set("ta.rates", "[[7, 8], [9, 10]]"))
	res["taRatesSet"] = ta()
	rates, _ := n.Get("ta.rates")
	res["taRatesGet"] = rates
	must(n.Ta.SetTimedArray([][]float64{{1, 2}, {3, 4}, {5, 6}}, 1.0, -1))
	res["taBack"] = ta()
	must(n.Ta.SetTimedArray([][]float64{{7, 8}, {9, 10}}, 1.0, -1))
	res["taRatesField"] = ta()
	must(n.Set("ta.rates", [][]float64{{1, 2}, {3, 4}, {5, 6}}))
	must(n.Set("ta.schedule", 0.5))
	res["taSchedule"] = ta()
	must(n.Set("ta.schedule", 1.0))
	must(n.Set("ta.period", 1.5))
	res["taPeriod"] = ta()
	must(n.Set("ta.period", -1))

	// The clock drives inputs: SetTime and SetCurrentStep move it.
	must(n.Reset())
	n.SetTime(1.0)
	clock := []float64{n.Time(), float64(n.CurrentStep())}
	n.Step()
	r1 := slices.Clone(n.Ta.R)
	n.SetCurrentStep(5)
	n.Step()
	res["clock"] = [][]float64{clock, r1, slices.Clone(n.Ta.R), {n.Time(), float64(n.CurrentStep())}}

	spikes := func() int {
		must(n.Reset())
		n.Simulate(10)
		t, _ := n.Minp.Raster()
		return len(t)
	}
	must(n.Set("inp.rates", 0))
	res["poissonZero"] = spikes()
	must(n.Set("inp.rates", 2000.0))
	res["poissonAll"] = spikes()
	list := make([]float64, 20)
	for i := range 5 {
		list[i] = 2000
	}
	must(n.Set("inp.rates", list))
	res["poissonFive"] = spikes()
	for i := range n.Inp.Rates {
		n.Inp.Rates[i] = 2000
	}
	res["poissonAllField"] = spikes()
	must(n.Set("inp.rates", 50.0))

	must(n.Set("K", "3.5"))
	n.Step()
	kSet := n.Kp.R[0]
	n.Const.K = 4.5
	n.Step()
	k, _ := n.Get("K")
	res["constant"] = []float64{kSet, n.Kp.R[0], k[0]}

	// Errors name the path.
	var errs []string
	for _, e := range []error{
		n.Set("nope.x", 1), n.Set("A.thr", "[1, 2]"), n.Set("src.spike_times", "[[1], [2], [3]]"),
		n.Set("ta.rates", "[[1, 2, 3]]"), n.Set("sd.delays", -1.0), n.Set("A.speed", struct{}{}),
		n.Set("pl.delays", 5.0),
	} {
		if e == nil {
			errs = append(errs, "")
		} else {
			errs = append(errs, e.Error())
		}
	}
	res["errors"] = errs
	return res
}

// learning: w of pl (dw/dt = eta = 0.5, dt = 0.5) after 10 steps under the
// learning switches.
func learning() any {
	n := newNet()
	res := map[string]any{}
	run := func(name string) {
		must(n.Reset())
		must(n.Set("pl.w", 0.0))
		n.Simulate(5)
		w, err := n.Get("pl.w")
		must(err)
		res[name] = w
	}
	run("default")
	n.EnableLearningPeriod(2.0, 0.5, n.Pl)
	run("period")
	n.EnableLearningPeriod(2.0, -0.5, n.Pl)
	run("periodNegOffset")
	n.DisableLearning(n.Pl)
	run("projOff")
	n.EnableLearning(n.Pl)
	run("projOn")
	n.DisableLearning()
	run("allOff")
	n.EnableLearning()
	run("allOn")

	// Spike-driven learning of nn (post_spike) follows the switches too.
	plastic := func() bool {
		must(n.ResetWith(api.ResetOptions{Populations: true, Projections: true, Synapses: true, Monitors: true}))
		w0 := slices.Clone(n.Nn.W)
		n.Simulate(50)
		return !slices.Equal(w0, n.Nn.W)
	}
	res["nnLearns"] = plastic()
	n.DisableLearning(n.Nn)
	res["nnOff"] = plastic()
	n.EnableLearning()
	return res
}

// memory: one Simulate equals many; streaming to disk equals memory;
// draining Get in parts equals one Get.
func memory() any {
	res := map[string]any{}
	one := newNet()
	one.Simulate(100)
	whole := monBytes(one)
	many := newNet()
	for range 20 {
		many.Simulate(5)
	}
	res["splitSame"] = bytes.Equal(monBytes(many), whole)
	mixed := newNet()
	mixed.Simulate(50)
	for range 100 {
		mixed.Step()
	}
	res["stepsSame"] = bytes.Equal(monBytes(mixed), whole)

	ref := newNet()
	ref.Simulate(100)
	refV, refShape := ref.MN.Get("v")
	refT, refR := ref.MN.Raster()

	dir, err := os.MkdirTemp("", "e2e-stream")
	must(err)
	defer os.RemoveAll(dir)
	s := newNet()
	must(s.MN.StreamTo(dir))
	s.Simulate(50)
	held := len(s.MN.Vars[0].Data)
	s.Simulate(50)
	must(s.MN.Close())
	va, err := results.ReadNpyFile(filepath.Join(dir, s.MN.FileName("v")))
	must(err)
	vs := va.Floats()
	shape := va.Shape
	ta, err := results.ReadNpyFile(filepath.Join(dir, "mN.spike_times.npy"))
	must(err)
	ts := ta.Float
	ra, err := results.ReadNpyFile(filepath.Join(dir, "mN.spike_ranks.npy"))
	must(err)
	rs := ra.Int
	res["streamSame"] = slices.Equal(vs, refV) && slices.Equal(shape, refShape) && slices.Equal(ts, refT) && slices.Equal(rs, refR)
	res["streamHeld"] = held
	res["streamShape"] = shape
	res["spikes"] = len(refT)

	d := newNet()
	d.Simulate(50)
	p1, s1 := d.MN.Get("v")
	t1, r1 := d.MN.TakeRaster()
	d.Simulate(50)
	p2, s2 := d.MN.Get("v")
	st, err := d.MN.SpikeStats()
	must(err)
	h, err := d.MN.Histogram(10)
	must(err)
	binned := 0
	for _, c := range h {
		binned += c
	}
	res["statsWindow"] = []float64{st.T0, st.Duration}
	res["statsBins"] = len(h)
	res["statsBinned"] = binned == st.Count()
	t2, r2 := d.MN.TakeRaster()
	res["statsCount"] = st.Count() == len(t2) && len(t2) > 0
	res["drainShapes"] = [][]int{s1, s2}
	res["drainSame"] = slices.Equal(append(p1, p2...), refV) && slices.Equal(append(t1, t2...), refT) && slices.Equal(append(r1, r2...), refR)
	return res
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// subset: WithOnly networks.
func subset() any {
	res := map[string]any{}
	s := newNet(api.WithOnly("A", "mA"))
	res["nil"] = []bool{s.B == nil, s.N == nil, s.Nn == nil, s.MN == nil, s.A != nil, s.MA != nil}
	res["monitors"] = len(s.Monitors())
	res["until"] = s.SimulateUntil(100)
	u := newNet(api.WithOnly("A", "mA"))
	res["untilPops"] = u.SimulateUntilPops(100, false, u.A, u.B) // u.B was left out: skipped, not a panic
	_, err := s.Get("B.r")
	res["getAbsent"] = errText(err)
	res["setAbsent"] = errText(s.Set("nn.w", 1))
	res["aFrames"] = len(frames(s.MA, "r"))

	t := newNet(api.WithOnly("src", "acc", "mAcc"))
	t.Simulate(6)
	res["noTransmission"] = frames(t.MAcc, "tot")

	full := newNet()
	only := newNet(api.WithOnly("N", "mN"))
	res["sameDraws"] = slices.Equal(full.N.V, only.N.V)
	var errs []string
	for _, names := range [][]string{{"sd"}, {"nope"}, {"mw", "N"}} {
		_, err := api.New(api.WithOnly(names...))
		errs = append(errs, errText(err))
	}
	res["errors"] = errs
	res["names"] = api.Names()
	return res
}

// finite: CheckFinite on finite state (and its allocations), on one NaN or
// infinity planted in each kind of variable, on two at once (the first in
// creation order wins) and on WithOnly subsets.
func finite() any {
	res := map[string]any{}
	n := newNet()
	n.Simulate(5)
	res["ok"] = errText(n.CheckFinite())
	res["allocs"] = testing.AllocsPerRun(100, func() {
		if n.CheckFinite() != nil {
			panic("not finite")
		}
	})
	var msgs []string
	plant := func(set, undo func()) {
		set()
		msgs = append(msgs, errText(n.CheckFinite()))
		undo()
	}
	plant(func() { n.N.V[3] = math.NaN() }, func() { n.N.V[3] = -60 })
	plant(func() { n.A.Thr = math.Inf(1) }, func() { n.A.Thr = 10 })
	plant(func() { n.Nn.W[n.Nn.Position(2)] = math.Inf(-1) }, func() { n.Nn.W[n.Nn.Position(2)] = 0.5 })
	plant(func() { n.Nn.Tau_t = math.NaN() }, func() { n.Nn.Tau_t = 10 })
	plant(func() { n.Nn.X[n.Nn.Position(0)], n.Acc.Tot[1] = math.NaN(), math.Inf(1) }, func() { n.Nn.X[n.Nn.Position(0)], n.Acc.Tot[1] = 0, 0 })
	res["planted"] = msgs
	res["after"] = errText(n.CheckFinite())
	var nf *annrt.NonFiniteError
	n.Pl.W[1] = math.NaN()
	err := n.CheckFinite()
	res["fields"] = errors.As(err, &nf) && nf.Object == "pl" && nf.Variable == "w" && nf.Synapse && nf.Index == 1 && math.IsNaN(nf.Value)

	// CheckFiniteVars leaves out parameters and weights no equation writes
	// (in_n's); nn's weights are learned, so they are variables.
	v := newNet()
	var vars []string
	for _, set := range [][2]func(){
		{func() { v.A.Thr = math.Inf(1) }, func() { v.A.Thr = 10 }},
		{func() { v.In_n.W[0] = math.NaN() }, func() { v.In_n.W[0] = 1 }},
		{func() { v.Nn.W[v.Nn.Position(1)] = math.NaN() }, func() { v.Nn.W[v.Nn.Position(1)] = 0.5 }},
	} {
		set[0]()
		vars = append(vars, errText(v.CheckFiniteVars()), errText(v.CheckFinite()))
		set[1]()
	}
	res["vars"] = vars

	s := newNet(api.WithOnly("A", "mA"))
	res["subsetOK"] = errText(s.CheckFinite())
	s.A.R[2] = math.Inf(-1)
	res["subset"] = errText(s.CheckFinite())
	return res
}

// parallel: ParallelRun, ParallelRunArgs, ParallelRunOn.
func parallel() any {
	res := map[string]any{}
	times, errs := api.ParallelRunArgs([]float64{2, 4, 10}, api.RunOptions{Workers: 2}, func(i int, n *api.Network, thr float64) float64 {
		n.A.Thr = thr
		return n.SimulateUntilPops(100, false, n.A)
	})
	res["args"] = times
	res["argsErrs"] = errStrings(errs)

	vals, errs := api.ParallelRun(4, api.RunOptions{Workers: 3}, func(i int, n *api.Network) int {
		if i == 2 {
			var m map[string]int
			m["x"] = 1 // panics
		}
		return i * 10
	})
	var pe *annrt.PanicError
	res["panicVals"] = vals
	res["panicErrs"] = []bool{errs[0] == nil, errs[1] == nil, errors.As(errs[2], &pe) && pe.Index == 2, errs[3] == nil}

	seeds, _ := api.ParallelRun(3, api.RunOptions{Seeds: []int64{11, 12, 13}}, func(i int, n *api.Network) int64 { return n.Seed })
	derived, _ := api.ParallelRun(3, api.RunOptions{Seed: 5}, func(i int, n *api.Network) int64 { return n.Seed })
	res["seeds"] = seeds
	res["derivedOK"] = derived[0] == 5 && derived[1] == annrt.TrialSeed(5, 1) && derived[2] == annrt.TrialSeed(5, 2) && derived[1] == annrt.DeriveSeed(5, 1)
	_, errs = api.ParallelRun(2, api.RunOptions{Seeds: []int64{1}}, func(i int, n *api.Network) int { return 0 })
	res["badSeeds"] = errStrings(errs)

	opts, _ := api.ParallelRun(2, api.RunOptions{Options: []api.Option{api.WithOnly("A", "mA")}}, func(i int, n *api.Network) bool { return n.N == nil })
	res["options"] = opts

	var prog [][2]int
	api.ParallelRun(5, api.RunOptions{Workers: 2, Progress: func(done, total int) { prog = append(prog, [2]int{done, total}) }},
		func(i int, n *api.Network) int { return i })
	res["progress"] = prog

	nets := []*api.Network{newNet(api.WithSeed(21)), newNet(api.WithSeed(22))}
	on, _ := api.ParallelRunOn(nets, 0, func(i int, n *api.Network) int64 { n.Simulate(1); return n.Seed*100 + n.CurrentStep() })
	res["on"] = on

	n := newNet()
	var last [3]float64
	calls := 0
	n.SetProgress(func(done, total int64, ms float64) { calls++; last = [3]float64{float64(done), float64(total), ms} })
	n.Simulate(100)
	res["coreProgress"] = last
	res["coreProgressCalls"] = calls > 0
	return res
}

func errStrings(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = errText(e)
	}
	return out
}

// determinism: hashes of the monitor data of 8 instances (trial seeds
// from 1) run sequentially, with ParallelRun on 1 worker and on 4.
func determinism() any {
	const runs = 8
	one := func(i int, n *api.Network) string {
		n.Simulate(200)
		return hash(monBytes(n))
	}
	seq := make([]string, runs)
	for i := range seq {
		seq[i] = one(i, newNet(api.WithSeed(annrt.TrialSeed(1, i))))
	}
	w1, e1 := api.ParallelRun(runs, api.RunOptions{Seed: 1, Workers: 1}, one)
	w4, e4 := api.ParallelRun(runs, api.RunOptions{Seed: 1, Workers: 4}, one)
	for _, e := range append(e1, e4...) {
		must(e)
	}
	// Steps split over goroutines, every loop cut as finely as possible.
	old := annrt.SetMinChunkWork(1)
	threads := map[string][]string{}
	for _, k := range []int{2, 3, 4} {
		for i := range runs {
			threads[fmt.Sprint(k)] = append(threads[fmt.Sprint(k)], one(i, newNet(api.WithSeed(annrt.TrialSeed(1, i)), api.WithThreads(k))))
		}
	}
	// The chunks of a split cut elsewhere from one split to the next, as
	// when lent workers join a run or the work estimate changes.
	annrt.SetMinChunkWork(0)
	for i := range runs {
		threads["vary"] = append(threads["vary"], one(i, newNet(api.WithSeed(annrt.TrialSeed(1, i)), api.WithThreads(4))))
	}
	annrt.SetMinChunkWork(1)
	w3t, e3t := api.ParallelRun(runs, api.RunOptions{Seed: 1, Workers: 3, Options: []api.Option{api.WithThreads(2)}}, one)
	for _, e := range e3t {
		must(e)
	}
	threads["w3t2"] = w3t
	// The HH network: rate-coded weighted sums and synapse equations in
	// the vector kernel, 1 to 3 goroutines, and lent ParallelRun workers.
	hhRun := func(i int, n *hh.Network) string {
		n.Simulate(50)
		return hash(hhBytes(n))
	}
	var hhOut []string
	for k := 1; k <= 3; k++ {
		n, err := hh.New(hh.WithThreads(k))
		must(err)
		hhOut = append(hhOut, hhRun(0, n))
	}
	hhPar, errs := hh.ParallelRun(3, hh.RunOptions{Seeds: []int64{42, 42, 42}, Workers: 2}, hhRun)
	for _, e := range errs {
		must(e)
	}
	hhOut = append(hhOut, hhPar...)
	annrt.SetMinChunkWork(old)
	return map[string]any{"seq": seq, "w1": w1, "w4": w4, "threads": threads, "hh": hhOut, "gomaxprocs": runtime.GOMAXPROCS(0)}
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// repeat: runs of one compiled network (Reset, weights and new Poisson
// rates set, 20 ms, monitors drained): heap after GC before and after, allocations and time
// per run, and whether the connectivity is still the one built by New.
func repeat(runs int) any {
	t0 := time.Now()
	n := newNet()
	newS := time.Since(t0).Seconds()
	conn := n.Nn.C
	one := func(i int) int {
		must(n.Reset())
		must(n.Set("nn.w", 0.5)) // learned weights back to their value in the model
		must(n.Set("inp.rates", float64(10+i%50)))
		n.Simulate(20)
		t, _ := n.MN.TakeRaster()
		n.MN.Get("v")
		n.Minp.TakeRaster()
		n.Mw.Get("w")
		n.MA.Get("r")
		n.MAcc.Get("tot")
		n.Mta.Get("r")
		return len(t)
	}
	for i := range 10 { // warm up: buffers reach their size
		one(i)
	}
	h0 := heap()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	spikes := 0
	for i := range runs {
		spikes += one(i)
	}
	el := time.Since(start)
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	h1 := heap()
	return map[string]any{
		"runs": runs, "heapBefore": h0, "heapAfter": h1, "sameConn": n.Nn.C == conn,
		"allocsPerRun": float64(ms1.Mallocs-ms0.Mallocs) / float64(runs),
		"msPerRun":     el.Seconds() * 1000 / float64(runs), "newMs": newS * 1000, "spikes": spikes,
	}
}

// sweep: the HH gamma network with gaba.w = g_max/100 for g_max = 0.05,
// 0.06, ..., 0.15 (500 ms each), sequential then ParallelRunArgs, iters
// times; mean firing rates must agree exactly.
func sweep(iters, workers int) any {
	gs := make([]float64, 11)
	for i := range gs {
		gs[i] = math.Round((0.05+0.01*float64(i))*100) / 100
	}
	point := func(n *hh.Network, g float64) float64 {
		must(n.Set("gaba.w", g/100))
		n.Simulate(500)
		return n.P_.MeanFR(500)
	}
	var seqS, parS, seqCPU, parCPU float64
	var seq, par []float64
	for range iters {
		c0 := cpuSeconds()
		t0 := time.Now()
		seq = seq[:0]
		for _, g := range gs {
			n, err := hh.New()
			must(err)
			seq = append(seq, point(n, g))
		}
		seqS += time.Since(t0).Seconds()
		c1 := cpuSeconds()
		seqCPU += c1 - c0
		t0 = time.Now()
		var errs []error
		par, errs = hh.ParallelRunArgs(gs, hh.RunOptions{Workers: workers}, func(i int, n *hh.Network, g float64) float64 { return point(n, g) })
		parS += time.Since(t0).Seconds()
		parCPU += cpuSeconds() - c1
		for _, e := range errs {
			must(e)
		}
	}
	return map[string]any{
		"seqS": seqS / float64(iters), "parS": parS / float64(iters), "same": slices.Equal(seq, par),
		"seqCPU": seqCPU / float64(iters), "parCPU": parCPU / float64(iters),
		"rates": par, "gomaxprocs": runtime.GOMAXPROCS(0),
	}
}

// cpuSeconds is the CPU time (user and system) the process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	must(syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// threads: 500 ms of the HH network with its steps on 1 and on 2
// goroutines: seconds and CPU seconds per run, and whether they agree.
func threads(iters int) any {
	res := map[string]any{}
	var hashes [2]string
	for k := 1; k <= 2; k++ {
		var s, cpu float64
		for range iters {
			n, err := hh.New(hh.WithThreads(k))
			must(err)
			c0, t0 := cpuSeconds(), time.Now()
			n.Simulate(500)
			s += time.Since(t0).Seconds()
			cpu += cpuSeconds() - c0
			hashes[k-1] = hash(hhBytes(n))
		}
		name := map[int]string{1: "one", 2: "two"}[k]
		res[name+"S"] = s / float64(iters)
		res[name+"CPU"] = cpu / float64(iters)
	}
	res["same"] = hashes[0] == hashes[1]
	return res
}

// perPre runs the HH network, whose GABA_A gating s is stored per
// presynaptic neuron unless ANNC_PERPRE=off, through everything that reads
// or writes s from outside the steps; the test compares the output of both
// storages, which must be the same bytes.
func perPre() any {
	res := map[string]any{}
	n, err := hh.New()
	must(err)
	n.Simulate(500)
	t, _ := n.P_.Raster()
	res["spikes"] = len(t)
	res["run"] = hash(hhBytes(n))
	// Get and the exported slice give per-synapse values, equal within
	// each presynaptic neuron.
	s, err := n.Get("gaba.s")
	must(err)
	uniform := len(s) == n.Gaba.Size() && slices.Equal(s, n.Gaba.S)
	first := map[int32]float64{}
	for k, pi := range n.Gaba.C.Pre {
		if x, ok := first[pi]; ok && x != s[k] {
			uniform = false
		}
		first[pi] = s[k]
	}
	res["getUniform"] = uniform
	// A callback reads s by Get and through the slice, then writes one
	// synapse directly; another sets one number for all (which keeps the
	// storage per presynaptic neuron).
	n2, err := hh.New()
	must(err)
	var seen []byte
	n2.Every(50, 0, 0, func(i int) {
		g, err := n2.Get("gaba.s")
		must(err)
		seen = binary.LittleEndian.AppendUint64(seen, math.Float64bits(g[7]+n2.Gaba.S[4000]))
		switch i {
		case 1:
			must(n2.Set("gaba.s", 0.25))
		case 3:
			n2.Gaba.S[5] = 0.5
		}
	})
	n2.Simulate(250)
	res["callbacks"] = hash(append(seen, hhBytes(n2)...))
	// A distribution per synapse, then Reset and a run from the initial values.
	must(n2.Set("gaba.s", "Uniform(0, 0.2)"))
	n2.Simulate(100)
	res["uniform"] = hash(hhBytes(n2))
	must(n2.Reset())
	n2.Simulate(100)
	res["reset"] = hash(hhBytes(n2))
	// Save in the middle of a run and Load into another network.
	n3, err := hh.New()
	must(err)
	n3.Simulate(100)
	dir, err := os.MkdirTemp("", "perpre")
	must(err)
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "s.npz")
	must(n3.Save(path))
	n4, err := hh.New()
	must(err)
	must(n4.Load(path))
	n3.Simulate(100)
	n4.Simulate(100)
	// (the monitors' data is not part of a saved state)
	state := func(n *hh.Network) string { return hash(hhBytes(n)[len(monitorBytes(n.Monitors())):]) }
	res["load"] = state(n4)
	res["loadSame"] = state(n3) == state(n4)
	return res
}
