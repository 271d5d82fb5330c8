package runtime

import (
	"bytes"
	"fmt"
	"github.com/annc/annc/runtime/results"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// sameResults checks that every file of dir a is in b with the same bytes,
// manifests apart from wall-clock times, and returns how many files it
// compared. sweep.csv and plan.json are left out: callers compare them.
func sameResults(t *testing.T, a, b string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		if rel == "sweep.csv" || rel == "plan.json" {
			return nil
		}
		n++
		other := filepath.Join(b, rel)
		if filepath.Base(rel) == "manifest.json" {
			ma, err := results.ReadManifest(filepath.Dir(path))
			if err != nil {
				return err
			}
			mb, err := results.ReadManifest(filepath.Dir(other))
			if err != nil {
				return err
			}
			ma.WallS, mb.WallS = results.WallTimes{}, results.WallTimes{}
			if !reflect.DeepEqual(ma, mb) {
				t.Errorf("%s differs:\n%+v\n%+v", rel, ma, mb)
			}
			return nil
		}
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(other)
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", rel, a, b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var planArgs = []string{"-sweep", "P.tau=2,3,4", "-sweep", "P.I=Uniform(0.5, 1.5),[1, 1.2, 1.4]", "-grid",
	"-set", "sigma=0.05", "-duration", "20", "-seed", "9"}

func writeTestPlan(t *testing.T, dir string) *Plan {
	t.Helper()
	file := filepath.Join(dir, "plan.json")
	if code, msg := runMain(t, leakyProgram(nil), nil, append([]string{"-plan", file}, planArgs...)...); code != 0 {
		t.Fatalf("writing the plan: exit %d: %s", code, msg)
	}
	p, err := ReadPlan(file)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanWrite(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sub", "plan.json")
	code, msg := runMain(t, leakyProgram(nil), nil, "-plan", file, "-sweep", "P.tau=2,1", "-sweep", "P.theta=0.8,2", "-set", "sigma=0", "-seed", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if msg != "leaky: plan of 2 runs (seed 5) written to "+file+"\n" {
		t.Errorf("message %q", msg)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{
  "plan_version": 2,
  "model": "leaky",
  "model_hash": "abc123",
  "annc_version": "v0.test",
  "seed": 5,
  "trials": 1,
  "duration_ms": 6,
  "grid": false,
  "sweep": [
    {
      "path": "P.tau",
      "values": [
        "2",
        "1"
      ]
    },
    {
      "path": "P.theta",
      "values": [
        "0.8",
        "2"
      ]
    }
  ],
  "set": [
    {
      "path": "sigma",
      "value": "0"
    }
  ],
  "spike_monitors": [
    {
      "name": "m",
      "neurons": 3
    },
    {
      "name": "sub",
      "neurons": 2
    }
  ],
  "rate_monitors": [],
  "points": [
    {
      "index": 0,
      "dir": "run-0000",
      "point": 0,
      "trial": 0,
      "values": [
        {
          "path": "P.tau",
          "value": "2"
        },
        {
          "path": "P.theta",
          "value": "0.8"
        }
      ],
      "seed": %d
    },
    {
      "index": 1,
      "dir": "run-0001",
      "point": 1,
      "trial": 0,
      "values": [
        {
          "path": "P.tau",
          "value": "1"
        },
        {
          "path": "P.theta",
          "value": "2"
        }
      ],
      "seed": %d
    }
  ]
}
`, 5, 5)
	if string(got) != want {
		t.Errorf("plan.json:\n%s\nwant\n%s", got, want)
	}
	if _, err := os.Stat(file + ".tmp"); err == nil {
		t.Errorf("temporary file left behind")
	}
	// Writing a plan runs nothing.
	if ents, _ := os.ReadDir(filepath.Dir(file)); len(ents) != 1 {
		t.Errorf("plan directory holds %d entries", len(ents))
	}

	// A grid of 3 × 2 points, the first list varying slowest.
	p := writeTestPlan(t, dir)
	if len(p.Points) != 6 || p.Seed != 9 || p.DurationMs != 20 || !p.Grid {
		t.Fatalf("plan %+v", p)
	}
	pt := p.Points[3]
	if pt.Index != 3 || pt.Dir != "run-0003" || pt.Seed != 9 ||
		!reflect.DeepEqual(pt.Values, []PlanValue{{"P.tau", "3"}, {"P.I", "[1, 1.2, 1.4]"}}) {
		t.Errorf("point 3 = %+v", pt)
	}
}

// TestPlanShardsMatchLocalSweep runs a plan as three shards (one of them
// with the stop flag raised first, then again) and checks every result file
// and sweep.csv against a local -sweep of the same arguments.
func TestPlanShardsMatchLocalSweep(t *testing.T) {
	local := t.TempDir()
	if code, msg := runMain(t, leakyProgram(nil), nil, append([]string{"-out", local, "-workers", "2"}, planArgs...)...); code != 0 {
		t.Fatalf("local sweep: exit %d: %s", code, msg)
	}
	dir := t.TempDir()
	p := writeTestPlan(t, dir)
	file := filepath.Join(dir, "plan.json")
	for k := range 3 {
		code, msg := runMain(t, leakyProgram(nil), nil, "-plan", file, "-shard", fmt.Sprintf("%d/3", k), "-workers", "2")
		if code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, msg)
		}
		if want := fmt.Sprintf("leaky: shard %d/3: 2 runs done, 0 already complete; results in %s\n", k, dir); msg != want {
			t.Errorf("shard %d says %q, want %q", k, msg, want)
		}
		// Shard k wrote exactly points k and k+3.
		for i := range 6 {
			_, err := os.Stat(filepath.Join(dir, RunDirName(i)))
			if (i%3 <= k) != (err == nil) {
				t.Errorf("after shard %d: run %d exists: %v", k, i, err == nil)
			}
		}
	}
	// Per run: the manifest, and for monitors m and sub a t file, v and a
	// raster of two files.
	if n := sameResults(t, local, dir); n != 6*9 {
		t.Errorf("compared %d files, want %d", n, 6*9)
	}
	rep, err := CollectSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	if inc := rep.Incomplete(); len(inc) != 0 {
		t.Errorf("incomplete: %+v", inc)
	}
	a, _ := os.ReadFile(filepath.Join(local, "sweep.csv"))
	b, _ := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if !bytes.Equal(a, b) {
		t.Errorf("sweep.csv of the shards:\n%s\nlocal:\n%s", b, a)
	}
	if p.Points[5].Seed != 9 {
		t.Errorf("seed of point 5: %d, want the plan's seed 9", p.Points[5].Seed)
	}
}

// TestShardRestart checks that a shard skips complete points and redoes
// missing, partial, interrupted, failed and stale ones.
func TestShardRestart(t *testing.T) {
	local := t.TempDir()
	if code, msg := runMain(t, leakyProgram(nil), nil, append([]string{"-out", local}, planArgs...)...); code != 0 {
		t.Fatalf("local sweep: exit %d: %s", code, msg)
	}
	dir := t.TempDir()
	p := writeTestPlan(t, dir)
	file := filepath.Join(dir, "plan.json")
	if code, msg := runMain(t, leakyProgram(nil), nil, "-plan", file, "-shard", "0/1"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	run := func(i int, name string) string { return filepath.Join(dir, RunDirName(i), name) }
	before, _ := os.ReadFile(run(0, "manifest.json"))

	// 0 stays complete; 1 loses a data file; 2 has half a manifest; 3 was
	// interrupted; 4 failed; 5 is a run of another seed; a stray file in 1
	// must be gone after the redo.
	os.Remove(run(1, "m.v.npy"))
	os.WriteFile(run(1, "stray.npy"), []byte("x"), 0o644)
	m2, _ := os.ReadFile(run(2, "manifest.json"))
	os.WriteFile(run(2, "manifest.json"), m2[:len(m2)/2], 0o644)
	edit := func(i int, f func(*results.Manifest)) {
		m, err := results.ReadManifest(run(i, ""))
		if err != nil {
			t.Fatal(err)
		}
		f(m)
		if err := m.WriteFile(run(i, "manifest.json")); err != nil {
			t.Fatal(err)
		}
	}
	edit(3, func(m *results.Manifest) { m.Status = results.StatusInterrupted })
	edit(4, func(m *results.Manifest) { m.Status, m.Error = results.StatusError, "disk full" })
	edit(5, func(m *results.Manifest) { m.Seed++ })

	rep, err := CollectSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, pr := range rep.Points {
		states = append(states, pr.State)
	}
	if want := []string{PointOK, PointPartial, PointPartial, PointInterrupted, PointError, PointStale}; !reflect.DeepEqual(states, want) {
		t.Errorf("states %v, want %v", states, want)
	}
	if e := rep.Points[4].Err; e == nil || e.Error() != "disk full" {
		t.Errorf("error of point 4: %v", e)
	}
	if inc := rep.Incomplete(); len(inc) != 5 || inc[0].Index != 1 {
		t.Errorf("incomplete %+v", inc)
	}
	// sweep.csv keeps a row per point; only complete, interrupted and
	// failed runs have rates.
	csv, _ := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 7 {
		t.Fatalf("sweep.csv:\n%s", csv)
	}
	for i, want := range []string{"ok", "partial", "partial", "interrupted", "error", "stale"} {
		cells := strings.Split(lines[1+i], ",")
		if !strings.Contains(lines[1+i], fmt.Sprintf(",%d,0,%s,", p.Points[i].Seed, want)) {
			t.Errorf("row %d: %s, want status %s", i, lines[1+i], want)
		}
		emptyRates := cells[len(cells)-1] == "" && cells[len(cells)-2] == ""
		if emptyRates != (want == "partial" || want == "stale") {
			t.Errorf("row %d: %s", i, lines[1+i])
		}
	}

	code, msg := runMain(t, leakyProgram(nil), nil, "-plan", file, "-shard", "0/1")
	if code != 0 || !strings.Contains(msg, "5 runs done, 1 already complete") {
		t.Fatalf("exit %d: %s", code, msg)
	}
	after, _ := os.ReadFile(run(0, "manifest.json"))
	if !bytes.Equal(before, after) {
		t.Errorf("complete run 0 was redone")
	}
	if _, err := os.Stat(run(1, "stray.npy")); err == nil {
		t.Errorf("stray file of a partial run survived its redo")
	}
	sameResults(t, local, dir)
	if rep, err = CollectSweep(dir); err != nil || len(rep.Incomplete()) != 0 {
		t.Errorf("after the redo: %v %+v", err, rep.Incomplete())
	}
	a, _ := os.ReadFile(filepath.Join(local, "sweep.csv"))
	b, _ := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if !bytes.Equal(a, b) {
		t.Errorf("sweep.csv:\n%s\nlocal:\n%s", b, a)
	}
}

// TestShardInterrupted raises the stop flag during the second run of a
// shard: the runs not finished are "interrupted", the shard exits 130, and
// running it again completes them.
func TestShardInterrupted(t *testing.T) {
	dir := t.TempDir()
	writeTestPlan(t, dir)
	file := filepath.Join(dir, "plan.json")
	stop := new(atomic.Bool)
	steps := 0
	prog := leakyProgram(func(n *leaky) {
		steps++
		if steps == 25 { // step 5 of the second run (20 steps each)
			stop.Store(true)
		}
	})
	code, msg := runMain(t, prog, stop, "-plan", file, "-shard", "1/2", "-workers", "1")
	if code != ExitInterrupted || !strings.Contains(msg, "shard 1/2 interrupted: 2 of 3 runs incomplete") {
		t.Fatalf("exit %d: %s", code, msg)
	}
	rep, err := CollectSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, pr := range rep.Points {
		states = append(states, pr.State)
	}
	if want := []string{PointMissing, PointOK, PointMissing, PointInterrupted, PointMissing, PointInterrupted}; !reflect.DeepEqual(states, want) {
		t.Errorf("states %v, want %v", states, want)
	}
	m, _ := results.ReadManifest(filepath.Join(dir, "run-0003"))
	if m.Steps != 5 {
		t.Errorf("interrupted run simulated %d steps, want 5", m.Steps)
	}
	code, msg = runMain(t, leakyProgram(nil), nil, "-plan", file, "-shard", "1/2")
	if code != 0 || !strings.Contains(msg, "2 runs done, 1 already complete") {
		t.Fatalf("exit %d: %s", code, msg)
	}
}

func TestPlanUsageErrors(t *testing.T) {
	dir := t.TempDir()
	writeTestPlan(t, dir)
	file := filepath.Join(dir, "plan.json")
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-shard", "0/2"}, "-shard needs -plan FILE"},
		{[]string{"-plan", file}, "-plan needs -sweep or -trials (to write a plan) or -shard k/N (to run part of one)"},
		{[]string{"-plan", file, "-shard", "2/2"}, `-shard "2/2": want k/N with 0 <= k < N`},
		{[]string{"-plan", file, "-shard", "x"}, `-shard "x": want k/N with 0 <= k < N`},
		{[]string{"-plan", file, "-shard", "0/0"}, `-shard "0/0": want k/N with 0 <= k < N`},
		{[]string{"-plan", file, "-shard", "0/2", "-seed", "3"}, "-seed cannot be given with -shard: the plan holds it"},
		{[]string{"-plan", file, "-shard", "0/2", "-sweep", "P.tau=1"}, "-sweep cannot be given with -shard: the plan holds it"},
		{[]string{"-plan", filepath.Join(dir, "x.json"), "-sweep", "P.nope=1,2"}, `-sweep P.nope=1: unknown path "P.nope"`},
		{[]string{"-plan", filepath.Join(dir, "none.json"), "-shard", "0/1"}, "no such file"},
	} {
		code, msg := runMain(t, leakyProgram(nil), nil, tc.args...)
		if code != ExitUsage || !strings.Contains(msg, tc.msg) {
			t.Errorf("%q: exit %d, %q; want 2 and %q", tc.args, code, msg, tc.msg)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
		t.Errorf("a plan with a bad path was written")
	}

	// A plan of another model, and a hand-edited plan.
	other := leakyProgram(nil)
	other.ModelHash = "def456"
	code, msg := runMain(t, other, nil, "-plan", file, "-shard", "0/1")
	if code != ExitUsage || !strings.Contains(msg, "is a plan for model leaky (hash abc123), but this program runs leaky (hash def456)") {
		t.Errorf("exit %d: %s", code, msg)
	}
	b, _ := os.ReadFile(file)
	os.WriteFile(file, bytes.Replace(b, []byte(`"value": "3"`), []byte(`"value": "7"`), 1), 0o644)
	code, msg = runMain(t, leakyProgram(nil), nil, "-plan", file, "-shard", "0/1")
	if code != ExitUsage || !strings.Contains(msg, "point 2 is") {
		t.Errorf("exit %d: %s", code, msg)
	}
}

func TestParseShard(t *testing.T) {
	for s, want := range map[string][3]int{"0/1": {0, 1, 1}, "3/4": {3, 4, 1}, " 1 / 2 ": {1, 2, 1}, "4/4": {}, "-1/4": {}, "1": {}, "a/b": {}} {
		k, n, ok := parseShard(s)
		got := [3]int{k, n, 0}
		if ok {
			got[2] = 1
		} else {
			got = [3]int{}
		}
		if got != want {
			t.Errorf("parseShard(%q) = %v, want %v", s, got, want)
		}
	}
}
