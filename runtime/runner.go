package runtime

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
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
	// NewThreads, when set, is New for a network computed by threads
	// goroutines, which also draw its connectivity.
	NewThreads func(seed int64, threads int) (Instance, error)
	Paths      []string // settable paths, for messages
	// Schedule, when set, is the model's schedule: the runner runs it
	// instead of Simulate/SimulateUntil, and -duration does not apply.
	Schedule func(Instance) error
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
	trials      int
	threads     int
	chunkWork   int64
	stream      bool
	guard       guardFlags // -max-memory, -check-every (memory.go)
	outGiven    bool
	plan        planFlags // -plan, -shard (plan.go)
	plot        bool      // -plot (plotcmd.go)
	save, load  string    // -save FILE, -load FILE (state.go)
}

// StateSaver is what generated networks implement to save and load their
// state (SaveState, LoadState): the runner's -save and -load.
type StateSaver interface {
	Save(path string) error
	Load(path string) error
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
	if f.isSweep() {
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
	// A wrong flag gets one line; -h gets the flags (printUsage).
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
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
	fs.IntVar(&f.trials, "trials", 1, "run every sweep point `K` times, with the seeds TrialSeed(seed, 0..K-1) (every point has the same seed, unless seed is swept)")
	fs.Int64Var(&f.chunkWork, "min-chunk-work", minChunkWork, "with -threads: estimated work (operations) of a chunk below which a loop is not split; 1 splits every loop, 0 cuts each split into one chunk more than the last (a test of split-independence)")
	fs.IntVar(&f.threads, "threads", 1, "goroutines computing the steps of each network (same results for every value; a sweep's idle workers help the last runs anyway)")
	fs.BoolVar(&f.plot, "plot", false, "plot the results with 'annc plot' when the run is done (annc on PATH, or $ANNC_BIN)")
	fs.BoolVar(&f.stream, "stream", false, "write monitor data straight to the results files while simulating (bounded memory)")
	fs.StringVar(&f.load, "load", "", "before the run, load the network's state from `FILE` (written by -save; -set applies after it)")
	fs.StringVar(&f.save, "save", "", "after the run, save the network's complete state to `FILE` (.npz)")
	addPlanFlags(fs, &f.plan)
	addGuardFlags(fs, &f.guard)
	printUsage := func() {
		fs.SetOutput(stderr)
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
	usage := func(format string, a ...any) (runnerFlags, int) {
		fmt.Fprintf(stderr, "%s: %s (%s -help lists the flags)\n", prog.Name, fmt.Sprintf(format, a...), prog.Name)
		return f, ExitUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage()
			return f, ExitOK
		}
		return usage("%v", err)
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
	if (f.save != "" || f.load != "") && (f.isSweep() || f.plan.file != "") {
		return usage("-save and -load apply to single runs, not to sweeps or plans")
	}
	if err := checkPlanFlags(&f, func(name string) bool { return given[name] }); err != nil {
		return usage("%v", err)
	}
	if prog.Schedule != nil && f.durationSet {
		return usage("-duration: the model's schedule says how long it runs (edit its simulate steps)")
	}
	if err := CheckDuration(f.duration, prog.Dt); err != nil {
		return usage("-duration %v", err)
	}
	if f.trials < 1 {
		return usage("-trials %d: must be at least 1", f.trials)
	}
	if f.workers < 0 {
		return usage("-workers %d: must not be negative", f.workers)
	}
	if f.threads < 1 || f.threads > MaxChunks {
		return usage("-threads %d: must be between 1 and %d", f.threads, MaxChunks)
	}
	if f.chunkWork < 0 {
		return usage("-min-chunk-work %d: must not be negative", f.chunkWork)
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
	if path == SeedPath {
		return setting{}, fmt.Errorf("the seed is set with -seed N (or swept with -sweep seed=1,2,3)")
	}
	if v, err := ParseValue(value); err != nil {
		return setting{}, fmt.Errorf("%s: %v", path, err)
	} else if err := finiteSetting(v); err != nil {
		return setting{}, fmt.Errorf("%s: %v", path, err)
	}
	return setting{path, value}, nil
}

// finiteSetting refuses a NaN or infinite number of a -set or -sweep value:
// none is a parameter or initial value, and the state check would report it
// as a numerical blow-up (or, with -check-every 0, the run would go on with
// it). ParseValue itself reads NaN and Inf, as the Go API's Set takes them;
// a distribution's arguments are already finite (ParseDist).
func finiteSetting(v Value) error {
	xs := v.List
	if v.Kind == NumValue {
		xs = []float64{v.Num}
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if v.Kind == ListValue {
				return fmt.Errorf("element %d is %g: values must be finite numbers", i, x)
			}
			return fmt.Errorf("%g: values must be finite numbers", x)
		}
	}
	return nil
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
		if path == SeedPath {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return sweepAxis{}, fmt.Errorf("seed: %q is not an integer", v)
			}
		} else if pv, err := ParseValue(v); err != nil {
			return sweepAxis{}, fmt.Errorf("%s: %v", path, err)
		} else if err := finiteSetting(pv); err != nil {
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
	metrics []metric // the columns of sweep.csv (runMetrics)
	seconds float64
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
	if r.prog.NewThreads != nil {
		inst, err = r.prog.NewThreads(seed, r.flags.threads)
	} else {
		inst, err = r.prog.New(seed)
	}
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
	// Begin also shows, before the run, that the directory can be written
	// (a run must not simulate for hours and then fail to save).
	begin := func(files []results.File) error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot create the results directory %s: %v", dir, err)
		}
		planned := man
		planned.Files = files
		if err := results.Begin(dir, &planned); err != nil {
			return fmt.Errorf("cannot write into the results directory %s: %v", dir, err)
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
	if f.load != "" {
		if err := loadState(inst, f.load); err != nil {
			fail(err)
			return finish()
		}
		man.Loaded, man.Seed = f.load, core.Seed
	}
	for _, s := range sets {
		if err := setValue(inst, s); err != nil {
			res.usage = true
			fail(fmt.Errorf("-set %s=%s: %w", s.path, s.value, err))
			return finish()
		}
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
	startStep := core.StepsDone()
	t1 := time.Now()
	cpu1 := processCPU()
	if !r.stop.Load() {
		res.ran = true
		if err := r.simulate(inst, f.duration); err != nil {
			fail(err)
		}
		if err := finalCheck(core); err != nil {
			fail(err)
		}
	}
	man.WallS.Simulate = time.Since(t1).Seconds()
	res.seconds = man.WallS.Simulate
	if !f.isSweep() && f.plan.file == "" && cpu0 >= 0 {
		man.CPUS = &results.CPUTimes{Setup: cpu1 - cpu0, Simulate: processCPU() - cpu1}
	}
	if len(f.sweeps) == 0 && f.plan.file == "" {
		man.Projections = ProjectionMemory(inst)
	}
	if progress != nil {
		core.SetProgress(nil)
		progress.Done()
	}
	core.SetStopFlag(nil)
	res.steps = core.StepsDone() - startStep
	res.simMs = results.RoundMs(float64(res.steps) * core.Dt)
	man.Steps, man.SimulatedMs = res.steps, res.simMs
	man.EndMs = core.Time()
	man.StoppedByCondition = r.prog.Until && core.StoppedByCondition()
	if res.err == nil && (core.Interrupted() || !res.ran) {
		res.status, man.Status = results.StatusInterrupted, results.StatusInterrupted
	}
	spiking, rate := map[string]int{}, map[string]bool{}
	for _, m := range mons {
		files, err := m.Save(dir)
		man.Files = append(man.Files, files...)
		if err != nil {
			fail(err)
			continue
		}
		if m.RecordsSpikes() {
			spiking[m.Name] = m.Neurons
		}
		rate[m.Name] = m.RateCoded
	}
	res.metrics = runMetrics(dir, man.Files, res.simMs, spiking, rate)
	if f.save != "" && res.err == nil {
		if err := saveState(inst, f.save); err != nil {
			fail(err)
		} else {
			man.Saved = f.save
		}
	}
	return finish()
}

// loadState and saveState are -load and -save.
func loadState(inst Instance, path string) error {
	ss, ok := inst.(StateSaver)
	if !ok {
		return errors.New("-load: this network cannot load a state")
	}
	if err := ss.Load(path); err != nil {
		return fmt.Errorf("-load: %w", err)
	}
	return nil
}

func saveState(inst Instance, path string) error {
	ss, ok := inst.(StateSaver)
	if !ok {
		return errors.New("-save: this network cannot save its state")
	}
	if err := ss.Save(path); err != nil {
		return fmt.Errorf("-save: %w", err)
	}
	return nil
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

// simulate runs the model's schedule or its default simulation, turning a
// panic into an error.
func (r *runner) simulate(inst Instance, ms float64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("simulation: panic: %v", p)
		}
	}()
	if r.prog.Schedule != nil {
		return r.prog.Schedule(inst)
	}
	if r.prog.Until {
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
		if res.usage && len(r.prog.Paths) > 0 && listPaths(res.err) {
			r.errorf("settable paths: %s", strings.Join(r.prog.Paths, " "))
		}
		if res.usage {
			return ExitUsage
		}
		return ExitError
	case res.status == results.StatusInterrupted:
		r.errorf("interrupted after %s ms (%d steps); results in %s", results.FormatMs(res.simMs), res.steps, r.flags.out)
		return ExitInterrupted
	}
	r.errorf("simulated %s ms (%d steps) in %s; results in %s", results.FormatMs(res.simMs), res.steps, results.FormatSeconds(res.seconds), r.flags.out)
	return ExitOK
}
