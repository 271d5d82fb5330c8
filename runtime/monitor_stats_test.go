package runtime

import (
	"math"
	"slices"
	"testing"
)

// The statistics of the spikes a monitor holds cover the steps from its
// clock's step at creation, Start, Reset or TakeRaster to the current one.
func TestMonitorSpikeStats(t *testing.T) {
	var step int64 = 10
	m := NewMonitor("m", "P", 1, true)
	m.Dt = 0.5
	m.SetClock(&step)
	m.EnableSpikes(nil)
	m.Neurons = 3
	for _, s := range []struct {
		step  int64
		ranks []int32
	}{{10, []int32{0, 2}}, {12, []int32{2}}, {15, []int32{2}}, {19, []int32{0}}} {
		m.Spikes(s.step, s.ranks)
	}
	step = 20 // the window is [5, 10) ms
	h, err := m.Histogram(1)
	if err != nil || !slices.Equal(h, []int{2, 1, 1, 0, 1}) {
		t.Errorf("Histogram(1) = %v, %v; want [2 1 1 0 1]", h, err)
	}
	r, err := m.PopulationRate(2.5, 0)
	if want := []float64{3 * 1000 / 7.5, 2 * 1000 / 7.5}; err != nil || !slices.Equal(r, want) {
		t.Errorf("PopulationRate(2.5, 0) = %v, %v; want %v", r, err, want)
	}
	isi, err := m.ISI()
	if err != nil || !slices.Equal(isi[0], []float64{4.5}) || isi[1] != nil || !slices.Equal(isi[2], []float64{1, 1.5}) {
		t.Errorf("ISI() = %v, %v", isi, err)
	}
	cv, err := m.CV()
	if err != nil || !math.IsNaN(cv[0]) || math.Abs(cv[2]-0.25/1.25) > 1e-15 {
		t.Errorf("CV() = %v, %v; want [NaN NaN 0.2]", cv, err)
	}
	if m.SpikeCount() != 5 {
		t.Errorf("the statistics consumed spikes: %d held", m.SpikeCount())
	}
	m.TakeRaster()
	step = 22
	m.Spike(21, 1)
	if s, err := m.SpikeStats(); err != nil || s.T0 != 10 || s.Duration != 1 || s.Count() != 1 {
		t.Errorf("after TakeRaster: %+v, %v; want the window [10, 11] ms with 1 spike", s, err)
	}
	m.Start()
	if _, err := m.SpikeStats(); err == nil {
		t.Error("an empty window (Start at the current step) gave no error")
	}
}

// A view's monitor indexes per-neuron results by population rank and counts
// its own neurons in rates.
func TestMonitorSpikeStatsView(t *testing.T) {
	var step int64
	m := NewMonitor("m", "P[5:8:2]", 1, true)
	m.Dt = 1
	m.SetClock(&step)
	m.EnableSpikes([]int{5, 7})
	m.Spikes(0, []int32{5, 6, 7})
	step = 4
	s, err := m.SpikeStats()
	if err != nil || s.N != 8 || s.Recorded != 2 || !slices.Equal(s.NeuronCounts(), []int{0, 0, 0, 0, 0, 1, 0, 1}) {
		t.Fatalf("SpikeStats = %+v, %v", s, err)
	}
	if got := s.MeanRate(); got != 2/(2*0.004) {
		t.Errorf("MeanRate = %v, want 250 (2 spikes of 2 neurons in 4 ms)", got)
	}
	q := NewMonitor("q", "P", 1, true)
	if _, err := q.SpikeStats(); err == nil {
		t.Error("a monitor without spikes gave statistics")
	}
}
