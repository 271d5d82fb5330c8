// Command annc compiles neural-network models written in ANNarchy's equation
// language into Go, builds them, and runs them.
//
// Usage:
//
//	annc compile model.yaml [-d DIR] [-force]   generate Go into DIR (default annarchy/) and build it
//	annc run model.yaml [runner flags]          compile (cached), then run; flags after the model go to the runner
//	annc sweep model.yaml -sweep ... -out DIR   run a sweep here, or write it as a SLURM job array (--slurm)
//	annc check model.yaml                       parse and analyse only; print diagnostics
//	annc models [NAME]                          list the built-in models, or print one
//	annc plot DIR [-format svg]                 plot a results directory
//	annc npz DIR [-o FILE]                      bundle a results directory into one .npz
//	annc init NAME                              write a starter model.yaml and generate.go
//	annc version                                print the version
//	annc completion bash|zsh|fish|powershell    shell completion script
//
// Runner flags (also accepted by `go run annarchy/main.go`): -duration MS, -seed N,
// -set PATH=VALUE, -out DIR, -progress, -sweep PATH=V1,V2,... (the path "seed" sweeps the
// seed; every point has the same seed otherwise), -trials K (every point K times, with the seeds
// TrialSeed(seed, 0..K-1)), -grid, -workers N,
// -threads N (goroutines per network; -min-chunk-work W tunes what is split), -max-memory SIZE, -check-every N, -stream, -save FILE, -load FILE, -plot, and -plan FILE with -shard k/N, which
// split a sweep into shards for batch systems (as `annc sweep --slurm` does). -max-memory,
// -check-every, -stream and -plot guard and finish a run:
//
//	-max-memory SIZE  refuse a run whose monitors and synapses would hold more than SIZE in memory
//	                  (4GiB, 500MB; 0: no limit; default half the machine's RAM), and stop
//	                  one whose monitors come to hold more (spikes cannot be foreseen),
//	                  writing what was recorded; a sweep shares SIZE among its parallel runs
//	-check-every N    every N steps (default 100) and at the end, check the state for NaN
//	                  and ±Inf and the monitors' memory; a run that blew up stops with
//	                  "numerical blow-up: population P, variable v of neuron i is NaN at
//	                  t = ... ms", exit status 1, manifest status "error" and the results
//	                  recorded so far on disk (0: never check)
//	-stream           write the monitors' records to their .npy files while simulating,
//	                  so that long runs use bounded memory (-max-memory then only checks
//	                  what is held, not the estimate); each file stays a valid .npy of
//	                  the frames written so far, even if the run is killed
//	-save FILE        after the run, save the network's complete state to FILE (.npz)
//	-load FILE        before the run, load a state written by -save (-set applies on top);
//	                  the run continues exactly where the saved one stopped
//	-plot             when the run succeeds, plot the results directory with `annc plot`
//	                  (annc on PATH, or $ANNC_BIN; `annc run` sets it)
//
// A run marks its manifest.json "running" before it writes anything and writes the
// final manifest last, so the manifest alone tells a finished run from a broken one.
// annc run and annc compile pass SIGINT and SIGTERM on to the runner or go build they
// started and wait for it.
//
// Long flags take one dash or two, as in Go's flag package. Exit status: 0 on
// success, 1 when the model has errors or a run fails, 2 on usage errors, 130 when a
// signal interrupted the run or the build.
package main

import (
	"os"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
