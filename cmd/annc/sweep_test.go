package main

import (
	"bytes"
	"github.com/annc/annc/runtime/results"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/annc/annc/internal/slurm"
	"github.com/annc/annc/runtime"
)

// annc runs the command line in-process and returns its exit status, stdout
// and stderr.
func annc(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// shortHH writes root/examples/hh_gamma with a simulated time of ms into the
// working directory as model.yaml.
func shortHH(t *testing.T, root, ms string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, "examples", "hh_gamma", "model.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	short := bytes.Replace(src, []byte("duration: 500.0"), []byte("duration: "+ms), 1)
	if bytes.Equal(short, src) {
		t.Fatal("examples/hh_gamma/model.yaml has no \"duration: 500.0\" to shorten")
	}
	if err := os.WriteFile("model.yaml", short, 0o644); err != nil {
		t.Fatal(err)
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(wd, "..", "..")
}

// sameSweep checks that sweep directories a and b hold the same sweep.csv
// and the same runs: every .npy byte for byte, manifests apart from
// wall-clock times. It returns the number of files compared.
func sameSweep(t *testing.T, a, b string) int {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(a, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := os.ReadFile(filepath.Join(b, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ca, cb) {
		t.Errorf("sweep.csv of %s:\n%s\nof %s:\n%s", a, ca, b, cb)
	}
	runs, _ := filepath.Glob(filepath.Join(a, "run-*", "*"))
	others, _ := filepath.Glob(filepath.Join(b, "run-*", "*"))
	if len(runs) != len(others) {
		t.Errorf("%d run files in %s, %d in %s", len(runs), a, len(others), b)
	}
	for _, path := range runs {
		rel, _ := filepath.Rel(a, path)
		other := filepath.Join(b, rel)
		if filepath.Base(path) == "manifest.json" {
			ma, err := results.ReadManifest(filepath.Dir(path))
			if err != nil {
				t.Fatal(err)
			}
			mb, err := results.ReadManifest(filepath.Dir(other))
			if err != nil {
				t.Fatal(err)
			}
			ma.WallS, mb.WallS = results.WallTimes{}, results.WallTimes{}
			if !reflect.DeepEqual(ma, mb) {
				t.Errorf("%s differs:\n%+v\n%+v", rel, ma, mb)
			}
			continue
		}
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(other)
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s (%v)", rel, a, b, err)
		}
	}
	return len(runs)
}

// The swept and fixed values of the tests: the initial potentials are drawn
// per run, so every run's seed matters.
var hhSweep = []string{"-sweep", "P.I_ext=0.8,1.0,1.2,1.4,1.6", "-set", "P.V=Uniform(-80,-40)", "-seed", "11"}

// TestSweepLocal runs a sweep here through its plan, checks it against the
// runner's own -sweep, then runs the sbatch script of the --slurm variant by
// hand (as the array tasks would) and checks collect on the results.
func TestSweepLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a model")
	}
	root := repoRoot(t)
	t.Chdir(t.TempDir())
	shortHH(t, root, "20.0")

	code, _, stderr := annc(t, append([]string{"run", "model.yaml", "-out", "plain"}, hhSweep...)...)
	if code != 0 {
		t.Fatalf("annc run: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := annc(t, append([]string{"sweep", "model.yaml", "-out", "planned", "-workers", "2"}, hhSweep...)...)
	if code != 0 || stdout != "" {
		t.Fatalf("annc sweep: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "hh_gamma: 5 runs done, 0 already complete") || strings.Contains(stderr, "shard") || !strings.Contains(stderr, "annc: 5 runs; results in planned (sweep.csv)") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if n := sameSweep(t, "plain", "planned"); n != 5*3 {
		t.Errorf("%d run files, want 15", n)
	}
	plan, err := runtime.ReadPlan(filepath.Join("planned", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if plan.Seed != 11 || plan.DurationMs != 20 || len(plan.Points) != 5 || plan.Points[2].Values[0] != (runtime.PlanValue{Path: "P.I_ext", Value: "1.2"}) ||
		!reflect.DeepEqual(plan.SpikeMonitors, []runtime.PlanMonitor{{Name: "P", Neurons: 100}}) {
		t.Errorf("plan %+v", plan)
	}

	// --slurm without --submit: the script, the job and a copy of the program.
	code, stdout, stderr = annc(t, append([]string{"sweep", "model.yaml", "-out", "sl", "--slurm", "--array-size", "2", "--time", "00:05:00", "--mem", "1G"}, hhSweep...)...)
	if code != 0 || stdout != "" {
		t.Fatalf("annc sweep --slurm: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "annc: 5 points in 2 array tasks: sl/sweep.sbatch") || !strings.Contains(stderr, "annc sweep collect ") {
		t.Errorf("stderr:\n%s", stderr)
	}
	job, err := slurm.ReadJob("sl")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("sl")
	if job.Tasks != 2 || job.CPUs != 1 || job.Time != "00:05:00" || job.Mem != "1G" || job.Name != "annc-hh_gamma" ||
		job.Binary != filepath.Join(abs, "bin", "hh_gamma") || job.Plan != filepath.Join(abs, "plan.json") {
		t.Errorf("job %+v", job)
	}
	if runs, _ := filepath.Glob("sl/run-*"); len(runs) != 0 {
		t.Errorf("--slurm ran %d points here", len(runs))
	}
	// Collect before anything ran: every point missing, exit 1.
	code, stdout, _ = annc(t, "sweep", "collect", "sl")
	if code != 1 || stdout != "run-0000\tmissing\nrun-0001\tmissing\nrun-0002\tmissing\nrun-0003\tmissing\nrun-0004\tmissing\n" {
		t.Errorf("collect: exit %d, stdout %q", code, stdout)
	}
	// Task 1 only (points 1 and 3), as SLURM would run it.
	task := func(k int) {
		t.Helper()
		cmd := exec.Command("bash", "sl/sweep.sbatch")
		cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID="+strconv.Itoa(k))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("task %d: %v\n%s", k, err, out)
		}
	}
	task(1)
	code, stdout, stderr = annc(t, "sweep", "collect", "sl", "--resubmit")
	if code != 0 || stdout != "run-0000\tmissing\nrun-0002\tmissing\nrun-0004\tmissing\n" ||
		!strings.Contains(stderr, "annc: 2 of 5 runs complete, 3 missing or failed") || !strings.Contains(stderr, "array tasks 0 of 2 hold them") {
		t.Errorf("collect --resubmit: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	b, _ := os.ReadFile(filepath.Join("sl", slurm.ResubmitFile))
	if !strings.Contains(string(b), "#SBATCH --array=0\n") {
		t.Errorf("resubmit.sbatch:\n%s", b)
	}
	task(0)
	code, stdout, stderr = annc(t, "sweep", "collect", "sl")
	if code != 0 || stdout != "" || !strings.Contains(stderr, "annc: all 5 runs complete") {
		t.Errorf("collect: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	sameSweep(t, "plain", "sl")

	// collect --resubmit of a sweep that was not planned for SLURM.
	os.RemoveAll(filepath.Join("planned", "run-0003"))
	code, stdout, stderr = annc(t, "sweep", "collect", "planned", "--resubmit")
	if code != 2 || stdout != "run-0003\tmissing\n" || !strings.Contains(stderr, "it was not planned for SLURM") {
		t.Errorf("collect --resubmit of a local sweep: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
}

func TestSweepUsage(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"sweep", "model.yaml"}, "sweep needs at least one -sweep PATH=V1,V2,... or --trials K"},
		{[]string{"sweep", "model.yaml", "-sweep", "P.x=1,2", "--trials", "0"}, "--trials 0: must be at least 1"},
		{[]string{"sweep", "model.yaml", "-sweep", "P.x=1,2", "--slurm", "--plot"}, "--plot with --slurm needs --wait"},
		{[]string{"sweep", "model.yaml", "-sweep", "P.x=1,2", "--partition", "p"}, "--partition needs --slurm"},
		{[]string{"sweep", "model.yaml", "-sweep", "P.x=1,2", "--slurm", "--wait"}, "--wait needs --submit"},
		{[]string{"sweep", "model.yaml", "-sweep", "P.x=1,2", "--slurm", "--time", "1h"}, `time "1h": want minutes`},
		{[]string{"sweep", "model.yaml", "-sweep", "P.x=1,2", "--slurm", "--array-size", "0"}, "--array-size 0: must be at least 1"},
		{[]string{"sweep", "collect", "nowhere"}, "nowhere is not a sweep directory"},
		{[]string{"sweep", "collect", "x", "--submit"}, "--submit needs --resubmit"},
	} {
		code, _, stderr := annc(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%q: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}

// TestSweepTrialsMatchSingleRuns: every run of a sweep with a swept seed and
// trials of a compiled model (random initial potentials) is byte for byte the
// single run of its seed and values, and every point has the same seed.
func TestSweepTrialsMatchSingleRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a model")
	}
	root := repoRoot(t)
	t.Chdir(t.TempDir())
	shortHH(t, root, "10.0")
	fixed := []string{"-set", "P.V=Uniform(-80,-40)", "-seed", "11"}
	code, _, stderr := annc(t, append([]string{"run", "model.yaml", "-out", "sw", "-sweep", "P.I_ext=0.8,1.2", "-trials", "2"}, fixed...)...)
	if code != 0 {
		t.Fatalf("annc run: exit %d\n%s", code, stderr)
	}
	code, _, stderr = annc(t, append([]string{"sweep", "model.yaml", "-out", "planned", "-sweep", "P.I_ext=0.8,1.2", "--trials", "2", "--threads", "2"}, fixed...)...)
	if code != 0 {
		t.Fatalf("annc sweep: exit %d\n%s", code, stderr)
	}
	sameSweep(t, "sw", "planned")
	seeds := []int64{11, runtime.TrialSeed(11, 1), 11, runtime.TrialSeed(11, 1)}
	for i, seed := range seeds {
		dir := runtime.RunDirName(i)
		man, err := results.ReadManifest(filepath.Join("sw", dir))
		if err != nil {
			t.Fatal(err)
		}
		if man.Seed != seed {
			t.Errorf("%s: seed %d, want %d", dir, man.Seed, seed)
		}
		single := "single-" + dir
		code, _, stderr := annc(t, "run", "model.yaml", "-out", single, "-seed", strconv.FormatInt(seed, 10),
			"-set", "P.V=Uniform(-80,-40)", "-set", "P.I_ext="+man.Set["P.I_ext"])
		if code != 0 {
			t.Fatalf("single run: exit %d\n%s", code, stderr)
		}
		files, _ := filepath.Glob(filepath.Join(single, "*.npy"))
		if len(files) < 2 {
			t.Fatalf("%s holds %v", single, files)
		}
		for _, f := range files {
			a, _ := os.ReadFile(f)
			b, err := os.ReadFile(filepath.Join("sw", dir, filepath.Base(f)))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s/%s differs from the single run of seed %d (%v)", dir, filepath.Base(f), seed, err)
			}
		}
	}
	csv, _ := os.ReadFile(filepath.Join("sw", "sweep.csv"))
	if !strings.HasPrefix(string(csv), "index,P.I_ext,seed,trial,status,P_rate_hz\n0,0.8,11,0,ok,") {
		t.Errorf("sweep.csv:\n%s", csv)
	}
}

// TestDecisionExample runs the rate-coded example: the stop condition ends
// the run at the decision, before its maximum duration, and a sweep with
// trials writes the rate monitor's mean and final activity to sweep.csv.
func TestDecisionExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a model")
	}
	model := filepath.Join(repoRoot(t), "examples", "decision", "model.yaml")
	t.Chdir(t.TempDir())
	code, _, stderr := annc(t, "run", model, "-out", "r")
	if code != 0 {
		t.Fatalf("annc run: exit %d\n%s", code, stderr)
	}
	man, err := results.ReadManifest("r")
	if err != nil {
		t.Fatal(err)
	}
	if !man.StoppedByCondition || man.SimulatedMs <= 0 || man.SimulatedMs >= 2000 {
		t.Errorf("the decision did not stop the run: %+v", man)
	}
	a, err := results.ReadNpyFile(filepath.Join("r", "choice.r.npy"))
	if err != nil {
		t.Fatal(err)
	}
	last := a.Float[len(a.Float)-2:]
	if max(last[0], last[1]) <= 0.9 || min(last[0], last[1]) >= 0.9 {
		t.Errorf("final activities %v: want exactly one above the threshold 0.9", last)
	}
	code, _, stderr = annc(t, "run", model, "-out", "sw", "-sweep", "choice.I=[0.5,0.5],[0.6,0.4]", "-trials", "2")
	if code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	csv, _ := os.ReadFile(filepath.Join("sw", "sweep.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 5 || lines[0] != "index,choice.I,seed,trial,status,choice.r_mean,choice.r_final,choice.v_mean,choice.v_final" {
		t.Fatalf("sweep.csv:\n%s", csv)
	}
	for _, l := range lines[1:] {
		cells := strings.Split(l, ",")
		final, err := strconv.ParseFloat(cells[len(cells)-3], 64)
		if err != nil || final <= 0.45 {
			t.Errorf("row %q: mean final r %v of a decided race should exceed 0.45", l, final)
		}
	}
}
