package main

import (
	"slices"

	coba "e2e/annarchy/coba"
	cobapost "e2e/annarchy/cobapost"
	annrt "e2e/annarchy/runtime"
)

// layoutNet is what layout reads of COBA, compiled with its projections
// presynaptic-major (coba) and post-major (cobapost).
type layoutNet interface {
	Simulate(ms float64)
	Set(path string, value any) error
	Get(path string) ([]float64, error)
	Monitors() []*annrt.Monitor
}

// layoutRun simulates COBA with a fixed seed in three parts: as built, after
// new weights drawn from a distribution, and after delays drawn from one
// (the presynaptic-major storage regroups its synapses then). It returns
// the spikes and the weights and delays in synapse order at the end.
func layoutRun(n layoutNet) (times []float64, ranks []int64, w, d []float64) {
	n.Simulate(200)
	must(n.Set("exc.w", "Uniform(0.3, 0.9)"))
	n.Simulate(200)
	must(n.Set("exc.delays", "Uniform(0.0, 2.0)"))
	must(n.Set("inh.delays", 1.5))
	n.Simulate(200)
	times, ranks = n.Monitors()[0].Raster()
	w, err := n.Get("exc.w")
	must(err)
	d, err = n.Get("exc.delays")
	must(err)
	return times, ranks, w, d
}

// layout compares the two layouts on 1 and 2 threads, and reports each
// projection's layout and bytes per synapse.
func layout() any {
	res := map[string]any{}
	var ref [][]float64
	var refRanks []int64
	same := true
	for _, threads := range []int{1, 2} {
		pre, err := coba.New(coba.WithSeed(7), coba.WithThreads(threads))
		must(err)
		post, err := cobapost.New(cobapost.WithSeed(7), cobapost.WithThreads(threads))
		must(err)
		if threads == 1 {
			for _, m := range annrt.ProjectionMemory(pre) {
				res["pre."+m.Name] = m.Layout
				res["preBytes."+m.Name] = float64(m.Bytes) / float64(m.Synapses)
			}
			for _, m := range annrt.ProjectionMemory(post) {
				res["post."+m.Name] = m.Layout
			}
		}
		for _, n := range []layoutNet{pre, post} {
			t, r, w, d := layoutRun(n)
			if ref == nil {
				ref, refRanks = [][]float64{t, w, d}, r
				res["spikes"] = len(t)
				continue
			}
			same = same && slices.Equal(t, ref[0]) && slices.Equal(r, refRanks) && slices.Equal(w, ref[1]) && slices.Equal(d, ref[2])
		}
	}
	res["same"] = same
	return res
}
