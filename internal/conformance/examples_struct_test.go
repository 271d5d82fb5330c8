package conformance

import (
	"encoding/json"
	"testing"
)

// structDriver runs examples/structural_plasticity's schedule and reports,
// before each step at a multiple of 100 ms of every simulate, the number of
// synapses inside the first half, inside the second half and between the
// halves, and the final connectivity.
const structDriver = `package main

import (
	"encoding/json"
	"os"
	"strconv"

	model "IMPORT"
)

func main() {
	threads, _ := strconv.Atoi(os.Args[1])
	n, err := model.New(model.WithThreads(threads))
	if err != nil {
		panic(err)
	}
	counts := func() [3]int {
		var c [3]int
		for s, pre := range n.Proj.C.Pre {
			post := n.Proj.C.Post[s]
			switch {
			case pre < 25 && post < 25:
				c[0]++
			case pre >= 25 && post >= 25:
				c[1]++
			default:
				c[2]++
			}
		}
		return c
	}
	type sample struct {
		T      float64
		Counts [3]int
	}
	var series []sample
	n.Every(100, 0, 0, func(int) { series = append(series, sample{n.Time(), counts()}) })
	if err := n.RunSchedule(); err != nil {
		panic(err)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"series": series, "final": counts(),
		"pre": n.Proj.C.Pre, "post": n.Proj.C.Post, "w": n.Proj.W})
}
`

type structRun struct {
	Series []struct {
		T      float64
		Counts [3]int
	}
	Final     [3]int
	Pre, Post []int32
	W         []float64
}

// TestStructuralPlasticityExample: ANNarchy's structural plasticity
// notebook shows a sparse random connectivity matrix (10 %) becoming two
// dense blocks on the diagonal after the 20 trials, the synapses between
// the halves gone. Between the halves pre.r * post.r never exceeds 1, so
// nothing is created there and nothing is pruned before age > T = 10000
// steps (the first evaluation after that is at 10100 ms); afterwards each
// evaluation prunes with probability 0.1, so after the 339 evaluations up to
// 44 s none is left. Inside a half, co-active pairs gain synapses of weight
// 0.01. The same seed gives the same synapses on 1 and 3 threads.
func TestStructuralPlasticityExample(t *testing.T) {
	t.Parallel()
	path := example("structural_plasticity")
	var one, three structRun
	for _, c := range []struct {
		threads string
		out     *structRun
	}{{"1", &one}, {"3", &three}} {
		if err := json.Unmarshal(driver(t, path, "structdriver", structDriver, c.threads), c.out); err != nil {
			t.Fatal(err)
		}
	}
	if len(one.Series) < 400 {
		t.Fatalf("%d samples, want one per 100 ms of 44 s", len(one.Series))
	}
	first := one.Series[0].Counts
	total := first[0] + first[1] + first[2]
	if total < 150 || total > 350 {
		t.Errorf("initially %d synapses, want about 10 %% of 50 x 49 = 245", total)
	}
	for _, s := range one.Series {
		if s.T < 10100 && s.Counts[2] != first[2] {
			t.Errorf("at %v ms %d synapses between the halves, want the initial %d until 10100 ms", s.T, s.Counts[2], first[2])
			break
		}
	}
	last := one.Series[len(one.Series)-1].Counts
	t.Logf("synapses (first half, second half, between): %v at 0 ms, %v at the end", first, one.Final)
	if one.Final[2] != 0 || last[2] != 0 {
		t.Errorf("%d synapses left between the halves, want none", one.Final[2])
	}
	for h := 0; h < 2; h++ {
		if one.Final[h] < 500 { // of 625 pairs per half, self-connections included (as ANNarchy creates them)
			t.Errorf("half %d: %d synapses, want a dense block (more than 80 %% of its 625 pairs)", h, one.Final[h])
		}
		if one.Final[h] <= first[h] {
			t.Errorf("half %d: %d synapses, no more than the initial %d", h, one.Final[h], first[h])
		}
	}
	for k, w := range one.W {
		if w != 0.01 {
			t.Errorf("synapse %d has w = %v, want 0.01 (the connector's and creating's weight)", k, w)
			break
		}
	}
	same := len(one.Pre) == len(three.Pre) && len(one.Series) == len(three.Series)
	for k := 0; same && k < len(one.Pre); k++ {
		same = one.Pre[k] == three.Pre[k] && one.Post[k] == three.Post[k]
	}
	if !same {
		t.Errorf("3 threads give other synapses than 1 (%d vs %d)", len(three.Pre), len(one.Pre))
	}
}
