package runtime

import (
	"os"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"
)

// MaxChunks bounds the number of pieces one loop of a step is split into;
// generated code keeps per-chunk scratch of this size.
const MaxChunks = 16

// minChunkWork is the estimated work of one chunk (in the cost units of the
// generated code: operations per element) below which splitting a loop
// costs more in hand-over than it saves. A unit is well under a nanosecond
// in vector kernels and simple loops (a COBA neuron, 41 units with its
// input, takes under 1 ns), and a hand-over takes microseconds on a busy
// machine: a step of COBA's 4,000 neurons (about 3 µs) stays whole, one of
// 40,000 is split.
var minChunkWork int64 = 100000

// crossCoreSynapse is the estimated cost, in the units of minChunkWork, of
// a synapse delivered on one goroutine to a neuron another goroutine then
// updates: the line it wrote moves from one core's cache to the other's,
// some 10 ns, as long as updating 20 COBA neurons (41 units each).
const crossCoreSynapse = 800

// SplitGain is what splitting a loop of estimated work gains when lost
// synapses were delivered on the calling goroutine to the items the chunks
// update (see crossCoreSynapse): a step whose deliveries stay whole (a
// projection that does not divide) splits its updates only when they
// outweigh that. COBA with delays drawn over 20 ms, 20,000 neurons, ran
// 20-30 % slower on two goroutines than on one when its updates were
// split. Tests that cut every loop (SetMinChunkWork 0 or 1) cut these too.
func SplitGain(work, lost int64) int64 {
	if minChunkWork <= 1 {
		return work
	}
	return max(work-lost*crossCoreSynapse, 0)
}

// SetMinChunkWork sets the estimated work below which Split does not cut a
// loop (default 100000) and returns the previous value; 1 cuts
// every loop into as many chunks as there are goroutines, which tests use
// to exercise every split path on small networks. 0 cuts each split of a
// network into one chunk more than the previous one, from 1 up to the
// goroutines there are, whatever the work, with chunks of uneven, changing
// sizes: tests use it to check that no result depends on where a split
// is cut, and no state kept by chunk on where the previous split was cut
// (as lent workers joining a run and a changing work estimate make it).
// Not safe to call while a network runs.
func SetMinChunkWork(w int64) int64 {
	old := minChunkWork
	minChunkWork = max(w, 0)
	return old
}

// FusedSteps reports whether generated networks whose step allows it
// deliver spikes and update neurons in one split of the step, each
// goroutine delivering to its range of neurons and updating it (README,
// "One step"); ANNC_FUSE=off in the environment makes them compute one
// phase after the other, with the same results (tests compare both).
func FusedSteps() bool { return os.Getenv("ANNC_FUSE") != "off" }

// team is the set of goroutines that help one network compute its steps:
// the helpers its own SetThreads starts for the time of a run, and the idle
// workers of a ParallelRun lent to it. Only the goroutine running the
// network touches active; helpers join through joining.
type team struct {
	active []*helper // helpers the owner splits loops over
	own    []*helper // the ones started by this network (SetThreads)

	mu      sync.Mutex
	joining []*helper // lent helpers not yet seen by the owner
	pending atomic.Bool
	closed  bool // no more lending (the run that owned the network ended)
	lent    []*helper
}

// A goroutine waiting for the other side of a split (a helper for its
// next chunk, the owner for the helpers' chunks) spins before it blocks:
// a hand-over between spinning goroutines costs a few cache-line
// transfers, one that wakes a blocked goroutine costs tens of
// microseconds of system calls and scheduling, paid on every step when
// the wait is longer than the spin. The wait between two chunks is the
// difference between the chunks of a split plus the serial part of a
// step, which grows with the chunks: a goroutine spins for twice the
// helper's last chunk, at least spinMin (for small chunks, whose steps
// have relatively longer serial parts) and at most spinMax (so that an
// idle helper or a long serial phase does not keep a core busy for
// nothing when the machine is shared).
const (
	spinMin = 30 * time.Microsecond
	spinMax = 500 * time.Microsecond
)

// spinFor is how long a goroutine waiting for h or for a chunk to run on
// h spins before it blocks.
func (h *helper) spinFor() time.Duration {
	return min(max(2*time.Duration(h.lastChunk.Load()), spinMin), spinMax)
}

// helper runs the chunks posted to it by one network's owner goroutine.
type helper struct {
	seq atomic.Uint64 // chunks posted
	// claimed is the last chunk taken, by the helper or, when the helper
	// had not started it by the time the owner finished its own chunk, by
	// the owner (steal): whichever takes chunk s first moves it from s-1.
	claimed atomic.Uint64
	done    atomic.Uint64 // chunks finished
	quit    atomic.Bool
	idle    atomic.Bool // parked on wake
	// lastChunk is how long the last chunk took (nanoseconds).
	lastChunk atomic.Int64
	wake      chan struct{}
	waiting   atomic.Bool // the owner is blocked on finished
	// finished is signalled when a chunk ends while the owner waits.
	finished chan struct{}

	fn        func(chunk, lo, hi int)
	chunk     int
	lo, hi    int
	recovered any // a panic of the last chunk, re-raised by the owner
}

func newHelper() *helper {
	return &helper{wake: make(chan struct{}, 1), finished: make(chan struct{}, 1)}
}

// post hands one chunk to h.
func (h *helper) post(fn func(chunk, lo, hi int), chunk, lo, hi int) {
	h.fn, h.chunk, h.lo, h.hi = fn, chunk, lo, hi
	h.seq.Add(1)
	h.signal()
}

func (h *helper) signal() {
	if h.idle.Load() {
		select {
		case h.wake <- struct{}{}:
		default:
		}
	}
}

// wait returns when h has finished the last posted chunk: it spins for
// spinFor, then blocks until h signals the end of the chunk.
func (h *helper) wait() {
	want := h.seq.Load()
	spin := h.spinFor()
	var since time.Time
	for spins := 0; h.done.Load() != want; spins++ {
		if spins < 64 {
			continue
		}
		goruntime.Gosched()
		if spins%64 != 0 {
			continue
		}
		if now := time.Now(); since.IsZero() {
			since = now
		} else if now.Sub(since) > spin {
			// Either the helper sees waiting after its store of done, or
			// this goroutine sees done after its store of waiting.
			h.waiting.Store(true)
			for h.done.Load() != want {
				<-h.finished
			}
			h.waiting.Store(false)
			return
		}
	}
}

// run serves chunks until quit is set. It spins while chunks come often and
// parks when none came for a while, so an idle helper costs no CPU.
func (h *helper) run() {
	var seen uint64 // a new helper has seen nothing: chunks may come before run starts
	for {
		idleSince := time.Time{}
		spin := h.spinFor()
		for spins := 0; h.seq.Load() == seen; spins++ {
			if h.quit.Load() {
				return
			}
			if spins < 256 {
				continue
			}
			goruntime.Gosched()
			if spins%64 != 0 {
				continue
			}
			now := time.Now()
			if idleSince.IsZero() {
				idleSince = now
			} else if now.Sub(idleSince) > spin {
				h.park(seen)
				idleSince = time.Time{}
				spins = 0
			}
		}
		seen = h.seq.Load()
		if !h.claimed.CompareAndSwap(seen-1, seen) {
			continue // the owner ran it
		}
		start := time.Now()
		h.runChunk()
		h.lastChunk.Store(int64(time.Since(start)))
		h.done.Store(seen)
		if h.waiting.Load() {
			select {
			case h.finished <- struct{}{}:
			default:
			}
		}
	}
}

// park blocks until a chunk after seen is posted or quit is set.
func (h *helper) park(seen uint64) {
	h.idle.Store(true)
	if h.seq.Load() == seen && !h.quit.Load() {
		<-h.wake
	}
	h.idle.Store(false)
}

// steal runs the last posted chunk on the calling goroutine (the owner)
// unless h has taken it already. A helper that parked because the serial
// part of a step outlasted its spin takes tens of microseconds to wake,
// which a short chunk does not repay: the owner then computes the chunk
// instead of waiting. A chunk's results do not depend on the goroutine that
// computes it.
func (h *helper) steal() {
	if want := h.seq.Load(); h.claimed.CompareAndSwap(want-1, want) {
		h.runChunk()
		h.done.Store(want)
	}
}

func (h *helper) runChunk() {
	defer func() { h.recovered = recover() }()
	h.fn(h.chunk, h.lo, h.hi)
}

// stop makes h's run return once it has finished its chunk.
func (h *helper) stop() {
	h.quit.Store(true)
	h.idle.Store(true) // make signal send even if h is about to park
	h.signal()
}

// SetThreads makes each run (Simulate, Step, SimulateUntil) of this network
// split the loops of its steps over k goroutines (k <= 1: one, the
// default). Results are bit-identical for every k: a loop is cut only where
// each element's computation is independent of the others (neuron updates,
// synapse equations, rate-coded weighted sums per postsynaptic neuron, spike
// delivery to ranges of postsynaptic neurons, random draws block by block of
// DrawBlock elements, pre_spike and post_spike by postsynaptic neuron,
// global operations block by block: Reducer), and everything whose result
// depends on order (event statements writing projection-wide variables)
// stays on one goroutine.
func (c *Core) SetThreads(k int) { c.threads = max(1, min(k, MaxChunks)) }

// Splitting reports whether the loops of the running step may be split:
// helpers are running, or lent ones about to join. Without, the work
// estimates given to SplitWork are not needed.
func (c *Core) Splitting() bool {
	t := c.team
	return t != nil && (len(t.active) > 0 || t.pending.Load())
}

// Threads is the number of goroutines set with SetThreads.
func (c *Core) Threads() int { return max(1, c.threads) }

// startThreads starts the network's own helpers for one run.
func (c *Core) startThreads() {
	if c.threads <= 1 {
		return
	}
	if c.team == nil {
		c.team = &team{}
	}
	t := c.team
	for range c.threads - 1 {
		h := newHelper()
		t.own = append(t.own, h)
		t.active = append(t.active, h)
		go h.run()
	}
}

// stopThreads ends the helpers startThreads started.
func (c *Core) stopThreads() {
	t := c.team
	if t == nil || len(t.own) == 0 {
		return
	}
	for _, h := range t.own {
		h.stop()
	}
	t.dropStopped()
	t.own = t.own[:0]
}

// Split calls fn over [0, n) cut into consecutive chunks (chunk 0 first),
// one per available helper plus the calling goroutine, fewer when the work,
// estimated as n × cost, is too small to be worth it. It returns the number
// of chunks; chunk c covers [c·n/k, (c+1)·n/k), except with
// SetMinChunkWork(0) (see cutPoints). fn must compute each item
// independently of the bounds it is given. With no helper it is
// fn(0, 0, n).
func (c *Core) Split(n, cost int, fn func(chunk, lo, hi int)) int {
	return c.SplitWork(n, int64(n)*int64(max(cost, 1)), fn)
}

// SplitWork is Split with the work of the whole loop estimated as work (for
// loops whose work is not spread evenly over the items, such as spike
// delivery: the synapses reached by this step's spikes).
func (c *Core) SplitWork(n int, work int64, fn func(chunk, lo, hi int)) int {
	most := MaxChunks
	if minChunkWork > 0 {
		most = int(min(max(work/minChunkWork, 1), MaxChunks))
	}
	return c.splitUpTo(n, most, fn)
}

// splitUpTo is SplitWork cutting into at most most chunks (any number
// with SetMinChunkWork(0)).
func (c *Core) splitUpTo(n, most int, fn func(chunk, lo, hi int)) int {
	t := c.team
	if t == nil || n <= 1 {
		fn(0, 0, n)
		return 1
	}
	if t.pending.Load() {
		t.admit()
	}
	k := min(len(t.active)+1, n, MaxChunks)
	var pseudo uint64
	if minChunkWork == 0 {
		c.splits++
		k = 1 + int(c.splits%uint64(k))
		pseudo = c.splits
	} else {
		k = min(k, most)
	}
	if k <= 1 {
		fn(0, 0, n)
		return 1
	}
	helpers := t.active[:k-1]
	var at [MaxChunks + 1]int
	cutPoints(&at, n, k, pseudo)
	for j, h := range helpers {
		h.post(fn, j+1, at[j+1], at[j+2])
	}
	func() {
		// A panic in chunk 0 waits for the other chunks before it goes on:
		// no helper may still write to the network afterwards.
		defer func() {
			for _, h := range helpers {
				h.wait()
			}
		}()
		fn(0, 0, at[1])
		for _, h := range helpers {
			h.steal()
		}
	}()
	for _, h := range helpers {
		if r := h.recovered; r != nil {
			h.recovered = nil
			panic(r)
		}
	}
	return k
}

// cutPoints fills at[0..k] with the bounds of k chunks over [0, n): chunk j
// is [at[j], at[j+1]), at[j] = j·n/k. With pseudo set (SetMinChunkWork(0))
// the chunks' shares are drawn from it instead, 1 to 4 parts each, so that
// tests cut loops at uneven, changing places. Each chunk has an item at
// least.
func cutPoints(at *[MaxChunks + 1]int, n, k int, pseudo uint64) {
	at[0], at[k] = 0, n
	if pseudo == 0 {
		for j := 1; j < k; j++ {
			at[j] = j * n / k
		}
		return
	}
	var w [MaxChunks]int
	total := 0
	for j := range k {
		w[j] = 1 + int(((pseudo+uint64(j))*0x9e3779b97f4a7c15)>>62)
		total += w[j]
	}
	sum := 0
	for j := 1; j < k; j++ {
		sum += w[j-1]
		at[j] = min(max(n*sum/total, at[j-1]+1), n-(k-j))
	}
}

// dropStopped removes the helpers told to stop from the active list.
func (t *team) dropStopped() {
	keep := t.active[:0]
	for _, h := range t.active {
		if !h.quit.Load() {
			keep = append(keep, h)
		}
	}
	clear(t.active[len(keep):])
	t.active = keep
}

// admit moves the lent helpers that joined into the active list.
func (t *team) admit() {
	t.mu.Lock()
	t.active = append(t.active, t.joining...)
	clear(t.joining)
	t.joining = t.joining[:0]
	t.pending.Store(false)
	t.mu.Unlock()
}

// lend makes h a helper of c's runs until c is withdrawn; it reports false
// (and h is not used) if c no longer takes helpers.
func (c *Core) lend(h *helper) bool {
	t := c.team
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || len(t.lent)+c.Threads() >= MaxChunks {
		return false
	}
	t.joining = append(t.joining, h)
	t.lent = append(t.lent, h)
	t.pending.Store(true)
	return true
}

// openLending prepares c to receive lent helpers.
func (c *Core) openLending() {
	if c.team == nil {
		c.team = &team{}
	}
	t := c.team
	t.mu.Lock()
	t.closed = false
	t.mu.Unlock()
}

// withdraw sends the lent helpers back; called by the owner goroutine once
// it no longer runs the network.
func (c *Core) withdraw() {
	t := c.team
	if t == nil {
		return
	}
	t.mu.Lock()
	t.closed = true
	lent := t.lent
	t.lent = nil
	clear(t.joining)
	t.joining = t.joining[:0]
	t.pending.Store(false)
	t.mu.Unlock()
	for _, h := range lent {
		h.stop()
	}
	t.dropStopped()
}

// lentCount is the number of helpers lent to c.
func (c *Core) lentCount() int {
	t := c.team
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.lent)
}
