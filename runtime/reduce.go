package runtime

import "math"

// ReduceOp is a population-wide operation of a neuron equation (mean,
// norm1, norm2, max, min) as Reducer computes it.
type ReduceOp uint8

const (
	ReduceSum    ReduceOp = iota // Σ x (mean divides by the size)
	ReduceAbs                    // Σ |x| (norm1)
	ReduceSquare                 // Σ x² (norm2 takes the square root)
	ReduceMax
	ReduceMin
)

// reduceBlock is the number of elements of one partial result.
const reduceBlock = 4096

// Reducer computes population-wide operations over a variable, split over
// a Core's goroutines by blocks of reduceBlock elements. Sums have a fixed
// shape whatever the split: each block is summed (in float64) over eight
// interleaved partial sums, element k of the block into sum k mod 8, added
// as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)); the blocks' sums are then added
// in block order. The same bits for any number of goroutines; and eight
// independent sums run several times faster than one running sum, each of
// whose additions waits for the previous one. Max and min give the same
// value in any order. A population holds one Reducer for all its
// operations (they run one after the other); it allocates only when a
// variable grows.
type Reducer[F Float] struct {
	op    ReduceOp
	xs    []F
	parts []float64
	fn    func(chunk, lo, hi int) // blocks, made once
}

// Reduce returns op over xs, split over c's goroutines (c nil: on the
// calling goroutine). Max and min of no elements are NaN.
func (r *Reducer[F]) Reduce(c *Core, op ReduceOp, xs []F) float64 {
	nb := (len(xs) + reduceBlock - 1) / reduceBlock
	if nb == 0 {
		if op == ReduceMax || op == ReduceMin {
			return math.NaN()
		}
		return 0
	}
	if cap(r.parts) < nb {
		r.parts = make([]float64, nb)
	}
	r.op, r.xs, r.parts = op, xs, r.parts[:nb]
	if c == nil || nb == 1 {
		r.blocks(0, 0, nb)
	} else {
		if r.fn == nil {
			r.fn = r.blocks
		}
		c.SplitWork(nb, int64(len(xs)), r.fn)
	}
	r.xs = nil
	s := r.parts[0]
	for _, p := range r.parts[1:] {
		switch op {
		case ReduceMax:
			s = max(s, p)
		case ReduceMin:
			s = min(s, p)
		default:
			s += p
		}
	}
	return s
}

// blocks computes the partial results of the blocks [lo, hi).
func (r *Reducer[F]) blocks(_, lo, hi int) {
	for b := lo; b < hi; b++ {
		xs := r.xs[b*reduceBlock : min((b+1)*reduceBlock, len(r.xs))]
		switch r.op {
		case ReduceMax, ReduceMin:
			r.parts[b] = extremum(xs, r.op == ReduceMax)
		default:
			r.parts[b] = blockSum(xs, r.op)
		}
	}
}

// blockSum sums x, |x| or x² over xs in the shape Reducer describes.
func blockSum[F Float](xs []F, op ReduceOp) float64 {
	var s [8]float64
	n := len(xs) &^ 7
	switch op {
	case ReduceAbs:
		for k := 0; k < n; k += 8 {
			v := (*[8]F)(xs[k : k+8])
			for j := range s {
				s[j] += math.Abs(float64(v[j]))
			}
		}
	case ReduceSquare:
		for k := 0; k < n; k += 8 {
			v := (*[8]F)(xs[k : k+8])
			for j := range s {
				s[j] += float64(v[j]) * float64(v[j])
			}
		}
	default:
		for k := 0; k < n; k += 8 {
			v := (*[8]F)(xs[k : k+8])
			for j := range s {
				s[j] += float64(v[j])
			}
		}
	}
	for j, v := range xs[n:] {
		x := float64(v)
		switch op {
		case ReduceAbs:
			x = math.Abs(x)
		case ReduceSquare:
			x *= x
		}
		s[j] += x
	}
	return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
}

// extremum returns the largest (most) or smallest element of xs (not
// empty), over eight interleaved running values as blockSum's sums.
func extremum[F Float](xs []F, most bool) float64 {
	var s [8]F
	for j := range s {
		s[j] = xs[0]
	}
	n := len(xs) &^ 7
	for k := 0; k < n; k += 8 {
		v := (*[8]F)(xs[k : k+8])
		for j := range s {
			if most {
				s[j] = max(s[j], v[j])
			} else {
				s[j] = min(s[j], v[j])
			}
		}
	}
	for j, v := range xs[n:] {
		if most {
			s[j] = max(s[j], v)
		} else {
			s[j] = min(s[j], v)
		}
	}
	if most {
		return float64(max(max(max(s[0], s[1]), max(s[2], s[3])), max(max(s[4], s[5]), max(s[6], s[7]))))
	}
	return float64(min(min(min(s[0], s[1]), min(s[2], s[3])), min(min(s[4], s[5]), min(s[6], s[7]))))
}
