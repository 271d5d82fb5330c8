package ir

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/annc/annc/parser"
	"github.com/annc/annc/runtime"
)

// TestFoldedExpIsTheRuntimes: exp of a constant argument, folded by the
// analysis (a value, a connector or distribution argument), has the bits
// the generated code computes at run time (runtime.Exp) for an argument
// that is not constant, also where Go's math.Exp differs by an ulp.
func TestFoldedExpIsTheRuntimes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	b := &builder{}
	differ := 0
	for i := range 4000 {
		x := (rng.Float64() - 0.5) * 40 // where models live
		if i%4 == 0 {
			x = -745 + rng.Float64()*(709.7+745) // the whole range
		}
		call := &parser.Call{Fun: "exp", Args: []parser.Expr{&parser.Num{Value: x}}}
		got, ok := b.constNumber(call)
		if !ok {
			t.Fatalf("exp(%v) is not folded", x)
		}
		if want := runtime.Exp(x); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("exp(%v) folds to %v, the runtime computes %v", x, got, want)
		}
		if got != math.Exp(x) {
			differ++
		}
	}
	// The arguments include some where the two exponentials differ, or
	// this test would not tell them apart.
	if differ == 0 {
		t.Fatal("math.Exp agrees with runtime.Exp on every argument")
	}
	t.Logf("%d of 4000 arguments where math.Exp differs", differ)
}

// modulo of constant arguments folds to the bits the generated code
// computes (runtime.Modulo), NaN included.
func TestFoldedModulo(t *testing.T) {
	b := &builder{}
	for _, c := range [][2]float64{{-7, 3}, {7.5, 2}, {7, -3}, {-6, 3}, {-0.5, 3}, {-7.9, 2.9}, {1e19, 3}} {
		call := &parser.Call{Fun: "modulo", Args: []parser.Expr{&parser.Num{Value: c[0]}, &parser.Num{Value: c[1]}}}
		got, ok := b.constNumber(call)
		if !ok {
			t.Fatalf("modulo(%v, %v) is not folded", c[0], c[1])
		}
		want := runtime.Modulo(c[0], c[1])
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("modulo(%v, %v) folds to %v, the runtime computes %v", c[0], c[1], got, want)
		}
	}
}
