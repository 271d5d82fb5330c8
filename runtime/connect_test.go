package runtime

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// synapses returns the connectivity as (post, pre) pairs in synapse order.
func synapses(c *Conn) [][2]int {
	out := make([][2]int, c.Len())
	for s := range c.Pre {
		out[s] = [2]int{int(c.Post[s]), int(c.Pre[s])}
	}
	return out
}

// checkConn verifies the invariants every Conn must satisfy: PostPtr groups
// synapses by post, the pre-major index lists each synapse exactly once
// under its pre neuron and delay, in increasing synapse order.
func checkConn(t *testing.T, c *Conn) {
	t.Helper()
	c.Index()
	n := c.Len()
	if len(c.Post) != n || len(c.W) != n || (c.Delay != nil && len(c.Delay) != n) {
		t.Fatalf("array lengths differ: %d pre, %d post, %d w, %d delay", n, len(c.Post), len(c.W), len(c.Delay))
	}
	if len(c.PostPtr) != c.NPost+1 || c.PostPtr[0] != 0 || int(c.PostPtr[c.NPost]) != n {
		t.Fatalf("bad PostPtr %v for %d synapses", c.PostPtr, n)
	}
	for j := 0; j < c.NPost; j++ {
		for s := c.PostPtr[j]; s < c.PostPtr[j+1]; s++ {
			if int(c.Post[s]) != j {
				t.Fatalf("synapse %d in post %d's range has post %d", s, j, c.Post[s])
			}
		}
	}
	k := len(c.Delays)
	if k == 0 || len(c.DelayPtr) != c.NPre*k+1 || len(c.PrePtr) != c.NPre+1 || len(c.PreIdx) != n {
		t.Fatalf("bad pre index sizes: %d delays, %d DelayPtr, %d PrePtr, %d PreIdx", k, len(c.DelayPtr), len(c.PrePtr), len(c.PreIdx))
	}
	seen := make([]bool, n)
	for i := 0; i < c.NPre; i++ {
		if c.PrePtr[i] != c.DelayPtr[i*k] {
			t.Fatalf("PrePtr[%d] = %d, DelayPtr = %d", i, c.PrePtr[i], c.DelayPtr[i*k])
		}
		for g := 0; g < k; g++ {
			last := int32(-1)
			for _, s := range c.PreIdx[c.DelayPtr[i*k+g]:c.DelayPtr[i*k+g+1]] {
				if int(c.Pre[s]) != i || c.SynapseDelay(int(s)) != c.Delays[g] || s <= last || seen[s] {
					t.Fatalf("pre %d delay %d lists synapse %d (pre %d, delay %d)", i, c.Delays[g], s, c.Pre[s], c.SynapseDelay(int(s)))
				}
				seen[s], last = true, s
			}
		}
	}
	for s, ok := range seen {
		if !ok {
			t.Fatalf("synapse %d missing from the pre index", s)
		}
	}
}

func TestOneToOne(t *testing.T) {
	pre := View{Pop: 0, Size: 5, Ranks: []int{1, 2, 3}}
	post := View{Pop: 1, Size: 4}
	c, err := OneToOne(nil, pre, post)
	if err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	if want := [][2]int{{0, 1}, {1, 2}, {2, 3}}; !reflect.DeepEqual(synapses(c), want) {
		t.Errorf("synapses %v, want %v", synapses(c), want)
	}
	if want := []int32{0, 1, 2, 3, 3}; !reflect.DeepEqual(c.PostPtr, want) {
		t.Errorf("PostPtr %v, want %v", c.PostPtr, want)
	}
	if _, err := OneToOne(nil, View{Size: 2, Ranks: []int{2}}, post); err == nil {
		t.Error("a rank outside the population must fail")
	}
}

func TestAllToAll(t *testing.T) {
	p := View{Pop: 0, Size: 3}
	c, _ := AllToAll(nil, p, p, false)
	checkConn(t, c)
	if want := [][2]int{{0, 1}, {0, 2}, {1, 0}, {1, 2}, {2, 0}, {2, 1}}; !reflect.DeepEqual(synapses(c), want) {
		t.Errorf("no self: %v, want %v", synapses(c), want)
	}
	c, _ = AllToAll(nil, p, p, true)
	if c.Len() != 9 || findSynapse(c, 1, 1) < 0 {
		t.Errorf("with self: %d synapses, want 9 including 1->1", c.Len())
	}
	// Views of one population: pre P[0:3], post P[2:4]; 2->2 is a self-connection.
	pre := View{Pop: 0, Size: 5, Ranks: []int{0, 1, 2}}
	post := View{Pop: 0, Size: 5, Ranks: []int{2, 3}}
	c, _ = AllToAll(nil, pre, post, false)
	checkConn(t, c)
	if want := [][2]int{{2, 0}, {2, 1}, {3, 0}, {3, 1}, {3, 2}}; !reflect.DeepEqual(synapses(c), want) {
		t.Errorf("views: %v, want %v", synapses(c), want)
	}
	if want := []int32{0, 0, 0, 2, 5, 5}; !reflect.DeepEqual(c.PostPtr, want) {
		t.Errorf("views PostPtr %v, want %v", c.PostPtr, want)
	}
	// Different populations: equal ranks are not self-connections.
	c, _ = AllToAll(nil, View{Pop: 0, Size: 3}, View{Pop: 1, Size: 2}, false)
	if c.Len() != 6 {
		t.Errorf("two populations: %d synapses, want 6", c.Len())
	}
}

func TestFromMatrix(t *testing.T) {
	nan := math.NaN()
	pre := View{Pop: 0, Size: 3, Ranks: []int{0, 2}}
	post := View{Pop: 1, Size: 2}
	c, err := FromMatrix(pre, post, [][]float64{{nan, 0.5}, {1.0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	if want := [][2]int{{0, 2}, {1, 0}, {1, 2}}; !reflect.DeepEqual(synapses(c), want) {
		t.Errorf("synapses %v, want %v", synapses(c), want)
	}
	if want := []float64{0.5, 1, 0}; !reflect.DeepEqual(c.W, want) {
		t.Errorf("weights %v, want %v", c.W, want)
	}
	for _, m := range [][][]float64{{{1, 2}}, {{1, 2}, {1}}} {
		if _, err := FromMatrix(pre, post, m); err == nil || !strings.Contains(err.Error(), "from_matrix") {
			t.Errorf("FromMatrix(%v) = %v, want a shape error", m, err)
		}
	}
}

// On a 3×3 population the normalised coordinates are {0, 0.5, 1} per axis,
// so squared distances are multiples of 0.25.
func TestGaussianByHand(t *testing.T) {
	p := View{Pop: 0, Size: 9, Geometry: []int{3, 3}}
	// amp 1, sigma 0.5: w = exp(-2·d²); limit 0.1 keeps d² ∈ {0.25, 0.5, 1}
	// (0.607, 0.368, 0.135) and drops 1.25 (0.082) and 2; no self.
	c, err := Gaussian(p, p, 1, 0.5, 0.1, false, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	pres := func(post int) []int {
		var out []int
		for s := c.PostPtr[post]; s < c.PostPtr[post+1]; s++ {
			out = append(out, int(c.Pre[s]))
		}
		return out
	}
	if got, want := pres(0), []int{1, 2, 3, 4, 6}; !reflect.DeepEqual(got, want) {
		t.Errorf("corner: pre %v, want %v", got, want)
	}
	if got, want := pres(4), []int{0, 1, 2, 3, 5, 6, 7, 8}; !reflect.DeepEqual(got, want) {
		t.Errorf("centre: pre %v, want %v", got, want)
	}
	for _, w := range []struct {
		pre, post int
		want      float64
	}{{1, 0, math.Exp(-0.5)}, {4, 0, math.Exp(-1)}, {2, 0, math.Exp(-2)}, {8, 4, math.Exp(-1)}} {
		if s := findSynapse(c, w.pre, w.post); s < 0 || c.W[s] != w.want {
			t.Errorf("w(%d->%d) = %v, want %g", w.pre, w.post, c.W, w.want)
		}
	}
	// pre 3×3 to a separate 2×2 population (coordinates {0, 1}): post (0, 1)
	// sits on pre (0, 2) = rank 2, and self-connections do not apply.
	q := View{Pop: 1, Size: 4, Geometry: []int{2, 2}}
	c, _ = Gaussian(p, q, 2, 0.5, 0.1, false, 1)
	checkConn(t, c)
	if got, want := pres(1), []int{0, 1, 2, 4, 5, 8}; !reflect.DeepEqual(got, want) {
		t.Errorf("2×2 post 1: pre %v, want %v", got, want)
	}
	if s := findSynapse(c, 2, 1); s < 0 || c.W[s] != 2 {
		t.Errorf("w(2->1) should be amp = 2")
	}
	// Errors: views, mismatched dimensions, sigma.
	if _, err := Gaussian(View{Pop: 0, Size: 9, Geometry: []int{3, 3}, Ranks: []int{0}}, p, 1, 0.5, 0.1, false, 1); err == nil {
		t.Error("gaussian on a view must fail")
	}
	if _, err := Gaussian(View{Pop: 2, Size: 9}, p, 1, 0.5, 0.1, false, 1); err == nil {
		t.Error("1-D to 2-D must fail")
	}
	if _, err := Gaussian(p, p, 1, 0, 0.1, false, 1); err == nil {
		t.Error("sigma 0 must fail")
	}
	// 1-D: coordinates rank/(size-1).
	l := View{Pop: 3, Size: 5}
	c, _ = Gaussian(l, l, 1, 0.25, 0.5, true, 1)
	checkConn(t, c)
	// d = 0.25 per neighbour: w = exp(-0.0625/(2·0.0625)) = exp(-0.5) > 0.5; d = 0.5: exp(-2) < 0.5.
	if got, want := pres(2), []int{1, 2, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("1-D: pre %v, want %v", got, want)
	}
}

func TestDoGByHand(t *testing.T) {
	p := View{Pop: 0, Size: 9, Geometry: []int{3, 3}}
	// w(d²) = exp(-2d²) - 0.5·exp(-d²/2); limit 0.1·|1-0.5| = 0.05.
	// d² = 0: 0.5; 0.25: 0.165; 0.5: -0.0215 (dropped); 1: -0.168; 1.25: -0.186; 2: -0.166.
	c, err := DoG(p, p, 1, 0.5, 0.5, 1, 0.1, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	pres := func(post int) []int {
		var out []int
		for s := c.PostPtr[post]; s < c.PostPtr[post+1]; s++ {
			out = append(out, int(c.Pre[s]))
		}
		return out
	}
	if got, want := pres(0), []int{0, 1, 2, 3, 5, 6, 7, 8}; !reflect.DeepEqual(got, want) {
		t.Errorf("corner: pre %v, want %v", got, want)
	}
	if got, want := pres(4), []int{1, 3, 4, 5, 7}; !reflect.DeepEqual(got, want) {
		t.Errorf("centre: pre %v, want %v", got, want)
	}
	if s := findSynapse(c, 8, 0); s < 0 || c.W[s] != math.Exp(-4)-0.5*math.Exp(-1) {
		t.Errorf("w(8->0) wrong")
	}
	if s := findSynapse(c, 4, 4); s < 0 || c.W[s] != 0.5 {
		t.Errorf("w(4->4) should be 0.5")
	}
}

func TestFixedProbabilityStatistics(t *testing.T) {
	r := NewRNG(1, 7)
	pre, post := View{Pop: 0, Size: 1000}, View{Pop: 1, Size: 1000}
	c, err := fixedProbability(&r, pre, post, 0.05, false)
	if err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	within := func(name string, got, n, p float64) {
		t.Helper()
		if sd := math.Sqrt(n * p * (1 - p)); math.Abs(got-n*p) > 5*sd {
			t.Errorf("%s: %g, want %g ± %g", name, got, n*p, 5*sd)
		}
	}
	within("synapses", float64(c.Len()), 1e6, 0.05)
	low := 0
	for s := range c.Pre {
		if c.Pre[s] < 500 {
			low++
		}
	}
	within("synapses from pre < 500", float64(low), 5e5, 0.05)
	// No duplicates, pre increasing within each post.
	for j := 0; j < c.NPost; j++ {
		for s := c.PostPtr[j] + 1; s < c.PostPtr[j+1]; s++ {
			if c.Pre[s] <= c.Pre[s-1] {
				t.Fatalf("post %d: pre %d after %d", j, c.Pre[s], c.Pre[s-1])
			}
		}
	}
	// Same population without self-connections.
	r = NewRNG(2)
	c, _ = fixedProbability(&r, pre, pre, 0.1, false)
	within("same population", float64(c.Len()), 999000, 0.1)
	for s := range c.Pre {
		if c.Pre[s] == c.Post[s] {
			t.Fatalf("self-connection %d", c.Pre[s])
		}
	}
	// Deterministic for a stream, different for another.
	a, b, d := NewRNG(5), NewRNG(5), NewRNG(6)
	c1, _ := fixedProbability(&a, pre, post, 0.01, true)
	c2, _ := fixedProbability(&b, pre, post, 0.01, true)
	c3, _ := fixedProbability(&d, pre, post, 0.01, true)
	if !reflect.DeepEqual(c1.Pre, c2.Pre) || !reflect.DeepEqual(c1.PostPtr, c2.PostPtr) {
		t.Error("same stream, different connectivity")
	}
	if reflect.DeepEqual(c1.Pre, c3.Pre) {
		t.Error("different streams, same connectivity")
	}
	c, _ = fixedProbability(&a, pre, post, 0, true)
	if c.Len() != 0 {
		t.Errorf("p = 0: %d synapses", c.Len())
	}
	small := View{Pop: 0, Size: 4}
	c, _ = fixedProbability(&a, small, small, 1, false)
	if c.Len() != 12 {
		t.Errorf("p = 1 without self: %d synapses, want 12", c.Len())
	}
	if _, err := fixedProbability(&a, pre, post, 1.5, false); err == nil {
		t.Error("p = 1.5 must fail")
	}
	// Views: only ranks inside the views appear.
	r = NewRNG(3)
	c, _ = fixedProbability(&r, View{Pop: 0, Size: 100, Ranks: []int{10, 20, 30}}, View{Pop: 1, Size: 50, Ranks: []int{49}}, 1, false)
	if want := [][2]int{{49, 10}, {49, 20}, {49, 30}}; !reflect.DeepEqual(synapses(c), want) {
		t.Errorf("views: %v, want %v", synapses(c), want)
	}
}

func TestFixedNumber(t *testing.T) {
	r := NewRNG(9)
	p := View{Pop: 0, Size: 200}
	c, err := FixedNumberPre(&r, p, p, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	for j := 0; j < 200; j++ {
		if n := c.PostPtr[j+1] - c.PostPtr[j]; n != 10 {
			t.Fatalf("post %d has %d pre, want 10", j, n)
		}
		seen := map[int32]bool{}
		for s := c.PostPtr[j]; s < c.PostPtr[j+1]; s++ {
			if seen[c.Pre[s]] || int(c.Pre[s]) == j {
				t.Fatalf("post %d: duplicate or self pre %d", j, c.Pre[s])
			}
			seen[c.Pre[s]] = true
		}
	}
	c, err = FixedNumberPost(&r, p, p, 7, false)
	if err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	if c.Len() != 1400 {
		t.Fatalf("%d synapses, want 1400", c.Len())
	}
	for i := 0; i < 200; i++ {
		k := c.PrePtr[i+1] - c.PrePtr[i]
		if k != 7 {
			t.Fatalf("pre %d has %d post, want 7", i, k)
		}
		seen := map[int32]bool{}
		for _, s := range c.PreIdx[c.PrePtr[i]:c.PrePtr[i+1]] {
			if seen[c.Post[s]] || int(c.Post[s]) == i {
				t.Fatalf("pre %d: duplicate or self post %d", i, c.Post[s])
			}
			seen[c.Post[s]] = true
		}
	}
	// Every 2-subset of 5 pre neurons is equally likely (p = 1/10 each).
	const posts = 50000
	c, _ = FixedNumberPre(&r, View{Pop: 0, Size: 5}, View{Pop: 1, Size: posts}, 2, false)
	var pairs [5][5]int
	for j := 0; j < posts; j++ {
		s := c.PostPtr[j]
		pairs[c.Pre[s]][c.Pre[s+1]]++
	}
	sd := math.Sqrt(posts * 0.1 * 0.9)
	for a := 0; a < 5; a++ {
		for b := a + 1; b < 5; b++ {
			if math.Abs(float64(pairs[a][b])-posts*0.1) > 5*sd {
				t.Errorf("pair {%d, %d} drawn %d times, want %g ± %g", a, b, pairs[a][b], posts*0.1, 5*sd)
			}
		}
	}
	// All candidates, too many, and views.
	small := View{Pop: 0, Size: 4}
	c, _ = FixedNumberPre(&r, small, small, 3, false)
	if c.Len() != 12 {
		t.Errorf("n = all others: %d synapses, want 12", c.Len())
	}
	if _, err := FixedNumberPre(&r, small, small, 4, false); err == nil || !strings.Contains(err.Error(), "larger than the 3 possible") {
		t.Errorf("n too large: %v", err)
	}
	if _, err := FixedNumberPost(&r, small, small, 5, true); err == nil {
		t.Error("fixed_number_post with n > post size must fail")
	}
	c, _ = FixedNumberPre(&r, View{Pop: 0, Size: 10, Ranks: []int{3, 4}}, View{Pop: 0, Size: 10, Ranks: []int{4, 5}}, 1, false)
	if want := [][2]int{{4, 3}}; !reflect.DeepEqual(synapses(c)[:1], want) {
		t.Errorf("post 4 can only take pre 3: %v", synapses(c))
	}
}

func TestDelaysByHand(t *testing.T) {
	c, err := NewConn(2, 2, []int32{0, 0, 1, 1}, []int32{0, 1, 0, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetDelays(Num(0.3), 0.1, nil); err != nil {
		t.Fatal(err)
	}
	if c.Delay != nil || c.UniformDelay != 3 || c.MaxDelay != 3 || !reflect.DeepEqual(c.Delays, []int32{3}) {
		t.Errorf("uniform 0.3 ms: delay %v uniform %d max %d delays %v", c.Delay, c.UniformDelay, c.MaxDelay, c.Delays)
	}
	checkConn(t, c)
	// 0.2, 0.1, 0.1, 0.3 ms at dt 0.1 -> 2, 1, 1, 3 steps.
	if err := c.SetDelays(List([]float64{0.2, 0.1, 0.1, 0.3}), 0.1, nil); err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	want := &Conn{
		Delay: []int32{2, 1, 1, 3}, MaxDelay: 3, Delays: []int32{1, 2, 3},
		PreIdx: []int32{2, 0, 1, 3}, DelayPtr: []int32{0, 1, 2, 2, 3, 3, 4}, PrePtr: []int32{0, 2, 4},
	}
	if !reflect.DeepEqual(c.Delay, want.Delay) || c.MaxDelay != 3 || !reflect.DeepEqual(c.Delays, want.Delays) ||
		!reflect.DeepEqual(c.PreIdx, want.PreIdx) || !reflect.DeepEqual(c.DelayPtr, want.DelayPtr) || !reflect.DeepEqual(c.PrePtr, want.PrePtr) {
		t.Errorf("got delay %v delays %v PreIdx %v DelayPtr %v PrePtr %v", c.Delay, c.Delays, c.PreIdx, c.DelayPtr, c.PrePtr)
	}
	// A list that rounds to one value becomes uniform.
	c.SetDelays(List([]float64{0.96, 1.04, 1, 1}), 0.1, nil)
	if c.Delay != nil || c.UniformDelay != 10 {
		t.Errorf("rounded-equal list: delay %v uniform %d", c.Delay, c.UniformDelay)
	}
	for _, bad := range []Value{Num(-1), List([]float64{1, 2}), List([]float64{1, math.NaN(), 1, 1})} {
		if err := c.SetDelays(bad, 0.1, nil); err == nil {
			t.Errorf("SetDelays(%v) must fail", bad)
		}
	}
	if err := c.SetDelays(Num(1), 0, nil); err == nil {
		t.Error("dt 0 must fail")
	}
	if err := c.SetWeights(List([]float64{1, 2, 3, 4}), nil); err != nil || !reflect.DeepEqual(c.W, []float64{1, 2, 3, 4}) {
		t.Errorf("SetWeights list: %v %v", c.W, err)
	}
	if err := c.SetWeights(List([]float64{1}), nil); err == nil {
		t.Error("SetWeights with a short list must fail")
	}
}

func TestDelaysFromDistribution(t *testing.T) {
	r := NewRNG(4)
	pre, post := View{Pop: 0, Size: 300}, View{Pop: 1, Size: 300}
	c, _ := fixedProbability(&r, pre, post, 0.1, true)
	d1, d2 := NewRNG(4, 1), NewRNG(4, 1)
	if err := c.SetDelays(FromDist(mustDist("Uniform(0.0, 2.0)")), 0.1, &d1); err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	for s := 0; s < c.Len(); s++ {
		if want := int32(math.Round(d2.Uniform(0, 2) / 0.1)); c.Delay[s] != want {
			t.Fatalf("synapse %d: delay %d, want %d", s, c.Delay[s], want)
		}
	}
	if len(c.Delays) != 21 || c.Delays[0] != 0 || c.MaxDelay != 20 {
		t.Errorf("delays %v max %d, want 0..20", c.Delays, c.MaxDelay)
	}
	// The group for delay d of each pre neuron holds exactly its synapses of
	// delay d (checkConn); count them against a direct scan for one neuron.
	k := len(c.Delays)
	for g, d := range c.Delays {
		n := 0
		for s := range c.Pre {
			if c.Pre[s] == 17 && c.Delay[s] == d {
				n++
			}
		}
		if got := int(c.DelayPtr[17*k+g+1] - c.DelayPtr[17*k+g]); got != n {
			t.Errorf("pre 17 delay %d: %d synapses in the group, %d in the data", d, got, n)
		}
	}
}

func TestNewConnOrders(t *testing.T) {
	c, err := NewConn(3, 3, []int32{2, 0, 2, 1}, []int32{0, 1, 1, 2}, []float64{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	checkConn(t, c)
	if want := [][2]int{{0, 1}, {1, 2}, {2, 0}, {2, 1}}; !reflect.DeepEqual(synapses(c), want) {
		t.Errorf("synapses %v, want %v", synapses(c), want)
	}
	if want := []float64{2, 4, 1, 3}; !reflect.DeepEqual(c.W, want) {
		t.Errorf("weights %v, want %v", c.W, want)
	}
	if _, err := NewConn(3, 3, []int32{3}, []int32{0}, nil); err == nil {
		t.Error("post rank 3 of 3 must fail")
	}
	if _, err := NewConn(3, 3, []int32{1}, []int32{0, 1}, nil); err == nil {
		t.Error("lists of different lengths must fail")
	}
}

func BenchmarkFixedProbability4000(b *testing.B) {
	p := View{Pop: 0, Size: 4000}
	for b.Loop() {
		r := NewRNG(1)
		fixedProbability(&r, p, p, 0.02, false)
	}
}

func BenchmarkFixedProbability4000Weights(b *testing.B) {
	p := View{Pop: 0, Size: 4000}
	w := FromDist(mustDist("Uniform(0, 1)"))
	d := FromDist(mustDist("Uniform(0.1, 5)"))
	for b.Loop() {
		r := NewRNG(1)
		c, _ := fixedProbability(&r, p, p, 0.02, false)
		c.SetWeights(w, &r)
		c.SetDelays(d, 0.1, &r)
	}
}

func BenchmarkAllToAll1000(b *testing.B) {
	p := View{Pop: 0, Size: 1000}
	for b.Loop() {
		AllToAll(nil, p, p, false)
	}
}

func BenchmarkFixedNumberPre4000x100(b *testing.B) {
	p := View{Pop: 0, Size: 4000}
	for b.Loop() {
		r := NewRNG(1)
		FixedNumberPre(&r, p, p, 100, false)
	}
}

func BenchmarkGaussian30x30(b *testing.B) {
	p := View{Pop: 0, Size: 900, Geometry: []int{30, 30}}
	for b.Loop() {
		Gaussian(p, p, 1, 0.1, 0.01, false, 1)
	}
}

// The synapses of fixed_probability depend on the stream, not on the number
// of goroutines drawing them, also with views and without self-connections.
func TestFixedProbabilityWorkers(t *testing.T) {
	views := [][2]View{
		{{Pop: 0, Size: 3000}, {Pop: 0, Size: 3000}},
		{{Pop: 0, Size: 500, Ranks: []int{4, 9, 100, 7, 300}}, {Pop: 0, Size: 500}},
		{{Pop: 0, Size: 2000}, {Pop: 1, Size: 900, Ranks: []int{5, 800, 6}}},
	}
	for vi, v := range views {
		for _, p := range []float64{0.001, 0.05, 0.6} {
			var first *Conn
			for _, workers := range []int{1, 2, 3, 8} {
				r := NewRNG(11, uint64(vi))
				c, err := FixedProbabilityWorkers(&r, v[0], v[1], p, false, workers)
				if err != nil {
					t.Fatal(err)
				}
				checkConn(t, c)
				if first == nil {
					first = c
					continue
				}
				if !reflect.DeepEqual(c.Pre, first.Pre) || !reflect.DeepEqual(c.PostPtr, first.PostPtr) {
					t.Errorf("views %d, p %g: %d workers draw other synapses than 1", vi, p, workers)
				}
			}
		}
	}
}

// 16 M synapses: COBA scaled to 200,000 neurons.
func BenchmarkFixedProbability200k(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprint(workers), func(b *testing.B) {
			p := View{Pop: 0, Size: 200000}
			for b.Loop() {
				r := NewRNG(1)
				FixedProbabilityWorkers(&r, p, p, 0.0004, false, workers)
			}
		})
	}
}

// The pre-major index built by several goroutines (more than 2^20
// synapses) is the one built by one, with per-synapse delays too.
func TestFinishWorkers(t *testing.T) {
	r := NewRNG(4)
	p := View{Pop: 0, Size: 1500}
	c, err := FixedProbabilityWorkers(&r, p, p, 0.6, true, 3)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() < 1<<20 {
		t.Fatalf("%d synapses: too few to split the index", c.Len())
	}
	if err := c.SetDelays(FromDist(mustDist("Uniform(0, 2)")), 0.5, &r); err != nil {
		t.Fatal(err)
	}
	c.Index()
	one := *c
	one.Workers = 1
	one.Finish()
	if !reflect.DeepEqual(one.PreIdx, c.PreIdx) || !reflect.DeepEqual(one.DelayPtr, c.DelayPtr) || len(c.Delays) != 5 {
		t.Error("the index built by 3 goroutines differs from the one built by 1")
	}
	checkConn(t, c)
	idx := make([]int32, len(c.PreIdx))
	Gather(idx, c.Pre, c.PreIdx, 3)
	for x := 1; x < len(idx); x++ {
		if idx[x] < idx[x-1] {
			t.Fatalf("Gather: pre ranks of the pre-major order decrease at %d", x)
		}
	}
}

// fixedProbability draws on one goroutine (the synapses do not depend on
// the number).
func fixedProbability(r *RNG, pre, post View, p float64, allowSelf bool) (*Conn, error) {
	return FixedProbabilityWorkers(r, pre, post, p, allowSelf, 1)
}

// findSynapse returns the index of the synapse from pre to post, or -1.
func findSynapse(c *Conn, pre, post int) int {
	if post < 0 || post >= c.NPost {
		return -1
	}
	for s := c.PostPtr[post]; s < c.PostPtr[post+1]; s++ {
		if int(c.Pre[s]) == pre {
			return int(s)
		}
	}
	return -1
}

// gaussian and dog give the same synapses, in the same order, with the
// post neurons shared out among any number of goroutines.
func TestProfileWorkersSameConn(t *testing.T) {
	p := View{Pop: 0, Size: 37 * 23, Geometry: []int{37, 23}}
	q := View{Pop: 1, Size: 11 * 19, Geometry: []int{11, 19}}
	builds := []struct {
		name string
		fn   func(workers int) (*Conn, error)
	}{
		{"gaussian self", func(w int) (*Conn, error) { return Gaussian(p, p, 1, 0.2, 0.05, false, w) }},
		{"gaussian p->q", func(w int) (*Conn, error) { return Gaussian(p, q, 2, 0.3, 0.01, true, w) }},
		{"dog self", func(w int) (*Conn, error) { return DoG(p, p, 1, 0.1, 0.5, 0.3, 0.02, false, w) }},
	}
	for _, b := range builds {
		ref, err := b.fn(1)
		if err != nil {
			t.Fatal(err)
		}
		if ref.Len() == 0 {
			t.Fatalf("%s: no synapses", b.name)
		}
		for _, w := range []int{0, 2, 3, 7, 64} {
			c, err := b.fn(w)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Pre, ref.Pre) || !reflect.DeepEqual(c.Post, ref.Post) || !reflect.DeepEqual(c.W, ref.W) {
				t.Errorf("%s: %d workers give other synapses than one", b.name, w)
			}
		}
	}
}

// Reach counts the spikes each delay group reads (the last step's for a
// delay of one step, the ring's for longer ones) times the mean row of one
// presynaptic neuron and delay, dividing last so that a mean below one
// synapse still counts.
func TestConnReach(t *testing.T) {
	c := &Conn{NPre: 4, Post: make([]int32, 6), Delays: []int32{1, 3, 5}}
	ring := NewSpikeRing(5)
	ring.Push([]int32{0, 1, 2}) // Ago(5)
	ring.Push(nil)
	ring.Push([]int32{3}) // Ago(3)
	ring.Push(nil)
	ring.Push([]int32{1, 2}) // Ago(1), not read: delay 1 reads the spikes given
	// Delay 1: the 2 spikes given; delay 3: Ago(3) = [3]; delay 5: Ago(5) = [0 1 2].
	// (2+1+3) spikes × 6 synapses / (4 neurons × 3 delays) = 3.
	if got := c.Reach([]int32{0, 2}, ring); got != 3 {
		t.Errorf("Reach = %d, want 3", got)
	}
	if got := (&Conn{}).Reach([]int32{0}, nil); got != 0 {
		t.Errorf("no presynaptic neuron: Reach = %d, want 0", got)
	}
}
