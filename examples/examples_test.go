// Package examples holds runnable models, one directory each with its
// model.yaml and a README.md; this test keeps them valid.
package examples

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/annc/annc/parser"
)

// TestExamplesParse parses every example without any diagnostic.
func TestExamplesParse(t *testing.T) {
	files, err := filepath.Glob("*/model.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d examples, want at least 4", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, diags := parser.ParseModel(f, src)
		if len(diags) != 0 || m == nil {
			t.Errorf("%s:\n%s", f, diags.Format(map[string][]byte{f: src}, 20))
			continue
		}
		if want := filepath.Base(filepath.Dir(f)); m.Name != want {
			t.Errorf("%s: name %q, want the directory name %q", f, m.Name, want)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(f), "README.md")); err != nil {
			t.Errorf("%s: no README.md", f)
		}
	}
}
