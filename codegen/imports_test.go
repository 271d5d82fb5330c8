package codegen

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the stages apart: codegen prints the analysed model
// (package ir) and never reads the model file's syntax (package parser); the
// runtime it links to is copied into the build directory by internal/build,
// so codegen needs nothing of it but the .npy format (runtime/results).
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]string{
		"github.com/annc/annc/parser":  "codegen reads the analysed model only (package ir)",
		"github.com/annc/annc/runtime": "the runtime's copy into the build directory is internal/build's",
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if why, ok := forbidden[path]; ok {
				t.Errorf("%s imports %s: %s", name, path, why)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no source files found")
	}
}
