package ir

import (
	"math"

	"github.com/annc/annc/internal/lang"
)

// This file holds the small symbolic toolkit the numerical-method rewrites
// are built on: traversal, substitution, simplification and the affine
// coefficient (a symbolic derivative restricted to what linearity checks
// need). It is deliberately not a computer-algebra system.

// derivSym stands for dx/dt while an ODE line is being solved for it; it
// never leaves the package.
type derivSym struct{ name string }

func (*derivSym) irExpr() {}

// Walk calls f for e and every sub-expression of e, parents first.
func Walk(e Expr, f func(Expr)) {
	if e == nil {
		return
	}
	f(e)
	switch n := e.(type) {
	case *Unary:
		Walk(n.X, f)
	case *Binary:
		Walk(n.X, f)
		Walk(n.Y, f)
	case *Call:
		for _, a := range n.Args {
			Walk(a, f)
		}
	case *UserCall:
		for _, a := range n.Args {
			Walk(a, f)
		}
	case *Cond:
		Walk(n.C, f)
		Walk(n.A, f)
		Walk(n.B, f)
	}
}

// rewrite rebuilds e bottom-up: f sees each node after its children were
// rewritten and returns the replacement (or the node itself).
func rewrite(e Expr, f func(Expr) Expr) Expr {
	switch n := e.(type) {
	case *Unary:
		x := rewrite(n.X, f)
		return f(&Unary{Op: n.Op, X: x})
	case *Binary:
		x, y := rewrite(n.X, f), rewrite(n.Y, f)
		return f(&Binary{Op: n.Op, X: x, Y: y})
	case *Call:
		args := make([]Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = rewrite(a, f)
		}
		return f(&Call{Fun: n.Fun, Args: args})
	case *UserCall:
		args := make([]Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = rewrite(a, f)
		}
		return f(&UserCall{F: n.F, Args: args})
	case *Cond:
		return f(&Cond{C: rewrite(n.C, f), A: rewrite(n.A, f), B: rewrite(n.B, f)})
	}
	return f(e)
}

// substitute replaces every leaf for which repl returns a non-nil
// expression. Replacement expressions are not visited again.
func substitute(e Expr, repl func(Expr) Expr) Expr {
	return rewrite(e, func(n Expr) Expr {
		if r := repl(n); r != nil {
			return r
		}
		return n
	})
}

// dependsOn reports whether is holds for some node of e.
func dependsOn(e Expr, is func(Expr) bool) bool {
	found := false
	Walk(e, func(n Expr) {
		if !found && is(n) {
			found = true
		}
	})
	return found
}

// isVar returns a predicate matching reads of v by the element itself.
func isVar(v *Var) func(Expr) bool {
	return func(e Expr) bool {
		r, ok := e.(*VarRef)
		return ok && r.Side == Self && r.Var == v
	}
}

func num(v float64) *Const { return &Const{Value: v} }

func isConst(e Expr, v float64) bool {
	c, ok := e.(*Const)
	return ok && c.Type != Bool && c.Value == v
}

func ref(v *Var) *VarRef { return &VarRef{Var: v, Name: v.Name} }

func add(x, y Expr) Expr { return &Binary{Op: "+", X: x, Y: y} }
func sub(x, y Expr) Expr { return &Binary{Op: "-", X: x, Y: y} }
func mul(x, y Expr) Expr { return &Binary{Op: "*", X: x, Y: y} }
func div(x, y Expr) Expr { return &Binary{Op: "/", X: x, Y: y} }
func neg(x Expr) Expr    { return &Unary{Op: "-", X: x} }

// Simplify applies exact algebraic identities (x+0, x*1, x*0, --x,
// constant folding, ...) bottom-up. It never reorders floating-point
// operations beyond what those identities allow.
func Simplify(e Expr) Expr { return rewrite(e, simplifyNode) }

func simplifyNode(e Expr) Expr {
	switch n := e.(type) {
	case *Unary:
		if n.Op != "-" {
			if n.Op == "+" {
				return n.X
			}
			return n
		}
		switch x := n.X.(type) {
		case *Const:
			if x.Type != Bool {
				if x.Value == 0 {
					return &Const{Value: 0, Type: x.Type}
				}
				return &Const{Value: -x.Value, Type: x.Type}
			}
		case *Unary:
			if x.Op == "-" {
				return x.X
			}
		case *Binary:
			if x.Op == "-" {
				return &Binary{Op: "-", X: x.Y, Y: x.X}
			}
		}
		return n
	case *Binary:
		return simplifyBinary(n)
	case *Cond:
		if c, ok := n.C.(*Const); ok {
			if c.Value != 0 {
				return n.A
			}
			return n.B
		}
	}
	return e
}

func simplifyBinary(n *Binary) Expr {
	cx, xok := n.X.(*Const)
	cy, yok := n.Y.(*Const)
	if xok && yok && cx.Type != Bool && cy.Type != Bool {
		var v float64
		switch n.Op {
		case "+":
			v = cx.Value + cy.Value
		case "-":
			v = cx.Value - cy.Value
		case "*":
			v = cx.Value * cy.Value
		case "/":
			if cy.Value == 0 {
				return n
			}
			v = cx.Value / cy.Value
		case "pow":
			v = math.Pow(cx.Value, cy.Value)
		default:
			return n
		}
		if v == 0 {
			v = 0 // no negative zero in printed output
		}
		t := Float
		if cx.Type == Int && cy.Type == Int && n.Op != "/" && n.Op != "pow" {
			t = Int
		}
		return &Const{Value: v, Type: t}
	}
	switch n.Op {
	case "+":
		if isConst(n.X, 0) {
			return n.Y
		}
		if isConst(n.Y, 0) {
			return n.X
		}
		if u, ok := n.Y.(*Unary); ok && u.Op == "-" {
			return &Binary{Op: "-", X: n.X, Y: u.X}
		}
		if yok && cy.Type != Bool && cy.Value < 0 {
			return &Binary{Op: "-", X: n.X, Y: num(-cy.Value)}
		}
	case "-":
		if isConst(n.Y, 0) {
			return n.X
		}
		if isConst(n.X, 0) {
			return simplifyNode(neg(n.Y))
		}
		if u, ok := n.Y.(*Unary); ok && u.Op == "-" {
			return &Binary{Op: "+", X: n.X, Y: u.X}
		}
		if yok && cy.Type != Bool && cy.Value < 0 {
			return &Binary{Op: "+", X: n.X, Y: num(-cy.Value)}
		}
	case "*":
		if isConst(n.X, 0) || isConst(n.Y, 0) {
			return num(0)
		}
		if isConst(n.X, 1) {
			return n.Y
		}
		if isConst(n.Y, 1) {
			return n.X
		}
		if isConst(n.X, -1) {
			return simplifyNode(neg(n.Y))
		}
		if isConst(n.Y, -1) {
			return simplifyNode(neg(n.X))
		}
		if u, ok := n.X.(*Unary); ok && u.Op == "-" {
			return simplifyNode(neg(simplifyBinary(&Binary{Op: "*", X: u.X, Y: n.Y})))
		}
		if u, ok := n.Y.(*Unary); ok && u.Op == "-" {
			return simplifyNode(neg(simplifyBinary(&Binary{Op: "*", X: n.X, Y: u.X})))
		}
		if d, ok := n.Y.(*Binary); ok && d.Op == "/" && isConst(d.X, 1) {
			return &Binary{Op: "/", X: n.X, Y: d.Y}
		}
		if d, ok := n.X.(*Binary); ok && d.Op == "/" && isConst(d.X, 1) {
			return &Binary{Op: "/", X: n.Y, Y: d.Y}
		}
	case "/":
		if isConst(n.Y, 1) {
			return n.X
		}
		if isConst(n.X, 0) && !isConst(n.Y, 0) {
			return num(0)
		}
		if isConst(n.Y, -1) {
			return simplifyNode(neg(n.X))
		}
		if u, ok := n.Y.(*Unary); ok && u.Op == "-" {
			return simplifyNode(neg(simplifyBinary(&Binary{Op: "/", X: n.X, Y: u.X})))
		}
	case "pow":
		if isConst(n.Y, 1) {
			return n.X
		}
		if isConst(n.Y, 0) {
			return num(1)
		}
	}
	return n
}

// affineCoef returns de/dx when e is affine in x (the coefficient itself
// does not depend on x), with ok=false otherwise. With frozen set,
// function calls, user functions and conditionals whose arguments involve
// x are treated as values taken at the start of the step (coefficient 0),
// the way the exponential and semi-implicit methods treat the non-linear
// part of an equation.
func affineCoef(e Expr, is func(Expr) bool, frozen bool) (Expr, bool) {
	c, ok := coef(e, is, frozen)
	if !ok {
		return nil, false
	}
	c = normSum(Simplify(c))
	if dependsOn(c, is) {
		return nil, false
	}
	return c, true
}

func coef(e Expr, is func(Expr) bool, frozen bool) (Expr, bool) {
	if is(e) {
		return num(1), true
	}
	switch n := e.(type) {
	case *Unary:
		if n.Op != "-" {
			return frozenCoef(n.X, is, frozen)
		}
		c, ok := coef(n.X, is, frozen)
		if !ok {
			return nil, false
		}
		return neg(c), true
	case *Binary:
		switch n.Op {
		case "+", "-":
			a, ok1 := coef(n.X, is, frozen)
			b, ok2 := coef(n.Y, is, frozen)
			if !ok1 || !ok2 {
				return nil, false
			}
			return &Binary{Op: n.Op, X: a, Y: b}, true
		case "*":
			dx, dy := polyDepends(n.X, is, frozen), polyDepends(n.Y, is, frozen)
			if dx && dy {
				return nil, false
			}
			if dx {
				a, ok := coef(n.X, is, frozen)
				if !ok {
					return nil, false
				}
				return mul(a, n.Y), true
			}
			if dy {
				b, ok := coef(n.Y, is, frozen)
				if !ok {
					return nil, false
				}
				return mul(n.X, b), true
			}
			return num(0), true
		case "/":
			if polyDepends(n.Y, is, frozen) {
				return nil, false
			}
			if !polyDepends(n.X, is, frozen) {
				return num(0), true
			}
			a, ok := coef(n.X, is, frozen)
			if !ok {
				return nil, false
			}
			return div(a, n.Y), true
		case "pow":
			if polyDepends(n.X, is, frozen) || polyDepends(n.Y, is, frozen) {
				return nil, false
			}
			return num(0), true
		default: // comparisons and logic: not differentiable
			return frozenCoef(n, is, frozen)
		}
	case *Call, *UserCall, *Cond:
		return frozenCoef(e, is, frozen)
	}
	return num(0), true
}

// frozenCoef is the coefficient of x in a term where x can only appear inside
// a function call, conditional or logic: 0 when the term does not depend on
// x or when such terms are frozen at the old value, else not affine.
func frozenCoef(e Expr, is func(Expr) bool, frozen bool) (Expr, bool) {
	if frozen || !dependsOn(e, is) {
		return num(0), true
	}
	return nil, false
}

// polyDepends reports whether e depends on x outside frozen sub-terms.
func polyDepends(e Expr, is func(Expr) bool, frozen bool) bool {
	if !frozen {
		return dependsOn(e, is)
	}
	if is(e) {
		return true
	}
	switch n := e.(type) {
	case *Unary:
		if n.Op != "-" {
			return false
		}
		return polyDepends(n.X, is, frozen)
	case *Binary:
		switch n.Op {
		case "+", "-", "*", "/", "pow":
			return polyDepends(n.X, is, frozen) || polyDepends(n.Y, is, frozen)
		}
		return false
	}
	return false
}

// TypeOf returns the type of an IR expression: Bool for comparisons,
// logic and boolean variables; Int for int variables and integer
// arithmetic on them; Float otherwise.
func TypeOf(e Expr) Type {
	switch n := e.(type) {
	case *Const:
		return n.Type
	case *VarRef:
		if n.Var != nil {
			return n.Var.Type
		}
		return Float
	case *Unary:
		if n.Op == "!" {
			return Bool
		}
		return TypeOf(n.X)
	case *Binary:
		switch n.Op {
		case "==", "!=", "<", "<=", ">", ">=", "&&", "||":
			return Bool
		case "+", "-", "*":
			if TypeOf(n.X) == Int && TypeOf(n.Y) == Int {
				return Int
			}
		}
		return Float
	case *Call:
		if b, _ := lang.LookupBuiltin(n.Fun); b.Bool {
			return Bool
		}
		return Float
	case *Cond:
		ta, tb := TypeOf(n.A), TypeOf(n.B)
		if ta == tb {
			return ta
		}
		return Float
	case *Temp:
		return Float
	}
	return Float
}

// term is c * x (x nil for a constant term).
type term struct {
	c float64
	x Expr
}

// sumTerms flattens nested sums and differences (and negations and
// constant factors) into signed terms.
func sumTerms(e Expr, sign float64, out []term) []term {
	switch n := e.(type) {
	case *Const:
		if n.Type != Bool {
			return append(out, term{c: sign * n.Value})
		}
	case *Unary:
		if n.Op == "-" {
			return sumTerms(n.X, -sign, out)
		}
	case *Binary:
		switch n.Op {
		case "+":
			return sumTerms(n.Y, sign, sumTerms(n.X, sign, out))
		case "-":
			return sumTerms(n.Y, -sign, sumTerms(n.X, sign, out))
		case "*":
			if c, ok := n.X.(*Const); ok && c.Type != Bool {
				return sumTerms(n.Y, sign*c.Value, out)
			}
			if c, ok := n.Y.(*Const); ok && c.Type != Bool {
				return sumTerms(n.X, sign*c.Value, out)
			}
		}
	}
	return append(out, term{c: sign, x: e})
}

// normSum rewrites a sum as constant first, then the other terms in
// order, with the signs folded into + and -: -(-1 - g) becomes 1 + g.
// It is used on derived coefficients only, never on what the user wrote.
func normSum(e Expr) Expr {
	ts := sumTerms(e, 1, nil)
	k := 0.0
	hasK := false
	var rest []term
	for _, t := range ts {
		if t.x == nil {
			k += t.c
			hasK = true
			continue
		}
		rest = append(rest, t)
	}
	var out Expr
	if hasK && (k != 0 || len(rest) == 0) {
		out = num(k)
	}
	for _, t := range rest {
		var x Expr = t.x
		a := t.c
		if a < 0 && out != nil {
			a = -a
			if a != 1 {
				x = mul(num(a), x)
			}
			out = sub(out, x)
			continue
		}
		if a != 1 {
			x = Simplify(mul(num(a), x))
		}
		if out == nil {
			out = x
		} else {
			out = add(out, x)
		}
	}
	return Simplify(out)
}
