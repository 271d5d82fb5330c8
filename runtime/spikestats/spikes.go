// Package spikestats computes the usual statistics of a spike raster:
// spike-count histograms, mean and population firing rates (optionally
// Gaussian-smoothed), inter-spike intervals, their coefficient of
// variation, the Fano factor and the cross-correlation coherence index of
// Wang & Buzsáki (1996). annc's analysis package gives them for results on
// disk, the runtime's Monitor for the spikes it holds. Standard library
// only: annc copies it into every build directory with the runtime.
//
// # Conventions
//
// Spike times are in milliseconds and lie in the recording window
// [T0, T0+Duration]. Rates are in Hz (spikes per second). Binned quantities
// use bins of width bin starting at T0: bin k holds spikes with
// k·bin ≤ t−T0 < (k+1)·bin, there are ceil(Duration/bin) bins and a spike
// at the window's end counts in the last one. Bin boundaries are compared
// with a relative tolerance of 1e-9 so that spike times on a dt grid never
// fall into the previous bin through rounding (0.3/0.1 = 2.9999999999999996).
//
// Undefined statistics are NaN, never a silent 0: the coefficient of
// variation of a neuron with fewer than two inter-spike intervals (as
// ANNarchy, which leaves such neurons out), the Fano factor of a neuron that
// never fired, and the cross-correlation of a population of fewer than two
// neurons. Means over neurons (MeanCV, MeanFanoFactor) average the defined
// values only and are NaN when none is defined. Variances are population
// variances (divided by n, not n-1), as numpy.std and ANNarchy use.
package spikestats

import (
	"errors"
	"fmt"
	"math"
)

// Spikes is the raster of one spiking monitor: Times[i] (ms) is when neuron
// Ranks[i] fired. Entries are ordered by time then rank, as the runtime writes
// them. N is the number of neurons the monitor covers (silent ones included),
// which per-neuron results are indexed by, and [T0, T0+Duration] the
// recording window in ms. A monitor of a view records Recorded neurons of
// the N ranks of its population (0: all N): firing rates and neuron pairs
// count those.
type Spikes struct {
	Times    []float64
	Ranks    []int64
	N        int
	Recorded int
	T0       float64
	Duration float64
}

// neurons is the number of recorded neurons.
func (s *Spikes) neurons() int {
	if s.Recorded > 0 {
		return s.Recorded
	}
	return s.N
}

// NewSpikes checks a raster recorded over [0, duration] and wraps it: equal
// lengths, finite times inside the window in non-decreasing order, ranks in
// [0, n), n ≥ 1, duration > 0. The slices are not copied.
func NewSpikes(times []float64, ranks []int64, n int, duration float64) (*Spikes, error) {
	return NewWindow(times, ranks, n, 0, duration)
}

// NewRecorded is NewWindow for the raster of recorded neurons (0: not
// known) whose ranks are their population's, as a view's are: N covers
// span and every rank, and Recorded is recorded when that is fewer.
func NewRecorded(times []float64, ranks []int64, recorded, span int, t0, t1 float64) (*Spikes, error) {
	n := max(recorded, span, 1)
	for _, r := range ranks {
		n = max(n, int(r)+1)
	}
	s, err := NewWindow(times, ranks, n, t0, t1)
	if err == nil && recorded > 0 && recorded < n {
		s.Recorded = recorded
	}
	return s, err
}

// NewWindow is NewSpikes for a raster recorded over [t0, t1].
func NewWindow(times []float64, ranks []int64, n int, t0, t1 float64) (*Spikes, error) {
	if len(times) != len(ranks) {
		return nil, fmt.Errorf("spikes: %d times but %d ranks", len(times), len(ranks))
	}
	if n < 1 {
		return nil, fmt.Errorf("spikes: number of neurons must be at least 1, got %d", n)
	}
	duration := t1 - t0
	if !(duration > 0) || math.IsInf(duration, 0) || math.IsInf(t0, 0) {
		return nil, fmt.Errorf("spikes: the recording window [%v, %v] ms must have a positive, finite length", t0, t1)
	}
	prev := math.Inf(-1)
	for i, t := range times {
		if math.IsNaN(t) || t < t0 || t > t1 {
			return nil, fmt.Errorf("spikes: spike %d at t = %v ms lies outside the recording window [%v, %v] ms", i, t, t0, t1)
		}
		if t < prev {
			return nil, fmt.Errorf("spikes: spike %d at t = %v ms comes after one at %v ms (times must be ordered)", i, t, prev)
		}
		prev = t
		if r := ranks[i]; r < 0 || r >= int64(n) {
			return nil, fmt.Errorf("spikes: spike %d has rank %d outside [0, %d)", i, r, n)
		}
	}
	return &Spikes{Times: times, Ranks: ranks, N: n, T0: t0, Duration: duration}, nil
}

// Count is the total number of spikes.
func (s *Spikes) Count() int { return len(s.Times) }

// Raster returns the points of a raster plot: x = spike time (ms), y = rank.
func (s *Spikes) Raster() (t, rank []float64) {
	t = append([]float64(nil), s.Times...)
	rank = make([]float64, len(s.Ranks))
	for i, r := range s.Ranks {
		rank[i] = float64(r)
	}
	return t, rank
}

// Trains returns the spike times of each neuron (index = rank), each in
// increasing order. Silent neurons have an empty (nil) train.
func (s *Spikes) Trains() [][]float64 {
	counts := s.NeuronCounts()
	backing := make([]float64, len(s.Times))
	trains := make([][]float64, s.N)
	off := 0
	for r, c := range counts {
		if c > 0 {
			trains[r] = backing[off : off : off+c]
		}
		off += c
	}
	for i, t := range s.Times {
		r := s.Ranks[i]
		trains[r] = append(trains[r], t)
	}
	return trains
}

// NeuronCounts is the number of spikes of each neuron.
func (s *Spikes) NeuronCounts() []int {
	c := make([]int, s.N)
	for _, r := range s.Ranks {
		c[r]++
	}
	return c
}

// MeanRate is the mean firing rate of the population in Hz: the number of
// spikes divided by N and by the duration in seconds (0 for no spikes).
func (s *Spikes) MeanRate() float64 {
	return float64(len(s.Times)) / float64(s.neurons()) / (s.Duration / 1000)
}

// NeuronRates is each neuron's firing rate over the whole window, in Hz.
func (s *Spikes) NeuronRates() []float64 {
	r := make([]float64, s.N)
	sec := s.Duration / 1000
	for i, c := range s.NeuronCounts() {
		r[i] = float64(c) / sec
	}
	return r
}

// binTol is the relative tolerance used when placing a time into a bin.
const binTol = 1e-9

// NumBins is the number of bins of width bin (ms) covering the window:
// ceil(Duration/bin), where a ratio within 1e-9 of an integer counts as that
// integer (1000/0.1 gives 10000 bins, not 10001).
func (s *Spikes) NumBins(bin float64) (int, error) {
	if !(bin > 0) || math.IsInf(bin, 0) {
		return 0, fmt.Errorf("bin width must be positive and finite, got %v ms", bin)
	}
	q := s.Duration / bin
	k := math.Round(q)
	if math.Abs(q-k) <= binTol*math.Max(1, q) {
		return int(math.Max(k, 1)), nil
	}
	return int(math.Ceil(q)), nil
}

// binOf places time t in one of nb bins of width bin (see the package
// conventions).
func binOf(t, bin float64, nb int) int {
	q := t / bin
	k := int(math.Floor(q + binTol*math.Max(1, q)))
	if k >= nb {
		k = nb - 1
	}
	return k
}

// BinCentres returns the centre time (ms) of each of the NumBins(bin) bins;
// the last bin may extend past the window when bin does not divide it.
func (s *Spikes) BinCentres(bin float64) ([]float64, error) {
	nb, err := s.NumBins(bin)
	if err != nil {
		return nil, err
	}
	c := make([]float64, nb)
	for k := range c {
		c[k] = s.T0 + (float64(k)+0.5)*bin
	}
	return c, nil
}

// Histogram counts the spikes of the whole population in bins of width bin ms.
func (s *Spikes) Histogram(bin float64) ([]int, error) {
	nb, err := s.NumBins(bin)
	if err != nil {
		return nil, err
	}
	h := make([]int, nb)
	for _, t := range s.Times {
		h[binOf(t-s.T0, bin, nb)]++
	}
	return h, nil
}

// NeuronHistogram counts each neuron's spikes in bins of width bin ms:
// result[rank][k].
func (s *Spikes) NeuronHistogram(bin float64) ([][]int, error) {
	nb, err := s.NumBins(bin)
	if err != nil {
		return nil, err
	}
	backing := make([]int, s.N*nb)
	h := make([][]int, s.N)
	for r := range h {
		h[r] = backing[r*nb : (r+1)*nb : (r+1)*nb]
	}
	for i, t := range s.Times {
		h[s.Ranks[i]][binOf(t-s.T0, bin, nb)]++
	}
	return h, nil
}

// PopulationRate is the instantaneous rate of the population in Hz in bins of
// width bin ms: spikes in the bin / N / (bin in seconds). With sigma > 0 the
// result is smoothed by a Gaussian kernel of standard deviation sigma ms (see
// GaussianSmooth); sigma = 0 returns the raw binned rate.
func (s *Spikes) PopulationRate(bin, sigma float64) ([]float64, error) {
	h, err := s.Histogram(bin)
	if err != nil {
		return nil, err
	}
	scale := 1000 / (bin * float64(s.neurons()))
	r := make([]float64, len(h))
	for k, c := range h {
		r[k] = float64(c) * scale
	}
	return GaussianSmooth(r, bin, sigma)
}

// SmoothedRate is the rate of each neuron in Hz in bins of width bin ms,
// Gaussian-smoothed with standard deviation sigma ms (none when sigma = 0):
// result[rank][k]. It needs N × NumBins(bin) values of memory.
func (s *Spikes) SmoothedRate(bin, sigma float64) ([][]float64, error) {
	h, err := s.NeuronHistogram(bin)
	if err != nil {
		return nil, err
	}
	if sigma < 0 || math.IsNaN(sigma) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("smoothing width must be zero or positive, got %v ms", sigma)
	}
	scale := 1000 / bin
	out := make([][]float64, s.N)
	raw := make([]float64, 0)
	for r, row := range h {
		raw = raw[:0]
		for _, c := range row {
			raw = append(raw, float64(c)*scale)
		}
		sm, err := GaussianSmooth(raw, bin, sigma)
		if err != nil {
			return nil, err
		}
		if sigma == 0 {
			sm = append([]float64(nil), sm...)
		}
		out[r] = sm
	}
	return out, nil
}

// GaussianSmooth convolves x, sampled every step ms, with a Gaussian of
// standard deviation sigma ms truncated at ±4 sigma: the weight of a sample k
// steps away is exp(-(k·step)²/(2 sigma²)). At the edges the kernel is
// renormalised over the samples that exist, so a constant signal stays
// constant up to the ends (no dip from implicit zero padding). sigma = 0
// returns x itself.
func GaussianSmooth(x []float64, step, sigma float64) ([]float64, error) {
	if sigma < 0 || math.IsNaN(sigma) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("smoothing width must be zero or positive, got %v ms", sigma)
	}
	if !(step > 0) {
		return nil, fmt.Errorf("sample step must be positive, got %v ms", step)
	}
	if sigma == 0 || len(x) == 0 {
		return x, nil
	}
	m := int(math.Ceil(4 * sigma / step))
	if m > len(x) {
		m = len(x)
	}
	w := make([]float64, m+1)
	for k := range w {
		d := float64(k) * step / sigma
		w[k] = math.Exp(-0.5 * d * d)
	}
	n := len(x)
	y := make([]float64, n)
	for i := range y {
		lo, hi := max(i-m, 0), min(i+m, n-1)
		var acc, norm float64
		for j := lo; j <= hi; j++ {
			wk := w[abs(j-i)]
			acc += wk * x[j]
			norm += wk
		}
		y[i] = acc / norm
	}
	return y, nil
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// ISIs returns each neuron's inter-spike intervals (ms), index = rank. A
// neuron with fewer than two spikes has none (nil).
func (s *Spikes) ISIs() [][]float64 {
	trains := s.Trains()
	out := make([][]float64, s.N)
	for r, tr := range trains {
		if len(tr) < 2 {
			continue
		}
		d := make([]float64, len(tr)-1)
		for i := range d {
			d[i] = tr[i+1] - tr[i]
		}
		out[r] = d
	}
	return out
}

// AllISIs returns the inter-spike intervals of all neurons in one slice, by
// rank then time (the pooled distribution, e.g. for a histogram).
func (s *Spikes) AllISIs() []float64 {
	var out []float64
	for _, d := range s.ISIs() {
		out = append(out, d...)
	}
	return out
}

// CV is each neuron's coefficient of variation of inter-spike intervals,
// population standard deviation over mean (as ANNarchy). It is NaN for a
// neuron with fewer than two intervals (fewer than three spikes), where
// ANNarchy leaves the neuron out, and for a zero mean interval.
func (s *Spikes) CV() []float64 {
	out := make([]float64, s.N)
	for r, d := range s.ISIs() {
		out[r] = cvOf(d)
	}
	return out
}

func cvOf(d []float64) float64 {
	if len(d) < 2 {
		return math.NaN()
	}
	mean, variance := popMeanVariance(d)
	if mean == 0 {
		return math.NaN()
	}
	return math.Sqrt(variance) / mean
}

// MeanCV averages CV over the neurons where it is defined; NaN if none.
func (s *Spikes) MeanCV() float64 { return meanDefined(s.CV()) }

// meanDefined averages the non-NaN values of x; NaN when there are none.
func meanDefined(x []float64) float64 {
	var def []float64
	for _, v := range x {
		if !math.IsNaN(v) {
			def = append(def, v)
		}
	}
	if len(def) == 0 {
		return math.NaN()
	}
	return total(def) / float64(len(def))
}

// FanoFactor is each neuron's Fano factor of spike counts in bins of width
// bin ms: the population variance of the counts over the bins divided by
// their mean. It is NaN for a neuron that never fired.
func (s *Spikes) FanoFactor(bin float64) ([]float64, error) {
	h, err := s.NeuronHistogram(bin)
	if err != nil {
		return nil, err
	}
	out := make([]float64, s.N)
	x := make([]float64, 0)
	for r, row := range h {
		x = x[:0]
		for _, c := range row {
			x = append(x, float64(c))
		}
		mean, variance := popMeanVariance(x)
		if mean == 0 {
			out[r] = math.NaN()
			continue
		}
		out[r] = variance / mean
	}
	return out, nil
}

// MeanFanoFactor averages FanoFactor over the neurons that fired; NaN if none.
func (s *Spikes) MeanFanoFactor(bin float64) (float64, error) {
	f, err := s.FanoFactor(bin)
	if err != nil {
		return math.NaN(), err
	}
	return meanDefined(f), nil
}

// ErrTooFewNeurons is returned by CrossCorrelation for a population of fewer
// than two neurons, which has no pair to correlate.
var ErrTooFewNeurons = errors.New("cross-correlation needs at least two neurons")

// CrossCorrelation is the coherence index κ(τ) of Wang & Buzsáki (1996), as
// BrainPy's measure.cross_correlation computes it: time is cut into bins of
// width bin = τ ms, X_i(l) is 1 when neuron i fired in bin l and 0 otherwise,
//
//	κ_ij = Σ_l X_i(l) X_j(l) / sqrt(Σ_l X_i(l) · Σ_l X_j(l))   (0 if either is silent)
//
// and κ is the mean of κ_ij over all N(N−1)/2 pairs i < j. It lies in [0, 1]:
// 1 when all neurons fire in exactly the same bins.
//
// The pair sum is not computed pair by pair. With u_i = X_i/‖X_i‖ (the zero
// vector for a silent neuron), κ_ij = u_i·u_j, so Σ_{i<j} κ_ij =
// (‖Σ_i u_i‖² − Σ_i ‖u_i‖²)/2 and Σ_i ‖u_i‖² is the number of active neurons:
// the cost is O(N · bins) instead of O(N² · bins).
//
// BrainPy counts bins in whole time steps (int(τ/dt)); here the bins are
// exactly τ wide, which is the same when τ is a multiple of dt.
func (s *Spikes) CrossCorrelation(bin float64) (float64, error) {
	if s.neurons() < 2 {
		return math.NaN(), ErrTooFewNeurons
	}
	nb, err := s.NumBins(bin)
	if err != nil {
		return math.NaN(), err
	}
	// Binary states: mark[rank*nb+k] is set once per (neuron, bin).
	mark := make([]bool, s.N*nb)
	active := make([]int, s.N)
	for i, t := range s.Times {
		r := int(s.Ranks[i])
		j := r*nb + binOf(t-s.T0, bin, nb)
		if !mark[j] {
			mark[j] = true
			active[r]++
		}
	}
	sum := make([]float64, nb)
	nActive := 0
	for r := 0; r < s.N; r++ {
		if active[r] == 0 {
			continue
		}
		nActive++
		inv := 1 / math.Sqrt(float64(active[r]))
		row := mark[r*nb : (r+1)*nb]
		for k, on := range row {
			if on {
				sum[k] += inv
			}
		}
	}
	var sq float64
	for _, x := range sum {
		sq += x * x
	}
	pairs := float64(s.neurons()) * float64(s.neurons()-1) / 2
	k := (sq - float64(nActive)) / 2 / pairs
	return math.Max(k, 0), nil
}

func total(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}

// popMeanVariance is the mean of x and its population variance (divided
// by n), with the two-pass algorithm corrected for the rounding of the
// mean.
func popMeanVariance(x []float64) (mean, variance float64) {
	n := float64(len(x))
	mean = total(x) / n
	var ss, comp float64
	for _, v := range x {
		d := v - mean
		ss += d * d
		comp += d
	}
	return mean, (ss - comp*comp/n) / n
}
