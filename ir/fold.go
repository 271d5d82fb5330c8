package ir

import (
	"math"

	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/parser"
)

type litVal struct {
	v  float64
	ok bool
}

// literal evaluates an expression made only of numbers, model constants,
// pi, e, arithmetic and the built-in functions with an Eval; ok is false for
// anything else. Names of s (nil outside equations) that shadow constants
// are not constant. Results are memoised per node, so checking every node of
// a long chain stays linear.
func (b *builder) literal(e parser.Expr, s *scope) (float64, bool) {
	if r, ok := b.lits[e]; ok {
		return r.v, r.ok
	}
	v, ok := b.literal1(e, s)
	if b.lits == nil {
		b.lits = map[parser.Expr]litVal{}
	}
	b.lits[e] = litVal{v, ok}
	return v, ok
}

func (b *builder) literal1(e parser.Expr, s *scope) (float64, bool) {
	switch n := e.(type) {
	case *parser.Num:
		return n.Value, true
	case *parser.Ident:
		if s != nil && (s.fparams[n.Name] || s.vars[n.Name] != nil) {
			return 0, false
		}
		if c, ok := b.consts[n.Name]; ok {
			return c.Value, true // its value in the file, which a default run uses
		}
		switch n.Name {
		case "pi":
			return math.Pi, true
		case "e":
			return math.E, true
		}
	case *parser.Unary:
		x, ok := b.literal(n.X, s)
		switch n.Op {
		case "-":
			return -x, ok
		case "+":
			return x, ok
		}
	case *parser.Binary:
		x, ok1 := b.literal(n.X, s)
		y, ok2 := b.literal(n.Y, s)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch n.Op {
		case "+":
			return x + y, true
		case "-":
			return x - y, true
		case "*":
			return x * y, true
		case "/":
			return x / y, true
		case "^", "**":
			return math.Pow(x, y), true
		}
	case *parser.Call:
		bi, ok := lang.LookupBuiltin(n.Fun)
		f := bi.Eval
		if n.Obj != "" || !ok || f == nil || len(n.Args) != bi.Arity || n.Keys != nil {
			return 0, false
		}
		args := make([]float64, len(n.Args))
		for i, a := range n.Args {
			if args[i], ok = b.literal(a, s); !ok {
				return 0, false
			}
		}
		return f(args), true
	}
	return 0, false
}

// checkFold reports an operation on finite literals whose value is ±Inf or
// NaN ("1.0/0.0", "log(0)", "1e308*10"): such a value is never intended and
// would otherwise surface as a numerical blow-up at run time.
func (s *scope) checkFold(e parser.Expr, operands ...parser.Expr) {
	v, ok := s.b.literal(e, s)
	if !ok || (!math.IsInf(v, 0) && !math.IsNaN(v)) {
		return
	}
	for _, o := range operands {
		if x, _ := s.b.literal(o, s); math.IsInf(x, 0) || math.IsNaN(x) {
			return // reported at the operand
		}
	}
	what := "NaN"
	switch {
	case math.IsInf(v, 1):
		what = "+Inf"
	case math.IsInf(v, -1):
		what = "-Inf"
	}
	s.errorf(e.Position(), "%s evaluates to %s", parser.Print(e), what)
}
