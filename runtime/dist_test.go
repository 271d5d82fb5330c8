package runtime

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func TestParseDistGood(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		in   string
		name string
		args []float64
		str  string
	}{
		{"Uniform(-60, -50)", "Uniform", []float64{-60, -50}, "Uniform(-60, -50)"},
		{"  Uniform( -1.5e1 ,2 ) ", "Uniform", []float64{-15, 2}, "Uniform(-15, 2)"},
		{"Uniform(min=0, max=1)", "Uniform", []float64{0, 1}, "Uniform(0, 1)"},
		{"Normal(0, 1)", "Normal", []float64{0, 1, nan, nan}, "Normal(0, 1)"},
		{"Normal(0, 1, -1, 1)", "Normal", []float64{0, 1, -1, 1}, "Normal(0, 1, -1, 1)"},
		{"Normal(0.0, 1.0, max=2.0)", "Normal", []float64{0, 1, nan, 2}, "Normal(0, 1, max=2)"},
		{"Normal(mu=1, sigma=0.5, min=0)", "Normal", []float64{1, 0.5, 0, nan}, "Normal(1, 0.5, 0)"},
		{"LogNormal(0, 0.5)", "LogNormal", []float64{0, 0.5, nan, nan}, "LogNormal(0, 0.5)"},
		{"Exponential(2)", "Exponential", []float64{2, nan, nan}, "Exponential(2)"},
		{"Gamma(2)", "Gamma", []float64{2, 1, nan, nan}, "Gamma(2, 1)"},
		{"Gamma(2, 3, 0, 10)", "Gamma", []float64{2, 3, 0, 10}, "Gamma(2, 3, 0, 10)"},
		{"DiscreteUniform(1, 6)", "DiscreteUniform", []float64{1, 6}, "DiscreteUniform(1, 6)"},
		{"Binomial(10, 0.5)", "Binomial", []float64{10, 0.5}, "Binomial(10, 0.5)"},
	}
	for _, c := range cases {
		d, err := ParseDist(c.in)
		if err != nil {
			t.Errorf("ParseDist(%q): %v", c.in, err)
			continue
		}
		if d.Name != c.name || !sameFloats(d.Args, c.args) {
			t.Errorf("ParseDist(%q) = %s %v, want %s %v", c.in, d.Name, d.Args, c.name, c.args)
		}
		if got := d.String(); got != c.str {
			t.Errorf("ParseDist(%q).String() = %q, want %q", c.in, got, c.str)
		}
		back, err := ParseDist(d.String())
		if err != nil || !sameFloats(back.Args, d.Args) {
			t.Errorf("round trip of %q: %v %v", c.in, back, err)
		}
	}
}

func TestParseDistBad(t *testing.T) {
	cases := []struct{ in, msg string }{
		{"Uniform(1)", "needs 2 arguments"},
		{"Uniform(1, 2, 3)", "at most 2 arguments"},
		{"Uniform(2, 1)", "min 2 is greater than max 1"},
		{"uniform(0, 1)", `did you mean "Uniform"`},
		{"Poison(3)", "unknown distribution"},
		{"Normal(0, -1)", "sigma must be >= 0"},
		{"Normal(0, 1, 2, 1)", "min 2 is greater than max 1"},
		{"Normal(0, x)", "not a finite number"},
		{"Normal(0, inf)", "not a finite number"},
		{"Normal(0, 1", "missing closing ')'"},
		{"Normal(0, 1) + 1", "missing closing ')'"},
		{"Normal(0,, 1)", "empty argument"},
		{"Normal(mu=0, 1)", "positional argument after a keyword"},
		{"Normal(0, 1, mu=2)", "given twice"},
		{"Normal(0, 1, lo=2)", `no argument "lo"`},
		{"Exponential(0)", "must be > 0"},
		{"Gamma(2, 0)", "beta must be > 0"},
		{"Binomial(2.5, 0.5)", "non-negative integer"},
		{"Binomial(3, 1.5)", "p must be in [0, 1]"},
		{"DiscreteUniform(1.2, 1.8)", "no integer"},
		{"3.0", "not a distribution"},
	}
	for _, c := range cases {
		_, err := ParseDist(c.in)
		if err == nil {
			t.Errorf("ParseDist(%q): no error, want %q", c.in, c.msg)
			continue
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseDist(%q) = %v, want it to mention %q", c.in, err, c.msg)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(c.in) {
			t.Errorf("ParseDist(%q): error %v is not a ParseError with an offset inside the input", c.in, err)
		}
	}
	// The offset points at the offending argument.
	_, err := ParseDist("Normal(0, x)")
	if pe := err.(*ParseError); pe.Offset != 10 {
		t.Errorf("offset of the bad argument = %d, want 10", pe.Offset)
	}
}

func TestDistDrawClipsAndFills(t *testing.T) {
	r := NewRNG(11)
	d := mustDist("Normal(0, 1, -0.5, 0.5)")
	xs := make([]float64, 20000)
	d.Fill(xs, &r)
	atBound := 0
	for _, x := range xs {
		if x < -0.5 || x > 0.5 {
			t.Fatalf("clipped normal drew %g", x)
		}
		if x == -0.5 || x == 0.5 {
			atBound++
		}
	}
	// P(|X| > 0.5) = erfc(0.5/√2) for a standard normal.
	p := math.Erfc(0.5 / math.Sqrt2)
	sd := math.Sqrt(float64(len(xs)) * p * (1 - p))
	if math.Abs(float64(atBound)-p*float64(len(xs))) > 5*sd {
		t.Errorf("%d values clipped, want %g ± %g", atBound, p*float64(len(xs)), 5*sd)
	}
	// Fill and Draw give the same sequence from the same stream, for every
	// distribution (Fill has fast paths for some).
	for _, s := range []string{"Uniform(-1, 1)", "Normal(1, 2)", "Normal(0, 1, max=0.3)", "LogNormal(0, 1)", "Exponential(3, max=0.1)", "Gamma(0.7, 2)", "DiscreteUniform(0, 9)", "Binomial(20, 0.25)"} {
		d := mustDist(s)
		a, b := NewRNG(3, 4), NewRNG(3, 4)
		fill := make([]float64, 5000) // enough to reach the ziggurat's wedges and tail
		d.Fill(fill, &a)
		for i := range fill {
			if x := d.Draw(&b); x != fill[i] {
				t.Fatalf("%s: Fill[%d] = %g, Draw = %g", s, i, fill[i], x)
			}
		}
		f32 := make([]float32, len(fill))
		c := NewRNG(3, 4)
		d.Fill32(f32, &c)
		for i := range f32 {
			if f32[i] != float32(fill[i]) {
				t.Fatalf("%s: Fill32[%d] = %g, want %g", s, i, f32[i], float32(fill[i]))
			}
		}
	}
	// A literal with only the required arguments draws like the parsed one.
	a, b := NewRNG(8), NewRNG(8)
	if x, y := (Dist{Name: "Gamma", Args: []float64{2}}).Draw(&a), mustDist("Gamma(2)").Draw(&b); x != y {
		t.Errorf("short literal Gamma(2) drew %g, parsed %g", x, y)
	}
	if !math.IsNaN((Dist{Name: "Nope"}).Draw(&a)) {
		t.Error("unknown distribution should draw NaN")
	}
	if got := mustDist("Gamma(2, 3)").Mean(); got != 6 {
		t.Errorf("Gamma(2, 3).Mean() = %g, want 6", got)
	}
}

// mustDist is ParseDist for strings known to be valid.
func mustDist(s string) Dist {
	d, err := ParseDist(s)
	if err != nil {
		panic(err)
	}
	return d
}
