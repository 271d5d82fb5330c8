package ir_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/parser"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/*.txtar")

// build parses and analyses a model file with the standard library.
func build(t *testing.T, name string, src []byte) (*ir.Model, diag.List) {
	t.Helper()
	lib, d := models.Load()
	if d.HasErrors() {
		t.Fatalf("loading the model library: %v", d)
	}
	m, pd := parser.ParseModel(name, src)
	if pd.HasErrors() {
		return nil, pd
	}
	im, d := ir.Build(m, lib)
	return im, append(pd, d...)
}

// TestGolden analyses each testdata/*.txtar "model.yaml" and compares the
// IR print ("ir") and the diagnostics ("diagnostics") with the archive.
// testdata/errors/*.txtar are models with semantic errors: only their
// diagnostics are compared (and they must contain at least one error).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	errFiles, _ := filepath.Glob("testdata/errors/*.txtar")
	if len(files) == 0 || (len(errFiles) < 25 && !*update) {
		t.Fatalf("expected golden files and at least 25 error cases, found %d and %d", len(files), len(errFiles))
	}
	for _, file := range append(files, errFiles...) {
		isErr := strings.Contains(file, "errors")
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			want := map[string]string{}
			for _, f := range ar.Files {
				if f.Name == "model.yaml" {
					src = f.Data
				} else {
					want[f.Name] = string(f.Data)
				}
			}
			if src == nil {
				t.Fatal("no model.yaml in archive")
			}
			im, d := build(t, "model.yaml", src)
			got := map[string]string{}
			if len(d) > 0 {
				var b strings.Builder
				for _, x := range d {
					b.WriteString(x.String())
					b.WriteByte('\n')
				}
				got["diagnostics"] = b.String()
			}
			if isErr && !d.HasErrors() {
				t.Errorf("expected errors, got none")
			}
			if !isErr && im != nil && !d.HasErrors() {
				got["ir"] = ir.Print(im)
			}
			if *update {
				out := &txtar.Archive{Comment: ar.Comment}
				out.Files = append(out.Files, txtar.File{Name: "model.yaml", Data: src})
				for _, name := range []string{"diagnostics", "ir"} {
					if s, ok := got[name]; ok {
						out.Files = append(out.Files, txtar.File{Name: name, Data: []byte(s)})
					}
				}
				if err := os.WriteFile(file, txtar.Format(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
			}
		})
	}
}
