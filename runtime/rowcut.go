package runtime

import "unsafe"

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
	a, b        []int32 // a[r], b[r]: the part of row r in [lo, hi); nil when lo is 0 (a) or hi is past every rank (b)
}

// Reset makes the next Prepare recompute the cuts.
func (c *RowCuts) Reset() { c.ok = false }

// Prepare makes the cuts those of [lo, hi) in the rows of post and ptr,
// computing them unless they already are. npost is the number of
// postsynaptic ranks (every rank is below it).
func (c *RowCuts) Prepare(post, ptr []int32, lo, hi, npost int32) {
	if len(ptr) == 0 || len(post) == 0 {
		c.ok = false
		c.a, c.b = c.a[:0], c.b[:0]
		return
	}
	pp, rp := unsafe.Pointer(&post[0]), unsafe.Pointer(&ptr[0])
	if c.ok && c.lo == lo && c.hi == hi && c.post == pp && c.ptr == rp && c.nPost == len(post) && c.nRow == len(ptr) {
		return
	}
	rows := len(ptr) - 1
	c.a, c.b = c.a[:0], c.b[:0]
	if lo > 0 {
		c.a = cutsAt(c.a, post, ptr, rows, lo)
	}
	if hi < npost {
		c.b = cutsAt(c.b, post, ptr, rows, hi)
	}
	c.lo, c.hi, c.post, c.ptr, c.nPost, c.nRow, c.ok = lo, hi, pp, rp, len(post), len(ptr), true
}

// cutsAt sets dst[r] to the first position of row r holding a rank >= v.
func cutsAt(dst, post, ptr []int32, rows int, v int32) []int32 {
	if cap(dst) < rows {
		dst = make([]int32, rows)
	}
	dst = dst[:rows]
	for r := range rows {
		dst[r] = lowerBound(post, ptr[r], ptr[r+1], v)
	}
	return dst
}

// Part returns the part [a, b) of row r in the range Prepare was given.
func (c *RowCuts) Part(ptr []int32, r int) (a, b int32) {
	a, b = ptr[r], ptr[r+1]
	if len(c.a) > 0 {
		a = c.a[r]
	}
	if len(c.b) > 0 {
		b = c.b[r]
	}
	return a, b
}
