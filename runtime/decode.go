package runtime

// Decoder turns the spikes a projection carries into firing rates of its
// postsynaptic neurons over a sliding window, as ANNarchy's
// DecodingProjection: each step, every spike adds its synapse's weight to
// its post neuron's count of the step; then
//
//	sum(target) += (counts of the last window steps, newest first)
//	               / window_steps * 1000 / dt / (synapses of the neuron)
//
// Counts are kept as sparse lists, summed in ANNarchy's order (zeros add
// nothing), so the result is the same bits for the same spikes.
type Decoder struct {
	steps int
	dt    float64
	hist  [][]decEntry // the counts of the last steps, a ring (hist[pos] next)
	pos   int
	acc   []float64 // counts of the current step, dense
	hit   []int32   // post neurons with a count this step
	sum   []float64
	nsyn  []int32 // synapses of each post neuron
	posts []int32 // post neurons with synapses, ascending
}

type decEntry struct {
	j int32
	v float64
}

// NewDecoder returns the decoder of the synapses of c over steps (>= 1)
// steps of dt ms.
func NewDecoder(c *Conn, steps int, dt float64) *Decoder {
	d := &Decoder{steps: max(steps, 1), dt: dt, acc: make([]float64, c.NPost), sum: make([]float64, c.NPost), nsyn: make([]int32, c.NPost)}
	d.hist = make([][]decEntry, d.steps)
	for j := 0; j < c.NPost; j++ {
		d.nsyn[j] = c.PostPtr[j+1] - c.PostPtr[j]
		if d.nsyn[j] > 0 {
			d.posts = append(d.posts, int32(j))
		}
	}
	return d
}

// Reset forgets every count.
func (d *Decoder) Reset() {
	for i := range d.hist {
		d.hist[i] = d.hist[i][:0]
	}
	d.pos = 0
}

// Decode adds the spikes of the presynaptic ranks spiked through c (weights
// w, parallel to c.Pre) and adds the decoded rates to dst (one per post
// neuron).
func Decode[T float32 | float64](d *Decoder, c *Conn, w []T, spiked []int32, dst []T) {
	for _, i := range spiked {
		for _, k := range c.PreIdx[c.PrePtr[i]:c.PrePtr[i+1]] {
			j := c.Post[k]
			if d.acc[j] == 0 {
				d.hit = append(d.hit, j)
			}
			d.acc[j] += float64(w[k])
		}
	}
	// The newest step takes the oldest's slot.
	d.pos--
	if d.pos < 0 {
		d.pos = d.steps - 1
	}
	slot := d.hist[d.pos][:0]
	for _, j := range d.hit {
		if d.acc[j] != 0 {
			slot = append(slot, decEntry{j, d.acc[j]})
		}
		d.acc[j] = 0
	}
	d.hit = d.hit[:0]
	d.hist[d.pos] = slot
	clear(d.sum)
	for s := 0; s < d.steps; s++ {
		for _, e := range d.hist[(d.pos+s)%d.steps] {
			d.sum[e.j] += e.v
		}
	}
	win := float64(d.steps)
	for _, j := range d.posts {
		dst[j] += T(d.sum[j] / win * 1000 / d.dt / float64(d.nsyn[j]))
	}
}
