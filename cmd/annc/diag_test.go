package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden stderr and exit status of testdata/diag")

// TestDiagnostics runs `annc check model.yaml` on every wrong model of
// testdata/diag and compares its stderr and exit status exactly with the
// golden ones in the archive. An archive holds model.yaml (and any file it
// refers to), then "stderr" and "exit"; its comment says what is wrong.
// Run with -update to rewrite the golden sections.
func TestDiagnostics(t *testing.T) {
	paths, err := filepath.Glob("testdata/diag/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 50 {
		t.Errorf("only %d diagnostic cases, want at least 50", len(paths))
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var wantStderr, wantExit *txtar.File
			for i := range ar.Files {
				f := &ar.Files[i]
				switch f.Name {
				case "stderr":
					wantStderr = f
				case "exit":
					wantExit = f
				default:
					p := filepath.Join(dir, f.Name)
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			t.Chdir(dir)
			var stdout, stderr bytes.Buffer
			code := Main([]string{"check", "model.yaml"}, strings.NewReader(""), &stdout, &stderr)
			if stdout.Len() > 0 {
				t.Errorf("check wrote to stdout: %q", stdout.String())
			}
			gotExit := strconv.Itoa(code) + "\n"
			if *update {
				ar.Files = setSection(ar.Files, "stderr", stderr.Bytes())
				ar.Files = setSection(ar.Files, "exit", []byte(gotExit))
				if err := os.WriteFile(filepath.Join(origDir, path), txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if wantStderr == nil || wantExit == nil {
				t.Fatalf("%s has no stderr or exit section (run with -update)", path)
			}
			if d := cmp.Diff(string(wantStderr.Data), stderr.String()); d != "" {
				t.Errorf("stderr differs (-want +got):\n%s", d)
			}
			if string(wantExit.Data) != gotExit {
				t.Errorf("exit %s, want %s", strings.TrimSpace(gotExit), strings.TrimSpace(string(wantExit.Data)))
			}
			if code == 0 {
				t.Errorf("a wrong model passes check")
			}
			if !strings.Contains(stderr.String(), "model.yaml:") || !strings.Contains(stderr.String(), "^") {
				t.Errorf("no file:line:col diagnostic with a caret:\n%s", stderr.String())
			}
		})
	}
}

// origDir is the package directory, where testdata lives.
var origDir, _ = os.Getwd()

func setSection(files []txtar.File, name string, data []byte) []txtar.File {
	for i := range files {
		if files[i].Name == name {
			files[i].Data = data
			return files
		}
	}
	return append(files, txtar.File{Name: name, Data: data})
}
