package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annc/annc/internal/slurm"
)

// The SLURM tests run against a real cluster: scripts/slurm-test.sh starts a
// single-node one on this machine (slurmctld, slurmd and munged on
// localhost) and runs them with ANNC_SLURM_TEST=1.
func needSlurm(t *testing.T) {
	t.Helper()
	if os.Getenv("ANNC_SLURM_TEST") == "" {
		t.Skip("needs a SLURM cluster: run scripts/slurm-test.sh, which starts one on this machine and sets ANNC_SLURM_TEST=1")
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Fatalf("ANNC_SLURM_TEST is set but sbatch is not on PATH: %v", err)
	}
}

// twentyPoints is a sweep of 20 drives, the initial potentials drawn per run.
func twentyPoints() []string {
	var v []string
	for i := range 20 {
		v = append(v, strconv.FormatFloat(0.5+0.1*float64(i), 'f', 1, 64))
	}
	return []string{"-sweep", "P.I_ext=" + strings.Join(v, ","), "-set", "P.V=Uniform(-80,-40)", "-seed", "5"}
}

// TestSlurmSweep submits a 20-point sweep of a 50 ms HH-gamma network as an
// array of 4 tasks, waits for it, collects it, and checks sweep.csv and every
// run against the same sweep run here by the runner itself.
func TestSlurmSweep(t *testing.T) {
	needSlurm(t)
	root := repoRoot(t)
	t.Chdir(t.TempDir())
	shortHH(t, root, "50.0")
	sweep := twentyPoints()

	code, stdout, stderr := annc(t, append([]string{"sweep", "model.yaml", "-out", "cluster", "--slurm", "--array-size", "4",
		"--time", "00:10:00", "--mem", "500M", "--submit", "--wait", "--poll", "200ms"}, sweep...)...)
	if code != 0 {
		t.Fatalf("annc sweep --slurm --submit --wait: exit %d\n%s%s", code, stdout, stderr)
	}
	id := strings.TrimSpace(stdout)
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatalf("stdout %q is not a job id\n%s", stdout, stderr)
	}
	if !strings.Contains(stderr, "annc: 20 points in 4 array tasks") || !strings.Contains(stderr, "annc: all 20 runs complete") {
		t.Errorf("stderr:\n%s", stderr)
	}
	// Each task ran its five points, with the program copied into the sweep.
	for k := range 4 {
		log, err := os.ReadFile(filepath.Join("cluster", slurm.LogDir, id+"_"+strconv.Itoa(k)+".out"))
		if err != nil {
			t.Fatal(err)
		}
		want := "hh_gamma: shard " + strconv.Itoa(k) + "/4: 5 runs done, 0 already complete"
		if !strings.Contains(string(log), want) {
			t.Errorf("log of task %d:\n%s\nwant %q", k, log, want)
		}
	}

	code, _, stderr = annc(t, append([]string{"run", "model.yaml", "-out", "here"}, sweep...)...)
	if code != 0 {
		t.Fatalf("annc run -sweep: exit %d\n%s", code, stderr)
	}
	if n := sameSweep(t, "here", "cluster"); n != 20*3 {
		t.Errorf("compared %d run files, want 60", n)
	}
	// Collecting again changes nothing.
	before, _ := os.ReadFile(filepath.Join("cluster", "sweep.csv"))
	if code, stdout, _ := annc(t, "sweep", "collect", "cluster"); code != 0 || stdout != "" {
		t.Errorf("collect: exit %d, %q", code, stdout)
	}
	after, _ := os.ReadFile(filepath.Join("cluster", "sweep.csv"))
	if string(before) != string(after) {
		t.Errorf("collect rewrote sweep.csv differently")
	}
}

// TestSlurmCancelResubmit cancels array task 1 while it runs (scancel), checks
// that collect lists exactly its unfinished points, resubmits them with
// --resubmit, and checks the completed sweep against a local one.
func TestSlurmCancelResubmit(t *testing.T) {
	needSlurm(t)
	root := repoRoot(t)
	t.Chdir(t.TempDir())
	// 6000 ms per run (about half a second of simulation): the cancel lands
	// while task 1 computes its second point (at 600 ms, a point took about
	// 0.05 s and was sometimes done before scancel took effect).
	shortHH(t, root, "6000.0")
	sweep := twentyPoints()

	code, stdout, stderr := annc(t, append([]string{"sweep", "model.yaml", "-out", "cluster", "--slurm", "--array-size", "4", "--submit"}, sweep...)...)
	if code != 0 {
		t.Fatalf("annc sweep --slurm --submit: exit %d\n%s%s", code, stdout, stderr)
	}
	id := strings.TrimSpace(stdout)
	// Cancel task 1 once its first point (run-0001) is done and the next is
	// under way.
	first := filepath.Join("cluster", "run-0001", "manifest.json")
	second := filepath.Join("cluster", "run-0005")
	deadline := time.Now().Add(3 * time.Minute)
	for {
		_, err1 := os.Stat(first)
		_, err2 := os.Stat(second)
		if err1 == nil && err2 == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task 1 did not get to its second point")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if out, err := exec.Command("scancel", id+"_1").CombinedOutput(); err != nil {
		t.Fatalf("scancel %s_1: %v\n%s", id, err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := slurm.Wait(ctx, id, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}

	// Task 1 holds points 1, 5, 9, 13, 17: 1 is complete, the rest are not.
	code, stdout, stderr = annc(t, "sweep", "collect", "cluster")
	if code != 1 {
		t.Fatalf("collect after scancel: exit %d\n%s%s", code, stdout, stderr)
	}
	var listed []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		f := strings.Split(line, "\t")
		switch f[1] {
		case "interrupted", "missing", "partial":
		default:
			t.Errorf("unexpected state in %q", line)
		}
		listed = append(listed, f[0])
	}
	if strings.Join(listed, " ") != "run-0005 run-0009 run-0013 run-0017" {
		t.Errorf("collect lists %v, want the points 5, 9, 13, 17 of task 1\n%s", listed, stderr)
	}
	if !strings.Contains(stderr, "annc: 16 of 20 runs complete, 4 missing or failed") {
		t.Errorf("stderr:\n%s", stderr)
	}

	code, stdout, stderr = annc(t, "sweep", "collect", "cluster", "--resubmit", "--submit", "--wait", "--poll", "200ms")
	if code != 0 {
		t.Fatalf("collect --resubmit --submit --wait: exit %d\n%s%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	rid := lines[len(lines)-1]
	if !strings.Contains(stderr, "annc: array tasks 1 of 4 hold them") || !strings.Contains(stderr, "annc: all 20 runs complete") || rid == id {
		t.Errorf("stdout %q\nstderr:\n%s", stdout, stderr)
	}
	log, err := os.ReadFile(filepath.Join("cluster", slurm.LogDir, rid+"_1.out"))
	if err != nil || !strings.Contains(string(log), "shard 1/4: 4 runs done, 1 already complete") {
		t.Errorf("log of the resubmitted task: %v\n%s", err, log)
	}
	job, err := slurm.ReadJob("cluster")
	if err != nil || strings.Join(job.JobIDs, " ") != id+" "+rid {
		t.Errorf("slurm.json job ids %v (%v), want %s %s", job.JobIDs, err, id, rid)
	}

	code, _, stderr = annc(t, append([]string{"run", "model.yaml", "-out", "here"}, sweep...)...)
	if code != 0 {
		t.Fatalf("annc run -sweep: exit %d\n%s", code, stderr)
	}
	sameSweep(t, "here", "cluster")
}
