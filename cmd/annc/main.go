// Command annc compiles neural-network models written in ANNarchy's equation
// language into Go, builds them, and runs them.
//
// Usage:
//
//	annc compile model.yaml [-d DIR] [-force]   generate Go into DIR (default annarchy/) and build it
//	annc run model.yaml [runner flags]          compile (cached), then run; flags after the model go to the runner
//	annc check model.yaml                       parse and analyse only; print diagnostics
//	annc models [NAME]                          list the built-in models, or print one
//	annc plot DIR [-format svg]                 plot a results directory
//	annc npz DIR [-o FILE]                      bundle a results directory into one .npz
//	annc init NAME                              write a starter model.yaml and generate.go
//	annc version                                print the version
//	annc completion bash|zsh|fish|powershell    shell completion script
//
// Runner flags (also accepted by `go run annarchy/main.go`): -duration MS, -seed N,
// -set PATH=VALUE, -out DIR, -progress, -sweep PATH=V1,V2,..., -grid, -workers N, -plot.
//
// Long flags take one dash or two, as in Go's flag package. Exit status: 0 on
// success, 1 when the model has errors or a run fails, 2 on usage errors.
package main

import (
	"os"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
