package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/annc/annc/codegen"
	"github.com/annc/annc/internal/build"
)

// TestEmbed builds and runs examples/embed as its README says: the module
// is copied into a temporary directory, ../coba/model.yaml is generated into
// its internal/sim (what `annc compile ../coba/model.yaml -d internal/sim`
// writes there), and `go run .` builds and runs it (the only go build).
func TestEmbed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	root := t.TempDir()
	mod := filepath.Join(root, "embed")
	for _, f := range []string{"go.mod", "main.go"} {
		copyFile(t, filepath.Join("embed", f), filepath.Join(mod, f))
	}
	copyFile(t, filepath.Join("coba", "model.yaml"), filepath.Join(root, "coba", "model.yaml"))

	l, err := build.Load(filepath.Join(root, "coba", "model.yaml"))
	if err != nil || l.Model == nil {
		t.Fatalf("load: %v %v", err, l.Diags)
	}
	files, err := build.GenerateFiles(l.Model, codegen.Options{ImportBase: "example.com/embed/internal/sim", Version: "test", SourceName: "model.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		p := filepath.Join(mod, "internal", "sim", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	cmd := exec.Command("go", "run", ".")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	text := string(out)
	rate := `(\d+\.\d\d) Hz`
	windows := regexp.MustCompile(`(?m)^window (\d) \(.*\): +`+rate+`$`).FindAllStringSubmatch(text, -1)
	runs := regexp.MustCompile(`(?m)^run (\d): `+rate+`$`).FindAllStringSubmatch(text, -1)
	if len(windows) != 4 || len(runs) != 8 || !strings.Contains(text, "seed 1: ") {
		t.Fatalf("output has %d windows and %d runs, want 4 and 8:\n%s", len(windows), len(runs), text)
	}
	distinct := map[string]bool{}
	for k, m := range append(windows, runs...) {
		r, _ := strconv.ParseFloat(m[2], 64)
		// COBA fires at about 20 Hz (examples/coba/README.md).
		if r < 5 || r > 60 {
			t.Errorf("line %d: rate %v Hz outside 5-60 Hz:\n%s", k, r, text)
		}
		if k >= len(windows) {
			distinct[m[2]] = true
		}
	}
	if len(distinct) < 2 {
		t.Errorf("all seeds gave the same rate:\n%s", text)
	}
	// The sweep's runs equal the runs of their seeds alone, and its two
	// trials differ.
	sweep := regexp.MustCompile(`(?m)^I = (\d+), trial (\d): (\d+\.\d\d) Hz \(alone: (\d+\.\d\d) Hz\)$`).FindAllStringSubmatch(text, -1)
	if len(sweep) != 4 {
		t.Fatalf("%d sweep lines, want 4:\n%s", len(sweep), text)
	}
	for _, m := range sweep {
		if m[3] != m[4] {
			t.Errorf("sweep run %q differs from the run of its seed alone", m[0])
		}
	}
	if sweep[0][3] == sweep[1][3] {
		t.Errorf("the two trials of a point gave the same rate:\n%s", text)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
