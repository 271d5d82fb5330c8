package runtime

import (
	"math/rand"
	"slices"
	"testing"
)

// TestRowCutsMatchRowRange: the part of every row RowCuts gives is the one
// RowRange finds by searching, for ranges at the ends and inside, with
// empty rows, and after the layout changes in place (Reset).
func TestRowCutsMatchRowRange(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	const npost = 50
	var post, ptr []int32
	build := func() {
		post, ptr = post[:0], append(ptr[:0], 0)
		for range 40 {
			for j := int32(0); j < npost; j++ {
				if r.Intn(4) == 0 {
					post = append(post, j)
				}
			}
			ptr = append(ptr, int32(len(post)))
		}
	}
	build()
	var c RowCuts
	check := func(lo, hi int32) {
		t.Helper()
		c.Prepare(post, ptr, lo, hi, npost)
		for row := 0; row+1 < len(ptr); row++ {
			wa, wb := RowRange(post, ptr[row], ptr[row+1], lo, hi)
			a, b := c.Part(row)
			if a != wa || b != wb {
				t.Fatalf("[%d, %d) row %d: part [%d, %d), want [%d, %d)", lo, hi, row, a, b, wa, wb)
			}
		}
	}
	for _, rg := range [][2]int32{{0, npost}, {0, 17}, {17, npost}, {10, 11}, {20, 40}, {0, 1}, {49, npost}, {0, 17}} {
		check(rg[0], rg[1])
	}
	// Ranges that move by a rank or two and by many, in both directions,
	// over the same arrays.
	lo, hi := int32(10), int32(30)
	for range 300 {
		if r.Intn(4) == 0 {
			lo = r.Int31n(npost)
			hi = lo + 1 + r.Int31n(npost-lo)
		} else {
			lo = min(max(lo+r.Int31n(5)-2, 0), npost-1)
			hi = min(max(hi+r.Int31n(5)-2, lo+1), npost)
		}
		check(lo, hi)
	}
	// New contents in the same arrays (each row now holds the highest
	// ranks): Reset makes Prepare recompute.
	for row := 0; row+1 < len(ptr); row++ {
		n := ptr[row+1] - ptr[row]
		for x := range n {
			post[ptr[row]+x] = npost - n + x
		}
	}
	c.Reset()
	check(0, 17)
}

// checkRows checks that c.Rows lists, for each spike of kept (the spikes
// given, less those it must leave out) and each delay group dk of K, the
// part of its row i*K+dk that Part gives, or the whole row when whole; c is
// prepared for [lo, hi) of npost ranks first when not whole.
func checkRows(t *testing.T, what string, c *RowCuts, post, ptr, spikes, kept []int32, K int, lo, hi, npost int32) {
	t.Helper()
	for _, whole := range []bool{true, false} {
		if !whole {
			c.Prepare(post, ptr, lo, hi, npost)
		}
		for dk := range K {
			got := c.Rows(ptr, spikes, K, dk, whole)
			if len(got) != 2*len(kept) {
				t.Fatalf("%s, whole %v dk %d: %d bounds, want %d", what, whole, dk, len(got), 2*len(kept))
			}
			for q, i := range kept {
				r := int(i)*K + dk
				a, b := ptr[r], ptr[r+1]
				if !whole {
					a, b = c.Part(r)
				}
				if got[2*q] != a || got[2*q+1] != b {
					t.Fatalf("%s, whole %v dk %d: part %d is [%d, %d), want rank %d's [%d, %d)", what, whole, dk, q, got[2*q], got[2*q+1], i, a, b)
				}
			}
		}
	}
}

// TestRowCutsRows: Rows lists, per spike, the part of its row (row i*K+dk)
// that Part gives, or the whole row.
func TestRowCutsRows(t *testing.T) {
	ptr := []int32{0, 2, 2, 5, 9, 9, 12, 14}
	post := []int32{1, 4, 0, 2, 7, 1, 3, 5, 6, 2, 4, 8, 0, 9}
	spikes := []int32{1, 0, 1}
	checkRows(t, "rows", &RowCuts{}, post, ptr, spikes, spikes, 3, 2, 6, 10)
}

// TestRowCutsRowsSkipsRanksWithoutSynapses: Rows leaves out the spikes of
// ranks below the first and above the last with a non-empty row (a
// projection from part of a population), keeps the others in their order
// (empty rows between included), and sees new contents after Reset.
func TestRowCutsRowsSkipsRanksWithoutSynapses(t *testing.T) {
	// Ranks 0 and 5 have no synapses, nor has rank 3 (inside the span).
	ptr := []int32{0, 0, 0, 2, 3, 5, 5, 5, 5, 6, 7, 7, 7}
	post := []int32{1, 4, 2, 0, 3, 5, 2}
	spikes := []int32{5, 1, 3, 0, 2}
	var c RowCuts
	checkRows(t, "first layout", &c, post, ptr, spikes, []int32{1, 3, 2}, 2, 1, 4, 6)
	// Rank 0 gets the synapses of rank 1 (same arrays, new contents).
	copy(ptr, []int32{0, 2, 3, 3, 3, 5, 5, 5, 5, 6, 7, 7, 7})
	c.Reset()
	checkRows(t, "after Reset", &c, post, ptr, spikes, []int32{1, 3, 0, 2}, 2, 1, 4, 6)
}

func TestRanksIn(t *testing.T) {
	ranks := []int32{1, 3, 3, 7, 9, 12}
	for _, c := range []struct {
		lo, hi int
		want   []int32
	}{
		{0, 20, ranks}, {0, 1, nil}, {1, 2, []int32{1}}, {2, 8, []int32{3, 3, 7}},
		{3, 4, []int32{3, 3}}, {8, 9, nil}, {9, 13, []int32{9, 12}}, {13, 20, nil},
	} {
		if got := RanksIn(ranks, c.lo, c.hi); !slices.Equal(got, c.want) {
			t.Errorf("RanksIn(%v, %d, %d) = %v, want %v", ranks, c.lo, c.hi, got, c.want)
		}
	}
	if got := RanksIn(nil, 0, 5); len(got) != 0 {
		t.Errorf("RanksIn(nil) = %v", got)
	}
}
