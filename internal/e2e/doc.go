// Package e2e tests the Go API of generated networks end to end: it
// generates testdata/api.yaml (a model with one object of every kind whose
// behaviour can be derived by hand) and examples/hh_gamma into one
// temporary module with the runtime, builds one program (testdata/prog)
// against them with a single go build, runs it and checks what it prints:
// simulation control and callback timing, Reset, repeat running with
// changed inputs, WithOnly subsets, ParallelRun and determinism across
// worker counts and GOMAXPROCS. The benchmarks (go test -bench) time the
// 11-point HH sweep sequentially and in parallel and repeated runs of one
// compiled network.
package e2e
