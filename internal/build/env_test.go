package build

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// goList runs `go list -m` in dir: it fails when the go.work there is
// broken or lists a directory without a module, as `go run` would.
func goList(t *testing.T, dir string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", "list", "-m")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestCompileEnvironment walks one working directory through environment
// failures: a full disk while writing, then (one go build) a build
// directory whose name holds a space and quotes, then a deleted, a broken
// and a stale go.work, each repaired by the next (up-to-date) compile.
func TestCompileEnvironment(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	model := writeModel(t, work, smallModel)
	dir := filepath.Join(work, `my "odd" build dir`)

	// 1. The disk fills up after a few files.
	written := 0
	writeFile = func(name string, data []byte, perm fs.FileMode) error {
		if written++; written > 3 {
			os.WriteFile(name, data[:len(data)/2], perm) // what a full disk leaves behind
			return &fs.PathError{Op: "write", Path: name, Err: syscall.ENOSPC}
		}
		return os.WriteFile(name, data, perm)
	}
	_, err := Compile(mustLoad(t, model), Options{Dir: dir, Version: "test"})
	writeFile = os.WriteFile
	if err == nil || !strings.Contains(err.Error(), "no space left on the device of "+dir+": free some disk space") ||
		strings.Contains(err.Error(), "internal error") {
		t.Fatalf("full disk: %v", err)
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if strings.HasSuffix(p, ".tmp") || filepath.Base(p) == stampName {
			t.Errorf("left behind after the failed write: %s", p)
		}
		return nil
	})

	// 2. With space again, the odd name builds, and go.work quotes it.
	res, err := Compile(mustLoad(t, model), Options{Dir: dir, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	runBinary(t, res)
	data, _ := os.ReadFile(filepath.Join(work, "go.work"))
	if !strings.Contains(string(data), `use "./my \"odd\" build dir"`) {
		t.Errorf("go.work:\n%s", data)
	}
	if out, err := goList(t, work); err != nil {
		t.Fatalf("go list with annc's go.work: %v\n%s", err, out)
	}

	// 3. A deleted go.work comes back even though the build is up to date.
	os.Remove(filepath.Join(work, "go.work"))
	res, err = Compile(mustLoad(t, model), Options{Dir: dir, Version: "test"})
	if err != nil || !res.UpToDate || !exists(filepath.Join(work, "go.work")) || !strings.Contains(strings.Join(res.Notes, "\n"), "wrote go.work") {
		t.Fatalf("deleted go.work: %v %+v", err, res)
	}

	// 4. A broken go.work that annc wrote is rewritten.
	os.WriteFile(filepath.Join(work, "go.work"), []byte(workHeader+"\ngo 1.22\nuse (\n"), 0o644)
	res, err = Compile(mustLoad(t, model), Options{Dir: dir, Version: "test"})
	if err != nil || !strings.Contains(strings.Join(res.Notes, "\n"), "go.work was broken") {
		t.Fatalf("broken go.work: %v %+v", err, res)
	}
	if out, err := goList(t, work); err != nil {
		t.Fatalf("go list after the repair: %v\n%s", err, out)
	}

	// 5. A use line of annc's go.work whose directory is gone is dropped.
	os.WriteFile(filepath.Join(work, "go.work"), []byte("go 1.22\n\nuse ./gone\n\nuse \"./my \\\"odd\\\" build dir\"\n"), 0o644)
	res, err = Compile(mustLoad(t, model), Options{Dir: dir, Version: "test"})
	if err != nil || !strings.Contains(strings.Join(res.Notes, "\n"), "removed ./gone") {
		t.Fatalf("stale go.work: %v %+v", err, res)
	}
	if out, err := goList(t, work); err != nil {
		t.Fatalf("go list after dropping ./gone: %v\n%s", err, out)
	}

	// 6. A broken go.work of the user's own is reported, not touched.
	mine := []byte("go 1.22\nreplace x => y\nbogus directive\n")
	os.WriteFile(filepath.Join(work, "go.work"), mine, 0o644)
	_, err = Compile(mustLoad(t, model), Options{Dir: dir, Version: "test"})
	if err == nil || !strings.Contains(err.Error(), "go.work cannot be parsed") || !strings.Contains(err.Error(), "fix it (it needs a line `use") {
		t.Errorf("user's broken go.work: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(work, "go.work")); string(data) != string(mine) {
		t.Errorf("the user's go.work was changed:\n%s", data)
	}
}

// Inside a module, a build directory whose name cannot be part of an
// import path is refused before anything is written.
func TestCompileDirNotImportable(t *testing.T) {
	work := t.TempDir()
	os.WriteFile(filepath.Join(work, "go.mod"), []byte("module example.com/sim\n\ngo 1.22\n"), 0o644)
	model := writeModel(t, work, smallModel)
	for _, name := range []string{"has space", `quo"te`, "it's"} {
		dir := filepath.Join(work, name)
		_, err := Compile(mustLoad(t, model), Options{Dir: dir, Version: "test"})
		if err == nil || !strings.Contains(err.Error(), "cannot be part of a Go import path") || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 1 { // only the lock file
			t.Errorf("%s: wrote %d files", name, len(entries))
		}
	}
}

// go build failures caused by the environment get their own messages.
func TestGoBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		out  string
		want string
	}{
		{errors.New("exit status 1"), "go: writing stat cache: write /c/x: no space left on device", "go build ran out of disk space"},
		{errors.New("exit status 1"), "link: write bin/m: disk quota exceeded", "exceeded the disk quota"},
		{errors.New("exit status 1"), "open /x/bin/m: read-only file system", "read-only file system"},
		{exec.ErrNotFound, "", "the go command was not found on PATH"},
		{errors.New("exit status 1"), "go: errors parsing go.work:\ngo.work:3: unknown directive", "could not use the module files"},
		{errors.New("exit status 1"), "./network.go:12:2: undefined: x", "internal error"},
	} {
		if got := goBuildError(tc.err, tc.out, "/b", "the model").Error(); !strings.Contains(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.out, got, tc.want)
		}
	}
}
