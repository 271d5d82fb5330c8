package lang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// checkConnectorRow checks that a connector row is complete and consistent:
// every argument read in one way, the required ones first, the builder's
// arguments declared, a synapse count.
func checkConnectorRow(t *testing.T, c Connector) {
	t.Helper()
	seen := map[string]bool{}
	kinds := map[ArgKind]int{}
	optional := false
	for _, a := range c.Args {
		if seen[a.Name] {
			t.Errorf("connector %s lists argument %q twice", c.Name, a.Name)
		}
		seen[a.Name] = true
		kinds[a.Kind]++
		if a.Required && optional {
			t.Errorf("connector %s: required argument %q after an optional one", c.Name, a.Name)
		}
		optional = optional || !a.Required
		if a.Check != AnyNumber && a.Kind != ArgNumber {
			t.Errorf("connector %s: %q has a range check but is not a number", c.Name, a.Name)
		}
		if a.AtMost != NoSide && a.Kind != ArgInteger {
			t.Errorf("connector %s: %q is bounded by a view's size but is not an integer", c.Name, a.Name)
		}
		if a.Required && (a.Kind == ArgNumber || a.Kind == ArgInteger) && a.Example == 0 {
			t.Errorf("connector %s: required %q has no example value for generated models", c.Name, a.Name)
		}
		if a.Required && (a.Kind == ArgBool || a.Kind == ArgTranspose || a.Kind == ArgDelays) {
			t.Errorf("connector %s: %q is required but has a natural default", c.Name, a.Name)
		}
	}
	for _, k := range []ArgKind{ArgWeights, ArgDelays, ArgMatrix, ArgTranspose} {
		if kinds[k] > 1 {
			t.Errorf("connector %s has %d arguments of kind %d; the IR holds one", c.Name, kinds[k], k)
		}
	}
	if kinds[ArgWeights]+kinds[ArgMatrix] > 1 {
		t.Errorf("connector %s: the weights are drawn (ArgWeights), a matrix (ArgMatrix) or computed, not two of them", c.Name)
	}
	if kinds[ArgTranspose] > 0 && kinds[ArgMatrix] == 0 {
		t.Errorf("connector %s transposes a matrix it does not take", c.Name)
	}
	for _, name := range c.Call {
		a, ok := c.Arg(name)
		if !ok {
			t.Errorf("connector %s passes %q to %s, not one of its arguments", c.Name, name, c.Builder)
		} else if _, ok := callType[a.Kind]; !ok {
			t.Errorf("connector %s passes %q to %s, an argument the runtime never receives (weights and delays are set after)", c.Name, name, c.Builder)
		}
	}
	if c.Builder == "" || c.Synapses == nil {
		t.Errorf("connector %s needs a Builder and a synapse count", c.Name)
	}
}

// callType is the Go type of a builder's parameter receiving an argument
// of each kind.
var callType = map[ArgKind]string{ArgNumber: "float64", ArgInteger: "int", ArgBool: "bool", ArgMatrix: "[][]float64"}

// Every row's builder exists in the runtime with the parameters the row
// says the generated code passes, so a row cannot produce a call that does
// not build.
func TestConnectorBuilders(t *testing.T) {
	files, err := filepath.Glob("../../runtime/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("runtime sources: %v", err)
	}
	fset := token.NewFileSet()
	funcs := map[string]*ast.FuncDecl{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				funcs[fd.Name.Name] = fd
			}
		}
	}
	typ := func(e ast.Expr) string {
		var b strings.Builder
		var walk func(ast.Expr)
		walk = func(e ast.Expr) {
			switch x := e.(type) {
			case *ast.Ident:
				b.WriteString(x.Name)
			case *ast.StarExpr:
				b.WriteString("*")
				walk(x.X)
			case *ast.ArrayType:
				b.WriteString("[]")
				walk(x.Elt)
			default:
				b.WriteString("?")
			}
		}
		walk(e)
		return b.String()
	}
	for _, c := range Connectors {
		fd := funcs[c.Builder]
		if fd == nil {
			t.Errorf("connector %s: the runtime has no function %s", c.Name, c.Builder)
			continue
		}
		var want []string
		if c.RNG {
			want = append(want, "*RNG")
		}
		want = append(want, "View", "View")
		for _, name := range c.Call {
			a, _ := c.Arg(name)
			want = append(want, callType[a.Kind])
		}
		if c.Threads {
			want = append(want, "int")
		}
		var got []string
		for _, p := range fd.Type.Params.List {
			for range max(len(p.Names), 1) {
				got = append(got, typ(p.Type))
			}
		}
		var res []string
		if fd.Type.Results != nil {
			for _, r := range fd.Type.Results.List {
				res = append(res, typ(r.Type))
			}
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") || strings.Join(res, ", ") != "*Conn, error" {
			t.Errorf("connector %s: runtime.%s(%s) (%s); the row calls it with (%s) and wants (*Conn, error)",
				c.Name, c.Builder, strings.Join(got, ", "), strings.Join(res, ", "), strings.Join(want, ", "))
		}
	}
}

// The synapse counts of the rows, on hand-counted cases.
func TestConnectorSynapses(t *testing.T) {
	count := func(name string, s Shape) Count {
		row, ok := LookupConnector(name)
		if !ok {
			t.Fatalf("no connector %s", name)
		}
		return row.Synapses(s)
	}
	nan := math.NaN()
	for _, c := range []struct {
		name  string
		s     Shape
		least uint64
		n     float64
		exact bool
	}{
		// 4 × 6 pairs; of one population, the 4 neurons of the smaller view may each meet themselves.
		{"all_to_all", Shape{Pre: 4, Post: 6}, 24, 24, true},
		{"all_to_all", Shape{Pre: 4, Post: 6, SamePop: true}, 20, 20, false},
		{"all_to_all", Shape{Pre: 5, Post: 5, SamePop: true, Whole: true}, 20, 20, true},
		{"all_to_all", Shape{Pre: 4, Post: 6, SamePop: true, Args: map[string]float64{"allow_self_connections": 1}}, 24, 24, true},
		{"one_to_one", Shape{Pre: 7, Post: 7}, 7, 7, true},
		{"fixed_probability", Shape{Pre: 10, Post: 20, Args: map[string]float64{"probability": 0.25}}, 0, 50, false},
		// 0.25 × (100 - 10 self pairs)
		{"fixed_probability", Shape{Pre: 10, Post: 10, SamePop: true, Args: map[string]float64{"probability": 0.25}}, 0, 22.5, false},
		{"fixed_number_pre", Shape{Pre: 10, Post: 20, Args: map[string]float64{"number": 3}}, 60, 60, true},
		{"fixed_number_post", Shape{Pre: 10, Post: 20, Args: map[string]float64{"number": 3}}, 30, 30, true},
		{"gaussian", Shape{Pre: 9, Post: 16}, 0, 144, false},
		{"dog", Shape{Pre: 9, Post: 16}, 0, 144, false},
		{"from_matrix", Shape{Pre: 3, Post: 2, Matrix: [][]float64{{1, nan, 0}, {nan, nan, 2}}}, 0, 3, true},
	} {
		got := count(c.name, c.s)
		if got.Least != c.least || got.N != c.n || got.Exact != c.exact {
			t.Errorf("%s %+v: least %d n %g exact %v, want %d %g %v", c.name, c.s, got.Least, got.N, got.Exact, c.least, c.n, c.exact)
		}
	}
	// An overflowing product is reported as the largest count, not wrapped.
	if got := count("all_to_all", Shape{Pre: math.MaxInt, Post: 4}); got.Least != math.MaxUint64 {
		t.Errorf("all_to_all of MaxInt × 4: least %d", got.Least)
	}
}
