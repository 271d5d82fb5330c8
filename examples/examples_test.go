// Package examples holds runnable models, one directory each with its
// model.yaml and a README.md; this test keeps them valid.
package examples

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/parser"
)

// TestExamples parses and analyses every example (with the built-in models)
// without any diagnostic.
func TestExamples(t *testing.T) {
	lib, diags := models.Load()
	if len(diags) != 0 {
		t.Fatalf("built-in models: %v", diags)
	}
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
		// A warning is allowed only where the example's README explains it
		// (a model ported verbatim that ANNarchy runs without one).
		readme, _ := os.ReadFile(filepath.Join(filepath.Dir(f), "README.md"))
		if _, diags := ir.Build(m, lib); diags.HasErrors() || len(diags) != 0 && !bytes.Contains(readme, []byte("warns")) {
			t.Errorf("%s: analysis:\n%s", f, diags.Format(map[string][]byte{f: src}, 20))
		}
		if want := filepath.Base(filepath.Dir(f)); m.Name != want {
			t.Errorf("%s: name %q, want the directory name %q", f, m.Name, want)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(f), "README.md")); err != nil {
			t.Errorf("%s: no README.md", f)
		}
	}
}
