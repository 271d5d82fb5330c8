package runtime

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/annc/annc/runtime/results"
)

// Instance is one network as the runner drives it; generated networks
// implement it.
type Instance interface {
	Base() *Core
	Simulate(ms float64)
	SimulateUntil(maxMs float64) float64 // the model's default stop conditions
	Set(path string, value string) error // "P.tau", "ee.w", "E_exc", "inp.rates"; value as ParseValue reads it
	Get(path string) ([]float64, error)
	Monitors() []*Monitor
}

// Program describes a compiled model to Main.
type Program struct {
	Name, Version, ModelHash string
	Dt                       float64
	DefaultSeed              int64
	HasSeed                  bool // the model gives a seed; otherwise a seed is drawn from the clock
	DefaultDuration          float64
	Until                    bool    // simulate until the stop conditions, at most MaxDuration
	MaxDuration              float64 // ms
	New                      func(seed int64) (Instance, error)
	Paths                    []string // settable paths, for messages
}

// Main is the command line of a generated program: it parses os.Args, runs,
// writes the results and returns the exit status (0 ok, 1 run error, 2 usage
// error, 130 interrupted). The first SIGINT or SIGTERM ends the run after the
// current step and writes what was recorded with status "interrupted"; a
// second one exits at once.
func Main(prog Program) int {
	stop := new(atomic.Bool)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		first := true
		for range sigs {
			if !first {
				fmt.Fprintf(os.Stderr, "%s: interrupted again, exiting\n", prog.Name)
				os.Exit(130)
			}
			first = false
			stop.Store(true)
			fmt.Fprintf(os.Stderr, "\n%s: interrupted: finishing the current step and writing results (interrupt again to quit at once)\n", prog.Name)
		}
	}()
	return RunMain(prog, os.Args[1:], os.Stderr, stop)
}

// Exit statuses of RunMain.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// setting is one PATH=VALUE.
type setting struct{ path, value string }

// sweepAxis is one -sweep PATH=V1,V2,...
type sweepAxis struct {
	path   string
	values []string
}

// runnerFlags are the parsed command line.
type runnerFlags struct {
	duration    float64
	durationSet bool
	seed        int64
	seedSet     bool
	sets        []setting
	out         string
	progress    bool
	sweeps      []sweepAxis
	grid        bool
	workers     int
	threads     int
	chunkWork   int64
	stream      bool
	guard       guardFlags // -max-memory, -check-every (memory.go)
	outGiven    bool
	plan        planFlags // -plan, -shard (plan.go)
	plot        bool      // -plot (plotcmd.go)
}

// RunMain is Main without signal handling: args are the arguments after the
// program name, messages go to stderr, and setting *stop (may be nil) ends the
// runs after their current step as a signal does.
func RunMain(prog Program, args []string, stderr io.Writer, stop *atomic.Bool) int {
	if stop == nil {
		stop = new(atomic.Bool)
	}
	f, code := parseRunnerFlags(prog, args, stderr)
	if code >= 0 {
		return code
	}
	seed := f.seed
	if !f.seedSet && !prog.HasSeed {
		seed = time.Now().UnixNano() & (1<<62 - 1)
	}
	r := &runner{prog: prog, flags: f, stderr: stderr, stop: stop}
	if f.plan.file != "" {
		return r.planMain(seed)
	}
	run := r.single
	if len(f.sweeps) > 0 {
		run = r.sweep
	}
	status := run(seed)
	if status == ExitOK && f.plot {
		status = plotResults(f.out, stderr)
	}
	return status
}

func parseRunnerFlags(prog Program, args []string, stderr io.Writer) (runnerFlags, int) {
	var f runnerFlags
	fs := flag.NewFlagSet(prog.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	durHelp := "simulated time in ms"
	if prog.Until {
		durHelp = "maximum simulated time in ms (the run stops earlier when the model's stop conditions hold)"
	}
	defDur := prog.DefaultDuration
	if prog.Until {
		defDur = prog.MaxDuration
	}
	fs.Float64Var(&f.duration, "duration", defDur, durHelp)
	fs.Int64Var(&f.seed, "seed", prog.DefaultSeed, "seed of the network (default: the model's seed, else drawn from the clock)")
	fs.Func("set", "set `PATH=VALUE` before simulating (repeatable): a number, a list \"[1,2]\" or a distribution \"Uniform(-60,-50)\"", func(s string) error {
		st, err := parseSetting(s)
		if err != nil {
			return err
		}
		f.sets = append(f.sets, st)
		return nil
	})
	fs.StringVar(&f.out, "out", "results", "results `directory`")
	fs.BoolVar(&f.progress, "progress", false, "show percent done, simulated ms per wall second and ETA on stderr")
	fs.Func("sweep", "run once per value: `PATH=V1,V2,...` (repeatable; lists of equal length are zipped, or combined with -grid)", func(s string) error {
		ax, err := parseSweep(s)
		if err != nil {
			return err
		}
		f.sweeps = append(f.sweeps, ax)
		return nil
	})
	fs.BoolVar(&f.grid, "grid", false, "sweep the Cartesian product of the -sweep lists instead of zipping them")
	fs.IntVar(&f.workers, "workers", 0, "runs in parallel during a sweep (default GOMAXPROCS)")
	fs.Int64Var(&f.chunkWork, "min-chunk-work", minChunkWork, "with -threads: estimated work (about ns) below which a loop is not split; 1 splits every loop")
	fs.IntVar(&f.threads, "threads", 1, "goroutines computing the steps of each network (same results for every value; a sweep's idle workers help the last runs anyway)")
	fs.BoolVar(&f.plot, "plot", false, "plot the results with 'annc plot' when the run is done (annc on PATH, or $ANNC_BIN)")
	fs.BoolVar(&f.stream, "stream", false, "write monitor data straight to the results files while simulating (bounded memory)")
	addPlanFlags(fs, &f.plan)
	addGuardFlags(fs, &f.guard)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [flags]\n\nRuns the model %s", prog.Name, prog.Name)
		if prog.Version != "" {
			fmt.Fprintf(stderr, " (annc %s)", prog.Version)
		}
		fmt.Fprintf(stderr, " and writes its monitors into -out as .npy files with a manifest.json.\nFlags take one dash or two.\n\n")
		fs.PrintDefaults()
		if len(prog.Paths) > 0 {
			fmt.Fprintf(stderr, "\nsettable paths: %s\n", strings.Join(prog.Paths, " "))
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, ExitOK
		}
		return f, ExitUsage
	}
	usage := func(format string, a ...any) (runnerFlags, int) {
		fmt.Fprintf(stderr, "%s: %s\n", prog.Name, fmt.Sprintf(format, a...))
		fmt.Fprintf(stderr, "run '%s -help' for usage\n", prog.Name)
		return f, ExitUsage
	}
	if fs.NArg() > 0 {
		return usage("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) {
		given[fl.Name] = true
		switch fl.Name {
		case "duration":
			f.durationSet = true
		case "seed":
			f.seedSet = true
		case "out":
			f.outGiven = true
		}
	})
	if err := checkPlanFlags(&f, func(name string) bool { return given[name] }); err != nil {
		return usage("%v", err)
	}
	if f.duration < 0 {
		return usage("-duration %g: must not be negative", f.duration)
	}
	if f.workers < 0 {
		return usage("-workers %d: must not be negative", f.workers)
	}
	if f.threads < 1 || f.threads > MaxChunks {
		return usage("-threads %d: must be between 1 and %d", f.threads, MaxChunks)
	}
	if f.chunkWork < 1 {
		return usage("-min-chunk-work %d: must be at least 1", f.chunkWork)
	}
	SetMinChunkWork(f.chunkWork)
	if f.grid && len(f.sweeps) == 0 {
		return usage("-grid needs -sweep")
	}
	if !f.grid {
		for _, ax := range f.sweeps[min(1, len(f.sweeps)):] {
			if len(ax.values) != len(f.sweeps[0].values) {
				return usage("-sweep %s has %d values but -sweep %s has %d: zipped sweeps need lists of the same length (or use -grid)",
					ax.path, len(ax.values), f.sweeps[0].path, len(f.sweeps[0].values))
			}
		}
	}
	return f, -1
}

// parseSetting reads PATH=VALUE, checking that VALUE is a number, list or
// distribution.
func parseSetting(s string) (setting, error) {
	path, value, ok := strings.Cut(s, "=")
	path, value = strings.TrimSpace(path), strings.TrimSpace(value)
	if !ok || path == "" || value == "" {
		return setting{}, fmt.Errorf("want PATH=VALUE, got %q", s)
	}
	if _, err := ParseValue(value); err != nil {
		return setting{}, fmt.Errorf("%s: %v", path, err)
	}
	return setting{path, value}, nil
}

// parseSweep reads PATH=V1,V2,... where the values are split at commas outside
// brackets and parentheses, so lists "[1,2],[3,4]" and distributions
// "Uniform(0,1),Normal(0,1)" can be swept.
func parseSweep(s string) (sweepAxis, error) {
	path, rest, ok := strings.Cut(s, "=")
	path = strings.TrimSpace(path)
	if !ok || path == "" || strings.TrimSpace(rest) == "" {
		return sweepAxis{}, fmt.Errorf("want PATH=V1,V2,..., got %q", s)
	}
	ax := sweepAxis{path: path}
	depth, start := 0, 0
	for i := 0; i <= len(rest); i++ {
		if i < len(rest) {
			switch rest[i] {
			case '(', '[':
				depth++
				continue
			case ')', ']':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		v := strings.TrimSpace(rest[start:i])
		if v == "" {
			return sweepAxis{}, fmt.Errorf("%s: empty value in %q", path, rest)
		}
		if _, err := ParseValue(v); err != nil {
			return sweepAxis{}, fmt.Errorf("%s: %v", path, err)
		}
		ax.values = append(ax.values, v)
		start = i + 1
	}
	if depth != 0 {
		return sweepAxis{}, fmt.Errorf("%s: unbalanced brackets in %q", path, rest)
	}
	return ax, nil
}

type runner struct {
	prog   Program
	flags  runnerFlags
	stderr io.Writer
	stop   *atomic.Bool
}

// runResult is what one run reports to the sweep table.
type runResult struct {
	status  string
	err     error
	usage   bool // the error comes from a -set value or path
	ran     bool
	steps   int64
	simMs   float64
	rates   []monitorRate
	seconds float64
}

type monitorRate struct {
	monitor string
	hz      float64
}

func envSeconds(name string) float64 {
	x, err := strconv.ParseFloat(strings.TrimSpace(os.Getenv(name)), 64)
	if err != nil {
		return 0
	}
	return x
}

// newInstance calls prog.New, turning a panic into an error.
func (r *runner) newInstance(seed int64) (inst Instance, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("building the network: panic: %v", p)
		}
	}()
	if r.prog.New == nil {
		return nil, errors.New("program has no constructor")
	}
	inst, err = r.prog.New(seed)
	if err == nil && inst == nil {
		err = errors.New("building the network gave no network")
	}
	return inst, err
}

// runOne builds a network with seed, applies sets, simulates and writes the
// results and manifest.json into dir.
// share (may be nil) offers the network to the idle workers of a sweep.
func (r *runner) runOne(dir string, seed int64, sets []setting, progress *ProgressPrinter, share func(*Core)) runResult {
	f := r.flags
	man := results.Manifest{Model: r.prog.Name, ModelHash: r.prog.ModelHash, AnncVersion: r.prog.Version,
		Seed: seed, Dt: r.prog.Dt, Status: results.StatusOK, Set: map[string]string{}}
	man.WallS.Generate = envSeconds("ANNC_GENERATE_S")
	man.WallS.Build = envSeconds("ANNC_BUILD_S")
	for _, s := range sets {
		man.Set[s.path] = s.value
	}
	res := runResult{status: results.StatusOK}
	fail := func(err error) {
		if res.err == nil {
			res.status, res.err = results.StatusError, err
			man.Status, man.Error = results.StatusError, err.Error()
		}
	}
	// The directory is marked as running (results.Begin) before anything
	// is written into it, and the manifest is written last.
	begun := false
	begin := func(files []results.File) error {
		planned := man
		planned.Files = files
		if err := results.Begin(dir, &planned); err != nil {
			return fmt.Errorf("results directory %s: %w", dir, err)
		}
		begun = true
		return nil
	}
	finish := func() runResult {
		if !begun {
			if err := begin(nil); err != nil {
				fail(err)
				return res
			}
		}
		if err := man.WriteFile(filepath.Join(dir, results.ManifestName)); err != nil {
			fail(err)
		}
		return res
	}

	if r.stop.Load() { // interrupted before this run started
		res.status, man.Status = results.StatusInterrupted, results.StatusInterrupted
		return finish()
	}
	t0 := time.Now()
	cpu0 := processCPU()
	inst, err := r.newInstance(seed)
	if err != nil {
		fail(err)
		return finish()
	}
	core := inst.Base()
	core.SetThreads(f.threads)
	if share != nil {
		share(core)
	}
	man.Dt = core.Dt
	for _, s := range sets {
		if err := setValue(inst, s); err != nil {
			res.usage = true
			fail(fmt.Errorf("-set %s=%s: %w", s.path, s.value, err))
			return finish()
		}
	}
	if err := prepareOut(dir); err != nil {
		fail(err)
		return finish()
	}
	mons := inst.Monitors()
	var planned []results.File
	for _, m := range mons {
		planned = append(planned, m.FileNames()...)
	}
	man.StartMs, man.EndMs = core.Time(), core.Time()
	if err := begin(planned); err != nil {
		fail(err)
		return finish()
	}
	if f.stream {
		for _, m := range mons {
			if err := m.StreamTo(dir); err != nil {
				fail(err)
				return finish()
			}
		}
	}
	if err := r.guardRun(inst, mons); err != nil {
		fail(err)
		return finish()
	}
	man.WallS.Setup = time.Since(t0).Seconds()

	core.SetStopFlag(r.stop)
	if progress != nil {
		core.SetProgress(progress.Report)
	}
	startStep := core.Step
	t1 := time.Now()
	cpu1 := processCPU()
	if !r.stop.Load() {
		res.ran = true
		if err := simulate(inst, r.prog.Until, f.duration); err != nil {
			fail(err)
		}
		if err := finalCheck(core); err != nil {
			fail(err)
		}
	}
	man.WallS.Simulate = time.Since(t1).Seconds()
	res.seconds = man.WallS.Simulate
	if len(f.sweeps) == 0 && f.plan.file == "" && cpu0 >= 0 {
		man.CPUS = &results.CPUTimes{Setup: cpu1 - cpu0, Simulate: processCPU() - cpu1}
	}
	if progress != nil {
		core.SetProgress(nil)
		progress.Done()
	}
	core.SetStopFlag(nil)
	res.steps = core.Step - startStep
	res.simMs = float64(res.steps) * core.Dt
	man.Steps, man.SimulatedMs = res.steps, res.simMs
	man.EndMs = core.Time()
	man.StoppedByCondition = r.prog.Until && core.StoppedByCondition()
	if res.err == nil && (core.Interrupted() || !res.ran) {
		res.status, man.Status = results.StatusInterrupted, results.StatusInterrupted
	}
	for _, m := range mons {
		files, err := m.Save(dir)
		man.Files = append(man.Files, files...)
		if err != nil {
			fail(err)
			continue
		}
		if m.RecordsSpikes() {
			n := 0
			for _, fe := range files {
				if fe.Variable == "spike_times" {
					n = fe.Shape[0]
				}
			}
			res.rates = append(res.rates, monitorRate{m.Name, MeanRate(n, m.Neurons, res.simMs)})
		}
	}
	return finish()
}

// setValue applies one -set, turning a panic into an error.
func setValue(inst Instance, s setting) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return inst.Set(s.path, s.value)
}

// simulate runs the model's default simulation, turning a panic into an error.
func simulate(inst Instance, until bool, ms float64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("simulation: panic: %v", p)
		}
	}()
	if until {
		inst.SimulateUntil(ms)
	} else {
		inst.Simulate(ms)
	}
	return nil
}

func (r *runner) errorf(format string, a ...any) {
	fmt.Fprintf(r.stderr, "%s: %s\n", r.prog.Name, fmt.Sprintf(format, a...))
}

// single runs the network once into -out.
func (r *runner) single(seed int64) int {
	var progress *ProgressPrinter
	if r.flags.progress {
		progress = NewProgressPrinter(r.stderr, r.prog.Name, r.prog.Dt)
	}
	res := r.runOne(r.flags.out, seed, r.flags.sets, progress, nil)
	switch {
	case res.err != nil:
		r.errorf("%v", res.err)
		if res.usage && len(r.prog.Paths) > 0 && !HasSuggestion(res.err) {
			r.errorf("settable paths: %s", strings.Join(r.prog.Paths, " "))
		}
		if res.usage {
			return ExitUsage
		}
		return ExitError
	case res.status == results.StatusInterrupted:
		r.errorf("interrupted after %g ms (%d steps); results in %s", res.simMs, res.steps, r.flags.out)
		return ExitInterrupted
	}
	r.errorf("simulated %g ms (%d steps) in %.3g s; results in %s", res.simMs, res.steps, res.seconds, r.flags.out)
	return ExitOK
}

// sweepPoints lists the swept values of every run: zipped, or the Cartesian
// product with the first -sweep varying slowest.
func sweepPoints(axes []sweepAxis, grid bool) [][]setting {
	if !grid {
		pts := make([][]setting, len(axes[0].values))
		for i := range pts {
			for _, ax := range axes {
				pts[i] = append(pts[i], setting{ax.path, ax.values[i]})
			}
		}
		return pts
	}
	pts := [][]setting{nil}
	for _, ax := range axes {
		var next [][]setting
		for _, p := range pts {
			for _, v := range ax.values {
				q := append(append([]setting(nil), p...), setting{ax.path, v})
				next = append(next, q)
			}
		}
		pts = next
	}
	return pts
}

// sweep runs one network per sweep point, in parallel, into -out/run-NNNN,
// and writes -out/sweep.csv.
func (r *runner) sweep(base int64) int {
	f := r.flags
	pts := sweepPoints(f.sweeps, f.grid)
	if err := prepareOut(f.out); err != nil {
		r.errorf("%v", err)
		return ExitError
	}
	// sweep.csv is written last: until then a reader finds none, never the
	// table of an earlier sweep beside runs of this one.
	if err := os.Remove(filepath.Join(f.out, "sweep.csv")); err != nil && !errors.Is(err, os.ErrNotExist) {
		r.errorf("%v", err)
		return ExitError
	}
	idx := make([]int, len(pts))
	for i := range idx {
		idx[i] = i
	}
	runs := r.runPoints(f.out, base, pts, idx)
	code, interrupted := r.reportRuns(idx, runs)
	if err := writeSweepCSV(filepath.Join(f.out, "sweep.csv"), base, pts, runs); err != nil {
		r.errorf("%v", err)
		if code == ExitOK {
			code = ExitError
		}
	}
	if code == ExitOK && interrupted > 0 {
		r.errorf("interrupted: %d of %d runs incomplete; results in %s", interrupted, len(pts), f.out)
		return ExitInterrupted
	}
	if code == ExitOK {
		r.errorf("%d runs; results in %s", len(pts), f.out)
	}
	return code
}

// runPoints runs the sweep points idx (indexes into pts), in parallel, into
// out/run-NNNN with seeds DeriveSeed(base, i); the results are in the order
// of idx.
func (r *runner) runPoints(out string, base int64, pts [][]setting, idx []int) []runResult {
	f := r.flags
	var mu sync.Mutex
	done := 0
	start := time.Now()
	runs, errs := ParallelRunShared(idx, f.workers, func(_ int, i int, share func(*Core)) runResult {
		sets := append(append([]setting(nil), f.sets...), pts[i]...)
		res := r.runOne(filepath.Join(out, RunDirName(i)), DeriveSeed(base, i), sets, nil, share)
		if f.progress {
			mu.Lock()
			done++
			el := time.Since(start)
			eta := time.Duration(float64(el) / float64(done) * float64(len(idx)-done)).Round(100 * time.Millisecond)
			fmt.Fprintf(r.stderr, "\r%s: %d/%d runs done  ETA %s   ", r.prog.Name, done, len(idx), eta)
			if done == len(idx) {
				fmt.Fprintln(r.stderr)
			}
			mu.Unlock()
		}
		return res
	})
	for k := range runs {
		if errs[k] != nil {
			runs[k] = runResult{status: results.StatusError, err: errs[k]}
		}
	}
	return runs
}

// reportRuns prints the errors of the runs idx and returns the exit status
// they call for and how many were interrupted.
func (r *runner) reportRuns(idx []int, runs []runResult) (code, interrupted int) {
	for k, res := range runs {
		switch {
		case res.err != nil:
			r.errorf("%s: %v", RunDirName(idx[k]), res.err)
			if res.usage {
				code = ExitUsage
			} else if code == ExitOK {
				code = ExitError
			}
		case res.status == results.StatusInterrupted:
			interrupted++
		}
	}
	return code, interrupted
}

// writeSweepCSV writes one row per run: index, the swept values, seed, status
// and, per spiking monitor, the mean firing rate in Hz
// (spikes / (recorded neurons × simulated seconds)).
func writeSweepCSV(path string, base int64, pts [][]setting, runs []runResult) error {
	var mons []string
	seen := map[string]bool{}
	for _, res := range runs {
		for _, mr := range res.rates {
			if !seen[mr.monitor] {
				seen[mr.monitor] = true
				mons = append(mons, mr.monitor)
			}
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	header := []string{"index"}
	for _, s := range pts[0] {
		header = append(header, s.path)
	}
	header = append(header, "seed", "status")
	for _, m := range mons {
		header = append(header, m+"_rate_hz")
	}
	w.Write(header)
	for i, p := range pts {
		row := []string{strconv.Itoa(i)}
		for _, s := range p {
			row = append(row, s.value)
		}
		row = append(row, strconv.FormatInt(DeriveSeed(base, i), 10), runs[i].status)
		for _, m := range mons {
			cell := ""
			for _, mr := range runs[i].rates {
				if mr.monitor == m {
					cell = strconv.FormatFloat(mr.hz, 'g', -1, 64)
				}
			}
			row = append(row, cell)
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return results.WriteFileAtomic(path, []byte(b.String()))
}
