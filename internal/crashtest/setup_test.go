package crashtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	setupOnce sync.Once
	setupErr  error
	tmpRoot   string
	anncBin   string // the annc command
	modelFile string // kill.yaml in tmpRoot
	buildDir  string // its build directory
	runnerBin string // its runner
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// setup builds annc and compiles the kill model with it, once.
func setup(t *testing.T) {
	t.Helper()
	setupOnce.Do(func() {
		tmpRoot, setupErr = os.MkdirTemp("", "annc-crash-")
		if setupErr != nil {
			return
		}
		anncBin = filepath.Join(tmpRoot, "annc")
		cmd := exec.Command("go", "build", "-o", anncBin, "./cmd/annc")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			setupErr = &cmdError{"go build annc", err, out}
			return
		}
		src, err := os.ReadFile("testdata/kill.yaml")
		if err != nil {
			setupErr = err
			return
		}
		modelFile = filepath.Join(tmpRoot, "kill.yaml")
		if setupErr = os.WriteFile(modelFile, src, 0o644); setupErr != nil {
			return
		}
		buildDir = filepath.Join(tmpRoot, "build")
		cmd = exec.Command(anncBin, "compile", modelFile, "-d", buildDir)
		cmd.Dir = tmpRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			setupErr = &cmdError{"annc compile", err, out}
			return
		}
		runnerBin = filepath.Join(buildDir, "bin", "killme")
	})
	if setupErr != nil {
		t.Fatal(setupErr)
	}
}

type cmdError struct {
	what string
	err  error
	out  []byte
}

func (e *cmdError) Error() string { return e.what + ": " + e.err.Error() + "\n" + string(e.out) }
