package runtime

import (
	"math"
	"strings"
	"testing"
)

func TestParseValueGood(t *testing.T) {
	cases := []struct {
		in   string
		want Value
		str  string
	}{
		{"-60", Num(-60), "-60"},
		{" 1e-3 ", Num(0.001), "0.001"},
		{"True", Num(1), "1"},
		{"false", Num(0), "0"},
		{"[1, 2, 3]", List([]float64{1, 2, 3}), "[1, 2, 3]"},
		{"1,2,3", List([]float64{1, 2, 3}), "[1, 2, 3]"},
		{"1 2\t3", List([]float64{1, 2, 3}), "[1, 2, 3]"},
		{"[[1, 2], [3, 4]]", List([]float64{1, 2, 3, 4}), "[1, 2, 3, 4]"},
		{"[5]", List([]float64{5}), "[5]"},
		{"[]", List([]float64{}), "[]"},
		{"[1, nan]", List([]float64{1, math.NaN()}), "[1, NaN]"},
		{"Uniform(-60, -50)", FromDist(Dist{"Uniform", []float64{-60, -50}}), "Uniform(-60, -50)"},
	}
	for _, c := range cases {
		v, err := ParseValue(c.in)
		if err != nil {
			t.Errorf("ParseValue(%q): %v", c.in, err)
			continue
		}
		if v.Kind != c.want.Kind || v.Num != c.want.Num || !sameFloats(v.List, c.want.List) ||
			v.Dist.Name != c.want.Dist.Name || !sameFloats(v.Dist.Args, c.want.Dist.Args) {
			t.Errorf("ParseValue(%q) = %+v, want %+v", c.in, v, c.want)
		}
		if got := v.String(); got != c.str {
			t.Errorf("ParseValue(%q).String() = %q, want %q", c.in, got, c.str)
		}
	}
}

func TestParseValueBad(t *testing.T) {
	cases := []struct{ in, msg string }{
		{"", "empty value"},
		{"abc", "not a number, list or distribution"},
		{"0x10", "not a number, list or distribution"},
		{"[1, 2", "unbalanced '['"},
		{"1, 2]", "unbalanced ']'"},
		{"[1, a]", `"a" is not a number`},
		{"Uniform(1)", "needs 2 arguments"},
		{"Foo(1)", "unknown distribution"},
	}
	for _, c := range cases {
		_, err := ParseValue(c.in)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseValue(%q) = %v, want an error mentioning %q", c.in, err, c.msg)
		}
	}
	// Offsets of distribution errors are relative to the whole input.
	_, err := ParseValue("  Normal(0, x)")
	if pe := err.(*ParseError); pe.Offset != 12 || pe.Input != "  Normal(0, x)" {
		t.Errorf("offset = %d in %q, want 12", pe.Offset, pe.Input)
	}
}

func TestValueFill(t *testing.T) {
	dst := make([]float64, 3)
	if err := Num(2.5).Fill(dst, nil); err != nil || !sameFloats(dst, []float64{2.5, 2.5, 2.5}) {
		t.Errorf("Num fill = %v, %v", dst, err)
	}
	if err := List([]float64{1, 2, 3}).Fill(dst, nil); err != nil || !sameFloats(dst, []float64{1, 2, 3}) {
		t.Errorf("List fill = %v, %v", dst, err)
	}
	if err := List([]float64{1, 2}).Fill(dst, nil); err == nil || !strings.Contains(err.Error(), "list has 2 values, want 3") {
		t.Errorf("short list: %v", err)
	}
	if err := FromDist(mustDist("Uniform(0, 1)")).Fill(dst, nil); err == nil {
		t.Error("a distribution without a stream must fail")
	}
	if err := FromDist(Dist{Name: "Uniform", Args: []float64{1}}).Fill(dst, nil); err == nil {
		t.Error("an invalid distribution must fail")
	}
	r1, r2 := NewRNG(1), NewRNG(1)
	v := FromDist(mustDist("Uniform(-60, -50)"))
	if err := v.Fill(dst, &r1); err != nil {
		t.Fatal(err)
	}
	for i := range dst {
		if want := r2.Uniform(-60, -50); dst[i] != want {
			t.Errorf("dist fill[%d] = %g, want %g", i, dst[i], want)
		}
	}
	f := make([]float32, 2)
	if err := List([]float64{0.1, 3}).Fill32(f, nil); err != nil || f[0] != float32(0.1) || f[1] != 3 {
		t.Errorf("Fill32 = %v, %v", f, err)
	}
	if x, err := List([]float64{4}).Scalar(); err != nil || x != 4 {
		t.Errorf("Scalar of [4] = %g, %v", x, err)
	}
	if _, err := List([]float64{4, 5}).Scalar(); err == nil {
		t.Error("Scalar of a 2-list must fail")
	}
}

// Set refuses what an int or bool would silently round or take as true.
func TestCheckIntBool(t *testing.T) {
	for _, x := range []float64{0, -3, 2, 1e15} {
		if err := CheckInt(x); err != nil {
			t.Errorf("CheckInt(%v): %v", x, err)
		}
	}
	for _, x := range []float64{2.7, math.NaN(), math.Inf(1)} {
		if err := CheckInt(x); err == nil || !strings.Contains(err.Error(), "an int takes whole numbers") {
			t.Errorf("CheckInt(%v): %v", x, err)
		}
	}
	for _, x := range []float64{0.5, 2, -1, math.NaN()} {
		if err := CheckBool(x); err == nil || !strings.Contains(err.Error(), "a bool takes 0 (false) or 1 (true)") {
			t.Errorf("CheckBool(%v): %v", x, err)
		}
	}
	if CheckBool(0) != nil || CheckBool(1) != nil {
		t.Error("CheckBool refuses 0 or 1")
	}
}
