package conformance

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/annc/annc/analysis"
	"github.com/annc/annc/internal/build"
)

// rtol is the relative tolerance of every exact comparison (README, "Differences from ANNarchy").
const rtol = 1e-7

// buildRoot holds the build directories of this test binary; it lies outside
// any Go module, so each build directory is a module of its own with its copy
// of the runtime.
var buildRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "annc-conformance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	buildRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// compiled is a model built once per test binary.
type compiled struct {
	once sync.Once
	res  *build.Result
	err  error
}

var (
	compiledMu sync.Mutex
	compiledBy = map[string]*compiled{}
)

// compile builds the model file at path (once per test binary, whichever
// test asks first) and returns the build result.
func compile(t *testing.T, path string) *build.Result {
	t.Helper()
	compiledMu.Lock()
	c := compiledBy[path]
	if c == nil {
		c = &compiled{}
		compiledBy[path] = c
	}
	compiledMu.Unlock()
	c.once.Do(func() {
		l, err := build.Load(path)
		if err != nil {
			c.err = err
			return
		}
		if l.Model == nil || l.Diags.HasErrors() {
			c.err = fmt.Errorf("%s does not analyse:\n%s", path, l.Diags.Format(l.Sources, 50))
			return
		}
		dir := filepath.Join(buildRoot, strings.TrimSuffix(filepath.Base(filepath.Dir(path))+"_"+filepath.Base(path), ".yaml"))
		c.res, c.err = build.Compile(l, build.Options{Dir: dir, Version: "conformance"})
	})
	if c.err != nil {
		t.Fatalf("compile %s: %v", path, c.err)
	}
	return c.res
}

// run compiles the model file and runs its runner with args (into a fresh
// results directory), then loads the results.
func run(t *testing.T, path string, args ...string) *analysis.Run {
	t.Helper()
	res := compile(t, path)
	out := t.TempDir()
	cmd := exec.Command(res.Binary, append([]string{"-out", out}, args...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(res.Binary), strings.Join(args, " "), err, msg)
	}
	r, err := analysis.LoadRun(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Manifest.Status != "ok" {
		t.Fatalf("run status %q: %s", r.Manifest.Status, r.Manifest.Error)
	}
	// The same run (same seed) with every loop of the step split over 3
	// goroutines, and plastic synapses moved between presynaptic rows and
	// synapse order every third step, must give the same bytes.
	split := t.TempDir()
	cmd = exec.Command(res.Binary, append([]string{"-out", split, "-threads", "3", "-min-chunk-work", "1",
		"-seed", fmt.Sprint(r.Manifest.Seed)}, args...)...)
	cmd.Env = append(os.Environ(), "ANNC_ROWS=flip")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s -threads 3 (ANNC_ROWS=flip): %v\n%s", filepath.Base(res.Binary), strings.Join(args, " "), err, msg)
	}
	sameFiles(t, out, split, "when the steps are split over 3 goroutines and plastic synapses move between storages (ANNC_ROWS=flip)")
	// The small models of testdata/ also run with the vector kernels off
	// and every synapse variable per synapse, in synapse order: the scalar
	// per-synapse loops must give the same bytes.
	if strings.HasPrefix(path, "testdata"+string(filepath.Separator)) || strings.HasPrefix(path, "testdata/") {
		scalar := t.TempDir()
		cmd = exec.Command(res.Binary, append([]string{"-out", scalar, "-seed", fmt.Sprint(r.Manifest.Seed)}, args...)...)
		cmd.Env = append(os.Environ(), "ANNC_SIMD=off", "ANNC_PERPRE=off", "ANNC_ROWS=off")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s with ANNC_SIMD=off ANNC_PERPRE=off ANNC_ROWS=off: %v\n%s", filepath.Base(res.Binary), strings.Join(args, " "), err, msg)
		}
		sameFiles(t, out, scalar, "with the vector kernels off and per-synapse storage in synapse order")
	}
	return r
}

// sameFiles reports every .npy file of dir a that differs from its namesake
// in dir b.
func sameFiles(t *testing.T, a, b, how string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(a, "*.npy"))
	for _, f := range files {
		x, errA := os.ReadFile(f)
		y, errB := os.ReadFile(filepath.Join(b, filepath.Base(f)))
		if errA != nil || errB != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs %s", filepath.Base(f), how)
		}
	}
}

// trace returns a recorded variable, failing the test when it is missing or
// its shape is not (steps, width).
func trace(t *testing.T, r *analysis.Run, monitor, variable string, steps, width int) *analysis.Trace {
	t.Helper()
	tr := r.Trace(monitor, variable)
	if tr == nil {
		t.Fatalf("no recording of %s.%s", monitor, variable)
	}
	if tr.Steps() != steps || tr.Width() != width {
		t.Fatalf("%s.%s has shape %v, want (%d, %d)", monitor, variable, tr.Shape, steps, width)
	}
	return tr
}

// at is the value of element i in frame k.
func at(tr *analysis.Trace, k, i int) float64 { return tr.Data[k*tr.Width()+i] }

// near reports whether got equals want at relative tolerance rtol (with an
// absolute floor for values near zero); NaN equals NaN.
func near(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= rtol*math.Max(math.Abs(want), 1e-9)
}

// expect compares every frame and element of a recording with want(k, i) and
// reports the first few differences.
func expect(t *testing.T, tr *analysis.Trace, want func(k, i int) float64) {
	t.Helper()
	bad := 0
	for k := 0; k < tr.Steps(); k++ {
		for i := 0; i < tr.Width(); i++ {
			g, w := at(tr, k, i), want(k, i)
			if !near(g, w) {
				if bad < 6 {
					t.Errorf("%s.%s[frame %d][%d] = %.12g, want %.12g", tr.Monitor, tr.Variable, k, i, g, w)
				}
				bad++
			}
		}
	}
	if bad > 6 {
		t.Errorf("%s.%s: %d differences in all", tr.Monitor, tr.Variable, bad)
	}
}

// constant is want(k, i) = v[i] for every frame.
func constant(v ...float64) func(k, i int) float64 { return func(_, i int) float64 { return v[i] } }

var (
	driverMu sync.Mutex
	drivers  = map[string]*compiled{}
)

// driver builds a Go program importing the generated package of the model
// (src names the package "model"; IMPORT stands for its import path) in the
// model's build directory, once per name, runs it with args and returns
// its standard output.
func driver(t *testing.T, path, name, src string, args ...string) []byte {
	t.Helper()
	res := compile(t, path)
	driverMu.Lock()
	key := path + "\x00" + name
	c := drivers[key]
	if c == nil {
		c = &compiled{}
		drivers[key] = c
	}
	driverMu.Unlock()
	bin := filepath.Join(res.Dir, "bin", name)
	c.once.Do(func() {
		dir := filepath.Join(res.Dir, name)
		if c.err = os.MkdirAll(dir, 0o755); c.err != nil {
			return
		}
		code := strings.ReplaceAll(src, "IMPORT", res.ImportPath)
		if c.err = os.WriteFile(filepath.Join(dir, "main.go"), []byte(code), 0o644); c.err != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", bin, "./"+name)
		cmd.Dir = res.Dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			c.err = fmt.Errorf("go build %s: %v\n%s", name, err, out)
		}
	})
	if c.err != nil {
		t.Fatal(c.err)
	}
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}
