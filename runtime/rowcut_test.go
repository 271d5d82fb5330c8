package runtime

import (
	"math/rand"
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
			a, b := c.Part(ptr, row)
			if a != wa || b != wb {
				t.Fatalf("[%d, %d) row %d: part [%d, %d), want [%d, %d)", lo, hi, row, a, b, wa, wb)
			}
		}
	}
	for _, rg := range [][2]int32{{0, npost}, {0, 17}, {17, npost}, {10, 11}, {20, 40}, {0, 1}, {49, npost}, {0, 17}} {
		check(rg[0], rg[1])
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
