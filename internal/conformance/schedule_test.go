package conformance

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annc/annc/analysis"
)

// TestSchedule runs testdata/schedule.yaml (dt = 1 ms; frame k is step k of
// the whole run, 18 steps) and checks every value its steps set:
//   - set P.I = 1, simulate 3: frames 0-2 have x = 1;
//   - every {period 2, offset 1} with rows [10, 20], [30, 40], 50, then
//     simulate 6 from t0 = 3: the calls run before the steps at t0+1+2n, so
//     frame 3 has 1, frames 4-5 row 0, 6-7 row 1, 8 row 2 (one number for
//     both neurons);
//   - callbacks and the learning of pq off, P.I = Uniform(5, 5), simulate 2:
//     frames 9-10 have 5 and w stays;
//   - callbacks and learning on, then repeat 3 × {P.I = row i of rows.npy
//     [7, 8], simulate 1}: the every block is due at t0+1, after each
//     one-step run, so it never runs: frames 11-13 have 7, 8, 7;
//   - reset of the populations (not the monitors): the clock and c, k
//     restart from 0, I keeps 7, and simulate_until k >= 4 runs 4 steps.
//
// c counts the steps since the start or the reset; w grows by dt at each
// step during which pq learns (dw/dt = 1, explicit).
func TestSchedule(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/schedule.yaml")
	if r.Manifest.Steps != 18 {
		t.Errorf("manifest steps = %d, want 18", r.Manifest.Steps)
	}
	x := [][]float64{{1, 1}, {1, 1}, {1, 1}, {1, 1}, {10, 20}, {10, 20}, {30, 40}, {30, 40}, {50, 50},
		{5, 5}, {5, 5}, {7, 7}, {8, 8}, {7, 7}, {7, 7}, {7, 7}, {7, 7}, {7, 7}}
	expect(t, trace(t, r, "mp", "x", 18, 2), func(k, i int) float64 { return x[k][i] })
	expect(t, trace(t, r, "mp", "c", 18, 2), func(k, _ int) float64 {
		if k >= 14 {
			return float64(k - 13)
		}
		return float64(k + 1)
	})
	w := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 10, 11, 12, 13, 14, 15, 16}
	expect(t, trace(t, r, "mw", "w", 18, 2), func(k, _ int) float64 { return w[k] })
}

// TestScheduleDuration: a model with a schedule refuses -duration, which
// it has no use for; a sweep runs the schedule at every point.
func TestScheduleDuration(t *testing.T) {
	t.Parallel()
	res := compile(t, "testdata/schedule.yaml")
	out, err := exec.Command(res.Binary, "-duration", "5", "-out", t.TempDir()).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "schedule says how long it runs") {
		t.Errorf("-duration with a schedule: err %v, output %s", err, out)
	}
	dir := t.TempDir()
	if out, err := exec.Command(res.Binary, "-sweep", "S.k=0,1", "-out", dir).CombinedOutput(); err != nil {
		t.Fatalf("sweep: %v\n%s", err, out)
	}
	for i := range 2 {
		r, err := analysis.LoadRun(filepath.Join(dir, fmt.Sprintf("run-%04d", i)))
		if err != nil {
			t.Fatal(err)
		}
		// S.k is set before the schedule, whose reset sets it to 0 again:
		// simulate_until takes 4 steps either way.
		if r.Manifest.Steps != 18 {
			t.Errorf("sweep point %d: %d steps, want 18", i, r.Manifest.Steps)
		}
	}
}
