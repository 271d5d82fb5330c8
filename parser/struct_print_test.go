package parser

import (
	"os"
	"testing"
)

// TestStructuralPrintRoundTrip: the structural plasticity keys survive
// PrintModel, and the printed model prints identically.
func TestStructuralPrintRoundTrip(t *testing.T) {
	src, err := os.ReadFile("../examples/structural_plasticity/model.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, diags := ParseModel("model.yaml", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	out := PrintModel(m)
	m2, diags := ParseModel("printed.yaml", []byte(out))
	if diags.HasErrors() {
		t.Fatalf("%v\n%s", diags, out)
	}
	if !m2.StructuralPlasticity || m2.Synapses[0].Pruning == nil || m2.Synapses[0].Creating == nil ||
		m2.Projs[0].StartPruning == nil || m2.Projs[0].StartCreating == nil || m2.Projs[0].StartCreating.Period != 100 {
		t.Fatalf("structural plasticity lost in printing:\n%s", out)
	}
	if again := PrintModel(m2); again != out {
		t.Errorf("printing is not stable:\n%s\n---\n%s", out, again)
	}
}
