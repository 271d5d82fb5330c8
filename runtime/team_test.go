package runtime

import (
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// cover runs Split(n) on c and checks that every index is visited exactly
// once, by non-empty chunks in order, and that the number of chunks is as
// reported.
func cover(t *testing.T, c *Core, n, cost int) int {
	t.Helper()
	seen := make([]int32, n)
	var calls atomic.Int32
	var firsts, ends [MaxChunks]int
	k := c.Split(n, cost, func(chunk, lo, hi int) {
		calls.Add(1)
		firsts[chunk], ends[chunk] = lo, hi
		for i := lo; i < hi; i++ {
			seen[i]++
		}
	})
	if int(calls.Load()) != k {
		t.Fatalf("Split(%d) reported %d chunks, ran %d", n, k, calls.Load())
	}
	for i, s := range seen {
		if s != 1 {
			t.Fatalf("Split(%d) in %d chunks: index %d visited %d times", n, k, i, s)
		}
	}
	for j := range k {
		if (n > 0 && ends[j] <= firsts[j]) || (j > 0 && firsts[j] != ends[j-1]) {
			t.Errorf("chunk %d of %d is [%d, %d), after [%d, %d)", j, k, firsts[j], ends[j], firsts[max(j-1, 0)], ends[max(j-1, 0)])
		}
		if minChunkWork != 0 && firsts[j] != j*n/k {
			t.Errorf("chunk %d of %d starts at %d, want %d", j, k, firsts[j], j*n/k)
		}
	}
	return k
}

// SetMinChunkWork(0) cuts splits into changing numbers of chunks of
// uneven, changing sizes, each covering its items once.
func TestSplitUnevenCuts(t *testing.T) {
	defer SetMinChunkWork(SetMinChunkWork(0))
	c := &Core{Dt: 1}
	c.SetThreads(4)
	starts := map[int]bool{}
	c.Run(1, func() {
		for range 40 {
			var first [MaxChunks]int
			k := c.Split(1000, 1, func(chunk, lo, hi int) { first[chunk] = lo })
			if k == 2 {
				starts[first[1]] = true
			}
			for _, n := range []int{1, 2, 3, 4, 1000} {
				cover(t, c, n, 1)
			}
		}
	})
	if len(starts) < 3 {
		t.Errorf("splits in 2 chunks began their second at %v: want uneven, changing places", starts)
	}
}

func TestSplitCoversEachIndexOnce(t *testing.T) {
	defer SetMinChunkWork(SetMinChunkWork(1))
	for _, threads := range []int{1, 2, 3, 4, 16, 40} {
		c := &Core{Dt: 1}
		c.SetThreads(threads)
		c.Run(1, func() {
			for _, n := range []int{0, 1, 2, 3, 5, 16, 17, 1000} {
				k := cover(t, c, n, 1)
				want := min(c.Threads(), max(n, 1))
				if k != want {
					t.Errorf("threads %d, n %d: %d chunks, want %d", threads, n, k, want)
				}
			}
		})
	}
}

func TestSplitSmallWorkStaysWhole(t *testing.T) {
	c := &Core{Dt: 1}
	c.SetThreads(4)
	c.Run(1, func() {
		if k := cover(t, c, 100, 1); k != 1 { // 100 units: not worth a hand-over
			t.Errorf("100 cheap elements cut into %d chunks", k)
		}
		if k := cover(t, c, 100000, 10); k != 4 {
			t.Errorf("10^6 units of work in %d chunks, want 4", k)
		}
	})
	// Outside a run there are no helpers.
	if k := cover(t, c, 100000, 10); k != 1 {
		t.Errorf("Split outside a run used %d chunks", k)
	}
}

// A panic in a helper's chunk reaches the goroutine running the network,
// after every chunk has ended; the helpers stop with the run.
func TestSplitPanicAndNoLeak(t *testing.T) {
	defer SetMinChunkWork(SetMinChunkWork(1))
	before := goruntime.NumGoroutine()
	c := &Core{Dt: 1}
	c.SetThreads(3)
	var finished atomic.Int32
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "chunk 2") {
				t.Errorf("recovered %v, want the panic of chunk 2", r)
			}
		}()
		c.Run(1, func() {
			c.Split(30, 1, func(chunk, lo, hi int) {
				if chunk == 2 {
					panic("chunk 2")
				}
				time.Sleep(time.Millisecond)
				finished.Add(1)
			})
		})
	}()
	if finished.Load() != 2 {
		t.Errorf("%d chunks finished before the panic went on, want 2", finished.Load())
	}
	// The network still runs afterwards.
	c.Run(3, func() { cover(t, c, 30, 1) })
	deadline := time.Now().Add(2 * time.Second)
	for goruntime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := goruntime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the runs, %d before", n, before)
	}
}

// Helpers park when no chunk comes for a while and wake for the next one.
func TestSplitHelpersParkAndWake(t *testing.T) {
	defer SetMinChunkWork(SetMinChunkWork(1))
	c := &Core{Dt: 1}
	c.SetThreads(2)
	steps := 0
	c.Run(3, func() {
		if steps > 0 {
			time.Sleep(5 * time.Millisecond) // long enough for the helper to park
			if !c.team.active[0].idle.Load() {
				t.Error("the helper did not park while idle")
			}
		}
		steps++
		if k := cover(t, c, 10, 1); k != 2 {
			t.Errorf("%d chunks, want 2", k)
		}
	})
}

// The owner computes the chunks of helpers that have not started them by
// the time its own chunk is done; a helper that comes later skips them and
// serves the next split.
func TestSplitOwnerRunsUnstartedChunks(t *testing.T) {
	defer SetMinChunkWork(SetMinChunkWork(1))
	c := &Core{Dt: 1}
	h := newHelper() // not running yet: it cannot take its chunk
	c.team = &team{active: []*helper{h}}
	if k := cover(t, c, 10, 1); k != 2 {
		t.Fatalf("%d chunks, want 2", k)
	}
	if h.claimed.Load() != 1 || h.done.Load() != 1 {
		t.Fatalf("claimed %d, done %d after the owner ran chunk 1, want 1 and 1", h.claimed.Load(), h.done.Load())
	}
	go h.run()
	defer h.stop()
	// Chunk 0 waits until chunk 1 runs, which only the helper can do then.
	started := make(chan struct{})
	c.Split(10, 1, func(chunk, lo, hi int) {
		if chunk == 1 {
			close(started)
			return
		}
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Error("the helper did not run chunk 1 of the next split")
		}
	})
	if h.claimed.Load() != 2 || h.done.Load() != 2 {
		t.Errorf("claimed %d, done %d, want 2 and 2", h.claimed.Load(), h.done.Load())
	}
}

// coreNet is a network as ParallelRun sees it.
type coreNet struct {
	c      Core
	chunks []int
}

func (n *coreNet) Base() *Core { return &n.c }

// Workers left without a run help the runs still going, which then split
// their loops; results stay those of the runs alone.
func TestParallelRunLendsIdleWorkers(t *testing.T) {
	defer SetMinChunkWork(SetMinChunkWork(1))
	if goruntime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2")
	}
	nets := make([]*coreNet, 3)
	for i := range nets {
		nets[i] = &coreNet{c: Core{Dt: 1}}
	}
	res, errs := ParallelRun(nets, 2, func(i int, n *coreNet) int {
		sum := 0
		// Runs 0 and 1 are short; run 2 is long enough for a worker to
		// finish its run and join it.
		steps := 5
		if i == 2 {
			steps = 2000
		}
		n.c.Run(int64(steps), func() {
			data := make([]int, 64)
			k := n.c.Split(len(data), 1, func(chunk, lo, hi int) {
				for j := lo; j < hi; j++ {
					data[j] = j * i
				}
			})
			n.chunks = append(n.chunks, k)
			for _, x := range data {
				sum += x
			}
			time.Sleep(100 * time.Microsecond)
		})
		return sum
	})
	for i, e := range errs {
		if e != nil {
			t.Fatalf("run %d: %v", i, e)
		}
	}
	for i, r := range res {
		if want := 2016 * i * map[int]int{0: 5, 1: 5, 2: 2000}[i]; r != want {
			t.Errorf("run %d: sum %d, want %d", i, r, want)
		}
	}
	last := nets[2].chunks
	if last[len(last)-1] != 2 {
		t.Errorf("the last run ended on %d chunks, want 2 (a lent worker): %v", last[len(last)-1], last)
	}
	if nets[2].c.team.lent != nil || len(nets[2].c.team.active) != 0 {
		t.Error("the lent worker was not sent back")
	}
}

// SplitGain takes from the work what the synapses delivered whole cost the
// chunks (never below zero), except when tests cut every loop.
func TestSplitGain(t *testing.T) {
	if got := SplitGain(1_000_000, 100); got != 1_000_000-100*crossCoreSynapse {
		t.Errorf("SplitGain(1e6, 100) = %d", got)
	}
	if got := SplitGain(1_000_000, 10_000); got != 0 {
		t.Errorf("SplitGain(1e6, 1e4) = %d, want 0", got)
	}
	for _, w := range []int64{0, 1} {
		old := SetMinChunkWork(w)
		got := SplitGain(1000, 10_000)
		SetMinChunkWork(old)
		if got != 1000 {
			t.Errorf("SetMinChunkWork(%d): SplitGain(1000, 1e4) = %d, want the work", w, got)
		}
	}
}

// SplitBlocks cuts blocks of draws only where each chunk repays the
// hand-over, the short last block included.
func TestSplitBlocks(t *testing.T) {
	c := &Core{Dt: 1}
	c.SetThreads(2)
	chunks := func(n, cost int) int {
		k := 0
		c.Run(1, func() {
			var covered [MaxChunks]int
			k = c.SplitBlocks(n, cost, func(chunk, lo, hi int) {
				for b := lo; b < hi; b++ {
					covered[chunk] += min((b+1)*DrawBlock, n) - b*DrawBlock
				}
			})
			sum := 0
			for _, x := range covered {
				sum += x
			}
			if sum != n {
				t.Errorf("SplitBlocks(%d) in %d chunks covered %d elements", n, k, sum)
			}
		})
		return k
	}
	for _, tc := range []struct{ n, cost, want int }{
		{5000, 100, 1},  // 4,096 and 904 elements: the second chunk is too small
		{8192, 100, 2},  // two full blocks of 409,600 units each
		{8193, 100, 2},  // three blocks, the last of one element: chunks of 4,096 and 4,097
		{100000, 1, 1},  // 25 blocks of cheap elements
		{100000, 30, 2}, // 25 blocks of 4,096 × 30 units: about 1.5 M per chunk
	} {
		if got := chunks(tc.n, tc.cost); got != tc.want {
			t.Errorf("SplitBlocks(%d, cost %d): %d chunks, want %d", tc.n, tc.cost, got, tc.want)
		}
	}
	defer SetMinChunkWork(SetMinChunkWork(1))
	if got := chunks(5000, 100); got != 2 {
		t.Errorf("SetMinChunkWork(1): SplitBlocks(5000) in %d chunks, want 2", got)
	}
}
