package runtime

import "unsafe"

// PrefetchMin is the length of a list of synapses from which Prefetch pays.
const PrefetchMin = 16

// Prefetch asks the processor to bring a[k] into the cache for every k of
// idx. A delivery that reaches synapses in another order than their
// storage (a plastic projection's events, through the presynaptic index
// into the postsynaptic-major storage) misses the cache at every synapse in
// every array it reads, and its statements, which depend on those reads,
// keep few misses in flight; prefetching the arrays of a row first fetches
// their lines all at once. The indices must be those of elements of a.
func Prefetch[T any](idx []int32, a []T) {
	if len(idx) == 0 || len(a) == 0 {
		return
	}
	shift := uint(0)
	switch unsafe.Sizeof(a[0]) {
	case 1:
	case 2:
		shift = 1
	case 4:
		shift = 2
	case 8:
		shift = 3
	default:
		return
	}
	prefetchIdx(&idx[0], len(idx), unsafe.Pointer(&a[0]), shift)
}
