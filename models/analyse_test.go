package models

import (
	"fmt"
	"testing"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/parser"
)

// Library must satisfy the IR's lookup interface.
var _ ir.Library = (*Library)(nil)

// analyse parses and builds a small model that uses the built-in types.
func analyse(t *testing.T, lib *Library, name, src string) *ir.Model {
	t.Helper()
	file := name + ".yaml"
	m, diags := parser.ParseModel(file, []byte(src))
	if len(diags) != 0 || m == nil {
		t.Fatalf("%s: parse:\n%s", name, diags.Format(map[string][]byte{file: []byte(src)}, 20))
	}
	out, diags := ir.Build(m, lib)
	if len(diags) != 0 {
		t.Errorf("%s: analysis:\n%v", name, diags)
	}
	return out
}

// TestNeuronsAnalyse puts each built-in neuron in a population of two,
// driven by a projection from a spiking or rate input so that its targets
// are used.
func TestNeuronsAnalyse(t *testing.T) {
	lib := load(t)
	for _, name := range lib.NeuronNames() {
		n, _ := lib.Neuron(name)
		input := "poisson: {rates: 10.0}"
		targets := []string{"exc", "inh"}
		if n.Spike == nil {
			input = "neuron: LeakyIntegrator"
		}
		src := fmt.Sprintf(`name: use
dt: 0.1
populations:
  - name: src
    geometry: 2
    %s
  - name: P
    geometry: 2
    neuron: %s
projections:
`, input, name)
		for _, target := range targets {
			src += fmt.Sprintf(`  - pre: src
    post: P
    target: %s
    connector:
      all_to_all: {weights: 0.1}
`, target)
		}
		out := analyse(t, lib, name, src)
		if out == nil || len(out.Pops) != 2 {
			t.Errorf("%s: analysis gave no populations", name)
		}
	}
}

// TestSynapsesAnalyse uses each built-in synapse in a projection between
// populations of the kind it is written for.
func TestSynapsesAnalyse(t *testing.T) {
	lib := load(t)
	spiking := map[string]bool{"STDP": true, "STP": true}
	for _, name := range lib.SynapseNames() {
		neuron := "LeakyIntegrator"
		if spiking[name] {
			neuron = "IF_cond_exp"
		}
		src := fmt.Sprintf(`name: use
populations:
  - name: A
    geometry: 3
    neuron: %[1]s
  - name: B
    geometry: 2
    neuron: %[1]s
projections:
  - name: ab
    pre: A
    post: B
    target: exc
    synapse: %[2]s
    connector:
      all_to_all: {weights: 0.5}
  - name: ba
    pre: B
    post: A
    target: inh
    connector:
      all_to_all: {weights: 0.5}
`, neuron, name)
		analyse(t, lib, name, src)
	}
}
