package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/annc/annc/internal/build"
	"github.com/annc/annc/internal/version"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/plot"
	"github.com/spf13/cobra"
)

// exitError carries an exit status through cobra.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

func modelErr(format string, args ...any) error {
	return &exitError{code: 1, msg: fmt.Sprintf(format, args...)}
}

// Main runs annc with the given arguments and streams and returns the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(goStyleFlags(args))
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(stderr, "annc: %s\n", ee.msg)
		}
		return ee.code
	}
	// Cobra's own errors are about usage (unknown flag, wrong argument count).
	fmt.Fprintf(stderr, "annc: %v\n", err)
	return 2
}

// goStyleFlags lets long flags take a single dash, as Go's flag package does:
// "-force" becomes "--force". The arguments of `run` after the model file are
// the runner's and are left untouched.
func goStyleFlags(args []string) []string {
	out := make([]string, 0, len(args))
	isRun := false
	for i, a := range args {
		if i == 0 && a == "run" {
			isRun = true
		}
		if isRun {
			out = append(out, a)
			continue
		}
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		name := strings.SplitN(a, "=", 2)[0]
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(name) > 2 {
			a = "-" + a
		}
		out = append(out, a)
	}
	return out
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "annc",
		Short:         "Compile ANNarchy-style neural network models to Go",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErr("%v", err) })
	root.AddCommand(compileCmd(stderr), runCmd(stdout, stderr), checkCmd(stdout, stderr), modelsCmd(stdout),
		plotCmd(stdout), initCmd(stdout, stderr), versionCmd(stdout))
	root.AddCommand(sweepCmd(stdout, stderr), npzCmd(stdout))
	return root
}

func versionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print annc's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(stdout, "annc", version.String())
			return nil
		},
	}
}

// load reads and analyses a model, printing its diagnostics; it fails when
// the model has errors.
func load(path string, stderr io.Writer) (*build.Loaded, error) {
	l, err := build.Load(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	if len(l.Diags) > 0 {
		fmt.Fprint(stderr, l.Diags.Format(l.Sources, 20))
	}
	if l.Model == nil {
		n := len(l.Diags.Errors())
		return nil, modelErr("%s: %d error%s", path, n, plural(n))
	}
	return l, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func checkCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "check model.yaml",
		Short: "Parse and analyse a model; print diagnostics, or a summary of a correct model",
		Args:  exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			l, err := load(args[0], stderr)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, summary(args[0], l.Model))
			return nil
		},
	}
}

// summary describes a correct model in one line: populations and neurons,
// projections and (estimated) synapses, monitors.
func summary(path string, m *ir.Model) string {
	neurons := 0
	for _, p := range m.Pops {
		neurons += p.Size
	}
	synapses, exact, bound := 0.0, true, false
	for _, p := range m.Projs {
		n := ir.EstimateSynapses(p)
		synapses += n.N
		exact = exact && n.Exact
		bound = bound || n.Bound
	}
	// The noun agrees with the number as printed ("about 1 synapse").
	count := func(format string) string {
		n := fmt.Sprintf(format, synapses)
		if n == "1" {
			return n + " synapse"
		}
		return n + " synapses"
	}
	syn := count("%.0f")
	switch {
	case bound: // gaussian, dog: every pair counted, the weights decide
		syn = "up to " + count("%.3g")
	case !exact:
		syn = "about " + count("%.3g")
	}
	return fmt.Sprintf("%s: ok: model %s, %d population%s (%d neuron%s), %d projection%s (%s), %d monitor%s",
		path, m.Name, len(m.Pops), plural(len(m.Pops)), neurons, plural(neurons),
		len(m.Projs), plural(len(m.Projs)), syn, len(m.Monitors), plural(len(m.Monitors)))
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr("%s takes %d argument%s, got %d (see annc %s -h)", cmd.Name(), n, plural(n), len(args), cmd.Name())
		}
		return nil
	}
}

func compile(path, dir string, force bool, stderr io.Writer) (*build.Result, error) {
	return compileWith(path, build.Options{Dir: dir, Force: force}, stderr)
}

func compileWith(path string, opt build.Options, stderr io.Writer) (*build.Result, error) {
	l, err := load(path, stderr)
	if err != nil {
		return nil, err
	}
	opt.Version = version.String()
	res, err := build.Compile(l, opt)
	var ie *build.InterruptedError
	if errors.As(err, &ie) {
		return nil, &exitError{code: 130, msg: err.Error()}
	}
	if err != nil {
		return nil, modelErr("%v", err)
	}
	for _, n := range res.Notes {
		fmt.Fprintln(stderr, "annc:", n)
	}
	rel := relPath(res.Dir)
	if res.UpToDate {
		fmt.Fprintf(stderr, "annc: %s is up to date\n", rel)
	} else {
		fmt.Fprintf(stderr, "annc: built %s (%s) in %.2fs: %s\n", rel, res.ImportPath, res.GenerateS+res.BuildS, strings.Join(res.Reasons, ", "))
	}
	return res, nil
}

func relPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}

func compileCmd(stderr io.Writer) *cobra.Command {
	var dir string
	var force, python bool
	c := &cobra.Command{
		Use:   "compile model.yaml [-d DIR] [--python]",
		Short: "Generate Go for a model and build it",
		Long: `Generate Go for a model into a build directory (default annarchy/) and build it.
An unchanged model is not regenerated or rebuilt. Outside a Go module the
build directory becomes a module of its own and a go.work is written so that
"go run annarchy/main.go" works from the working directory; inside a module,
the generated package is part of it and can be imported. With --python, the
C API of the model is also built as a shared library (DIR/bin/libNAME.so,
needs cgo and a C compiler) for the Python package in python/.`,
		Example: `  annc compile examples/coba/model.yaml
  go run annarchy/main.go -duration 500 -out results
  annc compile model.yaml -d internal/sim   # embed in your own module`,
		Args: exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			res, err := compileWith(args[0], build.Options{Dir: dir, Force: force, Python: python}, stderr)
			if err == nil && res.Library != "" {
				fmt.Fprintf(stderr, "annc: library %s\n", relPath(res.Library))
			}
			return err
		},
	}
	c.Flags().StringVarP(&dir, "dir", "d", "annarchy", "build directory")
	c.Flags().BoolVar(&force, "force", false, "regenerate and rebuild even when up to date")
	c.Flags().BoolVar(&python, "python", false, "also build the C API as a shared library for Python")
	return c
}

// The generated runner's flags, for `annc run` to tell them from its own
// and from the model file wherever they stand.
var (
	runnerValueFlags = []string{"duration", "seed", "set", "out", "sweep", "trials", "workers", "threads",
		"min-chunk-work", "max-memory", "check-every", "plan", "shard"}
	runnerBoolFlags = []string{"progress", "grid", "stream", "plot"}
)

func runCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "run [-d DIR] [-force] model.yaml [runner flags]",
		Short: "Compile a model (cached) and run it",
		Long: `Compile a model (cached) and run it. The runner flags, before or after the model
file, are handed unchanged to the generated runner (one dash or two):

  -duration MS          simulated time (default: the model's simulation section)
  -seed N               seed of the network (connectivity, initial values, noise)
  -set PATH=VALUE       change a parameter, variable, input or constant (repeatable)
  -out DIR              results directory (default results)
  -progress             percent, simulated ms per second and ETA on stderr
  -sweep PATH=V1,V2,... one run per value (repeatable; zipped, or -grid for the product);
                        every point has the same seed, unless seed is swept (-sweep seed=1,2,3)
  -trials K             every sweep point K times, with the seeds TrialSeed(seed, 0..K-1)
  -workers N            parallel runs of a sweep (default GOMAXPROCS)
  -threads N            goroutines computing each network's steps (same results)
  -min-chunk-work W     with -threads: work below which a loop is not split
  -max-memory SIZE      refuse or stop a run whose monitors would hold more than SIZE
  -check-every N        check the state for NaN and ±Inf every N steps (0: never)
  -stream               write the monitors' records to disk while simulating
  -plot                 plot the results with annc plot when the run succeeds

"annc run model.yaml -help" lists them as the compiled runner has them, with the
model's settable paths. -d DIR is the build directory (default annarchy), -force
rebuilds even when up to date.`,
		Example: `  annc run examples/coba/model.yaml -duration 1000 -out results -plot
  annc run -duration 100 model.yaml -sweep P.I=0.5,1,1.5 -trials 3`,
		DisableFlagParsing: true,
		RunE: func(c *cobra.Command, args []string) error {
			dir := "annarchy"
			force := false
			var model string
			var runner []string
			for len(args) > 0 {
				a := args[0]
				name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
				switch {
				case model != "" || a == "-" || !strings.HasPrefix(a, "-"):
					if model != "" {
						runner = append(runner, args...)
						args = nil
						continue
					}
					model = a
					args = args[1:]
				case a == "--":
					runner = append(runner, args[1:]...)
					args = nil
				case name == "h" || name == "help":
					return c.Help()
				case name == "force" && !hasValue:
					force = true
					args = args[1:]
				case (name == "d" || name == "dir") && hasValue:
					dir = a[strings.Index(a, "=")+1:]
					args = args[1:]
				case name == "d" || name == "dir":
					if len(args) < 2 {
						return usageErr("%s needs a directory", a)
					}
					dir = args[1]
					args = args[2:]
				case slices.Contains(runnerValueFlags, name) && !hasValue:
					if len(args) < 2 {
						return usageErr("%s needs a value (annc run -h lists the runner flags)", a)
					}
					runner = append(runner, args[0], args[1])
					args = args[2:]
				case slices.Contains(runnerValueFlags, name) || slices.Contains(runnerBoolFlags, name):
					runner = append(runner, a)
					args = args[1:]
				default:
					return usageErr("unknown flag %s (annc run -h lists the flags)", a)
				}
			}
			if model == "" {
				return usageErr("run needs a model file (annc run -h)")
			}
			res, err := compile(model, dir, force, stderr)
			if err != nil {
				return err
			}
			cmd := exec.Command(res.Binary, runner...)
			cmd.Stdout, cmd.Stderr = stdout, stderr
			self, _ := os.Executable()
			cmd.Env = append(os.Environ(),
				"ANNC_BIN="+self,
				"ANNC_GENERATE_S="+strconv.FormatFloat(res.GenerateS, 'f', 4, 64),
				"ANNC_BUILD_S="+strconv.FormatFloat(res.BuildS, 'f', 4, 64))
			return runChild(cmd)
		},
	}
}

func modelsCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "models [NAME]",
		Short: "List the built-in neuron and synapse models, or print one",
		Long: `List the built-in neuron and synapse models (ANNarchy's), or print the
model file of one. A population names a neuron model in its neuron: field, a
projection a synapse model in its synapse: field.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				for _, kind := range []string{"neuron", "synapse"} {
					fmt.Fprintf(stdout, "%s models (%s: NAME):\n", kind, kind)
					for _, n := range models.Names() {
						if models.Kind(n) == kind {
							fmt.Fprintf(stdout, "  %s\n", n)
						}
					}
				}
				fmt.Fprintln(stdout, "annc models NAME prints one.")
				return nil
			}
			src, ok := models.Source(args[0])
			if !ok {
				return usageErr("no built-in model %q (annc models lists them)", args[0])
			}
			stdout.Write(src)
			return nil
		},
	}
}

// plotDir plots a results directory and lists the files written.
func plotDir(dir string, stdout io.Writer, format ...string) error {
	opt := plot.Options{}
	if len(format) > 0 {
		opt.Format = format[0]
	}
	files, err := plot.Dir(dir, opt)
	if err != nil {
		return modelErr("%v", err)
	}
	for _, f := range files {
		fmt.Fprintln(stdout, relPath(f))
	}
	return nil
}

func plotCmd(stdout io.Writer) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "plot DIR",
		Short: "Plot a results directory (raster, rates, traces, sweep summaries)",
		Args:  exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return plotDir(args[0], stdout, format)
		},
	}
	c.Flags().StringVar(&format, "format", "png", "image format: png or svg")
	return c
}
