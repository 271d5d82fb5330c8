package analysis

import "github.com/annc/annc/runtime/spikestats"

// Spikes is the raster of one spiking monitor with its statistics (package
// spikestats, which the generated package's monitors use too; see the
// conventions there).
type Spikes = spikestats.Spikes

// ErrTooFewNeurons is returned by CrossCorrelation for a population of fewer
// than two neurons, which has no pair to correlate.
var ErrTooFewNeurons = spikestats.ErrTooFewNeurons

// NewSpikes checks a raster recorded over [0, duration] ms and wraps it
// (spikestats.NewSpikes).
func NewSpikes(times []float64, ranks []int64, n int, duration float64) (*Spikes, error) {
	return spikestats.NewSpikes(times, ranks, n, duration)
}

// GaussianSmooth convolves x, sampled every step ms, with a Gaussian of
// standard deviation sigma ms (spikestats.GaussianSmooth).
func GaussianSmooth(x []float64, step, sigma float64) ([]float64, error) {
	return spikestats.GaussianSmooth(x, step, sigma)
}
