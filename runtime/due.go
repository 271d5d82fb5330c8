package runtime

// DueSpikes files the spikes a projection's presynaptic population emitted
// by the delay groups in which they have synapses, for a projection whose
// rows (one per presynaptic neuron and distinct delay) outnumber its
// synapses (Conn.Divides is false), as with delays drawn over many steps.
// Going through ring.Ago(d) for every delay group reads the bounds of
// every spike's row in every group, most of them empty, at random places:
// O(groups × spikes) misses per step. Filed once per step instead, each
// spike lists only its non-empty groups (found once per layout), and the
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
	ring            *SpikeRing
	pushes          uint64
	conn            *Conn
	layouts         uint64
	k               int
	valid           bool
	groups, groupAt []int32 // the non-empty groups of neuron i: groups[groupAt[i]:groupAt[i+1]]
	slots           []dueSlot
	pos             []int32 // scratch of file
	step            []int32 // the result of StepRows
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
// groups (otherwise it changes nothing, and transmission reads the ring).
func (q *DueSpikes) Sync(ring *SpikeRing, c *Conn) bool {
	k := len(c.Delays)
	if ring == nil || k < 2 || c.Divides() {
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

// index lists the non-empty delay groups of every presynaptic neuron of c.
func (q *DueSpikes) index(c *Conn) {
	k := len(c.Delays)
	ptr := c.DelayPtr
	q.groupAt = append(q.groupAt[:0], 0)
	q.groups = q.groups[:0]
	for i := range c.NPre {
		row := ptr[i*k : i*k+k+1]
		for g := range k {
			if row[g] < row[g+1] {
				q.groups = append(q.groups, int32(g))
			}
		}
		q.groupAt = append(q.groupAt, int32(len(q.groups)))
	}
	q.conn, q.layouts, q.k, q.valid = c, c.layouts, k, true
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

// file files the spikes of one push into s, by group (a counting sort that
// keeps their order within a group). Spikes outside the presynaptic
// population (none in a valid ring) have no group.
func (q *DueSpikes) file(s *dueSlot, spikes []int32) {
	k := q.k
	if cap(s.at) < k+1 {
		s.at = make([]int32, k+1)
	}
	at := s.at[:k+1]
	clear(at)
	n := int32(len(q.groupAt) - 1)
	total := 0
	for _, i := range spikes {
		if i < 0 || i >= n {
			continue
		}
		gs := q.groups[q.groupAt[i]:q.groupAt[i+1]]
		for _, g := range gs {
			at[g+1]++
		}
		total += len(gs)
	}
	for g := range k {
		at[g+1] += at[g]
	}
	if cap(s.ranks) < total {
		s.ranks = make([]int32, total, max(total, 2*cap(s.ranks)))
		s.rows = make([]int32, 2*total, 2*cap(s.ranks))
	}
	s.ranks, s.rows = s.ranks[:total], s.rows[:2*total]
	q.pos = append(q.pos[:0], at[:k]...)
	pos, ptr := q.pos, q.conn.DelayPtr
	for _, i := range spikes {
		if i < 0 || i >= n {
			continue
		}
		row := ptr[int(i)*k : int(i)*k+k+1]
		for _, g := range q.groups[q.groupAt[i]:q.groupAt[i+1]] {
			p := pos[g]
			s.ranks[p] = i
			s.rows[2*p], s.rows[2*p+1] = row[g], row[g+1]
			pos[g]++
		}
	}
	s.at = at
}
