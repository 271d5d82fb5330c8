package e2e

import "testing"

// TestLayout: COBA's static spiking projections are stored presynaptic-major
// (post rank per synapse, and their one weight once) and give exactly the
// spikes, weights and delays of the same model with every projection
// post-major, through one new weight for all, weights and delays drawn from
// distributions, and Load of states saved with one weight and with one per
// synapse, on 1 and 2 threads; and exactly those of the weights held per
// synapse (ANNC_ONEWEIGHT=off).
func TestLayout(t *testing.T) {
	var got, perSynapse map[string]any
	run(t, &got, nil, "layout")
	run(t, &perSynapse, []string{"ANNC_ONEWEIGHT=off"}, "layout")
	for _, res := range []map[string]any{got, perSynapse} {
		if res["same"] != true {
			t.Errorf("the layouts give different spikes, weights or delays")
		}
	}
	if n, _ := got["spikes"].(float64); n < 1000 {
		t.Errorf("%v spikes: too few to compare", got["spikes"])
	}
	if got["run"] != perSynapse["run"] {
		t.Errorf("one weight held once and one per synapse give different spikes, weights or delays")
	}
	for _, pj := range []string{"exc", "inh"} {
		if l := got["pre."+pj]; l != "pre-major" {
			t.Errorf("coba %s: layout %v, want pre-major", pj, l)
		}
		if l := got["post."+pj]; l != "post-major + pre index + pre-major copies" {
			t.Errorf("cobapost %s: layout %v", pj, l)
		}
		// 4 bytes per synapse (the post rank) and the row starts per
		// presynaptic neuron (4 bytes per neuron over its 80 synapses on
		// average); 8 more with the weights per synapse.
		if b, _ := got["preBytes."+pj].(float64); b > 4.3 {
			t.Errorf("coba %s: %.2f bytes per synapse", pj, b)
		}
		if b, _ := perSynapse["preBytes."+pj].(float64); b > 12.3 {
			t.Errorf("coba %s, ANNC_ONEWEIGHT=off: %.2f bytes per synapse", pj, b)
		}
	}
}

// TestLoadAfterRun: a network that ran on 2 threads, every loop split,
// then loads a state whose rows have the same sizes as its own but other
// contents, runs exactly as a new network loading that state.
func TestLoadAfterRun(t *testing.T) {
	var got map[string]any
	run(t, &got, nil, "reload")
	if b, _ := got["bytes"].(float64); b < 1000 {
		t.Fatalf("the monitors hold %v bytes: too few to compare", got["bytes"])
	}
	if got["same"] != true {
		t.Errorf("after Load, the network that ran differs from a new one")
	}
}
