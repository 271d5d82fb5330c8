package models

import (
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/annc/annc/parser"
)

// wantNames is the library as documented in the package comment.
var wantNames = []string{
	"EIF_cond_alpha_isfa_ista", "EIF_cond_exp_isfa_ista", "HH_cond_exp", "Hebb", "IBCM",
	"IF_cond_alpha", "IF_cond_exp", "IF_curr_alpha", "IF_curr_exp", "Izhikevich",
	"LeakyIntegrator", "Oja", "STDP", "STP",
}

func load(t *testing.T) *Library {
	t.Helper()
	lib, diags := Load()
	if len(diags) != 0 {
		t.Fatalf("built-in models have diagnostics:\n%v", diags)
	}
	return lib
}

func TestLoadIsClean(t *testing.T) { load(t) }

func TestNamesMatchFiles(t *testing.T) {
	if diff := cmp.Diff(wantNames, Names()); diff != "" {
		t.Fatalf("Names() (-want +got):\n%s", diff)
	}
	files, err := fs.Glob(files, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var fromFiles []string
	for _, name := range wantNames {
		fromFiles = append(fromFiles, strings.ToLower(name)+".yaml")
	}
	sort.Strings(fromFiles)
	if diff := cmp.Diff(fromFiles, files); diff != "" {
		t.Fatalf("embedded files (-want +got):\n%s", diff)
	}
	lib := load(t)
	for _, name := range wantNames {
		src, ok := Source(name)
		if !ok {
			t.Errorf("Source(%q) not found", name)
			continue
		}
		m, diags := parser.ParseModel(dir+strings.ToLower(name)+".yaml", src)
		if len(diags) != 0 || m == nil {
			t.Errorf("%s: %v", name, diags)
			continue
		}
		if m.Name != strings.ToLower(name) {
			t.Errorf("%s: name: %q, want %q", name, m.Name, strings.ToLower(name))
		}
		_, isNeuron := lib.Neuron(name)
		_, isSynapse := lib.Synapse(name)
		if isNeuron == isSynapse {
			t.Errorf("%s: neuron %v, synapse %v; want exactly one", name, isNeuron, isSynapse)
		}
	}
	got := append(lib.NeuronNames(), lib.SynapseNames()...)
	sort.Strings(got)
	if diff := cmp.Diff(wantNames, got); diff != "" {
		t.Errorf("library types (-want +got):\n%s", diff)
	}
}

func TestSourceLookup(t *testing.T) {
	a, ok := Source("if_cond_exp")
	b, ok2 := Source("IF_cond_exp")
	if !ok || !ok2 || string(a) != string(b) {
		t.Fatalf("Source is not case-insensitive: %v %v", ok, ok2)
	}
	if !strings.Contains(string(a), "\nname: if_cond_exp\n") {
		t.Errorf("if_cond_exp.yaml does not hold name: if_cond_exp")
	}
	if _, ok := Source("IF_cond_exponential"); ok {
		t.Errorf("Source found a model that does not exist")
	}
	lib := load(t)
	if _, ok := lib.Neuron("izhikevich"); ok {
		t.Errorf("Neuron lookup must be exact (ANNarchy spelling)")
	}
	if _, ok := lib.Neuron("STDP"); ok {
		t.Errorf("STDP is a synapse, not a neuron")
	}
	var nilLib *Library
	if _, ok := nilLib.Synapse("STDP"); ok {
		t.Errorf("nil Library found a synapse")
	}
}

// num evaluates a literal, possibly negated.
func num(t *testing.T, e parser.Expr) float64 {
	t.Helper()
	switch e := e.(type) {
	case *parser.Num:
		return e.Value
	case *parser.Unary:
		if e.Op == "-" {
			return -num(t, e.X)
		}
	}
	t.Fatalf("not a number: %#v", e)
	return 0
}

func params(t *testing.T, ps []parser.Param) map[string]float64 {
	out := map[string]float64{}
	for _, p := range ps {
		out[p.Name] = num(t, p.Value)
	}
	return out
}

func flagNames(fs []parser.Flag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// TestDefaults checks the defaults against ANNarchy's documented values.
func TestDefaults(t *testing.T) {
	lib := load(t)
	neuron := func(name string) *parser.NeuronDef {
		n, ok := lib.Neuron(name)
		if !ok {
			t.Fatalf("no neuron %s", name)
		}
		if !n.Builtin {
			t.Errorf("%s not marked Builtin", name)
		}
		return n
	}
	synapse := func(name string) *parser.SynapseDef {
		s, ok := lib.Synapse(name)
		if !ok {
			t.Fatalf("no synapse %s", name)
		}
		if !s.Builtin {
			t.Errorf("%s not marked Builtin", name)
		}
		return s
	}
	cases := []struct {
		name string
		got  map[string]float64
		want map[string]float64
	}{
		{"Izhikevich", params(t, neuron("Izhikevich").Parameters), map[string]float64{
			"a": 0.02, "b": 0.2, "c": -65, "d": 8, "v_thresh": 30, "i_offset": 0, "noise": 0, "tau_refrac": 0}},
		{"IF_curr_exp", params(t, neuron("IF_curr_exp").Parameters), map[string]float64{
			"v_rest": -65, "cm": 1, "tau_m": 20, "tau_refrac": 0, "tau_syn_E": 5, "tau_syn_I": 5,
			"v_thresh": -50, "v_reset": -65, "i_offset": 0}},
		{"IF_cond_exp", params(t, neuron("IF_cond_exp").Parameters), map[string]float64{
			"v_rest": -65, "cm": 1, "tau_m": 20, "tau_refrac": 0, "tau_syn_E": 5, "tau_syn_I": 5,
			"e_rev_E": 0, "e_rev_I": -70, "v_thresh": -50, "v_reset": -65, "i_offset": 0}},
		{"IF_curr_alpha", params(t, neuron("IF_curr_alpha").Parameters), map[string]float64{
			"v_rest": -65, "cm": 1, "tau_m": 20, "tau_refrac": 0, "tau_syn_E": 5, "tau_syn_I": 5,
			"v_thresh": -50, "v_reset": -65, "i_offset": 0}},
		{"IF_cond_alpha", params(t, neuron("IF_cond_alpha").Parameters), map[string]float64{
			"v_rest": -65, "cm": 1, "tau_m": 20, "tau_refrac": 0, "tau_syn_E": 5, "tau_syn_I": 5,
			"e_rev_E": 0, "e_rev_I": -70, "v_thresh": -50, "v_reset": -65, "i_offset": 0}},
		{"HH_cond_exp", params(t, neuron("HH_cond_exp").Parameters), map[string]float64{
			"gbar_Na": 20, "gbar_K": 6, "gleak": 0.01, "cm": 0.2, "v_offset": -63, "e_rev_Na": 50,
			"e_rev_K": -90, "e_rev_leak": -65, "e_rev_E": 0, "e_rev_I": -80, "tau_syn_E": 0.2,
			"tau_syn_I": 2, "i_offset": 0, "v_thresh": 0}},
		{"EIF_cond_exp_isfa_ista", params(t, neuron("EIF_cond_exp_isfa_ista").Parameters), map[string]float64{
			"v_rest": -70.6, "cm": 0.281, "tau_m": 9.3667, "tau_refrac": 0.1, "tau_syn_E": 5,
			"tau_syn_I": 5, "e_rev_E": 0, "e_rev_I": -80, "tau_w": 144, "a": 4, "b": 0.0805,
			"i_offset": 0, "delta_T": 2, "v_thresh": -50.4, "v_reset": -70.6, "v_spike": -40}},
		{"LeakyIntegrator", params(t, neuron("LeakyIntegrator").Parameters), map[string]float64{
			"tau": 10, "B": 0, "T": 0}},
		{"STDP", params(t, synapse("STDP").Parameters), map[string]float64{
			"tau_plus": 20, "tau_minus": 20, "A_plus": 0.01, "A_minus": 0.01, "w_min": 0, "w_max": 1}},
		{"STP", params(t, synapse("STP").Parameters), map[string]float64{
			"tau_rec": 100, "tau_facil": 0.01, "U": 0.5}},
		{"Hebb", params(t, synapse("Hebb").Parameters), map[string]float64{"eta": 0.01}},
		{"Oja", params(t, synapse("Oja").Parameters), map[string]float64{"eta": 0.01, "alpha": 1}},
		{"IBCM", params(t, synapse("IBCM").Parameters), map[string]float64{"eta": 0.01, "tau": 2000}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s parameters (-want +got):\n%s", c.name, diff)
		}
	}

	// Spiking neurons refract for tau_refrac; HH has no refractory period
	// and no reset, LeakyIntegrator is rate-coded.
	for _, name := range []string{"Izhikevich", "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha",
		"IF_cond_alpha", "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista"} {
		n := neuron(name)
		if n.Spike == nil || len(n.Reset) == 0 || n.Refractory == nil || n.Refractory.Str != "tau_refrac" {
			t.Errorf("%s: want spike, reset and refractory: tau_refrac", name)
		}
	}
	if hh := neuron("HH_cond_exp"); hh.Spike == nil || len(hh.Reset) != 0 || hh.Refractory != nil {
		t.Errorf("HH_cond_exp: want a spike condition, no reset, no refractory period")
	}
	if li := neuron("LeakyIntegrator"); li.Spike != nil {
		t.Errorf("LeakyIntegrator must be rate-coded")
	}

	// Population-wide parameters of LeakyIntegrator; B is per neuron.
	for _, p := range neuron("LeakyIntegrator").Parameters {
		want := []string{"population"}
		if p.Name == "B" {
			want = nil
		}
		if diff := cmp.Diff(want, flagNames(p.Flags)); diff != "" {
			t.Errorf("LeakyIntegrator %s flags (-want +got):\n%s", p.Name, diff)
		}
	}

	// Which variables each model integrates, in order, with their flags.
	type ode struct {
		Target string
		Flags  []string
	}
	odes := func(st []parser.Stmt) []ode {
		var out []ode
		for _, s := range st {
			if s.Kind == parser.ODE {
				out = append(out, ode{s.Target, flagNames(s.Flags)})
			}
		}
		return out
	}
	exp := []string{"exponential"}
	odeCases := []struct {
		name string
		got  []ode
		want []ode
	}{
		{"Izhikevich", odes(neuron("Izhikevich").Equations), []ode{{"v", []string{"init"}}, {"u", []string{"init"}}}},
		{"IF_cond_exp", odes(neuron("IF_cond_exp").Equations), []ode{
			{"v", []string{"exponential", "init"}}, {"g_exc", exp}, {"g_inh", exp}}},
		{"IF_curr_alpha", odes(neuron("IF_curr_alpha").Equations), []ode{
			{"v", []string{"exponential", "init"}}, {"g_exc", exp}, {"g_inh", exp},
			{"alpha_exc", exp}, {"alpha_inh", exp}}},
		{"HH_cond_exp", odes(neuron("HH_cond_exp").Equations), []ode{
			{"n", []string{"init", "exponential"}}, {"m", []string{"init", "exponential"}},
			{"h", []string{"init", "exponential"}}, {"v", []string{"exponential", "init"}},
			{"g_exc", exp}, {"g_inh", exp}}},
		{"EIF_cond_exp_isfa_ista", odes(neuron("EIF_cond_exp_isfa_ista").Equations), []ode{
			{"v", []string{"init"}}, {"w", nil}, {"g_exc", exp}, {"g_inh", exp}}},
		{"LeakyIntegrator", odes(neuron("LeakyIntegrator").Equations), []ode{{"v", exp}}},
		{"STDP", odes(synapse("STDP").Equations), []ode{{"x", []string{"event-driven"}}, {"y", []string{"event-driven"}}}},
		{"STP", odes(synapse("STP").Equations), []ode{
			{"x", []string{"init", "event-driven"}}, {"u", []string{"init", "event-driven"}}}},
		{"Hebb", odes(synapse("Hebb").Equations), []ode{{"w", []string{"min", "explicit"}}}},
		{"Oja", odes(synapse("Oja").Equations), []ode{{"w", []string{"min", "explicit"}}}},
		{"IBCM", odes(synapse("IBCM").Equations), []ode{
			{"theta", []string{"postsynaptic", "exponential"}}, {"w", []string{"min", "explicit"}}}},
	}
	for _, c := range odeCases {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s ODEs (-want +got):\n%s", c.name, diff)
		}
	}

	// Spike-driven statements of the two spiking synapses, by target.
	targets := func(st []parser.Stmt) []string {
		var out []string
		for _, s := range st {
			out = append(out, s.Target+" "+s.Op)
		}
		return out
	}
	if diff := cmp.Diff([]string{"g_target +=", "x +=", "w ="}, targets(synapse("STDP").PreSpike)); diff != "" {
		t.Errorf("STDP pre_spike (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"y -=", "w ="}, targets(synapse("STDP").PostSpike)); diff != "" {
		t.Errorf("STDP post_spike (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"g_target +=", "x *=", "u +="}, targets(synapse("STP").PreSpike)); diff != "" {
		t.Errorf("STP pre_spike (-want +got):\n%s", diff)
	}
}
