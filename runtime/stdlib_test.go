package runtime

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"
)

// TestStandardLibraryOnly checks that the files annc copies into every
// build directory (the package and its subpackages, as embedded for
// BuildFiles) import nothing but the standard library and those
// subpackages.
func TestStandardLibraryOnly(t *testing.T) {
	var files []string
	copied := map[string]bool{}
	err := fs.WalkDir(source, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			files = append(files, name)
			copied[modulePath+"/"+path.Dir(name)] = true
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("reading the embedded sources: %v (%d files)", err, len(files))
	}
	fset := token.NewFileSet()
	for _, name := range files {
		src, err := fs.ReadFile(source, name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(p, "/")
			if strings.Contains(first, ".") && !copied[p] {
				t.Errorf("%s imports %q: the runtime must use the standard library only", name, p)
			}
		}
	}
}
