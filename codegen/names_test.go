package codegen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	annparser "github.com/annc/annc/parser"
	annrt "github.com/annc/annc/runtime"
)

// generateYAML analyses a model file and generates its package for the
// tests.
func generateYAML(t *testing.T, name, src string) (*ir.Model, map[string][]byte) {
	t.Helper()
	a, ds := annparser.ParseModel(name, []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	lib, lds := models.Load()
	if lds.HasErrors() {
		t.Fatal(lds)
	}
	m, ids := ir.Build(a, lib)
	if ids.HasErrors() {
		t.Fatal(ids)
	}
	files, err := Generate(m, testOpt)
	if err != nil {
		t.Fatal(err)
	}
	return m, files
}

// networkOf is the generated network.go of the model file at path.
func networkOf(t *testing.T, path string) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, files := generateYAML(t, "model.yaml", string(src))
	return files[m.Name+"/network.go"]
}

// networkDecls parses a generated network.go and returns the exported
// methods of *Network and the exported fields of its struct but those of
// model objects (commented "population x", "projection x", "monitor x").
func networkDecls(t *testing.T, src []byte) (methods, fields []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "network.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil || !d.Name.IsExported() {
				continue
			}
			if st, ok := d.Recv.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := st.X.(*ast.Ident); ok && id.Name == "Network" {
					methods = append(methods, d.Name.Name)
				}
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				ts, ok := s.(*ast.TypeSpec)
				if !ok || ts.Name.Name != "Network" {
					continue
				}
				for _, fl := range ts.Type.(*ast.StructType).Fields.List {
					if c := fl.Comment.Text(); strings.HasPrefix(c, "population ") || strings.HasPrefix(c, "projection ") || strings.HasPrefix(c, "monitor ") {
						continue
					}
					for _, n := range fl.Names {
						if n.IsExported() {
							fields = append(fields, n.Name)
						}
					}
				}
			}
		}
	}
	return methods, fields
}

// structuralSchedule has every optional method of the Network: structural
// plasticity's and RunSchedule.
const structuralSchedule = "../internal/conformance/testdata/structural_schedule.yaml"

// TestNetworkReservedNames keeps networkReserved complete: every exported
// field and method of runtime.Core (promoted into the Network), every
// Network method the templates declare, and every exported method and
// non-object field of a generated Network must be in it, or a model object
// of that name would hide it or collide with it.
func TestNetworkReservedNames(t *testing.T) {
	want := map[string]string{}
	core := reflect.TypeOf(&annrt.Core{})
	for i := 0; i < core.NumMethod(); i++ {
		want[core.Method(i).Name] = "a method of runtime.Core"
	}
	for _, f := range reflect.VisibleFields(core.Elem()) {
		if f.IsExported() {
			want[f.Name] = "a field of runtime.Core"
		}
	}
	tmpl, err := os.ReadFile("../templates/network.go.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?m)^func \(n \*Network\) ([A-Z]\w*)`).FindAllSubmatch(tmpl, -1) {
		want[string(m[1])] = "a Network method of templates/network.go.tmpl"
	}
	methods, fields := networkDecls(t, networkOf(t, structuralSchedule))
	for _, n := range methods {
		want[n] = "a method of the generated Network"
	}
	for _, n := range fields {
		want[n] = "a field of the generated Network"
	}
	for _, n := range []string{"RunSchedule", "StartPruning", "StopCreating", "SetThreads", "Save"} {
		if want[n] == "" {
			t.Fatalf("%s not found: the test no longer sees every method", n)
		}
	}
	for n, why := range want {
		if !slices.Contains(networkReserved, n) {
			t.Errorf("networkReserved misses %s (%s)", n, why)
		}
	}
	for n := range want {
		if want[n] == "a method of runtime.Core" || want[n] == "a field of runtime.Core" {
			if !slices.Contains(coreReserved, n) {
				t.Errorf("coreReserved misses %s", n)
			}
		}
	}
}

// TestObjectsNamedLikeMethods names populations, projections and monitors
// after methods of the Network and of its Core: their fields are renamed, so
// none hides or collides with a method.
func TestObjectsNamedLikeMethods(t *testing.T) {
	src, err := os.ReadFile(structuralSchedule)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for _, r := range [][2]string{
		{"name: inp,", "name: save,"}, {"name: rp,", "name: load,"}, {"name: rs,", "name: threads,"},
		{"name: rc,", "name: setThreads,"}, {"post: rp,", "post: load,"}, {"post: rs,", "post: threads,"},
		{"post: rc", "post: setThreads"}, {"pre: inp", "pre: save"},
		{"name: pp,", "name: startPruning,"}, {"name: ps,", "name: runSchedule,"}, {"name: cp", "name: simulateThrough"},
		{"[pp]", "[startPruning]"}, {"[ps]", "[runSchedule]"}, {"[cp]", "[simulateThrough]"},
		{"{target: rp,", "{name: stoppedByCondition, target: load,"}, {"{target: rs,", "{name: stopCreating, target: threads,"},
		{"{target: rc,", "{name: startCreating, target: setThreads,"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("%s: no %q", structuralSchedule, r[0])
		}
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	m, files := generateYAML(t, "model.yaml", s)
	f, err := parser.ParseFile(token.NewFileSet(), "network.go", files[m.Name+"/network.go"], 0)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == "Network" {
			for _, fl := range ts.Type.(*ast.StructType).Fields.List {
				for _, n := range fl.Names {
					fields = append(fields, n.Name)
				}
			}
		}
		return true
	})
	methods, _ := networkDecls(t, files[m.Name+"/network.go"])
	core := reflect.TypeOf(&annrt.Core{})
	for _, f := range fields {
		if _, ok := core.MethodByName(f); ok || slices.Contains(methods, f) {
			t.Errorf("field %s of the Network has the name of a method", f)
		}
	}
	if !slices.Contains(fields, "Save_") || !slices.Contains(fields, "SetThreads_") {
		t.Errorf("fields %v: want Save_ and SetThreads_", fields)
	}
}

// modelNamed reports whether a field of a generated population or
// projection is named after the model: a neuron's variable or parameter
// ("variable v", "parameter tau"), a weighted sum ("sum(exc): ..."), a
// synapse's variable or parameter ("q, per synapse", "tau_q
// (projection-wide)").
func modelNamed(fl *ast.Field) bool {
	c := fl.Comment.Text()
	if strings.HasPrefix(c, "variable ") || strings.HasPrefix(c, "parameter ") || strings.HasPrefix(c, "sum(") {
		return true
	}
	first, _, _ := strings.Cut(strings.TrimSpace(c), " ")
	first = strings.TrimSuffix(first, ",")
	for _, n := range fl.Names {
		if first != "" && strings.TrimRight(n.Name, "_") == strings.ToUpper(first[:1])+first[1:] {
			return true
		}
	}
	return false
}

// TestObjectReservedNames keeps popReserved and projReserved complete: every
// exported method of a generated population or projection type, and every
// exported field that is not named after the model (a variable, a parameter
// or a weighted sum, commented so), must be in them, or a variable of that
// name would collide with it.
func TestObjectReservedNames(t *testing.T) {
	want := map[string]map[string]bool{"pop": {}, "proj": {}}
	for _, p := range []string{structuralSchedule, "../examples/synaptic_transmission/model.yaml", "../internal/conformance/testdata/hybrid.yaml", "../internal/conformance/testdata/rate.yaml", "../examples/coba/model.yaml"} {
		f, err := parser.ParseFile(token.NewFileSet(), "network.go", networkOf(t, p), parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		// A population type has a Geometry field, a projection type a C.
		kind := map[string]string{}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return false
			}
			var fields []string
			for _, fl := range st.Fields.List {
				if modelNamed(fl) {
					continue
				}
				for _, n := range fl.Names {
					if n.Name == "Geometry" {
						kind[ts.Name.Name] = "pop"
					} else if n.Name == "C" {
						kind[ts.Name.Name] = "proj"
					}
					if n.IsExported() {
						fields = append(fields, n.Name)
					}
				}
			}
			if k := kind[ts.Name.Name]; k != "" {
				for _, n := range fields {
					want[k][n] = true
				}
			}
			return false
		})
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.IsExported() {
				if st, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
					if id, ok := st.X.(*ast.Ident); ok && kind[id.Name] != "" {
						want[kind[id.Name]][fd.Name.Name] = true
					}
				}
			}
		}
	}
	for _, n := range []string{"SetSpikeTimes", "SetTimedArray", "TLast"} {
		if !want["pop"][n] {
			t.Fatalf("population name %s not found: the test no longer sees every generated type (%v)", n, want["pop"])
		}
	}
	if !want["proj"]["SetDelays"] {
		t.Fatalf("projection method SetDelays not found: the test no longer sees the generated types (%v)", want["proj"])
	}
	for n := range want["pop"] {
		if !slices.Contains(popReserved, n) {
			t.Errorf("popReserved misses %s, exported by a generated population type", n)
		}
	}
	for n := range want["proj"] {
		if !slices.Contains(projReserved, n) {
			t.Errorf("projReserved misses %s, exported by a generated projection type", n)
		}
	}
}
