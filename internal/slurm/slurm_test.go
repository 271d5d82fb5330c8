package slurm

import (
	"context"
	"github.com/annc/annc/runtime/results"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annc/annc/runtime"
)

func TestArraySpec(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{
		{[]int{0, 1, 2, 3}, "0-3"},
		{[]int{3}, "3"},
		{[]int{9, 1, 5, 4, 6, 1}, "1,4-6,9"},
		{[]int{0, 2, 4}, "0,2,4"},
		{nil, ""},
	} {
		if got := ArraySpec(tc.in); got != tc.want {
			t.Errorf("ArraySpec(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func testJob(dir string) *Job {
	return &Job{Name: "annc-hh_gamma", Binary: filepath.Join(dir, "bin", "hh_gamma"), Plan: filepath.Join(dir, "plan.json"),
		Tasks: 4, CPUs: 2, Partition: "short", Time: "00:10:00", Mem: "2G", Env: []string{"ANNC_BUILD_S=1.5", "X=a b"}}
}

func TestScript(t *testing.T) {
	j := testJob("/scratch/me/sw")
	got, err := j.Script(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `#!/bin/bash
# annc sweep of annc-hh_gamma: array task k runs the points i of plan.json with
# i % 4 == k into run-NNNN/, skipping points that are already complete.
#SBATCH --job-name=annc-hh_gamma
#SBATCH --array=0-3
#SBATCH --output=/scratch/me/sw/logs/%A_%a.out
#SBATCH --chdir=/scratch/me/sw
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --partition=short
#SBATCH --time=00:10:00
#SBATCH --mem=2G
set -eu
export ANNC_BUILD_S=1.5
export X='a b'
exec /scratch/me/sw/bin/hh_gamma -plan /scratch/me/sw/plan.json -shard "${SLURM_ARRAY_TASK_ID}/4" -workers 2
`
	if got != want {
		t.Errorf("script:\n%s\nwant\n%s", got, want)
	}
	// The runner flags of every run follow.
	j.Args = []string{"-threads=2", "-max-memory=1 GiB"}
	if got, _ := j.Script(nil); !strings.Contains(got, "-workers 2 -threads=2 '-max-memory=1 GiB'\n") {
		t.Errorf("script with runner flags:\n%s", got)
	}
	j.Args = nil
	// A resubmission of tasks 1 and 3, cluster defaults for the rest.
	j.Partition, j.Time, j.Mem, j.Env = "", "", "", nil
	got, err = j.Script([]int{3, 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "#SBATCH --array=1,3\n") || strings.Contains(got, "--partition") ||
		strings.Contains(got, "--time") || strings.Contains(got, "--mem") || strings.Contains(got, "export") {
		t.Errorf("script:\n%s", got)
	}
	if _, err := j.Script([]int{4}); err == nil || err.Error() != "array task 4 outside 0..3" {
		t.Errorf("task 4: %v", err)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Job)
		msg  string
	}{
		{func(j *Job) { j.Tasks = 0 }, "array size 0: must be at least 1"},
		{func(j *Job) { j.CPUs = 0 }, "cpus per task 0: must be at least 1"},
		{func(j *Job) { j.Time = "1:2:3:4" }, `time "1:2:3:4": want minutes`},
		{func(j *Job) { j.Time = "10m" }, `time "10m": want minutes`},
		{func(j *Job) { j.Mem = "2GB" }, `mem "2GB": want a size`},
		{func(j *Job) { j.Partition = "a;b" }, `partition "a;b": not a partition name`},
		{func(j *Job) { j.Name = "my job" }, `job name "my job"`},
		{func(j *Job) { j.Plan = "plan.json" }, "absolute paths"},
		{func(j *Job) { j.Binary = "/my dir/x" }, `path "/my dir/x": sbatch directives cannot hold spaces`},
		{func(j *Job) { j.Env = []string{"1X=2"} }, `environment entry "1X=2"`},
	} {
		j := testJob("/d")
		tc.edit(j)
		if err := j.Check(); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("got %v, want %q", err, tc.msg)
		}
	}
	for _, tm := range []string{"30", "10:00", "1:00:00", "2-0", "2-12:00", "2-12:00:00", "UNLIMITED"} {
		j := testJob("/d")
		j.Time = tm
		if err := j.Check(); err != nil {
			t.Errorf("time %q: %v", tm, err)
		}
	}
}

// fakeSweep writes a plan of n zipped points and manifests with the given
// states ("" for no run directory) into a temporary directory.
func fakeSweep(t *testing.T, states []string) string {
	t.Helper()
	dir := t.TempDir()
	p := &runtime.Plan{PlanVersion: runtime.PlanVersion, Model: "m", ModelHash: "h", Seed: 3, Trials: 1, DurationMs: 10,
		SpikeMonitors: []runtime.PlanMonitor{{Name: "sp", Neurons: 4}}}
	ax := runtime.PlanAxis{Path: "P.tau"}
	for i := range states {
		v := strings.Repeat("1", i+1)
		ax.Values = append(ax.Values, v)
		p.Points = append(p.Points, runtime.PlanPoint{Index: i, Dir: runtime.RunDirName(i), Point: i,
			Values: []runtime.PlanValue{{Path: "P.tau", Value: v}}, Seed: 3})
	}
	p.Sweep = []runtime.PlanAxis{ax}
	if err := p.WriteFile(filepath.Join(dir, "plan.json")); err != nil {
		t.Fatal(err)
	}
	for i, st := range states {
		if st == "" {
			continue
		}
		rd := filepath.Join(dir, runtime.RunDirName(i))
		os.MkdirAll(rd, 0o755)
		m := results.Manifest{Model: "m", ModelHash: "h", Seed: p.Points[i].Seed, Dt: 0.1, Steps: 100, SimulatedMs: 10,
			Status: st, Set: map[string]string{"P.tau": p.Points[i].Values[0].Value},
			Files: []results.File{{File: "sp.spike_times.npy", Monitor: "sp", Variable: "spike_times", Shape: []int{2 * (i + 1)}, Dtype: "float64"}}}
		if st == results.StatusError {
			m.Error = "simulation: panic: boom"
		}
		if err := m.WriteFile(filepath.Join(rd, "manifest.json")); err != nil {
			t.Fatal(err)
		}
		if err := results.WriteNpyFile(filepath.Join(rd, "sp.spike_times.npy"), []int{2 * (i + 1)}, make([]float64, 2*(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCollectAndResubmit(t *testing.T) {
	ok, intr, fail := results.StatusOK, results.StatusInterrupted, results.StatusError
	// 10 points in 4 tasks: task 0 holds 0, 4, 8; task 1 holds 1, 5, 9; ...
	dir := fakeSweep(t, []string{ok, ok, ok, ok, ok, "", ok, intr, ok, fail})
	rep, err := runtime.CollectSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	inc := rep.Incomplete()
	var got []string
	for _, p := range inc {
		got = append(got, p.Dir+" "+p.State)
	}
	if want := []string{"run-0005 missing", "run-0007 interrupted", "run-0009 error"}; !reflect.DeepEqual(got, want) {
		t.Errorf("incomplete %v, want %v", got, want)
	}
	if inc[2].Err == nil || inc[2].Err.Error() != "simulation: panic: boom" {
		t.Errorf("error of run-0009: %v", inc[2].Err)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	lines := strings.Split(string(csv), "\n")
	// rate of point i: 2(i+1) spikes of 4 neurons in 10 ms = 50(i+1) Hz
	if lines[0] != "index,P.tau,seed,trial,status,sp_rate_hz" ||
		lines[1] != "0,1,3,0,ok,50" ||
		lines[6] != "5,111111,3,0,missing," ||
		lines[8] != "7,11111111,3,0,interrupted,400" ||
		lines[10] != "9,1111111111,3,0,error,500" {
		t.Errorf("sweep.csv:\n%s", csv)
	}
	if tasks := Tasks(inc, 4); !reflect.DeepEqual(tasks, []int{1, 3}) {
		t.Errorf("tasks %v, want [1 3]", tasks)
	}

	j := testJob(dir)
	if err := j.WriteJob(); err != nil {
		t.Fatal(err)
	}
	j2, err := ReadJob(dir)
	if err != nil || !reflect.DeepEqual(j, j2) {
		t.Fatalf("ReadJob: %v\n%+v\n%+v", err, j2, j)
	}
	path, tasks, err := j2.Resubmission(rep)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, ResubmitFile) || !reflect.DeepEqual(tasks, []int{1, 3}) {
		t.Errorf("resubmission %s %v", path, tasks)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "#SBATCH --array=1,3\n") {
		t.Errorf("resubmit.sbatch:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, LogDir)); err != nil {
		t.Errorf("no log directory: %v", err)
	}

	done := fakeSweep(t, []string{ok, ok})
	rep, _ = runtime.CollectSweep(done)
	if _, _, err := j2.Resubmission(rep); err == nil || err.Error() != "every point is complete: nothing to resubmit" {
		t.Errorf("complete sweep: %v", err)
	}
	if _, err := ReadJob(done); err == nil || !strings.Contains(err.Error(), "it was not planned for SLURM") {
		t.Errorf("ReadJob of a local sweep: %v", err)
	}
}

func itoa(x int64) string { return strconv.FormatInt(x, 10) }

// fakeTools puts shell scripts standing for sbatch and squeue first on PATH.
func fakeTools(t *testing.T, scripts map[string]string) {
	t.Helper()
	bin := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestSubmitAndWait(t *testing.T) {
	dir := t.TempDir()
	j := testJob(dir)
	// sbatch records its arguments; squeue lists the job twice, then nothing.
	fakeTools(t, map[string]string{
		"sbatch": `echo "$@" > "` + dir + `/sbatch.args"; echo "4711;cluster1"`,
		"squeue": `n=$(cat "` + dir + `/polls" 2>/dev/null || echo 0); echo $((n+1)) > "` + dir + `/polls"
[ "$n" -lt 2 ] && echo "4711_0 RUNNING"
exit 0`,
	})
	script, err := j.WriteScript(ScriptFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := j.Submit(context.Background(), script)
	if err != nil || id != "4711" {
		t.Fatalf("Submit = %q, %v", id, err)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "sbatch.args"))
	if string(args) != "--parsable "+script+"\n" {
		t.Errorf("sbatch got %q", args)
	}
	if j2, err := ReadJob(dir); err != nil || !reflect.DeepEqual(j2.JobIDs, []string{"4711"}) {
		t.Errorf("slurm.json job ids: %v %v", j2, err)
	}
	if err := Wait(context.Background(), id, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if polls, _ := os.ReadFile(filepath.Join(dir, "polls")); string(polls) != "3\n" {
		t.Errorf("squeue polled %q times, want 3", polls)
	}

	fakeTools(t, map[string]string{"sbatch": `echo "sbatch: error: invalid partition specified: short" >&2; exit 1`})
	if _, err := j.Submit(context.Background(), script); err == nil || !strings.Contains(err.Error(), "invalid partition specified: short") {
		t.Errorf("failing sbatch: %v", err)
	}
	fakeTools(t, map[string]string{"sbatch": `echo "Submitted batch job 12"`})
	if _, err := j.Submit(context.Background(), script); err == nil || !strings.Contains(err.Error(), "not a job id") {
		t.Errorf("sbatch without --parsable output: %v", err)
	}
}
