package plot

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDirCOBA draws the raster figure of a COBA-sized run: 4000
// neurons at about 20 Hz for 1000 ms (about 80 000 spikes).
func BenchmarkDirCOBA(b *testing.B) {
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(5, 6))
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
	writeNpy(b, filepath.Join(dir, "P.spike_times.npy"), "<f8", []int{len(times)}, times)
	writeNpy(b, filepath.Join(dir, "P.spike_ranks.npy"), "<i8", []int{len(ranks)}, ranks)
	man := map[string]any{"model": "coba", "dt": 0.1, "steps": 10000, "simulated_ms": 1000.0, "status": "ok",
		"files": []fileEntry{
			{"P.spike_times.npy", "P", "spike_times", []int{len(times)}, "float64", 0, 4000, ""},
			{"P.spike_ranks.npy", "P", "spike_ranks", []int{len(ranks)}, "int64", 0, 4000, ""},
		}}
	mb, _ := json.Marshal(man)
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), mb, 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Dir(dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
