package runtime

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRowRange compares RowRange with a linear scan on random ascending rows
// (with repeated ranks, empty rows and bounds outside the ranks).
func TestRowRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 3000 {
		row := make([]int32, rng.IntN(200))
		for i := range row {
			row[i] = int32(rng.IntN(250))
		}
		slices.Sort(row)
		post := append([]int32{-7, 99}, row...)
		from := int32(rng.IntN(256) - 3)
		to := from + int32(rng.IntN(100))
		wa, wb := int32(len(post)), int32(len(post))
		for x := int32(len(post)) - 1; x >= 2; x-- {
			if post[x] >= from {
				wa = x
			}
			if post[x] >= to {
				wb = x
			}
		}
		if a, b := RowRange(post, 2, int32(len(post)), from, to); a != wa || b != wb {
			t.Fatalf("trial %d: RowRange(%v, [%d, %d)) = [%d, %d), want [%d, %d)", trial, row, from, to, a, b, wa, wb)
		}
	}
}
