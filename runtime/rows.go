package runtime

import "os"

// Storage by presynaptic rows: a plastic spiking projection keeps its
// connectivity post-major (C.PostPtr, C.Pre, C.Post in synapse order), but
// its per-synapse variables in the order of the presynaptic index C.PreIdx,
// so that the synapses a presynaptic spike reaches are contiguous in every
// array pre_spike reads and writes. Synapse s is stored at position at[s];
// position p holds synapse C.PreIdx[p] and ends on post neuron postAt[p].
// An empty at means the variables are in synapse order (ANNC_ROWS=off).

// rowsMode is ANNC_ROWS: "off" keeps every per-synapse variable in synapse
// order, "flip" (tests) moves the variables of projections that choose
// their storage (RowsChoice) every third step; the numbers are the same in
// every mode, and tests compare them.
func rowsMode() string { return os.Getenv("ANNC_ROWS") }

// RowsOff reports whether ANNC_ROWS=off asks generated networks to keep
// every per-synapse variable in synapse order.
func RowsOff() bool { return rowsMode() == "off" }

// RowStorage returns the storage position of every synapse of c and the
// post rank at every position (RowOrder): both nil with ANNC_ROWS=off.
func RowStorage(c *Conn) (at, postAt []int32) {
	if RowsOff() {
		return nil, nil
	}
	return RowOrder(c)
}

// RowOrder returns the storage position of every synapse of c (the inverse
// of c.PreIdx, which Index builds) and the post rank at every position.
func RowOrder(c *Conn) (at, postAt []int32) {
	n := len(c.PreIdx)
	at, postAt = MakeLarge[int32](n), MakeLarge[int32](n)
	for p, s := range c.PreIdx {
		at[s] = int32(p)
		postAt[p] = c.Post[s]
	}
	return at, postAt
}

// RowsChoice picks the storage of a projection whose synapses see events
// from both sides: presynaptic rows make a presynaptic spike's synapses
// contiguous and scatter a postsynaptic spike's, synapse order the other
// way round. Over each window of steps it compares the cost of the events
// in either storage and tells the projection to move its variables when
// the other one would have cost less than 70 % (the numbers are the same
// in both). Its fields are state, so that a resumed run chooses as the
// whole run does.
type RowsChoice struct {
	Pre, Post int64 // synapse events of the window: reached by presynaptic spikes, of postsynaptic neurons that spiked
	Steps     int64
	mode      string `state:"-"` // ANNC_ROWS, read at the first step (the step reads no environment)
	modeRead  bool   `state:"-"`
}

// rowsWindow is the number of steps over which RowsChoice counts events.
const rowsWindow = 100

// Estimated cost of one synapse event (ns, one goroutine, 1 M STDP
// synapses, README "Synapse storage"): a presynaptic event reads contiguous
// memory in rows, scattered memory in synapse order; a postsynaptic one the
// other way round (prefetched).
const (
	rowsPreCost, rowsPostCost = 10, 10
	synPreCost, synPostCost   = 38, 4
)

// Step counts one step's synapse events and reports whether the variables
// should be in rows from now on, rows telling whether they are (see
// rowsMode for ANNC_ROWS).
func (r *RowsChoice) Step(pre, post int64, rows bool) bool {
	if !r.modeRead {
		r.mode, r.modeRead = rowsMode(), true
	}
	r.Steps++
	switch r.mode {
	case "off":
		return false
	case "flip":
		return rows != (r.Steps%3 == 0)
	}
	r.Pre += pre
	r.Post += post
	if r.Steps < rowsWindow {
		return rows
	}
	inRows := rowsPreCost*r.Pre + rowsPostCost*r.Post
	inOrder := synPreCost*r.Pre + synPostCost*r.Post
	r.Pre, r.Post, r.Steps = 0, 0, 0
	if rows {
		return 10*inOrder >= 7*inRows
	}
	return 10*inRows < 7*inOrder
}

// InOrder returns a copy of x, held in the storage order at, in synapse
// order (a plain copy when at is empty).
func InOrder[T any](x []T, at []int32) []T {
	out := make([]T, len(x))
	if len(at) == 0 {
		copy(out, x)
		return out
	}
	for s, p := range at {
		out[s] = x[p]
	}
	return out
}

// FromOrder stores src, given in synapse order, into dst held in the
// storage order at.
func FromOrder[T any](dst, src []T, at []int32) {
	if len(at) == 0 {
		copy(dst, src)
		return
	}
	for s, p := range at {
		dst[p] = src[s]
	}
}

// RowsCost is the estimated work (Core.SplitWork's units) per synapse a
// spike reaches in a delivery through presynaptic rows: cost, the
// statements' own estimate, when the variables are in synapse order (at
// empty), else rowsSynapseCost. A row's synapses are contiguous there, so
// one goroutine delivers them at memory speed, and splitting the rows by
// postsynaptic range hands each goroutine half of every row. On the
// two-core machine of the README's benchmarks (bench/plastic.yaml scaled,
// 300 steps on two goroutines), split at the statements' estimate against
// kept whole below 100,000 synapses a step: 1 M synapses (15,000 reached a
// step) 83-85 ms against 73-78, 4 M (60,000) 266-271 against 256-263; at
// 16 M (240,000) the split one runs in 0.73-0.83 s against 1.05-1.32 s on
// one goroutine.
func RowsCost(at []int32, cost int64) int64 {
	if len(at) == 0 {
		return cost
	}
	return rowsSynapseCost
}

// rowsSynapseCost puts the split of a delivery through rows at about
// 100,000 synapses reached a step (twice minChunkWork / rowsSynapseCost).
const rowsSynapseCost = 2
