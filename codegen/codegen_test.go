package codegen

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"github.com/annc/annc/ir"
	annrt "github.com/annc/annc/runtime"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var testOpt = Options{ImportBase: "annarchy", Version: "test", SourceName: "tmodel.yaml"}

// addRuntime adds the runtime's copy to generated files, as internal/build
// does in a build directory, so that the tests can build them.
func addRuntime(files map[string][]byte) error {
	rt, err := annrt.BuildFiles(testOpt.ImportBase)
	if err != nil {
		return err
	}
	for name, src := range rt {
		files[name] = src
	}
	return nil
}

// checkProgram drives the generated package of testModel and prints what the
// tests compare, as JSON.
const checkProgram = `package main

import (
	"encoding/json"
	"os"
	"testing"

	m "annarchy/tmodel"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func run(n *m.Network, steps int) map[string]any {
	var rate [][]float64
	var lifV, lifG, rsum []float64
	var lifSpikes []int
	var acc [][]float64
	for s := 0; s < steps; s++ {
		n.Step()
		rate = append(rate, append([]float64(nil), n.Rate.R...))
		lifV = append(lifV, n.Lif.V[0])
		lifG = append(lifG, n.Lif.G_exc[0])
		if len(n.Lif.Spiked) > 0 {
			lifSpikes = append(lifSpikes, s)
		}
		acc = append(acc, append([]float64(nil), n.Tgt.Acc...))
		rsum = append(rsum, n.Rsum.R[0])
	}
	out := map[string]any{"rate": rate, "lifV": lifV, "lifG": lifG, "lifSpikes": lifSpikes, "acc": acc, "rsum": rsum}
	v, _ := n.Mlif.Get("v")
	g, _ := n.Mlif.Get("g_exc")
	times, ranks := n.Mlif.Raster()
	a, _ := n.Mtgt.Get("acc")
	ga, _ := n.Mtgt.Get("g_exc")
	out["mon"] = map[string]any{"v": v, "g": g, "times": times, "ranks": ranks, "acc": a, "gacc": ga}
	return out
}

func main() {
	n, err := m.New()
	must(err)
	out := map[string]any{"first": run(n, 20)}
	must(n.Reset())
	out["again"] = run(n, 20)
	must(n.Reset())
	must(n.Set("p0.w", "2"))
	for s := 0; s < 4; s++ {
		n.Step()
	}
	out["accW2"] = n.Tgt.Acc[0]
	must(n.Set("rate.tau", "20"))
	tau, err := n.Get("rate.tau")
	must(err)
	out["tau"] = tau
	must(n.Set("rate.r", "[0.25, 0.5]"))
	r, _ := n.Get("rate.r")
	out["r"] = r
	out["setErr"] = n.Set("rate.nope", "1") != nil
	out["paths"] = m.Paths()
	n.Mlif.Pause()
	n.Mtgt.Pause()
	out["allocs"] = testing.AllocsPerRun(200, n.Step)
	par, errs := m.ParallelRun(3, m.RunOptions{Seed: 5, Workers: 2}, func(i int, net *m.Network) float64 {
		net.Simulate(10)
		return net.Lif.V[0]
	})
	for _, err := range errs {
		must(err)
	}
	out["par"] = par
	n2, err := m.New(m.WithSeed(3))
	must(err)
	out["t2"] = n2.SimulateUntil(3.0)
	json.NewEncoder(os.Stdout).Encode(out)
}
`

type checkOut struct {
	Rate      [][]float64
	LifV      []float64
	LifG      []float64
	LifSpikes []int
	Acc       [][]float64
	Rsum      []float64
	Mon       struct {
		V, G, Times, Acc, Gacc []float64
		Ranks                  []int64
	}
}

var (
	buildOnce sync.Once
	buildOut  map[string][]byte
	buildErr  error
	buildDir  string
)

// testPrograms are the check programs built next to the generated packages.
var testPrograms = map[string]string{"check": checkProgram, "checkfeat": featProgram, "check32": check32Program}

// buildAndRun generates the test models into one temporary module with the
// runtime, builds everything (the generated runners and the check programs)
// with one go build, and runs the check programs (once for all tests). It
// returns the JSON output of the program prog.
func buildAndRun(t *testing.T, prog string) map[string]json.RawMessage {
	t.Helper()
	build(t)
	var res map[string]json.RawMessage
	if err := json.Unmarshal(buildOutput(t, prog), &res); err != nil {
		t.Fatalf("check output: %v\n%s", err, buildOut[prog])
	}
	return res
}

func build(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds generated code")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "annc-codegen-")
		if err != nil {
			buildErr = err
			return
		}
		buildDir = dir
		all := map[string][]byte{}
		m32 := testModel()
		m32.Name, m32.Precision = "tmodel32", "float32"
		for _, m := range []*ir.Model{testModel(), featModel(), m32} {
			files, err := Generate(m, testOpt)
			if err != nil {
				buildErr = err
				return
			}
			for name, src := range files {
				if name == "main.go" {
					name = "cmd/" + m.Name + "/main.go"
				}
				all[name] = src
			}
		}
		if err := addRuntime(all); err != nil {
			buildErr = err
			return
		}
		all["go.mod"] = []byte("module annarchy\n\ngo 1.22\n")
		for name, src := range testPrograms {
			all[name+"/main.go"] = []byte(src)
		}
		for name, src := range all {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				buildErr = err
				return
			}
			if err := os.WriteFile(p, src, 0o644); err != nil {
				buildErr = err
				return
			}
		}
		env := append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
		build := exec.Command("go", "build", "-o", "bin/", "./...")
		build.Dir, build.Env = dir, env
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = &buildError{string(out)}
			return
		}
		buildOut = map[string][]byte{}
		for name := range testPrograms {
			run := exec.Command(filepath.Join(dir, "bin", name))
			var stderr bytes.Buffer
			run.Stderr = &stderr
			out, err := run.Output()
			if err != nil {
				buildErr = &buildError{name + ": " + err.Error() + "\n" + stderr.String()}
				return
			}
			buildOut[name] = out
		}
	})
}

// buildOutput returns what the check program prog printed.
func buildOutput(t *testing.T, prog string) []byte {
	t.Helper()
	build(t)
	if buildErr != nil {
		t.Fatalf("generated code (in %s): %v", buildDir, buildErr)
	}
	return buildOut[prog]
}

type buildError struct{ out string }

func (e *buildError) Error() string { return e.out }

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if buildDir != "" && code == 0 && os.Getenv("ANNC_KEEP") == "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func decode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// expected computes by hand, step by step, what testModel must produce.
func expected(steps int) checkOut {
	var e checkOut
	const dt = 0.5
	// Divisions by parameters are multiplications by their reciprocal.
	tau, tauExc := 10.0, 5.0
	// Rate neurons: r += dt*(I - r)/tau.
	r := []float64{0, 0}
	I := []float64{1, 2}
	// LIF.
	v, g := -65.0, 0.0
	refr := 0
	// Spikes of src: neuron 0 at step 2, neuron 1 at step 4.
	srcSpike := map[int][]int{2: {0}, 4: {1}}
	acc := []float64{0, 0}
	rsum := 0.0
	for s := 0; s < steps; s++ {
		// Transmission: spikes of step s-1 (delay 0) and s-4 (delay 2 ms).
		gt := []float64{0, 0}
		for _, i := range srcSpike[s-1] {
			gt[i] += 1
			g += 3
		}
		for _, i := range srcSpike[s-4] {
			gt[i] += 10
		}
		sum := 0.0
		{
			a := 0.0
			a += 0.5 * r[0]
			a += 0.5 * r[1]
			sum += a
		}
		if s%2 == 0 {
			e.Mon.Gacc = append(e.Mon.Gacc, gt[1])
		}
		e.Mon.G = append(e.Mon.G, g)
		// Updates.
		for i := range r {
			r[i] = r[i] + dt*(I[i]-r[i])*(1.0/tau)
		}
		if refr > 0 {
			refr--
			g = g - dt*g*(1.0/tauExc)
		} else {
			vNew := v + dt*((-65-v)+60+g)*(1.0/tau)
			g = g - dt*g*(1.0/tauExc)
			v = vNew
			if v > -50 {
				v = -70
				refr = 4
				e.LifSpikes = append(e.LifSpikes, s)
				e.Mon.Times = append(e.Mon.Times, float64(s)*dt)
				e.Mon.Ranks = append(e.Mon.Ranks, 0)
			}
		}
		for i := range acc {
			acc[i] += gt[i]
		}
		rsum = sum
		e.Rate = append(e.Rate, append([]float64(nil), r...))
		e.LifV = append(e.LifV, v)
		e.LifG = append(e.LifG, g)
		e.Acc = append(e.Acc, append([]float64(nil), acc...))
		e.Rsum = append(e.Rsum, rsum)
		e.Mon.V = append(e.Mon.V, v)
		if s%2 == 0 {
			e.Mon.Acc = append(e.Mon.Acc, acc[1])
		}
	}
	return e
}

func TestGeneratedNetworkExact(t *testing.T) {
	res := buildAndRun(t, "check")
	want := expected(20)
	for _, run := range []string{"first", "again"} {
		var got checkOut
		decode(t, res[run], &got)
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%s run: generated network differs from the hand iteration (-want +got):\n%s", run, d)
		}
	}
	// The LIF must spike at least twice (refractoriness in between).
	if len(want.LifSpikes) < 2 {
		t.Fatal("test model never spikes")
	}
}

func TestGeneratedSetGet(t *testing.T) {
	res := buildAndRun(t, "check")
	var tau, r []float64
	var setErr bool
	var t2 float64
	var paths []string
	decode(t, res["tau"], &tau)
	decode(t, res["r"], &r)
	decode(t, res["setErr"], &setErr)
	decode(t, res["t2"], &t2)
	decode(t, res["paths"], &paths)
	if !cmp.Equal(tau, []float64{20}) || !cmp.Equal(r, []float64{0.25, 0.5}) {
		t.Errorf("Set/Get: tau %v, r %v", tau, r)
	}
	var par []float64
	decode(t, res["par"], &par)
	if want := expected(20).LifV[19]; len(par) != 3 || par[0] != want || par[2] != want {
		t.Errorf("ParallelRun: v after 10 ms = %v, want 3 × %v", par, want)
	}
	var allocs float64
	decode(t, res["allocs"], &allocs)
	if allocs != 0 {
		t.Errorf("a step allocates %v times", allocs)
	}
	var accW2 float64
	decode(t, res["accW2"], &accW2)
	if accW2 != 2 {
		t.Errorf("after Set(p0.w, 2) the spike at step 2 delivered %v, want 2", accW2)
	}
	if !setErr {
		t.Error("Set of an unknown path succeeded")
	}
	if t2 != 3.0 {
		t.Errorf("SimulateUntil without stop conditions ran %v ms, want 3", t2)
	}
	for _, p := range []string{"rate.tau", "rate.I", "rate.r", "lif.v", "lif.g_exc", "p0.w", "rsum.sum(exc)"} {
		if i := sort.SearchStrings(sortedCopy(paths), p); i >= len(paths) || sortedCopy(paths)[i] != p {
			t.Errorf("path %q missing from %v", p, paths)
		}
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// TestGolden compares the generated package with testdata/tmodel.txtar
// (regenerate with -update) and checks that generation is deterministic.
func TestGolden(t *testing.T) {
	testGolden(t, testModel, "tmodel")
	testGolden(t, featModel, "feat")
}

func testGolden(t *testing.T, model func() *ir.Model, name string) {
	files, err := Generate(model(), testOpt)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Generate(model(), testOpt)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range files {
		if !bytes.Equal(files[name], again[name]) {
			t.Errorf("%s differs between two runs", name)
		}
		if strings.HasPrefix(name, "runtime/") {
			t.Errorf("%s: the runtime's copy is internal/build's, not codegen's", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	ar := &txtar.Archive{Comment: []byte("Generated Go of the test model " + name + ".\n")}
	for _, n := range names {
		ar.Files = append(ar.Files, txtar.File{Name: n, Data: files[n]})
	}
	got := txtar.Format(ar)
	golden := filepath.Join("testdata", name+".txtar")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("generated code changed (-want +got), run go test -update if intended:\n%s", d)
	}
	for _, n := range []string{"main.go", name + "/network.go", name + "/helpers.go"} {
		if _, ok := files[n]; !ok {
			t.Errorf("missing file %s", n)
		}
	}
	if !bytes.HasPrefix(files[name+"/network.go"], []byte("// Code generated by annc test from tmodel.yaml. DO NOT EDIT.")) {
		t.Error("missing header")
	}
}
