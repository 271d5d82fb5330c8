package runtime

// RateWindow computes the firing rate of each neuron of a population over a
// sliding window, as ANNarchy's compute_firing_rate(window): after each
// step, r = 1000 / window_ms × (spikes of the neuron in the last window
// steps, this one included).
type RateWindow struct {
	steps  int
	factor float64
	hist   [][]int32 // spikes of the last steps, a ring
	pos    int
	count  []int32
}

// NewRateWindow returns the window of steps (>= 1) steps, window ms long,
// for size neurons.
func NewRateWindow(size, steps int, windowMs float64) *RateWindow {
	w := &RateWindow{steps: max(steps, 1), factor: 1000 / windowMs, count: make([]int32, size)}
	w.hist = make([][]int32, w.steps)
	return w
}

// Reset forgets every spike.
func (w *RateWindow) Reset() {
	clear(w.count)
	for i := range w.hist {
		w.hist[i] = w.hist[i][:0]
	}
	w.pos = 0
}

// Push adds the spikes of this step and drops those that left the window.
func (w *RateWindow) Push(spiked []int32) {
	old := w.hist[w.pos]
	for _, i := range old {
		w.count[i]--
	}
	for _, i := range spiked {
		w.count[i]++
	}
	w.hist[w.pos] = append(old[:0], spiked...)
	w.pos++
	if w.pos == w.steps {
		w.pos = 0
	}
}

// FillRate writes the rates of w into r (Hz).
func FillRate[T float32 | float64](w *RateWindow, r []T) {
	for i, c := range w.count[:len(r)] {
		r[i] = T(w.factor * float64(c))
	}
}
