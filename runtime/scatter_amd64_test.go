package runtime

import (
	"math"
	"math/rand"
	"testing"
)

// TestScatterAddRowsMatchLoop: the row-list scatters add, bit for bit, what
// the scalar loop over the same rows adds, with repeated ranks within and
// across rows, empty rows, rows of every length modulo the unrolling, and
// the parts of a cut range.
func TestScatterAddRowsMatchLoop(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	const npost, nrows = 37, 60
	var post []int32
	var src []float64
	ptr := []int32{0}
	for range nrows {
		n := r.Intn(11)
		row := make([]int32, n)
		for x := range row {
			row[x] = int32(r.Intn(npost))
		}
		// ranks ascend within a row (repeats allowed), as in the layouts
		for x := 1; x < n; x++ {
			for y := x; y > 0 && row[y] < row[y-1]; y-- {
				row[y], row[y-1] = row[y-1], row[y]
			}
		}
		post = append(post, row...)
		for range n {
			src = append(src, r.NormFloat64()*1e3)
		}
		ptr = append(ptr, int32(len(post)))
	}
	spikes := make([]int32, 0, 3*nrows)
	for range 3 * nrows {
		spikes = append(spikes, int32(r.Intn(nrows)))
	}
	init := make([]float64, npost)
	for j := range init {
		init[j] = r.NormFloat64()
	}
	const w = 0.1
	for _, rg := range [][2]int32{{0, npost}, {0, 13}, {13, npost}, {5, 6}} {
		var c RowCuts
		whole := rg[0] == 0 && rg[1] == npost
		if !whole {
			c.Prepare(post, ptr, rg[0], rg[1], npost)
		}
		parts := c.Rows(ptr, spikes, 1, 0, whole)
		want, wantC := append([]float64(nil), init...), append([]float64(nil), init...)
		for _, i := range spikes {
			a, b := RowRange(post, ptr[i], ptr[i+1], rg[0], rg[1])
			for x := a; x < b; x++ {
				want[post[x]] = want[post[x]] + src[x]
				wantC[post[x]] = wantC[post[x]] + w
			}
		}
		got, gotC := append([]float64(nil), init...), append([]float64(nil), init...)
		ScatterAddRows(&got[0], &post[0], &src[0], &parts[0], len(spikes))
		ScatterAddConstRows(&gotC[0], &post[0], w, &parts[0], len(spikes))
		for j := range want {
			if math.Float64bits(got[j]) != math.Float64bits(want[j]) || math.Float64bits(gotC[j]) != math.Float64bits(wantC[j]) {
				t.Fatalf("[%d, %d) rank %d: got %v and %v, want %v and %v", rg[0], rg[1], j, got[j], gotC[j], want[j], wantC[j])
			}
		}
	}
}
