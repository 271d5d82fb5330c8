package spikestats

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sample is a small hand-checked raster, N = 3, window [0, 10] ms:
//
//	neuron 0 fires at 1, 2, 4, 7, 10   (ISIs 1, 2, 3, 3)
//	neuron 1 fires at 2, 9.5           (one ISI, 7.5)
//	neuron 2 is silent
func sample(t *testing.T) *Spikes {
	t.Helper()
	s, err := NewSpikes(
		[]float64{1, 2, 2, 4, 7, 9.5, 10},
		[]int64{0, 0, 1, 0, 0, 1, 0},
		3, 10)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustSpikes(t *testing.T, times []float64, ranks []int64, n int, d float64) *Spikes {
	t.Helper()
	s, err := NewSpikes(times, ranks, n, d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

func checkFloats(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
	for i := range got {
		if !near(got[i], want[i]) {
			t.Fatalf("%s: got %v, want %v (index %d)", what, got, want, i)
		}
	}
}

func TestNewSpikesRejects(t *testing.T) {
	cases := []struct {
		name  string
		times []float64
		ranks []int64
		n     int
		d     float64
	}{
		{"length mismatch", []float64{1}, nil, 1, 10},
		{"no neurons", nil, nil, 0, 10},
		{"zero duration", nil, nil, 1, 0},
		{"infinite duration", nil, nil, 1, math.Inf(1)},
		{"negative time", []float64{-1}, []int64{0}, 1, 10},
		{"time after window", []float64{10.5}, []int64{0}, 1, 10},
		{"NaN time", []float64{math.NaN()}, []int64{0}, 1, 10},
		{"unordered", []float64{2, 1}, []int64{0, 0}, 1, 10},
		{"rank too large", []float64{1}, []int64{3}, 3, 10},
		{"negative rank", []float64{1}, []int64{-1}, 3, 10},
	}
	for _, c := range cases {
		if _, err := NewSpikes(c.times, c.ranks, c.n, c.d); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestRasterAndTrains(t *testing.T) {
	s := sample(t)
	x, y := s.Raster()
	checkFloats(t, "raster t", x, []float64{1, 2, 2, 4, 7, 9.5, 10})
	checkFloats(t, "raster rank", y, []float64{0, 0, 1, 0, 0, 1, 0})
	tr := s.Trains()
	checkFloats(t, "train 0", tr[0], []float64{1, 2, 4, 7, 10})
	checkFloats(t, "train 1", tr[1], []float64{2, 9.5})
	if len(tr[2]) != 0 {
		t.Fatalf("silent neuron has train %v", tr[2])
	}
	if got := s.NeuronCounts(); !slices.Equal(got, []int{5, 2, 0}) {
		t.Fatalf("counts %v", got)
	}
	// Appending to one train must not spill into the next.
	tr[0] = append(tr[0], 11)
	if tr[1][0] != 2 {
		t.Fatalf("trains share capacity: %v", tr[1])
	}
}

func TestRates(t *testing.T) {
	s := sample(t)
	// 7 spikes / 3 neurons / 0.010 s.
	if got, want := s.MeanRate(), 7.0/3/0.01; !near(got, want) {
		t.Fatalf("MeanRate %v, want %v", got, want)
	}
	checkFloats(t, "NeuronRates", s.NeuronRates(), []float64{500, 200, 0})
}

func TestHistogram(t *testing.T) {
	s := sample(t)
	h, err := s.Histogram(2.5)
	if err != nil {
		t.Fatal(err)
	}
	// [0,2.5): 1,2,2   [2.5,5): 4   [5,7.5): 7   [7.5,10]: 9.5,10 (10 = end of window)
	if !slices.Equal(h, []int{3, 1, 1, 2}) {
		t.Fatalf("Histogram(2.5) = %v", h)
	}
	// Width 3 does not divide 10: 4 bins, the last [9,12) partly outside.
	h, _ = s.Histogram(3)
	if !slices.Equal(h, []int{3, 1, 1, 2}) {
		t.Fatalf("Histogram(3) = %v", h)
	}
	c, _ := s.BinCentres(3)
	checkFloats(t, "BinCentres(3)", c, []float64{1.5, 4.5, 7.5, 10.5})
	nh, _ := s.NeuronHistogram(5)
	if !slices.Equal(nh[0], []int{3, 2}) || !slices.Equal(nh[1], []int{1, 1}) || !slices.Equal(nh[2], []int{0, 0}) {
		t.Fatalf("NeuronHistogram(5) = %v", nh)
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := s.Histogram(bad); err == nil {
			t.Errorf("Histogram(%v): no error", bad)
		}
	}
}

// Spike times on a dt grid must land in their own bin although 0.3/0.1 is
// 2.9999999999999996 in floating point, and 1/0.1 must give 10 bins.
func TestBinningOnGrid(t *testing.T) {
	s := mustSpikes(t, []float64{0.1 * 3, 0.3, 0.7}, []int64{0, 1, 0}, 2, 1)
	nb, _ := s.NumBins(0.1)
	if nb != 10 {
		t.Fatalf("NumBins(0.1) over 1 ms = %d, want 10", nb)
	}
	h, _ := s.Histogram(0.1)
	if !slices.Equal(h, []int{0, 0, 0, 2, 0, 0, 0, 1, 0, 0}) {
		t.Fatalf("Histogram(0.1) = %v", h)
	}
	s2 := mustSpikes(t, nil, nil, 1, 1000)
	if nb, _ := s2.NumBins(0.1); nb != 10000 {
		t.Fatalf("NumBins(0.1) over 1000 ms = %d", nb)
	}
	// A bin wider than the window still gives one bin.
	if nb, _ := s2.NumBins(5000); nb != 1 {
		t.Fatalf("NumBins(5000) = %d", nb)
	}
}

func TestPopulationRate(t *testing.T) {
	s := sample(t)
	r, err := s.PopulationRate(2.5, 0)
	if err != nil {
		t.Fatal(err)
	}
	// count / 3 neurons / 0.0025 s
	k := 1000 / (2.5 * 3)
	checkFloats(t, "PopulationRate", r, []float64{3 * k, k, k, 2 * k})

	// Smoothed with sigma = one bin: weights e^{-k²/2}, |k| ≤ 4 bins,
	// renormalised over the bins that exist.
	rs, err := s.PopulationRate(2.5, 2.5)
	if err != nil {
		t.Fatal(err)
	}
	w1, w2, w3 := math.Exp(-0.5), math.Exp(-2), math.Exp(-4.5)
	want := []float64{
		(3*k + w1*k + w2*k + w3*2*k) / (1 + w1 + w2 + w3),
		(w1*3*k + k + w1*k + w2*2*k) / (w1 + 1 + w1 + w2),
		(w2*3*k + w1*k + k + w1*2*k) / (w2 + w1 + 1 + w1),
		(w3*3*k + w2*k + w1*k + 2*k) / (w3 + w2 + w1 + 1),
	}
	checkFloats(t, "smoothed PopulationRate", rs, want)
	if _, err := s.PopulationRate(1, -1); err == nil {
		t.Fatal("negative sigma: no error")
	}
}

func TestGaussianSmooth(t *testing.T) {
	y, err := GaussianSmooth([]float64{0, 0, 1, 0, 0}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	e := func(k float64) float64 { return math.Exp(-k * k / 2) }
	n0 := e(0) + e(1) + e(2) + e(3) + e(4)
	n1 := e(1) + e(0) + e(1) + e(2) + e(3)
	n2 := e(2) + e(1) + e(0) + e(1) + e(2)
	checkFloats(t, "impulse", y, []float64{e(2) / n0, e(1) / n1, 1 / n2, e(1) / n1, e(2) / n0})

	// A constant stays constant, edges included.
	y, _ = GaussianSmooth([]float64{3, 3, 3, 3}, 0.1, 5)
	checkFloats(t, "constant", y, []float64{3, 3, 3, 3})

	// Truncation at 4 sigma: samples 5 steps away get no weight.
	y, _ = GaussianSmooth([]float64{1, 0, 0, 0, 0, 0}, 1, 1)
	if y[5] != 0 || y[4] == 0 {
		t.Fatalf("truncation: %v", y)
	}
	y, _ = GaussianSmooth(nil, 1, 1)
	if len(y) != 0 {
		t.Fatalf("empty input gave %v", y)
	}
}

func TestSmoothedRate(t *testing.T) {
	s := sample(t)
	r, err := s.SmoothedRate(5, 0)
	if err != nil {
		t.Fatal(err)
	}
	// counts / 0.005 s
	checkFloats(t, "neuron 0", r[0], []float64{600, 400})
	checkFloats(t, "neuron 1", r[1], []float64{200, 200})
	checkFloats(t, "neuron 2", r[2], []float64{0, 0})
	r, _ = s.SmoothedRate(5, 5)
	w := math.Exp(-0.5)
	checkFloats(t, "smoothed neuron 0", r[0], []float64{(600 + w*400) / (1 + w), (w*600 + 400) / (1 + w)})
}

func TestISIAndCV(t *testing.T) {
	s := sample(t)
	isi := s.ISIs()
	checkFloats(t, "ISI 0", isi[0], []float64{1, 2, 3, 3})
	checkFloats(t, "ISI 1", isi[1], []float64{7.5})
	if isi[2] != nil {
		t.Fatalf("silent neuron ISIs %v", isi[2])
	}
	checkFloats(t, "AllISIs", s.AllISIs(), []float64{1, 2, 3, 3, 7.5})
	// ISIs 1,2,3,3: mean 2.25, population variance (1.5625+0.0625+0.5625+0.5625)/4 = 0.6875.
	cv0 := math.Sqrt(0.6875) / 2.25
	checkFloats(t, "CV", s.CV(), []float64{cv0, math.NaN(), math.NaN()})
	if got := s.MeanCV(); !near(got, cv0) {
		t.Fatalf("MeanCV %v, want %v", got, cv0)
	}
	// Perfectly regular firing has CV 0.
	reg := mustSpikes(t, []float64{1, 3, 5, 7}, []int64{0, 0, 0, 0}, 1, 10)
	checkFloats(t, "regular CV", reg.CV(), []float64{0})
}

func TestFanoFactor(t *testing.T) {
	s := sample(t)
	f, err := s.FanoFactor(5)
	if err != nil {
		t.Fatal(err)
	}
	// neuron 0: counts 3, 2 → mean 2.5, variance 0.25 → 0.1; neuron 1: 1, 1 → 0; neuron 2 silent.
	checkFloats(t, "Fano", f, []float64{0.1, 0, math.NaN()})
	m, _ := s.MeanFanoFactor(5)
	if !near(m, 0.05) {
		t.Fatalf("MeanFanoFactor %v", m)
	}
	if _, err := s.FanoFactor(0); err == nil {
		t.Fatal("zero bin: no error")
	}
}

func TestCrossCorrelation(t *testing.T) {
	s := sample(t)
	// Bins of 5 ms: X0 = [1 1], X1 = [1 1], X2 = [0 0]. κ01 = 2/√4 = 1, κ02 = κ12 = 0.
	k, err := s.CrossCorrelation(5)
	if err != nil {
		t.Fatal(err)
	}
	if !near(k, 1.0/3) {
		t.Fatalf("κ(5) = %v, want 1/3", k)
	}
	// Bins of 2.5 ms: X0 = [1 1 1 1] (two spikes in bin 0 count once), X1 = [1 0 0 1].
	// κ01 = 2/√(4·2).
	k, _ = s.CrossCorrelation(2.5)
	if want := 2 / math.Sqrt(8) / 3; !near(k, want) {
		t.Fatalf("κ(2.5) = %v, want %v", k, want)
	}
	// Identical trains are fully coherent.
	same := mustSpikes(t, []float64{1, 1, 6, 6}, []int64{0, 1, 0, 1}, 2, 10)
	if k, _ := same.CrossCorrelation(2); !near(k, 1) {
		t.Fatalf("identical trains κ = %v", k)
	}
	// Disjoint bins are incoherent.
	apart := mustSpikes(t, []float64{1, 6}, []int64{0, 1}, 2, 10)
	if k, _ := apart.CrossCorrelation(2); k != 0 {
		t.Fatalf("disjoint trains κ = %v", k)
	}
}

// naiveCC is the pairwise definition, written directly.
func naiveCC(s *Spikes, bin float64) float64 {
	nb, _ := s.NumBins(bin)
	x := make([][]float64, s.N)
	for i := range x {
		x[i] = make([]float64, nb)
	}
	for i, t := range s.Times {
		x[s.Ranks[i]][binOf(t, bin, nb)] = 1
	}
	var sum float64
	var pairs int
	for i := 0; i < s.N; i++ {
		for j := 0; j < i; j++ {
			var si, sj, sij float64
			for l := 0; l < nb; l++ {
				si += x[i][l]
				sj += x[j][l]
				sij += x[i][l] * x[j][l]
			}
			if si*sj > 0 {
				sum += sij / math.Sqrt(si*sj)
			}
			pairs++
		}
	}
	return sum / float64(pairs)
}

func TestCrossCorrelationMatchesPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 20; trial++ {
		n := 2 + rng.IntN(12)
		dur := 50.0
		var times []float64
		var ranks []int64
		for step := 0; step < 500; step++ {
			for r := 0; r < n; r++ {
				if rng.Float64() < 0.02 {
					times = append(times, float64(step)*0.1)
					ranks = append(ranks, int64(r))
				}
			}
		}
		s := mustSpikes(t, times, ranks, n, dur)
		for _, bin := range []float64{0.5, 2, 7} {
			got, err := s.CrossCorrelation(bin)
			if err != nil {
				t.Fatal(err)
			}
			if want := naiveCC(s, bin); math.Abs(got-want) > 1e-12 {
				t.Fatalf("trial %d bin %v: κ = %v, pairwise %v", trial, bin, got, want)
			}
		}
	}
}

func TestEmptyTrains(t *testing.T) {
	s := mustSpikes(t, nil, nil, 2, 10)
	if s.MeanRate() != 0 {
		t.Fatalf("MeanRate %v", s.MeanRate())
	}
	h, _ := s.Histogram(5)
	if !slices.Equal(h, []int{0, 0}) {
		t.Fatalf("Histogram %v", h)
	}
	r, _ := s.PopulationRate(5, 5)
	checkFloats(t, "PopulationRate", r, []float64{0, 0})
	if got := s.AllISIs(); len(got) != 0 {
		t.Fatalf("AllISIs %v", got)
	}
	checkFloats(t, "CV", s.CV(), []float64{math.NaN(), math.NaN()})
	if !math.IsNaN(s.MeanCV()) {
		t.Fatal("MeanCV of silent population is not NaN")
	}
	f, _ := s.FanoFactor(5)
	checkFloats(t, "Fano", f, []float64{math.NaN(), math.NaN()})
	// Every pair silent: each κ_ij is 0, as BrainPy, so κ = 0.
	if k, err := s.CrossCorrelation(1); err != nil || k != 0 {
		t.Fatalf("κ = %v, %v", k, err)
	}
}

func TestSingleSpike(t *testing.T) {
	s := mustSpikes(t, []float64{5}, []int64{0}, 1, 10)
	if !near(s.MeanRate(), 100) {
		t.Fatalf("MeanRate %v", s.MeanRate())
	}
	if s.ISIs()[0] != nil || len(s.AllISIs()) != 0 {
		t.Fatal("single spike has an ISI")
	}
	if !math.IsNaN(s.CV()[0]) {
		t.Fatal("single spike CV is not NaN")
	}
	// Spike at 5 falls in bin [5,10): counts 0, 1 → mean 0.5, variance 0.25.
	f, _ := s.FanoFactor(5)
	checkFloats(t, "Fano", f, []float64{0.5})
	if k, err := s.CrossCorrelation(1); !errors.Is(err, ErrTooFewNeurons) || !math.IsNaN(k) {
		t.Fatalf("κ of one neuron = %v, %v", k, err)
	}
	// Two spikes: one ISI, still no CV.
	two := mustSpikes(t, []float64{1, 4}, []int64{0, 0}, 1, 10)
	checkFloats(t, "ISI", two.ISIs()[0], []float64{3})
	if !math.IsNaN(two.CV()[0]) {
		t.Fatal("CV of one interval is not NaN")
	}
}

// A window that starts at T0 bins from T0; a view's raster counts its
// Recorded neurons in rates and pairs, and indexes per-neuron results by
// population rank.
func TestWindowAndView(t *testing.T) {
	s, err := NewWindow([]float64{50, 50.5, 52, 53.9}, []int64{4, 7, 4, 7}, 8, 50, 54)
	if err != nil {
		t.Fatal(err)
	}
	s.Recorded = 2
	if h, err := s.Histogram(1); err != nil || !slices.Equal(h, []int{2, 0, 1, 1}) {
		t.Errorf("Histogram(1) = %v, %v; want [2 0 1 1]", h, err)
	}
	if c, _ := s.BinCentres(2); !slices.Equal(c, []float64{51, 53}) {
		t.Errorf("BinCentres(2) = %v, want [51 53]", c)
	}
	if got := s.MeanRate(); got != 4/(2*0.004) {
		t.Errorf("MeanRate = %v, want %v (4 spikes, 2 neurons, 4 ms)", got, 4/(2*0.004))
	}
	if r, _ := s.PopulationRate(2, 0); !slices.Equal(r, []float64{500, 500}) {
		t.Errorf("PopulationRate(2, 0) = %v, want [500 500]", r)
	}
	if isi := s.ISIs(); !slices.Equal(isi[4], []float64{2}) || len(isi[7]) != 1 || math.Abs(isi[7][0]-3.4) > 1e-12 || isi[0] != nil {
		t.Errorf("ISIs = %v", isi)
	}
	if k, err := s.CrossCorrelation(2); err != nil || math.Abs(k-1) > 1e-12 {
		t.Errorf("CrossCorrelation(2) = %v, %v; want 1 (both fire in both bins)", k, err)
	}
	for _, w := range [][2]float64{{50, 53}, {51, 54}, {54, 54}} {
		if _, err := NewWindow(s.Times, s.Ranks, 8, w[0], w[1]); err == nil {
			t.Errorf("window %v accepted", w)
		}
	}
}
