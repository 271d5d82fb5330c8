package runtime

// DrawBlock is the number of elements (the neurons of a population, the
// synapses of a projection) whose per-step random numbers come from one
// stream. A step's draws are split over goroutines block by block, so that
// each number depends on its element's block and never on the thread count.
const DrawBlock = 4096

// DrawBlocks returns the number of blocks of n elements (at least one).
func DrawBlocks(n int) int { return max(1, (n+DrawBlock-1)/DrawBlock) }

// BlockStreams holds the per-step random streams of the blocks after the
// first; the first block draws from the object's own stream, so that an
// object of one block draws what it drew before streams were per block.
// The states are kept as four words per block in one slice, which the
// state walk saves as one array (SaveState), with the seed and keys that
// the streams of blocks added later are made from.
type BlockStreams struct {
	seed int64
	keys []uint64
	s    []uint64
}

// Reseed makes the streams those of n elements: block b ≥ 1 draws from
// NewRNG(seed, keys..., b).
func (s *BlockStreams) Reseed(n int, seed int64, keys ...uint64) {
	s.seed, s.keys, s.s = seed, append(s.keys[:0], keys...), s.s[:0]
	s.Grow(n)
}

// Grow adds the streams of the blocks n elements have beyond those already
// there (synapses a projection created), leaving the others as they are.
func (s *BlockStreams) Grow(n int) {
	have, want := len(s.s)/4, DrawBlocks(n)-1
	if want <= have {
		return
	}
	k := append(append(make([]uint64, 0, len(s.keys)+1), s.keys...), 0)
	for b := have + 1; b <= want; b++ {
		k[len(k)-1] = uint64(b)
		r := NewRNG(s.seed, k...)
		s.s = append(s.s, r.s0, r.s1, r.s2, r.s3)
	}
}

// Get returns the stream of block b (made by Reseed or Grow); first is the
// object's own stream, block 0's.
func (s *BlockStreams) Get(b int, first *RNG) RNG {
	if b == 0 {
		return *first
	}
	q := s.s[4*b-4 : 4*b : 4*b]
	return RNG{q[0], q[1], q[2], q[3]}
}

// Put stores r as the stream of block b (first for block 0).
func (s *BlockStreams) Put(b int, first *RNG, r RNG) {
	if b == 0 {
		*first = r
		return
	}
	q := s.s[4*b-4 : 4*b : 4*b]
	q[0], q[1], q[2], q[3] = r.s0, r.s1, r.s2, r.s3
}

// SplitBlocks is Split over the DrawBlocks(n) blocks of n elements of the
// given cost each: chunk c gets the blocks [lo, hi). It cuts only where its
// smallest chunk repays the hand-over (minChunkWork): the last block may
// be short, and 5,000 Poisson inputs (two blocks, 4,096 and 904 neurons)
// were drawn slower on two goroutines than on one.
func (c *Core) SplitBlocks(n, cost int, fn func(chunk, lo, hi int)) int {
	nb := DrawBlocks(n)
	k := min(nb, MaxChunks)
	for ; k > 1 && minChunkWork > 1; k-- {
		var at [MaxChunks + 1]int
		cutPoints(&at, nb, k, 0) // the blocks' cuts that splitUpTo makes
		smallest := n
		for j := range k {
			smallest = min(smallest, min(at[j+1]*DrawBlock, n)-at[j]*DrawBlock)
		}
		if int64(smallest)*int64(cost) >= minChunkWork {
			break
		}
	}
	// Fewer chunks than k, when fewer goroutines help, are each larger.
	return c.splitUpTo(nb, k, fn)
}
