package runtime

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// checkPreMajor verifies a presynaptic-major Conn against the post-major
// one it was made from: the same synapses, weights and delays in synapse
// order, and a storage whose rows and delay groups hold exactly the
// synapses of that pre neuron and delay, in ascending synapse order.
func checkPreMajor(t *testing.T, c, ref *Conn) {
	t.Helper()
	ref.Index()
	if !c.PreMajor || c.Pre != nil || c.PreIdx != nil || c.Delay != nil {
		t.Fatalf("not compact: PreMajor %v, %d pre, %d pre index, %d delays", c.PreMajor, len(c.Pre), len(c.PreIdx), len(c.Delay))
	}
	pre, post := c.Pairs()
	if !slices.Equal(pre, ref.Pre) || !slices.Equal(post, ref.Post) {
		t.Fatalf("pairs differ from the post-major connectivity")
	}
	if w := InSynapseOrder(c, c.W); !slices.Equal(w, ref.W) {
		t.Fatalf("weights in synapse order %v, want %v", w, ref.W)
	}
	if !slices.Equal(c.DelaySteps(), ref.DelaySteps()) {
		t.Fatalf("delays differ")
	}
	// Storage position p holds ref's synapse ref.PreIdx[p].
	for p, s := range ref.PreIdx {
		if c.Post[p] != ref.Post[s] || c.W[p] != ref.W[s] {
			t.Fatalf("position %d: post %d w %g, want synapse %d (post %d w %g)", p, c.Post[p], c.W[p], s, ref.Post[s], ref.W[s])
		}
	}
	if !slices.Equal(c.DelayPtr, ref.DelayPtr) || !slices.Equal(c.PrePtr, ref.PrePtr) {
		t.Fatalf("row starts differ")
	}
}

// cloneConn copies c, with its pre-major index.
func cloneConn(c *Conn) *Conn {
	d := *c
	d.Pre, d.Post, d.W, d.PreIdx = slices.Clone(c.Pre), slices.Clone(c.Post), slices.Clone(c.W), slices.Clone(c.PreIdx)
	d.Delay, d.PostPtr = slices.Clone(c.Delay), slices.Clone(c.PostPtr)
	d.Index()
	return &d
}

func TestCompactRoundTrip(t *testing.T) {
	r := NewRNG(9)
	pre, post := View{Pop: 0, Size: 200}, View{Pop: 0, Size: 200}
	c, err := FixedProbabilityWorkers(&r, pre, post, 0.1, false, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetWeights(FromDist(mustDist("Uniform(0.0, 1.0)")), &r); err != nil {
		t.Fatal(err)
	}
	for _, delays := range []Value{Num(0), Num(1.5), FromDist(mustDist("Uniform(0.0, 2.0)"))} {
		dr := NewRNG(3)
		if err := c.SetDelays(delays, 0.1, &dr); err != nil {
			t.Fatal(err)
		}
		ref := cloneConn(c)
		pc := cloneConn(c)
		pc.Compact()
		if pc.Canon != nil {
			t.Errorf("%s: ascending pre ranks kept an explicit order", delays)
		}
		checkPreMajor(t, pc, ref)
		pc.Expand()
		checkConn(t, pc)
		if !slices.Equal(pc.Pre, ref.Pre) || !slices.Equal(pc.W, ref.W) || !slices.Equal(pc.DelaySteps(), ref.DelaySteps()) {
			t.Fatalf("%s: Expand does not give back the post-major connectivity", delays)
		}
	}
}

// A presynaptic-major Conn changes its delays as the post-major one does
// (the values given and drawn in synapse order).
func TestCompactSetDelays(t *testing.T) {
	r := NewRNG(5)
	v := View{Pop: 0, Size: 150}
	c, _ := FixedProbabilityWorkers(&r, v, v, 0.2, true, 1)
	for s := range c.W {
		c.W[s] = float64(s)
	}
	pc := cloneConn(c)
	pc.Compact()
	list := make([]float64, c.Len())
	for s := range list {
		list[s] = float64(s%7) * 0.1
	}
	for _, d := range []Value{List(list), FromDist(mustDist("Uniform(0.0, 3.0)")), Num(0.2)} {
		r1, r2 := NewRNG(8), NewRNG(8)
		if err := c.SetDelays(d, 0.1, &r1); err != nil {
			t.Fatal(err)
		}
		if err := pc.SetDelays(d, 0.1, &r2); err != nil {
			t.Fatal(err)
		}
		checkPreMajor(t, pc, c)
	}
	// Weights set in synapse order land at their storage positions.
	w := make([]float64, c.Len())
	for s := range w {
		w[s] = -float64(s)
	}
	if err := c.SetWeights(List(w), nil); err != nil {
		t.Fatal(err)
	}
	if err := pc.SetWeights(List(w), nil); err != nil {
		t.Fatal(err)
	}
	checkPreMajor(t, pc, c)
}

// When some post neuron's pre ranks do not ascend (a view in another
// order), the synapse order is kept explicitly.
func TestCompactExplicitOrder(t *testing.T) {
	r := NewRNG(2)
	pre := View{Pop: 0, Size: 6, Ranks: []int{5, 1, 3, 0}}
	post := View{Pop: 1, Size: 4}
	c, err := AllToAll(&r, pre, post, true)
	if err != nil {
		t.Fatal(err)
	}
	for s := range c.W {
		c.W[s] = float64(s) + 0.5
	}
	ref := cloneConn(c)
	c.Compact()
	if c.Canon == nil {
		t.Fatal("no explicit order for descending pre ranks")
	}
	checkPreMajor(t, c, ref)
}

// Reorder moves per-synapse values along with a change of storage order.
func TestReorder(t *testing.T) {
	x := []float64{10, 11, 12}
	before, after := []int32{2, 0, 1}, []int32{0, 2, 1}
	// Synapse 0 was at 2 and goes to 0, synapse 1 from 0 to 2, 2 stays at 1.
	if got := Reorder(x, before, after); !slices.Equal(got, []float64{12, 11, 10}) {
		t.Errorf("Reorder = %v", got)
	}
}

// The build of COBA's excitatory projection scaled to 200,000 neurons (12.8
// M synapses) as the generated code does it for a static projection: draw,
// weights, presynaptic-major layout.
func BenchmarkBuildStatic200k(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprint(workers), func(b *testing.B) {
			pop := View{Pop: 0, Size: 200000}
			pre := View{Pop: 0, Size: 200000, Ranks: RangeRanks([]int{200000}, []int{0}, []int{160000})}
			for b.Loop() {
				r := NewRNG(1)
				c, err := FixedProbabilityWorkers(&r, pre, pop, 0.0004, false, workers)
				if err != nil {
					b.Fatal(err)
				}
				if err := c.SetWeights(Num(0.6), &r); err != nil {
					b.Fatal(err)
				}
				c.Compact()
			}
		})
	}
}

// FixedProbabilityPreMajor gives the Conn of FixedProbabilityWorkers made
// presynaptic-major by Compact (without weights), array for array, for any
// number of goroutines, also with views of ranks that do not ascend (which
// take the way through the post-major lists) and the limiting
// probabilities, and then draws the same delays and weights.
func TestFixedProbabilityPreMajor(t *testing.T) {
	views := [][2]View{
		{{Pop: 0, Size: 700}, {Pop: 0, Size: 700}},
		{{Pop: 0, Size: 1000, Ranks: RangeRanks([]int{1000}, []int{100}, []int{600})}, {Pop: 0, Size: 1000, Ranks: RangeRanks([]int{1000}, []int{50}, []int{800})}},
		{{Pop: 0, Size: 500, Ranks: []int{4, 9, 100, 7, 300}}, {Pop: 0, Size: 500}},
		{{Pop: 0, Size: 800}, {Pop: 1, Size: 900, Ranks: []int{5, 800, 6}}},
		{{Pop: 0, Size: 60, Geometry: []int{6, 10}, Ranks: RangeRanks([]int{6, 10}, []int{1, 2}, []int{4, 5})}, {Pop: 1, Size: 30}},
	}
	for vi, v := range views {
		for _, p := range []float64{0, 0.001, 0.05, 0.6, 1} {
			for _, allowSelf := range []bool{false, true} {
				r := NewRNG(11, uint64(vi))
				ref, err := FixedProbabilityWorkers(&r, v[0], v[1], p, allowSelf, 1)
				if err != nil {
					t.Fatal(err)
				}
				ref.W = nil
				ref.Compact()
				for _, workers := range []int{1, 2, 3, 8} {
					r := NewRNG(11, uint64(vi))
					c, err := FixedProbabilityPreMajor(&r, v[0], v[1], p, allowSelf, workers)
					if err != nil {
						t.Fatal(err)
					}
					c.Workers, c.layouts = ref.Workers, ref.layouts // not the synapses
					if !reflect.DeepEqual(c, ref) {
						t.Fatalf("views %d, p %g, self %v, %d workers: %+v, want %+v", vi, p, allowSelf, workers, *c, *ref)
					}
				}
			}
		}
	}
	// A large one: the sort in several chunks.
	pre, post := View{Pop: 0, Size: 40000}, View{Pop: 0, Size: 40000}
	r := NewRNG(5)
	ref, err := FixedProbabilityWorkers(&r, pre, post, 0.001, false, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref.W = nil
	ref.Compact()
	for _, workers := range []int{1, 2, 5} {
		r := NewRNG(5)
		c, err := FixedProbabilityPreMajor(&r, pre, post, 0.001, false, workers)
		if err != nil {
			t.Fatal(err)
		}
		c.Workers, c.layouts = ref.Workers, ref.layouts
		if !reflect.DeepEqual(c, ref) {
			t.Fatalf("40000 × 40000, %d workers: another Conn", workers)
		}
	}
}
