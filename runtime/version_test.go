package runtime

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"strings"
	"testing"
)

// TestVersionGuard type-checks the guard that generated code declares against
// this package's version.go: it compiles for GenVersion and fails for any
// other version, in both directions.
func TestVersionGuard(t *testing.T) {
	src, err := os.ReadFile("version.go")
	if err != nil {
		t.Fatal(err)
	}
	check := func(n int) error {
		fset := token.NewFileSet()
		f1, err := parser.ParseFile(fset, "version.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		guard := fmt.Sprintf("package runtime\nconst (\n_ = EnforceVersion(GenVersion - %d)\n_ = EnforceVersion(%d - GenVersion)\n)\n", n, n)
		f2, err := parser.ParseFile(fset, "guard.go", guard, 0)
		if err != nil {
			t.Fatal(err)
		}
		conf := types.Config{Importer: importer.Default()}
		_, err = conf.Check("runtime", fset, []*ast.File{f1, f2}, nil)
		return err
	}
	if err := check(GenVersion); err != nil {
		t.Errorf("guard for GenVersion %d: %v", GenVersion, err)
	}
	for _, n := range []int{GenVersion - 1, GenVersion + 1} {
		err := check(n)
		if err == nil || !strings.Contains(err.Error(), "overflows") {
			t.Errorf("guard for version %d against %d: got %v, want an overflow error", n, GenVersion, err)
		}
	}
}
