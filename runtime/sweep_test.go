package runtime

import (
	"bytes"
	"fmt"
	"github.com/annc/annc/runtime/results"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rateLeaky is leakyProgram with monitor sub marked as rate-coded, so that
// sweep.csv summarises its variable v.
func rateLeaky() Program {
	p := leakyProgram(nil)
	p.New = func(seed int64) (Instance, error) {
		n := newLeaky(seed)
		n.sub.RateCoded = true
		return n, nil
	}
	return p
}

func TestTrialSeed(t *testing.T) {
	if TrialSeed(42, 0) != 42 || TrialSeed(42, 3) != DeriveSeed(42, 3) {
		t.Errorf("TrialSeed(42, 0..3): %d %d", TrialSeed(42, 0), TrialSeed(42, 3))
	}
	runs := expandRuns(sweepPoints([]sweepAxis{{"P.tau", []string{"1", "2"}}, {"seed", []string{"5", "6"}}}, false), 9, 3)
	var got []string
	for _, r := range runs {
		got = append(got, fmt.Sprintf("%d/%d:%d", r.point, r.trial, r.seed))
	}
	want := []string{"0/0:5", fmt.Sprintf("0/1:%d", DeriveSeed(5, 1)), fmt.Sprintf("0/2:%d", DeriveSeed(5, 2)),
		"1/0:6", fmt.Sprintf("1/1:%d", DeriveSeed(6, 1)), fmt.Sprintf("1/2:%d", DeriveSeed(6, 2))}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("runs %v, want %v", got, want)
	}
	if s := runs[4].sets([]setting{{"sigma", "1"}}); len(s) != 2 || s[1] != (setting{"P.tau", "2"}) {
		t.Errorf("sets of run 4: %v (the seed is not a -set)", s)
	}
}

// TestSweepTrialsMatchSingleRuns sweeps the seed with two trials of a noisy
// network: every run's files are byte-identical to a single run with the
// run's seed, and sweep.csv has one row per point and trial.
func TestSweepTrialsMatchSingleRuns(t *testing.T) {
	out := t.TempDir()
	code, msg := runMain(t, leakyProgram(nil), nil, "-out", out, "-set", "sigma=0.3", "-sweep", "seed=42,7", "-trials", "2", "-workers", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	seeds := []int64{42, DeriveSeed(42, 1), 7, DeriveSeed(7, 1)}
	for i, seed := range seeds {
		single := t.TempDir()
		if code, msg := runMain(t, leakyProgram(nil), nil, "-out", single, "-set", "sigma=0.3", "-seed", strconv.FormatInt(seed, 10)); code != 0 {
			t.Fatalf("single run: exit %d: %s", code, msg)
		}
		for _, f := range []string{"m.v.npy", "m.spike_times.npy", "m.spike_ranks.npy", "sub.v.npy"} {
			a, _ := os.ReadFile(filepath.Join(single, f))
			b, err := os.ReadFile(filepath.Join(out, RunDirName(i), f))
			if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("run %d (seed %d): %s differs from the single run: %v", i, seed, f, err)
			}
		}
		man, err := results.ReadManifest(filepath.Join(out, RunDirName(i)))
		if err != nil || man.Seed != seed || len(man.Set) != 1 {
			t.Errorf("run %d: manifest %+v %v", i, man, err)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(out, "sweep.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	// One seed column, the run's: a swept seed has none of its own.
	if len(lines) != 5 || lines[0] != "index,seed,trial,status,m_rate_hz,sub_rate_hz" {
		t.Fatalf("sweep.csv:\n%s", csv)
	}
	for i, seed := range seeds {
		if want := fmt.Sprintf("%d,%d,%d,ok,", i, seed, i%2); !strings.HasPrefix(lines[1+i], want) {
			t.Errorf("row %d: %s, want %s...", i, lines[1+i], want)
		}
	}
	// With another path in a grid, the seed is left out wherever it is
	// swept, and the other path's values stay in their column.
	out3 := t.TempDir()
	if code, msg := runMain(t, leakyProgram(nil), nil, "-out", out3, "-sweep", "seed=3,4", "-sweep", "sigma=0.1,0.2", "-grid"); code != 0 {
		t.Fatalf("grid: exit %d: %s", code, msg)
	}
	csv, _ = os.ReadFile(filepath.Join(out3, "sweep.csv"))
	lines = strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "index,sigma,seed,trial,status,") ||
		!strings.HasPrefix(lines[1], "0,0.1,3,0,ok,") || !strings.HasPrefix(lines[4], "3,0.2,4,0,ok,") {
		t.Errorf("sweep.csv of a grid over seed and sigma:\n%s", csv)
	}
	// Without -sweep, -trials repeats the one network.
	out2 := t.TempDir()
	if code, msg := runMain(t, leakyProgram(nil), nil, "-out", out2, "-trials", "3"); code != 0 {
		t.Fatalf("-trials alone: exit %d: %s", code, msg)
	}
	csv, _ = os.ReadFile(filepath.Join(out2, "sweep.csv"))
	if !strings.HasPrefix(string(csv), "index,seed,trial,status,") || strings.Count(string(csv), "\n") != 4 {
		t.Errorf("sweep.csv of -trials 3:\n%s", csv)
	}
}

// TestSweepRateColumns: a rate-coded monitor's variables get their mean over
// time and neurons and their final value in sweep.csv, the same from a local
// sweep and from collecting a plan run.
func TestSweepRateColumns(t *testing.T) {
	out := t.TempDir()
	args := []string{"-sweep", "P.tau=2,1", "-trials", "2"}
	if code, msg := runMain(t, rateLeaky(), nil, append([]string{"-out", out}, args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "sweep.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if lines[0] != "index,P.tau,seed,trial,status,m_rate_hz,sub.v_mean,sub.v_final,sub_rate_hz" {
		t.Fatalf("header %s", lines[0])
	}
	// sub records v of neurons 2 and 0 at steps 0, 2 and 4 (leakyV):
	// [0.25 0.5], [0.4375 0], [0.484375 0.75].
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	if want := "," + f(2.421875/6) + "," + f((0.484375+0.75)/2) + ","; !strings.Contains(lines[1], want) {
		t.Errorf("row 0: %s, want ...%s", lines[1], want)
	}

	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	if code, msg := runMain(t, rateLeaky(), nil, append([]string{"-plan", plan}, args...)...); code != 0 {
		t.Fatalf("plan: exit %d: %s", code, msg)
	}
	code, msg := runMain(t, rateLeaky(), nil, "-plan", plan, "-shard", "0/1")
	if code != 0 || strings.Contains(msg, "shard") {
		t.Fatalf("whole plan: exit %d: %q (a plan run whole names no shard)", code, msg)
	}
	if _, err := CollectSweep(dir); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if !bytes.Equal(got, csv) {
		t.Errorf("collected sweep.csv:\n%s\nlocal:\n%s", got, csv)
	}
}

// TestSweepCheckedFirst: a bad swept path or value is one usage error before
// anything runs or is written.
func TestSweepCheckedFirst(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-sweep", "P.tauu=1,2"}, `leaky: -sweep P.tauu=1: unknown path "P.tauu"`},
		{[]string{"-sweep", "P.I=1,[1,2]"}, `leaky: -sweep P.I=[1,2]: `},
		{[]string{"-sweep", "seed=1,x"}, `seed: "x" is not an integer`},
		{[]string{"-set", "seed=3", "-sweep", "P.tau=1"}, "the seed is set with -seed N"},
		{[]string{"-trials", "0"}, "-trials 0: must be at least 1"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		code, msg := runMain(t, leakyProgram(nil), nil, append([]string{"-out", out}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(msg, tc.msg) || strings.Count(msg, tc.msg) != 1 {
			t.Errorf("%q: exit %d, %q; want 2 and %q once", tc.args, code, msg, tc.msg)
		}
		if strings.Contains(msg, "-duration") || strings.Count(msg, "\n") > 2 {
			t.Errorf("%q: %d lines (usage printed?): %s", tc.args, strings.Count(msg, "\n"), msg)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%q: %s was written", tc.args, out)
		}
	}
}
