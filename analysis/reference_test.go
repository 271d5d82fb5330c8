package analysis

import (
	"encoding/json"
	"github.com/annc/annc/runtime/results"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestReferenceStatistics compares with statistics computed independently by
// numpy (testdata/reference/make.py) on a real raster of the runtime: 50
// noisy LIF neurons over 200 ms. The CV follows ANNarchy's definition and κ
// BrainPy's cross_correlation on a dense spike matrix, so this checks the
// binning conventions and the O(N·bins) form of κ against the pairwise one.
func TestReferenceStatistics(t *testing.T) {
	dir := filepath.Join("testdata", "reference")
	ta, err := results.ReadNpyFile(filepath.Join(dir, "times.npy"))
	if err != nil {
		t.Fatal(err)
	}
	ra, err := results.ReadNpyFile(filepath.Join(dir, "ranks.npy"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Spikes   int     `json:"spikes"`
		RateHz   float64 `json:"rate_hz"`
		MeanCV   float64 `json:"mean_cv"`
		Kappa1ms float64 `json:"kappa_1ms"`
		Kappa2ms float64 `json:"kappa_2ms"`
		Kappa7ms float64 `json:"kappa_7ms"`
		Fano5ms  float64 `json:"fano_5ms"`
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	s, err := NewSpikes(ta.Float, ra.Int, 50, 200)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, exp float64) {
		t.Helper()
		if math.Abs(got-exp) > 1e-12*math.Max(1, math.Abs(exp)) {
			t.Errorf("%s = %.17g, numpy gives %.17g", what, got, exp)
		}
	}
	if s.Count() != want.Spikes {
		t.Fatalf("%d spikes, want %d", s.Count(), want.Spikes)
	}
	check("MeanRate", s.MeanRate(), want.RateHz)
	check("MeanCV", s.MeanCV(), want.MeanCV)
	for _, c := range []struct {
		bin  float64
		want float64
	}{{1, want.Kappa1ms}, {2, want.Kappa2ms}, {7, want.Kappa7ms}} {
		k, err := s.CrossCorrelation(c.bin)
		if err != nil {
			t.Fatal(err)
		}
		check("CrossCorrelation", k, c.want)
	}
	f, err := s.MeanFanoFactor(5)
	if err != nil {
		t.Fatal(err)
	}
	check("MeanFanoFactor(5)", f, want.Fano5ms)
}
