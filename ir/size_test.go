package ir_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/annc/annc/internal/limits"
)

// typesModel has `types` neuron types of `eqs` equations each, one population each.
func typesModel(types, eqs int) string {
	var b strings.Builder
	b.WriteString("name: m\nneurons:\n")
	for t := 0; t < types; t++ {
		fmt.Fprintf(&b, "  N%d:\n    equations: |\n      r = 1.0\n", t)
		for i := 0; i < eqs; i++ {
			fmt.Fprintf(&b, "      x%d = %d.0 + r\n", i, i)
		}
	}
	b.WriteString("populations:\n")
	for t := 0; t < types; t++ {
		fmt.Fprintf(&b, "  - {name: P%d, geometry: 10, neuron: N%d}\n", t, t)
	}
	return b.String()
}

// A type too large to generate is refused at the type, with its count.
func TestTypeTooLarge(t *testing.T) {
	_, ds := buildSrc(t, typesModel(1, limits.TypeStatements/2+10))
	want := fmt.Sprintf("neuron type N0 with %d variables and statements: annc generates at most %d", limits.TypeStatements+22, limits.TypeStatements)
	if len(ds) != 1 || !strings.Contains(ds[0].Msg, want) || ds[0].Pos.Line != 3 || ds[0].Pos.Col != 3 {
		t.Fatalf("want one error at 3:3 %q, got %v", want, ds)
	}
	if _, ds := buildSrc(t, typesModel(1, limits.TypeStatements/2-10)); len(ds) != 0 {
		t.Fatalf("within the limit: %v", ds)
	}
}

// A model too large as a whole names its largest part.
func TestModelTooLarge(t *testing.T) {
	n := limits.ModelStatements/(limits.TypeStatements-20) + 1
	_, ds := buildSrc(t, typesModel(n, limits.TypeStatements/2-10))
	if len(ds) != 1 || !strings.Contains(ds[0].Msg, "the generated Go code would be about") ||
		!strings.Contains(ds[0].Msg, "the largest part is neuron type N0 with") || ds[0].Pos.Line != 3 {
		t.Fatalf("got %v", ds)
	}
}

// Inline data counts: five lists of 90,000 values are refused at their population.
func TestInlineDataTooLarge(t *testing.T) {
	const n = 90000
	list := "[" + strings.TrimSuffix(strings.Repeat("1.5, ", n), ", ") + "]"
	var b strings.Builder
	b.WriteString("name: m\nneurons:\n  N:\n    parameters: a = 0\n    equations: r = a\npopulations:\n  - name: S\n")
	fmt.Fprintf(&b, "    geometry: %d\n    neuron: N\n    parameters:\n", n)
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "      r%d: %s\n", i, list)
	}
	src := strings.Replace(b.String(), "parameters: a = 0", "parameters: |\n      a = 0\n      r0 = 0\n      r1 = 0\n      r2 = 0\n      r3 = 0\n      r4 = 0", 1)
	_, ds := buildSrc(t, src)
	if len(ds) != 1 || !strings.Contains(ds[0].Msg, fmt.Sprintf("population S with %d inline values", 5*n)) || ds[0].Pos.Line != 13 {
		t.Fatalf("got %v", ds)
	}
}
