package parser

import (
	"fmt"
	"os"
	"testing"

	"github.com/annc/annc/internal/diag"
)

func TestParseModelCOBA(t *testing.T) {
	src, err := os.ReadFile("testdata/coba.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, diags := ParseModel("coba.yaml", src)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%v", diags)
	}
	if m.Name != "coba" || m.Dt != 0.1 || m.Seed == nil || *m.Seed != 42 || m.Method != "explicit" || m.Precision != "float64" {
		t.Errorf("header: name %q dt %v seed %v method %q precision %q", m.Name, m.Dt, m.Seed, m.Method, m.Precision)
	}
	if len(m.Constants) != 1 || m.Constants[0].Name != "E_exc" || !m.Constants[0].Value.IsNum || m.Constants[0].Value.Num != 0 {
		t.Errorf("constants: %+v", m.Constants)
	}
	if got := Print(m.Functions); got != "sigmoid(x) = 1.0 / (1.0 + exp(-x))\n" {
		t.Errorf("functions: %q", got)
	}
	if len(m.Neurons) != 1 {
		t.Fatalf("neurons: %d", len(m.Neurons))
	}
	lif := m.Neurons[0]
	if lif.Name != "LIF" || len(lif.Parameters) != 8 || len(lif.Equations) != 3 {
		t.Fatalf("LIF: %+v", lif)
	}
	wantEq := "tau * dv/dt = El - v + g_exc * (Ee - v) + g_inh * (Ei - v) : init = -60.0\n" +
		"tau_exc * dg_exc/dt = -g_exc\n" +
		"tau_inh * dg_inh/dt = -g_inh\n"
	if got := Print(lif.Equations); got != wantEq {
		t.Errorf("equations:\n got %q\nwant %q", got, wantEq)
	}
	eq := lif.Equations[0]
	if eq.Kind != ODE || eq.Target != "v" {
		t.Errorf("first equation: kind %v target %q", eq.Kind, eq.Target)
	}
	// "      tau * dv/dt = ..." on line 23: dv/dt starts at column 13.
	if want := (diag.Pos{File: "coba.yaml", Line: 23, Col: 13}); eq.TargetPos != want {
		t.Errorf("TargetPos = %v, want %v", eq.TargetPos, want)
	}
	if want := (diag.Pos{File: "coba.yaml", Line: 23, Col: 70}); eq.Flags[0].Pos != want {
		t.Errorf("flag pos = %v, want %v", eq.Flags[0].Pos, want)
	}
	if Print(lif.Spike) != "v > Vt" || Print(lif.Reset) != "v = Vr\n" {
		t.Errorf("spike %q reset %q", Print(lif.Spike), Print(lif.Reset))
	}
	if lif.Refractory == nil || !lif.Refractory.IsNum || lif.Refractory.Num != 5 {
		t.Errorf("refractory: %+v", lif.Refractory)
	}
	syn := m.Synapses[0]
	if syn.Name != "MySTDP" || Print(syn.Psp) != "w * pre.r" || syn.Operation != "sum" ||
		Print(syn.PreSpike) != "g_target += w\nx += 0.01\n" || Print(syn.PostSpike) != "w = clip(w + x, 0.0, 1.0)\n" ||
		Print(syn.Equations) != "tau_plus * dx/dt = -x : event-driven\n" {
		t.Errorf("synapse: %+v", syn)
	}
	if len(m.Pops) != 4 {
		t.Fatalf("populations: %d", len(m.Pops))
	}
	p := m.Pops[0]
	if p.Name != "P" || len(p.Geometry) != 1 || p.Geometry[0] != 4000 || p.Neuron != "LIF" ||
		len(p.Init) != 1 || p.Init[0].Value.Str != "Uniform(-60.0, -50.0)" || Print(p.Init[0].Value.Expr) != "Uniform(-60.0, -50.0)" ||
		p.StopCondition == nil || p.StopCondition.Mode != "all" || Print(p.StopCondition.Expr) != "r > 1.0" {
		t.Errorf("population P: %+v", p)
	}
	if inp := m.Pops[1]; inp.Poisson == nil || inp.Poisson.Rates.Num != 10 || inp.Geometry[0] != 100 {
		t.Errorf("inp: %+v", inp)
	}
	if src := m.Pops[2]; src.SpikeSource == nil || len(src.SpikeSource.SpikeTimes.List) != 2 ||
		src.SpikeSource.SpikeTimes.List[0].List[1].Num != 20 || src.SpikeSource.SpikeTimes.List[1].List[0].Num != 15 {
		t.Errorf("src: %+v", src)
	}
	if ta := m.Pops[3]; ta.TimedArray == nil || ta.TimedArray.Schedule != 10 || ta.TimedArray.Period != -1 ||
		ta.TimedArray.Rates.List[1].List[0].Num != 1 {
		t.Errorf("ta: %+v", ta)
	}
	pr := m.Projs[0]
	if pr.Name != "ee" || pr.Pre.Name != "P" || len(pr.Pre.Slices) != 1 || *pr.Pre.Slices[0].Start != 0 ||
		*pr.Pre.Slices[0].End != 3200 || pr.Post.Name != "P" || len(pr.Post.Slices) != 0 || pr.Target != "exc" ||
		pr.Synapse != "MySTDP" || pr.Connector.Kind != "fixed_probability" || len(pr.Connector.Args) != 4 {
		t.Errorf("projection: %+v", pr)
	}
	if a := pr.Connector.Args[3]; a.Name != "allow_self_connections" || a.Value.Bool == nil || *a.Value.Bool {
		t.Errorf("allow_self_connections: %+v", a)
	}
	mon := m.Monitors[0]
	if mon.Name != "m" || mon.Target.Text != "P[0:100]" || len(mon.Variables) != 3 || Print(mon.Variables[2].Expr) != "sum(exc)" ||
		mon.Period == nil || *mon.Period != 1 || !mon.Start {
		t.Errorf("monitor: %+v", mon)
	}
	if m.Simulation == nil || m.Simulation.Duration == nil || *m.Simulation.Duration != 1000 {
		t.Errorf("simulation: %+v", m.Simulation)
	}
}

func TestRefs(t *testing.T) {
	src := []byte("name: r\nprojections:\n  - pre: P[0:3200]\n    post: \"Q[3200:]\"\n    target: exc\n    connector: {one_to_one: {weights: 1}}\n" +
		"  - pre: P[:, 2]\n    post: P[ 1 ]\n    target: exc\n    connector: {one_to_one: {weights: 1}}\n")
	m, diags := ParseModel("r.yaml", src)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	slice := func(s Slice) string {
		f := func(p *int) string {
			if p == nil {
				return "_"
			}
			return fmt.Sprint(*p)
		}
		return fmt.Sprintf("%s:%s/%s@%d:%d", f(s.Start), f(s.End), f(s.Index), s.Pos.Line, s.Pos.Col)
	}
	tests := []struct {
		ref  Ref
		name string
		want []string
	}{
		{m.Projs[0].Pre, "P", []string{"0:3200/_@3:12"}},
		{m.Projs[0].Post, "Q", []string{"3200:_/_@4:14"}},
		{m.Projs[1].Pre, "P", []string{"_:_/_@7:12", "_:_/2@7:15"}},
		{m.Projs[1].Post, "P", []string{"_:_/1@8:14"}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range tt.ref.Slices {
			got = append(got, slice(s))
		}
		if tt.ref.Name != tt.name || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q: %s %v, want %s %v", tt.ref.Text, tt.ref.Name, got, tt.name, tt.want)
		}
	}
	if RefString(m.Projs[1].Pre) != "P[:, 2]" || RefString(m.Projs[0].Post) != "Q[3200:]" {
		t.Errorf("RefString: %q %q", RefString(m.Projs[1].Pre), RefString(m.Projs[0].Post))
	}
}

func BenchmarkParseModel(b *testing.B) {
	src, err := os.ReadFile("testdata/coba.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, diags := ParseModel("coba.yaml", src); len(diags) > 0 {
			b.Fatal(diags)
		}
	}
}
