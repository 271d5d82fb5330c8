package main

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
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
	Save(path string) error
	Load(path string) error
}

// layoutRun simulates COBA with a fixed seed in parts: as built (one weight
// for all synapses of each projection), after one new weight for all, after
// new weights drawn from a distribution, after loading the state saved as
// built, after loading the state saved before that load, and after delays
// drawn from a distribution (the presynaptic-major storage regroups its
// synapses then). It returns the spikes and the weights and delays in
// synapse order and the membrane potentials at the end.
func layoutRun(n layoutNet, dir string) (times []float64, ranks []int64, w, d, v []float64) {
	built, drawn := filepath.Join(dir, "built.npz"), filepath.Join(dir, "drawn.npz")
	n.Simulate(100)
	must(n.Save(built))
	must(n.Set("exc.w", 0.5))
	n.Simulate(100)
	must(n.Set("exc.w", "Uniform(0.3, 0.9)"))
	n.Simulate(100)
	must(n.Save(drawn))
	must(n.Load(built))
	n.Simulate(100)
	must(n.Load(drawn))
	n.Simulate(100)
	must(n.Set("exc.delays", "Uniform(0.0, 2.0)"))
	must(n.Set("inh.delays", 1.5))
	n.Simulate(200)
	times, ranks = n.Monitors()[0].Raster()
	w, err := n.Get("exc.w")
	must(err)
	d, err = n.Get("exc.delays")
	must(err)
	v, err = n.Get("P.v")
	must(err)
	return times, ranks, w, d, v
}

// layout compares the two layouts on 1 and 2 threads, and reports each
// projection's layout and bytes per synapse.
func layout() any {
	res := map[string]any{}
	var ref [][]float64
	var refRanks []int64
	same := true
	dir, err := os.MkdirTemp("", "layout")
	must(err)
	defer os.RemoveAll(dir)
	var all []byte
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
			t, r, w, d, v := layoutRun(n, dir)
			if ref == nil {
				for _, x := range [][]float64{t, w, d, v} {
					for _, v := range x {
						all = binary.LittleEndian.AppendUint64(all, math.Float64bits(v))
					}
				}
				for _, v := range r {
					all = binary.LittleEndian.AppendUint64(all, uint64(v))
				}
				ref, refRanks = [][]float64{t, w, d, v}, r
				res["spikes"] = len(t)
				continue
			}
			same = same && slices.Equal(t, ref[0]) && slices.Equal(r, refRanks) && slices.Equal(w, ref[1]) && slices.Equal(d, ref[2]) && slices.Equal(v, ref[3])
		}
	}
	res["same"] = same
	res["run"] = hash(all)
	return res
}

// reload loads, into a network that has run on 2 threads with every loop
// split, a state whose rows differ from the network's own but have the
// same sizes (delays drawn again over as many steps): the file's arrays are
// read in place, and the deliveries must not go on with the row cuts of
// the old contents. It reports whether the network then runs exactly as a
// new one that loads the same state.
func reload() any {
	defer annrt.SetMinChunkWork(annrt.SetMinChunkWork(1))
	dir, err := os.MkdirTemp("", "reload")
	must(err)
	defer os.RemoveAll(dir)
	state := filepath.Join(dir, "a.npz")
	rasters := [2][]byte{}
	for i, ran := range []bool{true, false} {
		n, err := coba.New(coba.WithSeed(7), coba.WithThreads(2))
		must(err)
		must(n.Set("exc.delays", "Uniform(0.0, 2.0)"))
		if ran {
			n.Simulate(20)
			must(n.Save(state))
			must(n.Set("exc.delays", "Uniform(0.0, 2.0)"))
			n.Simulate(20)
		}
		must(n.Load(state))
		for _, m := range n.Monitors() {
			m.Reset() // what they recorded before the load
		}
		n.Simulate(100)
		rasters[i] = monitorBytes(n.Monitors())
	}
	return map[string]any{"same": slices.Equal(rasters[0], rasters[1]), "bytes": len(rasters[0])}
}
