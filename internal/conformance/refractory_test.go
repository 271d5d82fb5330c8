package conformance

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestRefractoryPerNeuron: the I = 30 neuron of TestLIFSpikes (first spike in
// step 7, then 8 updates per spike) with refractory periods per neuron. A
// list [1.3, 3.2] ms (in the type, or a population's own parameters over
// the type's distribution) gives 3 and 6 steps (rounded to the nearest
// step): spikes every 11 and 14 steps, as TestRefractoryParameter. A
// distribution Uniform(0, 10) ms is drawn once per neuron from the seed: the
// recorded parameter refractory lies in [0, 10] with the mean and variance
// of the distribution (400 neurons: mean 5 ± 3 standard errors of
// 10/sqrt(12·400)), and each neuron spikes at step 7 + m(8 + round(ref/dt)).
func TestRefractoryPerNeuron(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/refractory.yaml")
	const steps = 200
	train := func(rank, period int) []int {
		var out []int
		for k := 7; k < steps; k += period {
			out = append(out, k)
		}
		return out
	}
	var want []string
	for k := 0; k < steps; k++ {
		for i, period := range []int{11, 14} {
			if k >= 7 && (k-7)%period == 0 {
				want = append(want, fmt.Sprintf("%d@%d", i, k))
			}
		}
	}
	for _, m := range []string{"lst", "own"} {
		if got := raster(t, r, m); !slices.Equal(got, want) {
			t.Errorf("%s spikes (rank@step)\n got %v\nwant %v", m, got, want)
		}
	}
	ref := trace(t, r, "dst", "refractory", 1, 400)
	sum, sq := 0.0, 0.0
	for i, x := range ref.Data {
		if x < 0 || x > 10 {
			t.Fatalf("refractory[%d] = %v, outside [0, 10]", i, x)
		}
		sum += x
		sq += x * x
	}
	mean := sum / 400
	vr := sq/400 - mean*mean
	if se := 10 / math.Sqrt(12*400); math.Abs(mean-5) > 3*se {
		t.Errorf("mean refractory %v ms, want 5 ± %.3f", mean, 3*se)
	}
	if math.Abs(vr-100.0/12)/(100.0/12) > 0.2 {
		t.Errorf("variance of refractory %v, want about %v", vr, 100.0/12)
	}
	byRank := map[int][]int{}
	sp := r.Spikes["dst"]
	for k, tm := range sp.Times {
		byRank[int(sp.Ranks[k])] = append(byRank[int(sp.Ranks[k])], int(math.Round(tm/spikeDt)))
	}
	for i, x := range ref.Data {
		w := train(i, 8+int(math.Round(x/spikeDt)))
		if !slices.Equal(byRank[i], w) {
			t.Errorf("dst neuron %d (refractory %v ms): spikes at steps %v, want %v", i, x, byRank[i], w)
			break
		}
	}
}
