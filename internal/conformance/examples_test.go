package conformance

import (
	"fmt"
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

// spikeTimes returns the spike times (ms) of each rank of a monitor.
func spikeTimes(t *testing.T, r *analysis.Run, monitor string) map[int64][]float64 {
	t.Helper()
	sp := r.Spikes[monitor]
	if sp == nil {
		t.Fatalf("no spikes recorded by %s", monitor)
	}
	out := map[int64][]float64{}
	for i, tm := range sp.Times {
		out[sp.Ranks[i]] = append(out[sp.Ranks[i]], tm)
	}
	return out
}

// within reports (and logs) whether got lies within tol of the value want
// read off one of ANNarchy's figures.
func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	t.Logf("%s: %.4g (ANNarchy's figure: %.4g)", what, got, want)
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4g, want %.4g +- %.3g", what, got, want, tol)
	}
}

// argmax returns the index and value of the largest element of
// x[lo:hi] (frames of a one-column trace).
func argmax(x []float64, lo, hi int, sign float64) (int, float64) {
	best := lo
	for k := lo; k < hi; k++ {
		if sign*x[k] > sign*x[best] {
			best = k
		}
	}
	return best, x[best]
}

// TestGapJunctionsExample: ANNarchy's "Gap Junctions" notebook plots v of
// neurons 0 and 5 over 500 ms: neuron 5 first fires near 29 ms, neuron 0
// near 45 ms, then both every 39.6 ms (12 spikes each), the last near 463
// and 483 ms.
func TestGapJunctionsExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("gap_junctions"))
	sp := spikeTimes(t, r, "trace")
	for _, c := range []struct {
		rank        int64
		first, last float64
	}{{0, 45, 483}, {5, 29, 463}} {
		ts := sp[c.rank]
		if len(ts) != 12 {
			t.Errorf("neuron %d: %d spikes, want 12: %v", c.rank, len(ts), ts)
			continue
		}
		within(t, fmt.Sprintf("first spike of neuron %d (ms)", c.rank), ts[0], c.first, 1)
		within(t, fmt.Sprintf("last spike of neuron %d (ms)", c.rank), ts[11], c.last, 1)
		within(t, fmt.Sprintf("mean interval of neuron %d (ms)", c.rank), (ts[11]-ts[1])/10, 39.6, 0.5)
	}
}

// TestBCMExample: ANNarchy's "BCM learning rule" notebook: r starts at 1.1
// and peaks near 2.45 around 95 ms, w1 rises to about 2.35 and falls
// towards 0 (about 0.05 at 1 s), w2 peaks near 1.14 and ends near 0.9; the
// threshold theta tracks r^2.
func TestBCMExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("bcm"))
	rr := trace(t, r, "m", "r", 1000, 1).Data
	w := trace(t, r, "n", "w", 1000, 2)
	w1, w2 := make([]float64, 1000), make([]float64, 1000)
	for k := range w1 {
		w1[k], w2[k] = at(w, k, 0), at(w, k, 1)
	}
	if !near(rr[0], 1.1) {
		t.Errorf("r at the first step %v, want 1.0 * 1.0 + 1.0 * 0.1", rr[0])
	}
	k, peak := argmax(rr, 0, 1000, 1)
	within(t, "peak of r", peak, 2.45, 0.1)
	within(t, "time of the peak of r (ms)", float64(k), 95, 10)
	_, p1 := argmax(w1, 0, 1000, 1)
	within(t, "largest w1", p1, 2.35, 0.1)
	_, p2 := argmax(w2, 0, 1000, 1)
	within(t, "largest w2", p2, 1.14, 0.05)
	within(t, "w1 at 1 s", w1[999], 0.05, 0.05)
	within(t, "w2 at 1 s", w2[999], 0.9, 0.05)
	within(t, "r at 1 s", rr[999], 0.14, 0.05)

	// theta (one value per post neuron) as the notebook records it: the
	// exponential method's exact step towards post.r^2 (tau = 100 ms, dt = 1
	// ms) from the rate of the same step. As in ANNarchy, the postsynaptic
	// equation runs before the per-synapse ones, so dw/dt reads the new
	// theta: w1 grows while r > theta and peaks where r crosses theta, and
	// theta, lagging r^2, peaks after r.
	th := trace(t, r, "n", "theta", 1000, 1).Data
	a, prev := -math.Expm1(-1.0/100), 0.0
	for k := range th {
		want := prev + a*(rr[k]*rr[k]-prev)
		if !near(th[k], want) {
			t.Fatalf("theta at step %d: %.12g, want %.12g", k, th[k], want)
		}
		prev = th[k]
	}
	for k := 1; k < 1000; k++ {
		if w1[k] > 0 && (w1[k] > w1[k-1]) != (rr[k] > th[k]) {
			t.Errorf("step %d: w1 %v -> %v with r = %v, theta = %v", k, w1[k-1], w1[k], rr[k], th[k])
			break
		}
	}
	k1, _ := argmax(w1, 0, 1000, 1)
	if !(rr[k1] > th[k1] && rr[k1+1] < th[k1+1]) {
		t.Errorf("w1 peaks at step %d, where r - theta goes from %v to %v", k1, rr[k1]-th[k1], rr[k1+1]-th[k1+1])
	}
	kr, _ := argmax(rr, 0, 1000, 1)
	kt, peakT := argmax(th, 0, 1000, 1)
	if kt <= kr || peakT >= rr[kr]*rr[kr] {
		t.Errorf("theta peaks at %d ms at %v; r peaks at %d ms, r^2 = %v", kt, peakT, kr, rr[kr]*rr[kr])
	}
}

// TestSynapticTransmissionExample: ANNarchy's "Synaptic transmission"
// notebook: a spike emitted at 10 ms makes g_a a pulse of 1 at 11 ms, g_b
// jump to 1 at 11 ms and decay with tau_b = 10 ms (the exponential method
// is exact: exp(-(t-11)/10)), and alpha_c peak at about 1 near 20 ms.
func TestSynapticTransmissionExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("synaptic_transmission"))
	expect(t, trace(t, r, "m", "g_a", 100, 1), func(k, _ int) float64 {
		if k == 11 {
			return 1
		}
		return 0
	})
	expect(t, trace(t, r, "m", "g_b", 100, 1), func(k, _ int) float64 {
		if k < 11 {
			return 0
		}
		return math.Exp(-float64(k-11) / 10)
	})
	alpha := trace(t, r, "m", "alpha_c", 100, 1).Data
	for k := 0; k <= 10; k++ {
		if alpha[k] != 0 {
			t.Errorf("alpha_c[%d] = %v before the spike arrives", k, alpha[k])
		}
	}
	k, peak := argmax(alpha, 0, 100, 1)
	within(t, "peak of alpha_c", peak, 1, 0.01)
	within(t, "time of the peak of alpha_c (ms)", float64(k), 20, 1)
	within(t, "alpha_c at 99 ms", alpha[99], 0, 0.01)
}

// TestHodgkinHuxleyExample: ANNarchy's "Hodgkin Huxley neuron" notebook
// plots 90-120 ms around a 1 ms pulse of 200 at 100 ms: rest at V = -70 mV,
// n = 0.32, m = 0.05, h = 0.6; one spike peaking near 42 mV just after 100
// ms, a trough near -81 mV around 102.7 ms; n up to about 0.72, m to 0.88,
// h down to about 0.15.
func TestHodgkinHuxleyExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("hodgkin_huxley"))
	const steps = 20100
	get := func(v string) []float64 { return trace(t, r, "m", v, steps, 1).Data }
	V, n, m, h := get("V"), get("n"), get("m"), get("h")
	within(t, "V at rest (mV)", V[9999], -70, 0.1)
	within(t, "n at rest", n[9999], 0.32, 0.01)
	within(t, "m at rest", m[9999], 0.053, 0.003)
	within(t, "h at rest", h[9999], 0.596, 0.01)
	k, vmax := argmax(V, 9000, 12000, 1)
	within(t, "peak of V (mV)", vmax, 42, 1.5)
	within(t, "time of the peak (ms)", float64(k)*0.01, 100.5, 0.2)
	k, vmin := argmax(V, 9000, 12000, -1)
	within(t, "trough of V (mV)", vmin, -81, 1)
	within(t, "time of the trough (ms)", float64(k)*0.01, 102.7, 0.3)
	_, nmax := argmax(n, 9000, 12000, 1)
	within(t, "largest n", nmax, 0.715, 0.01)
	_, mmax := argmax(m, 9000, 12000, 1)
	within(t, "largest m", mmax, 0.88, 0.01)
	_, hmin := argmax(h, 9000, 12000, -1)
	within(t, "smallest h", hmin, 0.15, 0.01)
	if sp := spikeTimes(t, r, "m")[0]; len(sp) != 1 || sp[0] < 100 || sp[0] > 101 {
		t.Errorf("spikes at %v ms, want one just after 100 ms", sp)
	}
}

// TestNMDAExample: with the NMDA-like synapse of ANNarchy's manual, the post
// neuron's g_exc is at every step the sum of the synapses' g (as left by
// the previous step's synapse equations), not incremented by spikes: 0
// until the first spike (emitted at 10 ms) has raised x, then a rise to a
// peak and a decay; the volley at 60 ms adds both synapses' g.
func TestNMDAExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("nmda"))
	const steps = 150
	G := trace(t, r, "m", "g_exc", steps, 1).Data
	g1 := trace(t, r, "s", "g", steps, 1).Data
	g2 := trace(t, r, "s2", "g", steps, 1).Data
	expect(t, trace(t, r, "m", "g_exc", steps, 1), func(k, _ int) float64 {
		if k == 0 {
			return 0
		}
		return g1[k-1] + g2[k-1]
	})
	for k := 0; k <= 11; k++ {
		if G[k] != 0 {
			t.Errorf("g_exc[%d] = %v before the synapse's g has grown", k, G[k])
		}
	}
	k, peak := argmax(G, 0, 55, 1)
	t.Logf("nmda: g_exc peaks at %.4f, %d ms; g2 at 70 ms %.4f", peak, k, g2[70])
	if k < 14 || k > 30 || G[54] > peak/2 || g2[59] != 0 || g2[70] <= 0 {
		t.Errorf("g_exc does not rise after 11 ms and decay: peak %v at %d ms, %v at 54 ms; g2 %v, %v", peak, k, G[54], g2[59], g2[70])
	}
}

// TestSTPExample: ANNarchy's "Short-term Plasticity and Synchrony" notebook
// shows 14 population bursts in 10 s (irregular), the first near 280 ms and
// the largest (45 % of the excitatory neurons within 1 ms); most excitatory
// neurons fire only in the bursts (median rate about 1.7 Hz), the most
// driven up to 16 Hz.
func TestSTPExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("stp"))
	sp := r.Spikes["P"]
	if sp == nil {
		t.Fatal("no spikes recorded by P")
	}
	bins := make([]int, 10000)
	counts := make([]float64, 400)
	for i, tm := range sp.Times {
		if rk := sp.Ranks[i]; rk < 400 {
			bins[min(int(tm), 9999)]++
			counts[rk]++
		}
	}
	// A burst: 1 ms bins where more than 5 % of the excitatory neurons
	// fire, closer than 20 ms to each other.
	var starts []int
	var peaks []float64
	last := -100
	for k, c := range bins {
		if c > 20 {
			if k-last >= 20 {
				starts = append(starts, k)
				peaks = append(peaks, 0)
			}
			peaks[len(peaks)-1] = max(peaks[len(peaks)-1], float64(c)/400)
			last = k
		}
	}
	rates := make([]float64, 400)
	for i, c := range counts {
		rates[i] = c / 10
	}
	slices.Sort(rates)
	t.Logf("stp: %d bursts at %v ms, peak activities %v; excitatory rates median %.2f Hz, max %.2f Hz",
		len(starts), starts, peaks, rates[200], rates[399])
	if len(starts) < 10 || len(starts) > 20 {
		t.Errorf("%d bursts in 10 s, want ANNarchy's 14 within 10-20", len(starts))
	}
	if len(starts) > 0 && (starts[0] < 150 || starts[0] > 350 || peaks[0] != slices.Max(peaks) || peaks[0] < 0.25) {
		t.Errorf("first burst at %d ms with activity %.2f, want near 280 ms and the largest (ANNarchy: 0.45)", starts[0], peaks[0])
	}
	within(t, "median excitatory rate (Hz)", rates[200], 1.7, 1.5)
	within(t, "largest excitatory rate (Hz)", rates[399], 16, 5)
}
