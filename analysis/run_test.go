package analysis

import (
	"archive/zip"
	"bytes"
	"github.com/annc/annc/runtime/results"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const testManifest = `{
  "model": "toy",
  "model_hash": "abc123",
  "annc_version": "0.1.0",
  "seed": 42,
  "dt": 0.5,
  "steps": 20,
  "simulated_ms": 10,
  "status": "ok",
  "wall_s": {"generate": 0.1, "build": 1.5, "setup": 0.01, "simulate": 0.2},
  "set": {"pop.I": "1.5"},
  "files": [
    {"file": "m.v.npy", "monitor": "m", "variable": "v", "shape": [3, 2], "dtype": "<f8", "period_ms": 1},
    {"file": "m.spike_times.npy", "monitor": "m", "variable": "spike_times", "shape": [3], "dtype": "float64", "period_ms": 0},
    {"file": "m.spike_ranks.npy", "monitor": "m", "variable": "spike_ranks", "shape": [3], "dtype": "<i8", "period_ms": 0.5},
    {"file": "q.spike_times.npy", "monitor": "q", "variable": "spike_times", "shape": [2], "dtype": "<f8", "period_ms": 0.5, "size": 10},
    {"file": "q.spike_ranks.npy", "monitor": "q", "variable": "spike_ranks", "shape": [2], "dtype": "int64", "period_ms": 0}
  ]
}`

// writeRun writes a results directory with two spiking monitors: m (2
// neurons, size taken from its recorded v) and q (size 10 from the manifest).
func writeRun(t *testing.T, dir string) {
	t.Helper()
	files := map[string][]byte{
		"manifest.json":     []byte(testManifest),
		"m.v.npy":           npyBytes("<f8", []int{3, 2}, []float64{-65, -70, -60, -69, -55, -68}),
		"m.spike_times.npy": npyBytes("<f8", []int{3}, []float64{1, 1, 4.5}),
		"m.spike_ranks.npy": npyBytes("<i8", []int{3}, []int64{0, 1, 1}),
		"q.spike_times.npy": npyBytes("<f8", []int{2}, []float64{2, 3}),
		"q.spike_ranks.npy": npyBytes("<i8", []int{2}, []int64{4, 4}),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadRun(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir)
	r, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := r.Manifest
	if m.Model != "toy" || m.ModelHash != "abc123" || m.Seed != 42 || m.Dt != 0.5 || m.Steps != 20 ||
		m.SimulatedMs != 10 || m.WallS.Build != 1.5 || m.Set["pop.I"] != "1.5" || len(m.Files) != 5 {
		t.Fatalf("manifest %+v", m)
	}
	if !slices.Equal(r.Spiking, []string{"m", "q"}) {
		t.Fatalf("spiking monitors %v", r.Spiking)
	}
	sm := r.Spikes["m"]
	if sm.N != 2 || sm.Duration != 10 || !slices.Equal(sm.Times, []float64{1, 1, 4.5}) || !slices.Equal(sm.Ranks, []int64{0, 1, 1}) {
		t.Fatalf("m raster %+v", sm)
	}
	// 3 spikes / 2 neurons / 0.01 s
	if sm.MeanRate() != 150 {
		t.Fatalf("m rate %v", sm.MeanRate())
	}
	if q := r.Spikes["q"]; q.N != 10 || q.MeanRate() != 20 {
		t.Fatalf("q raster %+v", q)
	}
	v := r.Trace("m", "v")
	if v == nil || v.Steps() != 3 || v.Width() != 2 || v.PeriodMs != 1 {
		t.Fatalf("trace %+v", v)
	}
	if !slices.Equal(v.Column(1), []float64{-70, -69, -68}) || !slices.Equal(v.Mean(), []float64{-67.5, -64.5, -61.5}) ||
		!slices.Equal(v.Times(), []float64{0, 1, 2}) {
		t.Fatalf("trace data %v %v %v", v.Column(1), v.Mean(), v.Times())
	}
	if r.Trace("m", "u") != nil {
		t.Fatal("found an unrecorded trace")
	}
	if !IsRunDir(dir) || IsSweepDir(dir) {
		t.Fatal("directory kind")
	}
}

func TestLoadRunRejects(t *testing.T) {
	cases := []struct {
		name, want string
		edit       func(dir string)
	}{
		{"missing array", "no such file", func(d string) { os.Remove(filepath.Join(d, "m.v.npy")) }},
		{"shape mismatch", "manifest.json says [3 2]", func(d string) {
			os.WriteFile(filepath.Join(d, "m.v.npy"), npyBytes("<f8", []int{2, 3}, make([]float64, 6)), 0o644)
		}},
		{"ranks as floats", "dtype <f8, manifest.json says <i8", func(d string) {
			os.WriteFile(filepath.Join(d, "m.spike_ranks.npy"), npyBytes("<f8", []int{3}, []float64{0, 1, 1}), 0o644)
		}},
		{"unordered spikes", "must be ordered", func(d string) {
			os.WriteFile(filepath.Join(d, "m.spike_times.npy"), npyBytes("<f8", []int{3}, []float64{4.5, 1, 1}), 0o644)
		}},
		{"negative rank", "outside [0, 2)", func(d string) {
			os.WriteFile(filepath.Join(d, "m.spike_ranks.npy"), npyBytes("<i8", []int{3}, []int64{0, 1, -2}), 0o644)
		}},
		{"manifest syntax", "manifest.json:3:", func(d string) {
			os.WriteFile(filepath.Join(d, "manifest.json"), []byte("{\n  \"model\": \"x\",\n  oops\n}"), 0o644)
		}},
		{"path in file name", "not a plain file name", func(d string) {
			s := strings.Replace(testManifest, `"file": "m.v.npy"`, `"file": "../m.v.npy"`, 1)
			os.WriteFile(filepath.Join(d, "manifest.json"), []byte(s), 0o644)
		}},
		{"running", "has not finished", func(d string) {
			s := strings.Replace(testManifest, `"status": "ok"`, `"status": "running"`, 1)
			os.WriteFile(filepath.Join(d, "manifest.json"), []byte(s), 0o644)
		}},
		{"no manifest", "not a results directory, or a run that has not finished", func(d string) {
			os.Remove(filepath.Join(d, "manifest.json"))
		}},
		{"half a raster", "has no spike_ranks", func(d string) {
			line := `    {"file": "m.spike_ranks.npy", "monitor": "m", "variable": "spike_ranks", "shape": [3], "dtype": "<i8", "period_ms": 0.5},` + "\n"
			s := strings.Replace(testManifest, line, "", 1)
			os.WriteFile(filepath.Join(d, "manifest.json"), []byte(s), 0o644)
		}},
	}
	for _, c := range cases {
		dir := t.TempDir()
		writeRun(t, dir)
		c.edit(dir)
		_, err := LoadRun(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestLoadSweep(t *testing.T) {
	dir := t.TempDir()
	csv := "index,proj.g_max,seed,status,m_rate_hz,q_rate_hz\n" +
		"1,0.06,43,ok,12.5,\n" +
		"0,0.05,42,error,10,2.5\n"
	os.WriteFile(filepath.Join(dir, "sweep.csv"), []byte(csv), 0o644)
	writeRun(t, filepath.Join(dir, "run-0000"))
	writeRun(t, filepath.Join(dir, "run-0001"))
	s, err := LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Params, []string{"proj.g_max"}) || !slices.Equal(s.Metrics, []string{"m_rate_hz", "q_rate_hz"}) {
		t.Fatalf("columns %v %v", s.Params, s.Metrics)
	}
	if len(s.Rows) != 2 || s.Rows[0].Index != 0 || s.Rows[0].Seed != 42 || s.Rows[1].Values[0] != 0.06 ||
		s.Rows[0].Status != "error" || s.Rows[1].Status != "ok" || s.Rows[1].Raw[0] != "0.06" || !s.Numeric(0) {
		t.Fatalf("rows %+v", s.Rows)
	}
	// An empty cell (a run that did not finish) reads as NaN.
	if c, _ := s.Column("q_rate_hz"); c[0] != 2.5 || !math.IsNaN(c[1]) {
		t.Fatalf("q column %v", c)
	}
	if c, _ := s.Column("m_rate_hz"); !slices.Equal(c, []float64{10, 12.5}) {
		t.Fatalf("metric column %v", c)
	}
	if c, _ := s.Column("proj.g_max"); !slices.Equal(c, []float64{0.05, 0.06}) {
		t.Fatalf("param column %v", c)
	}
	if _, ok := s.Column("nope"); ok {
		t.Fatal("unknown column found")
	}
	r, err := s.LoadRun(1)
	if err != nil || r.Dir != filepath.Join(dir, "run-0001") {
		t.Fatalf("LoadRun: %v %v", r, err)
	}
	if !IsSweepDir(dir) || IsRunDir(dir) {
		t.Fatal("directory kind")
	}

	// Swept values that are not numbers are kept as written.
	os.WriteFile(filepath.Join(dir, "sweep.csv"), []byte("index,pop.v,seed\n0,\"Uniform(-70,-50)\",1\n1,-60,2\n"), 0o644)
	s, err = LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Numeric(0) || s.Rows[0].Raw[0] != "Uniform(-70,-50)" || !math.IsNaN(s.Rows[0].Values[0]) || s.Rows[1].Values[0] != -60 || len(s.Metrics) != 0 {
		t.Fatalf("non-numeric sweep %+v", s)
	}

	// Trials of a swept seed as files written before it lost its own
	// column had them: the swept seed is a parameter, the last seed column
	// the run's.
	os.WriteFile(filepath.Join(dir, "sweep.csv"), []byte("index,seed,seed,trial,status,m_rate_hz\n0,5,5,0,ok,1\n1,5,77,1,ok,3\n"), 0o644)
	s, err = LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Params, []string{"seed"}) || !slices.Equal(s.Metrics, []string{"m_rate_hz"}) ||
		s.Rows[1].Seed != 77 || s.Rows[1].Trial != 1 || s.Rows[1].Raw[0] != "5" {
		t.Fatalf("trials sweep %+v", s)
	}
	if c, _ := s.Column("seed"); !slices.Equal(c, []float64{5, 5}) {
		t.Fatalf("swept seed column %v", c)
	}
	if c, _ := s.Column("trial"); !slices.Equal(c, []float64{0, 1}) {
		t.Fatalf("trial column %v", c)
	}

	bad := []struct{ csv, want string }{
		{"index,a,seed,trial\n0,1,1,x\n", "trial \"x\" is not a non-negative integer"},
		{"idx,seed\n", "must start with \"index\""},
		{"index,a\n", "no \"seed\""},
		{"index,a,seed,r_rate_hz\n0,1,1,x\n", "sweep.csv:2: column \"r_rate_hz\": \"x\" is not a number"},
		{"index,a,seed\n0,1,1\n0,2,1\n", "index 0 appears twice"},
		{"index,a,seed\n0,1\n", "wrong number of fields"},
	}
	for _, b := range bad {
		os.WriteFile(filepath.Join(dir, "sweep.csv"), []byte(b.csv), 0o644)
		_, err := LoadSweep(dir)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want %q", b.csv, err, b.want)
		}
	}
}

func TestWriteRunNpz(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir)
	out := filepath.Join(t.TempDir(), "run.npz")
	if err := results.WriteRunNpz(dir, out); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Store {
			t.Errorf("%s is compressed", f.Name)
		}
		rc, _ := f.Open()
		got, _ := io.ReadAll(rc)
		rc.Close()
		want, _ := os.ReadFile(filepath.Join(dir, f.Name))
		if f.Name == "manifest.json" {
			m, _ := results.ReadManifest(dir)
			want, _ = m.Marshal()
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the .npy file", f.Name)
		}
	}
	want := []string{"m.v.npy", "m.spike_times.npy", "m.spike_ranks.npy", "q.spike_times.npy", "q.spike_ranks.npy", "manifest.json"}
	if !slices.Equal(names, want) {
		t.Fatalf("archive lists %v, want %v", names, want)
	}
	// The array names numpy.load reports are the member names without .npy.
	for i, n := range names {
		names[i] = strings.TrimSuffix(n, ".npy")
	}
	if !slices.Contains(names, "m.v") {
		t.Fatalf("keys %v", names)
	}

	// A corrupt array fails the bundle and leaves no file behind.
	os.WriteFile(filepath.Join(dir, "m.v.npy"), []byte("junk"), 0o644)
	out2 := filepath.Join(t.TempDir(), "bad.npz")
	if err := results.WriteRunNpz(dir, out2); err == nil {
		t.Fatal("corrupt array: no error")
	}
	if _, err := os.Stat(out2); !os.IsNotExist(err) {
		t.Fatal("failed WriteNpz left a file")
	}
	entries, _ := os.ReadDir(filepath.Dir(out2))
	if len(entries) != 0 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestSummarize(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir)
	r, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Summarize(r, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Monitor != "m" || got[1].Monitor != "q" {
		t.Fatalf("summaries %+v", got)
	}
	// m: neuron 0 fires at 1, neuron 1 at 1 and 4.5 (2 neurons, 10 ms).
	// Bins of 5 ms: X0 = [1 0], X1 = [1 0] → κ = 1/√1 = 1.
	// Counts: neuron 0 [1 0] → mean 0.5, variance 0.25, Fano 0.5; neuron 1 [2 0] → mean 1, variance 1, Fano 1.
	m := got[0]
	if m.Neurons != 2 || m.Spikes != 3 || m.RateHz != 150 || !math.IsNaN(m.CV) || m.Synchrony != 1 || m.Fano != 0.75 || m.SyncBin != 5 {
		t.Fatalf("m summary %+v", m)
	}
	// q: neuron 4 of 10 fires at 2 and 3: Fano of [2 0] is 1; one active neuron of 10 → κ = 0.
	q := got[1]
	if q.Neurons != 10 || q.Spikes != 2 || q.RateHz != 20 || q.Fano != 1 || q.Synchrony != 0 {
		t.Fatalf("q summary %+v", q)
	}
	if s, _ := Summarize(r, 0); s[0].SyncBin != DefaultSyncBin {
		t.Fatalf("default bin %v", s[0].SyncBin)
	}
	if _, err := Summarize(r, -1); err == nil {
		t.Fatal("negative bin: no error")
	}
}

// npyBytes is what numpy.save writes for the array.
func npyBytes(descr string, shape []int, data any) []byte {
	var b bytes.Buffer
	if err := results.WriteNpy(&b, shape, data); err != nil {
		panic(err)
	}
	if got := results.NpyHeader(descr, shape); !bytes.HasPrefix(b.Bytes(), got) {
		panic("npyBytes: descriptor " + descr + " does not match the data")
	}
	return b.Bytes()
}

// A run resumed from a saved state at 100 ms holds spikes in [100, 110]:
// its window starts there.
func TestLoadRunResumed(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir)
	s := strings.Replace(testManifest, `"status": "ok"`, `"start_ms": 100, "end_ms": 110, "status": "ok"`, 1)
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(s), 0o644)
	os.WriteFile(filepath.Join(dir, "m.spike_times.npy"), npyBytes("<f8", []int{3}, []float64{101, 101, 104.5}), 0o644)
	os.WriteFile(filepath.Join(dir, "q.spike_times.npy"), npyBytes("<f8", []int{2}, []float64{102, 103}), 0o644)
	r, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	sm := r.Spikes["m"]
	if !slices.Equal(sm.Times, []float64{101, 101, 104.5}) || sm.T0 != 100 || sm.MeanRate() != 150 {
		t.Fatalf("m raster %+v", sm)
	}
	if h, err := sm.Histogram(2); err != nil || !slices.Equal(h, []int{2, 0, 1, 0, 0}) {
		t.Fatalf("m histogram %v %v, want [2 0 1 0 0]", h, err)
	}
}

// A view's monitor records population ranks beyond its size (the manifest's
// size): per-neuron results are indexed by them, rates count its neurons.
func TestLoadRunView(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir)
	os.WriteFile(filepath.Join(dir, "m.spike_ranks.npy"), npyBytes("<i8", []int{3}, []int64{5, 6, 6}), 0o644)
	r, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	sm := r.Spikes["m"]
	if sm.N != 7 || sm.Recorded != 2 || !slices.Equal(sm.NeuronCounts(), []int{0, 0, 0, 0, 0, 1, 2}) {
		t.Fatalf("view raster %+v, counts %v", sm, sm.NeuronCounts())
	}
	if got, want := sm.MeanRate(), 3/(2*sm.Duration/1000); got != want {
		t.Errorf("view mean rate %v, want %v (3 spikes of 2 neurons)", got, want)
	}
}
