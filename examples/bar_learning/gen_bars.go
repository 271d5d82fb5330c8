//go:build ignore

// gen_bars writes bars.npy, the inputs of the bar learning example: row k is
// the 8 × 8 image of trial k, drawn as the trial() function of ANNarchy's
// notebook draws it: every horizontal bar, then every vertical bar, is on
// (rate 1) with probability 1/8, independently. Run: go run gen_bars.go
package main

import (
	"log"
	"math/rand/v2"

	"github.com/annc/annc/runtime/results"
)

const (
	trials = 1000
	side   = 8
)

func main() {
	rng := rand.New(rand.NewPCG(1, 2))
	img := make([]int32, trials*side*side)
	for k := range trials {
		im := img[k*side*side : (k+1)*side*side]
		for h := range side {
			if rng.Float64() < 1.0/side {
				for w := range side {
					im[h*side+w] = 1
				}
			}
		}
		for w := range side {
			if rng.Float64() < 1.0/side {
				for h := range side {
					im[h*side+w] = 1
				}
			}
		}
	}
	if err := results.WriteNpyFile("bars.npy", []int{trials, side, side}, img); err != nil {
		log.Fatal(err)
	}
}
