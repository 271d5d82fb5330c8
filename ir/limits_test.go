package ir

import (
	"testing"

	"github.com/annc/annc/runtime"
)

// The analysis refuses exactly what the runtime's connectors cannot build.
func TestMaxSynapsesMatchesRuntime(t *testing.T) {
	if MaxSynapses != runtime.MaxSynapses {
		t.Errorf("ir.MaxSynapses = %d, runtime.MaxSynapses = %d", MaxSynapses, runtime.MaxSynapses)
	}
}
