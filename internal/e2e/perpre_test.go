package e2e

import "testing"

type perPreOut struct {
	Spikes                               int
	Run, Callbacks, Uniform, Reset, Load string
	GetUniform, LoadSame                 bool
}

// TestPerPreStorage: the GABA_A gating s of HH gamma is stored and
// integrated once per presynaptic neuron (its equation reads only pre.V and
// s); the network gives exactly the bytes of the per-synapse storage
// (ANNC_PERPRE=off), and its vector kernels (HH's rate functions call exp)
// those of the scalar loops (ANNC_SIMD=off): spikes and state, still 2089
// spikes, and stays so
// through Get, Set of one number and of a distribution per synapse, a direct
// write of one synapse in a callback, Reset, Save and Load.
func TestPerPreStorage(t *testing.T) {
	var on, off, scalar perPreOut
	run(t, &on, nil, "perpre")
	run(t, &off, []string{"ANNC_PERPRE=off"}, "perpre")
	run(t, &scalar, []string{"ANNC_SIMD=off"}, "perpre")
	if on.Spikes != 2089 {
		t.Errorf("%d spikes, want 2089", on.Spikes)
	}
	if !on.GetUniform || !off.GetUniform {
		t.Errorf("Get(gaba.s) is not the exported slice with one value per presynaptic neuron (per presynaptic %v, per synapse %v)", on.GetUniform, off.GetUniform)
	}
	if !on.LoadSame || !off.LoadSame {
		t.Errorf("a loaded network continues differently (per presynaptic %v, per synapse %v)", on.LoadSame, off.LoadSame)
	}
	check(t, "per presynaptic vs per synapse", on, off)
	check(t, "vector kernels (exp included) vs scalar loops", on, scalar)
}
