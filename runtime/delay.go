package runtime

import (
	"fmt"
	"math"
)

// SpikeRing keeps the spikes (population ranks) of the last few steps for
// delayed spike transmission. Push is called once per step after the
// neurons have been updated (step 6 of the step order); during the next
// step's transmission, Ago(1) is what was pushed last, that is the spikes
// emitted one step earlier, and Ago(d) the spikes emitted d steps earlier.
// A synapse of delay d (in steps) therefore reads Ago(max(1, d)): a delay
// of 0 behaves like 1, as in ANNarchy.
type SpikeRing struct {
	slots [][]int32
	head  int // slot of the latest push
	count int // pushes so far, capped at len(slots)
	// pushes counts every Push, so that what follows the ring (DueSpikes)
	// knows whether it saw every push since it last looked.
	pushes uint64 `state:"-"`
}

// NewSpikeRing keeps the spikes of the last max(1, maxDelay) steps.
func NewSpikeRing(maxDelay int) *SpikeRing {
	n := max(1, maxDelay)
	return &SpikeRing{slots: make([][]int32, n), head: n - 1}
}

// Depth returns how many steps the ring remembers.
func (q *SpikeRing) Depth() int { return len(q.slots) }

// Push records the spikes of the step just computed. The ranks are copied;
// once each slot has grown to its largest spike count, Push no longer
// allocates.
func (q *SpikeRing) Push(spiked []int32) {
	q.head++
	if q.head == len(q.slots) {
		q.head = 0
	}
	q.slots[q.head] = append(q.slots[q.head][:0], spiked...)
	if q.count < len(q.slots) {
		q.count++
	}
	q.pushes++
}

// Ago returns the spikes pushed d pushes ago (d = 1: the latest push); d < 1
// is read as 1. Before d pushes, or beyond the depth, there are no spikes
// (nil). The slice is owned by the ring and valid until the next d pushes.
func (q *SpikeRing) Ago(d int) []int32 {
	if i := q.slot(d); i >= 0 {
		return q.slots[i]
	}
	return nil
}

// slot is the slot of Ago(d), -1 when Ago(d) is nil.
func (q *SpikeRing) slot(d int) int {
	d = max(1, d)
	if d > q.count {
		return -1
	}
	i := q.head - (d - 1)
	if i < 0 {
		i += len(q.slots)
	}
	return i
}

// Reset forgets every recorded spike (keeping the memory).
func (q *SpikeRing) Reset() {
	for i := range q.slots {
		q.slots[i] = q.slots[i][:0]
	}
	q.head, q.count = len(q.slots)-1, 0
}

// RateRing keeps a history of per-neuron values (rates, or any pre-synaptic
// variable) for delayed rate-coded transmission: depth frames of n values,
// in one preallocated block. Until depth frames have been pushed, older
// frames read as the initial frame (set by Fill, zero by default), so a
// delayed projection sees the initial state at the start of a simulation.
type RateRing struct {
	n, depth int
	data     []float64
	head     int // frame of the latest push
}

// RateRingFits refuses a RateRing of depth frames of n values larger than
// this machine's memory (the delayed values of projection proj): it would
// end the process when filled. A rate-coded projection with delays keeps
// the presynaptic values of every step of its longest delay.
func RateRingFits(proj string, n, depth int) error {
	bytes := float64(n) * float64(max(depth, 1)) * 8
	if total := MemTotal("/proc/meminfo"); total > 0 && bytes > float64(total) {
		return fmt.Errorf("projection %s: its delays keep %d values for each of %d steps, %s, more than this machine's memory (%s)",
			proj, n, depth, FormatBytes(int64(min(bytes, math.MaxInt64))), FormatBytes(total))
	}
	return nil
}

// RateRingFor is NewRateRing for the delayed values of projection proj,
// refused (RateRingFits) when larger than this machine's memory.
func RateRingFor(proj string, n, depth int) (*RateRing, error) {
	if err := RateRingFits(proj, n, depth); err != nil {
		return nil, err
	}
	return NewRateRing(n, depth), nil
}

// NewRateRing allocates depth frames of n values (depth at least 1).
func NewRateRing(n, depth int) *RateRing {
	depth = max(1, depth)
	return &RateRing{n: n, depth: depth, data: make([]float64, n*depth), head: depth - 1}
}

// Depth returns the number of frames kept.
func (q *RateRing) Depth() int { return q.depth }

// Fill sets every frame to vals (len n): the history before the first step.
func (q *RateRing) Fill(vals []float64) {
	for f := 0; f < q.depth; f++ {
		copy(q.data[f*q.n:(f+1)*q.n], vals)
	}
}

// Push records the values of the step just computed (copied).
func (q *RateRing) Push(vals []float64) {
	q.head++
	if q.head == q.depth {
		q.head = 0
	}
	copy(q.data[q.head*q.n:(q.head+1)*q.n], vals)
}

// Ago returns the frame pushed d pushes ago (d = 1: the latest push), for
// 1 <= d <= Depth; d is clamped into that range. The slice aliases the
// ring and is valid until the frame is overwritten.
func (q *RateRing) Ago(d int) []float64 {
	d = min(max(1, d), q.depth)
	i := q.head - (d - 1)
	if i < 0 {
		i += q.depth
	}
	return q.data[i*q.n : (i+1)*q.n : (i+1)*q.n]
}
