package runtime

import "os"

// A synapse variable stored per presynaptic neuron (README, "Variables
// stored per presynaptic neuron") lives in an array indexed by presynaptic
// rank while the steps run; its per-synapse slice is written from it when
// code outside the steps may read it (Core.SetSync), and what such code
// writes there is adopted back.

// PerPreOff reports whether ANNC_PERPRE=off asks generated networks to keep
// every such variable per synapse (the per-synapse loops then run; the
// numbers are the same).
func PerPreOff() bool { return os.Getenv("ANNC_PERPRE") == "off" }

// SpreadPre sets every synapse's value to its presynaptic neuron's:
// dst[k] = byPre[pre[k]].
func SpreadPre[F float32 | float64](dst, byPre []F, pre []int32) {
	dst = dst[:len(pre)]
	for k, i := range pre {
		dst[k] = byPre[i]
	}
}

// CollectPre sets byPre[i] to the value of the synapses of presynaptic
// neuron i and reports whether all synapses of each presynaptic neuron hold
// the same value (sameBits); when they do not, byPre is left partly written.
func CollectPre[F float32 | float64](byPre, src []F, pre []int32) bool {
	src = src[:len(pre)]
	for k, i := range pre {
		byPre[i] = src[k]
	}
	for k, i := range pre {
		if !sameBits(src[k], byPre[i]) {
			return false
		}
	}
	return true
}

// sameBits reports whether a and b are the same number, zeros of
// different signs told apart and every NaN alike.
func sameBits[F float32 | float64](a, b F) bool {
	if a != b {
		return a != a && b != b
	}
	return a != 0 || 1/a == 1/b
}

// RowsAscend reports whether every row of a post-major connectivity lists
// its presynaptic ranks in ascending order (repeats allowed): a weighted sum
// accumulated presynaptic neuron by presynaptic neuron then adds its terms
// in the order of the row.
func RowsAscend(postPtr, pre []int32) bool {
	for j := 0; j+1 < len(postPtr); j++ {
		for s := postPtr[j] + 1; s < postPtr[j+1]; s++ {
			if pre[s] < pre[s-1] {
				return false
			}
		}
	}
	return true
}
