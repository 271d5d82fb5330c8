package build

import (
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/annc/annc/codegen"
)

// layouts returns the projections of a model's generated package stored
// presynaptic-major, post-major with their variables in presynaptic rows,
// and post-major in synapse order, by projection type.
func layouts(t *testing.T, path string, opt codegen.Options) (pre, rows, post []string) {
	t.Helper()
	l := mustLoad(t, path)
	files, err := GenerateFiles(l.Model, opt)
	if err != nil {
		t.Fatal(err)
	}
	src := files[l.Model.Name+"/network.go"]
	re := regexp.MustCompile(`// Its synapses are C(, stored presynaptic-major only| \(post-major CSR\); W and every per-synapse variable are\n// in presynaptic rows| \(post-major CSR\)).*\n(?://.*\n)?type (\w+) struct`)
	for _, m := range re.FindAllSubmatch(src, -1) {
		switch string(m[1]) {
		case ", stored presynaptic-major only":
			pre = append(pre, string(m[2]))
		case " (post-major CSR)":
			post = append(post, string(m[2]))
		default:
			rows = append(rows, string(m[2]))
		}
	}
	return pre, rows, post
}

const layoutModel = `name: lay
dt: 0.1
neurons:
  LIF:
    parameters: |
      tau = 20.0 : population
    equations: |
      tau * dv/dt = -v + g_exc
      dg_exc/dt = -g_exc
    spike: v > 1.0
    reset: v = 0.0
synapses:
  Scaled:
    parameters: |
      k = 2.0 : projection
    pre_spike: |
      g_target += k * w
  Tagged:
    parameters: |
      tag = 1.0
    pre_spike: |
      g_target += w
  Counting:
    equations: |
      dc/dt = -c
    pre_spike: |
      g_target += w
populations:
  - {name: P, geometry: 50, neuron: LIF}
projections:
  - {name: plain, pre: P, post: P, target: exc, connector: {fixed_probability: {probability: 0.1, weights: 0.5}}}
  - {name: scaled, pre: P, post: P, target: exc, synapse: Scaled, connector: {all_to_all: {weights: 0.1, delays: "Uniform(0.1, 2.0)"}}}
  - {name: tagged, pre: P, post: P, target: exc, synapse: Tagged, connector: {one_to_one: {weights: 0.1}}}
  - {name: counting, pre: P, post: P, target: exc, synapse: Counting, connector: {one_to_one: {weights: 0.1}}}
  - {name: learning, pre: P, post: P, target: exc, synapse: STDP, connector: {one_to_one: {weights: 0.1}}}
`

// TestLayoutChoice: static spiking projections with nothing else per
// synapse (a projection-wide parameter and per-synapse delays need nothing)
// are stored presynaptic-major; plastic spiking ones keep their variables
// in presynaptic rows; a per-synapse variable of a static projection,
// synapse equations and continuous transmission keep the post-major
// layout in synapse order.
func TestLayoutChoice(t *testing.T) {
	opt := codegen.Options{ImportBase: "example.com/sim", Version: "test"}
	for _, c := range []struct {
		path            string
		pre, rows, post []string
	}{
		{writeModel(t, t.TempDir(), layoutModel), []string{"PlainProj", "ScaledProj"}, []string{"LearningProj"}, []string{"TaggedProj", "CountingProj"}},
		{"coba", []string{"ExcProj", "InhProj"}, nil, nil},
		{"stdp", nil, []string{"PlasticProj"}, nil},                                             // STDP
		{"hh_gamma", nil, nil, []string{"GabaProj"}},                                            // continuous psp
		{"gap_junctions", nil, nil, []string{"ProjProj"}},                                       // rate-coded
		{"stp", nil, []string{"Proj_eeProj", "Proj_eiProj", "Proj_ieProj", "Proj_iiProj"}, nil}, // event-driven equations
	} {
		path := c.path
		if filepath.Base(path) != "model.yaml" {
			path = filepath.Join("..", "..", "examples", c.path, "model.yaml")
		}
		pre, rows, post := layouts(t, path, opt)
		if !slices.Equal(pre, c.pre) || !slices.Equal(rows, c.rows) || !slices.Equal(post, c.post) {
			t.Errorf("%s: presynaptic-major %v, rows %v, post-major %v; want %v, %v and %v", c.path, pre, rows, post, c.pre, c.rows, c.post)
		}
		// PostMajorOnly keeps all of them post-major, in synapse order.
		opt.PostMajorOnly = true
		pre, rows, post = layouts(t, path, opt)
		opt.PostMajorOnly = false
		if len(pre)+len(rows) != 0 || len(post) != len(c.pre)+len(c.rows)+len(c.post) {
			t.Errorf("%s with PostMajorOnly: presynaptic-major %v, rows %v, post-major %v", c.path, pre, rows, post)
		}
	}
}
