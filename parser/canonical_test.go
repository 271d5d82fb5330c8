package parser

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestObjectHashes checks the per-object hashes a rebuild explains itself
// with: one per setting and named object, unchanged by comments and layout,
// and changed for exactly the objects whose content changed.
func TestObjectHashes(t *testing.T) {
	const src = `name: h
dt: 0.5
neurons:
  N:
    equations: |
      dv/dt = -v
synapses:
  S:
    pre_spike: |
      g_target += w
populations:
  - name: a
    geometry: 4
    neuron: N
  - {name: b, geometry: 2, neuron: N}
projections:
  - name: ab
    pre: a
    post: b
    target: exc
    synapse: S
    connector: {all_to_all: {weights: 1.0}}
monitors:
  - {target: a, variables: [v]}
simulation:
  duration: 1.0
`
	hashes := func(src string) map[string]string {
		t.Helper()
		m, ds := ParseModel("h.yaml", []byte(src))
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		return m.ObjectHashes
	}
	base := hashes(src)
	want := []string{"dt", "monitor #0", "name", "neuron N", "population a", "population b", "projection ab", "simulation", "synapse S"}
	if got := slices.Sorted(maps.Keys(base)); !slices.Equal(got, want) {
		t.Fatalf("objects %q, want %q", got, want)
	}
	// comments, flow style and quoting change no hash
	relaid := strings.Replace(src, "  - {name: b, geometry: 2, neuron: N}", "  # the second\n  - name: \"b\"\n    geometry: 2\n    neuron: N # same type", 1)
	if got := hashes(relaid); !maps.Equal(got, base) {
		t.Errorf("layout changed the hashes:\n%v\n%v", got, base)
	}
	changed := hashes(strings.Replace(strings.Replace(src, "geometry: 4", "geometry: 5", 1), "dt: 0.5", "dt: 0.25", 1))
	var diff []string
	for k, h := range base {
		if changed[k] != h {
			diff = append(diff, k)
		}
	}
	slices.Sort(diff)
	if want := []string{"dt", "population a"}; !slices.Equal(diff, want) {
		t.Errorf("changed objects %q, want %q", diff, want)
	}
	if m, ds := ParseModel("h.yaml", []byte(src+"bogus: 1\n")); !ds.HasErrors() || m.ObjectHashes != nil {
		t.Errorf("a model with errors: %v, hashes %v", ds, m.ObjectHashes)
	}
}
