package runtime

import (
	"bytes"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// The build directory's copy carries every runtime file and the results
// package, with the runtime's import of results pointing into the build
// directory.
func TestBuildFiles(t *testing.T) {
	files, err := BuildFiles("example.com/sim")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rng.go", "dist.go", "value.go", "connect.go", "delay.go", "core.go", "runner.go", "results/npy.go", "results/manifest.go", "fmath/exp.go", "spelling/spelling.go", "spikestats/spikes.go"} {
		src, ok := files["runtime/"+want]
		if !ok {
			t.Errorf("BuildFiles lacks runtime/%s", want)
			continue
		}
		pkg := "runtime"
		if sub, _, ok := strings.Cut(want, "/"); ok {
			pkg = sub
		}
		if !strings.Contains(string(src), "\npackage "+pkg+"\n") && !strings.HasPrefix(string(src), "package "+pkg+"\n") {
			t.Errorf("%s has no package %s clause", want, pkg)
		}
	}
	for name, src := range files {
		if strings.HasSuffix(name, "_test.go") || name == "runtime/source.go" {
			t.Errorf("BuildFiles copies %s", name)
		}
		if strings.Contains(string(src), `"`+modulePath) {
			t.Errorf("%s still imports from the annc module", name)
		}
	}
	if !strings.Contains(string(files["runtime/runner.go"]), `"example.com/sim/runtime/results"`) {
		t.Error("runner.go does not import the build directory's results package")
	}
	if !strings.Contains(string(files["runtime/exp.go"]), `"example.com/sim/runtime/fmath"`) {
		t.Error("exp.go does not import the build directory's fmath package")
	}
}

// Every copied file carries the generated-code header, which Go recognises
// (ast.IsGenerated), while its build constraints and package clause read as
// in the original, for each platform.
func TestBuildFilesHeader(t *testing.T) {
	files, err := BuildFiles("example.com/sim")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := BuildFiles("example.com/sim")
	generated := regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)
	fset := token.NewFileSet()
	n := 0
	for name, src := range files {
		if !bytes.Equal(src, again[name]) {
			t.Errorf("%s differs between two calls", name)
		}
		first, _, _ := strings.Cut(string(src), "\n")
		if !generated.MatchString(first) {
			t.Errorf("%s starts with %q, not the generated-code header", name, first)
		}
		orig, err := fs.ReadFile(source, strings.TrimPrefix(name, "runtime/"))
		if err != nil {
			t.Fatal(err)
		}
		for _, plat := range [][2]string{{"linux", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"}, {"plan9", "386"}} {
			ctx := build.Context{GOOS: plat[0], GOARCH: plat[1], Compiler: "gc", CgoEnabled: false}
			match := func(data []byte) bool {
				ctx.OpenFile = func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
				ok, err := ctx.MatchFile("x", path.Base(name))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				return ok
			}
			if match(orig) != match(src) {
				t.Errorf("%s: the header changes whether it builds on %s/%s", name, plat[0], plat[1])
			}
		}
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		n++
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if !ast.IsGenerated(f) {
			t.Errorf("%s: Go does not take it for generated code", name)
		}
		g, err := parser.ParseFile(fset, name, orig, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != g.Name.Name || (f.Doc == nil) != (g.Doc == nil) || f.Doc != nil && f.Doc.Text() != g.Doc.Text() {
			t.Errorf("%s: the header changes the package clause or its doc comment", name)
		}
	}
	if n < 40 {
		t.Errorf("only %d Go files copied", n)
	}
}
