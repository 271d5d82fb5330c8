package lower_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annc/annc/internal/build"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/lower"
)

var update = flag.Bool("update", false, "rewrite the golden dumps in testdata")

// mayDelay says whether a projection's delays may exceed one step (as the
// code generator decides which transmission loops it needs).
func mayDelay(p *ir.Projection) bool {
	v := p.Connector.Delays
	switch v.Kind {
	case ir.NumValue:
		return ir.Steps(v.Num, 0.1) > 1
	case ir.ListValue:
		return len(v.List) > 0
	}
	return true
}

// TestGolden: the lowered loops of a few examples, as Dump prints them:
// coba (a refractory LIF, reciprocals of invariant divisors, pre_spike),
// stdp (event-driven traces, post_spike), bcm (per-synapse equations with
// per-row slots), hh_gamma (per-presynaptic arrays, many invariants).
func TestGolden(t *testing.T) {
	for _, name := range []string{"coba", "stdp", "bcm", "hh_gamma", "structural_plasticity"} {
		t.Run(name, func(t *testing.T) {
			l, err := build.Load(filepath.Join("..", "examples", name, "model.yaml"))
			if err != nil || l.Model == nil || l.Diags.HasErrors() {
				t.Fatalf("%v %v", err, l.Diags)
			}
			got := lower.Dump(l.Model, mayDelay)
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("lowered loops changed (go test -update if intended):\n%s", lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff lists the lines that differ, with their numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			b.WriteString("line " + itoa(i+1) + ":\n- " + a + "\n+ " + c + "\n")
		}
	}
	return b.String()
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}
