package runtime

// DueSpikes files the spikes a projection's presynaptic population emitted
// by the delay groups in which they have synapses, for a projection whose
// rows (one per presynaptic neuron and distinct delay) outnumber its
// synapses (Conn.Divides is false), as with delays drawn over many steps.
// Going through ring.Ago(d) for every delay group reads the bounds of
// every spike's row in every group, most of them empty, at random places:
// O(groups × spikes) misses per step. Filed once per step instead, from
// the group of each of its synapses (recorded once per layout), a spike
// is listed in its non-empty groups only, with its row there, and the
// transmission of group k reads exactly the spikes with synapses there, in
// the order of ring.Ago(d): the same additions in the same order.
//
// Its slots mirror those of the presynaptic SpikeRing, and it reads them
// where the ring would (a ring's Reset leaves nothing to read). Sync files
// the latest push, or everything again when it missed a push, or when the
// ring or the rows changed; Reset (after a loaded state, whose ring and
// rows were read in place) makes it file everything again too.
// Only the goroutine transmitting the projection touches it: a projection
// that does not divide is delivered whole, on one goroutine.
type DueSpikes struct {
	ring    *SpikeRing
	pushes  uint64
	conn    *Conn
	layouts uint64
	k       int
	valid   bool
	group   []uint16 // the delay group of each position of the layout (index)
	slots   []dueSlot
	pos     []int32 // scratch of file
	step    []int32 // the result of StepRows
}

// dueSlot holds one push of the ring: the spikes with synapses in group k
// are ranks[at[k]:at[k+1]], in the order of the push, and their rows in
// that group are the pairs (start, end) of rows[2*at[k]:2*at[k+1]].
type dueSlot struct {
	at, ranks, rows []int32
}

// Reset makes the next Sync file every spike of the ring again.
func (q *DueSpikes) Reset() { q.valid = false }

// Sync brings the filed spikes up to date with ring and reports whether
// Ago may be used: only when c does not divide and has several delay
// groups, fewer than 65,535 (otherwise it changes nothing, and transmission
// reads the ring).
func (q *DueSpikes) Sync(ring *SpikeRing, c *Conn) bool {
	k := len(c.Delays)
	if ring == nil || k < 2 || k >= noGroup || c.Divides() {
		return false
	}
	switch {
	case !q.valid || q.conn != c || q.layouts != c.layouts || q.k != k:
		q.index(c)
		q.refile(ring)
	case q.ring != ring || ring.pushes-q.pushes > 1:
		q.refile(ring)
	case ring.pushes != q.pushes:
		q.file(&q.slots[ring.head], ring.slots[ring.head])
	}
	q.pushes = ring.pushes
	return true
}

// Ago returns the spikes of ring.Ago(d) that have synapses in delay group
// dk, after Sync reported true in this step; valid until the next Sync.
func (q *DueSpikes) Ago(d, dk int) []int32 {
	i := q.ring.slot(d)
	if i < 0 {
		return nil
	}
	s := &q.slots[i]
	return s.ranks[s.at[dk]:s.at[dk+1]]
}

// StepRows returns the rows a step delivers through, as pairs (start, end)
// of positions in the layout: for each delay group in turn, those of the
// spikes Ago gives, or for a group of delays up to one step those of
// spiked with synapses in it. Delivering them in this order adds the same
// numbers in the same order as going group by group through Ago, in one
// pass. Valid until the next StepRows.
func (q *DueSpikes) StepRows(spiked []int32) []int32 {
	out := q.step[:0]
	c, k := q.conn, q.k
	ptr := c.DelayPtr
	for dk, d := range c.Delays {
		if d <= 1 {
			for _, i := range spiked {
				r := int(i)*k + dk
				if b := ptr[r : r+2 : r+2]; b[0] < b[1] {
					out = append(out, b[0], b[1])
				}
			}
			continue
		}
		if i := q.ring.slot(int(d)); i >= 0 {
			s := &q.slots[i]
			// A few rows a group: a loop, not a call to copy.
			for _, x := range s.rows[2*s.at[dk] : 2*s.at[dk+1]] {
				out = append(out, x)
			}
		}
	}
	q.step = out
	return out
}

// index records the delay group of every position of c's layout: a
// neuron's positions (PrePtr) hold its synapses group by group, so that
// the runs of one group in its row are the rows of the group.
func (q *DueSpikes) index(c *Conn) {
	k := len(c.Delays)
	ptr := c.DelayPtr
	q.group = slicesGrow(q.group, int(ptr[len(ptr)-1]))
	for r := 0; r+1 < len(ptr); r++ {
		g := uint16(r % k)
		for x := ptr[r]; x < ptr[r+1]; x++ {
			q.group[x] = g
		}
	}
	q.conn, q.layouts, q.k, q.valid = c, c.layouts, k, true
}

// slicesGrow returns s with length n, reallocated to exactly n if too short
// (slices.Grow rounds the capacity up: the index would hold more than the
// 2 bytes a synapse that ProjectionMemory counts for it ahead).
func slicesGrow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// refile files every slot of ring.
func (q *DueSpikes) refile(ring *SpikeRing) {
	if len(q.slots) != len(ring.slots) {
		q.slots = make([]dueSlot, len(ring.slots))
	}
	for i, s := range ring.slots {
		q.file(&q.slots[i], s)
	}
	q.ring = ring
}

// file files the spikes of one push into s, by group: a counting sort of
// the runs of one group in their rows, which keeps the order of the spikes
// within a group. It reads each spike's row of groups once from memory
// (two bytes a synapse, in one place), not the bounds of its rows in every
// group. Runs are mostly one synapse long, at random: the loops have no
// branch on them.
func (q *DueSpikes) file(s *dueSlot, spikes []int32) {
	k := q.k
	at := slicesGrow(s.at, k+1)
	clear(at)
	pre, group := q.conn.PrePtr, q.group
	n := int32(len(pre) - 1)
	total := int32(0)
	for _, i := range spikes {
		if i < 0 || i >= n {
			continue // not a neuron of the layout (none in a valid ring)
		}
		total += countRuns(group[pre[i]:pre[i+1]], at)
	}
	for g := range k {
		at[g+1] += at[g]
	}
	ranks := slicesGrow(s.ranks, int(total))
	rows := slicesGrow(s.rows, 2*int(total))
	q.pos = append(q.pos[:0], at[:k]...)
	pos := q.pos
	for _, i := range spikes {
		if i < 0 || i >= n {
			continue
		}
		a := pre[i]
		fileRuns(group[a:pre[i+1]], a, i, pos, ranks, rows)
	}
	s.at, s.ranks, s.rows = at, ranks, rows
}

// countRuns adds to at[g+1] the runs of group g in row, and returns the
// number of runs.
func countRuns(row []uint16, at []int32) int32 {
	runs := int32(0)
	prev := uint16(noGroup)
	for _, g := range row {
		first := b2i(g != prev) // a run starts
		at[g+1] += first
		runs += first
		prev = g
	}
	return runs
}

// fileRuns writes the entries of the runs of row (the groups of the
// positions from a on, of presynaptic neuron i) at the positions pos of
// their groups, moving these past them.
func fileRuns(row []uint16, a, i int32, pos, ranks, rows []int32) {
	prev, start := uint16(noGroup), a
	for x, g := range row {
		// Every synapse of a run writes its entry, the last one with the
		// run's end, and only the last moves past it.
		if g != prev {
			start = a + int32(x)
		}
		p := pos[g]
		ranks[p] = i
		rows[2*p], rows[2*p+1] = start, a+int32(x)+1
		last := x+1 == len(row) || row[x+1] != g
		pos[g] += b2i(last)
		prev = g
	}
}

// noGroup is no delay group's index (Sync refuses 65,535 groups and more).
const noGroup = 1<<16 - 1

// b2i is 1 for true, 0 for false.
func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
