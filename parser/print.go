package parser

import (
	"fmt"
	"strconv"
	"strings"
)

// Precedence levels of the printer, lowest first; they mirror the grammar.
const (
	precTop = iota
	precOr
	precAnd
	precNot
	precCmp
	precAdd
	precMul
	precUnary
	precPow
	precPrimary
)

func binaryPrec(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "==", "!=", "<", "<=", ">", ">=", "is":
		return precCmp
	case "+", "-":
		return precAdd
	case "*", "/":
		return precMul
	case "^", "**":
		return precPow
	}
	return precPrimary
}

// Print renders an Expr, *Stmt/Stmt, *Param/Param, *FuncDef/FuncDef,
// *StopCond/StopCond, Flag or a slice of statements, parameters or functions
// (one per line) in canonical form: single spaces around binary operators,
// parentheses only where precedence needs them, "^" for powers. The result
// parses back to the same tree.
func Print(node any) string {
	var b strings.Builder
	p := printer{&b}
	switch n := node.(type) {
	case nil:
		return ""
	case Expr:
		p.expr(n, precTop)
	case Stmt:
		p.stmt(&n)
	case *Stmt:
		p.stmt(n)
	case []Stmt:
		for i := range n {
			p.stmt(&n[i])
			b.WriteByte('\n')
		}
	case Param:
		p.param(&n)
	case *Param:
		p.param(n)
	case []Param:
		for i := range n {
			p.param(&n[i])
			b.WriteByte('\n')
		}
	case FuncDef:
		p.funcDef(&n)
	case *FuncDef:
		p.funcDef(n)
	case []FuncDef:
		for i := range n {
			p.funcDef(&n[i])
			b.WriteByte('\n')
		}
	case StopCond:
		p.stopCond(&n)
	case *StopCond:
		p.stopCond(n)
	case *StructCond:
		p.expr(n.Expr, precTop)
		p.flags(n.Flags)
	case Flag:
		p.flag(n)
	default:
		return fmt.Sprintf("<cannot print %T>", node)
	}
	return b.String()
}

type printer struct{ b *strings.Builder }

func (p printer) s(s string) { p.b.WriteString(s) }

func (p printer) expr(e Expr, prec int) {
	switch n := e.(type) {
	case nil:
		p.s("<nil>")
	case *Num:
		p.s(numText(n))
	case *Bool:
		if n.Value {
			p.s("True")
		} else {
			p.s("False")
		}
	case *Ident:
		p.s(n.Name)
	case *Attr:
		p.s(n.Obj + "." + n.Name)
	case *Deriv:
		p.s("d" + n.Name + "/dt")
	case *Unary:
		my := precUnary
		if n.Op == "not" {
			my = precNot
		}
		p.open(my < prec)
		if n.Op == "not" {
			p.s("not ")
		} else {
			p.s(n.Op)
		}
		p.expr(n.X, my)
		p.close(my < prec)
	case *Binary:
		my := binaryPrec(n.Op)
		p.open(my < prec)
		if my == precPow {
			// right-associative; the base is a primary, the exponent may carry a sign
			p.expr(n.X, precPrimary)
			p.s("^")
			p.expr(n.Y, precUnary)
		} else {
			x, y := sub(n.X, my), sub(n.Y, my+1)
			if n.Op == "/" && endsWithDName(x) && startsWithDt(y) {
				// "d0 / dt" would read back as a derivative
				y = "(" + y + ")"
			}
			p.s(x + " " + n.Op + " " + y)
		}
		p.close(my < prec)
	case *Call:
		if n.Obj != "" {
			p.s(n.Obj + ".")
		}
		p.s(n.Fun + "(")
		for i, a := range n.Args {
			if i > 0 {
				p.s(", ")
			}
			if n.Keys != nil && n.Keys[i] != "" {
				p.s(n.Keys[i] + "=")
			}
			p.expr(a, precTop)
		}
		p.s(")")
	case *Cond:
		if n.Ite {
			p.s("ite(")
			p.args([]Expr{n.C, n.A, n.B})
			p.s(")")
			return
		}
		p.open(prec > precTop)
		p.s("if ")
		p.expr(n.C, precOr)
		p.s(": ")
		p.expr(n.A, precTop)
		p.s(" else: ")
		p.expr(n.B, precTop)
		p.close(prec > precTop)
	default:
		p.s(fmt.Sprintf("<%T>", e))
	}
}

func (p printer) args(args []Expr) {
	for i, a := range args {
		if i > 0 {
			p.s(", ")
		}
		p.expr(a, precTop)
	}
}

func (p printer) open(paren bool) {
	if paren {
		p.s("(")
	}
}

func (p printer) close(paren bool) {
	if paren {
		p.s(")")
	}
}

// numText is the literal as written, or a round-tripping form of its value.
func numText(n *Num) string {
	if n.Text != "" {
		return n.Text
	}
	s := strconv.FormatFloat(n.Value, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEIN") {
		s += ".0"
	}
	return s
}

func (p printer) flags(fs []Flag) {
	if len(fs) == 0 {
		return
	}
	p.s(" : ")
	for i, f := range fs {
		if i > 0 {
			p.s(", ")
		}
		p.flag(f)
	}
}

func (p printer) flag(f Flag) {
	p.s(f.Name)
	if f.Value != nil {
		p.s(" = ")
		p.expr(f.Value, precTop)
	}
}

func (p printer) stmt(st *Stmt) {
	if st.Kind == ODE {
		p.expr(st.LHS, precTop)
		p.s(" = ")
	} else {
		if st.Obj != "" {
			p.s(st.Obj + ".")
		}
		p.s(st.Target + " " + st.Op + " ")
	}
	p.expr(st.RHS, precTop)
	p.flags(st.Flags)
}

func (p printer) param(pa *Param) {
	p.s(pa.Name + " = ")
	p.expr(pa.Value, precTop)
	p.flags(pa.Flags)
}

func (p printer) funcDef(f *FuncDef) {
	p.s(f.Name + "(" + strings.Join(f.Params, ", ") + ") = ")
	p.expr(f.Body, precTop)
}

func (p printer) stopCond(sc *StopCond) {
	p.expr(sc.Expr, precTop)
	if sc.Mode == "all" {
		p.s(" : all")
	}
}

// sub prints e alone.
func sub(e Expr, prec int) string {
	var b strings.Builder
	printer{&b}.expr(e, prec)
	return b.String()
}

// endsWithDName reports whether s ends with a name "d..." of two or more characters.
func endsWithDName(s string) bool {
	i := len(s)
	for i > 0 && isIdentChar(s[i-1]) {
		i--
	}
	return len(s)-i >= 2 && s[i] == 'd'
}

// startsWithDt reports whether s starts with the name dt.
func startsWithDt(s string) bool {
	return strings.HasPrefix(s, "dt") && (len(s) == 2 || !isIdentChar(s[2]))
}
