//go:build race

package e2e

// raceEnabled builds the test program with the race detector too, so that
// `go test -race` also checks the generated ParallelRun and the networks it runs.
const raceEnabled = true
