package ir

import (
	"testing"

	"github.com/annc/annc/internal/limits"
	"github.com/annc/annc/runtime"
)

// The analysis refuses exactly what the runtime's connectors cannot build.
func TestMaxSynapsesMatchesRuntime(t *testing.T) {
	if MaxSynapses != runtime.MaxSynapses {
		t.Errorf("ir.MaxSynapses = %d, runtime.MaxSynapses = %d", MaxSynapses, runtime.MaxSynapses)
	}
}

// A duration annc check accepts is one the runner accepts.
func TestMaxStepsMatchesRuntime(t *testing.T) {
	if limits.Steps != runtime.MaxSteps {
		t.Errorf("limits.Steps = %d, runtime.MaxSteps = %d", limits.Steps, runtime.MaxSteps)
	}
}

// The analysis refuses the delays the runtime's queues cannot hold.
func TestMaxDelayStepsMatchesRuntime(t *testing.T) {
	if MaxDelaySteps != runtime.MaxDelaySteps {
		t.Errorf("ir.MaxDelaySteps = %d, runtime.MaxDelaySteps = %d", MaxDelaySteps, runtime.MaxDelaySteps)
	}
}

// The analysis refuses the refractory periods the neurons' counters cannot hold.
func TestMaxRefractoryStepsMatchesRuntime(t *testing.T) {
	if MaxRefractorySteps != runtime.MaxRefractorySteps {
		t.Errorf("ir.MaxRefractorySteps = %d, runtime.MaxRefractorySteps = %d", MaxRefractorySteps, runtime.MaxRefractorySteps)
	}
}
