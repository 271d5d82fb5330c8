package runtime

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestMonitorSpikesBatch checks that recording a step's spikes at once
// (Spikes) holds what one Spike call per spike holds, for every rank, for a
// view (mask), while paused, across growth of the buffers and after Reset.
func TestMonitorSpikesBatch(t *testing.T) {
	for _, mask := range [][]int{nil, {1, 4, 5, 9}} {
		one := NewMonitor("a", "P", 1, true)
		batch := NewMonitor("b", "P", 1, true)
		one.EnableSpikes(mask)
		batch.EnableSpikes(mask)
		rng := rand.New(rand.NewPCG(1, 2))
		for round := range 2 {
			for s := int64(0); s < 3000; s++ {
				if s == 1000 {
					one.Pause()
					batch.Pause()
				}
				if s == 1500 {
					one.Resume()
					batch.Resume()
				}
				var ranks []int32
				for r := range int32(10) {
					if rng.IntN(3) == 0 {
						ranks = append(ranks, r)
					}
				}
				for _, r := range ranks {
					one.Spike(s, int(r))
				}
				batch.Spikes(s, ranks)
			}
			if one.SpikeCount() == 0 {
				t.Fatal("no spike recorded")
			}
			t1, r1 := one.Raster()
			t2, r2 := batch.Raster()
			if !reflect.DeepEqual(t1, t2) || !reflect.DeepEqual(r1, r2) {
				t.Fatalf("mask %v, round %d: Spikes recorded %d spikes, Spike %d, or other ones", mask, round, len(t2), len(t1))
			}
			one.Reset()
			batch.Reset()
		}
	}
}

// TestMonitorSpikeSegments: spikes held in segments read back as recorded
// whatever the reads in between: steps whose spikes span two segments,
// rasters taken while recording goes on (which join the segments), a step
// recorded again after the clock was set back, and the held bytes counted
// before and after a join.
func TestMonitorSpikeSegments(t *testing.T) {
	m := NewMonitor("m", "P", 1, true)
	m.EnableSpikes(nil)
	rng := rand.New(rand.NewPCG(3, 4))
	type spike struct {
		step int64
		rank int64
	}
	var want []spike
	step, segments := int64(0), 0
	for k := range 400 {
		n := rng.IntN(700)
		ranks := make([]int32, n)
		for i := range ranks {
			ranks[i] = int32(i * 3)
		}
		if k == 200 {
			step -= 50 // the clock set back: steps recorded again
		}
		m.Spikes(step, ranks)
		for _, r := range ranks {
			want = append(want, spike{step, int64(r)})
		}
		step++
		if held, n := MonitorHeldBytes([]*Monitor{m}), m.SpikeCount(); n != len(want) || held < 4*int64(n) {
			t.Fatalf("step %d: %d spikes held (%d bytes), want %d", step, n, held, len(want))
		}
		if k%97 == 0 || k == 399 {
			segments = max(segments, len(m.spikeFull))
			times, ranks := m.Raster()
			got := make([]spike, len(times))
			for i := range times {
				got[i] = spike{int64(times[i]), ranks[i]}
			}
			sorted := slices.Clone(want)
			slices.SortStableFunc(sorted, func(a, b spike) int {
				return cmp.Or(cmp.Compare(a.step, b.step), cmp.Compare(a.rank, b.rank))
			})
			if !slices.Equal(got, sorted) {
				t.Fatalf("after %d steps: a raster of %d spikes, want %d, or other ones", k+1, len(got), len(sorted))
			}
		}
	}
	if segments < 2 {
		t.Fatalf("at most %d full segments before a raster: the test joins none", segments)
	}
	if _, r := m.TakeRaster(); len(r) != len(want) || m.SpikeCount() != 0 || MonitorHeldBytes([]*Monitor{m}) != 0 {
		t.Fatalf("TakeRaster returned %d spikes and left %d", len(r), m.SpikeCount())
	}
}

// TestMonitorSpikeOrder: rasters come out by time then rank however the
// spikes were recorded, with reads in between: ranks not ascending within
// a step, a step continued by later calls, and a step recorded again after
// a read.
func TestMonitorSpikeOrder(t *testing.T) {
	type rec struct {
		step  int64
		ranks []int32
		read  bool // take a raster (and check it) after this call
	}
	for i, c := range []struct {
		recs  []rec
		times []float64
		ranks []int64
	}{
		{[]rec{{1, []int32{3, 1}, false}}, []float64{1, 1}, []int64{1, 3}},
		{[]rec{{1, []int32{1, 5}, false}, {1, []int32{2}, false}, {2, []int32{0}, false}}, []float64{1, 1, 1, 2}, []int64{1, 2, 5, 0}},
		{[]rec{{1, []int32{4}, true}, {1, []int32{2}, true}, {1, []int32{7}, false}}, []float64{1, 1, 1}, []int64{2, 4, 7}},
		{[]rec{{1, []int32{5}, false}, {1, []int32{2}, true}, {1, []int32{3}, false}}, []float64{1, 1, 1}, []int64{2, 3, 5}},
		{[]rec{{2, []int32{4}, false}, {1, []int32{9}, true}, {2, []int32{1}, false}, {3, []int32{0}, false}}, []float64{1, 2, 2, 3}, []int64{9, 1, 4, 0}},
	} {
		m := NewMonitor("m", "P", 1, true)
		m.EnableSpikes(nil)
		for _, r := range c.recs {
			m.Spikes(r.step, r.ranks)
			if r.read {
				times, ranks := m.Raster()
				if !slices.IsSorted(times) || len(ranks) != m.SpikeCount() {
					t.Errorf("case %d: a raster read while recording: %v %v", i, times, ranks)
				}
			}
		}
		times, ranks := m.Raster()
		if !slices.Equal(times, c.times) || !slices.Equal(ranks, c.ranks) {
			t.Errorf("case %d: raster %v %v, want %v %v", i, times, ranks, c.times, c.ranks)
		}
	}
}
