// Package pipelinefuzz checks annc's front end and code generator together:
// a model that parser.ParseModel and ir.Build accept must generate Go
// (codegen.Generate) that parses and type-checks against the runtime copied
// beside it (internal/build.GenerateFiles), and
// that imports nothing beyond a fixed set of packages, so that no text of a
// model file can inject Go code.
//
// Type checking uses go/types with an importer that checks the runtime
// sources copied into the build directory in memory (once per process) and
// reads the standard library's export data, so an input costs milliseconds,
// not a go build.
package pipelinefuzz

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"maps"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/annc/annc/codegen"
	annbuild "github.com/annc/annc/internal/build"
	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	annparser "github.com/annc/annc/parser"
)

// ImportBase is the import path of the build directory the checks generate
// for (annc's default build directory).
const ImportBase = "annarchy"

// AllowedImports are the only packages generated code may import besides
// the runtime and the model package.
var AllowedImports = map[string]bool{
	"errors": true, "fmt": true, "math": true, "os": true, "slices": true, "sort": true,
	"strconv": true, "strings": true, "sync": true, "sync/atomic": true,
}

var (
	libOnce sync.Once
	lib     *models.Library
	libDiag diag.List
)

// Library is the built-in model library, loaded once.
func Library() (*models.Library, diag.List) {
	libOnce.Do(func() { lib, libDiag = models.Load() })
	return lib, libDiag
}

// Result is what the front end and code generator made of one model file.
type Result struct {
	Diags diag.List         // parser and analysis diagnostics
	Model *ir.Model         // nil when Diags has errors
	Files map[string][]byte // generated files, when Model is not nil and generation succeeded
}

// Generate runs parser.ParseModel, ir.Build and internal/build.GenerateFiles
// (the generated model and the runtime's copy) on src as annc check and annc
// compile do. err is a code generation failure of an
// accepted model (which is a bug).
func Generate(name string, src []byte) (res Result, err error) {
	ast, ds := annparser.ParseModel(name, src)
	res.Diags = append(res.Diags, ds...)
	if ast == nil || ds.HasErrors() {
		return res, nil
	}
	l, lds := Library()
	if lds.HasErrors() {
		return res, fmt.Errorf("the built-in model library has errors: %v", lds)
	}
	m, ids := ir.Build(ast, l)
	res.Diags = append(res.Diags, ids...)
	if ids.HasErrors() {
		return res, nil
	}
	res.Model = m
	files, err := annbuild.GenerateFiles(m, codegen.Options{ImportBase: ImportBase, Version: "fuzz", SourceName: name})
	if err != nil {
		return res, err
	}
	res.Files = files
	return res, nil
}

// checker type-checks generated build directories. The runtime package is
// checked once and reused while its sources stay the same.
type checker struct {
	mu         sync.Mutex
	fset       *token.FileSet
	std        types.Importer
	runtimeKey [32]byte
	runtimePkg *types.Package
	rtPkgs     map[string]*types.Package // the runtime and its subpackages, by import path
}

var shared = &checker{fset: token.NewFileSet()}

// TypeCheck parses and type-checks the files of a build directory (paths
// relative to it, as internal/build.GenerateFiles returns them): the
// runtime, the model package and main.go. It also checks that the generated
// code imports only AllowedImports, the runtime and the model package.
func TypeCheck(files map[string][]byte) error {
	return shared.check(files)
}

func (c *checker) check(files map[string][]byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.std == nil {
		// Finding a standard package's export data runs the go command
		// (seconds on a busy machine): do it for every package generated
		// code may import at once, so that no later model pays for it.
		c.std = importer.ForCompiler(c.fset, "gc", nil)
		for p := range AllowedImports {
			if _, err := c.std.Import(p); err != nil {
				return fmt.Errorf("importing %s: %w", p, err)
			}
		}
	}
	byDir := map[string][]string{}
	// Files whose build constraints (//go:build lines, _GOOS/_GOARCH
	// suffixes) exclude this machine are left out, as go build does.
	ctxt := build.Default
	ctxt.JoinPath = path.Join
	ctxt.OpenFile = func(name string) (io.ReadCloser, error) {
		b, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("%s: no such generated file", name)
		}
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	for name := range files {
		if path.Ext(name) != ".go" {
			continue
		}
		if ok, err := ctxt.MatchFile(path.Dir(name), path.Base(name)); err != nil {
			return err
		} else if !ok {
			continue
		}
		byDir[path.Dir(name)] = append(byDir[path.Dir(name)], name)
	}
	for _, names := range byDir {
		sort.Strings(names)
	}
	if len(byDir["runtime"]) == 0 {
		return errors.New("no runtime files generated")
	}
	if len(byDir["."]) == 0 {
		return errors.New("no main.go generated")
	}
	// The runtime and its subpackages (runtime/results, ...), the deepest
	// first so that each is checked after those it imports.
	var rtDirs, modelDirs []string
	for d := range byDir {
		switch {
		case d == "runtime" || strings.HasPrefix(d, "runtime/"):
			rtDirs = append(rtDirs, d)
		case d != ".":
			modelDirs = append(modelDirs, d)
		}
	}
	sort.Slice(rtDirs, func(i, j int) bool {
		di, dj := strings.Count(rtDirs[i], "/"), strings.Count(rtDirs[j], "/")
		if di != dj {
			return di > dj
		}
		return rtDirs[i] < rtDirs[j]
	})
	if len(modelDirs) != 1 {
		return fmt.Errorf("want one model package directory, got %q", modelDirs)
	}
	modelDir := modelDirs[0]

	// The runtime, cached by content.
	h := sha256.New()
	for _, d := range rtDirs {
		for _, name := range byDir[d] {
			fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
			h.Write(files[name])
		}
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	if c.runtimePkg == nil || key != c.runtimeKey {
		pkgs := map[string]*types.Package{}
		for _, d := range rtDirs {
			pkg, err := c.checkPackage(ImportBase+"/"+d, byDir[d], files, pkgs, nil)
			if err != nil {
				return fmt.Errorf("%s: %w", d, err)
			}
			pkgs[pkg.Path()] = pkg
		}
		c.runtimePkg, c.rtPkgs, c.runtimeKey = pkgs[ImportBase+"/runtime"], pkgs, key
	}
	modelPath := ImportBase + "/" + modelDir
	allowed := func(p string) bool { return AllowedImports[p] || c.rtPkgs[p] != nil || p == modelPath }
	local := maps.Clone(c.rtPkgs)
	model, err := c.checkPackage(modelPath, byDir[modelDir], files, local, allowed)
	if err != nil {
		return fmt.Errorf("%s: %w", modelPath, err)
	}
	local[modelPath] = model
	if _, err := c.checkPackage("main", byDir["."], files, local, allowed); err != nil {
		return fmt.Errorf("main: %w", err)
	}
	return nil
}

// importer resolves the generated packages from memory and the rest from
// the standard library.
type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// checkPackage parses and type-checks one package. allowed (nil: anything)
// limits its imports.
func (c *checker) checkPackage(pkgPath string, names []string, files map[string][]byte, local map[string]*types.Package, allowed func(string) bool) (*types.Package, error) {
	var syntax []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(c.fset, name, files[name], parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("generated Go does not parse: %v\n%s", err, numbered(files[name], err))
		}
		if !strings.HasPrefix(string(files[name]), "// Code generated by annc") {
			return nil, fmt.Errorf("%s lacks the \"// Code generated by annc\" header", name)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if allowed != nil && !allowed(p) {
				return nil, fmt.Errorf("%s imports %q, which generated code must not", name, p)
			}
		}
		syntax = append(syntax, f)
	}
	var errs []error
	conf := types.Config{
		Importer: importerFunc(func(p string) (*types.Package, error) {
			if pkg, ok := local[p]; ok {
				return pkg, nil
			}
			if strings.HasPrefix(p, ImportBase+"/") {
				return nil, fmt.Errorf("unknown generated package %q", p)
			}
			return c.std.Import(p)
		}),
		Error: func(err error) {
			if len(errs) < 10 {
				errs = append(errs, err)
			}
		},
	}
	pkg, _ := conf.Check(pkgPath, c.fset, syntax, nil)
	if len(errs) > 0 {
		var b strings.Builder
		for _, e := range errs {
			b.WriteString(e.Error())
			b.WriteByte('\n')
		}
		if te, ok := errs[0].(types.Error); ok {
			pos := c.fset.Position(te.Pos)
			b.WriteString(numbered(files[pos.Filename], nil))
		}
		return nil, errors.New(strings.TrimRight(b.String(), "\n"))
	}
	return pkg, nil
}

// numbered prints src with line numbers, for failure messages.
func numbered(src []byte, _ error) string {
	var b bytes.Buffer
	for i, line := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%5d  %s\n", i+1, line)
	}
	return b.String()
}
