package runtime

import (
	"fmt"
	"slices"
)

// Structural plasticity (README, "Structural plasticity"): a projection
// whose synapse type has a pruning or creating condition evaluates it
// after the steps its Due says, and rebuilds its connectivity with Rewire.

// Due says after which steps a pruning or creating condition is evaluated:
// Start, Start+Period, ... while On (ANNarchy's start_pruning(period), whose
// offset is the step at which it is called).
type Due struct {
	On     bool
	Period int64 // steps, at least 1
	Start  int64 // step of the first evaluation
}

// Begin turns d on at step now plus offset steps, every period steps.
func (d *Due) Begin(now, period, offset int64) {
	*d = Due{On: true, Period: max(period, 1), Start: now + max(offset, 0)}
}

// Now reports whether the condition is evaluated after step s.
func (d *Due) Now(s int64) bool {
	return d.On && s >= d.Start && (s-d.Start)%d.Period == 0
}

// Rewire removes the synapses s with drop[s] (drop may be nil) and adds the
// synapses from addPre[i] to addPost[i], in that order, each inserted in
// its postsynaptic neuron's row before the first synapse of a higher
// presynaptic rank (as ANNarchy's lists of lists insert them), with weight
// w and delay delay in steps (-1: the projection's uniform delay). It
// rebuilds the presynaptic index and returns, for each synapse now in c,
// the index it had before, or -1-i for the i-th added one: Remap moves the
// synapse variables with it. The synapses must stay within MaxSynapses
// (GrowthError says whether adding them would not).
func (c *Conn) Rewire(drop []bool, addPost, addPre []int32, w float64, delay int32) []int32 {
	n := len(c.Pre)
	kept := n
	if drop != nil {
		kept = 0
		for _, d := range drop {
			if !d {
				kept++
			}
		}
	}
	total := kept + len(addPre)
	if total > MaxSynapses {
		panic(c.GrowthError(total - n))
	}
	uniform := c.Delay == nil && (delay < 0 || delay == c.UniformDelay)
	src := make([]int32, 0, total)
	ptr := make([]int32, c.NPost+1)
	a := 0 // next added synapse
	var row []int32
	for j := 0; j < c.NPost; j++ {
		row = row[:0]
		for s := c.PostPtr[j]; s < c.PostPtr[j+1]; s++ {
			if drop == nil || !drop[s] {
				row = append(row, s)
			}
		}
		for ; a < len(addPost) && int(addPost[a]) == j; a++ {
			at := len(row)
			for i, s := range row {
				if s >= 0 && c.Pre[s] > addPre[a] || s < 0 && addPre[-1-s] > addPre[a] {
					at = i
					break
				}
			}
			row = slices.Insert(row, at, int32(-1-a))
		}
		src = append(src, row...)
		ptr[j+1] = int32(len(src))
	}
	pre := make([]int32, total)
	post := make([]int32, total)
	ws := make([]float64, total)
	var ds []int32
	if !uniform {
		ds = make([]int32, total)
	}
	for k, s := range src {
		if s >= 0 {
			pre[k], post[k], ws[k] = c.Pre[s], c.Post[s], c.W[s]
			if ds != nil {
				ds[k] = c.SynapseDelay(int(s))
			}
			continue
		}
		i := -1 - s
		pre[k], post[k], ws[k] = addPre[i], addPost[i], w
		if ds != nil {
			ds[k] = delay
			if delay < 0 {
				ds[k] = c.UniformDelay
			}
		}
	}
	c.PostPtr, c.Pre, c.Post, c.W, c.Delay = ptr, pre, post, ws, ds
	c.Finish()
	return src
}

// Remap returns the values of old moved as Rewire moved the synapses
// (src), fill for the added ones.
func Remap[T any](old []T, src []int32, fill T) []T {
	out := make([]T, len(src))
	for k, s := range src {
		if s >= 0 {
			out[k] = old[s]
		} else {
			out[k] = fill
		}
	}
	return out
}

// HasPre reports whether a row of presynaptic ranks holds pre.
func HasPre(row []int32, pre int) bool {
	for _, p := range row {
		if int(p) == pre {
			return true
		}
	}
	return false
}

// GrowthError is the error of adding add synapses to c when that would
// bring it over MaxSynapses (synapses are indexed by int32), else nil:
// creating checks it before Rewire and ends the run with it (Core.Failf).
func (c *Conn) GrowthError(add int) error {
	if n := uint64(len(c.Pre)) + uint64(max(add, 0)); n > MaxSynapses {
		return fmt.Errorf("%d synapses and %d created would be %d, more than the %d (2^31-1) one projection can hold", len(c.Pre), add, n, MaxSynapses)
	}
	return nil
}
