package e2e

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/annc/annc/codegen"
	"github.com/annc/annc/internal/build"
)

var (
	buildOnce sync.Once
	progPath  string
	buildErr  error
	tmpRoot   string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// models are generated into the test module, by import name.
var models = map[string]string{
	"api":      "testdata/api.yaml",
	"coba":     "../../examples/coba/model.yaml",
	"hh_gamma": "../../examples/hh_gamma/model.yaml",
}

// postMajor are generated a second time as package <name>post with every
// projection in the post-major layout (codegen.Options.PostMajorOnly), to
// compare the layouts.
var postMajor = []string{"coba"}

// program builds testdata/prog against freshly generated packages, once.
func program(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		tmpRoot, buildErr = os.MkdirTemp("", "annc-e2e-")
		if buildErr != nil {
			return
		}
		buildErr = generateAndBuild(tmpRoot)
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return progPath
}

func generateAndBuild(dir string) error {
	for _, path := range models {
		l, err := build.Load(path)
		if err != nil {
			return err
		}
		if l.Model == nil {
			return &buildError{"model " + path + ":\n" + l.Diags.Format(l.Sources, 20)}
		}
		opt := codegen.Options{ImportBase: "e2e/annarchy", Version: "test", SourceName: filepath.Base(path)}
		files, err := build.GenerateFiles(l.Model, opt)
		if err != nil {
			return err
		}
		if slices.Contains(postMajor, l.Model.Name) {
			l.Model.Name += "post"
			opt.PostMajorOnly = true
			post, err := build.GenerateFiles(l.Model, opt)
			if err != nil {
				return err
			}
			maps.Copy(files, post)
		}
		for name, src := range files {
			if name == "main.go" {
				continue
			}
			p := filepath.Join(dir, "annarchy", name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, src, 0o644); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "prog"), 0o755); err != nil {
		return err
	}
	progFiles, err := filepath.Glob("testdata/prog/*.go")
	if err != nil {
		return err
	}
	for _, f := range progFiles {
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "prog", filepath.Base(f)), src, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module e2e\n\ngo 1.22\n"), 0o644); err != nil {
		return err
	}
	progPath = filepath.Join(dir, "prog.bin")
	args := []string{"build", "-o", progPath}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./prog")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return &buildError{"go build: " + err.Error() + "\n" + string(out)}
	}
	return nil
}

type buildError struct{ msg string }

func (e *buildError) Error() string { return e.msg }

// run runs the program with args (and extra environment) and decodes its
// JSON output into v.
func run(tb testing.TB, v any, env []string, args ...string) {
	tb.Helper()
	cmd := exec.Command(program(tb), args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("prog %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		tb.Fatalf("prog %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

var (
	apiOnce sync.Once
	apiOut  map[string]json.RawMessage
)

// apiResult returns one section of `prog api` (run once for all tests).
func apiResult(t *testing.T, section string, v any) {
	t.Helper()
	apiOnce.Do(func() { run(t, &apiOut, nil, "api") })
	raw, ok := apiOut[section]
	if !ok {
		t.Fatalf("prog api printed no %q", section)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v\n%s", section, err, raw)
	}
}
