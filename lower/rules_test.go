package lower_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annc/annc/internal/build"
	"github.com/annc/annc/lower"
)

// rulesModel exercises each rule of the lowering once: an invariant
// divisor with a negated numerator, an invariant used twice, a
// per-postsynaptic sub-expression, a costly presynaptic sub-expression in
// the psp and a presynaptic divisor in the synapse equations.
const rulesModel = `name: rules
dt: 0.5
neurons:
  In:
    parameters: |
      r = 1.0
  N:
    parameters: |
      tau = 10.0 : population
      k = 2.0 : population
    equations: |
      tau * dr/dt = -r + sum(exc) * (k * tau) + (k * tau) / (r + 1)
synapses:
  S:
    parameters: |
      eta = 0.5 : projection
    equations: |
      dx/dt = -x / eta + eta * post.r * 3.0 + w / (1.0 + exp(pre.r))
    psp: w * exp(-pre.r)
populations:
  - {name: a, geometry: 3, neuron: In}
  - {name: b, geometry: 2, neuron: N}
projections:
  - {name: ab, pre: a, post: b, target: exc, synapse: S, connector: {all_to_all: {weights: 1.0}}}
`

// TestRules: the slots and rewrites the rules give, read from the dump.
func TestRules(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.yaml")
	if err := os.WriteFile(path, []byte(rulesModel), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := build.Load(path)
	if err != nil || l.Model == nil || l.Diags.HasErrors() {
		t.Fatalf("%v %v", err, l.Diags)
	}
	got := lower.Dump(l.Model, mayDelay)
	for _, want := range []string{
		// k * tau is one slot however often the loop reads it; the
		// division by tau a multiplication by its reciprocal.
		"slot h1 = k * tau  (before the loop)",
		"slot h2 = 1 / tau  (before the loop)",
		"r = r + dt * ((-r + sum(exc) * h1 + h1 / (r + 1)) * h2)",
		// The costly presynaptic factor of the psp: an array per presynaptic neuron.
		"slot preH0 = exp(-pre.r)  (per pre neuron, array)",
		"psp w * preH0[pre]",
		// -x / eta: the sign moves into the reciprocal's slot.
		"slot h1 = -(1 / eta)  (before the loop)",
		// Per postsynaptic neuron: once per row (numbered with the others).
		"slot hp2 = eta * post.r * 3  (per post neuron)",
		// A presynaptic divisor: the array holds its reciprocal.
		"slot preH1 = 1 / (1 + exp(pre.r))  (per pre neuron, array)",
		"x = x + dt * (x * h1 + hp2 + w * preH1[pre])",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the dump lacks %q:\n%s", want, got)
		}
	}
}
