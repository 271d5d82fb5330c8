package build

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// This file turns failures of the environment (disk full, odd directory
// names, a go.work that is gone or broken, no go command) into messages that
// say what happened and what to do, and repairs what annc wrote itself.

// writeFile is os.WriteFile; tests replace it to simulate a full disk.
var writeFile = os.WriteFile

// diskError explains a failed write or directory creation under the build
// directory dir, or returns nil when err is not about the file system's state.
func diskError(err error, dir string) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("no space left on the device of %s: free some disk space and compile again (%w)", dir, err)
	case errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("disk quota exceeded on %s: free some space or raise the quota, then compile again (%w)", dir, err)
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%s is on a read-only file system: choose a writable build directory with -d (%w)", dir, err)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("no permission to write in %s: choose another build directory with -d or fix its permissions (%w)", dir, err)
	}
	return nil
}

// writeError wraps a failure to write a generated file.
func writeError(err error, dir string) error {
	if e := diskError(err, dir); e != nil {
		return fmt.Errorf("cannot write the generated code: %w", e)
	}
	return fmt.Errorf("cannot write the generated code to %s: %w", dir, err)
}

// goBuildError explains a failed go build in dir from its output. Only a
// failure that is none of the environment's is left as annc's own bug.
func goBuildError(err error, out, dir, what string) error {
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("the go command was not found on PATH: annc builds the generated code with Go (https://go.dev/dl/), install it or add it to PATH")
	}
	low := strings.ToLower(out)
	cache := os.Getenv("GOCACHE")
	if cache == "" {
		cache = "the Go build cache (go env GOCACHE)"
	}
	switch {
	case strings.Contains(low, "no space left on device"):
		return fmt.Errorf("go build ran out of disk space (it writes to %s and to %s): free some space and compile again:\n%s", dir, cache, out)
	case strings.Contains(low, "disk quota exceeded"):
		return fmt.Errorf("go build exceeded the disk quota (it writes to %s and to %s): free some space and compile again:\n%s", dir, cache, out)
	case strings.Contains(low, "read-only file system"):
		return fmt.Errorf("go build cannot write (read-only file system under %s or %s): choose a writable build directory with -d or set GOCACHE:\n%s", dir, cache, out)
	case strings.Contains(low, "permission denied"):
		return fmt.Errorf("go build was denied permission to write (under %s or %s):\n%s", dir, cache, out)
	case strings.Contains(low, "signal: killed") || strings.Contains(low, "cannot allocate memory"):
		return fmt.Errorf("go build was killed or ran out of memory while building %s:\n%s", what, out)
	case strings.Contains(low, "go.work") || strings.Contains(low, "go.mod"):
		return fmt.Errorf("go build could not use the module files of %s (go.mod or a go.work above it):\n%s", dir, out)
	}
	return fmt.Errorf("internal error: go build of the generated code failed (please report this with your model):\n%s", out)
}

// checkImportPath refuses a build directory whose import path the go command
// cannot use (a space, a quote or another character outside letters, digits
// and - . _ ~ + in a directory name inside a module).
func checkImportPath(path, dir, mod string) error {
	if err := module.CheckImportPath(path); err != nil {
		for _, el := range strings.Split(path, "/") {
			if module.CheckImportPath(el) != nil {
				return fmt.Errorf("build directory %s lies inside module %s, but the directory name %q cannot be part of a Go import path (only letters, digits and - . _ ~ +): rename it or choose another -d", dir, mod, el)
			}
		}
		return fmt.Errorf("build directory %s lies inside module %s, but %q is not a valid Go import path (%v): choose another -d", dir, mod, path, err)
	}
	return nil
}

// workHeader marks a go.work that annc wrote and may therefore repair.
const workHeader = "// Written by annc so that `go run <build dir>/main.go` works here;\n// annc adds and repairs its use lines.\n"

// ensureWork makes `go run <dir>/main.go` work from the working directory by
// listing the build directory's module in a go.work there. A go.work that
// annc wrote is repaired when broken (unparsable, or listing directories
// that no longer hold a module); one of the user's is only reported.
func ensureWork(abs string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", nil // not below the working directory: nothing to make runnable from here
	}
	use := "./" + filepath.ToSlash(rel)
	path := filepath.Join(wd, "go.work")
	data, err := os.ReadFile(path)
	fresh := func(note string) (string, error) {
		content := workHeader + "\ngo 1.22\n\nuse " + modfile.AutoQuote(use) + "\n"
		if err := writeFile(path, []byte(content), 0o644); err != nil {
			return "", fmt.Errorf("cannot write %s: %w", path, orDisk(err, wd))
		}
		return note, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return fresh("wrote go.work (use " + use + ") so that `go run " + filepath.ToSlash(rel) + "/main.go` works here")
	}
	if err != nil {
		return "", fmt.Errorf("cannot read %s: %w", path, err)
	}
	ours := strings.HasPrefix(string(data), workHeader) || oldAnncWork(data)
	wf, perr := modfile.ParseWork(path, data, nil)
	if perr != nil {
		if ours {
			return fresh("go.work was broken (" + firstLine(perr.Error()) + "); rewrote it")
		}
		return "", fmt.Errorf("%s cannot be parsed, so `go run %s/main.go` cannot work here: %v\nfix it (it needs a line `use %s`) or delete it and compile again",
			path, filepath.ToSlash(rel), perr, modfile.AutoQuote(use))
	}
	var notes []string
	found := false
	var uses []string
	for _, u := range wf.Use {
		uses = append(uses, u.Path)
	}
	for _, u := range uses {
		if u == use {
			found = true
			continue
		}
		if ours && !exists(filepath.Join(wd, filepath.FromSlash(u), "go.mod")) {
			if err := wf.DropUse(u); err != nil {
				return "", err
			}
			notes = append(notes, "removed "+u+" from go.work (no module there any more)")
		}
	}
	if found && len(notes) == 0 {
		return "", nil
	}
	if !found {
		if err := wf.AddUse(use, ""); err != nil {
			return "", err
		}
		notes = append(notes, "added "+use+" to go.work")
	}
	wf.Cleanup()
	out := modfile.Format(wf.Syntax)
	if err := writeFile(path, out, 0o644); err != nil {
		return "", fmt.Errorf("cannot write %s: %w", path, orDisk(err, wd))
	}
	return strings.Join(notes, "; "), nil
}

// oldAnncWork recognises the go.work earlier versions of annc wrote: only a
// go line and use lines.
func oldAnncWork(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || (f[0] != "go" && f[0] != "use") {
			return false
		}
	}
	return true
}

func orDisk(err error, dir string) error {
	if e := diskError(err, dir); e != nil {
		return e
	}
	return err
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
