package runtime

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/annc/annc/runtime/results"
	"github.com/annc/annc/runtime/spikestats"
)

// Monitor records variables of a population, view or projection every
// PeriodSteps steps, and the spikes of a population or view. The generated
// step calls Due once or twice per step (the answer is the same for a given
// step) and, when it is true, Append/AppendGather one frame per variable; it
// calls Spike for every spike of a recorded neuron.
//
// Recorded frames go into slices sized before each run for the frames it will
// record (Reserve, called by the step loop), so that recording costs one copy
// per value; or they are written straight to .npy files after StreamTo, so
// that long runs need bounded memory.
type Monitor struct {
	Name, Target string
	Vars         []MonitorVar
	PeriodSteps  int64
	// Dt is the step in ms, used to express times in ms (Times, Raster);
	// the generated code sets it to the network's dt.
	Dt float64
	// Neurons is the number of neurons whose spikes are recorded: set by
	// EnableSpikes from its ranks, to be set by the caller when all ranks of
	// the population are recorded. Used for firing rates.
	Neurons int
	// RateCoded marks a monitor of a rate-coded population: a sweep
	// summarises each of its variables (mean and final value).
	RateCoded bool

	recording bool
	anchored  bool  // start step known
	startStep int64 // frames are recorded when (step-startStep) % PeriodSteps == 0

	dueStep  int64 // memo of the last Due call
	dueValue bool
	dueValid bool

	frameSteps []int64 `state:"-"` // step of each frame held, shared by the variables

	spikes    bool
	spikeMask []bool // nil: every rank recorded
	// Spikes held in memory: the population ranks, step after step (4
	// bytes a spike), and the steps, one run per step that had spikes. The
	// ranks fill segments of doubling size, one after the other, so that a
	// long run never copies the spikes it holds (nor maps pages twice for
	// them). They are read segment by segment, and joined only to be put
	// in raster order when recorded otherwise (sortSpikes).
	spikeFull  [][]int32  `state:"-"` // full segments, before spikeRanks
	spikeFullN int        `state:"-"` // the spikes they hold
	spikeRanks []int32    `state:"-"` // the segment being filled
	spikeRuns  []spikeRun `state:"-"` // start counts all held spikes
	// spikes streamed to disk: the spikes of the current step are buffered
	// and written sorted by rank when the step changes.
	spikeTimesStream, spikeRanksStream *results.NpyStream `state:"-"`
	pendingStep                        int64              `state:"-"`
	pendingRanks                       []int64            `state:"-"`
	one                                [1]float64         `state:"-"`

	streamDir   string             `state:"-"`
	timesStream *results.NpyStream `state:"-"` // time of each streamed frame
	streamT0    *float64           `state:"-"` // time of the first streamed frame
	err         error              `state:"-"` // first streaming error

	// Synapses, set for a projection's monitor, returns the pre- and
	// postsynaptic population rank of each synapse, in the order of the
	// recorded frames' values.
	Synapses func() (pre, post []int32)

	// clock is the step counter of the monitor's network (SetClock), and
	// since the step the spikes held were recorded from (creation, Start,
	// Reset or TakeRaster): the window of SpikeStats.
	clock *int64 `state:"-"`
	since int64  `state:"-"`
}

// spikeRun is a step of held spikes: their ranks are those from position
// start among all held spikes up to the next run's start.
type spikeRun struct {
	step  int64
	start int
}

// MonitorVar is one recorded variable.
type MonitorVar struct {
	Name    string
	Shape   []int     // per-frame shape (geometry of the view, or [synapses])
	Data    []float64 `state:"-"` // frames held in memory, frame after frame
	Float32 bool      // written as float32 (float32 models)
	Unit    string    // as the model's units: declares it ("" when it does not)

	size    int                // values per frame
	first   int                `state:"-"` // index in Monitor.frameSteps of the first frame held
	stream  *results.NpyStream `state:"-"`
	scratch []float64          `state:"-"` // one frame, for gathering into a stream
}

// NewMonitor creates a monitor recording every periodSteps steps (at least 1),
// recording at once if start is true. The first frame is taken at the first
// step for which Due is asked after recording starts.
func NewMonitor(name, target string, periodSteps int64, start bool) *Monitor {
	if periodSteps < 1 {
		periodSteps = 1
	}
	return &Monitor{Name: name, Target: target, PeriodSteps: periodSteps, Dt: 1, recording: start}
}

// AddVar declares a variable recorded with the given per-frame shape and
// returns its index for Append.
func (m *Monitor) AddVar(name string, shape []int) int {
	size := 1
	for _, d := range shape {
		size *= d
	}
	m.Vars = append(m.Vars, MonitorVar{Name: name, Shape: slices.Clone(shape), size: size})
	return len(m.Vars) - 1
}

// AddVar32 is AddVar for a variable written as float32.
func (m *Monitor) AddVar32(name string, shape []int) int {
	i := m.AddVar(name, shape)
	m.Vars[i].Float32 = true
	return i
}

// Var returns the index of the variable called name, or -1.
func (m *Monitor) Var(name string) int {
	for i := range m.Vars {
		if m.Vars[i].Name == name {
			return i
		}
	}
	return -1
}

// EnableSpikes records the spikes of the given population ranks (nil: all).
func (m *Monitor) EnableSpikes(ranks []int) {
	m.spikes = true
	m.spikeMask = nil
	if ranks == nil {
		return
	}
	n := 0
	for _, r := range ranks {
		n = max(n, r+1)
	}
	m.spikeMask = make([]bool, n)
	for _, r := range ranks {
		if r >= 0 {
			m.spikeMask[r] = true
		}
	}
	m.Neurons = len(ranks)
}

// RecordsSpikes reports whether EnableSpikes was called.
func (m *Monitor) RecordsSpikes() bool { return m.spikes }

// Recording reports whether the monitor records (started and not paused).
func (m *Monitor) Recording() bool { return m.recording }

// Due reports whether variables are to be recorded at step: the monitor is
// recording and step - start is a multiple of PeriodSteps. The first call
// after Start anchors the period grid at that step. Asking twice for the same
// step gives the same answer and counts one frame.
func (m *Monitor) Due(step int64) bool {
	if m.dueValid && step == m.dueStep {
		return m.dueValue
	}
	m.dueStep, m.dueValid = step, true
	m.dueValue = false
	if !m.recording {
		return false
	}
	if !m.anchored {
		m.anchored, m.startStep = true, step
	}
	// The grid extends before the anchor too, should the clock be set back.
	if (step-m.startStep)%m.PeriodSteps != 0 {
		return false
	}
	m.dueValue = true
	if len(m.Vars) > 0 {
		if m.streamDir == "" {
			m.frameSteps = append(m.frameSteps, step)
		} else {
			m.streamTime(float64(step) * m.Dt)
		}
	}
	return true
}

// Reserve makes room for the frames the next steps steps can record, so that
// recording them allocates nothing: the step loop calls it at the start of
// every run with the number of steps the run will compute (the monitors
// given to Core.SetMonitors). A buffer that must grow grows to what is needed,
// or by a quarter when that is more, so that many short runs (single steps)
// still grow geometrically.
func (m *Monitor) Reserve(steps int64) {
	if !m.recording || m.streamDir != "" || steps <= 0 || len(m.Vars) == 0 {
		return
	}
	// At most one frame per PeriodSteps steps, wherever the grid is anchored.
	frames := (steps + m.PeriodSteps - 1) / m.PeriodSteps
	m.frameSteps = growCap(m.frameSteps, frames)
	var fill [][]byte
	for i := range m.Vars {
		v := &m.Vars[i]
		if v.size > 0 && frames <= math.MaxInt/int64(v.size) {
			v.Data = growCap(v.Data, frames*int64(v.size))
			fill = append(fill, spareBytes(v.Data, int(frames)*v.size))
		}
	}
	prefault(fill)
}

// growCap returns s with room for n more elements (see Reserve).
func growCap[T any](s []T, n int64) []T {
	if n <= 0 || int64(cap(s)-len(s)) >= n {
		return s
	}
	want := int64(len(s)) + n
	if g := int64(cap(s)) + int64(cap(s))/4; g > want {
		want = g
	}
	out := makeHuge[T](len(s), int(want))
	copy(out, s)
	return out
}

// Append records one frame of variable i (vals is copied).
func (m *Monitor) Append(i int, vals []float64) {
	v := &m.Vars[i]
	if v.stream != nil {
		m.streamErr(v.stream.Append(vals))
		return
	}
	v.Data = append(v.Data, vals...)
}

// AppendGather records one frame of variable i made of vals[r] for r in ranks.
func (m *Monitor) AppendGather(i int, vals []float64, ranks []int) { appendGather(m, i, vals, ranks) }

// Append32 records one frame of a float32 variable.
func (m *Monitor) Append32(i int, vals []float32) {
	v := &m.Vars[i]
	if v.stream != nil {
		m.streamErr(v.stream.Append32(vals))
		return
	}
	n := len(v.Data)
	v.Data = slices.Grow(v.Data, len(vals))[:n+len(vals)]
	dst := v.Data[n:]
	for k, x := range vals {
		dst[k] = float64(x)
	}
}

// AppendGather32 records one frame of a float32 variable made of vals[r] for
// r in ranks.
func (m *Monitor) AppendGather32(i int, vals []float32, ranks []int) { appendGather(m, i, vals, ranks) }

// AppendAt records one frame of a per-synapse variable held in storage
// order: vals[at[s]] for every synapse s (RowStorage), or vals itself when
// at is empty.
func (m *Monitor) AppendAt(i int, vals []float64, at []int32) {
	if len(at) == 0 {
		m.Append(i, vals)
		return
	}
	appendGather(m, i, vals, at)
}

// AppendAt32 is AppendAt for a float32 variable.
func (m *Monitor) AppendAt32(i int, vals []float32, at []int32) {
	if len(at) == 0 {
		m.Append32(i, vals)
		return
	}
	appendGather(m, i, vals, at)
}

// appendGather records one frame of variable i made of vals[r] for r in
// ranks.
func appendGather[F Float, I int | int32](m *Monitor, i int, vals []F, ranks []I) {
	v := &m.Vars[i]
	var dst []float64
	if v.stream != nil {
		dst = v.frameBuf(len(ranks))
	} else {
		n := len(v.Data)
		v.Data = slices.Grow(v.Data, len(ranks))[:n+len(ranks)]
		dst = v.Data[n:]
	}
	for k, r := range ranks {
		dst[k] = float64(vals[r])
	}
	if v.stream != nil {
		m.streamErr(v.stream.Append(dst))
	}
}

func (v *MonitorVar) frameBuf(n int) []float64 {
	if cap(v.scratch) < n {
		v.scratch = make([]float64, n)
	}
	return v.scratch[:n]
}

// streamTime appends the time of a streamed frame.
func (m *Monitor) streamTime(t float64) {
	if m.streamT0 == nil {
		m.streamT0 = &t
	}
	m.one[0] = t
	m.streamErr(m.timesStream.Append(m.one[:]))
}

func (m *Monitor) streamErr(err error) {
	if err != nil && m.err == nil {
		m.err = err
	}
}

// Spike records a spike of population rank at step, if the monitor records
// spikes, is recording and the rank belongs to the recorded ones. Ranks are
// population ranks, also for a view.
func (m *Monitor) Spike(step int64, rank int) {
	if !m.spikes || !m.recording {
		return
	}
	if m.spikeMask != nil && (rank >= len(m.spikeMask) || !m.spikeMask[rank]) {
		return
	}
	if m.spikeTimesStream != nil {
		if step != m.pendingStep {
			m.flushSpikes()
			m.pendingStep = step
		}
		m.pendingRanks = append(m.pendingRanks, int64(rank))
		return
	}
	m.spikeStep(step)
	m.holdSpikes([]int32{int32(rank)})
}

// Spikes records the spikes of population ranks at step (as Spike for each,
// with the checks made once).
func (m *Monitor) Spikes(step int64, ranks []int32) {
	if !m.spikes || !m.recording || len(ranks) == 0 {
		return
	}
	if m.spikeMask != nil || m.spikeTimesStream != nil {
		for _, r := range ranks {
			m.Spike(step, int(r))
		}
		return
	}
	m.spikeStep(step)
	m.holdSpikes(ranks)
}

// spikeStep starts the run of step unless the last run is that step's.
func (m *Monitor) spikeStep(step int64) {
	if n := len(m.spikeRuns); n == 0 || m.spikeRuns[n-1].step != step {
		m.spikeRuns = appendGrow(m.spikeRuns, spikeRun{step: step, start: m.heldSpikes()})
	}
}

// holdSpikes appends ranks, spikes of the last run, to the held spikes,
// starting a segment twice the size of the last when it is full.
func (m *Monitor) holdSpikes(ranks []int32) {
	if len(ranks) == 0 {
		return
	}
	for {
		k := min(len(ranks), cap(m.spikeRanks)-len(m.spikeRanks))
		m.spikeRanks = append(m.spikeRanks, ranks[:k]...)
		if ranks = ranks[k:]; len(ranks) == 0 {
			return
		}
		if len(m.spikeRanks) > 0 {
			m.spikeFull = append(m.spikeFull, m.spikeRanks)
			m.spikeFullN += len(m.spikeRanks)
		}
		m.spikeRanks = makeHuge[int32](0, max(2*cap(m.spikeRanks), 1024))
	}
}

// heldSpikes is the number of spikes held in memory.
func (m *Monitor) heldSpikes() int { return m.spikeFullN + len(m.spikeRanks) }

// eachSpikes calls fn with the held spikes' ranks, segment by segment, in
// the order they were recorded.
func (m *Monitor) eachSpikes(fn func(ranks []int32)) {
	for _, s := range m.spikeFull {
		fn(s)
	}
	fn(m.spikeRanks)
}

// joinSpikes makes spikeRanks hold every held spike.
func (m *Monitor) joinSpikes() {
	if len(m.spikeFull) == 0 {
		return
	}
	all := makeHuge[int32](0, m.heldSpikes())
	for _, s := range m.spikeFull {
		all = append(all, s...)
	}
	m.spikeRanks = append(all, m.spikeRanks...)
	m.spikeFull, m.spikeFullN = nil, 0
}

// dropSpikes forgets the spikes held in memory and their memory.
func (m *Monitor) dropSpikes() {
	m.spikeRanks, m.spikeRuns, m.spikeFull, m.spikeFullN = nil, nil, nil, 0
}

// appendGrow is append that doubles the capacity of a slice it must grow
// (append grows large slices by a quarter, copying them over and over in a
// long run), in huge pages when large.
func appendGrow[T any](s []T, vals ...T) []T {
	if cap(s)-len(s) < len(vals) {
		out := makeHuge[T](len(s), max(2*cap(s), len(s)+len(vals), 1024))
		copy(out, s)
		s = out
	}
	return append(s, vals...)
}

// flushSpikes writes the buffered spikes of one step, sorted by rank.
func (m *Monitor) flushSpikes() {
	if len(m.pendingRanks) == 0 {
		return
	}
	slices.Sort(m.pendingRanks)
	t := float64(m.pendingStep) * m.Dt
	for _, r := range m.pendingRanks {
		m.one[0] = t
		m.streamErr(m.spikeTimesStream.Append(m.one[:]))
		m.one[0] = float64(r)
		m.streamErr(m.spikeRanksStream.Append(m.one[:]))
	}
	m.pendingRanks = m.pendingRanks[:0]
}

// Start starts recording; the period grid is anchored at the next step.
func (m *Monitor) Start() {
	m.since = m.now()
	m.recording = true
	m.anchored = false
	m.dueValid = false
}

// Pause stops recording, keeping what was recorded and the period grid.
func (m *Monitor) Pause() {
	m.recording = false
	m.dueValid = false
}

// Resume continues recording on the period grid of the last Start.
func (m *Monitor) Resume() {
	m.recording = true
	m.dueValid = false
}

// Reset forgets everything recorded in memory; recording state is kept and
// the period grid is anchored again at the next step.
func (m *Monitor) Reset() {
	for i := range m.Vars {
		m.Vars[i].Data = m.Vars[i].Data[:0]
		m.Vars[i].first = 0
	}
	m.frameSteps = m.frameSteps[:0]
	m.spikeRanks = m.spikeRanks[:0]
	m.spikeRuns = m.spikeRuns[:0]
	m.spikeFull, m.spikeFullN = nil, 0
	m.since = m.now()
	m.anchored = false
	m.dueValid = false
}

// Frames is the number of frames of variable i held in memory.
func (m *Monitor) Frames(i int) int {
	v := &m.Vars[i]
	if v.size == 0 {
		return len(m.frameSteps) - v.first
	}
	return len(v.Data) / v.size
}

// Get returns the frames of the variable called name recorded since the last
// Get (or Reset), as one slice of shape (T, frame...), and forgets them, as
// ANNarchy's Monitor.get does. Unknown names and streamed variables give nil.
func (m *Monitor) Get(name string) (data []float64, shape []int) {
	i := m.Var(name)
	if i < 0 {
		return nil, nil
	}
	v := &m.Vars[i]
	t := m.Frames(i)
	shape = append([]int{t}, v.Shape...)
	data = v.Data
	v.Data = nil
	v.first += t
	m.trimFrames()
	return data, shape
}

// Times returns the times in ms of the frames of the variable called name
// held in memory (what Get would return).
func (m *Monitor) Times(name string) []float64 {
	i := m.Var(name)
	if i < 0 {
		return nil
	}
	v := &m.Vars[i]
	steps := m.frameSteps[v.first : v.first+m.Frames(i)]
	out := make([]float64, len(steps))
	for k, s := range steps {
		out[k] = float64(s) * m.Dt
	}
	return out
}

// trimFrames drops the frame times every variable has handed out.
func (m *Monitor) trimFrames() {
	lo := len(m.frameSteps)
	for i := range m.Vars {
		lo = min(lo, m.Vars[i].first)
	}
	if lo == 0 {
		return
	}
	n := copy(m.frameSteps, m.frameSteps[lo:])
	m.frameSteps = m.frameSteps[:n]
	for i := range m.Vars {
		m.Vars[i].first -= lo
	}
}

// SpikeCount is the number of spikes held in memory.
func (m *Monitor) SpikeCount() int { return m.heldSpikes() }

// Raster returns the spikes held in memory (recorded since the last
// TakeRaster or Reset) as times in ms and population ranks, ordered by time
// then rank. It changes nothing: SpikeCount and MeanFR still count them.
func (m *Monitor) Raster() (times []float64, ranks []int64) {
	return m.spikeTimes(), m.spikeRanks64()
}

// TakeRaster is Raster that also forgets the spikes it returns (as
// ANNarchy's get('spike')), so that memory stays bounded over a long series
// of runs; SpikeCount and MeanFR then count only later spikes.
func (m *Monitor) TakeRaster() (times []float64, ranks []int64) {
	times, ranks = m.Raster()
	m.dropSpikes()
	m.since = m.now()
	return times, ranks
}

// SetClock gives the monitor the step counter of its network, which the
// generated code does when it creates it: the statistics of its spikes
// cover the steps from then (or from Start, Reset or TakeRaster) to the
// network's current step.
func (m *Monitor) SetClock(step *int64) {
	m.clock = step
	m.since = *step
}

// now is the network's current step (0 without a clock).
func (m *Monitor) now() int64 {
	if m.clock == nil {
		return 0
	}
	return *m.clock
}

// SpikeStats returns the spikes held in memory (Raster) with their
// statistics (package spikestats): over the window from the step they were
// recorded from (the monitor's creation, Start, Reset or TakeRaster) to the
// network's current time; per-neuron results are indexed by population
// rank, rates count the recorded neurons (those of a view). It changes
// nothing. A window without a step, or spikes outside it (a clock set back
// without resetting the monitor), is an error.
func (m *Monitor) SpikeStats() (*spikestats.Spikes, error) {
	if !m.spikes {
		return nil, fmt.Errorf("monitor %s does not record spikes", m.Name)
	}
	if m.Streaming() {
		return nil, fmt.Errorf("monitor %s streams its spikes to %s: read them there (annc's analysis package)", m.Name, m.streamDir)
	}
	times, ranks := m.Raster()
	s, err := spikestats.NewRecorded(times, ranks, m.Neurons, len(m.spikeMask), float64(m.since)*m.Dt, float64(m.now())*m.Dt)
	if err != nil {
		return nil, fmt.Errorf("monitor %s: %w", m.Name, err)
	}
	return s, nil
}

// Histogram counts the spikes held (SpikeStats) in bins of binMs ms from the
// start of the window.
func (m *Monitor) Histogram(binMs float64) ([]int, error) {
	s, err := m.SpikeStats()
	if err != nil {
		return nil, err
	}
	return s.Histogram(binMs)
}

// PopulationRate is the firing rate in Hz of the recorded neurons in bins
// of binMs ms, smoothed by a Gaussian of standard deviation smoothMs ms (0:
// none), from the spikes held (SpikeStats).
func (m *Monitor) PopulationRate(binMs, smoothMs float64) ([]float64, error) {
	s, err := m.SpikeStats()
	if err != nil {
		return nil, err
	}
	return s.PopulationRate(binMs, smoothMs)
}

// ISI returns the inter-spike intervals in ms of each neuron (index:
// population rank; nil below two spikes), from the spikes held.
func (m *Monitor) ISI() ([][]float64, error) {
	s, err := m.SpikeStats()
	if err != nil {
		return nil, err
	}
	return s.ISIs(), nil
}

// CV returns each neuron's coefficient of variation of its inter-spike
// intervals (index: population rank; NaN below two intervals), from the
// spikes held.
func (m *Monitor) CV() ([]float64, error) {
	s, err := m.SpikeStats()
	if err != nil {
		return nil, err
	}
	return s.CV(), nil
}

// spikeTimes returns the time in ms of each held spike, in raster order.
func (m *Monitor) spikeTimes() []float64 {
	m.sortSpikes()
	out := make([]float64, m.heldSpikes())
	for k, run := range m.spikeRuns {
		t := float64(run.step) * m.Dt
		for i := run.start; i < m.runEnd(k); i++ {
			out[i] = t
		}
	}
	return out
}

// spikeRanks64 returns the rank of each held spike, in raster order.
func (m *Monitor) spikeRanks64() []int64 {
	m.sortSpikes()
	out := make([]int64, 0, m.heldSpikes())
	m.eachSpikes(func(ranks []int32) {
		for _, r := range ranks {
			out = append(out, int64(r))
		}
	})
	return out
}

// runEnd is the end of the ranks of spike run k.
func (m *Monitor) runEnd(k int) int {
	if k+1 < len(m.spikeRuns) {
		return m.spikeRuns[k+1].start
	}
	return m.heldSpikes()
}

// inRasterOrder reports whether the held spikes are in raster order already
// (the steps of the runs increasing, ranks ascending within each run),
// reading the segments in place: only spikes recorded otherwise (a step
// after a later one, ranks not ascending) are joined to be sorted.
func (m *Monitor) inRasterOrder() bool {
	runs := m.spikeRuns
	for k := 1; k < len(runs); k++ {
		if runs[k].step <= runs[k-1].step {
			return false
		}
	}
	ordered, pos, k := true, 0, 0
	var last int32
	m.eachSpikes(func(ranks []int32) {
		for _, r := range ranks {
			opens := false // r is the first spike of a run (empty runs skipped)
			for k < len(runs) && runs[k].start == pos {
				k, opens = k+1, true
			}
			ordered = ordered && (opens || r >= last)
			last, pos = r, pos+1
		}
	})
	return ordered
}

// sortSpikes puts the held spikes in raster order: runs of increasing
// steps (one per step; a clock set back can repeat a step), ranks ascending
// within a run.
func (m *Monitor) sortSpikes() {
	if m.inRasterOrder() {
		return
	}
	m.joinSpikes()
	ordered := true
	for k := 1; k < len(m.spikeRuns); k++ {
		if m.spikeRuns[k].step <= m.spikeRuns[k-1].step {
			ordered = false
			break
		}
	}
	if !ordered {
		idx := make([]int, len(m.spikeRuns))
		for k := range idx {
			idx[k] = k
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(m.spikeRuns[a].step, m.spikeRuns[b].step) })
		ranks := make([]int32, 0, len(m.spikeRanks))
		var runs []spikeRun
		for _, k := range idx {
			step := m.spikeRuns[k].step
			if n := len(runs); n == 0 || runs[n-1].step != step {
				runs = append(runs, spikeRun{step: step, start: len(ranks)})
			}
			ranks = append(ranks, m.spikeRanks[m.spikeRuns[k].start:m.runEnd(k)]...)
		}
		m.spikeRanks, m.spikeRuns = ranks, runs
	}
	for k := range m.spikeRuns {
		if r := m.spikeRanks[m.spikeRuns[k].start:m.runEnd(k)]; !slices.IsSorted(r) {
			slices.Sort(r)
		}
	}
}

// MeanFR is the mean firing rate in Hz of the recorded neurons over durationMs,
// from the spikes held in memory: spikes / (Neurons × duration in s). It is NaN
// when Neurons or durationMs is not positive.
func (m *Monitor) MeanFR(durationMs float64) float64 {
	return MeanRate(m.heldSpikes(), m.Neurons, durationMs)
}

// MeanRate is spikes / (neurons × durationMs/1000) in Hz, NaN when neurons or
// durationMs is not positive.
func MeanRate(spikes, neurons int, durationMs float64) float64 {
	if neurons <= 0 || durationMs <= 0 {
		return math.NaN()
	}
	return float64(spikes) / (float64(neurons) * durationMs / 1000)
}

// FileName is the name of the .npy file of a variable of monitor m
// (results.MonitorFile).
func (m *Monitor) FileName(variable string) string { return results.MonitorFile(m.Name, variable) }

// StreamTo makes the monitor write every later frame and spike straight into
// .npy files in dir (created if needed) instead of memory:
// FileName(variable) for each variable, FileName("t") for the frames'
// times, "<monitor>.spike_times.npy" and "<monitor>.spike_ranks.npy" for
// spikes. Each file stays a valid .npy of what it holds (see
// results.NpyStream). What is already held in memory is
// written first. Close finishes the files; Get and Raster then return nothing.
func (m *Monitor) StreamTo(dir string) error {
	if m.streamDir != "" {
		return fmt.Errorf("monitor %s: already streaming to %s", m.Name, m.streamDir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var opened []*results.NpyStream
	fail := func(err error) error {
		for _, s := range opened {
			s.Close()
		}
		for i := range m.Vars {
			m.Vars[i].stream = nil
		}
		m.spikeTimesStream, m.spikeRanksStream, m.timesStream = nil, nil, nil
		return fmt.Errorf("monitor %s: %w", m.Name, err)
	}
	first := len(m.frameSteps) // the frames held by the variable that holds most
	for i := range m.Vars {
		first = min(first, m.Vars[i].first)
	}
	m.streamT0 = nil
	if len(m.Vars) > 0 {
		s, err := results.CreateNpyStream(filepath.Join(dir, m.FileName(results.VarTimes)), nil, "float64")
		if err != nil {
			return fail(err)
		}
		opened = append(opened, s)
		m.timesStream = s
		for _, st := range m.frameSteps[first:] {
			m.streamTime(float64(st) * m.Dt)
		}
	}
	for i := range m.Vars {
		v := &m.Vars[i]
		dtype := "float64"
		if v.Float32 {
			dtype = "float32"
		}
		s, err := results.CreateNpyStream(filepath.Join(dir, m.FileName(v.Name)), v.Shape, dtype)
		if err != nil {
			return fail(err)
		}
		opened = append(opened, s)
		for f := 0; f+v.size <= len(v.Data) && v.size > 0; f += v.size {
			if err := s.Append(v.Data[f : f+v.size]); err != nil {
				return fail(err)
			}
		}
		v.stream = s
	}
	if m.spikes {
		ts, err := results.CreateNpyStream(filepath.Join(dir, m.FileName(results.VarSpikeTimes)), nil, "float64")
		if err != nil {
			return fail(err)
		}
		opened = append(opened, ts)
		rs, err := results.CreateNpyStream(filepath.Join(dir, m.FileName(results.VarSpikeRanks)), nil, "int64")
		if err != nil {
			return fail(err)
		}
		opened = append(opened, rs)
		m.spikeTimesStream, m.spikeRanksStream = ts, rs
		times, ranks := m.TakeRaster()
		for k := range times {
			m.one[0] = times[k]
			m.streamErr(ts.Append(m.one[:]))
			m.one[0] = float64(ranks[k])
			m.streamErr(rs.Append(m.one[:]))
		}
		m.pendingStep = math.MinInt64
	}
	for i := range m.Vars {
		m.Vars[i].Data = nil
		m.Vars[i].first = len(m.frameSteps)
	}
	m.trimFrames()
	m.streamDir = dir
	return m.err
}

// Streaming reports whether the monitor writes to files (StreamTo).
func (m *Monitor) Streaming() bool { return m.streamDir != "" }

// StreamFrames is the number of frames written to the stream of variable i.
func (m *Monitor) StreamFrames(i int) int {
	if s := m.Vars[i].stream; s != nil {
		return s.Frames()
	}
	return 0
}

// StreamSpikes is the number of spikes written to the spike streams.
func (m *Monitor) StreamSpikes() int {
	if m.spikeTimesStream == nil {
		return 0
	}
	return m.spikeTimesStream.Frames() + len(m.pendingRanks)
}

// Close finishes the files of a streaming monitor (no-op otherwise) and
// reports the first write error. The monitor records in memory afterwards.
func (m *Monitor) Close() error {
	if m.streamDir == "" {
		return m.err
	}
	if m.spikeTimesStream != nil {
		m.flushSpikes()
	}
	var errs []error
	if m.err != nil {
		errs = append(errs, m.err)
	}
	for i := range m.Vars {
		if s := m.Vars[i].stream; s != nil {
			errs = append(errs, s.Close())
			m.Vars[i].stream = nil
		}
		m.Vars[i].first = len(m.frameSteps)
	}
	m.trimFrames()
	if m.spikeTimesStream != nil {
		errs = append(errs, m.spikeTimesStream.Close(), m.spikeRanksStream.Close())
		m.spikeTimesStream, m.spikeRanksStream = nil, nil
	}
	if m.timesStream != nil {
		errs = append(errs, m.timesStream.Close())
		m.timesStream = nil
	}
	m.streamDir = ""
	m.err = nil
	return errors.Join(errs...)
}
