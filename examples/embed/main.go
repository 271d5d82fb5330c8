// Command embed runs the COBA network (../coba/model.yaml) from a Go
// program through the package annc generates for it: typed fields, Set by
// path, a periodic callback with Every, and ParallelRun over seeds.
//
// Generate the package first, from this directory (see README.md):
//
//	annc compile ../coba/model.yaml -d internal/sim
//	go run .
package main

import (
	"fmt"
	"log"

	"example.com/embed/internal/sim/coba"
	annrt "example.com/embed/internal/sim/runtime"
)

func main() {
	net, err := coba.New(coba.WithSeed(1))
	if err != nil {
		log.Fatal(err)
	}

	// Typed fields: populations, projections and monitors are fields,
	// per-neuron variables are slices, population parameters are numbers.
	net.P.I = 20.0
	for k := range net.Inh.W {
		net.Inh.W[k] = 6.7
	}
	net.Inh.SyncWeights() // after changing W directly

	// The same by path, as the runner's -set flag does.
	if err := net.Set("exc.w", 0.6); err != nil {
		log.Fatal(err)
	}
	if err := net.Set("P.tau", 20.0); err != nil {
		log.Fatal(err)
	}

	// Every 50 ms (before the step that starts the window), the population
	// rate of the window that just ended.
	const window = 50.0
	seen := 0
	net.Every(window, 0, 0, func(n int) {
		if n == 0 {
			return
		}
		count := net.P_.SpikeCount()
		fmt.Printf("window %d (%3.0f-%3.0f ms): %5.2f Hz\n", n, net.Time()-window, net.Time(),
			float64(count-seen)/float64(net.P.Size)/(window/1000))
		seen = count
	})
	net.SimulateThrough(200) // 200 ms, and the callback due at 200 ms (Simulate leaves it to the next call)
	fmt.Printf("seed 1: %.2f Hz over %.0f ms\n", net.P_.MeanFR(net.Time()), net.Time())

	// Eight independent instances, one per seed derived from 42, on a pool
	// of GOMAXPROCS workers; results come back in index order and do not
	// depend on the number of workers.
	rates, errs := coba.ParallelRun(8, coba.RunOptions{Seed: 42}, func(i int, n *coba.Network) float64 {
		n.Simulate(200)
		return n.P_.MeanFR(200)
	})
	for i, r := range rates {
		if errs[i] != nil {
			log.Fatalf("run %d: %v", i, errs[i])
		}
		fmt.Printf("run %d: %.2f Hz\n", i, r)
	}

	// A sweep of the input current as the runner's -sweep P.I=... -trials 2
	// runs it: every point with the same seeds, trial k with TrialSeed(1, k),
	// so that only I differs between points. Each run is the run of its seed
	// alone.
	currents := []float64{18, 22}
	rate := func(n *coba.Network, I float64) float64 {
		n.P.I = I
		n.Simulate(100)
		return n.P_.MeanFR(100)
	}
	sweep, errs := coba.ParallelRunArgs(currents, coba.RunOptions{Seed: 1, Trials: 2}, func(i int, n *coba.Network, I float64) float64 {
		return rate(n, I)
	})
	for i, r := range sweep {
		if errs[i] != nil {
			log.Fatalf("sweep run %d: %v", i, errs[i])
		}
		point, trial := i/2, i%2
		alone, err := coba.New(coba.WithSeed(annrt.TrialSeed(1, trial)))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("I = %g, trial %d: %.2f Hz (alone: %.2f Hz)\n", currents[point], trial, r, rate(alone, currents[point]))
	}
}
