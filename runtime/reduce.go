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

// Reducer computes population-wide operations over a population's
// variables, split over a Core's goroutines by blocks of reduceBlock
// neurons: all the operations a step queues (Add) are computed in one split
// (Run), block by block, so that each block of a variable is read from
// memory once for all the operations over it. Sums have a fixed shape
// whatever the split: each block is summed (in float64) over eight
// interleaved partial sums, element k of the block into sum k mod 8, added
// as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)); the blocks' sums are then added
// in block order. The same bits for any number of goroutines; and eight
// independent sums run several times faster than one running sum, each of
// whose additions waits for the previous one. Max and min give the same
// value in any order. A Reducer allocates only when its population or its
// operations grow.
type Reducer[F Float] struct {
	tasks []reduceTask[F]
	parts []float64 // partial result of task t, block b at t·blocks + b
	out   []float64
	fn    func(chunk, lo, hi int) // blocks, made once
}

type reduceTask[F Float] struct {
	op ReduceOp
	xs []F
}

// Add queues op over xs for the next Run. Every variable queued for one
// Run has the same length.
func (r *Reducer[F]) Add(op ReduceOp, xs []F) {
	if len(r.tasks) > 0 && len(xs) != r.len() {
		panic("runtime: Reducer.Add: variables of different lengths")
	}
	r.tasks = append(r.tasks, reduceTask[F]{op, xs})
}

// Run computes the queued operations, split over c's goroutines (c nil: on
// the calling goroutine), and returns their results in the order they were
// queued, valid until the next Run. Max and min of no elements are NaN.
func (r *Reducer[F]) Run(c *Core) []float64 {
	if len(r.tasks) == 0 {
		return r.out[:0]
	}
	n := r.len()
	nb := (n + reduceBlock - 1) / reduceBlock
	need := nb * len(r.tasks)
	if cap(r.parts) < need {
		r.parts = make([]float64, need)
	}
	r.parts = r.parts[:need]
	switch {
	case nb == 0:
	case c == nil || nb == 1:
		r.blocks(0, 0, nb)
	default:
		if r.fn == nil {
			r.fn = r.blocks
		}
		c.SplitWork(nb, int64(n)*int64(len(r.tasks)), r.fn)
	}
	r.out = r.out[:0]
	for t, task := range r.tasks {
		if nb == 0 {
			if task.op == ReduceMax || task.op == ReduceMin {
				r.out = append(r.out, math.NaN())
			} else {
				r.out = append(r.out, 0)
			}
			continue
		}
		parts := r.parts[t*nb : (t+1)*nb]
		s := parts[0]
		for _, p := range parts[1:] {
			switch task.op {
			case ReduceMax:
				s = max(s, p)
			case ReduceMin:
				s = min(s, p)
			default:
				s += p
			}
		}
		r.out = append(r.out, s)
	}
	clear(r.tasks) // the variables are not kept
	r.tasks = r.tasks[:0]
	return r.out
}

// len is the length of the queued variables.
func (r *Reducer[F]) len() int { return len(r.tasks[0].xs) }

// blocks computes the partial results of the blocks [lo, hi), every queued
// operation over a block before the next block.
func (r *Reducer[F]) blocks(_, lo, hi int) {
	nb := len(r.parts) / len(r.tasks)
	for b := lo; b < hi; b++ {
		for t, task := range r.tasks {
			xs := task.xs[b*reduceBlock : min((b+1)*reduceBlock, len(task.xs))]
			switch task.op {
			case ReduceMax, ReduceMin:
				r.parts[t*nb+b] = extremum(xs, task.op == ReduceMax)
			default:
				r.parts[t*nb+b] = blockSum(xs, task.op)
			}
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
