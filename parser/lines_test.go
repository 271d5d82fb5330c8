package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/annc/annc/internal/diag"
)

// sexpr prints an expression fully parenthesised, so tests see the tree.
func sexpr(e Expr) string {
	switch n := e.(type) {
	case nil:
		return "nil"
	case *Num:
		return n.Text
	case *Bool:
		return fmt.Sprint(n.Value)
	case *Ident:
		return n.Name
	case *Attr:
		return n.Obj + "." + n.Name
	case *Deriv:
		return "d(" + n.Name + ")"
	case *Unary:
		return "(" + n.Op + " " + sexpr(n.X) + ")"
	case *Binary:
		return "(" + n.Op + " " + sexpr(n.X) + " " + sexpr(n.Y) + ")"
	case *Call:
		var args []string
		for _, a := range n.Args {
			args = append(args, sexpr(a))
		}
		fun := n.Fun
		if n.Obj != "" {
			fun = n.Obj + "." + n.Fun
		}
		return "(call " + fun + " " + strings.Join(args, " ") + ")"
	case *Cond:
		kw := "if"
		if n.Ite {
			kw = "ite"
		}
		return "(" + kw + " " + sexpr(n.C) + " " + sexpr(n.A) + " " + sexpr(n.B) + ")"
	}
	return fmt.Sprintf("<%T>", e)
}

func TestParseExprPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"1 + 2 * 3", "(+ 1 (* 2 3))"},
		{"(1 + 2) * 3", "(* (+ 1 2) 3)"},
		{"a - b - c", "(- (- a b) c)"},
		{"a / b / c", "(/ (/ a b) c)"},
		{"a / b * c", "(* (/ a b) c)"},
		{"2 ** 3 ** 2", "(^ 2 (^ 3 2))"},
		{"2 ^ 3 ^ 2", "(^ 2 (^ 3 2))"},
		{"-x ** 2", "(- (^ x 2))"},
		{"-x ^ 2", "(- (^ x 2))"},
		{"x ** -2", "(^ x (- 2))"},
		{"x ** -y ** 2", "(^ x (- (^ y 2)))"},
		{"(-x) ** 2", "(^ (- x) 2)"},
		{"- - x", "(- (- x))"},
		{"+x", "(+ x)"},
		{"a * -b", "(* a (- b))"},
		{"a < b + 1", "(< a (+ b 1))"},
		{"a <= b and c >= d", "(and (<= a b) (>= c d))"},
		{"a == b or c != d and e", "(or (== a b) (and (!= c d) e))"},
		{"not a and b", "(and (not a) b)"},
		{"not a == b", "(not (== a b))"},
		{"not not a", "(not (not a))"},
		{"a is True", "(is a true)"},
		{"x > 0 is False", "(is (> x 0) false)"},
		{"a < b < c", "(< (< a b) c)"},
		{"1.0", "1.0"},
		{"1e-3 + .5 + 2. + 3E+2", "(+ (+ (+ 1e-3 .5) 2.) 3E+2)"},
		{"pre.x * post.r", "(* pre.x post.r)"},
		{"pre.sum(exc) + sum(inh) + sum()", "(+ (+ (call pre.sum exc) (call sum inh)) (call sum ))"},
		{"clip(w + x, 0.0, 1.0)", "(call clip (+ w x) 0.0 1.0)"},
		{"Uniform(-1, 1)", "(call Uniform (- 1) 1)"},
		{"exp(-x) ^ 2", "(^ (call exp (- x)) 2)"},
		{"ite(a > 0, a, 0)", "(ite (> a 0) a 0)"},
		{"if a > 0: a else: 0", "(if (> a 0) a 0)"},
		{"if a: 1 else: if b: 2 else: 3", "(if a 1 (if b 2 3))"},
		{"if a: if b: 1 else: 2 else: 3", "(if a (if b 1 2) 3)"},
		{"1 + (if a: 1 else: 2)", "(+ 1 (if a 1 2))"},
		{"2 * if a: 1 else: 2 + 3", "(* 2 (if a 1 (+ 2 3)))"},
		{"if a and not b: x * y else: -x", "(if (and a (not b)) (* x y) (- x))"},
		{"f(if a: 1 else: 2, 3)", "(call f (if a 1 2) 3)"},
		{"pi * e * t", "(* (* pi e) t)"},
		{"True or False", "(or true false)"},
		{"if x > 0:\n  x\nelse:\n  0", "(if (> x 0) x 0)"},
		{"(a +\n b)", "(+ a b)"},
		{"a # comment", "a"},
	}
	for _, tt := range tests {
		e, diags := ParseExpr(tt.src, nil)
		if len(diags) > 0 {
			t.Errorf("ParseExpr(%q): %v", tt.src, diags)
			continue
		}
		if got := sexpr(e); got != tt.want {
			t.Errorf("ParseExpr(%q) = %s, want %s", tt.src, got, tt.want)
		}
		// the canonical print parses back to the same tree
		again, diags := ParseExpr(Print(e), nil)
		if len(diags) > 0 || sexpr(again) != tt.want {
			t.Errorf("reparse of %q (printed %q) = %s %v", tt.src, Print(e), sexpr(again), diags)
		}
	}
}

func TestPrintCanonical(t *testing.T) {
	tests := []struct{ src, want string }{
		{"(a+b)*c", "(a + b) * c"},
		{"a+(b*c)", "a + b * c"},
		{"a-(b-c)", "a - (b - c)"},
		{"(a-b)-c", "a - b - c"},
		{"a**b", "a^b"},
		{"(a**b)**c", "(a^b)^c"},
		{"-(a**b)", "-a^b"},
		{"(-a)**b", "(-a)^b"},
		{"-(a+b)", "-(a + b)"},
		{"not (a and b)", "not (a and b)"},
		{"-(not a)", "-(not a)"},
		{"a ** (not b)", "a^(not b)"},
		{"(if a: b else: c) + 1", "(if a: b else: c) + 1"},
		{"if (if a: b else: c): 1 else: 2", "if (if a: b else: c): 1 else: 2"},
		{"ite(a,b,c)", "ite(a, b, c)"},
		{"pre.sum( exc )", "pre.sum(exc)"},
		{"(a < b) < c", "a < b < c"},
		{"d0\n/dt", "d0 / (dt)"},
		{"a * dx\n/ dt^2", "a * dx / (dt^2)"},
		{"pre.dx\n/dt", "pre.dx / (dt)"},
		{"a < (b < c)", "a < (b < c)"},
	}
	for _, tt := range tests {
		e, diags := ParseExpr(tt.src, nil)
		if len(diags) > 0 {
			t.Errorf("ParseExpr(%q): %v", tt.src, diags)
			continue
		}
		if got := Print(e); got != tt.want {
			t.Errorf("Print(%q) = %q, want %q", tt.src, got, tt.want)
		}
		if again, diags := ParseExpr(Print(e), nil); len(diags) > 0 || sexpr(again) != sexpr(e) {
			t.Errorf("reparse of %q: %s, want %s %v", Print(e), sexpr(again), sexpr(e), diags)
		}
	}
}

func TestParseEquations(t *testing.T) {
	type st struct {
		kind   StmtKind
		target string
		obj    string
		op     string
		print  string
	}
	tests := []struct {
		src  string
		want []st
	}{
		{"tau * dv/dt + v = I", []st{{ODE, "v", "", "=", "tau * dv/dt + v = I"}}},
		{"dv/dt = -v/tau", []st{{ODE, "v", "", "=", "dv/dt = -v / tau"}}},
		{"dv / dt = 1", []st{{ODE, "v", "", "=", "dv/dt = 1"}}},
		{"tau*dg_exc/dt = -g_exc", []st{{ODE, "g_exc", "", "=", "tau * dg_exc/dt = -g_exc"}}},
		{"I = tau * dv/dt + v", []st{{ODE, "v", "", "=", "I = tau * dv/dt + v"}}},
		{"tau * dv/dt = (El - v) : init = -60.0, min=-90, max = Vt + 10",
			[]st{{ODE, "v", "", "=", "tau * dv/dt = El - v : init = -60.0, min = -90, max = Vt + 10"}}},
		{"dx/dt = -x : event-driven", []st{{ODE, "x", "", "=", "dx/dt = -x : event-driven"}}},
		{"dv/dt = a : exponential, unless_refractory", []st{{ODE, "v", "", "=", "dv/dt = a : exponential, unless_refractory"}}},
		{"r = tanh(v)", []st{{Assign, "r", "", "=", "r = tanh(v)"}}},
		{"g_target += w", []st{{Assign, "g_target", "", "+=", "g_target += w"}}},
		{"x -= 1; y *= 2; z /= 3", []st{
			{Assign, "x", "", "-=", "x -= 1"}, {Assign, "y", "", "*=", "y *= 2"}, {Assign, "z", "", "/=", "z /= 3"}}},
		{"post.x += 1", []st{{Assign, "x", "post", "+=", "post.x += 1"}}},
		{"pre.x = 0", []st{{Assign, "x", "pre", "=", "pre.x = 0"}}},
		{"# only a comment\n\n  v = Vr   # reset\n", []st{{Assign, "v", "", "=", "v = Vr"}}},
		{"r = if v > 0:\n      v\n    else:\n      0", []st{{Assign, "r", "", "=", "r = if v > 0: v else: 0"}}},
		{"r = if v > 0: v else: 0 : min = 0", []st{{Assign, "r", "", "=", "r = if v > 0: v else: 0 : min = 0"}}},
		{"r = if a: if b: 1 else: 2 else: if c: 3 else: 4", []st{{Assign, "r", "", "=", "r = if a: if b: 1 else: 2 else: if c: 3 else: 4"}}},
		{"x = (a +\n     b) * c\ny = 2", []st{{Assign, "x", "", "=", "x = (a + b) * c"}, {Assign, "y", "", "=", "y = 2"}}},
		{"x = a +\n    b\ny = a\n    - b", []st{{Assign, "x", "", "=", "x = a + b"}, {Assign, "y", "", "=", "y = a - b"}}},
		{"x = a \\\n  * b", []st{{Assign, "x", "", "=", "x = a * b"}}},
		// A negated derivative after a complete equation starts a new one; a
		// line starting with '-' without its own '=' still continues.
		{"dv/dt = -v\n-du/dt = u", []st{{ODE, "v", "", "=", "dv/dt = -v"}, {ODE, "u", "", "=", "-du/dt = u"}}},
		{"x = 1\n  -tau * du/dt = u - 1 : init = 2", []st{{Assign, "x", "", "=", "x = 1"}, {ODE, "u", "", "=", "-tau * du/dt = u - 1 : init = 2"}}},
		{"-dc/dt = c - 1", []st{{ODE, "c", "", "=", "-dc/dt = c - 1"}}},
		{"x = a\n  - b : init = 1", []st{{Assign, "x", "", "=", "x = a - b : init = 1"}}},
		{"tau * v\n  - dv/dt = 0", []st{{ODE, "v", "", "=", "tau * v - dv/dt = 0"}}},
		{"tau * dv/dt = -v\n  : init = 1", []st{{ODE, "v", "", "=", "tau * dv/dt = -v : init = 1"}}},
		{"w = clip(w + x,\n         0.0, 1.0)", []st{{Assign, "w", "", "=", "w = clip(w + x, 0.0, 1.0)"}}},
		{"v = 1 : population, int", []st{{Assign, "v", "", "=", "v = 1 : population, int"}}},
		{"dv/dt = a : rk4\ndw/dt = b : midpoint\ndu/dt = c : implicit\ndz/dt = d : semiimplicit\ndq/dt = e : explicit",
			[]st{{ODE, "v", "", "=", "dv/dt = a : rk4"}, {ODE, "w", "", "=", "dw/dt = b : midpoint"},
				{ODE, "u", "", "=", "du/dt = c : implicit"}, {ODE, "z", "", "=", "dz/dt = d : semiimplicit"},
				{ODE, "q", "", "=", "dq/dt = e : explicit"}}},
		{"", nil},
	}
	for _, tt := range tests {
		stmts, diags := ParseEquations(tt.src, nil)
		if len(diags) > 0 {
			t.Errorf("ParseEquations(%q): %v", tt.src, diags)
			continue
		}
		if len(stmts) != len(tt.want) {
			t.Errorf("ParseEquations(%q): %d statements, want %d: %q", tt.src, len(stmts), len(tt.want), Print(stmts))
			continue
		}
		for i, s := range stmts {
			w := tt.want[i]
			got := st{s.Kind, s.Target, s.Obj, s.Op, Print(s)}
			if got != w {
				t.Errorf("ParseEquations(%q)[%d] = %+v, want %+v", tt.src, i, got, w)
			}
		}
		// canonical form is stable
		printed := Print(stmts)
		again, diags := ParseEquations(printed, nil)
		if len(diags) > 0 || Print(again) != printed {
			t.Errorf("reparse of %q: %q %v", printed, Print(again), diags)
		}
	}
}

func TestParseEquationsFlagValues(t *testing.T) {
	stmts, diags := ParseEquations("tau * dv/dt = -v : init = -60.0, min = -90 + 1", nil)
	if len(diags) > 0 || len(stmts) != 1 {
		t.Fatalf("%v %d", diags, len(stmts))
	}
	fl := stmts[0].Flags
	if len(fl) != 2 || fl[0].Name != "init" || sexpr(fl[0].Value) != "(- 60.0)" || fl[1].Name != "min" || sexpr(fl[1].Value) != "(+ (- 90) 1)" {
		t.Errorf("flags: %v", Print(stmts[0]))
	}
	if want := (diag.Pos{Line: 1, Col: 20}); fl[0].Pos != want {
		t.Errorf("init pos %v, want %v", fl[0].Pos, want)
	}
	if want := (diag.Pos{Line: 1, Col: 34}); fl[1].Pos != want {
		t.Errorf("min pos %v, want %v", fl[1].Pos, want)
	}
	lhs := stmts[0].LHS.(*Binary)
	if lhs.Op != "*" || lhs.Pos != (diag.Pos{Line: 1, Col: 5}) {
		t.Errorf("lhs %s at %v", sexpr(lhs), lhs.Pos)
	}
	if d := lhs.Y.(*Deriv); d.Name != "v" || d.Pos != (diag.Pos{Line: 1, Col: 7}) {
		t.Errorf("deriv %v at %v", d.Name, d.Pos)
	}
}

func TestParseParams(t *testing.T) {
	ps, diags := ParseParams("tau = 20.0 : population\nEl = -60.0\n  n = 3 : int, projection ; b = True : bool\nk = 2 * tau", nil)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := "tau = 20.0 : population\nEl = -60.0\nn = 3 : int, projection\nb = True : bool\nk = 2 * tau\n"
	if got := Print(ps); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if ps[2].Pos != (diag.Pos{Line: 3, Col: 3}) || ps[3].Pos != (diag.Pos{Line: 3, Col: 29}) {
		t.Errorf("positions %v %v", ps[2].Pos, ps[3].Pos)
	}
}

func TestParseFunctions(t *testing.T) {
	fs, diags := ParseFunctions("sigmoid(x) = 1.0 / (1.0 + exp(-x))\nf(x, y) = if x > y: x else: y\nzero() = 0", nil)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if len(fs) != 3 || fs[0].Name != "sigmoid" || strings.Join(fs[1].Params, ",") != "x,y" || len(fs[2].Params) != 0 {
		t.Fatalf("%+v", fs)
	}
	if got := sexpr(fs[1].Body); got != "(if (> x y) x y)" {
		t.Errorf("body %s", got)
	}
}

func TestParseStopCond(t *testing.T) {
	tests := []struct{ src, expr, mode string }{
		{"r > 1.0", "(> r 1.0)", "any"},
		{"r > 1.0 : all", "(> r 1.0)", "all"},
		{"r > 1.0 : any", "(> r 1.0)", "any"},
		{"(if a: r else: v) > 1 and t > 10 : all", "(and (> (if a r v) 1) (> t 10))", "all"},
	}
	for _, tt := range tests {
		sc, diags := ParseStopCond(tt.src, nil)
		if len(diags) > 0 {
			t.Errorf("%q: %v", tt.src, diags)
			continue
		}
		if sexpr(sc.Expr) != tt.expr || sc.Mode != tt.mode {
			t.Errorf("%q: %s %s", tt.src, sexpr(sc.Expr), sc.Mode)
		}
	}
}

// TestSyntaxErrors checks message and exact position for malformed lines.
func TestSyntaxErrors(t *testing.T) {
	type kind int
	const (
		eqs kind = iota
		expr
		params
		funcs
		stop
	)
	tests := []struct {
		k    kind
		src  string
		want string // "line:col: message"; several joined by "\n"
	}{
		{eqs, "v = 1 +", "1:7: expected an expression after '+'"},
		{eqs, "v = (1 + 2", "1:5: unbalanced parenthesis: '(' is never closed"},
		{eqs, "v = 1 + 2)", "1:10: unbalanced parenthesis: ')' has no matching '('"},
		{eqs, "v = a b", "1:7: missing operator between name \"a\" and name \"b\""},
		{eqs, "v = 1 : exponentail", "1:9: unknown flag \"exponentail\"; did you mean \"exponential\"?"},
		{eqs, "v = 1 : init", "1:9: flag \"init\" needs a value: init = ..."},
		{eqs, "v = 1 : population = 2", "1:9: flag \"population\" takes no value"},
		{eqs, "x = 1 * * 2", "1:9: expected an expression after '*', got '*'"},
		{eqs, "x = f(1,)", "1:9: expected an expression after ',', got ')'"},
		{eqs, "dv/dt += 1", "1:7: an equation with dv/dt must use '=', not '+='"},
		{eqs, "dv/dt = dw/dt", "1:9: an equation may contain only one derivative, found dv/dt and dw/dt"},
		{eqs, "a + b", "1:1: expected an equation or an assignment, found no '='"},
		{eqs, "x = $", "1:5: unexpected character '$'"},
		{eqs, "x = 1 :", "1:7: expected a flag after ':'"},
		{eqs, "a + b = c", "1:3: the left side of '=' must be a variable name"},
		{eqs, "x = if a: b", "1:11: incomplete 'if': expected 'else: value' after name \"b\""},
		{eqs, "x = if a: b else c", "1:18: expected ':' after 'else', got name \"c\""},
		{eqs, "x = foo.bar", "1:8: foo.bar: only pre.x and post.x may use '.'"},
		{eqs, "x = ite(a, b)", "1:5: ite takes 3 arguments (condition, value if true, value if false), got 2"},
		{eqs, "x = 1\ny = (2 +\nz = 3", "2:5: unbalanced parenthesis: '(' is never closed"},
		{eqs, "x = 1 :\ny = 2 : bool", "1:7: expected a flag after ':'"},
		{eqs, "  x = 1\n  y = 2 +* 3", "2:10: expected an expression after '+', got '*'"},
		{eqs, "dv/dt = -v : init = -60.0 exponential", "1:27: missing ',' before flag \"exponential\""},
		{eqs, "dv/dt = -v : init = 0 : exponential", "1:12: unexpected ':'; flags come after a single ':', separated by ','"},
		{eqs, "x = a if b else c", "1:7: unexpected 'if': a conditional is written \"if c: a else: b\""},
		{eqs, "x = y = 1", "1:7: unexpected '=' (use '==' to compare)"},
		{expr, "v = Vr", "1:3: unexpected '=' (use '==' to compare)"},
		{expr, "dv/dt > 0", "1:1: dv/dt is only allowed in an equation, not in an expression"},
		{expr, "a\nb", "2:1: expected a single expression, found a second line"},
		{expr, "", "1:1: expected an expression, the string is empty"},
		{expr, "a : b", "1:3: unexpected ':'; an expression takes no flags"},
		{params, "tau += 1", "1:5: a parameter is set with '=', not '+='"},
		{params, "tau = 1 : init = 2", "1:11: flag \"init\" does not apply here (allowed: population, projection, postsynaptic, int, bool, float)"},
		{params, "tau = 1 : foo", "1:11: unknown flag \"foo\" (known: population, projection, postsynaptic, int, bool, float)"},
		{params, "tau = 1 : populaton", "1:11: unknown flag \"populaton\"; did you mean \"population\"?"},
		{params, "2 * tau = 1", "1:3: a parameter line is \"name = value\"; the left side must be a name"},
		{funcs, "f(x, 1) = x", "1:6: parameters of function \"f\" must be names"},
		{funcs, "f = x", "1:1: a function definition looks like \"f(x, y) = expression\""},
		{funcs, "f(x) = x : int", "1:10: a function definition takes no flags"},
		{stop, "r > 1 : some", "1:9: a stop condition ends with ': any' or ': all', not \"some\""},
		{stop, "r > 1 : al", "1:9: unknown stop mode \"al\"; did you mean \"all\"?"},
	}
	for _, tt := range tests {
		var diags diag.List
		switch tt.k {
		case eqs:
			_, diags = ParseEquations(tt.src, nil)
		case expr:
			_, diags = ParseExpr(tt.src, nil)
		case params:
			_, diags = ParseParams(tt.src, nil)
		case funcs:
			_, diags = ParseFunctions(tt.src, nil)
		case stop:
			_, diags = ParseStopCond(tt.src, nil)
		}
		var got []string
		for _, d := range diags {
			got = append(got, fmt.Sprintf("%d:%d: %s", d.Pos.Line, d.Pos.Col, d.Msg))
		}
		if g := strings.Join(got, "\n"); g != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, g, tt.want)
		}
	}
}
