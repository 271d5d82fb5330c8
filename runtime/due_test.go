package runtime

import (
	"slices"
	"testing"
)

// dueWant is what DueSpikes must give for delay group dk: the spikes of
// ring.Ago(d) whose row in the group is not empty, in the ring's order.
func dueWant(c *Conn, ring *SpikeRing, d, dk int) []int32 {
	k := len(c.Delays)
	var out []int32
	for _, i := range ring.Ago(d) {
		if r := int(i)*k + dk; c.DelayPtr[r] < c.DelayPtr[r+1] {
			out = append(out, i)
		}
	}
	return out
}

// stepRowsWant is the rows of every group in turn, as StepRows must give.
func stepRowsWant(c *Conn, ring *SpikeRing, spiked []int32) []int32 {
	k := len(c.Delays)
	var out []int32
	for dk, d := range c.Delays {
		spikes := spiked
		if d > 1 {
			spikes = ring.Ago(int(d))
		}
		for _, i := range spikes {
			if r := int(i)*k + dk; c.DelayPtr[r] < c.DelayPtr[r+1] {
				out = append(out, c.DelayPtr[r], c.DelayPtr[r+1])
			}
		}
	}
	return out
}

// manyDelayGroups is 60 × 40 neurons connected with probability 0.1 and
// delays drawn from Uniform(0, 3) ms at dt 0.1 (r draws the synapses, dr
// the delays): more rows than synapses, so it does not divide.
func manyDelayGroups(t *testing.T, r, dr *RNG) *Conn {
	t.Helper()
	c, err := fixedProbability(r, whole(0, 60), whole(1, 40), 0.1, true)
	if err != nil {
		t.Fatal(err)
	}
	c.Index()
	if err := c.SetDelays(FromDist(Dist{Name: "Uniform", Args: []float64{0, 3}}), 0.1, dr); err != nil {
		t.Fatal(err)
	}
	if c.Divides() || len(c.Delays) < 20 {
		t.Fatalf("test connectivity: %d groups, divides %v; want many groups, not dividing", len(c.Delays), c.Divides())
	}
	return c
}

// DueSpikes follows the ring push by push, and files everything again
// when it missed pushes, after the ring's Reset, after its own Reset and
// when the delays are drawn again; it stays out of projections that divide
// or have one delay group.
func TestDueSpikes(t *testing.T) {
	r, dr := NewRNG(3), NewRNG(4)
	c := manyDelayGroups(t, &r, &dr)
	ring := NewSpikeRing(int(c.MaxDelay))
	var q DueSpikes
	check := func(step int, spiked []int32) {
		t.Helper()
		if !q.Sync(ring, c) {
			t.Fatalf("step %d: Sync refused a projection that does not divide", step)
		}
		for dk, d := range c.Delays {
			if d <= 1 {
				continue
			}
			if got, want := q.Ago(int(d), dk), dueWant(c, ring, int(d), dk); !slices.Equal(got, want) {
				t.Fatalf("step %d, delay %d: Ago = %v, want %v", step, d, got, want)
			}
		}
		if got, want := q.StepRows(spiked), stepRowsWant(c, ring, spiked); !slices.Equal(got, want) {
			t.Fatalf("step %d: StepRows = %v, want %v", step, got, want)
		}
	}
	spikes := func() []int32 {
		var s []int32
		for i := range int32(60) {
			if r.Float64() < 0.2 {
				s = append(s, i)
			}
		}
		return s
	}
	spiked := spikes()
	for step := range 200 {
		switch step {
		case 50:
			ring.Reset()
		case 80:
			q.Reset()
		case 120:
			// Delays drawn again: the same groups, other rows.
			groups := len(c.Delays)
			if err := c.SetDelays(FromDist(Dist{Name: "Uniform", Args: []float64{0, 3}}), 0.1, &dr); err != nil {
				t.Fatal(err)
			}
			if len(c.Delays) != groups {
				t.Fatalf("delays drawn again: %d groups, want %d", len(c.Delays), groups)
			}
		case 160:
			// Deeper: a new ring.
			if err := c.SetDelays(FromDist(Dist{Name: "Uniform", Args: []float64{0, 4}}), 0.1, &dr); err != nil {
				t.Fatal(err)
			}
			ring = NewSpikeRing(int(c.MaxDelay))
		}
		if step%37 == 36 {
			ring.Push(spiked) // a step DueSpikes does not see
			spiked = spikes()
		}
		check(step, spiked)
		ring.Push(spiked)
		spiked = spikes()
	}
	one := &Conn{NPre: 2, Post: []int32{0, 1, 1}, Delays: []int32{4}, DelayPtr: []int32{0, 2, 3}}
	if q.Sync(ring, one) {
		t.Error("Sync with one delay group: true")
	}
	if q.Sync(nil, c) {
		t.Error("Sync without a ring: true")
	}
}
