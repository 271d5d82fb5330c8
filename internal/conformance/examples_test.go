package conformance

import (
	"image"
	_ "image/png"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/annc/annc/analysis"
	"github.com/annc/annc/plot"
)

// example returns the path of an example's model file.
func example(name string) string { return filepath.Join("..", "..", "examples", name, "model.yaml") }

// spikesOf returns the raster of monitor P of a run.
func spikesOf(t *testing.T, r *analysis.Run) *analysis.Spikes {
	t.Helper()
	sp := r.Spikes["P"]
	if sp == nil {
		t.Fatal("no spikes recorded by monitor P")
	}
	return sp
}

// shuffled is an asynchronous surrogate of a raster: each neuron's spike
// train is shifted circularly by its own random offset, which keeps every
// neuron's rate and interspike intervals but destroys their alignment.
func shuffled(t *testing.T, sp *analysis.Spikes, seed uint64) *analysis.Spikes {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	shift := make([]float64, sp.N)
	for i := range shift {
		shift[i] = rng.Float64() * sp.Duration
	}
	type spike struct {
		t float64
		r int64
	}
	all := make([]spike, len(sp.Times))
	for i, tm := range sp.Times {
		x := math.Mod(tm+shift[sp.Ranks[i]], sp.Duration)
		all[i] = spike{x, sp.Ranks[i]}
	}
	slices.SortFunc(all, func(a, b spike) int {
		if a.t != b.t {
			if a.t < b.t {
				return -1
			}
			return 1
		}
		return int(a.r - b.r)
	})
	times, ranks := make([]float64, len(all)), make([]int64, len(all))
	for i, s := range all {
		times[i], ranks[i] = s.t, s.r
	}
	out, err := analysis.NewSpikes(times, ranks, sp.N, sp.Duration)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// spectrum returns the power of the mean-removed population rate (bins of
// bin ms) at each frequency (Hz) of its real FFT.
func spectrum(t *testing.T, sp *analysis.Spikes, bin float64) (freq, power []float64) {
	t.Helper()
	rate, err := sp.PopulationRate(bin, 0)
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for _, x := range rate {
		mean += x
	}
	mean /= float64(len(rate))
	x := make([]float64, len(rate))
	for i, v := range rate {
		x[i] = v - mean
	}
	fft := fourier.NewFFT(len(x))
	coef := fft.Coefficients(nil, x)
	freq = make([]float64, len(coef))
	power = make([]float64, len(coef))
	for i, c := range coef {
		freq[i] = fft.Freq(i) * 1000 / bin
		power[i] = cmplx.Abs(c) * cmplx.Abs(c)
	}
	return freq, power
}

// peak returns the frequency of the largest power in [lo, hi] Hz, that power,
// and the median power over all positive frequencies.
func peak(freq, power []float64, lo, hi float64) (f, p, median float64) {
	var rest []float64
	for i := 1; i < len(freq); i++ {
		rest = append(rest, power[i])
		if freq[i] >= lo && freq[i] <= hi && power[i] > p {
			f, p = freq[i], power[i]
		}
	}
	slices.Sort(rest)
	return f, p, rest[len(rest)/2]
}

// TestCOBA: 1000 ms of the COBA benchmark; the excitatory neurons (ranks
// 0-3199) fire asynchronously at 15-25 Hz, and plot.Dir draws the raster.
func TestCOBA(t *testing.T) {
	t.Parallel()
	r := run(t, example("coba"), "-seed", "42")
	sp := spikesOf(t, r)
	if sp.N != 4000 || r.Manifest.Steps != 10000 {
		t.Fatalf("monitor covers %d neurons over %d steps, want 4000 over 10000", sp.N, r.Manifest.Steps)
	}
	exc := 0
	for _, rk := range sp.Ranks {
		if rk < 3200 {
			exc++
		}
	}
	rate := float64(exc) / 3200 / 1.0
	t.Logf("COBA: %d spikes, excitatory rate %.2f Hz, all %.2f Hz", sp.Count(), rate, sp.MeanRate())
	if rate < 15 || rate > 25 {
		t.Errorf("excitatory rate %.2f Hz, want 15-25 Hz", rate)
	}
	kappa, err := sp.CrossCorrelation(2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("COBA: synchrony kappa(2 ms) %.4f", kappa)
	full := checkPlots(t, r.Dir, "P.raster.png")
	// The same figure of a silent network (no drive, all at rest) has only
	// axes, labels and a flat rate: the spikes above must add to it.
	quiet := run(t, example("coba"), "-seed", "42", "-duration", "100", "-set", "P.I=0", "-set", "P.v=-60",
		"-set", "P.g_exc=0", "-set", "P.g_inh=0")
	if n := spikesOf(t, quiet).Count(); n != 0 {
		t.Fatalf("silent COBA fired %d spikes", n)
	}
	empty := checkPlots(t, quiet.Dir, "P.raster.png")
	if full < 2*empty {
		t.Errorf("raster of 88000 spikes inks %.3f, of none %.3f: the spikes are not drawn", full, empty)
	}
}

// TestHHGamma: the Wang-Buzsaki network is deterministic: exactly 2089
// spikes in 500 ms, as Brian2 and ANNarchy give. Its gamma rhythm shows as
// synchrony (kappa over 2 ms bins, after the 100 ms transient) far above that
// of the same spike trains shifted apart, and as a spectral peak of the
// population rate near 40 Hz.
func TestHHGamma(t *testing.T) {
	t.Parallel()
	r := run(t, example("hh_gamma"))
	sp := spikesOf(t, r)
	if sp.Count() != 2089 {
		t.Errorf("hh_gamma: %d spikes, want 2089", sp.Count())
	}
	late := lateSpikes(t, sp, 100)
	kappa, err := late.CrossCorrelation(2)
	if err != nil {
		t.Fatal(err)
	}
	base, err := shuffled(t, late, 1).CrossCorrelation(2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("hh_gamma: kappa(2 ms) %.4f after 100 ms, shifted trains %.4f", kappa, base)
	if kappa < 0.5 || kappa < 3*base {
		t.Errorf("hh_gamma synchrony kappa %.4f, want > 0.5 and > 3 x the asynchronous %.4f", kappa, base)
	}
	freq, power := spectrum(t, late, 1)
	f, p, med := peak(freq, power, 20, 80)
	t.Logf("hh_gamma: spectral peak %.1f Hz, %.0f x the median power", f, p/med)
	if f < 30 || f > 50 || p < 20*med {
		t.Errorf("hh_gamma: population-rate peak at %.1f Hz (%.1f x median), want 30-50 Hz and > 20 x", f, p/med)
	}
	if frac := checkPlots(t, r.Dir, "P.raster.png"); frac < 0.05 {
		t.Errorf("hh_gamma raster inks only %.3f", frac)
	}
}

// lateSpikes keeps the spikes after t0 ms, shifted to start at 0.
func lateSpikes(t *testing.T, sp *analysis.Spikes, t0 float64) *analysis.Spikes {
	t.Helper()
	var times []float64
	var ranks []int64
	for i, tm := range sp.Times {
		if tm >= t0 {
			times = append(times, tm-t0)
			ranks = append(ranks, sp.Ranks[i])
		}
	}
	out, err := analysis.NewSpikes(times, ranks, sp.N, sp.Duration-t0)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIzhikevich: the pulse-coupled network of Izhikevich (2003) shows its
// population bursts as a peak of the population rate's spectrum in the
// alpha-to-gamma band (8-60 Hz), well above the median power.
func TestIzhikevich(t *testing.T) {
	t.Parallel()
	r := run(t, example("izhikevich"), "-seed", "3")
	sp := spikesOf(t, r)
	t.Logf("izhikevich: %d spikes, %.2f Hz", sp.Count(), sp.MeanRate())
	freq, power := spectrum(t, sp, 1)
	f, p, med := peak(freq, power, 8, 60)
	t.Logf("izhikevich: spectral peak %.1f Hz, %.0f x the median power", f, p/med)
	if f < 8 || f > 60 || p < 10*med {
		t.Errorf("izhikevich: population-rate peak at %.1f Hz (%.1f x median), want 8-60 Hz and > 10 x", f, p/med)
	}
}

// checkPlots draws the figures of a results directory and checks the named
// PNG: 8 x 7 inches at 96 dpi, not blank and not filled; it returns the
// share of non-white pixels.
func checkPlots(t *testing.T, dir, name string) float64 {
	t.Helper()
	paths, err := plot.Dir(dir, plot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, name)
	if !slices.Contains(paths, want) {
		t.Fatalf("plot.Dir wrote %v, not %s", paths, name)
	}
	f, err := os.Open(want)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 768 || b.Dy() != 672 {
		t.Errorf("%s is %dx%d, want 768x672", name, b.Dx(), b.Dy())
	}
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0 && (r < 0xf000 || g < 0xf000 || bl < 0xf000) {
				ink++
			}
		}
	}
	frac := float64(ink) / float64(b.Dx()*b.Dy())
	t.Logf("%s: %.3f of the pixels inked", name, frac)
	if frac < 0.01 || frac > 0.95 {
		t.Errorf("%s: %.3f of the pixels are not white, want 0.01-0.95", name, frac)
	}
	return frac
}

// TestSTDPExample: ANNarchy's "STDP - network" notebook (examples/stdp)
// reports an output rate of 29.37 Hz over 100 s (25.89 Hz in another run of
// the same notebook) and a bimodal weight distribution: the synapses
// compete, most end near 0 or near w_max = 0.01.
func TestSTDPExample(t *testing.T) {
	t.Parallel()
	for _, seed := range []string{"1"} {
		r := run(t, example("stdp"), "-seed", seed)
		sp := r.Spikes["output"]
		if sp == nil {
			t.Fatal("no spikes recorded by monitor output")
		}
		rate := sp.MeanRate()
		tr := trace(t, r, "weights", "w", 100, 1000)
		var hist [10]int
		for i := 0; i < 1000; i++ {
			w := at(tr, 99, i)
			hist[min(int(w/0.001), 9)]++
		}
		t.Logf("stdp seed %s: output rate %.2f Hz (ANNarchy 29.37), final weights in tenths of w_max %v", seed, rate, hist)
		if rate < 22 || rate > 36 {
			t.Errorf("seed %s: output rate %.2f Hz, want ANNarchy's 29.37 Hz within 22-36", seed, rate)
		}
		// U-shaped: both end bins hold at least 1.5 times as many
		// weights as any bin of the middle 60 %.
		mid := slices.Max(hist[2:8])
		if 2*hist[0] < 3*mid || 2*hist[9] < 3*mid {
			t.Errorf("seed %s: weights not bimodal: %v", seed, hist)
		}
	}
}
