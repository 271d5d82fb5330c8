package e2e

import (
	"os"
	"strconv"
	"testing"
)

// TestDeterminismRepeated runs the determinism program DETLOOP times with
// GOMAXPROCS=2 and fails on any run whose monitor data differ from the
// sequential runs': a timing-dependent difference (lent workers joining a
// network mid-run) shows only in some runs. Skipped unless DETLOOP is set;
// for example DETLOOP=100 go test -race -run TestDeterminismRepeated ./internal/e2e/
func TestDeterminismRepeated(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DETLOOP"))
	if n <= 0 {
		t.Skip("DETLOOP is not set")
	}
	for i := range n {
		var got detOut
		run(t, &got, []string{"GOMAXPROCS=2"}, "det")
		for j, want := range got.Seq {
			if got.W1[j] != want || got.W4[j] != want {
				t.Errorf("repetition %d: ParallelRun's run %d differs from the sequential one", i, j)
			}
			for _, k := range []string{"2", "3", "4", "w3t2", "vary"} {
				if got.Threads[k][j] != want {
					t.Errorf("repetition %d: run %d with threads %s differs from the sequential one", i, j, k)
				}
			}
		}
	}
}
