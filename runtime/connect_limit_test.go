package runtime

import (
	goruntime "runtime"
	"testing"
)

// whole is a whole population of n neurons, as a view.
func whole(pop, n int) View { return View{Pop: pop, Size: n, Geometry: []int{n}} }

// TestConnectorsRefuseTooManySynapses: connectors whose synapse count is
// over MaxSynapses (2^31-1) fail with a message giving the count, having
// allocated next to nothing (the synapse lists would need gigabytes).
func TestConnectorsRefuseTooManySynapses(t *testing.T) {
	r := new(RNG)
	*r = NewRNG(1)
	big, big2 := whole(0, 50000), whole(1, 50000) // 2.5e9 pairs
	cases := []struct {
		name  string
		build func() (*Conn, error)
		want  string
	}{
		{"all_to_all", func() (*Conn, error) { return AllToAll(r, big, big2, true) },
			"all_to_all: 50000 pre × 50000 post neurons = 2500000000 synapses, more than the 2147483647 (2^31-1) one projection can hold; split it into several projections or connect fewer neurons"},
		{"all_to_all self", func() (*Conn, error) { return AllToAll(r, big, big, false) },
			"all_to_all: 50000 pre × 50000 post neurons - 50000 self-connections = 2499950000 synapses, more than the 2147483647 (2^31-1) one projection can hold; split it into several projections or connect fewer neurons"},
		{"all_to_all overflow", func() (*Conn, error) { return AllToAll(r, whole(0, 1<<40), whole(1, 1<<40), true) },
			"all_to_all: 1099511627776 pre × 1099511627776 post neurons = 18446744073709551615 synapses, more than"},
		{"one_to_one", func() (*Conn, error) { return OneToOne(r, whole(0, 1<<31), whole(1, 1<<32)) },
			"one_to_one: min(2147483648 pre, 4294967296 post neurons) = 2147483648 synapses, more than the 2147483647"},
		{"fixed_number_pre", func() (*Conn, error) { return FixedNumberPre(r, whole(0, 100000), whole(1, 30000), 80000, true) },
			"fixed_number_pre: 80000 pre neurons × 30000 post neurons = 2400000000 synapses, more than the 2147483647"},
		{"fixed_number_post", func() (*Conn, error) { return FixedNumberPost(r, whole(0, 30000), whole(1, 100000), 80000, true) },
			"fixed_number_post: 30000 pre neurons × 80000 post neurons = 2400000000 synapses, more than the 2147483647"},
		{"fixed_number_pre over the population", func() (*Conn, error) { return FixedNumberPre(r, whole(0, 10), whole(1, 1<<30), 1<<30, true) },
			"fixed_number_pre: number 1073741824 larger than the 10 possible pre neurons"},
		{"fixed_probability", func() (*Conn, error) { return fixedProbability(r, big, big2, 0.9, true) },
			"fixed_probability: 50000 pre × 50000 post neurons × probability 0.9 = about 2.25e+09 synapses, more than the 2147483647"},
	}
	for _, c := range cases {
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		conn, err := c.build()
		goruntime.ReadMemStats(&after)
		if err == nil || len(err.Error()) < len(c.want) || err.Error()[:len(c.want)] != c.want {
			t.Errorf("%s: got %v, %v\nwant %s...", c.name, conn, err, c.want)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
			t.Errorf("%s: allocated %d bytes before refusing", c.name, a)
		}
	}
}

// TestAllToAllCount: 46341² = 2147488281 pairs is over the limit, but
// without the 46341 self-connections 2147441940 synapses fit, so only the
// connector with self-connections is refused early.
func TestAllToAllCount(t *testing.T) {
	p := whole(0, 46341)
	if got := allToAllCount(p, p, false); got != 2147441940 {
		t.Errorf("without self-connections: %d, want 2147441940", got)
	}
	if got := allToAllCount(p, p, true); got != 2147488281 {
		t.Errorf("with self-connections: %d, want 2147488281", got)
	}
	q := View{Pop: 0, Size: 46341, Ranks: []int{0, 1, 2}}
	if got := allToAllCount(p, q, false); got != 46341*3 {
		t.Errorf("small: %d, want %d", got, 46341*3)
	}
	if got := selfPairs(View{Pop: 0, Size: 10, Ranks: []int{1, 2, 3}}, View{Pop: 0, Size: 10, Ranks: []int{3, 4, 1}}); got != 2 {
		t.Errorf("selfPairs of overlapping views: %d, want 2", got)
	}
}
