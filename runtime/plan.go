package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/annc/annc/runtime/results"
)

// A sweep plan lets a sweep run in pieces, on other machines or at other
// times, with the same results as one local -sweep: `-plan FILE -sweep ...`
// writes every point (index, swept values, seed) of the sweep into FILE and
// exits; `-plan FILE -shard k/N` then runs the points i with i % N == k into
// run-NNNN/ directories next to FILE (or in -out), skipping points whose
// manifest.json says they are complete and redoing partial ones. Batch
// systems such as SLURM run one shard per array task.

// PlanVersion is the format version of plan.json.
const PlanVersion = 2

// Plan is the content of a sweep plan file (plan.json). Its keys are stable:
//
//	plan_version    PlanVersion
//	model           model name
//	model_hash      content hash of the model the plan was made for; a
//	                program of another model (or model version) refuses it
//	annc_version    version of annc that generated the program
//	seed            seed of every point (unless the path "seed" is swept)
//	trials          runs of every point, trial k with the seed
//	                TrialSeed(point's seed, k)
//	duration_ms     simulated time (the maximum, for models with stop
//	                conditions) of every run
//	grid            the points are the Cartesian product of the sweep lists
//	                (the first varying slowest), else the lists are zipped
//	sweep           the swept paths and their values, as given to -sweep
//	set             the fixed -set values, applied before the swept ones
//	spike_monitors  name and neuron count of every monitor recording spikes,
//	                for the firing rates of sweep.csv
//	rate_monitors   names of the monitors of rate-coded populations, whose
//	                variables sweep.csv summarises
//	points          every run: index, dir ("run-0007"), point and trial
//	                (index = point × trials + trial), values (path and
//	                value, in -sweep order) and seed
type Plan struct {
	PlanVersion   int           `json:"plan_version"`
	Model         string        `json:"model"`
	ModelHash     string        `json:"model_hash"`
	AnncVersion   string        `json:"annc_version"`
	Seed          int64         `json:"seed"`
	Trials        int           `json:"trials"`
	DurationMs    float64       `json:"duration_ms"`
	Grid          bool          `json:"grid"`
	Sweep         []PlanAxis    `json:"sweep"`
	Set           []PlanValue   `json:"set"`
	SpikeMonitors []PlanMonitor `json:"spike_monitors"`
	RateMonitors  []string      `json:"rate_monitors"`
	Points        []PlanPoint   `json:"points"`
}

// PlanAxis is one -sweep PATH=V1,V2,...
type PlanAxis struct {
	Path   string   `json:"path"`
	Values []string `json:"values"`
}

// PlanValue is one PATH=VALUE.
type PlanValue struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// PlanMonitor is a monitor recording spikes and the number of neurons it covers.
type PlanMonitor struct {
	Name    string `json:"name"`
	Neurons int    `json:"neurons"`
}

// PlanPoint is one run of a sweep.
type PlanPoint struct {
	Index  int         `json:"index"`
	Dir    string      `json:"dir"`
	Point  int         `json:"point"`
	Trial  int         `json:"trial"`
	Values []PlanValue `json:"values"`
	Seed   int64       `json:"seed"`
}

// RunDirName is the directory of sweep run i: "run-0007".
func RunDirName(i int) string { return fmt.Sprintf("run-%04d", i) }

// Marshal encodes the plan as indented JSON ending with a newline.
func (p *Plan) Marshal() ([]byte, error) {
	c := *p
	if c.Set == nil {
		c.Set = []PlanValue{}
	}
	if c.SpikeMonitors == nil {
		c.SpikeMonitors = []PlanMonitor{}
	}
	if c.RateMonitors == nil {
		c.RateMonitors = []string{}
	}
	return results.MarshalJSON(&c)
}

// WriteFile writes the plan to path, through a temporary file so that a
// reader never sees half a plan.
func (p *Plan) WriteFile(path string) error {
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	return results.WriteFileAtomic(path, b)
}

// ReadPlan reads and checks a plan file: its version, and that its points are
// exactly those its sweep lists and seed give.
func ReadPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: not a sweep plan: %v", path, err)
	}
	if p.PlanVersion != PlanVersion {
		return nil, fmt.Errorf("%s: plan_version %d, want %d (the plan was written by another version of annc)", path, p.PlanVersion, PlanVersion)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &p, nil
}

// axes returns the plan's sweep lists as the runner reads -sweep.
func (p *Plan) axes() []sweepAxis {
	axes := make([]sweepAxis, len(p.Sweep))
	for i, a := range p.Sweep {
		axes[i] = sweepAxis{path: a.Path, values: a.Values}
	}
	return axes
}

func (p *Plan) sets() []setting {
	var s []setting
	for _, v := range p.Set {
		s = append(s, setting{v.Path, v.Value})
	}
	return s
}

// runs lists the runs of the plan as the runner expands a sweep.
func (p *Plan) runs() []sweepRun {
	return expandRuns(sweepPoints(p.axes(), p.Grid), p.Seed, p.Trials)
}

// check verifies that the points are those of the sweep lists, grid flag,
// trials and seed, so that a hand-edited plan cannot silently differ from a
// local sweep.
func (p *Plan) check() error {
	if p.Trials < 1 {
		return fmt.Errorf("trials %d: must be at least 1", p.Trials)
	}
	if len(p.Sweep) == 0 && p.Trials == 1 {
		return errors.New("the plan sweeps nothing")
	}
	for _, a := range p.Sweep {
		if len(a.Values) == 0 {
			return fmt.Errorf("sweep of %s has no values", a.Path)
		}
		if !p.Grid && len(a.Values) != len(p.Sweep[0].Values) {
			return fmt.Errorf("zipped sweep lists of different lengths (%s: %d, %s: %d)", a.Path, len(a.Values), p.Sweep[0].Path, len(p.Sweep[0].Values))
		}
		if a.Path == SeedPath {
			for _, v := range a.Values {
				if _, err := strconv.ParseInt(v, 10, 64); err != nil {
					return fmt.Errorf("seed %q is not an integer", v)
				}
			}
		}
	}
	runs := p.runs()
	if len(runs) != len(p.Points) {
		return fmt.Errorf("%d points, but the sweep lists and trials give %d", len(p.Points), len(runs))
	}
	for i, pt := range p.Points {
		if want := planPoint(i, runs[i]); !pointsEqual(pt, want) {
			return fmt.Errorf("point %d is %+v, but the sweep lists, trials and seed give %+v", i, pt, want)
		}
	}
	return nil
}

func planPoint(i int, run sweepRun) PlanPoint {
	return PlanPoint{Index: i, Dir: RunDirName(i), Point: run.point, Trial: run.trial, Values: planValues(run.values), Seed: run.seed}
}

func pointsEqual(a, b PlanPoint) bool {
	return a.Index == b.Index && a.Dir == b.Dir && a.Point == b.Point && a.Trial == b.Trial && a.Seed == b.Seed && slices.Equal(a.Values, b.Values)
}

func planValues(s []setting) []PlanValue {
	v := make([]PlanValue, len(s))
	for i, x := range s {
		v[i] = PlanValue{x.path, x.value}
	}
	return v
}

// planFlags are the runner's -plan and -shard flags.
type planFlags struct {
	file  string
	shard string
	k, n  int
}

func addPlanFlags(fs *flag.FlagSet, f *planFlags) {
	fs.StringVar(&f.file, "plan", "", "with -sweep: write the sweep's plan (every point with its values and seed) to `FILE` and exit; with -shard: run points of that plan")
	fs.StringVar(&f.shard, "shard", "", "with -plan: run the plan's points i with i % N == k, `k/N`, into run-NNNN/ next to the plan (or in -out), skipping complete ones")
}

// checkPlanFlags checks -plan and -shard against the other flags; given
// reports whether a flag was on the command line.
func checkPlanFlags(f *runnerFlags, given func(string) bool) error {
	p := &f.plan
	if p.shard != "" && p.file == "" {
		return errors.New("-shard needs -plan FILE")
	}
	if p.file == "" {
		return nil
	}
	if p.shard == "" {
		if !f.isSweep() {
			return errors.New("-plan needs -sweep or -trials (to write a plan) or -shard k/N (to run part of one)")
		}
		return nil
	}
	k, n, ok := parseShard(p.shard)
	if !ok {
		return fmt.Errorf("-shard %q: want k/N with 0 <= k < N", p.shard)
	}
	p.k, p.n = k, n
	for _, name := range []string{"sweep", "grid", "set", "seed", "duration", "trials"} {
		if given(name) {
			return fmt.Errorf("-%s cannot be given with -shard: the plan holds it", name)
		}
	}
	return nil
}

func parseShard(s string) (k, n int, ok bool) {
	a, b, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	k, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || n < 1 || k < 0 || k >= n {
		return 0, 0, false
	}
	return k, n, true
}

// planMain runs -plan: write the plan, or run one shard of it.
func (r *runner) planMain(seed int64) int {
	if r.flags.plan.shard == "" {
		return r.writePlan(seed)
	}
	return r.runShard()
}

// writePlan writes the plan of the command line's sweep. It builds one
// network to learn its monitors and to check every -set and swept value
// against it, so that a bad path fails here rather than in every run on a
// cluster.
func (r *runner) writePlan(seed int64) int {
	f := r.flags
	p := &Plan{PlanVersion: PlanVersion, Model: r.prog.Name, ModelHash: r.prog.ModelHash, AnncVersion: r.prog.Version,
		Seed: seed, Trials: max(f.trials, 1), DurationMs: f.duration, Grid: f.grid}
	for _, ax := range f.sweeps {
		p.Sweep = append(p.Sweep, PlanAxis{Path: ax.path, Values: ax.values})
	}
	p.Set = planValues(f.sets)
	for i, run := range p.runs() {
		p.Points = append(p.Points, planPoint(i, run))
	}
	inst, err := r.newInstance(seed)
	if err != nil {
		r.errorf("%v", err)
		return ExitError
	}
	for _, m := range inst.Monitors() {
		if m.RecordsSpikes() {
			p.SpikeMonitors = append(p.SpikeMonitors, PlanMonitor{Name: m.Name, Neurons: m.Neurons})
		}
		if m.RateCoded {
			p.RateMonitors = append(p.RateMonitors, m.Name)
		}
	}
	if code := r.checkValues(inst); code != ExitOK {
		return code
	}
	if dir := filepath.Dir(f.plan.file); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			r.errorf("%v", err)
			return ExitError
		}
	}
	if err := p.WriteFile(f.plan.file); err != nil {
		r.errorf("%v", err)
		return ExitError
	}
	r.errorf("plan of %d runs (seed %d) written to %s", len(p.Points), seed, f.plan.file)
	return ExitOK
}

// runShard runs the points of shard k/N of the plan that are not complete.
func (r *runner) runShard() int {
	pf := r.flags.plan
	p, err := ReadPlan(pf.file)
	if err != nil {
		r.errorf("%v", err)
		return ExitUsage
	}
	if p.ModelHash != r.prog.ModelHash || p.Model != r.prog.Name {
		r.errorf("%s is a plan for model %s (hash %s), but this program runs %s (hash %s): write the plan again with this program",
			pf.file, p.Model, p.ModelHash, r.prog.Name, r.prog.ModelHash)
		return ExitUsage
	}
	out := filepath.Dir(pf.file)
	if r.flags.outGiven {
		out = r.flags.out
	}
	r.flags.sets, r.flags.sweeps, r.flags.grid, r.flags.duration, r.flags.trials = p.sets(), p.axes(), p.Grid, p.DurationMs, p.Trials
	runs := p.runs()
	var todo []int
	skipped := 0
	for i := pf.k; i < len(runs); i += pf.n {
		st, _, _ := p.PointState(out, i)
		if st == PointOK {
			skipped++
			continue
		}
		// A partial or failed run is redone from scratch, so that nothing
		// of an earlier attempt is left in its directory.
		if err := os.RemoveAll(filepath.Join(out, RunDirName(i))); err != nil {
			r.errorf("%v", err)
			return ExitError
		}
		todo = append(todo, i)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		r.errorf("%v", err)
		return ExitError
	}
	outcomes := r.runPoints(out, runs, todo)
	code, interrupted := r.reportRuns(todo, outcomes)
	// A plan run whole (a local `annc sweep`) is not a shard of anything.
	shard, sep := fmt.Sprintf("shard %d/%d", pf.k, pf.n), " "
	if pf.n == 1 {
		shard, sep = "", ""
	}
	switch {
	case code == ExitOK && interrupted > 0:
		r.errorf("%s%sinterrupted: %d of %d runs incomplete; results in %s", shard, sep, interrupted, len(todo), out)
		return ExitInterrupted
	case code == ExitOK && shard == "":
		r.errorf("%d runs done, %d already complete; results in %s", len(todo), skipped, out)
	case code == ExitOK:
		r.errorf("%s: %d runs done, %d already complete; results in %s", shard, len(todo), skipped, out)
	}
	return code
}

// The states of a sweep point on disk, as PointState reports them.
const (
	PointOK          = results.StatusOK          // complete
	PointInterrupted = results.StatusInterrupted // a signal stopped the run
	PointError       = results.StatusError       // the run failed
	PointMissing     = "missing"                 // no manifest.json (not run, or killed before it finished)
	PointPartial     = "partial"                 // manifest.json unreadable, or a file it lists is missing
	PointStale       = "stale"                   // the run is of another plan (other seed or values)
)

// PointState reports the state of point i of the plan in the sweep directory
// dir, with its manifest when one could be read; a point is complete only
// when the state is PointOK.
func (p *Plan) PointState(dir string, i int) (string, *results.Manifest, error) {
	rd := filepath.Join(dir, RunDirName(i))
	man, err := results.ReadManifest(rd)
	if errors.Is(err, fs.ErrNotExist) {
		return PointMissing, nil, nil
	}
	if err != nil {
		return PointPartial, nil, err
	}
	pt := p.Points[i]
	want := map[string]string{}
	for _, s := range p.Set {
		want[s.Path] = s.Value
	}
	for _, v := range pt.Values {
		if v.Path != SeedPath { // the seed is the manifest's own field
			want[v.Path] = v.Value
		}
	}
	if man.Seed != pt.Seed || man.Model != p.Model || man.ModelHash != p.ModelHash || !mapsEqual(man.Set, want) {
		return PointStale, man, fmt.Errorf("%s holds a run of seed %d, set %v; the plan wants seed %d, set %v", rd, man.Seed, man.Set, pt.Seed, want)
	}
	if man.Status == results.StatusRunning {
		return PointPartial, man, fmt.Errorf("%s: the run did not finish (status %q)", rd, man.Status)
	}
	if man.Status != results.StatusOK {
		if man.Status == results.StatusError || man.Status == results.StatusInterrupted {
			if man.Error != "" {
				return man.Status, man, errors.New(man.Error)
			}
			return man.Status, man, nil
		}
		return PointPartial, man, fmt.Errorf("%s: unknown status %q", rd, man.Status)
	}
	if err := man.Check(rd); err != nil {
		return PointPartial, man, err
	}
	return PointOK, man, nil
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// PointReport is the state of one sweep point on disk.
type PointReport struct {
	Index int
	Dir   string // run directory name, "run-0007"
	Seed  int64
	State string // PointOK, PointMissing, ...
	Err   error  // why it is not complete, when known
}

// SweepReport is the state of every point of a plan.
type SweepReport struct {
	Plan   *Plan
	Points []PointReport
}

// Incomplete lists the points that are not complete.
func (s *SweepReport) Incomplete() []PointReport {
	var out []PointReport
	for _, p := range s.Points {
		if p.State != PointOK {
			out = append(out, p)
		}
	}
	return out
}

// CollectSweep reads dir/plan.json and the run directories of its points and
// writes dir/sweep.csv as a local sweep of the same plan does: one row per
// point with its status (PointMissing, PointPartial or PointStale for
// points without a usable run) and the metrics (runMetrics) of the runs
// that wrote files.
func CollectSweep(dir string) (*SweepReport, error) {
	p, err := ReadPlan(filepath.Join(dir, "plan.json"))
	if err != nil {
		return nil, err
	}
	rep := &SweepReport{Plan: p}
	neurons, rate := map[string]int{}, map[string]bool{}
	for _, m := range p.SpikeMonitors {
		neurons[m.Name] = m.Neurons
	}
	for _, m := range p.RateMonitors {
		rate[m] = true
	}
	outcomes := make([]runResult, len(p.Points))
	for i, pt := range p.Points {
		st, man, err := p.PointState(dir, i)
		rep.Points = append(rep.Points, PointReport{Index: i, Dir: pt.Dir, Seed: pt.Seed, State: st, Err: err})
		outcomes[i].status = st
		if man == nil || st == PointPartial || st == PointStale {
			continue
		}
		outcomes[i].metrics = runMetrics(filepath.Join(dir, pt.Dir), man.Files, man.SimulatedMs, neurons, rate)
	}
	if err := writeSweepCSV(filepath.Join(dir, "sweep.csv"), sweepPaths(p.axes()), p.runs(), outcomes); err != nil {
		return rep, err
	}
	return rep, nil
}
