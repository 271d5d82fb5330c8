package parser

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/limits"
)

// modelWith is a small valid model whose neuron equations are eq.
func modelWith(eq string) string {
	return "name: m\nneurons:\n  N:\n    equations: |\n      " + eq + "\npopulations:\n  - {name: P, geometry: 10, neuron: N}\n"
}

// onlyError asserts that diags is exactly one error, at line:col, containing msg.
func onlyError(t *testing.T, diags diag.List, line, col int, msg string) {
	t.Helper()
	if len(diags) != 1 || diags[0].Pos.Line != line || diags[0].Pos.Col != col || !strings.Contains(diags[0].Msg, msg) {
		t.Fatalf("want one error at %d:%d containing %q, got:\n%v", line, col, msg, diags)
	}
}

// Deep nesting is refused by a diagnostic at the first '(' too deep, not a
// Go stack overflow, and quickly.
func TestNestingLimit(t *testing.T) {
	for _, n := range []int{limits.ExprDepth + 1, 100000} {
		start := time.Now()
		_, diags := ParseModel("m.yaml", []byte(modelWith("dv/dt = "+strings.Repeat("(", n)+"1"+strings.Repeat(")", n))))
		onlyError(t, diags, 5, 15+limits.ExprDepth, fmt.Sprintf("parentheses nested more than %d deep", limits.ExprDepth))
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%d parentheses took %v", n, d)
		}
	}
	// 1e6 parentheses are more than one string may hold.
	_, diags := ParseModel("m.yaml", []byte(modelWith("dv/dt = "+strings.Repeat("(", 1000000)+"1"+strings.Repeat(")", 1000000))))
	onlyError(t, diags, 4, 16, "annc reads at most 1 MiB in one equation string")

	// Nesting without parentheses: unary operators, 'not', powers, calls, conditionals.
	deep := limits.ExprDepth + 5
	for name, eq := range map[string]string{
		"unary": "x = " + strings.Repeat("- ", deep) + "1",
		"not":   "x = " + strings.Repeat("not ", deep) + "True",
		"power": "x = 2" + strings.Repeat(" ** 2", deep),
		"calls": "x = " + strings.Repeat("exp(", deep) + "1" + strings.Repeat(")", deep),
		"if":    "x = " + strings.Repeat("if True: 1 else: ", deep) + "1",
	} {
		_, diags := ParseModel("m.yaml", []byte(modelWith(eq)))
		if len(diags) != 1 || diags[0].Pos.Line != 5 || !strings.Contains(diags[0].Msg, "nested more than") {
			t.Errorf("%s: want one nesting error on line 5, got %v", name, diags)
		}
	}
	// Just within the limit parses.
	ok := limits.ExprDepth - 2
	if _, diags := ParseEquations("x = "+strings.Repeat("(", ok)+"1"+strings.Repeat(")", ok), nil); len(diags) != 0 {
		t.Errorf("%d parentheses: %v", ok, diags)
	}
}

func TestStatementTokensLimit(t *testing.T) {
	long := "dv/dt = -v" + strings.Repeat(" + v", limits.StatementTokens/2)
	_, diags := ParseModel("m.yaml", []byte(modelWith(long+"\n      dw/dt = -w")))
	// token StatementTokens+1 is the '+' or 'v' at that index; the error sits on line 5
	if len(diags) != 1 || diags[0].Pos.Line != 5 || !strings.Contains(diags[0].Msg, "statement longer than") {
		t.Fatalf("got %v", diags)
	}
	shorter := "dv/dt = -v" + strings.Repeat(" + v", limits.StatementTokens/2-5)
	if _, diags := ParseEquations(shorter, nil); len(diags) != 0 {
		t.Fatalf("a statement within the limit: %v", diags)
	}
}

// Positions on long lines are mapped in linear time: a 900 KB line of
// statements (plain, quoted and block scalars, ASCII and not) with an error
// at its end is checked in seconds, and the error points at the right column.
func TestLongLinePositions(t *testing.T) {
	// blanks cost the position mapping, not the parser: the line is long,
	// the statements few
	stmt := "x = 1;" + strings.Repeat(" ", 60)
	n := 900000 / len(stmt)
	line := strings.Repeat(stmt, n) + "é = 2; y = $"
	col := len(strings.Repeat(stmt, n)) + 11 // characters before '$'; é counts one
	for name, tc := range map[string]struct {
		src      string
		startCol int
	}{
		"block":  {"name: m\nneurons:\n  N:\n    equations: |\n      " + line + "\n", 7},
		"plain":  {"name: m\nneurons:\n  N:\n    equations: " + line + "\n", 16},
		"quoted": {"name: m\nneurons:\n  N:\n    equations: \"" + line + "\"\n", 17},
	} {
		start := time.Now()
		_, diags := ParseModel("m.yaml", []byte(tc.src))
		wantLine := 4
		if name == "block" {
			wantLine = 5
		}
		var found bool
		for _, d := range diags {
			if strings.Contains(d.Msg, "unexpected character '$'") {
				found = true
				if d.Pos.Line != wantLine || d.Pos.Col != tc.startCol+col {
					t.Errorf("%s: '$' at %v, want %d:%d", name, d.Pos, wantLine, tc.startCol+col)
				}
			}
		}
		if !found {
			t.Errorf("%s: no error for '$': %v", name, diags)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: %v for a 900 KB line", name, d)
		}
	}
}

func TestFileLinesMarks(t *testing.T) {
	// a long line of 2-byte characters: offset and position agree both ways
	src := []byte("ab\n" + strings.Repeat("é", 300) + "x\r\nz")
	fl := newFileLines(src)
	if fl.lineWidth(2) != 301 || fl.lineWidth(3) != 1 || fl.lineWidth(1) != 2 {
		t.Fatalf("widths %v", fl.width)
	}
	for _, col := range []int{1, 2, 64, 65, 66, 200, 301} {
		off := fl.offset(2, col)
		if l, c := fl.position(off); l != 2 || c != col {
			t.Errorf("col %d: offset %d maps back to %d:%d", col, off, l, c)
		}
	}
	if off := fl.offset(2, 301); src[off] != 'x' {
		t.Errorf("offset of col 301 is %d (%q)", off, src[off])
	}
	if l, c := fl.position(len(src) - 1); l != 3 || c != 1 {
		t.Errorf("last byte at %d:%d", l, c)
	}
}

// A "billion laughs" file stops at the alias that goes past the budget.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: m\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	b.WriteString("neurons:\n  N:\n    parameters: *a9\n")
	start := time.Now()
	_, diags := ParseModel("m.yaml", []byte(b.String()))
	// x1..x3 stand for 12330 nodes, each *a3 of x4 for 11111: its 8th alias is past 100000
	onlyError(t, diags, 6, 10+5*7, "YAML aliases expand to more than")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// Aliases within the budget are read as usual.
	ok := "name: m\nneurons:\n  N:\n    parameters: &p |\n      tau = 10.0\n    equations: tau * dv/dt = -v\n" +
		"  M:\n    parameters: *p\n    equations: tau * dv/dt = -v\n"
	if m, diags := ParseModel("m.yaml", []byte(ok)); len(diags) != 0 || len(m.Neurons) != 2 || len(m.Neurons[1].Parameters) != 1 {
		t.Errorf("aliases: %v", diags)
	}
}

func TestModelBytesLimit(t *testing.T) {
	src := make([]byte, limits.ModelBytes+1)
	for i := range src {
		src[i] = '#'
	}
	_, diags := ParseModel("m.yaml", src)
	onlyError(t, diags, 1, 1, "annc reads model files of at most 16 MiB")
}

// The equation text of a whole model is bounded; the string that goes past
// the bound is named, the rest is neither parsed nor analysed.
func TestModelTextLimit(t *testing.T) {
	eq := "x = 1.0" + strings.Repeat(" + 1.0", 20) // one statement
	block := strings.Repeat("      "+eq+"\n", 900000/len(eq))
	var b strings.Builder
	b.WriteString("name: m\nneurons:\n")
	lines := 2
	wantLine := 0
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "  N%d:\n    equations: |\n%s", i, block)
		if i == 2 {
			wantLine = lines + 2
		}
		lines += 2 + strings.Count(block, "\n")
	}
	m, diags := ParseModel("m.yaml", []byte(b.String()))
	// the block holds > 900 statements of one type: the statement cap reports each block first
	var budget []diag.Diagnostic
	for _, d := range diags {
		if strings.Contains(d.Msg, "of text in all") {
			budget = append(budget, d)
		}
	}
	if len(budget) != 1 || budget[0].Pos.Line != wantLine || !m.Unattributed {
		t.Fatalf("want one budget error on line %d, got %v", wantLine, budget)
	}
}

func TestListAndObjectLimits(t *testing.T) {
	nums := strings.TrimSuffix(strings.Repeat("1, ", limits.ListValues+1), ", ")
	_, diags := ParseModel("m.yaml", []byte("name: m\npopulations:\n  - name: S\n    spike_source: {spike_times: [["+nums+"]]}\n"))
	onlyError(t, diags, 4, 33, fmt.Sprintf("spike_times of population \"S\" holds more than %d values", limits.ListValues))

	var b strings.Builder
	b.WriteString("name: m\nneurons:\n  N:\n    equations: r = 1.0\npopulations:\n")
	for i := 0; i <= limits.ModelStatements; i++ {
		fmt.Fprintf(&b, "  - {name: P%d, geometry: 1, neuron: N}\n", i)
	}
	_, diags = ParseModel("m.yaml", []byte(b.String()))
	onlyError(t, diags, 6+limits.ModelStatements, 5, fmt.Sprintf("more than %d populations", limits.ModelStatements))
}

// Names of limits.NameBytes characters are accepted, one more is refused
// (the longest is also a derivative's variable, whose "d" does not count).
func TestNameBytes(t *testing.T) {
	v := "v" + strings.Repeat("x", limits.NameBytes-1)
	if _, diags := ParseModel("m.yaml", []byte(modelWith("d"+v+"/dt = -"+v))); len(diags) > 0 {
		t.Errorf("a name of %d characters: %v", limits.NameBytes, diags)
	}
	_, diags := ParseModel("m.yaml", []byte(modelWith("r = "+v+"x")))
	onlyError(t, diags, 5, 11, fmt.Sprintf("is %d characters long; a name has at most %d", limits.NameBytes+1, limits.NameBytes))
}
