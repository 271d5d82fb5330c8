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

// models returns the generated model files: the covering array of seed 1,
// then (while fewer than n) those of seeds 2, 3, ...; n <= 0 means one
// array.
func models(t testing.TB, n int) (names []string, srcs map[string]string, descr map[string]string) {
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
	names, srcs, descr := models(t, 0)
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

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
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
const defaultSample = 14

// TestBuildVetRun generates a sample of the models (the first of the
// covering arrays) into one temporary module, runs one go vet and one go
// build over all of them (each model package, its main.go, and one program
// that runs any of them by name), then runs each model for Steps steps
// three times: on one goroutine, split over three (every loop cut) and
// with the vector kernels off. The three runs must succeed and write the
// same bytes.
func TestBuildVetRun(t *testing.T) {
	start := time.Now()
	n := sampleSize(t)
	names, srcs, descr := models(t, n)
	fs := Factors()
	var rows []Row
	for seed := int64(1); len(rows) < len(names); seed++ {
		rows = append(rows, array(seed)...)
	}
	feasible, _ := FeasiblePairs(fs)
	cov := Covered(fs, rows[:len(names)])
	nc := 0
	for _, p := range feasible {
		if cov[p] {
			nc++
		}
	}
	t.Logf("building %d models holding %d/%d feasible pairs", len(names), nc, len(feasible))

	dir := t.TempDir()
	write := func(rel string, data []byte) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", []byte("module "+pipelinefuzz.ImportBase+"\n\ngo 1.22\n"))
	var prog strings.Builder
	prog.WriteString("// Command prog runs the generated model named by its first argument.\npackage main\n\nimport (\n\t\"os\"\n\n\tannrt \"annarchy/runtime\"\n")
	for _, name := range names {
		fmt.Fprintf(&prog, "\t%q\n", pipelinefuzz.ImportBase+"/"+name)
	}
	prog.WriteString(")\n\nfunc main() {\n\tvar p annrt.Program\n\tswitch os.Args[1] {\n")
	for _, name := range names {
		res, err := pipelinefuzz.Generate("model.yaml", []byte(srcs[name]))
		if res.Model == nil || err != nil {
			t.Fatalf("%s (%s): not accepted or not generated: %v %v\n%s", name, descr[name], err,
				res.Diags.Format(map[string][]byte{"model.yaml": []byte(srcs[name])}, 10), srcs[name])
		}
		for rel, data := range res.Files {
			if rel == "main.go" {
				rel = filepath.Join("cmd", name, "main.go")
			}
			write(rel, data)
		}
		write(filepath.Join("models", name+".yaml"), []byte(srcs[name]))
		fmt.Fprintf(&prog, "\tcase %q:\n\t\tp = %s.Program()\n", name, name)
	}
	prog.WriteString("\tdefault:\n\t\tpanic(\"unknown model \" + os.Args[1])\n\t}\n\tos.Exit(annrt.RunMain(p, os.Args[2:], os.Stderr, nil))\n}\n")
	write("prog/main.go", []byte(prog.String()))

	goCmd := func(args ...string) {
		t0 := time.Now()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s\n(models and their features: %s)", strings.Join(args, " "), err, out, modelList(names, descr))
		}
		t.Logf("go %s: %.1f s", strings.Join(args, " "), time.Since(t0).Seconds())
	}
	goCmd("vet", "./...")
	goCmd("build", "-o", "prog.bin", "./prog")

	bin := filepath.Join(dir, "prog.bin")
	variants := []struct {
		what string
		args []string
		env  []string
	}{
		{"one goroutine", nil, nil},
		{"three goroutines, every loop split", []string{"-threads", "3", "-min-chunk-work", "1"}, nil},
		{"vector kernels off", nil, []string{"ANNC_SIMD=off"}},
	}
	var wg sync.WaitGroup
	sem := make(chan bool, 2)
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- true
			defer func() { <-sem }()
			var ref map[string][]byte
			for k, v := range variants {
				out := filepath.Join(dir, "out", name, fmt.Sprint(k))
				args := append([]string{name, "-out", out, "-duration", fmt.Sprint(Steps * Dt)}, v.args...)
				cmd := exec.Command(bin, args...)
				cmd.Env = append(os.Environ(), v.env...)
				if msg, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%s (%s), %s: %v\n%s\n%s", name, descr[name], v.what, err, msg, srcs[name])
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
						t.Errorf("%s (%s): %s differs with %s\n%s", name, descr[name], f, v.what, srcs[name])
					}
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d models generated, vetted, built and run %d times each in %.1f s", len(names), len(variants), time.Since(start).Seconds())
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
