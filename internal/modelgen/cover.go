// Package modelgen generates valid model files that cover annc's feature
// matrix pairwise: every pair of values of two features (a neuron kind and a
// connector, a numerical method and a delay, float32 and a monitor kind, ...)
// appears together in at least one generated model, unless an explicit
// constraint (Rules) says the pair cannot be written.
//
// The models come from a covering array built greedily (each new row covers
// as many uncovered pairs as it can while staying completable under the
// constraints), then each row is written out as a small model.yaml with the
// populations, projection and monitors its values ask for. The tests build,
// vet and run them (modelgen_test.go).
package modelgen

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"

	"github.com/annc/annc/internal/lang"
)

// Factor is one feature of the matrix and its values.
type Factor struct {
	Name   string
	Values []string
}

// Factors is the feature matrix. Numerical methods and connectors are read
// from the language tables (internal/lang), so that a method or connector
// added there is covered (or makes Write fail) without touching this list.
func Factors() []Factor {
	return []Factor{
		{"pre", []string{"rate", "spiking", "input", "poisson", "spike_source", "timed_array"}},
		{"post", []string{"rate", "spiking"}},
		{"pre_var", []string{"none", "local", "population"}},
		{"syn_var", []string{"none", "local", "projection", "postsynaptic"}},
		{"method", lang.MethodNames(true)},
		{"proj", []string{"rate", "spiking", "continuous", "spiking_psp"}},
		{"delay", []string{"none", "uniform", "per_synapse", "long"}},
		{"operation", []string{"sum", "max", "min", "mean"}},
		{"connector", lang.ConnectorNames()},
		{"weights", []string{"constant", "random", "random_keywords"}},
		{"plasticity", []string{"none", "equations", "pre_post_spike", "event_driven"}},
		{"monitor", []string{"var", "spike", "sum", "synapse", "population_var", "pre"}},
		{"period", []string{"every_step", "two_steps", "five_ms"}},
		{"view", []string{"none", "pre", "post", "monitor"}},
		{"precision", []string{"float64", "float32"}},
		{"self", []string{"no", "yes"}},
		{"stop", []string{"none", "any", "all"}},
		{"geometry", []string{"1d", "2d"}},
		{"structural", []string{"none", "prune", "create", "both"}},
		{"bool_cond", []string{"none", "bare", "not", "compound"}},
	}
}

// Row is one model: a value index per factor, -1 where not chosen yet.
type Row []int

// Rule is a constraint; ok reports whether a (partial) assignment can still
// be written as a model. get returns "" for a factor not chosen yet.
type Rule struct {
	Why string
	ok  func(get func(string) string) bool
}

func in(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// Rules are the only pairs (and triples) left out of the matrix, each with
// the reason it cannot be written.
var Rules = []Rule{
	{"a rate-coded projection needs a presynaptic r: rate, parameter-only input or TimedArray neurons", func(g func(string) string) bool {
		return g("proj") != "rate" || g("pre") == "" || in(g("pre"), "rate", "input", "timed_array")
	}},
	{"a continuous (psp) projection of a spiking population reads its membrane variable: generated spiking neurons", func(g func(string) string) bool {
		return g("proj") != "continuous" || g("pre") == "" || g("pre") == "spiking"
	}},
	{"a spiking projection needs spiking presynaptic neurons", func(g func(string) string) bool {
		return g("proj") != "spiking" || g("pre") == "" || in(g("pre"), "spiking", "poisson", "spike_source")
	}},
	{"a spiking synapse with a psp (continuous transmission into g_target) needs spiking presynaptic neurons", func(g func(string) string) bool {
		return g("proj") != "spiking_psp" || g("pre") == "" || in(g("pre"), "spiking", "poisson", "spike_source")
	}},
	{"a spiking projection increments g_target, which only spiking neurons have", func(g func(string) string) bool {
		return !in(g("proj"), "spiking", "spiking_psp") || g("post") != "rate"
	}},
	{"operations other than sum belong to rate-coded (psp) projections", func(g func(string) string) bool {
		return g("operation") == "" || g("operation") == "sum" || !in(g("proj"), "spiking", "spiking_psp")
	}},
	{"a continuous projection reads a presynaptic variable in its psp (without one, the synapse is a spiking one)", func(g func(string) string) bool {
		return g("proj") != "continuous" || g("pre_var") != "none"
	}},
	{"SpikeSourceArray neurons have no variable a synapse could read", func(g func(string) string) bool {
		return g("pre") != "spike_source" || g("pre_var") == "" || g("pre_var") == "none"
	}},
	{"only generated neuron types have population-wide variables (input populations' types are synthesised)", func(g func(string) string) bool {
		return g("pre_var") != "population" || g("pre") == "" || in(g("pre"), "rate", "spiking", "input")
	}},
	{"a self-projection connects a generated rate or spiking population to itself", func(g func(string) string) bool {
		if g("self") != "yes" {
			return true
		}
		return (g("pre") == "" || g("post") == "" || g("pre") == g("post")) && (g("pre") == "" || in(g("pre"), "rate", "spiking"))
	}},
	{"pre_spike/post_spike statements and event-driven traces belong to spiking synapses", func(g func(string) string) bool {
		return !in(g("plasticity"), "pre_post_spike", "event_driven") || g("proj") == "" || in(g("proj"), "spiking", "spiking_psp")
	}},
	{"the event-driven method exists only for synapse traces, written by event-driven plasticity", func(g func(string) string) bool {
		return g("method") != "event-driven" || g("plasticity") == "" || g("plasticity") == "event_driven"
	}},
	{"spikes are recorded from a spiking population", func(g func(string) string) bool {
		return g("monitor") != "spike" || g("post") == "" || g("pre") == "" || g("post") == "spiking" || in(g("pre"), "spiking", "poisson", "spike_source")
	}},
	{"a projection's monitor records every synapse, not a view", func(g func(string) string) bool {
		return g("view") != "monitor" || g("monitor") != "synapse"
	}},
	{"connectors that compute their weights or read them from a matrix (gaussian, dog, from_matrix) draw none", func(g func(string) string) bool {
		c, ok := lang.LookupConnector(g("connector"))
		return !in(g("weights"), "random", "random_keywords") || !ok || c.DrawsWeights()
	}},
	{"the per-synapse variables of a projection that prunes or creates synapses cannot be monitored (their number changes)", func(g func(string) string) bool {
		return g("structural") == "" || g("structural") == "none" || g("monitor") != "synapse"
	}},
	{"connectors on a grid (gaussian, dog) connect whole populations, not views", func(g func(string) string) bool {
		c, _ := lang.LookupConnector(g("connector"))
		return !in(g("view"), "pre", "post") || !c.Grid
	}},
	{"connectors on a grid (gaussian, dog) need pre and post of the same dimension; SpikeSourceArray and TimedArray populations are one-dimensional", func(g func(string) string) bool {
		c, _ := lang.LookupConnector(g("connector"))
		return g("geometry") != "2d" || !c.Grid || !in(g("pre"), "spike_source", "timed_array")
	}},
}

// Valid reports whether row (possibly partial) breaks no rule.
func Valid(fs []Factor, row Row) bool { return newChecker(fs).valid(row) }

// checker evaluates the rules on rows of one factor list.
type checker struct {
	fs  []Factor
	idx map[string]int
	row Row
	get func(string) string
}

func newChecker(fs []Factor) *checker {
	c := &checker{fs: fs, idx: map[string]int{}}
	for i, f := range fs {
		c.idx[f.Name] = i
	}
	c.get = func(name string) string {
		i, ok := c.idx[name]
		if !ok {
			panic("modelgen: no factor " + name)
		}
		if c.row[i] < 0 {
			return ""
		}
		return c.fs[i].Values[c.row[i]]
	}
	return c
}

func (c *checker) valid(row Row) bool {
	c.row = row
	for _, r := range Rules {
		if !r.ok(c.get) {
			return false
		}
	}
	return true
}

// complete fills the unset factors of row so that it is valid (in place),
// trying values in order; false when no completion exists.
func (c *checker) complete(row Row) bool {
	if !c.valid(row) {
		return false
	}
	for i := range row {
		if row[i] >= 0 {
			continue
		}
		for v := range c.fs[i].Values {
			row[i] = v
			if c.complete(row) {
				return true
			}
		}
		row[i] = -1
		return false
	}
	return true
}

// Pair is a value of factor F and a value of factor G (F < G).
type Pair struct{ F, A, G, B int }

func (p Pair) String(fs []Factor) string {
	return fmt.Sprintf("%s=%s & %s=%s", fs[p.F].Name, fs[p.F].Values[p.A], fs[p.G].Name, fs[p.G].Values[p.B])
}

// FeasiblePairs returns the pairs some valid row holds, and the others.
func FeasiblePairs(fs []Factor) (feasible, infeasible []Pair) {
	c := newChecker(fs)
	for f := range fs {
		for g := f + 1; g < len(fs); g++ {
			for a := range fs[f].Values {
				for b := range fs[g].Values {
					row := newRow(len(fs))
					row[f], row[g] = a, b
					p := Pair{f, a, g, b}
					if c.complete(row) {
						feasible = append(feasible, p)
					} else {
						infeasible = append(infeasible, p)
					}
				}
			}
		}
	}
	return feasible, infeasible
}

func newRow(n int) Row {
	r := make(Row, n)
	for i := range r {
		r[i] = -1
	}
	return r
}

// Covered returns the pairs the rows hold.
func Covered(fs []Factor, rows []Row) map[Pair]bool {
	out := map[Pair]bool{}
	for _, r := range rows {
		for f := range fs {
			for g := f + 1; g < len(fs); g++ {
				out[Pair{f, r[f], g, r[g]}] = true
			}
		}
	}
	return out
}

// CoveringArray returns valid rows that together hold every feasible pair,
// built greedily with ties broken by a generator seeded with seed (each seed
// gives another array).
func CoveringArray(fs []Factor, seed int64) []Row {
	rng := rand.New(rand.NewSource(seed))
	c := newChecker(fs)
	feasible, _ := FeasiblePairs(fs)
	uncovered := map[Pair]bool{}
	for _, p := range feasible {
		uncovered[p] = true
	}
	gain := func(row Row, f, v int) int {
		n := 0
		for g := range fs {
			if g == f || row[g] < 0 {
				continue
			}
			p := Pair{f, v, g, row[g]}
			if g < f {
				p = Pair{g, row[g], f, v}
			}
			if uncovered[p] {
				n++
			}
		}
		return n
	}
	var rows []Row
	for len(uncovered) > 0 {
		// Candidates start from uncovered pairs (the first in a fixed order,
		// so that the choice depends only on the seed).
		var seeds []Pair
		for p := range uncovered {
			seeds = append(seeds, p)
		}
		sort.Slice(seeds, func(i, j int) bool {
			a, b := seeds[i], seeds[j]
			if a.F != b.F {
				return a.F < b.F
			}
			if a.G != b.G {
				return a.G < b.G
			}
			if a.A != b.A {
				return a.A < b.A
			}
			return a.B < b.B
		})
		var best Row
		bestN := -1
		for cand := 0; cand < 6; cand++ {
			p := seeds[rng.Intn(len(seeds))]
			row := newRow(len(fs))
			row[p.F], row[p.G] = p.A, p.B
			for _, f := range rng.Perm(len(fs)) {
				if row[f] >= 0 {
					continue
				}
				bestV, bestG := -1, -1
				for _, v := range rng.Perm(len(fs[f].Values)) {
					row[f] = v
					trial := append(Row(nil), row...)
					if !c.complete(trial) {
						continue
					}
					if n := gain(row, f, v); n > bestG {
						bestV, bestG = v, n
					}
				}
				row[f] = bestV
			}
			n := 0
			for pp := range Covered(fs, []Row{row}) {
				if uncovered[pp] {
					n++
				}
			}
			if n > bestN {
				best, bestN = row, n
			}
		}
		for pp := range Covered(fs, []Row{best}) {
			delete(uncovered, pp)
		}
		rows = append(rows, best)
	}
	return rows
}

// Describe prints a row as factor=value pairs.
func Describe(fs []Factor, row Row) string {
	var parts []string
	for i, f := range fs {
		parts = append(parts, f.Name+"="+f.Values[row[i]])
	}
	return strings.Join(parts, " ")
}
