package runtime

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/annc/annc/runtime/results"
)

// Seeds of a sweep. Every point of a sweep runs with the same seed (the
// model's, or -seed), so that only the swept values differ between points:
// the same connectivity, initial values and noise. The seed itself is a
// sweepable path (-sweep seed=1,2,3), and -trials K repeats every point with
// the seeds TrialSeed(seed, 0..K-1) of the point's seed. README.md states the
// rule; RunOptions of the generated package follows it too.

// SeedPath is the path that names the seed of the network in -sweep.
const SeedPath = "seed"

// TrialSeed is the seed of trial k of a point whose seed is seed: the seed
// itself for trial 0, DeriveSeed(seed, k) for the others, so that one trial
// is the run of the seed alone and more trials only add runs.
func TrialSeed(seed int64, k int) int64 {
	if k == 0 {
		return seed
	}
	return DeriveSeed(seed, k)
}

// sweepRun is one run of a sweep: trial trial of point point.
type sweepRun struct {
	point, trial int
	values       []setting // the point's swept values, as given (seed included)
	seed         int64
}

// sets returns the settings of the run: the fixed ones, then the swept
// values other than the seed.
func (s sweepRun) sets(fixed []setting) []setting {
	out := append([]setting(nil), fixed...)
	for _, v := range s.values {
		if v.path != SeedPath {
			out = append(out, v)
		}
	}
	return out
}

// expandRuns lists the runs of the points, trials after trials of each
// point: run i is trial i % trials of point i / trials.
func expandRuns(pts [][]setting, base int64, trials int) []sweepRun {
	trials = max(trials, 1)
	runs := make([]sweepRun, 0, len(pts)*trials)
	for p, vals := range pts {
		seed := base
		for _, v := range vals {
			if v.path == SeedPath {
				seed, _ = strconv.ParseInt(v.value, 10, 64) // checked by parseSweep
			}
		}
		for k := range trials {
			runs = append(runs, sweepRun{point: p, trial: k, values: vals, seed: TrialSeed(seed, k)})
		}
	}
	return runs
}

// sweepPoints lists the swept values of every point: zipped, or the
// Cartesian product with the first -sweep varying slowest. Without axes
// there is one point (the trials of one network).
func sweepPoints(axes []sweepAxis, grid bool) [][]setting {
	if len(axes) == 0 {
		return [][]setting{nil}
	}
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

// isSweep reports whether the command line asks for several runs.
func (f *runnerFlags) isSweep() bool { return len(f.sweeps) > 0 || f.trials > 1 }

// checkValues applies every -set and every swept value to inst, once each,
// and reports the first that the network refuses as one usage error, so
// that a typo fails before any run starts or any file is written.
func (r *runner) checkValues(inst Instance) int {
	f := r.flags
	type check struct {
		flag string
		s    setting
	}
	var checks []check
	for _, s := range f.sets {
		checks = append(checks, check{"-set", s})
	}
	for _, ax := range f.sweeps {
		if ax.path == SeedPath {
			continue
		}
		for _, v := range ax.values {
			checks = append(checks, check{"-sweep", setting{ax.path, v}})
		}
	}
	for _, c := range checks {
		if err := setValue(inst, c.s); err != nil {
			r.errorf("%s %s=%s: %v", c.flag, c.s.path, c.s.value, err)
			if len(r.prog.Paths) > 0 && listPaths(err) {
				r.errorf("settable paths: %s", strings.Join(r.prog.Paths, " "))
			}
			return ExitUsage
		}
	}
	return ExitOK
}

// listPaths reports whether the message of err should be followed by the
// list of settable paths: for an unknown path with nothing close to it, not
// for a value of the wrong kind.
func listPaths(err error) bool {
	var e *UnknownPathError
	return errors.As(err, &e) && len(e.Close) == 0
}

// sweep runs every trial of every sweep point, in parallel, into
// -out/run-NNNN, and writes -out/sweep.csv. The values are checked first.
func (r *runner) sweep(base int64) int {
	f := r.flags
	inst, err := r.newInstance(base)
	if err != nil {
		r.errorf("%v", err)
		return ExitError
	}
	if code := r.checkValues(inst); code != ExitOK {
		return code
	}
	inst = nil
	runs := expandRuns(sweepPoints(f.sweeps, f.grid), base, f.trials)
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
	idx := make([]int, len(runs))
	for i := range idx {
		idx[i] = i
	}
	outcomes := r.runPoints(f.out, runs, idx)
	code, interrupted := r.reportRuns(idx, outcomes)
	if err := writeSweepCSV(filepath.Join(f.out, "sweep.csv"), sweepPaths(f.sweeps), runs, outcomes); err != nil {
		r.errorf("%v", err)
		if code == ExitOK {
			code = ExitError
		}
	}
	if code == ExitOK && interrupted > 0 {
		r.errorf("interrupted: %d of %d runs incomplete; results in %s", interrupted, len(runs), f.out)
		return ExitInterrupted
	}
	if code == ExitOK {
		r.errorf("%d runs; results in %s", len(runs), f.out)
	}
	return code
}

func sweepPaths(axes []sweepAxis) []string {
	var paths []string
	for _, ax := range axes {
		paths = append(paths, ax.path)
	}
	return paths
}

// runPoints runs the sweep runs idx (indexes into runs), in parallel, into
// out/run-NNNN; the results are in the order of idx.
func (r *runner) runPoints(out string, runs []sweepRun, idx []int) []runResult {
	f := r.flags
	var mu sync.Mutex
	done := 0
	start := time.Now()
	outcomes, errs := ParallelRunShared(idx, f.workers, func(_ int, i int, share func(*Core)) runResult {
		res := r.runOne(filepath.Join(out, RunDirName(i)), runs[i].seed, runs[i].sets(f.sets), nil, share)
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
	for k := range outcomes {
		if errs[k] != nil {
			outcomes[k] = runResult{status: results.StatusError, err: errs[k]}
		}
	}
	return outcomes
}

// reportRuns prints the errors of the runs idx and returns the exit status
// they call for and how many were interrupted.
func (r *runner) reportRuns(idx []int, outcomes []runResult) (code, interrupted int) {
	for k, res := range outcomes {
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

// metric is one summary value of a run in sweep.csv.
type metric struct {
	name  string
	value float64
}

// runMetrics computes the summary columns of a run from its files in dir:
// per spiking monitor (spikeNeurons: recorded neurons) the mean firing rate
// in Hz (spikes / (neurons × simulated seconds)), and per variable of a
// rate-coded monitor its mean over time and neurons ("<m>.<var>_mean") and
// the mean over neurons of its last frame ("<m>.<var>_final"), NaN when
// nothing was recorded. Reading the files rather than memory gives a local
// sweep and `annc sweep collect` the same numbers.
func runMetrics(dir string, files []results.File, simMs float64, spikeNeurons map[string]int, rate map[string]bool) []metric {
	var out []metric
	for _, fe := range files {
		switch {
		case fe.Variable == "spike_times" && len(fe.Shape) > 0:
			if n, ok := spikeNeurons[fe.Monitor]; ok {
				out = append(out, metric{fe.Monitor + "_rate_hz", MeanRate(fe.Shape[0], n, simMs)})
			}
		case rate[fe.Monitor] && !isAuxFile(fe.Variable):
			mean, final := math.NaN(), math.NaN()
			if a, err := results.ReadNpyFile(filepath.Join(dir, fe.File)); err == nil && len(a.Shape) > 0 && a.Shape[0] > 0 {
				if v := a.Floats(); len(v) > 0 {
					mean, final = meanOf(v), meanOf(v[len(v)-len(v)/a.Shape[0]:])
				}
			}
			out = append(out, metric{fe.Monitor + "." + fe.Variable + "_mean", mean}, metric{fe.Monitor + "." + fe.Variable + "_final", final})
		}
	}
	return out
}

// isAuxFile reports whether a results file's variable is not a recorded
// model variable: spikes, frame times, synapse ranks.
func isAuxFile(variable string) bool {
	switch variable {
	case results.VarSpikeTimes, results.VarSpikeRanks, results.VarTimes, results.VarPre, results.VarPost:
		return true
	}
	return false
}

func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// writeSweepCSV writes one row per run: index, the swept values, seed, trial,
// status and the run's metrics (runMetrics), one column each, in the order
// they first appear; a run without one leaves its cell empty. A swept seed
// has no column of its own: the one seed column is the run's (the point's
// seed for trial 0), so a swept seed's runs are replicates of the point of
// the other swept values, as trials are.
func writeSweepCSV(path string, paths []string, runs []sweepRun, outcomes []runResult) error {
	paths = slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return p == SeedPath })
	var cols []string
	seen := map[string]bool{}
	for _, res := range outcomes {
		for _, m := range res.metrics {
			if !seen[m.name] {
				seen[m.name] = true
				cols = append(cols, m.name)
			}
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	header := append([]string{"index"}, paths...)
	header = append(header, "seed", "trial", "status")
	w.Write(append(header, cols...))
	for i, run := range runs {
		row := []string{strconv.Itoa(i)}
		for _, s := range run.values {
			if s.path != SeedPath {
				row = append(row, s.value)
			}
		}
		row = append(row, strconv.FormatInt(run.seed, 10), strconv.Itoa(run.trial), outcomes[i].status)
		for _, c := range cols {
			cell := ""
			for _, m := range outcomes[i].metrics {
				if m.name == c {
					cell = strconv.FormatFloat(m.value, 'g', -1, 64)
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
