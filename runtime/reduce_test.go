package runtime

import (
	"math"
	"testing"
)

// refReduce computes op over xs in the shape Reducer documents, written
// out element by element.
func refReduce[F Float](op ReduceOp, xs []F) float64 {
	var total float64
	for b := 0; b*reduceBlock < len(xs); b++ {
		blk := xs[b*reduceBlock : min((b+1)*reduceBlock, len(xs))]
		var part float64
		switch op {
		case ReduceMax, ReduceMin:
			part = float64(blk[0])
			for _, x := range blk {
				if op == ReduceMax {
					part = max(part, float64(x))
				} else {
					part = min(part, float64(x))
				}
			}
		default:
			var s [8]float64
			for k, x := range blk {
				v := float64(x)
				switch op {
				case ReduceAbs:
					v = math.Abs(v)
				case ReduceSquare:
					v *= v
				}
				s[k%8] += v
			}
			part = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
		}
		switch {
		case b == 0:
			total = part
		case op == ReduceMax:
			total = max(total, part)
		case op == ReduceMin:
			total = min(total, part)
		default:
			total += part
		}
	}
	return total
}

// reduceOne returns op over xs computed by r alone.
func reduceOne[F Float](r *Reducer[F], c *Core, op ReduceOp, xs []F) float64 {
	r.Add(op, xs)
	return r.Run(c)[0]
}

var reduceOps = []ReduceOp{ReduceSum, ReduceAbs, ReduceSquare, ReduceMax, ReduceMin}

// TestReducerShape: every operation gives the bits of the documented shape,
// on one goroutine and split over 2 and 4 in every mode of SetMinChunkWork
// (0 cuts the blocks unevenly), for sizes around the block and lane edges.
func TestReducerShape(t *testing.T) {
	r := NewRNG(3)
	for _, n := range []int{1, 7, 8, 9, 4095, 4096, 4097, 3*4096 + 5, 50000} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = r.Normal() * math.Pow(10, float64(i%7)-3)
		}
		for _, op := range reduceOps {
			want := refReduce(op, xs)
			var red Reducer[float64]
			if got := reduceOne(&red, nil, op, xs); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("n=%d op=%d alone: %v, want %v", n, op, got, want)
			}
			for _, mode := range []int64{0, 1, 100000} {
				for _, threads := range []int{2, 4} {
					old := SetMinChunkWork(mode)
					c := &Core{Dt: 0.1}
					c.SetThreads(threads)
					var got float64
					c.Run(3, func() { got = reduceOne(&red, c, op, xs) })
					SetMinChunkWork(old)
					if math.Float64bits(got) != math.Float64bits(want) {
						t.Fatalf("n=%d op=%d mode=%d threads=%d: %v, want %v", n, op, mode, threads, got, want)
					}
				}
			}
		}
	}
}

// TestReducerRunMany: operations queued together over two variables give
// each the bits of its documented shape, in one split or none, and a
// Reducer is reusable from one Run to the next.
func TestReducerRunMany(t *testing.T) {
	r := NewRNG(5)
	for _, n := range []int{5, 4096, 3*4096 + 17} {
		xs, ys := make([]float32, n), make([]float32, n)
		for i := range xs {
			xs[i], ys[i] = float32(r.Normal()), float32(r.Normal()*100)
		}
		var red Reducer[float32]
		for _, threads := range []int{1, 2, 3} {
			for _, mode := range []int64{0, 1} {
				old := SetMinChunkWork(mode)
				c := &Core{Dt: 0.1}
				c.SetThreads(threads)
				var got []float64
				c.Run(2, func() {
					for _, op := range reduceOps {
						red.Add(op, xs)
						red.Add(op, ys)
					}
					got = red.Run(c)
				})
				SetMinChunkWork(old)
				for k, op := range reduceOps {
					for v, vs := range [][]float32{xs, ys} {
						want := refReduce(op, vs)
						if g := got[2*k+v]; math.Float64bits(g) != math.Float64bits(want) {
							t.Fatalf("n=%d threads=%d mode=%d op=%d variable %d: %v, want %v", n, threads, mode, op, v, g, want)
						}
					}
				}
			}
		}
		if got := red.Run(nil); len(got) != 0 {
			t.Fatalf("a Run with nothing queued returned %v", got)
		}
	}
}

// TestReducerValues: the operations compute what their names say, within
// rounding, and follow max's and min's rules for NaN; float32 variables
// are summed in float64.
func TestReducerValues(t *testing.T) {
	xs := []float64{3, -4, 0.5, -1, 2}
	var r Reducer[float64]
	for _, c := range []struct {
		op   ReduceOp
		want float64
	}{{ReduceSum, 0.5}, {ReduceAbs, 10.5}, {ReduceSquare, 30.25}, {ReduceMax, 3}, {ReduceMin, -4}} {
		if got := reduceOne(&r, nil, c.op, xs); got != c.want {
			t.Errorf("op %d: %v, want %v", c.op, got, c.want)
		}
	}
	if got := reduceOne(&r, nil, ReduceMax, []float64{}); !math.IsNaN(got) {
		t.Errorf("max of nothing: %v, want NaN", got)
	}
	if got := reduceOne(&r, nil, ReduceSum, []float64{}); got != 0 {
		t.Errorf("sum of nothing: %v, want 0", got)
	}
	nan := make([]float64, 10000)
	nan[9000] = math.NaN()
	for _, op := range reduceOps {
		if got := reduceOne(&r, nil, op, nan); !math.IsNaN(got) {
			t.Errorf("op %d over a NaN: %v, want NaN", op, got)
		}
	}
	// 2^24 + 1 is not a float32; summed in float32 the ones would be lost.
	f32 := make([]float32, 9000)
	f32[0] = 1 << 24
	for i := 1; i < len(f32); i++ {
		f32[i] = 1
	}
	var r32 Reducer[float32]
	if got := reduceOne(&r32, nil, ReduceSum, f32); got != 1<<24+8999 {
		t.Errorf("float32 sum: %v, want %v", got, 1<<24+8999)
	}
}

// A step's Reduce allocates nothing once its scratch is sized.
func TestReducerAllocs(t *testing.T) {
	xs := make([]float64, 20000)
	c := &Core{Dt: 0.1}
	c.SetThreads(2)
	var r Reducer[float64]
	old := SetMinChunkWork(1)
	defer SetMinChunkWork(old)
	c.Run(1, func() { reduceOne(&r, c, ReduceSum, xs) })
	var allocs float64
	c.Run(1, func() {
		allocs = testing.AllocsPerRun(50, func() { reduceOne(&r, c, ReduceSum, xs) })
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Reduce", allocs)
	}
}
