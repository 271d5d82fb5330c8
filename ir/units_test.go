package ir_test

import (
	"strings"
	"testing"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/parser"
)

const unitsModel = `name: u
neurons:
  N:
    equations: |
      tau * dv/dt = -v + sum(exc) : init = 0.0
      dw/dt = -w
      r = v
    parameters: |
      tau = 10.0
populations:
  - {name: A, geometry: 2, neuron: N}
  - {name: B, geometry: 2, neuron: N}
projections:
  - {name: ab, pre: A, post: B, target: exc, connector: {all_to_all: {weights: 1.0}}}
monitors:
  - {name: ma, target: A, variables: [v, w, "sum(exc)"]}
  - {name: mb, target: B, variables: [v, w]}
units:
`

func buildUnits(t *testing.T, units string) (*ir.Model, string) {
	t.Helper()
	m, ds := parser.ParseModel("model.yaml", []byte(unitsModel+units))
	if ds.HasErrors() {
		return nil, ds.Format(nil, 10)
	}
	lib, _ := models.Load()
	out, ids := ir.Build(m, lib)
	if ids.HasErrors() {
		return nil, ids.Format(nil, 10)
	}
	return out, ""
}

// TestUnits: a monitored variable has the unit of units: for its object,
// else for its name, else none.
func TestUnits(t *testing.T) {
	m, errs := buildUnits(t, "  v: mV\n  B.v: V\n  sum(exc): nA\n")
	if errs != "" {
		t.Fatal(errs)
	}
	var got []string
	for _, mon := range m.Monitors {
		for _, v := range mon.Vars {
			got = append(got, mon.Name+"."+v.Name+"="+v.Unit)
		}
	}
	if want := "ma.v=mV ma.w= ma.sum(exc)=nA mb.v=V mb.w="; strings.Join(got, " ") != want {
		t.Errorf("units %v, want %s", got, want)
	}
	for units, want := range map[string]string{
		"  vv: mV\n":       `model.yaml:19:3: units: no variable "vv"; did you mean "v"?`,
		"  C.v: mV\n":      `units: no population or projection "C"`,
		"  v: [mV]\n":      `unit of v must be a string`,
		"  a b: mV\n":      `"a b" in units is not a variable name`,
		"  v: 1\n  v: 2\n": "",
	} {
		_, errs := buildUnits(t, units)
		if want == "" {
			if errs == "" {
				t.Errorf("%q: no error", units)
			}
			continue
		}
		if !strings.Contains(errs, want) {
			t.Errorf("%q: errors\n%s\nwant %s", units, errs, want)
		}
	}
}
