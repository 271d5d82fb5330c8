package ir_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/annc/annc/models"
)

// Every model of the standard library passes analysis: each neuron type in
// a population, each synapse type in a projection between populations of
// the kind it needs.
func TestStandardLibrary(t *testing.T) {
	lib, d := models.Load()
	if d.HasErrors() {
		t.Fatal(d)
	}
	for _, name := range lib.NeuronNames() {
		src := fmt.Sprintf("name: m\ndt: 0.1\npopulations:\n  - {name: P, geometry: 4, neuron: %s}\n", name)
		im, d := build(t, "model.yaml", []byte(src))
		if d.HasErrors() {
			t.Errorf("neuron %s:\n%v", name, d)
			continue
		}
		if len(im.Neurons) != 1 || len(im.Neurons[0].LocalUpdate) == 0 {
			t.Errorf("neuron %s: no local update", name)
		}
	}
	for _, name := range lib.SynapseNames() {
		def, _ := lib.Synapse(name)
		spiking := len(def.PreSpike) > 0 || len(def.PostSpike) > 0
		var src string
		if spiking {
			src = fmt.Sprintf(`name: m
neurons:
  N:
    equations: |
      dv/dt = -v + g_exc
      x = 0.0
    spike: v > 1.0
    reset: v = 0.0
populations:
  - {name: P, geometry: 4, neuron: N}
projections:
  - {pre: P, post: P, target: exc, synapse: %s, connector: {all_to_all: {weights: 0.1}}}
`, name)
		} else {
			src = fmt.Sprintf(`name: m
populations:
  - {name: P, geometry: 4, neuron: LeakyIntegrator}
projections:
  - {pre: P, post: P, target: exc, synapse: %s, connector: {all_to_all: {weights: 0.1}}}
`, name)
		}
		_, d := build(t, "model.yaml", []byte(src))
		if d.HasErrors() {
			t.Errorf("synapse %s:\n%v", name, strings.TrimSpace(d.Error()))
		}
	}
}
