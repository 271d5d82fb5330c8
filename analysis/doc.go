// Package analysis reads the results that an annc simulation writes to disk
// (manifest.json, NumPy .npy arrays, sweep.csv) and computes the usual
// spike-train statistics on them: raster data, spike-count histograms, mean
// and population firing rates (optionally Gaussian-smoothed), inter-spike
// intervals, their coefficient of variation, the Fano factor and the
// cross-correlation coherence index of Wang & Buzsáki (1996).
//
// The files are read with package results (runtime/results), which owns the
// format on disk (README.md, "Results on disk") and checks every header and
// file length against the manifest rather than trusting the writer; analysis
// does not depend on the simulation runtime itself.
//
// The statistics are those of package spikestats (runtime/spikestats),
// whose conventions apply: times in ms, rates in Hz, bins from the start of
// the recording window, NaN for undefined statistics.
package analysis
