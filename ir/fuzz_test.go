package ir_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/parser"
)

// FuzzBuild checks that analysis never panics on a model the parser
// accepts (or partly accepts), and that an accepted model prints.
func FuzzBuild(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	errFiles, _ := filepath.Glob("testdata/errors/*.txtar")
	for _, file := range append(files, errFiles...) {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, x := range ar.Files {
			if x.Name == "model.yaml" {
				f.Add(x.Data)
			}
		}
	}
	lib, d := models.Load()
	if d.HasErrors() {
		f.Fatal(d)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m, _ := parser.ParseModel("model.yaml", src)
		if m == nil {
			return
		}
		im, d := ir.Build(m, lib)
		if !d.HasErrors() {
			_ = ir.Print(im)
		}
	})
}
