package parser

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/annc/annc/internal/diag"
)

// inside reports whether p lies on a character of src (or at 1:1 of an
// empty line), with lines split on '\n' and columns counted in characters.
func inside(src string, p diag.Pos) bool {
	lines := strings.Split(src, "\n")
	if p.Line < 1 || p.Line > len(lines) || p.Col < 1 {
		return false
	}
	n := utf8.RuneCountInString(strings.TrimSuffix(lines[p.Line-1], "\r"))
	return p.Col <= max(n, 1)
}

func checkInside(t *testing.T, what, src string, diags diag.List) {
	t.Helper()
	for _, d := range diags {
		if !inside(src, d.Pos) {
			t.Errorf("%s: position %v outside the input %q: %s", what, d.Pos, src, d.Msg)
		}
	}
}

func FuzzParseEquations(f *testing.F) {
	for _, s := range []string{
		"tau * dv/dt + v = I : init = -60.0, min = 0",
		"r = if x > 0:\n  x\nelse:\n  if y: 1 else: 2",
		"x = -a**-b^c ; y += pre.sum(exc) * ite(a, b, c)",
		"g_target += w\npost.x -= 1 # c\n",
		"v = (1 + 2", "v = 1 +", "x = f(1,)", "dv/dt += 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts, diags := ParseEquations(src, nil)
		checkInside(t, "ParseEquations", src, diags)
		if !diags.HasErrors() {
			printed := Print(stmts)
			again, d2 := ParseEquations(printed, nil)
			if d2.HasErrors() || Print(again) != printed {
				t.Errorf("equations %q printed as %q reparse as %q: %v", src, printed, Print(again), d2)
			}
		}
		e, diags := ParseExpr(src, nil)
		checkInside(t, "ParseExpr", src, diags)
		if !diags.HasErrors() {
			printed := Print(e)
			again, d2 := ParseExpr(printed, nil)
			if d2.HasErrors() || Print(again) != printed || sexpr(again) != sexpr(e) {
				t.Errorf("expr %q printed as %q reparse as %q: %v", src, printed, Print(again), d2)
			}
		}
		ps, diags := ParseParams(src, nil)
		checkInside(t, "ParseParams", src, diags)
		if !diags.HasErrors() {
			printed := Print(ps)
			again, d2 := ParseParams(printed, nil)
			if d2.HasErrors() || Print(again) != printed {
				t.Errorf("params %q printed as %q reparse as %q: %v", src, printed, Print(again), d2)
			}
		}
		fs, diags := ParseFunctions(src, nil)
		checkInside(t, "ParseFunctions", src, diags)
		if !diags.HasErrors() {
			printed := Print(fs)
			again, d2 := ParseFunctions(printed, nil)
			if d2.HasErrors() || Print(again) != printed {
				t.Errorf("functions %q printed as %q reparse as %q: %v", src, printed, Print(again), d2)
			}
		}
		sc, diags := ParseStopCond(src, nil)
		checkInside(t, "ParseStopCond", src, diags)
		if !diags.HasErrors() {
			printed := Print(sc)
			again, d2 := ParseStopCond(printed, nil)
			if d2.HasErrors() || Print(again) != printed {
				t.Errorf("stop condition %q printed as %q reparse as %q: %v", src, printed, Print(again), d2)
			}
		}
	})
}

func FuzzParseModel(f *testing.F) {
	f.Add([]byte("name: x\nneurons:\n  A:\n    equations: |\n      dv/dt = -v\n    spike: v > 1\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		m, diags := ParseModel("model.yaml", src)
		for _, d := range diags {
			if d.Pos.File != "model.yaml" || !inside(string(src), d.Pos) {
				t.Errorf("position %v outside the input: %s", d.Pos, d.Msg)
			}
		}
		if diags.HasErrors() {
			return
		}
		printed := PrintModel(m)
		m2, d2 := ParseModel("printed.yaml", []byte(printed))
		if d2.HasErrors() {
			t.Fatalf("printed model does not parse:\n%s\n%v", printed, d2)
		}
		if again := PrintModel(m2); again != printed {
			t.Errorf("print is not stable:\n%s\n---\n%s", printed, again)
		}
	})
}
