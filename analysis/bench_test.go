package analysis

import (
	"math/rand/v2"
	"testing"
)

// cobaSized is a raster the size of the COBA benchmark: 4000 neurons firing
// at about 20 Hz for 1000 ms on a 0.1 ms grid (about 80 000 spikes).
func cobaSized(b *testing.B) *Spikes {
	rng := rand.New(rand.NewPCG(3, 4))
	var times []float64
	var ranks []int64
	for step := 0; step < 10000; step++ {
		for r := 0; r < 4000; r++ {
			if rng.Float64() < 0.002 {
				times = append(times, float64(step)*0.1)
				ranks = append(ranks, int64(r))
			}
		}
	}
	s, err := NewSpikes(times, ranks, 4000, 1000)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkCrossCorrelationCOBA(b *testing.B) {
	s := cobaSized(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.CrossCorrelation(2); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPopulationRateCOBA(b *testing.B) {
	s := cobaSized(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.PopulationRate(0.5, 2); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMeanCVCOBA(b *testing.B) {
	s := cobaSized(b)
	b.ResetTimer()
	for b.Loop() {
		s.MeanCV()
	}
}
