package runtime

import (
	"slices"
	"unsafe"
)

// RowCuts holds, for one range [lo, hi) of postsynaptic ranks, where every
// row of a presynaptic-major layout (row r: post[ptr[r]:ptr[r+1]], ranks
// ascending) enters and leaves the range. A goroutine delivering spikes to
// its range of a split then goes straight to its part of each row, instead
// of fetching the whole row and searching it (RowRange) in every goroutine.
// The cuts are computed once per range and layout: Prepare recomputes them
// when the range or the arrays change, Reset when their contents change in
// place (delays or weights set).
type RowCuts struct {
	lo, hi      int32
	post, ptr   unsafe.Pointer // the arrays the cuts were computed for
	nPost, nRow int
	ok          bool
	// ab[2r], ab[2r+1]: the part of row r in [lo, hi), side by side so that
	// a goroutine reads one cache line per spike (a row's bounds in ptr
	// and a separate array of cuts would be two misses, at random rows).
	ab []int32
	// rows is the scratch of Rows.
	rows []int32
	// The presynaptic ranks [spanLo, spanHi) hold every non-empty row of
	// the layout spanPtr (spanLen row starts, spanK delays): a projection
	// from part of a population gets that population's spikes, and Rows
	// skips the others, whose rows are empty, without reading their bounds.
	spanPtr        unsafe.Pointer
	spanLen, spanK int
	spanLo, spanHi int32
}

// Reset makes the next Prepare recompute the cuts.
func (c *RowCuts) Reset() { c.ok, c.spanPtr = false, nil }

// span returns the presynaptic ranks [lo, hi) outside of which every row
// of ptr (k delays per rank) is empty.
func (c *RowCuts) span(ptr []int32, k int) (lo, hi int32) {
	p := unsafe.Pointer(unsafe.SliceData(ptr))
	if c.spanPtr == p && c.spanLen == len(ptr) && c.spanK == k {
		return c.spanLo, c.spanHi
	}
	lo, hi = 0, 0
	rows := len(ptr) - 1
	for r := 0; r < rows; r++ {
		if ptr[r] < ptr[r+1] {
			lo = int32(r / k)
			break
		}
	}
	for r := rows - 1; r >= 0; r-- {
		if ptr[r] < ptr[r+1] {
			hi = int32(r/k) + 1
			break
		}
	}
	c.spanPtr, c.spanLen, c.spanK, c.spanLo, c.spanHi = p, len(ptr), k, lo, hi
	return lo, hi
}

// Prepare makes the cuts those of [lo, hi) in the rows of post and ptr,
// computing them unless they already are. npost is the number of
// postsynaptic ranks (every rank is below it).
func (c *RowCuts) Prepare(post, ptr []int32, lo, hi, npost int32) {
	if len(ptr) == 0 || len(post) == 0 {
		c.ok = false
		c.ab = c.ab[:0]
		return
	}
	pp, rp := unsafe.Pointer(&post[0]), unsafe.Pointer(&ptr[0])
	if c.ok && c.lo == lo && c.hi == hi && c.post == pp && c.ptr == rp && c.nPost == len(post) && c.nRow == len(ptr) {
		return
	}
	rows := len(ptr) - 1
	if cap(c.ab) < 2*rows {
		c.ab = make([]int32, 2*rows)
	}
	c.ab = c.ab[:2*rows]
	for r := range rows {
		a, b := ptr[r], ptr[r+1]
		if lo > 0 {
			a = lowerBound(post, a, b, lo)
		}
		if hi < npost {
			b = lowerBound(post, a, b, hi)
		}
		c.ab[2*r], c.ab[2*r+1] = a, b
	}
	c.lo, c.hi, c.post, c.ptr, c.nPost, c.nRow, c.ok = lo, hi, pp, rp, len(post), len(ptr), true
}

// Part returns the part [a, b) of row r in the range Prepare was given.
func (c *RowCuts) Part(r int) (a, b int32) {
	ab := c.ab[2*r : 2*r+2 : 2*r+2]
	return ab[0], ab[1]
}

// Rows lists the parts of the rows i*k+dk of the spikes i, as pairs
// (start, end): within the range Prepare was given, or whole rows of ptr
// when whole. Spikes whose rows are all empty because they lie outside the
// presynaptic ranks that have synapses (span) are left out. Reading every
// bound first, in a loop of independent loads, lets the processor fetch
// many rows' bounds at once; the deliveries then go through the list
// (ScatterAddRows, over len/2 parts). The list is valid until the next
// call.
func (c *RowCuts) Rows(ptr, spikes []int32, k, dk int, whole bool) []int32 {
	n := 2 * len(spikes)
	if cap(c.rows) < n {
		c.rows = make([]int32, n, max(n, 2*cap(c.rows)))
	}
	out := c.rows[:n]
	lo, hi := c.span(ptr, k)
	q := 0
	if whole {
		for _, i := range spikes {
			if i < lo || i >= hi {
				continue
			}
			r := int(i)*k + dk
			b := ptr[r : r+2 : r+2]
			out[2*q], out[2*q+1] = b[0], b[1]
			q++
		}
		return out[:2*q]
	}
	ab := c.ab
	for _, i := range spikes {
		if i < lo || i >= hi {
			continue
		}
		r := 2 * (int(i)*k + dk)
		b := ab[r : r+2 : r+2]
		out[2*q], out[2*q+1] = b[0], b[1]
		q++
	}
	return out[:2*q]
}

// RanksIn returns the part of ranks (ascending) that lies in [lo, hi).
func RanksIn(ranks []int32, lo, hi int) []int32 {
	a, _ := slices.BinarySearch(ranks, int32(lo))
	b, _ := slices.BinarySearch(ranks[a:], int32(hi))
	return ranks[a : a+b]
}
