package plot

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/annc/annc/analysis"

	"gonum.org/v1/plot/plotter"
)

// writeNpy writes a version-1.0 .npy file by hand (header dict padded with
// spaces to a 64-byte boundary, then little-endian data), independently of
// the reader under test.
func writeNpy(t testing.TB, path, descr string, shape []int, data any) {
	t.Helper()
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	tuple += ")"
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	pad := (64 - (10+len(dict)+1)%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	binary.Write(&b, binary.LittleEndian, data)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

type fileEntry struct {
	File     string  `json:"file"`
	Monitor  string  `json:"monitor"`
	Variable string  `json:"variable"`
	Shape    []int   `json:"shape"`
	Dtype    string  `json:"dtype"`
	PeriodMs float64 `json:"period_ms"`
	Size     int     `json:"size,omitempty"`
	Unit     string  `json:"unit,omitempty"`
}

// writeRunDir writes a synthetic 200 ms run of 20 regularly firing neurons
// (neuron i fires every 10+i ms, offset by i ms) with the membrane potential
// of all 20 recorded every 0.5 ms (a sawtooth rising from -65 to -50 mV), one
// synaptic weight trace of 3 synapses, and a silent spiking monitor.
func writeRunDir(t *testing.T, dir string, rateScale float64) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const n, dur, dt = 20, 200.0, 0.5
	type sp struct {
		t float64
		r int64
	}
	var spikes []sp
	for i := 0; i < n; i++ {
		period := (10 + float64(i)) / rateScale
		for t := float64(i); t < dur; t += period {
			spikes = append(spikes, sp{math.Round(t/dt) * dt, int64(i)})
		}
	}
	slices.SortFunc(spikes, func(a, b sp) int {
		if a.t != b.t {
			if a.t < b.t {
				return -1
			}
			return 1
		}
		return int(a.r - b.r)
	})
	times := make([]float64, len(spikes))
	ranks := make([]int64, len(spikes))
	for i, s := range spikes {
		times[i], ranks[i] = s.t, s.r
	}
	steps := int(dur / dt)
	v := make([]float64, steps*n)
	for k := 0; k < steps; k++ {
		for i := 0; i < n; i++ {
			phase := math.Mod(float64(k)*dt+float64(i), 10+float64(i)) / (10 + float64(i))
			v[k*n+i] = -65 + 15*phase
		}
	}
	w := make([]float64, steps*3)
	for k := 0; k < steps; k++ {
		for j := 0; j < 3; j++ {
			w[k*3+j] = float64(j+1) * (1 - math.Exp(-float64(k)*dt/50))
		}
	}
	writeNpy(t, filepath.Join(dir, "exc.spike_times.npy"), "<f8", []int{len(times)}, times)
	writeNpy(t, filepath.Join(dir, "exc.spike_ranks.npy"), "<i8", []int{len(ranks)}, ranks)
	writeNpy(t, filepath.Join(dir, "exc.v.npy"), "<f8", []int{steps, n}, v)
	writeNpy(t, filepath.Join(dir, "syn.w.npy"), "<f4", []int{steps, 3}, toF32(w))
	writeNpy(t, filepath.Join(dir, "quiet.spike_times.npy"), "<f8", []int{0}, []float64{})
	writeNpy(t, filepath.Join(dir, "quiet.spike_ranks.npy"), "<i8", []int{0}, []int64{})
	man := map[string]any{
		"model": "synthetic", "model_hash": "0", "annc_version": "test", "seed": 1,
		"dt": dt, "steps": steps, "simulated_ms": dur, "status": "ok",
		"wall_s": map[string]float64{"generate": 0, "build": 0, "setup": 0, "simulate": 0},
		"set":    map[string]any{},
		"files": []fileEntry{
			{"exc.v.npy", "exc", "v", []int{steps, n}, "<f8", dt, 0, "mV"},
			{"exc.spike_times.npy", "exc", "spike_times", []int{len(times)}, "<f8", dt, n, ""},
			{"exc.spike_ranks.npy", "exc", "spike_ranks", []int{len(ranks)}, "<i8", dt, n, ""},
			{"syn.w.npy", "syn", "w", []int{steps, 3}, "<f4", dt, 0, ""},
			{"quiet.spike_times.npy", "quiet", "spike_times", []int{0}, "<f8", dt, 4, ""},
			{"quiet.spike_ranks.npy", "quiet", "spike_ranks", []int{0}, "<i8", dt, 4, ""},
		},
	}
	b, _ := json.MarshalIndent(man, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func toF32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// inked is the fraction of pixels that are not (near) white.
func inked(t *testing.T, path string) (image.Rectangle, float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				dark++
			}
		}
	}
	return b, float64(dark) / float64(b.Dx()*b.Dy())
}

func TestDirRun(t *testing.T) {
	dir := t.TempDir()
	writeRunDir(t, dir, 1)
	paths, err := Dir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"exc.raster.png", "quiet.raster.png", "exc.v.png", "syn.w.png"}
	var got []string
	for _, p := range paths {
		if filepath.Dir(p) != dir {
			t.Errorf("%s written outside the results directory", p)
		}
		got = append(got, filepath.Base(p))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("wrote %v, want %v", got, want)
	}
	// Sizes at 96 dpi: raster 8x7 in, traces 8x4.5 in.
	sizes := map[string][2]int{"exc.raster.png": {768, 672}, "quiet.raster.png": {768, 672}, "exc.v.png": {768, 432}, "syn.w.png": {768, 432}}
	for _, p := range paths {
		b, frac := inked(t, p)
		sz := sizes[filepath.Base(p)]
		if b.Dx() != sz[0] || b.Dy() != sz[1] {
			t.Errorf("%s is %dx%d, want %dx%d", filepath.Base(p), b.Dx(), b.Dy(), sz[0], sz[1])
		}
		// Not a blank canvas; how much the data itself adds is checked below
		// by comparing figures of more and less data.
		min := 0.02
		if filepath.Base(p) == "quiet.raster.png" {
			min = 0.01 // only axes, titles and a flat rate line
		}
		if frac < min || frac > 0.9 {
			t.Errorf("%s: %.3f of the pixels are inked, want between %.3f and 0.9", filepath.Base(p), frac, min)
		}
		t.Logf("%s: %.3f inked", filepath.Base(p), frac)
	}
	// A denser raster inks more than a sparse one: the dots are really drawn.
	_, sparse := inked(t, filepath.Join(dir, "exc.raster.png"))
	dense := t.TempDir()
	writeRunDir(t, dense, 4)
	if _, err := Dir(dense, Options{}); err != nil {
		t.Fatal(err)
	}
	_, full := inked(t, filepath.Join(dense, "exc.raster.png"))
	if full <= sparse*1.2 {
		t.Errorf("raster with 4x the spikes inks %.3f, sparse one %.3f", full, sparse)
	}
	_, quiet := inked(t, filepath.Join(dir, "quiet.raster.png"))
	if sparse <= quiet*1.5 {
		t.Errorf("raster with spikes inks %.3f, silent one %.3f", sparse, quiet)
	}
}

func TestDirSVG(t *testing.T) {
	dir := t.TempDir()
	writeRunDir(t, dir, 1)
	paths, err := Dir(dir, Options{Format: "svg", MaxTraces: 2, Sigma: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Fatalf("wrote %v", paths)
	}
	for _, p := range paths {
		if !strings.HasSuffix(p, ".svg") {
			t.Errorf("%s is not .svg", p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if !strings.Contains(s, "<svg") || !strings.Contains(s, "</svg>") {
			t.Errorf("%s is not an SVG document", p)
		}
		if strings.HasSuffix(p, "exc.v.svg") {
			// Two single neurons and the mean of 20 in the legend; the
			// unit the manifest gives.
			for _, label := range []string{"#0", "#19", "mean of 20", "v (mV)", "time (ms)"} {
				if !strings.Contains(s, label) {
					t.Errorf("exc.v.svg lacks %q", label)
				}
			}
		}
		if strings.HasSuffix(p, "exc.raster.svg") {
			for _, label := range []string{"neuron rank", "rate (Hz)", "time (ms)", "bin 0.5 ms)"} {
				if !strings.Contains(s, label) {
					t.Errorf("exc.raster.svg lacks %q", label)
				}
			}
		}
	}
}

func TestDirSweep(t *testing.T) {
	dir := t.TempDir()
	csv := "index,proj.g_max,seed,exc_rate_hz,quiet_rate_hz\n"
	for i := 0; i < 4; i++ {
		writeRunDir(t, filepath.Join(dir, fmt.Sprintf("run-%04d", i)), 1+float64(i))
		csv += fmt.Sprintf("%d,%g,%d,%g,0\n", i, 0.05+0.01*float64(i), 42+i, 60*(1+float64(i)))
	}
	os.WriteFile(filepath.Join(dir, "sweep.csv"), []byte(csv), 0o644)
	paths, err := Dir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range paths {
		got = append(got, filepath.Base(p))
	}
	// The rates of sweep.csv, then the statistics computed from each run's
	// raster; the silent monitor has no CV or Fano factor to draw, but its
	// synchrony is defined (0).
	want := []string{"sweep.exc_rate_hz.png", "sweep.quiet_rate_hz.png",
		"sweep.exc_cv.png", "sweep.exc_fano.png", "sweep.exc_synchrony.png", "sweep.quiet_synchrony.png"}
	if !slices.Equal(got, want) {
		t.Fatalf("wrote %v, want %v", got, want)
	}
	b, frac := inked(t, paths[0])
	if b.Dx() != 576 || b.Dy() != 432 || frac < 0.02 {
		t.Fatalf("sweep figure %v, %.3f inked", b, frac)
	}

	// Two swept paths: one figure per metric and path.
	csv = "index,a,b,seed,exc_rate_hz\n0,1,2,1,3\n1,2,2,1,4\n2,1,3,1,5\n3,2,3,1,6\n"
	os.WriteFile(filepath.Join(dir, "sweep.csv"), []byte(csv), 0o644)
	paths, err = Dir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, p := range paths {
		got = append(got, filepath.Base(p))
	}
	if len(got) < 2 || !slices.Equal(got[:2], []string{"sweep.exc_rate_hz.vs.a.png", "sweep.exc_rate_hz.vs.b.png"}) {
		t.Fatalf("wrote %v", got)
	}
}

func TestDirErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Dir(dir, Options{}); err == nil || !strings.Contains(err.Error(), "not a results directory") {
		t.Fatalf("empty dir: %v", err)
	}
	if _, err := Dir(filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Fatal("missing dir: no error")
	}
	writeRunDir(t, dir, 1)
	if _, err := Dir(dir, Options{Format: "gif"}); err == nil || !strings.Contains(err.Error(), "unsupported format") {
		t.Fatalf("bad format: %v", err)
	}
	os.Remove(filepath.Join(dir, "exc.v.npy"))
	if _, err := Dir(dir, Options{}); err == nil || !strings.Contains(err.Error(), "exc.v.npy") {
		t.Fatalf("missing array: %v", err)
	}
}

func TestPick(t *testing.T) {
	cases := []struct {
		n, k int
		want []int
	}{
		{3, 5, []int{0, 1, 2}},
		{20, 5, []int{0, 5, 10, 14, 19}},
		{100, 2, []int{0, 99}},
		{7, 1, []int{0}},
	}
	for _, c := range cases {
		if got := pick(c.n, c.k); !slices.Equal(got, c.want) {
			t.Errorf("pick(%d, %d) = %v, want %v", c.n, c.k, got, c.want)
		}
	}
}

func TestDecimate(t *testing.T) {
	// Short series pass through; NaN samples are dropped.
	got := decimate([]float64{0, 1, 2}, []float64{5, math.NaN(), 7})
	if want := (plotter.XYs{{X: 0, Y: 5}, {X: 2, Y: 7}}); !slices.Equal(got, want) {
		t.Fatalf("decimate short = %v", got)
	}
	// A long flat series with one spike keeps the spike.
	n := 10 * maxPoints
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	y[12345] = 40
	d := decimate(x, y)
	if len(d) > maxPoints+2 {
		t.Fatalf("decimated to %d points", len(d))
	}
	found := false
	for i, p := range d {
		if p.Y == 40 && p.X == 12345 {
			found = true
		}
		if i > 0 && p.X <= d[i-1].X {
			t.Fatalf("points out of order at %d", i)
		}
	}
	if !found {
		t.Fatal("decimation lost the spike")
	}
}

// A sweep as the runner writes it: a status column, a failed run without a
// directory and an empty rate, and swept values that are not numbers.
func TestDirSweepStatusAndNominal(t *testing.T) {
	dir := t.TempDir()
	csv := "index,pop.v,seed,status,exc_rate_hz\n" +
		"0,\"Uniform(-70,-50)\",1,ok,60\n" +
		"1,-60,2,error,\n" +
		"2,-55,3,ok,120\n"
	os.WriteFile(filepath.Join(dir, "sweep.csv"), []byte(csv), 0o644)
	writeRunDir(t, filepath.Join(dir, "run-0000"), 1)
	writeRunDir(t, filepath.Join(dir, "run-0002"), 2)
	paths, err := Dir(dir, Options{Format: "svg"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range paths {
		got = append(got, filepath.Base(p))
	}
	want := []string{"sweep.exc_rate_hz.svg", "sweep.exc_cv.svg", "sweep.exc_fano.svg", "sweep.exc_synchrony.svg", "sweep.quiet_synchrony.svg"}
	if !slices.Equal(got, want) {
		t.Fatalf("wrote %v, want %v", got, want)
	}
	b, _ := os.ReadFile(paths[0])
	for _, label := range []string{"Uniform(-70,-50)", "-60", "-55", "exc mean rate (Hz)", "pop.v"} {
		if !strings.Contains(string(b), label) {
			t.Errorf("%s lacks %q", got[0], label)
		}
	}
}

// TestSweepTrials: the trials of a point are drawn as their mean with ± one
// standard deviation.
func TestSweepTrials(t *testing.T) {
	dir := t.TempDir()
	csv := "index,P.I,seed,trial,status,m.r_mean,m.r_final\n" +
		"0,1,5,0,ok,1,NaN\n1,1,77,1,ok,3,\n2,2,5,0,ok,4,1\n3,2,77,1,ok,4,2\n"
	os.WriteFile(filepath.Join(dir, "sweep.csv"), []byte(csv), 0o644)
	s, err := analysis.LoadSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := s.Column("P.I")
	y, _ := s.Column("m.r_mean")
	got := overTrials(s, x, y)
	want := []trialPoint{{x: 1, mean: 2, sd: 1, n: 2}, {x: 2, mean: 4, sd: 0, n: 2}}
	if !slices.Equal(got, want) {
		t.Errorf("overTrials %+v, want %+v", got, want)
	}
	y, _ = s.Column("m.r_final")
	if got := overTrials(s, x, y); got[0].n != 0 || !math.IsNaN(got[0].mean) || got[1] != (trialPoint{x: 2, mean: 1.5, sd: 0.5, n: 2}) {
		t.Errorf("overTrials of a column with NaN and empty cells: %+v", got)
	}
	paths, err := Dir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || filepath.Base(paths[0]) != "sweep.m.r_mean.png" {
		t.Fatalf("wrote %v", paths)
	}
	if _, frac := inked(t, paths[0]); frac < 0.02 {
		t.Errorf("%s is almost blank", paths[0])
	}
}
