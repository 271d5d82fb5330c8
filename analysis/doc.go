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
// # Conventions
//
// Spike times are in milliseconds and lie in the recording window
// [0, Duration]. Rates are in Hz (spikes per second). Binned quantities use
// bins of width bin starting at 0: bin k holds spikes with
// k·bin ≤ t < (k+1)·bin, there are ceil(Duration/bin) bins and a spike at
// exactly t = Duration counts in the last one. Bin boundaries are compared
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
package analysis
