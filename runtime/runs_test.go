package runtime

import (
	"math"
	"slices"
	"testing"
)

func TestRuns(t *testing.T) {
	// Rows: [0 1 2 3 5 6 7 8] (runs 0-3, 5-8), [] (empty), [9 8 9 10 11 12 13 14 15 16 17] (runs 9, 8-17).
	post := []int32{0, 1, 2, 3, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}
	rowPtr := []int32{0, 8, 8, 19}
	rowRun, runOff, runJ := Runs(rowPtr, post, 4)
	if want := []int32{0, 2, 2, 4}; !slices.Equal(rowRun, want) {
		t.Errorf("rowRun = %v, want %v", rowRun, want)
	}
	if want := []int32{0, 4, 8, 9, 19}; !slices.Equal(runOff, want) {
		t.Errorf("runOff = %v, want %v", runOff, want)
	}
	if want := []int32{0, 5, 9, 8}; !slices.Equal(runJ, want) {
		t.Errorf("runJ = %v, want %v", runJ, want)
	}
	// Every position is covered once, with the post rank its run implies.
	for r := 0; r+1 < len(rowRun); r++ {
		for k := rowRun[r]; k < rowRun[r+1]; k++ {
			for x := runOff[k]; x < runOff[k+1]; x++ {
				if x < rowPtr[r] || x >= rowPtr[r+1] || post[x] != runJ[k]+x-runOff[k] {
					t.Errorf("run %d position %d: post %d", k, x, post[x])
				}
			}
		}
	}
	// 19 synapses in 4 runs: shorter than 5 on average.
	if a, b, c := Runs(rowPtr, post, 5); a != nil || b != nil || c != nil {
		t.Error("sparse runs not refused")
	}
	if a, _, _ := Runs([]int32{0}, nil, 1); a != nil {
		t.Error("no synapses: want nil")
	}
}

func TestPreRuns(t *testing.T) {
	// Post 0: pre 0 1 2 4 5; post 1: none; post 2: pre 3 4 2.
	postPtr := []int32{0, 5, 5, 8}
	pre := []int32{0, 1, 2, 4, 5, 3, 4, 2}
	got := PreRuns(postPtr, pre, 2)
	want := []int32{0, 0, 3, 3, 4, 2, 5, 3, 2, 7, 2, 1}
	if !slices.Equal(got, want) {
		t.Errorf("PreRuns = %v, want %v", got, want)
	}
	if PreRuns(postPtr, pre, 3) != nil {
		t.Error("8 synapses in 4 runs accepted with minLen 3")
	}
	if PreRuns([]int32{0}, nil, 1) != nil {
		t.Error("no synapses: want nil")
	}
}

func TestInRange(t *testing.T) {
	if !InRange([]int32{0, 3, 2}, 4) || InRange([]int32{0, 4}, 4) || InRange([]int32{-1}, 4) || !InRange(nil, 0) {
		t.Error("InRange")
	}
}

func TestSame(t *testing.T) {
	if w, ok := Same([]float64{0.6, 0.6, 0.6}); !ok || w != 0.6 {
		t.Errorf("Same = %v, %v", w, ok)
	}
	if _, ok := Same([]float64{0, math.Copysign(0, -1)}); ok {
		t.Error("+0 and -0 reported the same")
	}
	if _, ok := Same[float64](nil); ok {
		t.Error("no weights reported the same")
	}
}
