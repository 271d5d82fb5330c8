package ir_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/annc/annc/ir"
)

// perPreModel is a rate-coded projection whose synapse type is EQS (with
// PARAMS and SPIKE), projection parameters PROJ.
const perPreModel = `name: m
neurons:
  N:
    equations: |
      r = sum(exc)
      dv/dt = -v
synapses:
  S:
    parameters: |
      tau = 10.0 : projection
      k = 1.0
    equations: |
EQS
    psp: w * r2
populations:
  - {name: P, geometry: 10, neuron: N}
projections:
  - {name: pj, pre: P, post: P, target: exc, synapse: S, connector: {all_to_all: {weights: 1.0}}PROJ}
`

func perPreOf(t *testing.T, eqs, proj string) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(eqs, "\n") {
		lines = append(lines, "      "+l)
	}
	src := strings.NewReplacer("EQS", strings.Join(lines, "\n"), "PROJ", proj).Replace(perPreModel)
	m, ds := buildSrc(t, src)
	if ds.HasErrors() {
		t.Fatalf("%s: %v", eqs, ds)
	}
	var names []string
	for _, v := range m.Projs[0].PerPre {
		names = append(names, v.Name)
	}
	return names
}

// Which synapse variables are stored per presynaptic neuron, rule by rule
// (ir.perPre's comment).
func TestPerPreRule(t *testing.T) {
	for _, tc := range []struct {
		eqs, proj string
		want      []string
	}{
		// Reads pre.x, a projection-wide parameter and itself: qualifies;
		// r2 reads w, so it does not (below, r2 = s qualifies with s).
		{"tau * ds/dt = pre.r * (1 - s) - s : init = 0.2\nr2 = w * s", "", []string{"s"}},
		// The GABA_A gating of HH gamma: exp of pre.v, here with rk4 temporaries.
		{"ds/dt = (1 - s) / (1 + exp(-pre.v)) - s / tau : rk4\nr2 = s", "", []string{"s", "r2"}},
		// A per-synapse parameter, w, post.x, rank, a postsynaptic variable.
		{"ds/dt = -s / k\nr2 = s", "", nil},
		{"ds/dt = w - s\nr2 = s", "", nil},
		{"ds/dt = post.r - s\nr2 = s", "", nil},
		{"q = post.r : postsynaptic\nds/dt = q - s\nr2 = s", "", nil},
		// A chain of qualifying variables qualifies; one link to w breaks it.
		{"a = pre.r * 2\nds/dt = a - s\nr2 = s", "", []string{"s", "a", "r2"}},
		{"a = pre.r * w\nds/dt = a - s\nr2 = s", "", nil},
		// Initial values: a per-synapse parameter, or a projection-wide one
		// (a projection sets synaptic variables only at run time: Set).
		{"ds/dt = pre.r - s : init = k\nr2 = s", "", nil},
		{"ds/dt = pre.r - s : init = tau\nr2 = s", "", []string{"s", "r2"}},
		// A plain assignment qualifies like an ODE.
		{"r2 = pre.r", "", []string{"r2"}},
		// A per-synapse equation that reads s before s is assigned would see
		// the new value if s were computed first (one per presynaptic neuron
		// keeps its order).
		{"r2 = w * s\nds/dt = pre.r - s", "", nil},
		{"r2 = s\nds/dt = pre.r - s", "", []string{"s", "r2"}},
		// Random variables: one per projection qualifies, one per synapse not.
		{"ds/dt = pre.r - s + Normal(0, 1)\nr2 = s", "", nil},
	} {
		got := perPreOf(t, tc.eqs, tc.proj)
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q %s: per-presynaptic %v, want %v", tc.eqs, tc.proj, got, want)
		}
	}
}

// SplitPerPre keeps the temporaries of a method with the variable they serve.
func TestSplitPerPre(t *testing.T) {
	src := strings.NewReplacer("EQS", "      ds/dt = (1 - s) * pre.r - s / tau : midpoint\n      r2 = w * s", "PROJ", "").Replace(perPreModel)
	m, ds := buildSrc(t, src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	pj := m.Projs[0]
	pre, rest := ir.SplitPerPre(pj.Type.LocalUpdate, pj.PerPre)
	if len(pre)+len(rest) != len(pj.Type.LocalUpdate) || len(rest) != 1 || len(pre) < 2 {
		t.Fatalf("split %d + %d of %d statements", len(pre), len(rest), len(pj.Type.LocalUpdate))
	}
	if _, ok := pre[0].(*ir.Assign).LHS.(*ir.Temp); !ok {
		t.Errorf("first per-presynaptic statement assigns %T, want the midpoint temporary", pre[0].(*ir.Assign).LHS)
	}
}
