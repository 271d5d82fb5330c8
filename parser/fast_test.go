package parser

import (
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2"

	"github.com/annc/annc/internal/diag"
)

// compareReaders parses toks with participle and with the fast reader: the
// fast reader must accept exactly what participle accepts, with equal structs.
func compareReaders[G any](t *testing.T, p *participle.Parser[G], toks []token, src string) bool {
	t.Helper()
	if len(src) > 200 {
		src = src[:200] + "..."
	}
	pl, err := participleOnly(p, toks)
	fast, ok := fastParse[G](toks)
	switch {
	case err == nil && !ok:
		// allowed (participle then runs), but the fast reader should know every valid form
		t.Errorf("fast reader refused what participle accepts: %q", src)
		return false
	case err != nil && ok:
		t.Errorf("fast reader accepted what participle refuses (%v): %q", err, src)
		return false
	case err == nil && !reflect.DeepEqual(pl, fast):
		t.Errorf("readers differ on %q:\nparticiple %s\nfast       %s", src, Print(convertG(pl)), Print(convertG(fast)))
		return false
	}
	return true
}

func participleOnly[G any](p *participle.Parser[G], toks []token) (*G, error) {
	pl, err := lexerUpgrade(toks)
	if err != nil {
		return nil, err
	}
	return p.ParseFromLexer(pl)
}

func convertG(g any) any {
	var d diag.List
	c := &converter{diags: &d}
	switch x := g.(type) {
	case *gExpr:
		return c.expr(x)
	case *gStmt:
		return Print(c.expr(x.LHS)) + " " + x.Op.Op + " " + Print(c.expr(x.RHS))
	}
	return g
}

// compareSource runs both readers over every statement, flag list and
// expression of an equation string.
func compareSource(t *testing.T, src string) {
	var d diag.List
	for _, s := range splitLines(src, nil, &d) {
		if s.bad {
			continue
		}
		compareReaders(t, exprParser, s.toks, src)
		if body := s.body(); len(body) > 0 {
			compareReaders(t, stmtParser, body, src)
			compareReaders(t, exprParser, body, src)
		}
		if fl := s.flags(); len(fl) > 0 {
			compareReaders(t, flagsParser, fl, src)
		}
	}
}

func TestFastMatchesParticiple(t *testing.T) {
	// every equation string of the test models and the built-in library
	var files []string
	for _, g := range []string{"testdata/*.yaml", "../ir/testdata/*.txtar", "../ir/testdata/errors/*.txtar", "../models/*/*.yaml", "../examples/*/*.yaml"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("only %d model files found", len(files))
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range strings.Split(string(data), "\n") {
			if i := strings.Index(block, ": "); i >= 0 {
				compareSource(t, strings.Trim(block[i+2:], `"' |`))
				n++
			}
		}
		compareSource(t, string(data)) // whole files: mostly invalid as equations, which both must refuse alike
	}
	// random token soups over the grammar's alphabet, valid and not
	words := []string{"x", "y", "f", "pre", "post", "1", "2.5", "1e-3", "True", "False", "dv/dt",
		"+", "-", "*", "/", "**", "^", "==", "!=", "<", "<=", ">", ">=", "is", "and", "or", "not",
		"if", "else", ":", "(", ")", ",", ".", "=", "+=", "-=", "*=", "/=", "init", "event", "min"}
	r := rand.New(rand.NewSource(1))
	iters := 20000
	if testing.Short() {
		iters = 2000
	}
	for i := 0; i < iters; i++ {
		var b strings.Builder
		for k := r.Intn(12); k >= 0; k-- {
			b.WriteString(words[r.Intn(len(words))])
			b.WriteByte(' ')
		}
		compareSource(t, b.String())
		if t.Failed() {
			return
		}
	}
	// well-formed expressions built from the grammar
	var gen func(d int) string
	gen = func(d int) string {
		if d == 0 {
			return []string{"x", "1.5", "pre.r", "True", "f(x, 2)", "g()"}[r.Intn(6)]
		}
		switch r.Intn(9) {
		case 0:
			return "(" + gen(d-1) + ")"
		case 1:
			return "-" + gen(d-1)
		case 2:
			return "not " + gen(d-1)
		case 3:
			return "if " + gen(d-1) + ": " + gen(d-1) + " else: " + gen(d-1)
		case 4:
			return "exp(" + gen(d-1) + ", " + gen(d-1) + ")"
		}
		ops := []string{"+", "-", "*", "/", "**", "^", "==", "<", ">=", "is", "and", "or", "!="}
		return gen(d-1) + " " + ops[r.Intn(len(ops))] + " " + gen(d-1)
	}
	for i := 0; i < iters/4; i++ {
		e := gen(1 + r.Intn(4))
		compareSource(t, "y = "+e+" : init = "+gen(1)+", min = -1, event-driven")
		compareSource(t, e)
	}
}
