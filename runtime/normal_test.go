package runtime

import (
	"math"
	"slices"
	"testing"
)

// The ziggurat found at initialisation has Marsaglia and Tsang's published
// start of the tail, r = 3.6541528853610088, for 256 layers. The layer area
// v = r·f(r) + √(π/2)·erfc(r/√2) is 0.0049286732339746549 (to 20 digits,
// evaluated at 30 digits from that r; the paper prints 0.00492867323399);
// every layer has area v.
func TestZigguratTables(t *testing.T) {
	if zig.r != 3.6541528853610088 {
		t.Errorf("r = %.17g, want 3.6541528853610088", zig.r)
	}
	if math.Abs(zig.v-0.0049286732339746549) > 1e-17 { // a few ulps: erfc and exp round
		t.Errorf("v = %.17g, want 0.0049286732339746549", zig.v)
	}
	f := func(x float64) float64 { return math.Exp(-x * x / 2) }
	// Base layer: rectangle [0, r]×[0, f(r)] plus the tail, drawn as width x[0].
	if base := zig.x[0] * f(zig.r); math.Abs(base-zig.v) > 1e-15 {
		t.Errorf("base layer area %g, want %g", base, zig.v)
	}
	if zig.x[zigLayers] != 0 || zig.f[zigLayers] != 1 {
		t.Errorf("top layer ends at x = %g, f = %g; want 0, 1", zig.x[zigLayers], zig.f[zigLayers])
	}
	for i := 1; i < zigLayers; i++ {
		if !(zig.x[i+1] < zig.x[i]) {
			t.Fatalf("x[%d] = %g not below x[%d] = %g", i+1, zig.x[i+1], i, zig.x[i])
		}
		if math.Abs(zig.f[i]-f(zig.x[i])) > 1e-15 {
			t.Errorf("f[%d] = %g, want f(x[%d]) = %g", i, zig.f[i], i, f(zig.x[i]))
		}
		if a := zig.x[i] * (zig.f[i+1] - zig.f[i]); math.Abs(a-zig.v) > 1e-12*zig.v {
			t.Errorf("layer %d area %.17g, want %.17g", i, a, zig.v)
		}
		if zig.inner[i] != zig.x[i+1] || zig.w[i] != zig.x[i]*0x1p-53 || zig.w[zigLayers+i] != -zig.w[i] {
			t.Errorf("layer %d: derived tables disagree with x", i)
		}
	}
}

// From the state {1, 2, 3, 4} xoshiro256** gives 11520, 0 and
// 1310745·128·9 = 1509978240 (TestXoshiroByHand). Each is accepted in its
// layer's inner rectangle:
//
//	11520 = 22·512 + 256: layer 0, sign bit set, uniform 11520>>11 = 5;
//	0: layer 0, positive, uniform 0;
//	1509978240 = 737294·2048 + 128: layer 128, positive, uniform 737294.
func TestNormalByHand(t *testing.T) {
	r := RNG{s0: 1, s1: 2, s2: 3, s3: 4}
	want := []float64{-5 * zig.x[0] * 0x1p-53, 0, 737294 * zig.x[128] * 0x1p-53}
	for i, w := range want {
		if got := r.Normal(); got != w || math.Signbit(got) != math.Signbit(w) {
			t.Errorf("Normal #%d = %.17g, want %.17g", i+1, got, w)
		}
	}
	// NormalMS is mu + sigma·z with the product rounded first.
	r = RNG{s0: 1, s1: 2, s2: 3, s3: 4}
	if got, w := r.NormalMS(2, 3), 2+3*want[0]; got != w {
		t.Errorf("NormalMS(2, 3) = %.17g, want %.17g", got, w)
	}
}

// The fills give the same numbers as element-by-element calls and leave the
// generator in the same state, also across the wedge and tail paths (100000
// normal draws reach both about 1200 times).
func TestFillsMatchSingleDraws(t *testing.T) {
	const n = 100000
	for _, seed := range []int64{1, 2, 3} {
		a, b := NewRNG(seed, 7), NewRNG(seed, 7)
		got := make([]float64, n)
		a.FillNormal(got, -1.5, 2.5)
		for i := range got {
			if w := b.NormalMS(-1.5, 2.5); got[i] != w {
				t.Fatalf("seed %d: FillNormal[%d] = %g, NormalMS = %g", seed, i, got[i], w)
			}
		}
		a.FillUniform(got, -60, -50)
		for i := range got {
			if w := b.Uniform(-60, -50); got[i] != w {
				t.Fatalf("seed %d: FillUniform[%d] = %g, Uniform = %g", seed, i, got[i], w)
			}
		}
		got32 := make([]float32, n)
		a.FillNormal32(got32, 0.5, 3)
		for i := range got32 {
			if w := float32(b.NormalMS(0.5, 3)); got32[i] != w {
				t.Fatalf("seed %d: FillNormal32[%d] = %g, NormalMS = %g", seed, i, got32[i], w)
			}
		}
		a.FillUniform32(got32, 0, 1)
		for i := range got32 {
			if w := float32(b.Uniform(0, 1)); got32[i] != w {
				t.Fatalf("seed %d: FillUniform32[%d] = %g, Uniform = %g", seed, i, got32[i], w)
			}
		}
		if a != b {
			t.Fatalf("seed %d: states differ after the fills", seed)
		}
	}
}

// normalSF is P(Z > x) for a standard normal Z.
func normalSF(x float64) float64 { return math.Erfc(x/math.Sqrt2) / 2 }

// ksStatistic is the Kolmogorov–Smirnov distance between the sample xs
// (sorted in place) and the distribution function cdf.
func ksStatistic(xs []float64, cdf func(float64) float64) float64 {
	slices.Sort(xs)
	n := float64(len(xs))
	d := 0.0
	for i, x := range xs {
		c := cdf(x)
		d = max(d, c-float64(i)/n, float64(i+1)/n-c)
	}
	return d
}

// The Kolmogorov–Smirnov distance of 10⁵ deviates from the normal
// distribution function stays below the 0.1 % critical value 1.95/√n.
func TestNormalKolmogorovSmirnov(t *testing.T) {
	const n = 100000
	xs := make([]float64, n)
	r := NewRNG(11, 5)
	r.FillNormal(xs, 0, 1)
	if d, crit := ksStatistic(xs, func(x float64) float64 { return 1 - normalSF(x) }), 1.95/math.Sqrt(n); d > crit {
		t.Errorf("Normal: KS distance %g > %g", d, crit)
	}
	// The tail sampler alone against P(Z ≤ x | Z > r).
	const m = 20000
	ys := make([]float64, m)
	for i := range ys {
		ys[i] = r.normalTail()
	}
	tailCDF := func(x float64) float64 { return 1 - normalSF(x)/normalSF(zig.r) }
	if d, crit := ksStatistic(ys, tailCDF), 1.95/math.Sqrt(m); d > crit {
		t.Errorf("normal tail: KS distance %g > %g", d, crit)
	}
	if ys[0] <= zig.r {
		t.Errorf("normal tail drew %g <= r = %g", ys[0], zig.r)
	}
}

// Tail frequencies over 2·10⁶ deviates: P(|Z| > 3) = erfc(3/√2) and
// P(|Z| > 4) = erfc(4/√2) within 5 binomial standard deviations (the
// second lies beyond r, in the part drawn by the tail sampler).
func TestNormalTails(t *testing.T) {
	const n = 2000000
	xs := make([]float64, n)
	r := NewRNG(12, 5)
	r.FillNormal(xs, 0, 1)
	for _, c := range []float64{3, 4, zig.r} {
		k := 0
		for _, x := range xs {
			if math.Abs(x) > c {
				k++
			}
		}
		p := 2 * normalSF(c)
		if sd := math.Sqrt(n * p * (1 - p)); math.Abs(float64(k)-n*p) > 5*sd {
			t.Errorf("P(|Z| > %g): %d of %d, want %g ± %g", c, k, n, n*p, 5*sd)
		}
	}
}

// Chi-square over the layers: |Z| falls in [x[i+1], x[i]) of layer i ≥ 1,
// or beyond r, with the exact normal probabilities, which checks each
// layer's wedge test. 256 classes (255 degrees of freedom): the statistic
// stays below 255 + 5·√510.
func TestNormalLayerFrequencies(t *testing.T) {
	const n = 1000000
	xs := make([]float64, n)
	r := NewRNG(13, 5)
	r.FillNormal(xs, 0, 1)
	var counts [zigLayers]float64 // counts[0]: beyond r
	for _, x := range xs {
		a := math.Abs(x)
		// x is decreasing: find the layer i with x[i+1] <= a < x[i].
		i, _ := slices.BinarySearchFunc(zig.x[1:], a, func(e, t float64) int {
			if e > t {
				return -1
			}
			return 1
		})
		counts[i]++
	}
	chi2 := 0.0
	for i := range counts {
		var p float64
		if i == 0 {
			p = 2 * normalSF(zig.r)
		} else {
			p = 2 * (normalSF(zig.x[i+1]) - normalSF(zig.x[i]))
		}
		e := n * p
		chi2 += (counts[i] - e) * (counts[i] - e) / e
	}
	if lim := 255 + 5*math.Sqrt(510); chi2 > lim {
		t.Errorf("chi-square over layers %g > %g", chi2, lim)
	}
}
