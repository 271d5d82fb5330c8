package runtime

import (
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

func TestParallelRunOrder(t *testing.T) {
	nets := make([]int, 100)
	for i := range nets {
		nets[i] = i * i
	}
	for _, w := range []int{0, 1, 3, 8, 500} {
		res, errs := ParallelRun(nets, w, func(i int, n int) int { return n + i })
		for i := range nets {
			if res[i] != i*i+i || errs[i] != nil {
				t.Fatalf("workers %d: res[%d] = %d err %v", w, i, res[i], errs[i])
			}
		}
	}
	res, errs := ParallelRun([]int(nil), 4, func(i int, n int) int { return 1 })
	if len(res) != 0 || len(errs) != 0 {
		t.Errorf("empty input gave %v %v", res, errs)
	}
}

func TestParallelRunPanic(t *testing.T) {
	var done atomic.Int64
	base := errors.New("bad input")
	res, errs := ParallelRun([]int{0, 1, 2, 3, 4}, 2, func(i int, n int) string {
		switch i {
		case 1:
			panic("boom")
		case 3:
			panic(base)
		}
		done.Add(1)
		return strings.Repeat("x", i)
	})
	if done.Load() != 3 {
		t.Errorf("%d runs completed, want 3", done.Load())
	}
	if want := []string{"", "", "xx", "", "xxxx"}; !reflect.DeepEqual(res, want) {
		t.Errorf("results %q, want %q", res, want)
	}
	var pe *PanicError
	if !errors.As(errs[1], &pe) || pe.Index != 1 || pe.Value != "boom" || errs[1].Error() != "run 1: panic: boom" {
		t.Errorf("errs[1] = %v", errs[1])
	}
	if len(pe.Stack) == 0 {
		t.Errorf("no stack recorded")
	}
	if !errors.Is(errs[3], base) {
		t.Errorf("errs[3] = %v does not wrap the panic value", errs[3])
	}
	for _, i := range []int{0, 2, 4} {
		if errs[i] != nil {
			t.Errorf("errs[%d] = %v", i, errs[i])
		}
	}
}

// TestParallelRunDeterminism runs random walks seeded by DeriveSeed: the
// results must not depend on the number of workers.
func TestParallelRunDeterminism(t *testing.T) {
	walk := func(i int, seed int64) float64 {
		r := NewRNG(seed, 7)
		x := 0.0
		for range 10000 {
			x += r.Normal()
		}
		return x
	}
	seeds := make([]int64, 64)
	for i := range seeds {
		seeds[i] = DeriveSeed(42, i)
	}
	ref, _ := ParallelRun(seeds, 1, walk)
	for _, w := range []int{2, 4, 16, 0} {
		got, _ := ParallelRun(seeds, w, walk)
		if !reflect.DeepEqual(got, ref) {
			t.Fatalf("workers %d gave different results", w)
		}
	}
	if ref[0] == ref[1] {
		t.Errorf("two runs gave the same walk")
	}
}

func TestDeriveSeed(t *testing.T) {
	seen := map[int64]bool{}
	for _, base := range []int64{0, 1, 2, 42, -1} {
		for i := range 1000 {
			s := DeriveSeed(base, i)
			if s < 0 {
				t.Fatalf("DeriveSeed(%d, %d) = %d < 0", base, i, s)
			}
			if seen[s] {
				t.Fatalf("DeriveSeed(%d, %d) = %d repeats", base, i, s)
			}
			seen[s] = true
			if DeriveSeed(base, i) != s {
				t.Fatal("DeriveSeed is not a function")
			}
		}
	}
}
