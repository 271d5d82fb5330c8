package e2e

import "testing"

// TestLayout: COBA's static spiking projections are stored presynaptic-major
// (post rank and weight per synapse) and give exactly the spikes, weights and
// delays of the same model with every projection post-major, through changes
// of weights and delays drawn from distributions, on 1 and 2 threads.
func TestLayout(t *testing.T) {
	var got map[string]any
	run(t, &got, nil, "layout")
	if got["same"] != true {
		t.Errorf("the layouts give different spikes, weights or delays")
	}
	if n, _ := got["spikes"].(float64); n < 1000 {
		t.Errorf("%v spikes: too few to compare", got["spikes"])
	}
	for _, pj := range []string{"exc", "inh"} {
		if l := got["pre."+pj]; l != "pre-major" {
			t.Errorf("coba %s: layout %v, want pre-major", pj, l)
		}
		if l := got["post."+pj]; l != "post-major + pre index + pre-major copies" {
			t.Errorf("cobapost %s: layout %v", pj, l)
		}
		// 12 bytes per synapse and the row starts per presynaptic neuron
		// (4 bytes per neuron over its 80 synapses on average).
		if b, _ := got["preBytes."+pj].(float64); b > 12.3 {
			t.Errorf("coba %s: %.2f bytes per synapse", pj, b)
		}
	}
}
