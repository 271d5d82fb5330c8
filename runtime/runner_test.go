package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/annc/annc/runtime/results"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// leaky is a hand-written network of three leaky integrators standing for a
// generated one: dv = dt·(I - v)/tau (+ sigma·N(0,1)), spike and reset to 0
// when v > theta. Monitor m records v of the whole population every step and
// its spikes; monitor sub records the view P[2,0] every 2 steps.
type leaky struct {
	Core
	tau, sigma, theta float64
	I, v              []float64
	spiked            bool
	rng               RNG
	m, sub            *Monitor
	onStep            func(n *leaky)
}

var subRanks = []int{2, 0}

func newLeaky(seed int64) *leaky {
	n := &leaky{Core: Core{Dt: 1, Seed: seed, Learning: true}, tau: 2, theta: 0.8,
		I: []float64{1, 1, 0.5}, v: make([]float64, 3), rng: NewRNG(seed, 1)}
	n.m = NewMonitor("m", "P", 1, true)
	n.m.Dt = n.Dt
	n.m.AddVar("v", []int{3})
	n.m.EnableSpikes(nil)
	n.m.Neurons = 3
	n.sub = NewMonitor("sub", "P[2,0]", 2, true)
	n.sub.Dt = n.Dt
	n.sub.AddVar("v", []int{2})
	n.sub.EnableSpikes(subRanks)
	return n
}

func (n *leaky) step() {
	n.spiked = false
	for i := range n.v {
		n.v[i] += n.Dt * (n.I[i] - n.v[i]) / n.tau
		if n.sigma != 0 {
			n.v[i] += n.sigma * n.rng.Normal()
		}
		if n.v[i] > n.theta {
			n.v[i] = 0
			n.spiked = true
			n.m.Spike(n.Step, i)
			n.sub.Spike(n.Step, i)
		}
	}
	if n.m.Due(n.Step) {
		n.m.Append(0, n.v)
	}
	if n.sub.Due(n.Step) {
		n.sub.AppendGather(0, n.v, subRanks)
	}
	if n.onStep != nil {
		n.onStep(n)
	}
}

func (n *leaky) Base() *Core         { return &n.Core }
func (n *leaky) Simulate(ms float64) { n.Core.Simulate(ms, n.step) }
func (n *leaky) SimulateUntil(maxMs float64) float64 {
	return n.Core.SimulateUntil(maxMs, n.step, func() bool { return n.spiked })
}
func (n *leaky) Monitors() []*Monitor { return []*Monitor{n.m, n.sub} }

func (n *leaky) Set(path, value string) error {
	v, err := ParseValue(value)
	if err != nil {
		return err
	}
	scalar := func(dst *float64) error {
		x, err := v.Scalar()
		if err == nil {
			*dst = x
		}
		return err
	}
	switch path {
	case "P.tau":
		return scalar(&n.tau)
	case "P.theta":
		return scalar(&n.theta)
	case "sigma":
		return scalar(&n.sigma)
	case "P.I":
		return v.Fill(n.I, &n.rng)
	}
	return UnknownPath(path, []string{"P.tau", "P.theta", "P.I", "sigma"})
}

func (n *leaky) Get(path string) ([]float64, error) {
	if path == "P.v" {
		return slices.Clone(n.v), nil
	}
	return nil, fmt.Errorf("unknown path %q", path)
}

func leakyProgram(hook func(*leaky)) Program {
	return Program{Name: "leaky", Version: "v0.test", ModelHash: "abc123", Dt: 1,
		DefaultSeed: 42, HasSeed: true, DefaultDuration: 6,
		New: func(seed int64) (Instance, error) {
			n := newLeaky(seed)
			n.onStep = hook
			return n, nil
		},
		Paths: []string{"P.tau", "P.theta", "P.I", "sigma"}}
}

func runMain(t *testing.T, prog Program, stop *atomic.Bool, args ...string) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	code := RunMain(prog, args, &stderr, stop)
	return code, stderr.String()
}

func readF64(t *testing.T, path string) ([]int, []float64) {
	t.Helper()
	a, err := results.ReadNpyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.Dtype != "<f8" {
		t.Fatalf("%s holds %s", path, a.Dtype)
	}
	return a.Shape, a.Float
}

func readI64(t *testing.T, path string) ([]int, []int64) {
	t.Helper()
	a, err := results.ReadNpyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.Dtype != "<i8" {
		t.Fatalf("%s holds %s", path, a.Dtype)
	}
	return a.Shape, a.Int
}

// The hand-derived trajectory of the default network over 6 steps (dt 1,
// tau 2, I = [1, 1, 0.5], theta 0.8): neurons 0 and 1 go 0.5, 0.75,
// 0.875 > 0.8 (spike, reset to 0), ...; neuron 2 goes 0.25, 0.375, ... without
// spiking.
var leakyV = []float64{
	0.5, 0.5, 0.25,
	0.75, 0.75, 0.375,
	0, 0, 0.4375,
	0.5, 0.5, 0.46875,
	0.75, 0.75, 0.484375,
	0, 0, 0.4921875,
}

func TestMainSingleRun(t *testing.T) {
	t.Setenv("ANNC_GENERATE_S", "1.5")
	t.Setenv("ANNC_BUILD_S", "")
	out := t.TempDir()
	code, msg := runMain(t, leakyProgram(nil), nil, "--out", out, "--duration", "6")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if shape, v := readF64(t, filepath.Join(out, "m.v.npy")); !reflect.DeepEqual(shape, []int{6, 3}) || !reflect.DeepEqual(v, leakyV) {
		t.Errorf("m.v = %v %v\nwant %v", shape, v, leakyV)
	}
	if _, ts := readF64(t, filepath.Join(out, "m.spike_times.npy")); !reflect.DeepEqual(ts, []float64{2, 2, 5, 5}) {
		t.Errorf("m.spike_times = %v", ts)
	}
	if _, rs := readI64(t, filepath.Join(out, "m.spike_ranks.npy")); !reflect.DeepEqual(rs, []int64{0, 1, 0, 1}) {
		t.Errorf("m.spike_ranks = %v", rs)
	}
	// sub: steps 0, 2, 4 of neurons 2 and 0
	if shape, v := readF64(t, filepath.Join(out, "sub.v.npy")); !reflect.DeepEqual(shape, []int{3, 2}) ||
		!reflect.DeepEqual(v, []float64{0.25, 0.5, 0.4375, 0, 0.484375, 0.75}) {
		t.Errorf("sub.v = %v %v", shape, v)
	}
	if _, ts := readF64(t, filepath.Join(out, "sub.spike_times.npy")); !reflect.DeepEqual(ts, []float64{2, 5}) {
		t.Errorf("sub.spike_times = %v", ts)
	}
	if _, rs := readI64(t, filepath.Join(out, "sub.spike_ranks.npy")); !reflect.DeepEqual(rs, []int64{0, 0}) {
		t.Errorf("sub.spike_ranks = %v", rs)
	}
	man, err := results.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if man.WallS.Setup < 0 || man.WallS.Simulate <= 0 {
		t.Errorf("wall times %+v", man.WallS)
	}
	man.WallS.Setup, man.WallS.Simulate = 0, 0
	if man.CPUS == nil || man.CPUS.Setup < 0 || man.CPUS.Simulate < 0 {
		t.Errorf("a single run's manifest needs non-negative cpu_s, got %+v", man.CPUS)
	}
	man.CPUS = nil
	zero := 0.0
	want := &results.Manifest{Model: "leaky", ModelHash: "abc123", AnncVersion: "v0.test", Seed: 42, Dt: 1,
		Steps: 6, SimulatedMs: 6, EndMs: 6, Status: "ok", WallS: results.WallTimes{Generate: 1.5}, Set: map[string]string{},
		Files: []results.File{
			{File: "m.t.npy", Monitor: "m", Variable: "t", Shape: []int{6}, Dtype: "float64", PeriodMs: 1},
			{File: "m.v.npy", Monitor: "m", Variable: "v", Shape: []int{6, 3}, Dtype: "float64", PeriodMs: 1, T0Ms: &zero},
			{File: "m.spike_times.npy", Monitor: "m", Variable: "spike_times", Shape: []int{4}, Dtype: "float64", Size: 3},
			{File: "m.spike_ranks.npy", Monitor: "m", Variable: "spike_ranks", Shape: []int{4}, Dtype: "int64", Size: 3},
			{File: "sub.t.npy", Monitor: "sub", Variable: "t", Shape: []int{3}, Dtype: "float64", PeriodMs: 2},
			{File: "sub.v.npy", Monitor: "sub", Variable: "v", Shape: []int{3, 2}, Dtype: "float64", PeriodMs: 2, T0Ms: &zero},
			{File: "sub.spike_times.npy", Monitor: "sub", Variable: "spike_times", Shape: []int{2}, Dtype: "float64", Size: 2},
			{File: "sub.spike_ranks.npy", Monitor: "sub", Variable: "spike_ranks", Shape: []int{2}, Dtype: "int64", Size: 2},
		}}
	if _, ts := readF64(t, filepath.Join(out, "sub.t.npy")); !reflect.DeepEqual(ts, []float64{0, 2, 4}) {
		t.Errorf("sub.t = %v", ts)
	}
	if err := man.Check(out); err != nil {
		t.Error(err)
	}
	if names := dirNames(t, out); len(names) != len(want.Files)+1 {
		t.Errorf("directory holds %q, want the manifest and its %d files", names, len(want.Files))
	}
	if !reflect.DeepEqual(man, want) {
		t.Errorf("manifest\n got %+v\nwant %+v", man, want)
	}
	// The keys, in their documented order.
	raw, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	var keys []string
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, `  "`) {
			keys = append(keys, strings.Split(line, `"`)[1])
		}
	}
	if want := []string{"model", "model_hash", "annc_version", "seed", "dt", "steps", "simulated_ms",
		"start_ms", "end_ms", "stopped_by_condition", "status", "error", "wall_s", "cpu_s", "set", "files"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("manifest keys %v, want %v", keys, want)
	}
}

func TestMainSet(t *testing.T) {
	out := t.TempDir()
	// I = 0.5 everywhere: every neuron follows neuron 2 of the default run.
	code, msg := runMain(t, leakyProgram(nil), nil, "-out", out, "-set", "P.I=[0.5, 0.5, 0.5]", "-set", "P.theta=2", "-seed", "7", "-progress")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if !strings.Contains(msg, "leaky: 100.0%  t = 6 ms") {
		t.Errorf("no final progress line in %q", msg)
	}
	_, v := readF64(t, filepath.Join(out, "m.v.npy"))
	for s := range 6 {
		for i := range 3 {
			if v[3*s+i] != leakyV[3*s+2] {
				t.Fatalf("v[%d][%d] = %v, want %v", s, i, v[3*s+i], leakyV[3*s+2])
			}
		}
	}
	man, err := results.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if man.Seed != 7 || !reflect.DeepEqual(man.Set, map[string]string{"P.I": "[0.5, 0.5, 0.5]", "P.theta": "2"}) {
		t.Errorf("seed %d set %v", man.Seed, man.Set)
	}
	if f := man.Files[2]; f.Variable != "spike_times" || f.Shape[0] != 0 {
		t.Errorf("spikes with theta 2: %+v", f)
	}
}

func TestMainUntil(t *testing.T) {
	prog := leakyProgram(nil)
	prog.Until, prog.MaxDuration = true, 100
	out := t.TempDir()
	// The first spike happens during step 2: 3 steps.
	if code, msg := runMain(t, prog, nil, "-out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	man, _ := results.ReadManifest(out)
	if man.Steps != 3 || man.SimulatedMs != 3 {
		t.Errorf("until: %d steps, %v ms; want 3, 3", man.Steps, man.SimulatedMs)
	}
	// -duration is the maximum.
	if code, msg := runMain(t, prog, nil, "-out", out, "-duration", "2"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	man, _ = results.ReadManifest(out)
	if man.Steps != 2 || man.SimulatedMs != 2 {
		t.Errorf("until -duration 2: %d steps, %v ms; want 2, 2", man.Steps, man.SimulatedMs)
	}
}

func TestMainInterrupted(t *testing.T) {
	stop := new(atomic.Bool)
	prog := leakyProgram(func(n *leaky) {
		if n.Step == 3 { // the signal arrives during step 3
			stop.Store(true)
		}
	})
	out := t.TempDir()
	code, msg := runMain(t, prog, stop, "-out", out, "-duration", "1000")
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d: %s", code, ExitInterrupted, msg)
	}
	man, _ := results.ReadManifest(out)
	if man.Status != "interrupted" || man.Steps != 4 || man.SimulatedMs != 4 {
		t.Errorf("manifest status %q steps %d ms %v", man.Status, man.Steps, man.SimulatedMs)
	}
	if shape, v := readF64(t, filepath.Join(out, "m.v.npy")); !reflect.DeepEqual(shape, []int{4, 3}) || !reflect.DeepEqual(v, leakyV[:12]) {
		t.Errorf("m.v = %v %v", shape, v)
	}
}

func TestMainUsageErrors(t *testing.T) {
	out := t.TempDir()
	for _, args := range [][]string{
		{"-nosuchflag"},
		{"extra"},
		{"-duration", "-1"},
		{"-duration", "NaN"},
		{"-duration", "Inf"},
		{"-duration", "1e300"}, // more than MaxSteps steps of dt 1
		{"-set", "P.tau"},
		{"-set", "P.tau=Uniform(1"},
		{"-set", "Q.x=1", "-out", out},
		{"-set", "P.I=[1,2]", "-out", out}, // wrong list length
		{"-grid"},
		{"-sweep", "P.tau=1,2", "-sweep", "sigma=0,0.1,0.2"},
		{"-sweep", "P.tau="},
		{"-sweep", "P.I=[1,2"},
		{"-workers", "-2"},
	} {
		code, msg := runMain(t, leakyProgram(nil), nil, args...)
		if code != ExitUsage {
			t.Errorf("%q: exit %d, want 2 (%s)", args, code, msg)
		}
		if !strings.Contains(msg, "leaky") && !strings.Contains(msg, "usage") {
			t.Errorf("%q: message does not name the program: %s", args, msg)
		}
	}
	if code, msg := runMain(t, leakyProgram(nil), nil, "-set", "Q.x=1", "-out", out); !strings.Contains(msg, "settable paths: P.tau P.theta P.I sigma") || code != 2 {
		t.Errorf("unknown path message: %s", msg)
	}
	if code, msg := runMain(t, leakyProgram(nil), nil, "-duration", "NaN"); !strings.Contains(msg, "-duration NaN: must be a finite number of ms") || code != 2 {
		t.Errorf("-duration NaN message: %s", msg)
	}
	// NaN and Inf are no parameter or initial value: a usage error naming
	// the path, not a numerical blow-up reported by the state check
	for _, c := range []struct{ flag, arg, want string }{
		{"-set", "P.tau=NaN", `"P.tau=NaN" for flag -set: P.tau: NaN: values must be finite numbers`},
		{"-set", "P.tau=-Inf", `"P.tau=-Inf" for flag -set: P.tau: -Inf: values must be finite numbers`},
		{"-set", "P.I=[1, inf]", "P.I: element 1 is +Inf: values must be finite numbers"},
		{"-sweep", "P.tau=1,NaN", `"P.tau=1,NaN" for flag -sweep: P.tau: NaN: values must be finite numbers`},
	} {
		if code, msg := runMain(t, leakyProgram(nil), nil, c.flag, c.arg, "-out", out); !strings.Contains(msg, c.want) || code != ExitUsage {
			t.Errorf("%s %s: exit %d, message %s", c.flag, c.arg, code, msg)
		}
	}
	if code, _ := runMain(t, leakyProgram(nil), nil, "-help"); code != 0 {
		t.Errorf("-help exit %d", code)
	}
}

func TestMainRunError(t *testing.T) {
	prog := leakyProgram(func(n *leaky) {
		if n.Step == 2 {
			panic("diverged")
		}
	})
	out := t.TempDir()
	code, msg := runMain(t, prog, nil, "-out", out)
	if code != 1 || !strings.Contains(msg, "leaky: simulation: panic: diverged") {
		t.Fatalf("exit %d: %s", code, msg)
	}
	man, _ := results.ReadManifest(out)
	if man.Status != "error" || man.Error != "simulation: panic: diverged" || man.Steps != 2 {
		t.Errorf("manifest %+v", man)
	}
	// What was recorded before the failure is written: steps 0 and 1, and
	// step 2, whose frame was taken before the failing code ran.
	if shape, _ := readF64(t, filepath.Join(out, "m.v.npy")); shape[0] != 3 {
		t.Errorf("m.v has %d frames, want 3", shape[0])
	}
}

func TestParseSweep(t *testing.T) {
	ax, err := parseSweep("P.I=Uniform(0, 1),[1,1,0.5], 3")
	if err != nil {
		t.Fatal(err)
	}
	if ax.path != "P.I" || !reflect.DeepEqual(ax.values, []string{"Uniform(0, 1)", "[1,1,0.5]", "3"}) {
		t.Errorf("parseSweep = %+v", ax)
	}
	pts := sweepPoints([]sweepAxis{{"a", []string{"1", "2"}}, {"b", []string{"x", "y", "z"}}}, true)
	var got []string
	for _, p := range pts {
		got = append(got, p[0].value+p[1].value)
	}
	if want := []string{"1x", "1y", "1z", "2x", "2y", "2z"}; !reflect.DeepEqual(got, want) {
		t.Errorf("grid order %v, want %v", got, want)
	}
}

func TestMainSweep(t *testing.T) {
	out := t.TempDir()
	code, msg := runMain(t, leakyProgram(nil), nil, "-out", out, "-sweep", "P.tau=2,1", "-sweep", "P.theta=0.8,2", "-workers", "2", "-progress")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if !strings.Contains(msg, "leaky: 2/2 runs done") {
		t.Errorf("no sweep progress in %q", msg)
	}
	// run 0 is the default network: 4 spikes of 3 neurons in 6 ms, 2 of the 2
	// neurons of sub. run 1 (tau 1, theta 2): v = I every step, no spike.
	csv, err := os.ReadFile(filepath.Join(out, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	// Every point has the program's seed, 42.
	want := "index,P.tau,P.theta,seed,trial,status,m_rate_hz,sub_rate_hz\n" +
		fmt.Sprintf("0,2,0.8,42,0,ok,%s,%s\n", f(4/(3*0.006)), f(2/(2*0.006))) +
		"1,1,2,42,0,ok,0,0\n"
	if string(csv) != want {
		t.Errorf("sweep.csv\n%s\nwant\n%s", csv, want)
	}
	_, v := readF64(t, filepath.Join(out, "run-0000", "m.v.npy"))
	if !reflect.DeepEqual(v, leakyV) {
		t.Errorf("run-0000 m.v = %v", v)
	}
	_, v = readF64(t, filepath.Join(out, "run-0001", "m.v.npy"))
	if !reflect.DeepEqual(v[:3], []float64{1, 1, 0.5}) {
		t.Errorf("run-0001 m.v starts %v", v[:3])
	}
	man, _ := results.ReadManifest(filepath.Join(out, "run-0001"))
	if man.Seed != 42 || !reflect.DeepEqual(man.Set, map[string]string{"P.tau": "1", "P.theta": "2"}) {
		t.Errorf("run-0001 manifest seed %d set %v", man.Seed, man.Set)
	}
}

// TestMainSweepWorkers runs a noisy grid sweep with 1 and 4 workers: every
// file must be byte-identical, manifests apart from wall-clock times.
func TestMainSweepWorkers(t *testing.T) {
	outs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	args := []string{"-sweep", "P.tau=2,3", "-sweep", "P.I=Uniform(0.5, 1.5),[1, 1.2, 1.4]", "-grid", "-set", "sigma=0.05", "-duration", "50", "-seed", "9"}
	for k, w := range []string{"1", "4", "4"} {
		extra := []string{"-out", outs[k], "-workers", w}
		if k == 2 {
			extra = append(extra, "-stream")
		}
		if code, msg := runMain(t, leakyProgram(nil), nil, append(extra, args...)...); code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, msg)
		}
	}
	files := 0
	err := filepath.WalkDir(outs[0], func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(outs[0], path)
		a, _ := os.ReadFile(path)
		for _, other := range outs[1:] {
			b, err := os.ReadFile(filepath.Join(other, rel))
			if err != nil {
				return err
			}
			if filepath.Base(rel) == "manifest.json" {
				ma, _ := results.ReadManifest(filepath.Dir(path))
				mb, _ := results.ReadManifest(filepath.Dir(filepath.Join(other, rel)))
				ma.WallS, mb.WallS = results.WallTimes{}, results.WallTimes{}
				if !reflect.DeepEqual(ma, mb) {
					t.Errorf("%s differs: %+v vs %+v", rel, ma, mb)
				}
				continue
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs between %s and %s", rel, outs[0], other)
			}
		}
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != 1+4*9 {
		t.Errorf("%d files, want %d", files, 1+4*9)
	}
	csv, _ := os.ReadFile(filepath.Join(outs[0], "sweep.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[2], `1,2,"[1, 1.2, 1.4]",`) || !strings.HasPrefix(lines[3], `2,3,"Uniform(0.5, 1.5)",`) {
		t.Errorf("sweep.csv:\n%s", csv)
	}
	// Different seeds per run: the two noisy runs with equal parameters differ.
	a, _ := os.ReadFile(filepath.Join(outs[0], "run-0000", "m.v.npy"))
	b, _ := os.ReadFile(filepath.Join(outs[0], "run-0002", "m.v.npy"))
	if bytes.Equal(a, b) {
		t.Errorf("runs 0 and 2 gave identical data")
	}
}

// TestMainSignal runs Main in a child process (this test binary) that sends
// itself SIGINT during step 100 of a long run: the run must end after that
// step, write what was recorded with status "interrupted" and exit 130. With a
// second signal while the run is still going, the process exits at once
// without writing, and the manifest says the run did not finish.
func TestMainSignal(t *testing.T) {
	if mode := os.Getenv("ANNRT_SIGNAL_CHILD"); mode != "" {
		// -max-memory 0: recording every step for 1e9 ms would be refused.
		os.Args = []string{"leaky", "-out", os.Getenv("ANNRT_SIGNAL_OUT"), "-duration", "1e9", "-max-memory", "0"}
		self, _ := os.FindProcess(os.Getpid())
		os.Exit(Main(leakyProgram(func(n *leaky) {
			if n.Step == 100 {
				self.Signal(os.Interrupt)
				time.Sleep(300 * time.Millisecond) // let the handler see it during this step
				if mode == "twice" {
					self.Signal(os.Interrupt)
					time.Sleep(5 * time.Second)
				}
			}
		})))
	}
	for _, mode := range []string{"once", "twice"} {
		out := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainSignal$")
		cmd.Env = append(os.Environ(), "ANNRT_SIGNAL_CHILD="+mode, "ANNRT_SIGNAL_OUT="+out)
		msg, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Fatalf("%s: child ended with %v, want exit 130: %s", mode, err, msg)
		}
		man, err := results.ReadManifest(out)
		if mode == "twice" {
			if err != nil || man.Status != results.StatusRunning {
				t.Errorf("twice: manifest %+v, %v; want status running", man, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %s", err, msg)
		}
		if man.Status != "interrupted" || man.Steps != 101 {
			t.Errorf("once: status %q after %d steps; want interrupted after 101", man.Status, man.Steps)
		}
		if shape, _ := readF64(t, filepath.Join(out, "m.v.npy")); shape[0] != 101 {
			t.Errorf("once: %d frames written, want 101", shape[0])
		}
	}
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
