package build

import (
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/annc/annc/codegen"
)

// layouts returns the projections of a model's generated package stored
// presynaptic-major and post-major, by projection type.
func layouts(t *testing.T, path string, opt codegen.Options) (pre, post []string) {
	t.Helper()
	l := mustLoad(t, path)
	files, err := GenerateFiles(l.Model, opt)
	if err != nil {
		t.Fatal(err)
	}
	src := files[l.Model.Name+"/network.go"]
	re := regexp.MustCompile(`// Its synapses are C(, stored presynaptic-major only| \(post-major CSR\)).*\ntype (\w+) struct`)
	for _, m := range re.FindAllSubmatch(src, -1) {
		if string(m[1]) == ", stored presynaptic-major only" {
			pre = append(pre, string(m[2]))
		} else {
			post = append(post, string(m[2]))
		}
	}
	return pre, post
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
// are stored presynaptic-major; a per-synapse variable, synapse equations,
// plasticity and continuous transmission keep the post-major layout.
func TestLayoutChoice(t *testing.T) {
	opt := codegen.Options{ImportBase: "example.com/sim", Version: "test"}
	for _, c := range []struct {
		path      string
		pre, post []string
	}{
		{writeModel(t, t.TempDir(), layoutModel), []string{"PlainProj", "ScaledProj"}, []string{"TaggedProj", "CountingProj", "LearningProj"}},
		{"coba", []string{"ExcProj", "InhProj"}, nil},
		{"stdp", nil, []string{"PlasticProj"}},                                             // STDP
		{"hh_gamma", nil, []string{"GabaProj"}},                                            // continuous psp
		{"gap_junctions", nil, []string{"ProjProj"}},                                       // rate-coded
		{"stp", nil, []string{"Proj_eeProj", "Proj_eiProj", "Proj_ieProj", "Proj_iiProj"}}, // synapse equations
	} {
		path := c.path
		if filepath.Base(path) != "model.yaml" {
			path = filepath.Join("..", "..", "examples", c.path, "model.yaml")
		}
		pre, post := layouts(t, path, opt)
		if !slices.Equal(pre, c.pre) || !slices.Equal(post, c.post) {
			t.Errorf("%s: presynaptic-major %v, post-major %v; want %v and %v", c.path, pre, post, c.pre, c.post)
		}
		// PostMajorOnly keeps all of them post-major.
		opt.PostMajorOnly = true
		pre, post = layouts(t, path, opt)
		opt.PostMajorOnly = false
		if len(pre) != 0 || len(post) != len(c.pre)+len(c.post) {
			t.Errorf("%s with PostMajorOnly: presynaptic-major %v, post-major %v", c.path, pre, post)
		}
	}
}
