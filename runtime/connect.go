package runtime

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/annc/annc/runtime/results"
)

// View is the part of a population a projection connects: the population's
// index (creation order), size and geometry, and the population ranks of
// the view in order (nil for the whole population).
type View struct {
	Pop      int
	Size     int
	Geometry []int
	Ranks    []int
}

// Len returns the number of neurons in the view.
func (v View) Len() int {
	if v.Ranks == nil {
		return v.Size
	}
	return len(v.Ranks)
}

// Rank returns the population rank of the view's i-th neuron.
func (v View) Rank(i int) int {
	if v.Ranks == nil {
		return i
	}
	return v.Ranks[i]
}

// Whole reports whether the view is the whole population in rank order.
func (v View) Whole() bool { return v.Ranks == nil }

func (v View) check(side string) error {
	if v.Size < 0 {
		return fmt.Errorf("%s population has negative size %d", side, v.Size)
	}
	for i, r := range v.Ranks {
		if r < 0 || r >= v.Size {
			return fmt.Errorf("%s view: rank %d (position %d) outside population of %d neurons", side, r, i, v.Size)
		}
	}
	return nil
}

// Conn is the connectivity of one projection, stored post-major (CSR):
// the synapses of post neuron j are PostPtr[j]..PostPtr[j+1]-1, and every
// per-synapse array (Pre, Post, W, Delay and whatever the generated code
// keeps alongside) is indexed by that synapse index.
//
// Spike propagation uses a pre-major index grouped by delay: Delays lists
// the distinct delays (steps, ascending), K = len(Delays), and the synapses
// of pre neuron i whose delay is Delays[k] are
//
//	PreIdx[DelayPtr[i*K+k] : DelayPtr[i*K+k+1]]
//
// in increasing synapse order. PrePtr[i]..PrePtr[i+1] covers all delays of
// pre neuron i (PrePtr[i] == DelayPtr[i*K]). So a step that delivers the
// spikes emitted d steps ago looks at exactly the synapses with delay d.
type Conn struct {
	NPre, NPost int // sizes of the pre and post populations

	PostPtr []int32   // len NPost+1
	Pre     []int32   // pre population rank of each synapse
	Post    []int32   // post population rank of each synapse
	W       []float64 // weight of each synapse

	Delay        []int32 // per-synapse delay in steps, nil when all equal UniformDelay
	UniformDelay int32   // the delay when Delay is nil
	MaxDelay     int32   // largest delay in steps

	PrePtr   []int32 // len NPre+1, into PreIdx
	PreIdx   []int32 // synapse indices, pre-major, by (delay, synapse) within a pre neuron
	Delays   []int32 // distinct delays in steps, ascending (at least one entry)
	DelayPtr []int32 // len NPre*len(Delays)+1, into PreIdx

	// Workers is the number of goroutines Finish and Gather may use (the
	// network's threads when it was built); the results do not depend on it.
	Workers int

	// PreMajor: the synapses are stored in the order of the pre-major index
	// only (Compact, layout.go); Pre, PreIdx and Delay are nil, Post and W
	// follow that order, Canon is the storage position of each synapse when
	// the synapse order is not implied.
	PreMajor bool
	Canon    []int32

	// layouts counts the changes of the delay groups (delayGroups, which
	// every regrouping of the synapses goes through), for what is derived
	// from the rows (DueSpikes).
	layouts uint64 `state:"-"`
}

// Len returns the number of synapses.
func (c *Conn) Len() int { return len(c.Post) }

// Divides reports whether delivering a step's spikes gains from being split
// over ranges of postsynaptic ranks: not when the rows (one per presynaptic
// neuron and delay) outnumber the synapses, as with delays drawn over many
// steps. Each goroutine would then go through the row of every spike for
// every delay, most of them empty, which costs as much as the whole
// delivery, and the row cuts of its range (RowCuts) would take more memory
// than the synapses. Such a projection delivers on one goroutine.
func (c *Conn) Divides() bool { return len(c.DelayPtr)-1 <= c.Len() }

// Reach estimates the synapses a step's spikes reach (the work of their
// delivery): the spikes each delay group reads (spiked for delays up to one
// step, ring.Ago(d) for longer ones) times the mean row of one presynaptic
// neuron and delay. That mean is a fraction of a synapse when delays
// outnumber a neuron's synapses, so the product is divided last. Counting
// exactly would read the bounds of every spike's row before a split.
func (c *Conn) Reach(spiked []int32, ring *SpikeRing) int64 {
	if c.NPre == 0 {
		return 0
	}
	spikes := int64(0)
	for _, d := range c.Delays {
		if d > 1 {
			spikes += int64(len(ring.Ago(int(d))))
		} else {
			spikes += int64(len(spiked))
		}
	}
	return spikes * int64(c.Len()) / int64(c.NPre*len(c.Delays))
}

// SynapseDelay returns the delay of synapse s in steps (in the
// presynaptic-major layout, at the cost of DelaySteps).
func (c *Conn) SynapseDelay(s int) int32 {
	if c.PreMajor && len(c.Delays) > 1 {
		return c.DelaySteps()[s]
	}
	if c.Delay == nil {
		return c.UniformDelay
	}
	return c.Delay[s]
}

// NewConn builds a Conn from synapse lists (post and pre population ranks,
// optional weights; nil w gives zero weights). Synapses are ordered by post
// rank, keeping the given order within a post neuron. Delays are all 0.
func NewConn(nPre, nPost int, post, pre []int32, w []float64) (*Conn, error) {
	return newConn(nPre, nPost, post, pre, w, 1)
}

// newConn is NewConn with the index built by up to workers goroutines.
func newConn(nPre, nPost int, post, pre []int32, w []float64, workers int) (*Conn, error) {
	if len(post) != len(pre) || (w != nil && len(w) != len(pre)) {
		return nil, fmt.Errorf("synapse lists differ in length: %d post, %d pre, %d weights", len(post), len(pre), len(w))
	}
	if len(pre) > math.MaxInt32 {
		return nil, fmt.Errorf("%d synapses: more than 2^31-1", len(pre))
	}
	for s := range pre {
		if pre[s] < 0 || int(pre[s]) >= nPre || post[s] < 0 || int(post[s]) >= nPost {
			return nil, fmt.Errorf("synapse %d: pre %d / post %d outside populations of %d / %d neurons", s, pre[s], post[s], nPre, nPost)
		}
	}
	if w == nil {
		w = MakeLarge[float64](len(pre))
	}
	c := &Conn{NPre: nPre, NPost: nPost, PostPtr: make([]int32, nPost+1), Workers: workers}
	for _, j := range post {
		c.PostPtr[j+1]++
	}
	for j := 0; j < nPost; j++ {
		c.PostPtr[j+1] += c.PostPtr[j]
	}
	if slices.IsSorted(post) {
		c.Pre, c.Post, c.W = pre, post, w
	} else {
		c.Pre = MakeLarge[int32](len(pre))
		c.Post = MakeLarge[int32](len(pre))
		c.W = MakeLarge[float64](len(pre))
		next := slices.Clone(c.PostPtr[:nPost])
		for s, j := range post {
			d := next[j]
			next[j]++
			c.Pre[d], c.Post[d], c.W[d] = pre[s], j, w[s]
		}
	}
	c.delayGroups() // the pre-major index waits for Index or Compact
	return c, nil
}

// Finish (re)builds the delay-grouped pre-major index from Pre, Delay and
// UniformDelay, and recomputes MaxDelay. Index and SetDelays call it; call
// it again after changing Pre or Delay directly.
func (c *Conn) Finish() {
	if c.PreMajor {
		return // the storage is the index
	}
	idx := MakeLarge[int32](len(c.Pre))
	c.group(func(s, p int) { idx[p] = int32(s) })
	c.PreIdx = idx
}

// Index builds the pre-major index when it is missing: connectors leave it
// to the first use, so that a projection stored presynaptic-major
// (Compact) never builds it.
func (c *Conn) Index() {
	if !c.PreMajor && c.PreIdx == nil {
		c.Finish()
	}
}

// delayGroups sets Delays (the distinct delays, ascending) and MaxDelay
// from Delay and UniformDelay.
func (c *Conn) delayGroups() {
	c.layouts++
	if c.Delay == nil {
		c.Delays = append(c.Delays[:0], c.UniformDelay)
		c.MaxDelay = c.UniformDelay
		return
	}
	var maxD int32
	for _, d := range c.Delay {
		maxD = max(maxD, d)
	}
	present := make([]bool, maxD+1)
	for _, d := range c.Delay {
		present[d] = true
	}
	c.Delays = c.Delays[:0]
	for d, ok := range present {
		if ok {
			c.Delays = append(c.Delays, int32(d))
		}
	}
	if len(c.Delays) == 0 {
		c.Delays = append(c.Delays, 0)
	}
	c.MaxDelay = maxD
}

// group orders the synapses (post-major, from Pre and Delay) by pre neuron
// and delay: it sets Delays, MaxDelay, DelayPtr and PrePtr, and calls
// place(s, p) with the position p in that order of every synapse s, from up
// to Workers goroutines (each p once). Within a group the positions ascend
// with s (a stable counting sort).
func (c *Conn) group(place func(s, p int)) {
	n := len(c.Pre)
	c.delayGroups()
	k := len(c.Delays)
	var slot []int32 // delay value -> index in Delays
	if k > 1 {
		slot = make([]int32, c.MaxDelay+1)
		for i, d := range c.Delays {
			slot[d] = int32(i)
		}
	}
	key := func(s int) int {
		if k == 1 {
			return int(c.Pre[s])
		}
		return int(c.Pre[s])*k + int(slot[c.Delay[s]])
	}
	ptr := make([]int32, c.NPre*k+1)
	// Chunk w of the synapses goes after the synapses of the same key in
	// chunks 0..w-1, so any number of chunks gives the same order.
	nw := 1
	if n >= 1<<20 && c.Workers > 1 {
		nw = min(c.Workers, MaxChunks)
	}
	next := make([][]int32, nw)
	for w := range next {
		next[w] = make([]int32, len(ptr)-1)
	}
	parallelFor(nw, nw, func(w int) {
		h := next[w]
		for s := w * n / nw; s < (w+1)*n/nw; s++ {
			h[key(s)]++
		}
	})
	at := int32(0)
	for g := range len(ptr) - 1 {
		ptr[g] = at
		for w := range nw {
			cnt := next[w][g]
			next[w][g] = at
			at += cnt
		}
	}
	ptr[len(ptr)-1] = at
	parallelFor(nw, nw, func(w int) {
		nx := next[w]
		for s := w * n / nw; s < (w+1)*n/nw; s++ {
			g := key(s)
			place(s, int(nx[g]))
			nx[g]++
		}
	})
	c.DelayPtr = ptr
	if k == 1 {
		c.PrePtr = ptr // one array for both
		return
	}
	c.PrePtr = make([]int32, c.NPre+1)
	for i := 0; i <= c.NPre; i++ {
		c.PrePtr[i] = ptr[i*k]
	}
}

// SetWeights sets the weight of every synapse from v (a number, a list with
// one value per synapse in synapse order, or a distribution drawn from r in
// synapse order).
func (c *Conn) SetWeights(v Value, r *RNG) error {
	if c.W == nil {
		return fmt.Errorf("weights: the projection holds them (this connectivity keeps none)")
	}
	if v.Kind == NumValue {
		return v.Fill(c.W, r) // in any order
	}
	w := InSynapseOrder(c, c.W)
	if err := v.Fill(w, r); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	FromSynapseOrder(c, c.W, w)
	return nil
}

// SetDelays sets the delays from v in ms (number, per-synapse list or
// distribution drawn from r in synapse order), rounding each to the
// nearest number of steps of dt, then rebuilds the pre-major index (when
// it was built) or the presynaptic-major storage. A negative delay is an
// error.
func (c *Conn) SetDelays(v Value, dt float64, r *RNG) error {
	if !(dt > 0) {
		return fmt.Errorf("delays: dt must be > 0, got %g", dt)
	}
	if c.PreMajor && v.Kind == NumValue && len(c.Delays) == 1 {
		// One delay before and after: the storage stays as it is.
		d, err := msToSteps(v.Num, dt)
		if err != nil {
			return err
		}
		c.UniformDelay = d
		c.delayGroups()
		return nil
	}
	if c.PreMajor {
		// Regrouping the storage by delay: through the post-major layout.
		c.Expand()
		defer c.Compact()
	}
	indexed := c.PreIdx != nil
	regroup := func() {
		if indexed {
			c.Finish()
		} else {
			c.delayGroups()
		}
	}
	if v.Kind == NumValue {
		d, err := msToSteps(v.Num, dt)
		if err != nil {
			return err
		}
		c.Delay, c.UniformDelay = nil, d
		regroup()
		return nil
	}
	ms := make([]float64, c.Len())
	if err := v.Fill(ms, r); err != nil {
		return fmt.Errorf("delays: %w", err)
	}
	steps := make([]int32, len(ms))
	uniform := true
	for s, x := range ms {
		d, err := msToSteps(x, dt)
		if err != nil {
			return fmt.Errorf("synapse %d: %w", s, err)
		}
		steps[s] = d
		uniform = uniform && d == steps[0]
	}
	if uniform {
		c.Delay = nil
		if len(steps) > 0 {
			c.UniformDelay = steps[0]
		}
	} else {
		c.Delay = steps
	}
	regroup()
	return nil
}

// MaxDelaySteps is the longest delay in steps: delays are int32 and the
// delay queues add a step count to them. annc check refuses longer delays
// it can see (ir.MaxDelaySteps).
const MaxDelaySteps = math.MaxInt32 / 2

// msToSteps rounds a delay in ms to the nearest number of steps.
func msToSteps(ms, dt float64) (int32, error) {
	if math.IsNaN(ms) || ms < 0 {
		return 0, fmt.Errorf("delays: %g ms is not a delay (must be >= 0)", ms)
	}
	d := math.Round(ms / dt)
	if d > MaxDelaySteps {
		return 0, fmt.Errorf("delays: %g ms is too long", ms)
	}
	return int32(d), nil
}

// self reports whether a synapse pre→post would connect a neuron to itself.
func self(pre, post View, preRank, postRank int) bool {
	return pre.Pop == post.Pop && preRank == postRank
}

func checkViews(pre, post View) error {
	if err := pre.check("pre"); err != nil {
		return err
	}
	return post.check("post")
}

// MaxSynapses is the most synapses one projection can hold: synapses are
// indexed by int32. Connectors refuse more before allocating anything.
const MaxSynapses = math.MaxInt32

// tooMany is the error of a connector that would create n synapses, more
// than MaxSynapses; how says where n comes from.
func tooMany(what, how string, n uint64) error {
	return fmt.Errorf("%s: %s = %d synapses, more than the %d (2^31-1) one projection can hold; split it into several projections or connect fewer neurons", what, how, n, MaxSynapses)
}

// tooManyDrawn is the error of a connector whose synapses, drawn or
// computed one by one, pass MaxSynapses.
func tooManyDrawn(what string) error {
	return fmt.Errorf("%s: more than %d (2^31-1) synapses, more than one projection can hold; split it into several projections or connect fewer neurons", what, MaxSynapses)
}

// count returns a·b, saturated at math.MaxUint64.
func count(a, b int) uint64 {
	hi, lo := bits.Mul64(uint64(max(a, 0)), uint64(max(b, 0)))
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// synList accumulates synapses in post-major generation order.
type synList struct {
	post, pre []int32
	w         []float64
}

func newSynList(capacity int) synList {
	return synList{post: make([]int32, 0, capacity), pre: make([]int32, 0, capacity)}
}

func (l *synList) add(post, pre int) {
	l.post = append(l.post, int32(post))
	l.pre = append(l.pre, int32(pre))
}

func (l *synList) conn(pre, post View) (*Conn, error) {
	return NewConn(pre.Size, post.Size, l.post, l.pre, l.w)
}

// AllToAll connects every neuron of pre to every neuron of post. Within one
// population, self-connections (same rank) are left out unless allowSelf.
// The RNG is unused (kept for a uniform builder signature).
func AllToAll(r *RNG, pre, post View, allowSelf bool) (*Conn, error) {
	if err := checkViews(pre, post); err != nil {
		return nil, err
	}
	np, nq := pre.Len(), post.Len()
	if n := allToAllCount(pre, post, allowSelf); n > MaxSynapses {
		how := fmt.Sprintf("%d pre × %d post neurons", np, nq)
		if m := count(np, nq); m != n {
			how += fmt.Sprintf(" - %d self-connections", m-n)
		}
		return nil, tooMany("all_to_all", how, n)
	}
	l := newSynList(np * nq)
	for j := 0; j < nq; j++ {
		pj := post.Rank(j)
		for i := 0; i < np; i++ {
			pi := pre.Rank(i)
			if !allowSelf && self(pre, post, pi, pj) {
				continue
			}
			l.add(pj, pi)
		}
	}
	return l.conn(pre, post)
}

// OneToOne connects the i-th neuron of pre to the i-th neuron of post, for
// i below the smaller view size (as ANNarchy does). The RNG is unused.
func OneToOne(r *RNG, pre, post View) (*Conn, error) {
	if err := checkViews(pre, post); err != nil {
		return nil, err
	}
	n := min(pre.Len(), post.Len())
	if n > MaxSynapses {
		return nil, tooMany("one_to_one", fmt.Sprintf("min(%d pre, %d post neurons)", pre.Len(), post.Len()), uint64(n))
	}
	l := newSynList(n)
	for i := 0; i < n; i++ {
		l.add(post.Rank(i), pre.Rank(i))
	}
	return l.conn(pre, post)
}

// probBlockSynapses is about the number of synapses fixed_probability draws
// from one random stream: blocks of postsynaptic neurons that large are
// drawn independently (in parallel), and the number depends on nothing but
// the projection, so neither do the synapses.
const probBlockSynapses = 1 << 15

// FixedProbabilityWorkers creates each synapse pre→post independently with
// probability p (self-connections within one population are then dropped
// unless allowSelf, as ANNarchy does), drawn by up to workers goroutines;
// the synapses do not depend on workers. The postsynaptic
// neurons are cut into consecutive blocks of about probBlockSynapses
// expected synapses; each block has its own stream, derived from one draw
// of r, and draws the gaps between its synapses as geometric deviates over
// its post-major grid, so the cost is proportional to the number of
// synapses.
func FixedProbabilityWorkers(r *RNG, pre, post View, p float64, allowSelf bool, workers int) (*Conn, error) {
	d, c, err := drawProbability(r, pre, post, p, allowSelf, workers)
	if d == nil {
		return c, err
	}
	total := d.offs[len(d.blocks)]
	postRanks := MakeLarge[int32](total)
	preRanks := MakeLarge[int32](total)
	parallelFor(len(d.blocks), workers, func(b int) {
		bl := &d.blocks[b]
		dst, dpost := preRanks[d.offs[b]:d.offs[b+1]], postRanks[d.offs[b]:d.offs[b+1]]
		x := 0
		for jj, n := range bl.counts {
			pj := int32(post.Rank(b*d.bsize + jj))
			for range n {
				dpost[x] = pj
				dst[x] = bl.pre[x]
				x++
			}
		}
		bl.pre, bl.counts = nil, nil
	})
	return newConn(pre.Size, post.Size, postRanks, preRanks, nil, workers)
}

// FixedProbabilityPreMajor draws the synapses of FixedProbabilityWorkers
// (the same draws) and stores them presynaptic-major without weights: the
// Conn that FixedProbabilityWorkers, dropping its weights, then Compact
// would give, without the post-major lists in between.
func FixedProbabilityPreMajor(r *RNG, pre, post View, p float64, allowSelf bool, workers int) (*Conn, error) {
	// compact makes a post-major Conn presynaptic-major, without weights.
	compact := func(c *Conn, err error) (*Conn, error) {
		if err == nil {
			c.W = nil
			c.Compact()
		}
		return c, err
	}
	if !ascending(pre.Ranks) || !ascending(post.Ranks) {
		// The synapse order is then not the order of the ranks.
		return compact(FixedProbabilityWorkers(r, pre, post, p, allowSelf, workers))
	}
	d, c, err := drawProbability(r, pre, post, p, allowSelf, workers)
	if d == nil {
		return compact(c, err)
	}
	// A stable counting sort of the synapses (in post-major order, post
	// ranks ascending and, within a post neuron, pre ranks ascending) by
	// pre rank: chunk k of the blocks places its synapses of one pre
	// neuron after those of chunks 0..k-1, so the order is the same for
	// any number of chunks.
	nb := len(d.blocks)
	nw := 1
	if d.offs[nb] >= 1<<20 && workers > 1 {
		nw = min(workers, MaxChunks, nb)
	}
	next := make([][]int32, nw)
	parallelFor(nw, nw, func(w int) {
		h := make([]int32, pre.Size)
		for b := w * nb / nw; b < (w+1)*nb/nw; b++ {
			for _, i := range d.blocks[b].pre {
				h[i]++
			}
		}
		next[w] = h
	})
	ptr := make([]int32, pre.Size+1)
	at := int32(0)
	for i := range pre.Size {
		ptr[i] = at
		for w := range nw {
			cnt := next[w][i]
			next[w][i] = at
			at += cnt
		}
	}
	ptr[pre.Size] = at
	postRanks := MakeLarge[int32](int(at))
	parallelFor(nw, nw, func(w int) {
		nx := next[w]
		for b := w * nb / nw; b < (w+1)*nb/nw; b++ {
			bl := &d.blocks[b]
			x := 0
			for jj, n := range bl.counts {
				pj := int32(post.Rank(b*d.bsize + jj))
				for _, i := range bl.pre[x : x+int(n)] {
					postRanks[nx[i]] = pj
					nx[i]++
				}
				x += int(n)
			}
			bl.pre, bl.counts = nil, nil
		}
	})
	return &Conn{NPre: pre.Size, NPost: post.Size, Post: postRanks, Delays: []int32{0},
		PrePtr: ptr, DelayPtr: ptr, Workers: workers, PreMajor: true}, nil
}

// consecutive reports whether ranks (nil: a whole population) are
// consecutive ascending ranks.
func consecutive(ranks []int) bool {
	for k := 1; k < len(ranks); k++ {
		if ranks[k] != ranks[0]+k {
			return false
		}
	}
	return true
}

// ascending reports whether ranks (nil: a whole population) ascend strictly.
func ascending(ranks []int) bool {
	for k := 1; k < len(ranks); k++ {
		if ranks[k] <= ranks[k-1] {
			return false
		}
	}
	return true
}

// probDraw holds the synapses fixed_probability drew, block by block of
// postsynaptic neurons.
type probDraw struct {
	bsize  int // post neurons per block (the last may have fewer)
	blocks []probBlock
	offs   []int // the first synapse of each block, and the total at the end
}

type probBlock struct {
	pre    []int32 // pre population ranks, post-major
	counts []int32 // synapses of each post neuron of the block
}

// drawProbability draws the synapses of fixed_probability (see
// FixedProbabilityWorkers). When there is nothing to draw it returns no
// draw, and the (empty or all-to-all) Conn or an error.
func drawProbability(r *RNG, pre, post View, p float64, allowSelf bool, workers int) (*probDraw, *Conn, error) {
	if err := checkViews(pre, post); err != nil {
		return nil, nil, err
	}
	if !(p >= 0 && p <= 1) {
		return nil, nil, fmt.Errorf("fixed_probability: probability %g outside [0, 1]", p)
	}
	if p == 1 {
		c, err := AllToAll(r, pre, post, allowSelf)
		return nil, c, err
	}
	np, nq := pre.Len(), post.Len()
	expect := float64(count(np, nq)) * p
	// More than 10 standard deviations above the limit: certainly too many.
	if sd := math.Sqrt(expect * (1 - p)); expect-10*sd > MaxSynapses {
		return nil, nil, fmt.Errorf("fixed_probability: %d pre × %d post neurons × probability %g = about %.4g synapses, more than the %d (2^31-1) one projection can hold; split it into several projections or connect fewer neurons",
			np, nq, p, expect, MaxSynapses)
	}
	if p == 0 || np == 0 || nq == 0 {
		c, err := NewConn(pre.Size, post.Size, nil, nil, nil)
		return nil, c, err
	}
	base := int64(r.Uint64())
	perPost := float64(np) * p
	bsize := int(min(max(math.Ceil(probBlockSynapses/perPost), 1), float64(nq)))
	nb := (nq + bsize - 1) / bsize
	d := &probDraw{bsize: bsize, blocks: make([]probBlock, nb), offs: make([]int, nb+1)}
	// Every block's synapses go to its own part of one array (huge pages
	// where the system allows: fewer page faults than one allocation per
	// block), big enough for 5 standard deviations above the expected
	// number; a block that draws more grows its own copy.
	e := float64(bsize) * perPost
	room := int(e + 5*math.Sqrt(e) + 16)
	buf := MakeLarge[int32](nb * room)
	// The pre rank of view position i is preOff + i when the view's ranks
	// are consecutive (as those of a slice), which saves a read of
	// pre.Ranks at every synapse.
	preOff := -1
	if consecutive(pre.Ranks) {
		preOff = pre.Rank(0)
	}
	noSelf := !allowSelf && pre.Pop == post.Pop
	inv := 1 / math.Log1p(-p)
	draw := func(b int) {
		rb := NewRNG(base, uint64(b))
		j0 := b * bsize
		nj := min(bsize, nq-j0)
		bl := &d.blocks[b]
		bl.counts = make([]int32, nj)
		bl.pre = buf[b*room : b*room : (b+1)*room]
		ftotal := float64(nj) * float64(np)
		k := -1       // flat index of the last success in the block
		j, i := 0, -1 // its post (in the block) and pre positions
		postRank := post.Rank(j0)
		for {
			// Number of failures before the next success; 1-U is exact for
			// U a multiple of 2^-53 in [0, 1), so log(1-U) is the log of a
			// uniform in (0, 1].
			g := math.Log(1-rb.Float64()) * inv // >= 0; int() floors it
			if g >= ftotal-float64(k+1) {
				break
			}
			step := int(g) + 1
			k += step
			i += step
			if i >= np {
				j += i / np
				i %= np
				postRank = post.Rank(j0 + j)
			}
			pr := preOff + i
			if preOff < 0 {
				pr = pre.Ranks[i]
			}
			if noSelf && pr == postRank {
				continue
			}
			bl.pre = append(bl.pre, int32(pr))
			bl.counts[j]++
		}
	}
	parallelFor(nb, workers, draw)
	for b := range d.blocks {
		d.offs[b+1] = d.offs[b] + len(d.blocks[b].pre)
	}
	if d.offs[nb] > MaxSynapses {
		return nil, nil, tooManyDrawn("fixed_probability")
	}
	return d, nil, nil
}

// parallelFor calls fn(0), ..., fn(n-1) on up to workers goroutines (the
// calling one included), taking indices in order.
func parallelFor(n, workers int, fn func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			fn(i)
		}
	}
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}

// sampler draws subsets without replacement from {0..m-1} by a partial
// Fisher-Yates shuffle of a persistent permutation, in O(n) per draw.
type sampler struct {
	perm, pos []int32
}

func newSampler(m int) *sampler {
	s := &sampler{perm: make([]int32, m), pos: make([]int32, m)}
	for i := range s.perm {
		s.perm[i], s.pos[i] = int32(i), int32(i)
	}
	return s
}

func (s *sampler) swap(a, b int) {
	s.perm[a], s.perm[b] = s.perm[b], s.perm[a]
	s.pos[s.perm[a]], s.pos[s.perm[b]] = int32(a), int32(b)
}

// draw returns n distinct indices in [0, m), excluding excl when excl >= 0,
// sorted ascending. The returned slice is reused by the next call.
func (s *sampler) draw(r *RNG, n, excl int, out []int32) []int32 {
	m := len(s.perm)
	if excl >= 0 {
		s.swap(int(s.pos[excl]), m-1)
		m--
	}
	out = out[:0]
	for i := 0; i < n; i++ {
		s.swap(i, i+r.Intn(m-i))
		out = append(out, s.perm[i])
	}
	slices.Sort(out)
	return out
}

// FixedNumberPre connects each post neuron to n distinct pre neurons drawn
// uniformly (excluding itself within one population unless allowSelf). It
// is an error if fewer than n candidates exist.
func FixedNumberPre(r *RNG, pre, post View, n int, allowSelf bool) (*Conn, error) {
	if err := checkViews(pre, post); err != nil {
		return nil, err
	}
	np, nq := pre.Len(), post.Len()
	if n < 0 {
		return nil, fmt.Errorf("fixed_number_pre: number %d is negative", n)
	}
	if n > np {
		return nil, fmt.Errorf("fixed_number_pre: number %d larger than the %d possible pre neurons", n, np)
	}
	if c := count(n, nq); c > MaxSynapses {
		return nil, tooMany("fixed_number_pre", fmt.Sprintf("%d pre neurons × %d post neurons", n, nq), c)
	}
	idx := viewIndex(pre)
	l := newSynList(n * nq)
	s := newSampler(np)
	var buf []int32
	for j := 0; j < nq; j++ {
		pj := post.Rank(j)
		excl := -1
		if !allowSelf && pre.Pop == post.Pop && pj < len(idx) {
			excl = int(idx[pj])
		}
		avail := np
		if excl >= 0 {
			avail--
		}
		if n > avail {
			return nil, fmt.Errorf("fixed_number_pre: number %d larger than the %d possible pre neurons", n, avail)
		}
		buf = s.draw(r, n, excl, buf)
		for _, i := range buf {
			l.add(pj, pre.Rank(int(i)))
		}
	}
	return l.conn(pre, post)
}

// FixedNumberPost connects each pre neuron to n distinct post neurons drawn
// uniformly (excluding itself within one population unless allowSelf). It
// is an error if fewer than n candidates exist.
func FixedNumberPost(r *RNG, pre, post View, n int, allowSelf bool) (*Conn, error) {
	if err := checkViews(pre, post); err != nil {
		return nil, err
	}
	np, nq := pre.Len(), post.Len()
	if n < 0 {
		return nil, fmt.Errorf("fixed_number_post: number %d is negative", n)
	}
	if n > nq {
		return nil, fmt.Errorf("fixed_number_post: number %d larger than the %d possible post neurons", n, nq)
	}
	if c := count(n, np); c > MaxSynapses {
		return nil, tooMany("fixed_number_post", fmt.Sprintf("%d pre neurons × %d post neurons", np, n), c)
	}
	idx := viewIndex(post)
	// Generated pre-major, then ordered post-major by NewConn (stable, so
	// each post neuron's pre ranks stay in view order).
	l := newSynList(n * np)
	s := newSampler(nq)
	var buf []int32
	for i := 0; i < np; i++ {
		pi := pre.Rank(i)
		excl := -1
		if !allowSelf && pre.Pop == post.Pop && pi < len(idx) {
			excl = int(idx[pi])
		}
		avail := nq
		if excl >= 0 {
			avail--
		}
		if n > avail {
			return nil, fmt.Errorf("fixed_number_post: number %d larger than the %d possible post neurons", n, avail)
		}
		buf = s.draw(r, n, excl, buf)
		for _, j := range buf {
			l.add(post.Rank(int(j)), pi)
		}
	}
	return l.conn(pre, post)
}

// allToAllCount is the number of synapses AllToAll creates (saturated at
// math.MaxUint64); the self-connections are counted only when the product
// is over MaxSynapses, where they may decide.
func allToAllCount(pre, post View, allowSelf bool) uint64 {
	n := count(pre.Len(), post.Len())
	if n > MaxSynapses && n != math.MaxUint64 && !allowSelf {
		n -= uint64(selfPairs(pre, post))
	}
	return n
}

// selfPairs counts the neurons that lie in both views of one population
// (the self-connections a connector leaves out).
func selfPairs(pre, post View) int {
	if pre.Pop != post.Pop {
		return 0
	}
	idx := viewIndex(pre)
	n := 0
	for i := 0; i < post.Len(); i++ {
		if r := post.Rank(i); r < len(idx) && idx[r] >= 0 {
			n++
		}
	}
	return n
}

// viewIndex maps population ranks to positions in the view (-1 when the
// rank is not in the view).
func viewIndex(v View) []int32 {
	idx := make([]int32, v.Size)
	for i := range idx {
		idx[i] = -1
	}
	for i := 0; i < v.Len(); i++ {
		idx[v.Rank(i)] = int32(i)
	}
	return idx
}

// normCoords returns the normalised coordinates of every rank of a
// population (row-major, last index fastest): coordinate d of a neuron is
// its index along d divided by geometry[d]-1, or 0 when geometry[d] is 1.
func normCoords(v View) []float64 {
	geom := v.Geometry
	if len(geom) == 0 {
		geom = []int{v.Size}
	}
	dim := len(geom)
	out := make([]float64, v.Size*dim)
	for rank := 0; rank < v.Size; rank++ {
		rest := rank
		for d := dim - 1; d >= 0; d-- {
			c := rest % geom[d]
			rest /= geom[d]
			if geom[d] > 1 {
				out[rank*dim+d] = float64(c) / float64(geom[d]-1)
			}
		}
	}
	return out
}

func checkGeometry(what string, pre, post View) (int, error) {
	if err := checkViews(pre, post); err != nil {
		return 0, err
	}
	if !pre.Whole() || !post.Whole() {
		return 0, fmt.Errorf("%s: only possible between whole populations, not views", what)
	}
	dims := func(v View) (int, error) {
		if len(v.Geometry) == 0 {
			return 1, nil
		}
		n := 1
		for _, g := range v.Geometry {
			if g <= 0 {
				return 0, fmt.Errorf("%s: geometry %v has a non-positive size", what, v.Geometry)
			}
			n *= g
		}
		if n != v.Size {
			return 0, fmt.Errorf("%s: geometry %v does not hold %d neurons", what, v.Geometry, v.Size)
		}
		return len(v.Geometry), nil
	}
	dp, err := dims(pre)
	if err != nil {
		return 0, err
	}
	dq, err := dims(post)
	if err != nil {
		return 0, err
	}
	if dp != dq {
		return 0, fmt.Errorf("%s: pre has %d dimensions, post %d; they must match", what, dp, dq)
	}
	return dp, nil
}

// profile builds a distance-based connector: for every post neuron and every
// pre neuron, weight(d2) of the squared distance d2 between their normalised
// coordinates; the synapse exists when keep(weight). It goes over the pairs
// twice, first counting each post neuron's synapses, so that the lists are
// allocated once at their size (appending to lists of up to 2^31 entries
// copied them at every doubling, and the garbage collector stalled on
// copies it cannot interrupt: a DoG of 93 million synapses took 51 s), then
// storing them. Both passes share the post neurons out among workers
// goroutines; the synapses are the same, in the same order, for any number.
func profile(what string, pre, post View, allowSelf bool, workers int, weight func(d2 float64) float64, keep func(w float64) bool) (*Conn, error) {
	dim, err := checkGeometry(what, pre, post)
	if err != nil {
		return nil, err
	}
	cp, cq := normCoords(pre), normCoords(post)
	// pairs calls kept(i, w) for every synapse of post neuron j, in pre order.
	pairs := func(j int, kept func(i int, w float64)) {
		q := cq[j*dim : j*dim+dim]
		for i := 0; i < pre.Size; i++ {
			if !allowSelf && self(pre, post, i, j) {
				continue
			}
			p := cp[i*dim : i*dim+dim]
			d2 := 0.0
			for d := range q {
				x := p[d] - q[d]
				d2 += x * x
			}
			if w := weight(d2); keep(w) {
				kept(i, w)
			}
		}
	}
	// each calls fn(j) for every post neuron, the neurons cut into blocks
	// shared out among the workers.
	blocks := min(max(workers, 1)*4, post.Size)
	each := func(fn func(j int)) {
		parallelFor(blocks, workers, func(b int) {
			for j := b * post.Size / blocks; j < (b+1)*post.Size/blocks; j++ {
				fn(j)
			}
		})
	}
	start := make([]int64, post.Size+1) // start[j+1]: post neuron j's synapses, then their offsets
	each(func(j int) {
		n := int64(0)
		pairs(j, func(int, float64) { n++ })
		start[j+1] = n
	})
	for j := range post.Size {
		start[j+1] += start[j]
	}
	n := start[post.Size]
	if n > MaxSynapses {
		return nil, tooManyDrawn(what)
	}
	l := newSynList(int(n))
	l.post, l.pre, l.w = l.post[:n], l.pre[:n], make([]float64, n)
	each(func(j int) {
		k := start[j]
		pairs(j, func(i int, w float64) {
			l.post[k], l.pre[k], l.w[k] = int32(j), int32(i), w
			k++
		})
	})
	return l.conn(pre, post)
}

// Gaussian connects whole populations of the same dimension with weights
// amp·exp(-d²/(2σ²)), where d is the Euclidean distance between normalised
// coordinates (index/(size-1) along each axis, 0 on an axis of size 1).
// Synapses whose weight does not exceed limit·amp are not created.
// Self-connections within one population need allowSelf.
func Gaussian(pre, post View, amp, sigma, limit float64, allowSelf bool, workers int) (*Conn, error) {
	if !(sigma > 0) {
		return nil, fmt.Errorf("gaussian: sigma must be > 0, got %g", sigma)
	}
	k := -1 / (2 * sigma * sigma)
	threshold := limit * amp
	return profile("gaussian", pre, post, allowSelf, workers,
		func(d2 float64) float64 { return amp * math.Exp(d2*k) },
		func(w float64) bool { return w > threshold })
}

// DoG connects whole populations with a difference of Gaussians,
// ampPos·exp(-d²/(2σpos²)) - ampNeg·exp(-d²/(2σneg²)) (d as in Gaussian);
// synapses with |weight| not above limit·|ampPos-ampNeg| are not created.
func DoG(pre, post View, ampPos, sigmaPos, ampNeg, sigmaNeg, limit float64, allowSelf bool, workers int) (*Conn, error) {
	if !(sigmaPos > 0) || !(sigmaNeg > 0) {
		return nil, fmt.Errorf("dog: sigmas must be > 0, got %g and %g", sigmaPos, sigmaNeg)
	}
	kp, kn := -1/(2*sigmaPos*sigmaPos), -1/(2*sigmaNeg*sigmaNeg)
	threshold := limit * math.Abs(ampPos-ampNeg)
	return profile("dog", pre, post, allowSelf, workers,
		func(d2 float64) float64 { return ampPos*math.Exp(d2*kp) - ampNeg*math.Exp(d2*kn) },
		func(w float64) bool { return math.Abs(w) > threshold })
}

// FromMatrix creates a synapse for every non-NaN entry of m, a
// post-view-size × pre-view-size matrix (rows: post neurons of the view in
// order; columns: pre neurons), with that entry as weight.
func FromMatrix(pre, post View, m [][]float64) (*Conn, error) {
	if err := checkViews(pre, post); err != nil {
		return nil, err
	}
	np, nq := pre.Len(), post.Len()
	if len(m) != nq {
		return nil, fmt.Errorf("from_matrix: %d rows, want one per post neuron (%d)", len(m), nq)
	}
	n := 0 // the synapses, counted first so that their lists are allocated once
	for j, row := range m {
		if len(row) != np {
			return nil, fmt.Errorf("from_matrix: row %d has %d columns, want one per pre neuron (%d)", j, len(row), np)
		}
		for _, w := range row {
			if !math.IsNaN(w) {
				n++
			}
		}
	}
	if n > MaxSynapses {
		return nil, tooManyDrawn("from_matrix")
	}
	l := newSynList(n)
	l.w = make([]float64, 0, n)
	for j, row := range m {
		for i, w := range row {
			if !math.IsNaN(w) {
				l.add(post.Rank(j), pre.Rank(i))
				l.w = append(l.w, w)
			}
		}
	}
	return l.conn(pre, post)
}

// MatrixSynapses lists the entries of values at the synapses FromMatrix
// creates from weights (its non-NaN entries), in their order: the delays of
// a from_matrix projection given as a matrix.
func MatrixSynapses(weights, values [][]float64) []float64 {
	out := []float64{}
	for j, row := range weights {
		for i, w := range row {
			if !math.IsNaN(w) {
				out = append(out, values[j][i])
			}
		}
	}
	return out
}

// EmbeddedMatrix reads a rows × cols float64 matrix that the generated code
// embeds as a .npy file; a matrix of another shape is a bug of the
// generated code, so it panics.
func EmbeddedMatrix(data []byte, rows, cols int) [][]float64 {
	a, err := results.ReadNpy(bytes.NewReader(data))
	if err != nil || a.Dtype != "<f8" || len(a.Shape) != 2 || a.Shape[0] != rows || a.Shape[1] != cols {
		var shape []int
		if a != nil {
			shape = a.Shape
		}
		panic(fmt.Sprintf("embedded matrix %dx%d: %v %v", rows, cols, shape, err))
	}
	out := make([][]float64, rows)
	for i := range out {
		out[i] = a.Float[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return out
}

// Runs describes the rows of a pre-major index (row r holds the positions
// rowPtr[r]..rowPtr[r+1]-1 of post) as runs of consecutive post ranks: run k
// covers positions runOff[k]..runOff[k+1]-1, whose post ranks are runJ[k],
// runJ[k]+1, ...; the runs of row r are rowRun[r]..rowRun[r+1]-1. Spike
// transmission then adds whole runs of weights to contiguous slices. It
// returns nils when the runs are shorter than minLen on average (sparse
// random connectivity), where indexing every synapse is as fast.
func Runs(rowPtr, post []int32, minLen int) (rowRun, runOff, runJ []int32) {
	rows := len(rowPtr) - 1
	if rows < 0 {
		return nil, nil, nil
	}
	runs := 0
	for r := 0; r < rows; r++ {
		for x := rowPtr[r]; x < rowPtr[r+1]; x++ {
			if x == rowPtr[r] || post[x] != post[x-1]+1 {
				runs++
			}
		}
	}
	if runs == 0 || int(rowPtr[rows]-rowPtr[0]) < minLen*runs {
		return nil, nil, nil
	}
	rowRun = make([]int32, rows+1)
	runOff = make([]int32, 0, runs+1)
	runJ = make([]int32, 0, runs)
	for r := 0; r < rows; r++ {
		rowRun[r] = int32(len(runJ))
		for x := rowPtr[r]; x < rowPtr[r+1]; x++ {
			if x == rowPtr[r] || post[x] != post[x-1]+1 {
				runOff = append(runOff, x)
				runJ = append(runJ, post[x])
			}
		}
	}
	rowRun[rows] = int32(len(runJ))
	runOff = append(runOff, rowPtr[rows])
	return rowRun, runOff, runJ
}

// PreRuns splits the post-major rows of a connectivity (synapses
// postPtr[j]..postPtr[j+1]-1 with presynaptic ranks pre) into runs of
// consecutive presynaptic ranks: triplets (first synapse, first presynaptic
// rank, length), in synapse order. Vector kernels of synapse equations read
// the presynaptic arrays of a run as contiguous slices. It returns nil when
// the runs are shorter than minLen on average.
func PreRuns(postPtr, pre []int32, minLen int) []int32 {
	var runs []int32
	n := 0
	for j := 0; j+1 < len(postPtr); j++ {
		for s := postPtr[j]; s < postPtr[j+1]; s++ {
			if s == postPtr[j] || pre[s] != pre[s-1]+1 {
				runs = append(runs, s, pre[s], 0)
			}
			runs[len(runs)-1]++
			n++
		}
	}
	if len(runs) == 0 || n < minLen*(len(runs)/3) {
		return nil
	}
	return runs
}

// Gather sets dst[x] = src[idx[x]] for every x, on up to workers goroutines.
func Gather[T any](dst, src []T, idx []int32, workers int) {
	n := len(idx)
	nw := 1
	if n >= 1<<20 && workers > 1 {
		nw = min(workers, MaxChunks)
	}
	dst = dst[:n]
	parallelFor(nw, nw, func(w int) {
		for x := w * n / nw; x < (w+1)*n/nw; x++ {
			dst[x] = src[idx[x]]
		}
	})
}

// RowRange returns the part [a, b) of the row post[lo:hi], whose ranks
// ascend, holding the ranks in [from, to).
func RowRange(post []int32, lo, hi, from, to int32) (a, b int32) {
	if lo >= hi {
		return lo, lo
	}
	// The first and the last range of a split need one search only.
	a, b = lo, hi
	if post[lo] < from {
		a = lowerBound(post, lo, hi, from)
	}
	if post[hi-1] >= to {
		b = lowerBound(post, a, hi, to)
	}
	return a, b
}

// lowerBound returns the first x in [a, e) with post[x] >= v (post[a:e]
// ascends), or e. The loop has a fixed number of iterations for a given
// length and no branch on the data, whose outcomes a processor could not
// predict.
func lowerBound(post []int32, a, e, v int32) int32 {
	n := e - a
	if n <= 0 {
		return a
	}
	row := post[a:e]
	base := int32(0)
	for n > 1 {
		half := n >> 1
		if row[base+half] < v {
			base += half
		}
		n -= half
	}
	if row[base] < v {
		base++
	}
	return a + base
}

// InRange reports whether every index is in [0, n).
func InRange(idx []int32, n int) bool {
	for _, x := range idx {
		if x < 0 || int(x) >= n {
			return false
		}
	}
	return true
}

// Same reports whether every value of w has the same bits, and that value
// (ok false when w is empty).
func Same[F Float](w []F) (F, bool) {
	if len(w) == 0 {
		return 0, false
	}
	var one F
	p := unsafe.Pointer(&w[0])
	if unsafe.Sizeof(one) == 4 {
		return w[0], allEqual(unsafe.Slice((*uint32)(p), len(w)))
	}
	return w[0], allEqual(unsafe.Slice((*uint64)(p), len(w)))
}

func allEqual[T comparable](xs []T) bool {
	for _, x := range xs[1:] {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// RangeRanks returns the ranks, in row-major order, of the coordinates
// start[d] .. start[d]+length[d]-1 of each dimension d of a population of
// the given geometry: the ranks of a view such as P[2:5, 0:3].
func RangeRanks(geometry, start, length []int) []int {
	n := 1
	for _, l := range length {
		n *= l
	}
	out := make([]int, 0, n)
	var walk func(d, base int)
	walk = func(d, base int) {
		for c := start[d]; c < start[d]+length[d]; c++ {
			if d == len(geometry)-1 {
				out = append(out, base*geometry[d]+c)
			} else {
				walk(d+1, base*geometry[d]+c)
			}
		}
	}
	walk(0, 0)
	return out
}
