// Package slurm runs annc sweeps as SLURM job arrays: it renders the sbatch
// script of a sweep plan (task k runs shard k/N of the plan with the built
// program), submits it, waits for it, and turns the state of a sweep
// directory into a resubmission of just the array tasks whose points are
// missing or failed.
//
// A SLURM sweep directory holds plan.json (runtime.Plan), slurm.json (Job:
// how the array was cut and submitted), sweep.sbatch, bin/<model> (the
// program, copied so that a later rebuild does not change a running sweep),
// logs/ (one log per array task) and the run-NNNN/ directories the tasks
// write.
package slurm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/annc/annc/runtime"
)

// File names inside a SLURM sweep directory.
const (
	JobFile      = "slurm.json"
	ScriptFile   = "sweep.sbatch"
	ResubmitFile = "resubmit.sbatch"
	LogDir       = "logs"
	BinDir       = "bin"
)

// Job describes how a plan is cut into a job array; it is stored as
// slurm.json next to the plan so that collect can resubmit the same shards.
type Job struct {
	Name      string   `json:"name"`      // job name
	Binary    string   `json:"binary"`    // absolute path of the program
	Plan      string   `json:"plan"`      // absolute path of plan.json
	Tasks     int      `json:"tasks"`     // N: task k runs shard k/N
	CPUs      int      `json:"cpus"`      // CPUs per task (and runs in parallel per task)
	Partition string   `json:"partition"` // "" for the cluster's default
	Time      string   `json:"time"`      // time limit per task, "" for the default
	Mem       string   `json:"mem"`       // memory per task ("4G"), "" for the default
	Env       []string `json:"env"`       // KEY=VALUE exported before the program runs
	Args      []string `json:"args"`      // runner flags of every run (-threads=2, -stream=true)
	JobIDs    []string `json:"job_ids"`   // every submission, oldest first
}

var (
	timeRE = regexp.MustCompile(`^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$`)
	memRE  = regexp.MustCompile(`^\d+[KMGT]?$`)
	nameRE = regexp.MustCompile(`^[A-Za-z0-9_.+-]+$`)
)

// Check reports the first thing wrong with the job's settings.
func (j *Job) Check() error {
	switch {
	case j.Tasks < 1:
		return fmt.Errorf("array size %d: must be at least 1", j.Tasks)
	case j.CPUs < 1:
		return fmt.Errorf("cpus per task %d: must be at least 1", j.CPUs)
	case j.Time != "" && !timeRE.MatchString(j.Time):
		return fmt.Errorf("time %q: want minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS", j.Time)
	case j.Mem != "" && !memRE.MatchString(j.Mem):
		return fmt.Errorf("mem %q: want a size in megabytes or with a unit K, M, G or T (\"4G\")", j.Mem)
	case j.Partition != "" && !nameRE.MatchString(j.Partition):
		return fmt.Errorf("partition %q: not a partition name", j.Partition)
	case !nameRE.MatchString(j.Name):
		return fmt.Errorf("job name %q: use letters, digits and _.+-", j.Name)
	case !filepath.IsAbs(j.Binary) || !filepath.IsAbs(j.Plan):
		return errors.New("the program and the plan need absolute paths (the tasks run elsewhere)")
	}
	for _, p := range []string{j.Binary, j.Plan} {
		if strings.ContainsAny(p, " \t\n\"'\\$`") {
			return fmt.Errorf("path %q: sbatch directives cannot hold spaces, quotes or $; use a sweep directory without them", p)
		}
	}
	for _, e := range j.Env {
		k, _, ok := strings.Cut(e, "=")
		if !ok || !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(k) {
			return fmt.Errorf("environment entry %q: want KEY=VALUE", e)
		}
	}
	return nil
}

// Dir is the sweep directory: the plan's.
func (j *Job) Dir() string { return filepath.Dir(j.Plan) }

// Script renders the sbatch script of the array tasks (nil: all of 0..N-1).
// Each task runs its shard of the plan with as many parallel runs as it has
// CPUs; the program is exec'd so that scancel's SIGTERM reaches it and the
// runs it is in stop and are marked "interrupted".
func (j *Job) Script(tasks []int) (string, error) {
	if err := j.Check(); err != nil {
		return "", err
	}
	if tasks == nil {
		for k := range j.Tasks {
			tasks = append(tasks, k)
		}
	}
	for _, k := range tasks {
		if k < 0 || k >= j.Tasks {
			return "", fmt.Errorf("array task %d outside 0..%d", k, j.Tasks-1)
		}
	}
	if len(tasks) == 0 {
		return "", errors.New("no array tasks to run")
	}
	var b strings.Builder
	dir := j.Dir()
	fmt.Fprintf(&b, "#!/bin/bash\n")
	fmt.Fprintf(&b, "# annc sweep of %s: array task k runs the points i of plan.json with\n", j.Name)
	fmt.Fprintf(&b, "# i %% %d == k into run-NNNN/, skipping points that are already complete.\n", j.Tasks)
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", j.Name)
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", ArraySpec(tasks))
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(dir, LogDir, "%A_%a.out"))
	fmt.Fprintf(&b, "#SBATCH --chdir=%s\n", dir)
	fmt.Fprintf(&b, "#SBATCH --ntasks=1\n")
	fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", j.CPUs)
	if j.Partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", j.Partition)
	}
	if j.Time != "" {
		fmt.Fprintf(&b, "#SBATCH --time=%s\n", j.Time)
	}
	if j.Mem != "" {
		fmt.Fprintf(&b, "#SBATCH --mem=%s\n", j.Mem)
	}
	fmt.Fprintf(&b, "set -eu\n")
	for _, e := range j.Env {
		k, v, _ := strings.Cut(e, "=")
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(v))
	}
	fmt.Fprintf(&b, "exec %s -plan %s -shard \"${SLURM_ARRAY_TASK_ID}/%d\" -workers %d",
		shellQuote(j.Binary), shellQuote(j.Plan), j.Tasks, j.CPUs)
	for _, a := range j.Args {
		fmt.Fprintf(&b, " %s", shellQuote(a))
	}
	fmt.Fprintln(&b)
	return b.String(), nil
}

// shellQuote quotes s for bash.
func shellQuote(s string) string {
	if s != "" && regexp.MustCompile(`^[A-Za-z0-9_./:=+,-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ArraySpec writes array task ids as sbatch's --array wants them: sorted,
// runs of consecutive ids as ranges ("0-3", "1,4-6,9").
func ArraySpec(tasks []int) string {
	t := slices.Clone(tasks)
	slices.Sort(t)
	t = slices.Compact(t)
	var parts []string
	for i := 0; i < len(t); {
		j := i
		for j+1 < len(t) && t[j+1] == t[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(t[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", t[i], t[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// WriteJob writes slurm.json into the job's directory.
func (j *Job) WriteJob() error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(j.Dir(), JobFile), append(b, '\n'), 0o644)
}

// ReadJob reads dir/slurm.json.
func ReadJob(dir string) (*Job, error) {
	b, err := os.ReadFile(filepath.Join(dir, JobFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: it was not planned for SLURM (annc sweep ... --slurm)", dir, JobFile)
	}
	if err != nil {
		return nil, err
	}
	var j Job
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, JobFile), err)
	}
	return &j, j.Check()
}

// WriteScript renders the script of tasks (nil: all) into dir/name, ready
// for sbatch, and returns its path.
func (j *Job) WriteScript(name string, tasks []int) (string, error) {
	s, err := j.Script(tasks)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(j.Dir(), LogDir), 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(j.Dir(), name)
	return path, os.WriteFile(path, []byte(s), 0o755)
}

// Submit runs `sbatch --parsable script` and returns the job id, recording
// it in slurm.json.
func (j *Job) Submit(ctx context.Context, script string) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, "sbatch", "--parsable", script)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", errors.New("sbatch not found: submit from a SLURM login node, or submit " + script + " there")
		}
		return "", fmt.Errorf("sbatch %s: %v: %s", script, err, strings.TrimSpace(errb.String()))
	}
	// --parsable prints "jobid" or "jobid;cluster".
	id, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";")
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return "", fmt.Errorf("sbatch printed %q, not a job id", out.String())
	}
	j.JobIDs = append(j.JobIDs, id)
	return id, j.WriteJob()
}

// Wait polls squeue every poll until job id has left the queue (every array
// task finished, failed or was cancelled), or ctx ends.
func Wait(ctx context.Context, id string, poll time.Duration) error {
	for {
		var out, errb bytes.Buffer
		cmd := exec.CommandContext(ctx, "squeue", "-h", "-j", id, "-o", "%i %T")
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		switch {
		case err == nil && strings.TrimSpace(out.String()) == "":
			return nil
		case err != nil && strings.Contains(errb.String(), "Invalid job id"):
			return nil // already purged from the controller
		case err != nil && ctx.Err() == nil:
			return fmt.Errorf("squeue -j %s: %v: %s", id, err, strings.TrimSpace(errb.String()))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for job %s: %w", id, ctx.Err())
		case <-time.After(poll):
		}
	}
}

// Tasks returns the array tasks that hold the given points when the plan is
// cut into n shards: point i is in task i % n.
func Tasks(points []runtime.PointReport, n int) []int {
	var t []int
	for _, p := range points {
		t = append(t, p.Index%n)
	}
	slices.Sort(t)
	return slices.Compact(t)
}

// Resubmission writes resubmit.sbatch for the array tasks that hold the
// incomplete points of rep and returns its path and the tasks; the tasks skip
// the points that are complete.
func (j *Job) Resubmission(rep *runtime.SweepReport) (string, []int, error) {
	inc := rep.Incomplete()
	if len(inc) == 0 {
		return "", nil, errors.New("every point is complete: nothing to resubmit")
	}
	tasks := Tasks(inc, j.Tasks)
	path, err := j.WriteScript(ResubmitFile, tasks)
	return path, tasks, err
}
