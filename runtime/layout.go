package runtime

import (
	"math"
	"os"
	"runtime/debug"
	"sync"
)

// The presynaptic-major layout of a Conn (PreMajor, made by Compact) keeps
// only what spike transmission reads: per synapse the post rank (Post) and,
// while building, the weight (W), both in the order of the delay-grouped
// pre-major index (the synapses of pre neuron i with delay Delays[k] are the
// positions DelayPtr[i*K+k] .. DelayPtr[i*K+k+1]-1). Pre, PreIdx and Delay
// are not held: the pre rank and the delay of a position follow from the
// row and group it lies in. The synapse order (post-major, the order in
// which values are given, drawn and returned) is then recomputed when asked
// (Order): within a post neuron it is the order of ascending pre ranks,
// unless Compact found otherwise and kept it in Canon.

// Compact turns a post-major Conn into the presynaptic-major layout. The
// weights, when c.W is not nil, are reordered with it. Calling it again
// does nothing.
func (c *Conn) Compact() {
	if c.PreMajor {
		return
	}
	implied := true
	for j := 0; j < c.NPost && implied; j++ {
		for s := c.PostPtr[j] + 1; s < c.PostPtr[j+1]; s++ {
			if c.Pre[s-1] >= c.Pre[s] {
				implied = false
				break
			}
		}
	}
	n := len(c.Pre)
	c.PreIdx = nil
	post := MakeLarge[int32](n)
	var canon []int32
	if !implied {
		canon = MakeLarge[int32](n)
	}
	// One weight for all (often): filled in afterwards rather than moved.
	one, same := Same(c.W)
	var w []float64
	if c.W != nil && !same {
		w = MakeLarge[float64](n)
	}
	src, srcW := c.Post, c.W
	c.group(func(s, p int) {
		post[p] = src[s]
		if w != nil {
			w[p] = srcW[s]
		}
		if canon != nil {
			canon[s] = int32(p)
		}
	})
	c.Post, c.Pre, c.Delay, c.PostPtr, c.Canon = post, nil, nil, nil, canon
	if c.W != nil && same {
		c.W = nil // dropped before its replacement is allocated
		w = MakeLarge[float64](n)
		if math.Float64bits(one) != 0 { // fresh memory is zero already
			for p := range w {
				w[p] = one
			}
		}
	}
	if w != nil {
		c.W = w
	}
	c.PreMajor = true
}

// Order returns the storage position of every synapse in synapse order:
// nil for a post-major Conn (the positions are the synapse indices). The
// result may be c.Canon: do not change it.
func (c *Conn) Order() []int32 {
	if !c.PreMajor {
		return nil
	}
	if c.Canon != nil {
		return c.Canon
	}
	// A stable counting sort of the positions by post rank: within a post
	// neuron, positions ascend with the pre rank.
	next := make([]int32, c.NPost+1)
	for _, j := range c.Post {
		next[j+1]++
	}
	for j := 1; j < c.NPost; j++ {
		next[j] += next[j-1]
	}
	out := MakeLarge[int32](len(c.Post))
	for p, j := range c.Post {
		out[next[j]] = int32(p)
		next[j]++
	}
	return out
}

// storagePre returns the pre rank of every storage position of a
// presynaptic-major Conn.
func (c *Conn) storagePre() []int32 {
	out := MakeLarge[int32](len(c.Post))
	for i := 0; i < c.NPre; i++ {
		for p := c.PrePtr[i]; p < c.PrePtr[i+1]; p++ {
			out[p] = int32(i)
		}
	}
	return out
}

// storageDelays returns the delay (steps) of every storage position of a
// presynaptic-major Conn.
func (c *Conn) storageDelays() []int32 {
	out := MakeLarge[int32](len(c.Post))
	k := len(c.Delays)
	for g := 0; g+1 < len(c.DelayPtr); g++ {
		d := c.Delays[g%k]
		for p := c.DelayPtr[g]; p < c.DelayPtr[g+1]; p++ {
			out[p] = d
		}
	}
	return out
}

// Pairs returns the pre and post rank of every synapse in synapse order
// (c.Pre and c.Post themselves in the post-major layout; do not change
// them).
func (c *Conn) Pairs() (pre, post []int32) {
	if !c.PreMajor {
		return c.Pre, c.Post
	}
	order := c.Order()
	at := c.storagePre()
	pre, post = MakeLarge[int32](len(order)), MakeLarge[int32](len(order))
	for s, p := range order {
		pre[s], post[s] = at[p], c.Post[p]
	}
	return pre, post
}

// DelaySteps returns the delay of every synapse in steps, in synapse order.
func (c *Conn) DelaySteps() []int32 {
	out := make([]int32, c.Len())
	switch {
	case c.PreMajor && len(c.Delays) > 1:
		d := c.storageDelays()
		for s, p := range c.Order() {
			out[s] = d[p]
		}
	case c.Delay != nil:
		copy(out, c.Delay)
	default:
		for s := range out {
			out[s] = c.UniformDelay
		}
	}
	return out
}

// Expand turns a presynaptic-major Conn back into the post-major layout
// (synapse order; the pre-major index waits for Index), reordering c.W when
// it is not nil.
func (c *Conn) Expand() {
	if !c.PreMajor {
		return
	}
	order := c.Order()
	at := c.storagePre()
	n := len(order)
	pre, post := MakeLarge[int32](n), MakeLarge[int32](n)
	for s, p := range order {
		pre[s], post[s] = at[p], c.Post[p]
	}
	var delay []int32
	if len(c.Delays) > 1 {
		d := c.storageDelays()
		delay = MakeLarge[int32](n)
		for s, p := range order {
			delay[s] = d[p]
		}
	}
	if c.W != nil {
		c.W = InSynapseOrder(c, c.W)
	}
	c.Pre, c.Post, c.Delay, c.Canon, c.PreMajor = pre, post, delay, nil, false
	c.DelayPtr, c.PrePtr = nil, nil
	c.PostPtr = make([]int32, c.NPost+1)
	for _, j := range post {
		c.PostPtr[j+1]++
	}
	for j := 0; j < c.NPost; j++ {
		c.PostPtr[j+1] += c.PostPtr[j]
	}
	c.delayGroups() // the pre-major index waits for Index
}

// InSynapseOrder returns the per-synapse values x (held in c's storage
// order) in synapse order: x itself for a post-major Conn (or nil x).
func InSynapseOrder[T any](c *Conn, x []T) []T {
	if !c.PreMajor || x == nil {
		return x
	}
	return InOrder(x, c.Order())
}

// FromSynapseOrder stores the per-synapse values src, given in synapse
// order, into dst in c's storage order.
func FromSynapseOrder[T any](c *Conn, dst, src []T) {
	if !c.PreMajor {
		copy(dst, src)
		return
	}
	FromOrder(dst, src, c.Order())
}

// Reorder returns x, held in the storage order before (as given by Order
// then), in the storage order after: what a change of delays, which
// regroups the synapses of a presynaptic-major Conn, does to its
// per-synapse arrays (an empty order is synapse order).
func Reorder[T any](x []T, before, after []int32) []T {
	if len(before) == 0 && len(after) == 0 {
		return x
	}
	out := MakeLarge[T](len(x))
	for s := range x {
		b, a := s, s
		if len(before) != 0 {
			b = int(before[s])
		}
		if len(after) != 0 {
			a = int(after[s])
		}
		out[a] = x[b]
	}
	return out
}

// OneWeightOff reports whether ANNC_ONEWEIGHT=off asks generated networks
// to hold the weights of a projection whose synapses all have one weight
// per synapse all the same (README, "Synapse storage"; the numbers are the
// same either way).
func OneWeightOff() bool { return os.Getenv("ANNC_ONEWEIGHT") == "off" }

// Repeat returns n copies of x: the weights of a projection that holds one
// weight for all its synapses.
func Repeat[T any](x T, n int) []T {
	out := MakeLarge[T](n)
	for k := range out {
		out[k] = x
	}
	return out
}

// Layout names the storage of c for memory reports.
func (c *Conn) Layout() string {
	if c.PreMajor {
		return "pre-major"
	}
	return "post-major + pre index"
}

var buildGC struct {
	sync.Mutex
	n   int // networks being built
	old int // the GC percentage before the first
}

// LowGarbage makes the garbage collector run more often while networks are
// built, until the returned function is called: building connectivity
// allocates arrays of hundreds of MB that live briefly (the post-major lists
// a presynaptic-major projection is made from), and with the default
// setting the heap would grow to twice what the network keeps before they
// are collected. The arrays hold no pointers, so collecting is cheap.
// Networks built at once (ParallelRun) share the setting.
func LowGarbage() (restore func()) {
	buildGC.Lock()
	if buildGC.n == 0 {
		buildGC.old = debug.SetGCPercent(10)
	}
	buildGC.n++
	buildGC.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			buildGC.Lock()
			buildGC.n--
			if buildGC.n == 0 {
				debug.SetGCPercent(buildGC.old)
			}
			buildGC.Unlock()
		})
	}
}
