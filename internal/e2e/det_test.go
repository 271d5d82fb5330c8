package e2e

import (
	"fmt"
	"testing"
)

type detOut struct {
	Seq, W1, W4 []string
	Threads     map[string][]string
	HH          []string
	Gomaxprocs  int
}

// TestDeterminism: 8 instances (seeds derived from 1) give byte-identical
// monitor data run one after the other, in ParallelRun on 1 worker and on
// 4, with their steps split over 2, 3 and 4 goroutines (every loop cut),
// over 4 with each split cut into one chunk more than the last,
// in processes with GOMAXPROCS=1 and GOMAXPROCS=2; the HH network gives the
// same spikes and state on 1, 2 and 3 goroutines and with lent workers.
func TestDeterminism(t *testing.T) {
	var ref []string
	for _, procs := range []int{1, 2} {
		var got detOut
		run(t, &got, []string{fmt.Sprintf("GOMAXPROCS=%d", procs)}, "det")
		if got.Gomaxprocs != procs {
			t.Fatalf("GOMAXPROCS=%d: the program saw %d", procs, got.Gomaxprocs)
		}
		if len(got.Seq) != 8 {
			t.Fatalf("%d sequential runs, want 8", len(got.Seq))
		}
		check(t, fmt.Sprintf("GOMAXPROCS=%d: ParallelRun with 1 worker vs sequential", procs), got.W1, got.Seq)
		check(t, fmt.Sprintf("GOMAXPROCS=%d: ParallelRun with 4 workers vs sequential", procs), got.W4, got.Seq)
		for _, k := range []string{"2", "3", "4", "w3t2", "vary"} {
			check(t, fmt.Sprintf("GOMAXPROCS=%d: steps split over threads (%s) vs sequential", procs, k), got.Threads[k], got.Seq)
		}
		if len(got.HH) != 6 {
			t.Fatalf("%d HH runs, want 6", len(got.HH))
		}
		for i, h := range got.HH[1:] {
			if h != got.HH[0] {
				t.Errorf("GOMAXPROCS=%d: HH run %d (1-3 threads, then ParallelRun with lent workers) differs from one thread", procs, i+1)
			}
		}
		if ref == nil {
			ref = got.Seq
		} else {
			check(t, "GOMAXPROCS=2 vs GOMAXPROCS=1", got.Seq, ref)
		}
		seen := map[string]bool{}
		for _, h := range got.Seq {
			if seen[h] {
				t.Errorf("two instances with different seeds gave the same data (%s)", h)
			}
			seen[h] = true
		}
	}
}

type repeatOut struct {
	Runs                  int
	HeapBefore, HeapAfter int64
	SameConn              bool
	AllocsPerRun          float64
	MsPerRun, NewMs       float64
	Spikes                int
}

// TestRepeatRuns: 1000 runs of one network (Reset, new Poisson rates, 20 ms,
// monitors drained) keep the connectivity built by New and do not make the
// heap grow.
func TestRepeatRuns(t *testing.T) {
	var got repeatOut
	run(t, &got, nil, "repeat", "-runs", "1000")
	if !got.SameConn {
		t.Error("the connectivity was rebuilt")
	}
	if got.Spikes == 0 {
		t.Error("no spikes in 1000 runs")
	}
	// Slack for runtime bookkeeping; a leak of one frame per run would be
	// 1000 × 40 × 8 bytes.
	if growth := got.HeapAfter - got.HeapBefore; growth > 64<<10 {
		t.Errorf("heap grew by %d bytes over %d runs (%d -> %d)", growth, got.Runs, got.HeapBefore, got.HeapAfter)
	}
	t.Logf("%d runs: %.3f ms and %.0f allocations per run (New: %.3f ms); heap %d -> %d bytes",
		got.Runs, got.MsPerRun, got.AllocsPerRun, got.NewMs, got.HeapBefore, got.HeapAfter)
}
