package runtime

import (
	"errors"
	"github.com/annc/annc/runtime/results"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// finiteLeaky is the leaky network with the finiteness check a generated
// network provides: it scans v and I.
type finiteLeaky struct{ *leaky }

func (n finiteLeaky) CheckFinite() error {
	if err := CheckNeurons(nil, "P", "v", n.v); err != nil {
		return err
	}
	return CheckNeurons(nil, "P", "I", n.I)
}

func finiteProgram(hook func(*leaky)) Program {
	p := leakyProgram(hook)
	p.New = func(seed int64) (Instance, error) {
		n := newLeaky(seed)
		n.onStep = hook
		return finiteLeaky{n}, nil
	}
	return p
}

// poison sets v[rank] of the network to x during step `step`, after the
// step's frame was recorded.
func poison(step int64, rank int, x float64) func(*leaky) {
	return func(n *leaky) {
		if n.Step == step {
			n.v[rank] = x
		}
	}
}

func TestFirstNonFinite(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want int
	}{
		{nil, -1},
		{[]float64{0, -1e308, 1e308, math.SmallestNonzeroFloat64}, -1},
		{[]float64{0, math.NaN(), math.Inf(1)}, 1},
		{[]float64{1, 2, math.Inf(-1)}, 2},
		{[]float64{math.Inf(1)}, 0},
	} {
		if got := FirstNonFinite(c.xs); got != c.want {
			t.Errorf("FirstNonFinite(%v) = %d, want %d", c.xs, got, c.want)
		}
	}
	if got := FirstNonFinite([]float32{1, float32(math.Inf(1))}); got != 1 {
		t.Errorf("float32: %d, want 1", got)
	}
	// float32 overflow of a finite float64 is caught where it happens: in
	// the float32 state.
	big := float32(3e38)
	if got := FirstNonFinite([]float32{big * 10}); got != 0 {
		t.Errorf("float32 overflow: %d, want 0", got)
	}
}

func TestNonFiniteErrorMessage(t *testing.T) {
	e := CheckSynapses(nil, "ee", "w", []float64{0, 0, math.Inf(-1)}).(*NonFiniteError)
	want := "numerical blow-up: projection ee, variable w of synapse 2 is -Inf; try a smaller dt or a more stable numerical method (implicit, exponential, rk4)"
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e, want)
	}
	e.Step, e.LastFinite, e.Dt, e.CheckedAt = 30, -1, 0.1, true
	want = "numerical blow-up: projection ee, variable w of synapse 2 is -Inf at t = 3 ms (step 30); try a smaller dt or a more stable numerical method (implicit, exponential, rk4)"
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e, want)
	}
}

func TestCheckPostNeurons(t *testing.T) {
	if err := CheckPostNeurons(nil, "ee", "trace", []float32{0, 1}); err != nil {
		t.Errorf("finite: %v", err)
	}
	err := CheckPostNeurons(nil, "ee", "trace", []float64{0, 1, math.NaN()})
	want := "numerical blow-up: projection ee, variable trace of postsynaptic neuron 2 is NaN; try a smaller dt or a more stable numerical method (implicit, exponential, rk4)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestCheckScalar(t *testing.T) {
	if err := CheckScalar("P", "mean_v", false, 1.5); err != nil {
		t.Errorf("finite: %v", err)
	}
	err := CheckScalar("P", "mean_v", false, math.NaN())
	want := "numerical blow-up: population P, population-wide variable mean_v is NaN; try a smaller dt or a more stable numerical method (implicit, exponential, rk4)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	err = CheckScalar("ee", "A", true, float32(math.Inf(1)))
	want = "numerical blow-up: projection ee, projection-wide variable A is +Inf; try a smaller dt or a more stable numerical method (implicit, exponential, rk4)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// The check runs every N steps across Simulate calls, stops the run after
// the failing step and fills in where it happened.
func TestCoreCheck(t *testing.T) {
	n := newLeaky(1)
	n.onStep = poison(25, 2, math.NaN())
	checks := 0
	n.SetCheck(10, func() error { checks++; return CheckNeurons(nil, "P", "v", n.v) })
	for range 4 {
		n.Simulate(5) // 20 steps in 4 calls: checks at 10 and 20
	}
	if checks != 2 || n.CheckErr() != nil {
		t.Fatalf("after 20 steps: %d checks, err %v", checks, n.CheckErr())
	}
	n.Simulate(100)
	if n.Step != 30 || n.Interrupted() {
		t.Errorf("stopped at step %d (interrupted %v), want 30", n.Step, n.Interrupted())
	}
	want := "numerical blow-up: population P, variable v of neuron 2 is NaN at t = 30 ms (step 30; all state was finite at t = 20 ms); try a smaller dt or a more stable numerical method (implicit, exponential, rk4)"
	if err := n.CheckErr(); err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	// Run and SimulateUntil stop as well.
	for _, run := range []func(){
		func() { n.Run(100, n.step) },
		func() { n.theta = math.Inf(1); n.SimulateUntil(100) }, // no spike ends it
	} {
		n.SetCheck(3, func() error { return CheckNeurons(nil, "P", "v", n.v) })
		start := n.Step
		run()
		if n.Step != start+3 || n.CheckErr() == nil {
			t.Errorf("ran %d steps with err %v; want 3 and an error", n.Step-start, n.CheckErr())
		}
	}
	n.SetCheck(0, nil)
	start := n.Step
	n.Run(50, n.step)
	if n.Step != start+50 || n.CheckErr() != nil || n.CheckNow() != nil {
		t.Errorf("without a check: %d steps, err %v", n.Step-start, n.CheckErr())
	}
}

// varsLeaky also has the cheaper check of the variables only (v and I;
// par plays a parameter, checked by CheckFinite only) and counts the calls
// of both checks.
type varsLeaky struct {
	finiteLeaky
	par        []float64
	full, vars *int
}

func (n varsLeaky) CheckFinite() error {
	*n.full++
	if err := n.finiteLeaky.CheckFinite(); err != nil {
		return err
	}
	return CheckNeurons(nil, "P", "par", n.par)
}

func (n varsLeaky) CheckFiniteVars() error { *n.vars++; return n.finiteLeaky.CheckFinite() }

// The runner checks all the state before a run, then only the variables:
// every 100 steps and at the end. A parameter a step cannot change (here a
// hook changes par anyway) is left to the initial check.
func TestMainChecksVarsPeriodically(t *testing.T) {
	var full, vars int
	prog := leakyProgram(nil)
	newProg := func(hook func(*leaky, []float64)) {
		prog.New = func(seed int64) (Instance, error) {
			n := newLeaky(seed)
			par := []float64{1}
			n.onStep = func(n *leaky) { hook(n, par) }
			return varsLeaky{finiteLeaky{n}, par, &full, &vars}, nil
		}
	}
	newProg(func(n *leaky, par []float64) {
		if n.Step == 250 {
			par[0] = math.NaN()
		}
	})
	code, msg := runMain(t, prog, nil, "-out", t.TempDir(), "-duration", "1000")
	if code != ExitOK || full != 1 || vars != 11 {
		t.Errorf("exit %d (%s), %d full checks, %d variable checks; want 0, 1, 11 (10 periodic, 1 final)", code, msg, full, vars)
	}
	full, vars = 0, 0
	newProg(func(n *leaky, par []float64) { poison(250, 2, math.NaN())(n) })
	code, msg = runMain(t, prog, nil, "-out", t.TempDir(), "-duration", "1000")
	if code != ExitError || !strings.Contains(msg, "variable v of neuron 2 is NaN at t = 300 ms") || full != 1 || vars != 3 {
		t.Errorf("exit %d (%s), %d full checks, %d variable checks; want 1, 1, 3 (the third fails, the final check reports its error)", code, msg, full, vars)
	}
}

func TestMainNonFinite(t *testing.T) {
	out := t.TempDir()
	code, msg := runMain(t, finiteProgram(poison(250, 1, math.NaN())), nil, "-out", out, "-duration", "1000")
	want := "leaky: numerical blow-up: population P, variable v of neuron 1 is NaN at t = 300 ms (step 300; all state was finite at t = 200 ms); try a smaller dt or a more stable numerical method (implicit, exponential, rk4)\n"
	if code != ExitError || msg != want {
		t.Fatalf("exit %d\n got %s\nwant %s", code, msg, want)
	}
	man, err := results.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if man.Status != results.StatusError || man.Error != strings.TrimPrefix(strings.TrimSpace(want), "leaky: ") || man.Steps != 300 || man.SimulatedMs != 300 {
		t.Errorf("manifest status %q error %q steps %d ms %g", man.Status, man.Error, man.Steps, man.SimulatedMs)
	}
	// What was recorded up to the stop is written, the NaN included.
	shape, v := readF64(t, filepath.Join(out, "m.v.npy"))
	if shape[0] != 300 || !math.IsNaN(v[3*251+1]) || math.IsNaN(v[3*250+1]) || v[3*250+0] != v[3*250+1] {
		t.Errorf("m.v: %v frames, v[250] = %v, v[251] = %v", shape, v[3*250:3*251], v[3*251:3*252])
	}
}

// A blow-up between the last periodic check and the end is caught by the
// final check; -check-every sets the interval and 0 turns checking off.
func TestMainNonFiniteEnd(t *testing.T) {
	out := t.TempDir()
	prog := finiteProgram(poison(1029, 0, math.Inf(1)))
	code, msg := runMain(t, prog, nil, "-out", out, "-duration", "1030")
	if code != ExitError || !strings.Contains(msg, "variable v of neuron 0 is +Inf at t = 1030 ms (step 1030; all state was finite at t = 1000 ms)") {
		t.Fatalf("exit %d: %s", code, msg)
	}
	code, msg = runMain(t, prog, nil, "-out", out, "-duration", "1030", "-check-every", "7")
	if code != ExitError || !strings.Contains(msg, "at t = 1030 ms (step 1030; all state was finite at t = 1029 ms)") {
		t.Fatalf("-check-every 7: exit %d: %s", code, msg)
	}
	code, msg = runMain(t, prog, nil, "-out", out, "-duration", "1030", "-check-every", "0")
	if code != ExitOK {
		t.Fatalf("-check-every 0: exit %d: %s", code, msg)
	}
	man, _ := results.ReadManifest(out)
	if man.Status != results.StatusOK || man.Steps != 1030 {
		t.Errorf("-check-every 0: %+v", man)
	}
}

// A state that is not finite before the run starts (here from the
// constructor; -set refuses NaN) is reported before simulating.
func TestMainNonFiniteInitial(t *testing.T) {
	out := t.TempDir()
	prog := finiteProgram(nil)
	newNet := prog.New
	prog.New = func(seed int64) (Instance, error) {
		inst, err := newNet(seed)
		inst.(finiteLeaky).I[1] = math.NaN()
		return inst, err
	}
	code, msg := runMain(t, prog, nil, "-out", out)
	want := "leaky: numerical blow-up: population P, variable I of neuron 1 is NaN at t = 0 ms (step 0); try a smaller dt or a more stable numerical method (implicit, exponential, rk4) (in the initial state, before simulating)\n"
	if code != ExitError || msg != want {
		t.Fatalf("exit %d\n got %s\nwant %s", code, msg, want)
	}
	man, _ := results.ReadManifest(out)
	if man.Status != results.StatusError || man.Steps != 0 {
		t.Errorf("manifest %+v", man)
	}
}

// In a sweep, the run that blows up is an error in sweep.csv and the
// others complete.
func TestSweepNonFinite(t *testing.T) {
	out := t.TempDir()
	// With tau = 0.5 (dt 1) a step is v = 2I - v and theta = Inf (from the
	// end of step 0; -set refuses Inf) never resets: v of neuron 1
	// (I = 1e308) overflows to +Inf, then NaN; the others stay finite.
	noReset := func(n *leaky) { n.theta = math.Inf(1) }
	code, msg := runMain(t, finiteProgram(noReset), nil, "-out", out, "-duration", "20",
		"-set", "P.I=[1,1e308,1]", "-sweep", "P.tau=2,0.5,2", "-workers", "2")
	if code != ExitError || !strings.Contains(msg, "run-0001: numerical blow-up: population P, variable v of neuron 1 is NaN at t = 20 ms (step 20; all state was finite at t = 0 ms)") {
		t.Fatalf("exit %d: %s", code, msg)
	}
	csv, err := os.ReadFile(filepath.Join(out, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 4 || !strings.Contains(lines[1], ",ok,") || !strings.Contains(lines[2], ",error,") || !strings.Contains(lines[3], ",ok,") {
		t.Errorf("sweep.csv:\n%s", csv)
	}
	for i, want := range []string{results.StatusOK, results.StatusError, results.StatusOK} {
		man, err := results.ReadManifest(filepath.Join(out, RunDirName(i)))
		if err != nil || man.Status != want {
			t.Errorf("run %d: %v %+v", i, err, man)
		}
	}
}

func TestMonitorBytes(t *testing.T) {
	n := newLeaky(1)
	// m: 3 values + the step per frame, every step; sub: 2 values + the step
	// every 2 steps.
	if got, want := MonitorBytes(n.Monitors(), 6), int64(6*8*4+3*8*3); got != want {
		t.Errorf("6 steps: %d bytes, want %d", got, want)
	}
	if got, want := MonitorBytes(n.Monitors(), 7), int64(7*8*4+4*8*3); got != want {
		t.Errorf("7 steps: %d bytes, want %d", got, want)
	}
	n.Simulate(4) // m holds 4 frames, sub 2
	if got, want := MonitorBytes(n.Monitors(), 0), int64(4*8*4+2*8*3); got != want {
		t.Errorf("held: %d bytes, want %d", got, want)
	}
	n.m.Pause()
	n.sub.Pause()
	if got, want := MonitorBytes(n.Monitors(), 1000), int64(4*8*4+2*8*3); got != want {
		t.Errorf("paused: %d bytes, want %d", got, want)
	}
}

func TestMainMaxMemory(t *testing.T) {
	out := t.TempDir()
	// 6 steps: 192 + 72 = 264 bytes.
	code, msg := runMain(t, leakyProgram(nil), nil, "-out", out, "-duration", "6", "-max-memory", "263")
	want := "leaky: the monitors would hold about 264 B for 6 ms (m 192 B (3 values per frame), sub 72 B (2 values per frame)), more than -max-memory 263 B: " +
		"record every few steps with a monitor's period, record fewer variables or neurons, run with -stream to write the records to disk while simulating, or raise -max-memory (0 for no limit)\n"
	if code != ExitError || msg != want {
		t.Fatalf("exit %d\n got %s\nwant %s", code, msg, want)
	}
	man, _ := results.ReadManifest(out)
	if man.Status != results.StatusError || man.Steps != 0 || len(man.Files) != 0 {
		t.Errorf("refused run manifest %+v", man)
	}
	// 264 bytes pass the estimate, but the spikes (4 in m, 2 in sub, at 2
	// steps each: 6×4 + 4×16 = 88 bytes) are only known while recording:
	// the check at the end finds 352 bytes, and what was recorded is
	// written.
	out = t.TempDir()
	code, msg = runMain(t, leakyProgram(nil), nil, "-out", out, "-duration", "6", "-max-memory", "264")
	want = "leaky: the monitors hold 352 B at t = 6 ms, more than -max-memory 264 B; the run stopped there and what was recorded is written: " +
		"record spikes of fewer neurons, record every few steps with a monitor's period, run with -stream to write the records to disk while simulating, or raise -max-memory (0 for no limit)\n"
	if code != ExitError || msg != want {
		t.Fatalf("exit %d\n got %s\nwant %s", code, msg, want)
	}
	if shape, _ := readF64(t, filepath.Join(out, "m.v.npy")); shape[0] != 6 {
		t.Errorf("m.v has %d frames, want 6", shape[0])
	}
	for _, args := range [][]string{
		{"-max-memory", "360"},
		{"-max-memory", "0"},
		{"-max-memory", "1KiB"},
		{"-max-memory", "100", "-stream"},
	} {
		args = append(args, "-out", t.TempDir(), "-duration", "6")
		if code, msg := runMain(t, leakyProgram(nil), nil, args...); code != ExitOK {
			t.Errorf("%q: exit %d: %s", args, code, msg)
		}
	}
	// A run is stopped where its monitors exceed the limit, checked every
	// -check-every steps. 3000 steps pass the estimate of 132000 bytes
	// (m: 3000 frames of 3 values and the step; sub: 1500 frames of 2 and
	// the step), but neurons 0 and 1 spike every 3 steps (steps 2, 5, ...).
	// At the check after 2800 steps the monitors hold m: 2800·4·8 = 89600,
	// sub: 1400·3·8 = 33600, and 933 spikes of each neuron at 933 steps:
	// 2·933·4 + 933·16 in m and 933·4 + 933·16 in sub (neuron 0), 164252
	// bytes in all.
	out = t.TempDir()
	code, msg = runMain(t, leakyProgram(nil), nil, "-out", out, "-duration", "3000", "-max-memory", "132000", "-check-every", "700")
	if code != ExitError || !strings.Contains(msg, "leaky: the monitors hold 160.4 KiB at t = 2800 ms, more than -max-memory 128.9 KiB;") {
		t.Fatalf("exit %d: %s", code, msg)
	}
	man, _ = results.ReadManifest(out)
	if man.Status != results.StatusError || man.Steps != 2800 {
		t.Errorf("stopped run: status %q after %d steps, want error after 2800", man.Status, man.Steps)
	}
	if shape, _ := readF64(t, filepath.Join(out, "m.v.npy")); shape[0] != 2800 {
		t.Errorf("m.v has %d frames, want 2800", shape[0])
	}
	if got := MonitorHeldBytes(nil); got != 0 {
		t.Errorf("MonitorHeldBytes(nil) = %d", got)
	}
	// A sweep holds -workers runs at once.
	code, msg = runMain(t, leakyProgram(nil), nil, "-out", t.TempDir(), "-duration", "6", "-max-memory", "600",
		"-sweep", "P.tau=1,2,3", "-workers", "3")
	if code != ExitError || !strings.Contains(msg, "run-0000: the monitors would hold about 264 B per run for 6 ms, 792 B for 3 runs in parallel (") {
		t.Errorf("sweep: exit %d: %s", code, msg)
	}
	// On 2 workers each run may hold 300 bytes: enough without spikes.
	code, msg = runMain(t, leakyProgram(nil), nil, "-out", t.TempDir(), "-duration", "6", "-max-memory", "600",
		"-sweep", "P.tau=1,2,3", "-workers", "2", "-set", "P.theta=2")
	if code != ExitOK {
		t.Errorf("sweep on 2 workers: exit %d: %s", code, msg)
	}
	code, msg = runMain(t, leakyProgram(nil), nil, "-out", t.TempDir(), "-duration", "6", "-max-memory", "600",
		"-sweep", "P.tau=2,2", "-workers", "2")
	if code != ExitError || !strings.Contains(msg, "run-0000: the monitors hold 352 B at t = 6 ms, more than -max-memory 600 B (300 B per run for 2 runs in parallel)") {
		t.Errorf("sweep with spikes on 2 workers: exit %d: %s", code, msg)
	}
	if code, msg := runMain(t, leakyProgram(nil), nil, "-max-memory", "lots"); code != ExitUsage || !strings.Contains(msg, `"lots" is not a memory size`) {
		t.Errorf("bad size: exit %d: %s", code, msg)
	}
}

func TestParseBytes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"off", 0}, {"1234", 1234}, {"10B", 10}, {"1k", 1024}, {"1KB", 1000}, {"2KiB", 2048},
		{"1.5GiB", 3 << 29}, {"500MB", 500e6}, {"4G", 4 << 30}, {" 2 tib ", 2 << 40},
	} {
		got, err := ParseBytes(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "GiB", "-1", "1XB", "1e3", "99999999999TB"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q): no error", in)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"}, {3 << 30, "3.0 GiB"}} {
		if got := FormatBytes(c.n); got != c.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestMemTotal(t *testing.T) {
	p := filepath.Join(t.TempDir(), "meminfo")
	os.WriteFile(p, []byte("MemFree:  100 kB\nMemTotal:       24576000 kB\n"), 0o644)
	if got := MemTotal(p); got != 24576000*1024 {
		t.Errorf("MemTotal = %d", got)
	}
	if got := MemTotal(filepath.Join(t.TempDir(), "none")); got != 0 {
		t.Errorf("missing file: %d", got)
	}
}

func BenchmarkFirstNonFinite(b *testing.B) {
	xs := make([]float64, 4000)
	for i := range xs {
		xs[i] = float64(i) * 0.25
	}
	b.SetBytes(8 * int64(len(xs)))
	for b.Loop() {
		if FirstNonFinite(xs) != -1 {
			b.Fatal("found one")
		}
	}
}

// A results directory that cannot be created is reported before the run,
// naming the directory.
func TestMainUnwritableOut(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	code, msg := runMain(t, leakyProgram(nil), nil, "-out", filepath.Join(file, "res"))
	want := "leaky: cannot create the results directory " + filepath.Join(file, "res") + ": mkdir " + file + ": not a directory\n"
	if code != ExitError || msg != want {
		t.Errorf("exit %d\n got %s\nwant %s", code, msg, want)
	}
	code, msg = runMain(t, leakyProgram(nil), nil, "-out", file, "-sweep", "P.tau=1,2")
	want = "leaky: cannot create the results directory " + file + ": mkdir " + file + ": not a directory\n"
	if code != ExitError || msg != want {
		t.Errorf("sweep: exit %d\n got %s\nwant %s", code, msg, want)
	}
}

// A full disk is an error naming the file that could not be written. The
// test mounts a 32 KiB tmpfs, so it needs root (CI runs as root).
func TestMainDiskFull(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=32k"); err != nil {
		t.Skipf("cannot mount a small tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	// m.t: 2000 frame times of 8 bytes; m.v: 2000 frames of 3 float64 =
	// 48000 bytes.
	code, msg := runMain(t, leakyProgram(nil), nil, "-out", dir, "-duration", "2000", "-set", "P.theta=2")
	if code != ExitError || !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, filepath.Join(dir, "m.v.npy")) {
		t.Errorf("exit %d: %s", code, msg)
	}
}

// SIGTERM ends a run like SIGINT: results written, manifest "interrupted".
func TestMainSIGTERM(t *testing.T) {
	if os.Getenv("ANNRT_TERM_CHILD") != "" {
		os.Args = []string{"leaky", "-out", os.Getenv("ANNRT_TERM_OUT"), "-duration", "1e9", "-max-memory", "0"}
		self, _ := os.FindProcess(os.Getpid())
		os.Exit(Main(leakyProgram(func(n *leaky) {
			if n.Step == 50 {
				self.Signal(syscall.SIGTERM)
				time.Sleep(300 * time.Millisecond)
			}
		})))
	}
	out := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainSIGTERM$")
	cmd.Env = append(os.Environ(), "ANNRT_TERM_CHILD=1", "ANNRT_TERM_OUT="+out)
	msg, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitInterrupted {
		t.Fatalf("child ended with %v, want exit 130: %s", err, msg)
	}
	man, err := results.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if man.Status != results.StatusInterrupted || man.Steps != 51 {
		t.Errorf("status %q after %d steps; want interrupted after 51", man.Status, man.Steps)
	}
	if shape, _ := readF64(t, filepath.Join(out, "m.v.npy")); shape[0] != 51 {
		t.Errorf("%d frames written, want 51", shape[0])
	}
}

// The checks scan a long variable in chunks over the goroutines of a run:
// they find the first non-finite value whatever chunk it is in, in float64
// and float32, and allocate nothing.
func TestCheckSplitOverThreads(t *testing.T) {
	defer SetMinChunkWork(SetMinChunkWork(1))
	const n = 3*minScanSplit + 5
	xs := make([]float64, n)
	ys := make([]float32, n)
	c := &Core{Dt: 1}
	c.SetThreads(3)
	c.Run(1, func() {
		for _, at := range []int{-1, 0, n / 3, n/3 + 1, 2 * n / 3, n - 1} {
			clear(xs)
			clear(ys)
			if at >= 0 {
				xs[at], ys[at] = math.NaN(), float32(math.Inf(-1))
				xs[n-1], ys[n-1] = math.Inf(1), float32(math.NaN()) // a later one
			}
			want := at
			var nf *NonFiniteError
			err := CheckNeurons(c, "P", "v", xs)
			if errors.As(err, &nf) {
				if nf.Index != want {
					t.Errorf("float64, non-finite at %d: reported %d", at, nf.Index)
				}
			} else if want >= 0 {
				t.Errorf("float64, non-finite at %d: not found", at)
			}
			err = CheckSynapses(c, "pj", "w", ys)
			if errors.As(err, &nf) {
				if nf.Index != want {
					t.Errorf("float32, non-finite at %d: reported %d", at, nf.Index)
				}
			} else if want >= 0 {
				t.Errorf("float32, non-finite at %d: not found", at)
			}
		}
		clear(xs)
		if a := testing.AllocsPerRun(20, func() { _ = CheckNeurons(c, "P", "v", xs) }); a != 0 {
			t.Errorf("a check of finite values allocated %v times", a)
		}
	})
}

// A refractory period the int32 step counter cannot hold is refused, not
// run as no refractory period at all.
func TestCheckRefractory(t *testing.T) {
	c := &Core{Dt: 1}
	if err := CheckRefractory(c, "P", "tref", []float64{0, 2, math.MaxInt32}); err != nil {
		t.Errorf("valid periods: %v", err)
	}
	for _, x := range []float64{-2, math.NaN(), 1 << 31, math.Inf(1)} {
		err := CheckRefractory(c, "P", "tref", []float32{1, float32(x)})
		if err == nil || !strings.Contains(err.Error(), "population P, refractory period tref of neuron 1:") {
			t.Errorf("%v ms: %v", x, err)
		}
		if err := CheckRefractoryScalar(c, "P", "tref", x); err == nil {
			t.Errorf("%v ms (population-wide) accepted", x)
		}
	}
	if err := CheckRefractoryScalar(&Core{Dt: 0.1}, "P", "tref", 3e8); err == nil || !strings.Contains(err.Error(), "more than 2147483647 steps of dt 0.1 ms") {
		t.Errorf("3e8 ms at dt 0.1: %v", err)
	}
}
