package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// smallModel is a small spiking network: LIF neurons driven by a Poisson
// population through STDP synapses, with a monitor.
const smallModel = `name: small
dt: 0.5
seed: 3
neurons:
  LIF:
    parameters: |
      tau = 20.0 : population
      Vt = -50.0 : population
      Vr = -60.0 : population
    equations: |
      tau * dv/dt = -60.0 - v + g_exc : init = -60.0
      tau * dg_exc/dt = -g_exc
    spike: v > Vt
    reset: v = Vr
    refractory: 2.0
synapses:
  STDP:
    parameters: |
      tau_plus = 20.0 : projection
    equations: |
      tau_plus * dx/dt = -x : event-driven
    pre_spike: |
      g_target += w
      x += 0.01
    post_spike: |
      w = clip(w + x, 0.0, 1.0)
populations:
  - name: P
    geometry: 20
    neuron: LIF
  - name: inp
    geometry: 10
    poisson: {rates: 50.0}
projections:
  - name: ee
    pre: inp
    post: P
    target: exc
    synapse: STDP
    connector:
      fixed_probability: {probability: 0.5, weights: 5.0}
monitors:
  - name: m
    target: P
    variables: [spike, v]
simulation:
  duration: 20.0
`

func writeModel(t *testing.T, dir, src string) string {
	t.Helper()
	p := filepath.Join(dir, "model.yaml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLoad(t *testing.T, path string) *Loaded {
	t.Helper()
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Model == nil {
		t.Fatalf("model has errors:\n%s", l.Diags.Format(l.Sources, 20))
	}
	return l
}

// runBinary runs the built runner for a few ms and returns its manifest
// status, proving the build directory holds a working program.
func runBinary(t *testing.T, res *Result) {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(res.Binary, "-duration", "5", "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("runner: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Status string `json:"status"`
		Steps  int64  `json:"steps"`
	}
	if err := json.Unmarshal(data, &man); err != nil || man.Status != "ok" || man.Steps != 10 {
		t.Fatalf("manifest: %v %+v", err, man)
	}
}

// TestCompileCache walks one build directory through the cases of the
// cache: first build, up to date, hand-edited file, deleted file, changed
// model, missing binary, forced. They share the directory so that the go
// command runs only when a rebuild is due.
func TestCompileCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code")
	}
	work := t.TempDir()
	model := writeModel(t, work, smallModel)
	dir := filepath.Join(work, "annarchy")
	opt := Options{Dir: dir, Version: "test"}

	res, err := Compile(mustLoad(t, model), opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.UpToDate || !reflect.DeepEqual(res.Reasons, []string{"no previous build"}) {
		t.Errorf("first build: up to date %v, reasons %q", res.UpToDate, res.Reasons)
	}
	runBinary(t, res)
	binInfo, err := os.Stat(res.Binary)
	if err != nil {
		t.Fatal(err)
	}
	network := filepath.Join(dir, "small", "network.go")
	orig, err := os.ReadFile(network)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("up to date", func(t *testing.T) {
		res, err := Compile(mustLoad(t, model), opt)
		if err != nil {
			t.Fatal(err)
		}
		if !res.UpToDate || len(res.Reasons) != 0 || len(res.Notes) != 0 {
			t.Errorf("unchanged model: up to date %v, reasons %q, notes %q", res.UpToDate, res.Reasons, res.Notes)
		}
		if info, _ := os.Stat(res.Binary); !info.ModTime().Equal(binInfo.ModTime()) {
			t.Errorf("the binary was rebuilt")
		}
	})

	t.Run("hand edit", func(t *testing.T) {
		edited := append(bytes.Clone(orig), []byte("\n// a change by hand\nvar _ = 1\n")...)
		if err := os.WriteFile(network, edited, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Compile(mustLoad(t, model), opt)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprintf("warning: %s was edited by hand; regenerated it", filepath.Join(dir, "small", "network.go"))}
		if res.UpToDate || !reflect.DeepEqual(res.Notes, want) {
			t.Errorf("hand edit: up to date %v, notes %q; want %q", res.UpToDate, res.Notes, want)
		}
		if got, _ := os.ReadFile(network); !bytes.Equal(got, orig) {
			t.Errorf("the edited file was not regenerated")
		}
		runBinary(t, res)
		// The next compile is up to date again.
		if res, err := Compile(mustLoad(t, model), opt); err != nil || !res.UpToDate {
			t.Errorf("after regenerating: %v %+v", err, res)
		}
	})

	t.Run("hand edit of a file no longer generated", func(t *testing.T) {
		// A file an earlier version generated, edited since: it goes, and
		// the warning says so.
		old := filepath.Join(dir, "small", "gone.go")
		if err := os.WriteFile(old, []byte("package small\n// a change by hand\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(dir)
		st, err := readStamp(abs)
		if err != nil {
			t.Fatal(err)
		}
		st.Files[filepath.Join("small", "gone.go")] = "0"
		if err := writeStamp(abs, st); err != nil {
			t.Fatal(err)
		}
		res, err := Compile(mustLoad(t, model), opt)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprintf("warning: %s was edited by hand; removed it (this version of annc does not generate it)", filepath.Join(dir, "small", "gone.go"))}
		if !reflect.DeepEqual(res.Notes, want) {
			t.Errorf("notes %q, want %q", res.Notes, want)
		}
		if exists(old) {
			t.Errorf("%s is still there", old)
		}
	})

	t.Run("deleted file", func(t *testing.T) {
		if err := os.Remove(network); err != nil {
			t.Fatal(err)
		}
		res, err := Compile(mustLoad(t, model), opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.UpToDate || len(res.Notes) != 0 {
			t.Errorf("deleted file: up to date %v, notes %q", res.UpToDate, res.Notes)
		}
		if got, _ := os.ReadFile(network); !bytes.Equal(got, orig) {
			t.Errorf("the deleted file was not regenerated")
		}
	})

	t.Run("missing binary", func(t *testing.T) {
		os.Remove(res.Binary)
		res, err := Compile(mustLoad(t, model), opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.UpToDate || !reflect.DeepEqual(res.Reasons, []string{"runner binary missing"}) {
			t.Errorf("missing binary: up to date %v, reasons %q", res.UpToDate, res.Reasons)
		}
		if _, err := os.Stat(res.Binary); err != nil {
			t.Errorf("binary not rebuilt: %v", err)
		}
	})

	t.Run("changed model", func(t *testing.T) {
		changed := strings.Replace(smallModel, "tau = 20.0 : population", "tau = 10.0 : population", 1)
		changed = strings.Replace(changed, "rates: 50.0", "rates: 40.0", 1)
		m2 := writeModel(t, t.TempDir(), changed)
		res, err := Compile(mustLoad(t, m2), opt)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"changed neuron LIF", "changed population inp"}; res.UpToDate || !reflect.DeepEqual(res.Reasons, want) {
			t.Errorf("changed model: up to date %v, reasons %q; want %q", res.UpToDate, res.Reasons, want)
		}
		// Back to the original model: rebuilt, and the original file
		// content is back.
		res, err = Compile(mustLoad(t, model), opt)
		if err != nil || res.UpToDate {
			t.Fatalf("back to the original: %v %+v", err, res)
		}
		if got, _ := os.ReadFile(network); !bytes.Equal(got, orig) {
			t.Errorf("network.go differs from the first build of the same model")
		}
	})

	t.Run("forced", func(t *testing.T) {
		res, err := Compile(mustLoad(t, model), Options{Dir: dir, Version: "test", Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.UpToDate || !reflect.DeepEqual(res.Reasons, []string{"forced"}) {
			t.Errorf("forced: up to date %v, reasons %q", res.UpToDate, res.Reasons)
		}
	})

	t.Run("version change", func(t *testing.T) {
		res, err := Compile(mustLoad(t, model), Options{Dir: dir, Version: "test2"})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"annc version changed (test -> test2)"}; res.UpToDate || !reflect.DeepEqual(res.Reasons, want) {
			t.Errorf("version change: reasons %q, want %q", res.Reasons, want)
		}
	})
}

// TestCompileConcurrent starts two processes (this test binary) that
// compile the same model into the same build directory at the same moment.
// The directory lock serialises them: one builds, the other waits and finds
// the build up to date, and the result is a working build with a stamp
// matching its files.
func TestCompileConcurrent(t *testing.T) {
	if os.Getenv("ANNC_BUILD_CHILD") != "" {
		compileChild()
		return
	}
	if testing.Short() {
		t.Skip("builds generated code")
	}
	work := t.TempDir()
	model := writeModel(t, work, smallModel)
	dir := filepath.Join(work, "annarchy")
	start := time.Now().Add(500 * time.Millisecond)
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCompileConcurrent$")
		cmd.Env = append(os.Environ(), "ANNC_BUILD_CHILD=1", "ANNC_BUILD_MODEL="+model, "ANNC_BUILD_DIR="+dir,
			fmt.Sprintf("ANNC_BUILD_START=%d", start.UnixNano()))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, &out)
	}
	var results []string
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
		for _, line := range strings.Split(outs[i].String(), "\n") {
			if r, ok := strings.CutPrefix(line, "result: "); ok {
				results = append(results, r)
			}
		}
	}
	if len(results) != 2 {
		t.Fatalf("children reported %q", results)
	}
	built, upToDate := 0, 0
	var spans [][2]int64
	for _, r := range results {
		var kind string
		var a, b int64
		if _, err := fmt.Sscanf(r, "%s %d %d", &kind, &a, &b); err != nil {
			t.Fatalf("result %q: %v", r, err)
		}
		switch kind {
		case "built":
			built++
		case "uptodate":
			upToDate++
		}
		spans = append(spans, [2]int64{a, b})
	}
	if built != 1 || upToDate != 1 {
		t.Errorf("results %q: want one build and one up-to-date", results)
	}
	// The two Compile calls overlapped in time (they started together), so
	// only the lock can have kept the second from building too.
	if spans[0][0] > spans[1][1] || spans[1][0] > spans[0][1] {
		t.Logf("the two compiles did not overlap: %v", spans)
	}
	st, err := readStamp(dir)
	if err != nil {
		t.Fatal(err)
	}
	if edited := editedFiles(dir, st); len(edited) != 0 {
		t.Errorf("files differ from the stamp: %q", edited)
	}
	res, err := Compile(mustLoad(t, model), Options{Dir: dir, Version: "test"})
	if err != nil || !res.UpToDate {
		t.Fatalf("after the concurrent compiles: %v %+v", err, res)
	}
	runBinary(t, res)
}

// compileChild is one process of TestCompileConcurrent: it waits for the
// common start time, compiles and prints "result: built|uptodate START END"
// (Unix ns of the Compile call).
func compileChild() {
	var start int64
	fmt.Sscan(os.Getenv("ANNC_BUILD_START"), &start)
	time.Sleep(time.Until(time.Unix(0, start)))
	l, err := Load(os.Getenv("ANNC_BUILD_MODEL"))
	if err != nil || l.Model == nil {
		fmt.Println("load:", err, l.Diags)
		os.Exit(1)
	}
	t0 := time.Now()
	res, err := Compile(l, Options{Dir: os.Getenv("ANNC_BUILD_DIR"), Version: "test"})
	t1 := time.Now()
	if err != nil {
		fmt.Println("compile:", err)
		os.Exit(1)
	}
	kind := "built"
	if res.UpToDate {
		kind = "uptodate"
	}
	fmt.Printf("result: %s %d %d\n", kind, t0.UnixNano(), t1.UnixNano())
	os.Exit(0)
}

// An unwritable build directory is a clear error, not a panic.
func TestCompileUnwritableDir(t *testing.T) {
	if os.Getuid() == 0 {
		// root writes anywhere: use a path below a regular file instead.
		work := t.TempDir()
		model := writeModel(t, work, smallModel)
		file := filepath.Join(work, "file")
		os.WriteFile(file, nil, 0o644)
		_, err := Compile(mustLoad(t, model), Options{Dir: filepath.Join(file, "annarchy"), Version: "test"})
		if err == nil || !strings.Contains(err.Error(), "cannot create build directory") {
			t.Errorf("build dir below a file: %v", err)
		}
		return
	}
	work := t.TempDir()
	model := writeModel(t, work, smallModel)
	ro := filepath.Join(work, "ro")
	os.Mkdir(ro, 0o555)
	_, err := Compile(mustLoad(t, model), Options{Dir: filepath.Join(ro, "annarchy"), Version: "test"})
	if err == nil || !strings.Contains(err.Error(), "cannot create build directory") {
		t.Errorf("read-only parent: %v", err)
	}
}

// Builds never let the Go compiler fuse multiply-adds (GOAMD64 v3 and v4
// become v2); other settings pass through.
func TestGoEnvNoFusedMultiplyAdd(t *testing.T) {
	for in, want := range map[string]string{"v3": "v2", "v4": "v2", "v2": "v2", "v1": "v1"} {
		t.Setenv("GOAMD64", in)
		got := ""
		for _, kv := range goEnv() {
			if v, ok := strings.CutPrefix(kv, "GOAMD64="); ok {
				got = v
			}
		}
		if got != want {
			t.Errorf("GOAMD64=%s: the build gets %q, want %q", in, got, want)
		}
	}
}
