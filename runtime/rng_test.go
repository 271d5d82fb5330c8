package runtime

import (
	"math"
	"testing"
)

// The SplitMix64 output for state 0 is the published reference value.
func TestSplitMix64Reference(t *testing.T) {
	var x uint64
	if got := splitmix64(&x); got != 0xe220a8397b1dcdaf {
		t.Fatalf("splitmix64(0) = %#x, want 0xe220a8397b1dcdaf", got)
	}
}

// xoshiro256** from state {1, 2, 3, 4}: the first outputs worked out by hand
// from the update rule (rotl(s1*5, 7)*9, then the shift/xor step).
func TestXoshiroByHand(t *testing.T) {
	r := RNG{s0: 1, s1: 2, s2: 3, s3: 4}
	// Output 1: rotl(10, 7)*9 = 1280*9.
	if got := r.Uint64(); got != 11520 {
		t.Fatalf("first = %d, want 11520", got)
	}
	// After one update: s = {7, 0, 262146, rotl(6, 45)}; output rotl(0,7)*9 = 0.
	if r.s0 != 7 || r.s1 != 0 || r.s2 != 262146 || r.s3 != 6<<45 {
		t.Fatalf("state after one step = %d %d %d %d", r.s0, r.s1, r.s2, r.s3)
	}
	if got := r.Uint64(); got != 0 {
		t.Fatalf("second = %d, want 0", got)
	}
	// Update 2: t = 0; s2 ^= s0 -> 262146^7 = 262149; s3 ^= s1 -> 6<<45;
	// s1 ^= s2 -> 262149; s0 ^= s3 -> 7 ^ 6<<45; s2 unchanged; s3 = rotl(6<<45, 45) = 6<<26.
	// Output 3 = rotl(262149*5, 7)*9 = 1310745*128*9.
	if got := r.Uint64(); got != 1310745*128*9 {
		t.Fatalf("third = %d, want %d", got, 1310745*128*9)
	}
}

func TestRNGReproducibleAndKeyed(t *testing.T) {
	a, b := NewRNG(42, 1, 2), NewRNG(42, 1, 2)
	for i := 0; i < 1000; i++ {
		if x, y := a.Uint64(), b.Uint64(); x != y {
			t.Fatalf("draw %d: %d != %d for the same seed and keys", i, x, y)
		}
	}
	streams := []RNG{
		NewRNG(42), NewRNG(43), NewRNG(42, 0), NewRNG(42, 1), NewRNG(42, 1, 2),
		NewRNG(42, 2, 1), NewRNG(42, 1, 2, 0), NewRNG(-1, 1, 2), NewRNG(0),
	}
	first := map[uint64]int{}
	for i := range streams {
		x := streams[i].Uint64()
		if j, ok := first[x]; ok {
			t.Errorf("streams %d and %d start with the same value", j, i)
		}
		first[x] = i
	}
	// Pairwise correlation of uniform draws stays within 5/sqrt(n).
	const n = 20000
	for i := range streams {
		for j := i + 1; j < len(streams); j++ {
			ri, rj := streams[i], streams[j]
			var sxy, sx, sy, sxx, syy float64
			for k := 0; k < n; k++ {
				x, y := ri.Float64(), rj.Float64()
				sx, sy, sxy, sxx, syy = sx+x, sy+y, sxy+x*y, sxx+x*x, syy+y*y
			}
			cov := sxy/n - sx/n*sy/n
			corr := cov / math.Sqrt((sxx/n-sx/n*sx/n)*(syy/n-sy/n*sy/n))
			if math.Abs(corr) > 5/math.Sqrt(n) {
				t.Errorf("streams %d and %d correlate: %g", i, j, corr)
			}
		}
	}
	// Copying the value forks the stream: both copies continue identically.
	c := NewRNG(7, 3)
	c.Normal()
	d := c
	if c.Normal() != d.Normal() || c.Float64() != d.Float64() {
		t.Fatal("copied RNG diverged")
	}
}

// checkMoments draws n values and checks mean and variance within 5 standard
// errors, using the distribution's fourth central moment mu4 for the error
// of the sample variance.
func checkMoments(t *testing.T, name string, draw func() float64, mean, variance, mu4 float64) {
	t.Helper()
	const n = 100000
	var s, ss float64
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = draw()
		s += xs[i]
	}
	m := s / n
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	v := ss / (n - 1)
	if se := math.Sqrt(variance / n); math.Abs(m-mean) > 5*se {
		t.Errorf("%s: mean %g, want %g ± %g", name, m, mean, 5*se)
	}
	if se := math.Sqrt((mu4 - variance*variance) / n); math.Abs(v-variance) > 5*se {
		t.Errorf("%s: variance %g, want %g ± %g", name, v, variance, 5*se)
	}
}

func TestDistributionMoments(t *testing.T) {
	r := NewRNG(2024, 99)
	// Uniform(a,b): var (b-a)²/12, mu4 (b-a)⁴/80.
	checkMoments(t, "Float64", r.Float64, 0.5, 1.0/12, 1.0/80)
	checkMoments(t, "Uniform(-60,-50)", func() float64 { return r.Uniform(-60, -50) }, -55, 100.0/12, 1e4/80)
	checkMoments(t, "Normal", r.Normal, 0, 1, 3)
	checkMoments(t, "NormalMS(2,3)", func() float64 { return r.NormalMS(2, 3) }, 2, 9, 3*81)
	// log of LogNormal(mu, sigma) is Normal(mu, sigma); the mean itself is
	// exp(mu + sigma²/2).
	checkMoments(t, "log LogNormal(1,0.5)", func() float64 { return math.Log(r.LogNormal(1, 0.5)) }, 1, 0.25, 3*0.0625)
	s2 := 0.25
	lnVar := (math.Exp(s2) - 1) * math.Exp(2+s2)
	// Fourth central moment of the log-normal: (e^{4s²}+2e^{3s²}+3e^{2s²}-3)·var².
	lnMu4 := (math.Exp(4*s2) + 2*math.Exp(3*s2) + 3*math.Exp(2*s2) - 3) * lnVar * lnVar
	checkMoments(t, "LogNormal(1,0.5)", func() float64 { return r.LogNormal(1, 0.5) }, math.Exp(1+s2/2), lnVar, lnMu4)
	// Exponential(rate): mean 1/λ, var 1/λ², mu4 9/λ⁴.
	checkMoments(t, "Exponential(2)", func() float64 { return r.Exponential(2) }, 0.5, 0.25, 9.0/16)
	// Gamma(k, θ): mean kθ, var kθ², mu4 = (3 + 6/k)(kθ²)².
	for _, g := range [][2]float64{{0.5, 2}, {1, 1}, {3, 0.5}, {20, 1.5}} {
		k, th := g[0], g[1]
		v := k * th * th
		checkMoments(t, "Gamma", func() float64 { return r.Gamma(k, th) }, k*th, v, (3+6/k)*v*v)
	}
	// DiscreteUniform over m integers: var (m²-1)/12, mu4 (m²-1)(3m²-7)/240.
	m := 6.0
	checkMoments(t, "DiscreteUniform(-2,3)", func() float64 { return r.DiscreteUniform(-2, 3) }, 0.5, (m*m-1)/12, (m*m-1)*(3*m*m-7)/240)
	// Binomial(n, p): var npq, mu4 npq(1+3(n-2)pq).
	for _, b := range [][2]float64{{10, 0.3}, {1000, 0.3}, {500, 0.9}, {1e6, 1e-5}, {77, 0.5}} {
		n, p := b[0], b[1]
		q := 1 - p
		checkMoments(t, "Binomial", func() float64 { return r.Binomial(n, p) }, n*p, n*p*q, n*p*q*(1+3*(n-2)*p*q))
	}
	// Poisson(λ): var λ, mu4 λ(1+3λ).
	for _, lam := range []float64{0.1, 3, 50, 1000} {
		checkMoments(t, "Poisson", func() float64 { return float64(r.Poisson(lam)) }, lam, lam, lam*(1+3*lam))
	}
}

func TestIntnAndDiscreteRange(t *testing.T) {
	r := NewRNG(5)
	const n, draws = 7, 70000
	var counts [n]int
	for i := 0; i < draws; i++ {
		counts[r.Intn(n)]++
	}
	p := 1.0 / n
	sd := math.Sqrt(draws * p * (1 - p))
	for k, c := range counts {
		if math.Abs(float64(c)-draws*p) > 5*sd {
			t.Errorf("Intn(7) = %d drawn %d times, want %g ± %g", k, c, draws*p, 5*sd)
		}
	}
	seen := map[float64]bool{}
	for i := 0; i < 1000; i++ {
		x := r.DiscreteUniform(1.5, 4.2) // integers 2, 3, 4
		if x != 2 && x != 3 && x != 4 {
			t.Fatalf("DiscreteUniform(1.5, 4.2) = %g", x)
		}
		seen[x] = true
	}
	if len(seen) != 3 {
		t.Errorf("DiscreteUniform(1.5, 4.2) hit %v, want 2, 3 and 4", seen)
	}
	if got := r.Binomial(10, 0); got != 0 {
		t.Errorf("Binomial(10, 0) = %g", got)
	}
	if got := r.Binomial(10, 1); got != 10 {
		t.Errorf("Binomial(10, 1) = %g", got)
	}
	if got := r.Poisson(0); got != 0 {
		t.Errorf("Poisson(0) = %d", got)
	}
}

func TestRNGDoesNotAllocate(t *testing.T) {
	r := NewRNG(1, 2)
	var buf [64]float64
	var buf32 [64]float32
	allocs := testing.AllocsPerRun(100, func() {
		r.FillNormal(buf[:], 1, 2)
		r.FillUniform(buf[:], 1, 2)
		r.FillNormal32(buf32[:], 1, 2)
		r.FillUniform32(buf32[:], 1, 2)
		_ = r.Uint64() + uint64(r.Float64()+r.Normal()+r.Gamma(2, 1)+r.Binomial(100, 0.3)+r.Exponential(1)) + uint64(r.Poisson(30)+r.Intn(10))
	})
	if allocs != 0 {
		t.Fatalf("RNG methods allocate %g times per call", allocs)
	}
}

func BenchmarkRNGUint64(b *testing.B) {
	r := NewRNG(1)
	var s uint64
	for b.Loop() {
		s += r.Uint64()
	}
	_ = s
}

func BenchmarkRNGFloat64(b *testing.B) {
	r := NewRNG(1)
	var s float64
	for b.Loop() {
		s += r.Float64()
	}
	_ = s
}

func BenchmarkRNGNormal(b *testing.B) {
	r := NewRNG(1)
	var s float64
	for b.Loop() {
		s += r.Normal()
	}
	_ = s
}

// BenchmarkRNGNormalMSLoop1000 and BenchmarkRNGFillNormal1000 draw one
// step of noise for 1000 neurons, element by element and in one call.
func BenchmarkRNGNormalMSLoop1000(b *testing.B) {
	r := NewRNG(1)
	dst := make([]float64, 1000)
	for b.Loop() {
		for i := range dst {
			dst[i] = r.NormalMS(0, 5)
		}
	}
}

func BenchmarkRNGFillNormal1000(b *testing.B) {
	r := NewRNG(1)
	dst := make([]float64, 1000)
	for b.Loop() {
		r.FillNormal(dst, 0, 5)
	}
}

func BenchmarkRNGFillUniform1000(b *testing.B) {
	r := NewRNG(1)
	dst := make([]float64, 1000)
	for b.Loop() {
		r.FillUniform(dst, -60, -50)
	}
}

func BenchmarkRNGPoisson10(b *testing.B) {
	r := NewRNG(1)
	var s int
	for b.Loop() {
		s += r.Poisson(10)
	}
	_ = s
}

func BenchmarkDistFillUniform4000(b *testing.B) {
	r := NewRNG(1)
	d := mustDist("Uniform(-60, -50)")
	dst := make([]float64, 4000)
	for b.Loop() {
		d.Fill(dst, &r)
	}
}
