package conformance

import (
	"testing"

	"github.com/annc/annc/analysis"

	annrt "github.com/annc/annc/runtime"
)

// TestDrawBlocks: per-element random variables are drawn block by block of
// annrt.DrawBlock elements, block b ≥ 1 from the stream NewRNG(seed, kind,
// index, 1, b) and block 0 from the object's own stream NewRNG(seed, kind,
// index, 1) after the object-wide variables; within a block the variables
// are drawn in their order, a step at a time. testdata/drawblocks.yaml has
// 10,000 neurons and 10,000 synapses (three blocks each); run also checks
// that every split of the draws over goroutines gives the same bytes.
func TestDrawBlocks(t *testing.T) {
	t.Parallel()
	const n, steps = 10000, 3
	r := run(t, "testdata/drawblocks.yaml")
	seed := r.Manifest.Seed
	g, x, u := trace(t, r, "m", "g", steps, 1), trace(t, r, "m", "x", steps, n), trace(t, r, "m", "u", steps, n)
	q := trace(t, r, "s", "q", steps, n)
	blocks := annrt.DrawBlocks(n)
	if blocks != 3 {
		t.Fatalf("%d elements make %d blocks, want 3: the model no longer spans several blocks", n, blocks)
	}
	stream := func(kind uint64, b int) annrt.RNG {
		if b == 0 {
			return annrt.NewRNG(seed, kind, 0, 1)
		}
		return annrt.NewRNG(seed, kind, 0, 1, uint64(b))
	}
	pop, syn := make([]annrt.RNG, blocks), make([]annrt.RNG, blocks)
	for b := range blocks {
		pop[b], syn[b] = stream(1, b), stream(2, b)
	}
	wx, wu, wq := make([]float64, n), make([]float64, n), make([]float64, n)
	for k := range steps {
		wg := pop[0].Uniform(0, 1)
		for b := range blocks {
			a, e := b*annrt.DrawBlock, min((b+1)*annrt.DrawBlock, n)
			pop[b].FillNormal(wx[a:e], 1, 2)
			pop[b].FillUniform(wu[a:e], -1, 1)
			syn[b].FillUniform(wq[a:e], 0, 1)
		}
		if got := at(g, k, 0); got != wg {
			t.Fatalf("step %d: g = %v, want %v", k, got, wg)
		}
		for i := range n {
			for _, c := range []struct {
				name string
				tr   *analysis.Trace
				want float64
			}{{"x", x, wx[i]}, {"u", u, wu[i]}, {"q", q, wq[i]}} {
				if got := at(c.tr, k, i); got != c.want {
					t.Fatalf("step %d: %s[%d] = %v, want %v (block %d)", k, c.name, i, got, c.want, i/annrt.DrawBlock)
				}
			}
		}
	}
}
