package codegen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/internal/modelgen"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/parser"
)

// A connector is one row of lang.Connectors and its builder in the
// runtime: a row added here, with arguments of names no other row has, is
// read by the parser, checked by the IR, counted, dumped and called by the
// generated code without any other change.
func TestConnectorRowIsEnough(t *testing.T) {
	saved := lang.Connectors
	defer func() { lang.Connectors = saved }()
	lang.Connectors = append(append([]lang.Connector(nil), saved...), lang.Connector{
		Name: "every_kth",
		Args: []lang.ConnArg{
			{Name: "kth", Kind: lang.ArgInteger, Required: true, AtMost: lang.PostSide, Example: 2},
			{Name: "weights", Kind: lang.ArgWeights, Required: true},
			{Name: "jitter", Kind: lang.ArgNumber, Check: lang.Positive, Default: 1.5},
			{Name: "delays", Kind: lang.ArgDelays},
			{Name: "wrap", Kind: lang.ArgBool},
		},
		Builder: "EveryKth", RNG: true, Call: []string{"jitter", "kth", "wrap"}, Threads: true,
		Synapses: func(s lang.Shape) lang.Count {
			n := uint64(s.Pre) * uint64(s.Args["kth"])
			return lang.Count{Least: n, How: fmt.Sprintf("%d pre × %g", s.Pre, s.Args["kth"]), N: float64(n), Exact: true}
		},
	})
	compile := func(src string) (*ir.Model, string) {
		ast, ds := parser.ParseModel("kth.yaml", []byte(src))
		if ds.HasErrors() {
			return nil, ds.Error()
		}
		lib, lds := models.Load()
		if lds.HasErrors() {
			t.Fatal(lds)
		}
		m, ids := ir.Build(ast, lib)
		if ids.HasErrors() {
			return nil, ids.Error()
		}
		return m, ""
	}
	build := func(conn string) (*ir.Model, string) {
		return compile(`name: kth
dt: 0.1
neurons:
  Rate:
    parameters: |
      tau = 10.0 : population
    equations: |
      tau * dv/dt + v = sum(exc)
      r = pos(v)
populations:
  - {name: A, geometry: 4, neuron: Rate}
  - {name: B, geometry: 6, neuron: Rate}
projections:
  - {name: ab, pre: A, post: B, target: exc, connector: {every_kth: {` + conn + `}}}
`)
	}

	m, errs := build("kth: 3, weights: 0.5, wrap: true, delays: 1.0")
	if m == nil {
		t.Fatal(errs)
	}
	if d := ir.Print(m); !strings.Contains(d, "connector every_kth weights 0.5 delays 1 kth 3 jitter 1.5 wrap true\n") {
		t.Errorf("IR dump of the connector:\n%s", d)
	}
	if c := ir.EstimateSynapses(m.Projs[0]); c.N != 12 || !c.Exact {
		t.Errorf("EstimateSynapses = %g %v, want the row's 4 × 3, exact", c.N, c.Exact)
	}
	files, err := Generate(m, testOpt)
	if err != nil {
		t.Fatal(err)
	}
	net := string(files["kth/network.go"])
	for _, want := range []string{
		"c, err := annrt.EveryKth(&r, pre, post, 1.5, 3, true, n.Core.Threads())\n",
		"c.SetWeights(annrt.Num(0.5), &r)",
		"c.SetDelays(annrt.Num(1.0), n.Dt, &r)",
	} {
		if !strings.Contains(net, want) {
			t.Errorf("the generated network.go lacks %q", want)
		}
	}

	// The row's checks, with the messages of every row.
	for _, c := range []struct{ args, want string }{
		{"kth: 7, weights: 0.5", "kth 7 is larger than the 6 postsynaptic neurons"},
		{"kth: 2, weights: 0.5, jitter: -1", "jitter must be positive"},
		{"kth: 2, weights: 0.5, jiter: 2", `did you mean "jitter"?`},
		{"weights: 0.5", `needs "kth"`},
		{"kth: 2, weights: [1, 2]", "must be a number or a distribution"},
		{"kth: 2, weights: 0.5, wrap: 3", "wrap of connector every_kth"},
	} {
		if _, errs := build(c.args); !strings.Contains(errs, c.want) {
			t.Errorf("every_kth {%s}: errors %q, want %q", c.args, errs, c.want)
		}
	}

	// The generated test models cover it, from the row's example values.
	fs := modelgen.Factors()
	row := make(modelgen.Row, len(fs))
	for i, f := range fs {
		if f.Name == "connector" {
			row[i] = len(f.Values) - 1
		}
	}
	src, err := modelgen.Write(fs, row, "kth")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(src, "every_kth: {kth: 2, weights: 0.2}") {
		t.Errorf("modelgen wrote the connector as\n%s", src)
	}
	if m, errs := compile(src); m == nil {
		t.Errorf("the model modelgen wrote for every_kth: %s", errs)
	} else if _, err := Generate(m, testOpt); err != nil {
		t.Error(err)
	}
}
