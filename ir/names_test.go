package ir_test

import (
	"strings"
	"testing"
)

// Model names that collide with what the build directory holds are refused
// at the name (the parser already refuses Go keywords).
func TestReservedModelNames(t *testing.T) {
	for name, why := range map[string]string{
		"main":     "cannot be imported",
		"runtime":  "runtime package",
		"bin":      "bin/",
		"capi":     "capi/",
		"vendor":   "vendored",
		"testdata": "ignores",
	} {
		_, ds := buildSrc(t, "name: "+name+"\nneurons:\n  N:\n    equations: r = 1.0\npopulations:\n  - {name: P, geometry: 2, neuron: N}\n")
		if len(ds) != 1 || ds[0].Pos.Line != 1 || ds[0].Pos.Col != 7 || !strings.Contains(ds[0].Msg, "model name \""+name+"\" cannot be used") || !strings.Contains(ds[0].Msg, why) {
			t.Errorf("%s: want one error at 1:7 about %q, got %v", name, why, ds)
		}
	}
	if _, ds := buildSrc(t, "name: mainly\nneurons:\n  N:\n    equations: r = 1.0\npopulations:\n  - {name: P, geometry: 2, neuron: N}\n"); len(ds) != 0 {
		t.Errorf("mainly: %v", ds)
	}
}

// Operations on literals (and constants at their file value) that give ±Inf
// or NaN are errors at the operation.
func TestFoldsToInfNaN(t *testing.T) {
	src := `name: m
constants:
  big: 1e308
neurons:
  N:
    parameters: |
      tau = 1.0/0.0
      a = log(0.0) : population
      b = 2 * (1e308 * 10)
      c = sqrt(-1)
      d = big * 10
      ok = 1.0/2.0 + exp(1) + big
    equations: |
      r = 0.0/0.0 + exp(1000) + tau - 2**2000
    functions: |
      f(big) = big * 10
populations:
  - {name: P, geometry: 2, neuron: N}
`
	_, ds := buildSrc(t, src)
	want := []string{
		"m.yaml:7:16: 1.0 / 0.0 evaluates to +Inf",
		"m.yaml:8:11: log(0.0) evaluates to -Inf",
		"m.yaml:9:22: 1e308 * 10 evaluates to +Inf",
		"m.yaml:10:11: sqrt(-1) evaluates to NaN",
		"m.yaml:11:15: big * 10 evaluates to +Inf",
		"m.yaml:14:14: 0.0 / 0.0 evaluates to NaN",
		"m.yaml:14:21: exp(1000) evaluates to +Inf",
		"m.yaml:14:40: 2^2000 evaluates to +Inf",
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// modulo of constants whose divisor truncates to 0 is NaN: an error.
func TestFoldedModuloByZero(t *testing.T) {
	_, ds := buildSrc(t, "name: m\nneurons:\n  N:\n    parameters: |\n      a = modulo(-7, 3)\n      b = modulo(1.0, 0.5)\n    equations: r = a + b\npopulations:\n  - {name: P, geometry: 2, neuron: N}\n")
	if len(ds) != 1 || ds[0].String() != "m.yaml:6:11: modulo(1.0, 0.5) evaluates to NaN" {
		t.Errorf("got %v, want one error: modulo(1.0, 0.5) evaluates to NaN", ds)
	}
}
