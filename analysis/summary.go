package analysis

import (
	"fmt"
	"math"
)

// Summary holds the scalar statistics of one spiking monitor of a run.
type Summary struct {
	Monitor string
	Neurons int
	Spikes  int
	// RateHz is the mean firing rate (MeanRate).
	RateHz float64
	// CV is the mean coefficient of variation of the ISIs (MeanCV; NaN when
	// no neuron fired three times).
	CV float64
	// Fano is the mean Fano factor of the spike counts in SyncBin-wide bins
	// (MeanFanoFactor; NaN when no neuron fired).
	Fano float64
	// Synchrony is the cross-correlation coherence κ in SyncBin-wide bins
	// (CrossCorrelation; NaN for a single neuron).
	Synchrony float64
	// SyncBin is the bin width in ms used for Fano and Synchrony.
	SyncBin float64
}

// DefaultSyncBin is the bin width (ms) Summarize uses when given 0.
const DefaultSyncBin = 2.0

// Summarize computes the Summary of every spiking monitor of the run, in
// the order of r.Spiking, with bins of syncBin ms (DefaultSyncBin when 0).
func Summarize(r *Run, syncBin float64) ([]Summary, error) {
	if syncBin == 0 {
		syncBin = DefaultSyncBin
	}
	out := make([]Summary, 0, len(r.Spiking))
	for _, name := range r.Spiking {
		s := r.Spikes[name]
		sum := Summary{Monitor: name, Neurons: s.N, Spikes: s.Count(), RateHz: s.MeanRate(), CV: s.MeanCV(), SyncBin: syncBin}
		var err error
		if sum.Fano, err = s.MeanFanoFactor(syncBin); err != nil {
			return nil, fmt.Errorf("%s: monitor %q: %w", r.Dir, name, err)
		}
		sum.Synchrony, err = s.CrossCorrelation(syncBin)
		if err != nil && err != ErrTooFewNeurons {
			return nil, fmt.Errorf("%s: monitor %q: %w", r.Dir, name, err)
		}
		if err == ErrTooFewNeurons {
			sum.Synchrony = math.NaN()
		}
		out = append(out, sum)
	}
	return out, nil
}
