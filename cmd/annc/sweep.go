package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/annc/annc/internal/proc"
	"github.com/annc/annc/internal/slurm"
	"github.com/annc/annc/runtime"
	"github.com/spf13/cobra"
)

// sweepOpts are the flags of `annc sweep`.
type sweepOpts struct {
	dir, out            string
	force               bool
	sweeps, sets        []string
	grid, progress      bool
	seed                int64
	duration            float64
	workers, trials     int
	threads, checkEvery int
	chunkWork           int64
	maxMemory           string
	stream, plot        bool
	slurm, submit, wait bool
	arraySize, cpus     int
	partition, tim, mem string
	poll                time.Duration
}

func sweepCmd(stdout, stderr io.Writer) *cobra.Command {
	var o sweepOpts
	c := &cobra.Command{
		Use:   "sweep model.yaml -sweep PATH=V1,V2,... [-grid] [--slurm ...] -out DIR",
		Short: "Run a parameter sweep from a plan, locally or as a SLURM job array",
		Long: `Compile a model once, write the sweep's plan (DIR/plan.json: every point with
its index, swept values and seed) and run it.

Without --slurm the points run here, -workers at a time, into DIR/run-NNNN/,
and DIR/sweep.csv is written: the same files as "annc run model.yaml -sweep ...".

With --slurm nothing runs here: the program is copied to DIR/bin/, and
DIR/sweep.sbatch is written for a job array of --array-size tasks in which
task k runs the points i with i % N == k. DIR must be on a file system the
compute nodes share; they need neither Go nor a writable cache. Submit it
with sbatch (or --submit, which prints the job id; --wait then waits for the
job and collects), and when it has finished run "annc sweep collect DIR".
A task that is cancelled or runs out of time can simply run again: points
that are complete are skipped, partial ones are redone.`,
		Example: `  annc sweep model.yaml -sweep P.I_ext=1,1.2,1.4 -out sw            # here
  annc sweep model.yaml -sweep P.I_ext=1,1.2,1.4 -sweep gaba.w=0.001,0.002 -grid \
      --slurm --array-size 4 --time 00:30:00 --mem 2G --submit -out /scratch/me/sw
  annc sweep collect /scratch/me/sw --resubmit --submit`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSweep(cmd, args[0], &o, stdout, stderr)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.dir, "dir", "d", "annarchy", "build directory")
	f.BoolVar(&o.force, "force", false, "regenerate and rebuild even when up to date")
	f.StringVar(&o.out, "out", "results", "sweep `directory` (plan.json, run-NNNN/, sweep.csv)")
	f.StringArrayVar(&o.sweeps, "sweep", nil, "swept `PATH=V1,V2,...` (repeatable; zipped, or combined with -grid)")
	f.BoolVar(&o.grid, "grid", false, "sweep the Cartesian product of the -sweep lists")
	f.StringArrayVar(&o.sets, "set", nil, "fixed `PATH=VALUE` of every run (repeatable)")
	f.Int64Var(&o.seed, "seed", 0, "seed of every point (default: the model's seed, else drawn from the clock and kept in the plan); -sweep seed=1,2,3 sweeps it")
	f.IntVar(&o.trials, "trials", 1, "runs of every point, `K`: trial k has the seed TrialSeed(seed, k), the seed itself first")
	f.IntVar(&o.threads, "threads", 1, "goroutines computing the steps of each network (same results for every value)")
	f.Int64Var(&o.chunkWork, "min-chunk-work", 100000, "with --threads: estimated work (operations) of a chunk below which a loop is not split")
	f.StringVar(&o.maxMemory, "max-memory", "", "refuse or stop a run whose monitors would hold more than `SIZE` (4GiB, 500MB; 0: no limit; default half the machine's RAM, shared among parallel runs)")
	f.IntVar(&o.checkEvery, "check-every", 100, "every `N` steps and at the end, check the state for NaN and ±Inf (0: never)")
	f.BoolVar(&o.stream, "stream", false, "write the monitors' records to their .npy files while simulating (bounded memory)")
	f.BoolVar(&o.plot, "plot", false, "plot the sweep (annc plot DIR) when it is complete")
	f.Float64Var(&o.duration, "duration", 0, "simulated `ms` of every run (default: the model's)")
	f.IntVar(&o.workers, "workers", 0, "runs in parallel here (default GOMAXPROCS); on SLURM each task runs --cpus-per-task at a time")
	f.BoolVar(&o.progress, "progress", false, "show runs done and ETA on stderr (local sweeps)")
	f.BoolVar(&o.slurm, "slurm", false, "write a SLURM job array instead of running here")
	f.IntVar(&o.arraySize, "array-size", 0, "number of array tasks N (default: one per point, at most 1000)")
	f.IntVar(&o.cpus, "cpus-per-task", 1, "CPUs of each array task, and runs it does in parallel")
	f.StringVar(&o.partition, "partition", "", "SLURM partition (default: the cluster's)")
	f.StringVar(&o.tim, "time", "", "time limit of each array task, `HH:MM:SS` (default: the partition's)")
	f.StringVar(&o.mem, "mem", "", "memory of each array task, e.g. 2G (default: the partition's)")
	f.BoolVar(&o.submit, "submit", false, "submit the job array with sbatch and print its job id")
	f.BoolVar(&o.wait, "wait", false, "with --submit: wait until the job has finished, then collect")
	f.DurationVar(&o.poll, "poll", 5*time.Second, "how often --wait asks squeue")
	c.AddCommand(sweepCollectCmd(stdout, stderr))
	return c
}

func runSweep(cmd *cobra.Command, model string, o *sweepOpts, stdout, stderr io.Writer) error {
	fl := cmd.Flags()
	if len(o.sweeps) == 0 && o.trials <= 1 {
		return usageErr("sweep needs at least one -sweep PATH=V1,V2,... or --trials K")
	}
	if !o.slurm {
		for _, name := range []string{"array-size", "cpus-per-task", "partition", "time", "mem", "submit", "wait"} {
			if fl.Changed(name) {
				return usageErr("--%s needs --slurm", name)
			}
		}
	}
	if o.wait && !o.submit {
		return usageErr("--wait needs --submit")
	}
	if o.plot && o.slurm && !o.wait {
		return usageErr("--plot with --slurm needs --wait (or run annc plot %s once the job is collected)", o.out)
	}
	if o.trials < 1 {
		return usageErr("--trials %d: must be at least 1", o.trials)
	}
	// The runner flags every run gets, as given.
	var runArgs []string
	for _, name := range []string{"threads", "min-chunk-work", "max-memory", "check-every", "stream"} {
		if fl.Changed(name) {
			runArgs = append(runArgs, "-"+name+"="+fl.Lookup(name).Value.String())
		}
	}
	if fl.Changed("array-size") && o.arraySize < 1 {
		return usageErr("--array-size %d: must be at least 1", o.arraySize)
	}
	out, err := filepath.Abs(o.out)
	if err != nil {
		return usageErr("%v", err)
	}
	job := &slurm.Job{Tasks: 1, CPUs: o.cpus, Partition: o.partition, Time: o.tim, Mem: o.mem,
		Name: "annc", Binary: filepath.Join(out, slurm.BinDir, "x"), Plan: filepath.Join(out, "plan.json")}
	if o.slurm {
		if err := job.Check(); err != nil { // before compiling: bad --time etc.
			return usageErr("%v", err)
		}
	}
	res, err := compile(model, o.dir, o.force, stderr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return modelErr("%v", err)
	}
	bin := res.Binary
	if o.slurm {
		bin = filepath.Join(out, slurm.BinDir, filepath.Base(res.Binary))
		if err := copyExecutable(res.Binary, bin); err != nil {
			return modelErr("%v", err)
		}
	}
	env := []string{"ANNC_GENERATE_S=" + strconv.FormatFloat(res.GenerateS, 'f', 4, 64),
		"ANNC_BUILD_S=" + strconv.FormatFloat(res.BuildS, 'f', 4, 64)}

	planArgs := []string{"-plan", job.Plan}
	for _, s := range o.sweeps {
		planArgs = append(planArgs, "-sweep", s)
	}
	if o.grid {
		planArgs = append(planArgs, "-grid")
	}
	for _, s := range o.sets {
		planArgs = append(planArgs, "-set", s)
	}
	if fl.Changed("seed") {
		planArgs = append(planArgs, "-seed", strconv.FormatInt(o.seed, 10))
	}
	if fl.Changed("duration") {
		planArgs = append(planArgs, "-duration", strconv.FormatFloat(o.duration, 'g', -1, 64))
	}
	if o.trials > 1 {
		planArgs = append(planArgs, "-trials", strconv.Itoa(o.trials))
	}
	if err := runProgram(bin, planArgs, env, stdout, stderr); err != nil {
		return err
	}
	plan, err := runtime.ReadPlan(job.Plan)
	if err != nil {
		return modelErr("%v", err)
	}

	if !o.slurm {
		args := append([]string{"-plan", job.Plan, "-shard", "0/1"}, runArgs...)
		if o.workers > 0 {
			args = append(args, "-workers", strconv.Itoa(o.workers))
		}
		if o.progress {
			args = append(args, "-progress")
		}
		runErr := runProgram(bin, args, env, stdout, stderr)
		rep, err := runtime.CollectSweep(out)
		if err != nil {
			return modelErr("%v", err)
		}
		if runErr != nil {
			return runErr
		}
		fmt.Fprintf(stderr, "annc: %d runs; results in %s (sweep.csv)\n", len(rep.Points), relPath(out))
		if o.plot {
			return plotDir(out, stdout)
		}
		return nil
	}

	job.Name = "annc-" + plan.Model
	job.Binary = bin
	job.Env = env
	job.Args = runArgs
	job.Tasks = o.arraySize
	if job.Tasks == 0 {
		job.Tasks = min(len(plan.Points), 1000)
	}
	if job.Tasks > len(plan.Points) {
		fmt.Fprintf(stderr, "annc: --array-size %d is more than the %d points: using %d tasks\n", job.Tasks, len(plan.Points), len(plan.Points))
		job.Tasks = len(plan.Points)
	}
	if err := job.Check(); err != nil {
		return usageErr("%v", err)
	}
	if err := job.WriteJob(); err != nil {
		return modelErr("%v", err)
	}
	script, err := job.WriteScript(slurm.ScriptFile, nil)
	if err != nil {
		return modelErr("%v", err)
	}
	fmt.Fprintf(stderr, "annc: %d points in %d array tasks: %s\n", len(plan.Points), job.Tasks, relPath(script))
	if !o.submit {
		fmt.Fprintf(stderr, "annc: submit with: sbatch %s\nannc: when it has finished: annc sweep collect %s\n", script, out)
		return nil
	}
	if err := submitAndCollect(job, script, out, o.wait, o.poll, stdout, stderr); err != nil || !o.plot {
		return err
	}
	return plotDir(out, stdout)
}

// submitAndCollect submits script, prints the job id and, with wait, waits
// for the job and collects the sweep.
func submitAndCollect(job *slurm.Job, script, out string, wait bool, poll time.Duration, stdout, stderr io.Writer) error {
	id, err := job.Submit(context.Background(), script)
	if err != nil {
		return modelErr("%v", err)
	}
	fmt.Fprintln(stdout, id)
	if !wait {
		fmt.Fprintf(stderr, "annc: submitted job %s; when it has finished: annc sweep collect %s\n", id, out)
		return nil
	}
	fmt.Fprintf(stderr, "annc: submitted job %s; waiting for it\n", id)
	if err := slurm.Wait(context.Background(), id, poll); err != nil {
		return modelErr("%v", err)
	}
	_, err = collect(out, stdout, stderr)
	return err
}

// collect writes DIR/sweep.csv, lists the incomplete points on stdout and
// fails (exit 1) when there are any.
func collect(dir string, stdout, stderr io.Writer) (*runtime.SweepReport, error) {
	rep, err := runtime.CollectSweep(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, usageErr("%s is not a sweep directory: %v", dir, err)
		}
		return nil, modelErr("%v", err)
	}
	inc := rep.Incomplete()
	for _, p := range inc {
		line := p.Dir + "\t" + p.State
		if p.Err != nil {
			line += "\t" + strings.ReplaceAll(p.Err.Error(), "\n", " ")
		}
		fmt.Fprintln(stdout, line)
	}
	csv := filepath.Join(dir, "sweep.csv")
	if len(inc) == 0 {
		fmt.Fprintf(stderr, "annc: all %d runs complete; %s written\n", len(rep.Points), relPath(csv))
		return rep, nil
	}
	fmt.Fprintf(stderr, "annc: %d of %d runs complete, %d missing or failed (listed above); %s written\n",
		len(rep.Points)-len(inc), len(rep.Points), len(inc), relPath(csv))
	return rep, &exitError{code: 1}
}

func sweepCollectCmd(stdout, stderr io.Writer) *cobra.Command {
	var resubmit, submit, wait bool
	var poll time.Duration
	c := &cobra.Command{
		Use:   "collect DIR [--resubmit [--submit [--wait]]]",
		Short: "Merge the finished runs of a sweep into sweep.csv and list the missing or failed ones",
		Long: `Read DIR/plan.json and every DIR/run-NNNN/manifest.json, write DIR/sweep.csv
(one row per point; status "ok", "interrupted", "error", "missing", "partial"
or "stale") and list on stdout the points that are not complete. Exit status
1 when some are not, unless --resubmit wrote a job array for them:
DIR/resubmit.sbatch runs again only the array tasks holding incomplete points,
and those tasks skip their complete points. --submit submits it and prints
the job id; --wait waits for it and collects again.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if submit && !resubmit {
				return usageErr("--submit needs --resubmit")
			}
			if wait && !submit {
				return usageErr("--wait needs --submit")
			}
			dir, err := filepath.Abs(args[0])
			if err != nil {
				return usageErr("%v", err)
			}
			rep, err := collect(dir, stdout, stderr)
			if err == nil || rep == nil || !resubmit {
				if err == nil && resubmit {
					fmt.Fprintln(stderr, "annc: nothing to resubmit")
				}
				return err
			}
			job, err := slurm.ReadJob(dir)
			if err != nil {
				return usageErr("%v", err)
			}
			script, tasks, err := job.Resubmission(rep)
			if err != nil {
				return modelErr("%v", err)
			}
			fmt.Fprintf(stderr, "annc: array tasks %s of %d hold them: %s\n", slurm.ArraySpec(tasks), job.Tasks, relPath(script))
			if !submit {
				fmt.Fprintf(stderr, "annc: submit with: sbatch %s\n", script)
				return nil
			}
			return submitAndCollect(job, script, dir, wait, poll, stdout, stderr)
		},
	}
	c.Flags().BoolVar(&resubmit, "resubmit", false, "write DIR/resubmit.sbatch for the array tasks holding incomplete points")
	c.Flags().BoolVar(&submit, "submit", false, "with --resubmit: submit it with sbatch and print the job id")
	c.Flags().BoolVar(&wait, "wait", false, "with --submit: wait until the job has finished, then collect again")
	c.Flags().DurationVar(&poll, "poll", 5*time.Second, "how often --wait asks squeue")
	return c
}

// runProgram runs the built model program, passing its exit status on.
func runProgram(bin string, args, env []string, stdout, stderr io.Writer) error {
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Env = append(os.Environ(), env...)
	return runChild(cmd)
}

// runChild runs a program annc started, forwarding SIGINT and SIGTERM to
// it and waiting for it (package proc), and passes its exit status on; a
// program killed by a signal gives 128 + the signal's number, as a shell
// reports it.
func runChild(cmd *exec.Cmd) error {
	_, err := proc.Run(cmd)
	if err == nil {
		return nil
	}
	var xe *exec.ExitError
	if errors.As(err, &xe) {
		code := xe.ExitCode()
		if ws, ok := xe.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
		return &exitError{code: code}
	}
	return modelErr("%v", err)
}

// copyExecutable copies the program to dst (through a temporary file, so
// that tasks still running the previous copy are not disturbed).
func copyExecutable(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
