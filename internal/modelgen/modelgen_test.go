package modelgen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/annc/annc/internal/pipelinefuzz"
)

// The covering array: every feasible pair of feature values is in some row,
// every row keeps the rules, and the infeasible pairs are exactly those the
// rules exclude.
func TestPairwiseCoverage(t *testing.T) {
	fs := Factors()
	rows := array(1)
	feasible, infeasible := FeasiblePairs(fs)
	covered := Covered(fs, rows)
	missing := 0
	for _, p := range feasible {
		if !covered[p] {
			missing++
			if missing <= 20 {
				t.Errorf("pair not covered: %s", p.String(fs))
			}
		}
	}
	for i, r := range rows {
		if !Valid(fs, r) {
			t.Errorf("row %d breaks a rule: %s", i, Describe(fs, r))
		}
	}
	for _, p := range infeasible {
		if covered[p] {
			t.Errorf("infeasible pair %s is in a row", p.String(fs))
		}
	}
	t.Logf("pairwise coverage: %d/%d feasible pairs in %d models (%d pairs excluded by %d rules)",
		len(feasible)-missing, len(feasible), len(rows), len(infeasible), len(Rules))
}

var (
	arraysMu sync.Mutex
	arrays   = map[int64][]Row{}
)

// array returns the covering array of seed, computed once per test binary.
func array(seed int64) []Row {
	arraysMu.Lock()
	defer arraysMu.Unlock()
	if arrays[seed] == nil {
		arrays[seed] = CoveringArray(Factors(), seed)
	}
	return arrays[seed]
}

// genModels returns the generated model files: the covering array of seed 1,
// then (while fewer than n) those of seeds 2, 3, ...; n <= 0 means one
// array.
func genModels(t testing.TB, n int) (names []string, srcs map[string]string, descr map[string]string) {
	fs := Factors()
	srcs, descr = map[string]string{}, map[string]string{}
	for seed := int64(1); ; seed++ {
		for _, r := range array(seed) {
			if n > 0 && len(names) >= n {
				return
			}
			name := fmt.Sprintf("g%03d", len(names))
			src, err := Write(fs, r, name)
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, name)
			srcs[name], descr[name] = src, Describe(fs, r)
		}
		if n <= 0 || len(names) >= n {
			return
		}
	}
}

// Every model of the covering array is accepted by the analysis (as annc
// check) and its generated Go type-checks against the runtime.
func TestAcceptedAndTypeChecks(t *testing.T) {
	names, srcs, descr := genModels(t, 0)
	dump := os.Getenv("ANNC_MODELGEN_DUMP") // a directory to write the model files into
	for _, name := range names {
		if dump != "" {
			os.WriteFile(filepath.Join(dump, name+".yaml"), []byte(srcs[name]), 0o644)
		}
		res, err := pipelinefuzz.Generate("model.yaml", []byte(srcs[name]))
		if res.Model == nil {
			t.Errorf("%s (%s) rejected:\n%s\n%s", name, descr[name], res.Diags.Format(map[string][]byte{"model.yaml": []byte(srcs[name])}, 10), srcs[name])
			continue
		}
		if err == nil {
			err = pipelinefuzz.TypeCheck(res.Files)
		}
		if err != nil {
			t.Errorf("%s (%s): %v\n%s", name, descr[name], errLines(err.Error(), 6), srcs[name])
		}
	}
}

// errLines keeps the first n lines of a type-check failure that are not
// the numbered listing of the generated file.
func errLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			if _, err := strconv.Atoi(f[0]); err == nil {
				continue
			}
		}
		if len(out) < n {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// sampleSize is the number of models TestBuildVetRun builds: the
// environment's ANNC_MODELGEN_N (CI), else defaultSample.
func sampleSize(t *testing.T) int {
	if s := os.Getenv("ANNC_MODELGEN_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ANNC_MODELGEN_N=%q: want a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 4
	}
	return defaultSample
}

// defaultSample keeps the test at about a minute on a loaded machine; the
// first rows of a greedy covering array hold the most pairs.
const defaultSample = 12

// module is one temporary Go module holding the generated packages of the
// sample of generated models, of the examples and of the built-in library
// types, each model's main.go under cmd/, and prog, one program running any
// sample model by name; it is vetted and built once per test binary.
type module struct {
	dir, bin            string
	names               []string // sample models
	srcs, descr         map[string]string
	others              []string // examples and library models
	vetS, buildS, total float64
	pairs, feasible     int
	err                 error
}

var (
	modOnce sync.Once
	mod     module
	modRoot string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if modRoot != "" {
		os.RemoveAll(modRoot)
	}
	os.Exit(code)
}

// sharedModule returns the module, generating, vetting and building it on
// first use; n is the sample size.
func sharedModule(t *testing.T, n int) *module {
	t.Helper()
	modOnce.Do(func() {
		start := time.Now()
		mod.err = mod.make(t, n)
		mod.total = time.Since(start).Seconds()
	})
	if mod.err != nil {
		t.Fatal(mod.err)
	}
	return &mod
}

func (md *module) make(t *testing.T, n int) error {
	var err error
	if modRoot, err = os.MkdirTemp("", "annc-modelgen-"); err != nil {
		return err
	}
	md.dir = modRoot
	md.names, md.srcs, md.descr = genModels(t, n)
	fs := Factors()
	var rows []Row
	for seed := int64(1); len(rows) < len(md.names); seed++ {
		rows = append(rows, array(seed)...)
	}
	feasible, _ := FeasiblePairs(fs)
	cov := Covered(fs, rows[:len(md.names)])
	for _, p := range feasible {
		if cov[p] {
			md.pairs++
		}
	}
	md.feasible = len(feasible)

	write := func(rel string, data []byte) error {
		p := filepath.Join(md.dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	add := func(name string, files map[string][]byte) error {
		for rel, data := range files {
			if rel == "main.go" {
				rel = filepath.Join("cmd", name, "main.go")
			}
			if err := write(rel, data); err != nil {
				return err
			}
		}
		return nil
	}
	if err := write("go.mod", []byte("module "+pipelinefuzz.ImportBase+"\n\ngo 1.22\n")); err != nil {
		return err
	}
	var prog strings.Builder
	prog.WriteString("// Command prog runs the generated model named by its first argument.\npackage main\n\nimport (\n\t\"os\"\n\n\tannrt \"annarchy/runtime\"\n")
	for _, name := range md.names {
		fmt.Fprintf(&prog, "\t%q\n", pipelinefuzz.ImportBase+"/"+name)
	}
	prog.WriteString(")\n\nfunc main() {\n\tvar p annrt.Program\n\tswitch os.Args[1] {\n")
	for _, name := range md.names {
		res, err := pipelinefuzz.Generate("model.yaml", []byte(md.srcs[name]))
		if res.Model == nil || err != nil {
			return fmt.Errorf("%s (%s): not accepted or not generated: %v %s\n%s", name, md.descr[name], err,
				res.Diags.Format(map[string][]byte{"model.yaml": []byte(md.srcs[name])}, 10), md.srcs[name])
		}
		if err := add(name, res.Files); err != nil {
			return err
		}
		if err := write(filepath.Join("models", name+".yaml"), []byte(md.srcs[name])); err != nil {
			return err
		}
		fmt.Fprintf(&prog, "\tcase %q:\n\t\tp = %s.Program()\n", name, name)
	}
	prog.WriteString("\tdefault:\n\t\tpanic(\"unknown model \" + os.Args[1])\n\t}\n\tos.Exit(annrt.RunMain(p, os.Args[2:], os.Stderr, nil))\n}\n")
	if err := write("prog/main.go", []byte(prog.String())); err != nil {
		return err
	}
	others, err := otherModels(t)
	if err != nil {
		return err
	}
	for _, o := range others {
		if err := add(o.name, o.files); err != nil {
			return err
		}
		md.others = append(md.others, o.what)
	}

	goCmd := func(args ...string) (float64, error) {
		t0 := time.Now()
		cmd := exec.Command("go", args...)
		cmd.Dir = md.dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("go %s: %v\n%s\n(sample models and their features: %s)", strings.Join(args, " "), err, out, modelList(md.names, md.descr))
		}
		return time.Since(t0).Seconds(), nil
	}
	if md.vetS, err = goCmd("vet", "./..."); err != nil {
		return err
	}
	md.bin = filepath.Join(md.dir, "prog.bin")
	md.buildS, err = goCmd("build", "-o", md.bin, "./prog")
	return err
}

// TestBuildVetRun generates a sample of the models (the first of the
// covering arrays) into the shared module, which passes one go vet and one
// go build, then runs each model for Steps steps three times: on one
// goroutine (AVX-512 kernels where the machine has AVX-512), split over
// three (each split cut into one chunk more than the last, so that chunks
// cover other ranges from step to step; AVX2 kernels; the variables of
// plastic synapses with post_spike moved between presynaptic rows and
// synapse order every third step, ANNC_ROWS=flip) and with the vector kernels
// off, every synapse variable stored per synapse (ANNC_PERPRE=off) in
// synapse order (ANNC_ROWS=off) and a
// fused step's phases computed one after the other (ANNC_FUSE=off). The
// three runs must succeed and write the same bytes.
func TestBuildVetRun(t *testing.T) {
	start := time.Now()
	md := sharedModule(t, sampleSize(t))
	t.Logf("%d models holding %d/%d feasible pairs, and %d examples and library models: generated, go vet %.1f s, go build %.1f s",
		len(md.names), md.pairs, md.feasible, len(md.others), md.vetS, md.buildS)
	variants := []struct {
		what string
		args []string
		env  []string
	}{
		{"one goroutine", nil, nil},
		{"three goroutines, each split cut into one chunk more than the last (1 to 3) at uneven places, AVX2 kernels where AVX-512 runs, plastic synapses moved between rows and synapse order every third step", []string{"-threads", "3", "-min-chunk-work", "0"}, []string{"ANNC_SIMD=avx2", "ANNC_ROWS=flip"}},
		{"vector kernels off, per-synapse storage in synapse order, phases one after the other", nil, []string{"ANNC_SIMD=off", "ANNC_PERPRE=off", "ANNC_ROWS=off", "ANNC_FUSE=off"}},
	}
	var wg sync.WaitGroup
	sem := make(chan bool, 2)
	for _, name := range md.names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- true
			defer func() { <-sem }()
			var ref map[string][]byte
			for k, v := range variants {
				out := filepath.Join(md.dir, "out", name, fmt.Sprint(k))
				args := append([]string{name, "-out", out, "-duration", fmt.Sprint(Steps * Dt)}, v.args...)
				cmd := exec.Command(md.bin, args...)
				cmd.Env = append(os.Environ(), v.env...)
				if msg, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%s (%s), %s: %v\n%s\n%s", name, md.descr[name], v.what, err, msg, md.srcs[name])
					return
				}
				files := results(t, out)
				if len(files) == 0 {
					t.Errorf("%s, %s: no results", name, v.what)
					return
				}
				if ref == nil {
					ref = files
					continue
				}
				for f, data := range ref {
					if !bytes.Equal(files[f], data) {
						t.Errorf("%s (%s): %s differs with %s\n%s", name, md.descr[name], f, v.what, md.srcs[name])
					}
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d models generated, vetted, built and run %d times each in %.1f s (module %.1f s)",
		len(md.names), len(variants), time.Since(start).Seconds(), md.total)
}

// results reads the .npy files of a results directory, by name.
func results(t *testing.T, dir string) map[string][]byte {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.npy"))
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
			continue
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func modelList(names []string, descr map[string]string) string {
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "\n%s: %s", n, descr[n])
	}
	return b.String()
}
