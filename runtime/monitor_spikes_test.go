package runtime

import (
	"math/rand/v2"
	"reflect"
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
