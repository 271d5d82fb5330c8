package runtime

import (
	"math/rand"
	"slices"
	"testing"
)

// TestPrefetchLeavesData: Prefetch only hints: for every element size (and
// sizes it does not handle) the arrays and indices are as before, with
// empty lists and arrays too.
func TestPrefetchLeavesData(t *testing.T) {
	idx := []int32{5, 0, 9, 3, 3}
	f64 := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	i32 := []int32{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
	u16 := []uint16{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	b := []bool{true, false, true, false, true, false, true, false, true, false}
	odd := make([][3]float64, 10)
	before := [][]float64{slices.Clone(f64)}
	Prefetch(idx, f64)
	Prefetch(idx, i32)
	Prefetch(idx, u16)
	Prefetch(idx, b)
	Prefetch(idx, odd)
	Prefetch(nil, f64)
	Prefetch(idx, []float64(nil))
	if !slices.Equal(f64, before[0]) || !slices.Equal(idx, []int32{5, 0, 9, 3, 3}) || i32[0] != 9 || u16[9] != 10 || !b[8] {
		t.Fatal("Prefetch changed its arguments")
	}
}

// BenchmarkGather reads and updates five arrays of 4 M elements at random
// indices, rows of 200, as a plastic projection's events do (two decays
// computed with Exp for each): without and with Prefetch of each row first.
func BenchmarkGather(b *testing.B) {
	const n, row = 1 << 22, 200
	r := rand.New(rand.NewSource(1))
	x, y, w, z := make([]float64, n), make([]float64, n), make([]float64, n), make([]int64, n)
	post := make([]int32, n)
	idx := make([]int32, 1<<16)
	for i := range idx {
		idx[i] = int32(r.Intn(n))
	}
	for _, pre := range []bool{false, true} {
		name := "plain"
		if pre {
			name = "prefetch"
		}
		b.Run(name, func(b *testing.B) {
			for it := 0; it < b.N; it++ {
				for s := 0; s+row <= len(idx); s += row {
					ks := idx[s : s+row]
					if pre {
						Prefetch(ks, post)
						Prefetch(ks, z)
						Prefetch(ks, x)
						Prefetch(ks, y)
						Prefetch(ks, w)
					}
					for _, k := range ks {
						el := float64(int64(it)-z[k]) * 0.1
						x[k] = x[k]*Exp(-0.05*el) + float64(post[k])
						y[k] = y[k] * Exp(-0.04*el)
						w[k] = min(w[k]+y[k], 1)
						z[k] = int64(it)
					}
				}
			}
		})
	}
}
