package codegen

import (
	"fmt"
	"strings"

	"github.com/annc/annc/ir"
)

// Dependency classes of an expression inside a loop, as bits: an expression
// with no bits is loop-invariant; one with only depPre depends on the
// presynaptic neuron alone (computable once per presynaptic neuron); one with
// only depPost on the postsynaptic neuron alone (once per row).
const (
	depPre   = 1
	depPost  = 2
	depLocal = 4
)

// deps classifies e in the context c.
func (c *exprPrinter) deps(e ir.Expr) int {
	switch x := e.(type) {
	case *ir.Const, *ir.ConstRef, *ir.GlobalOpRef:
		return 0
	case *ir.Special:
		switch x.Name {
		case "t", "dt":
			return 0
		case "t_pre":
			return depPre
		case "t_post":
			return depPost
		}
		return depLocal
	case *ir.VarRef:
		switch x.Side {
		case ir.Pre:
			if c.delayed != nil {
				return depLocal
			}
			if v := c.pj.pre.nt.byName[x.Name]; v != nil && v.Loc == ir.Global {
				return 0
			}
			return depPre
		case ir.PostSide:
			if v := c.pj.post.nt.byName[x.Name]; v != nil && v.Loc == ir.Global {
				return 0
			}
			return depPost
		}
		if x.Var == nil || c.written[x.Var] {
			return depLocal
		}
		if c.pj != nil && c.pj.compact && c.pj.byPre[x.Var] != "" {
			return depPre
		}
		switch x.Var.Loc {
		case ir.Global:
			return 0
		case ir.Post:
			return depPost
		}
		return depLocal
	case *ir.RandRef:
		if x.R.Loc == ir.Global {
			return 0
		}
		return depLocal
	case *ir.SumRef:
		switch {
		case c.pj == nil:
			return depLocal
		case x.Side == ir.Pre:
			return depPre
		case x.Side == ir.PostSide:
			return depPost
		}
		return depLocal
	case *ir.Unary:
		return c.deps(x.X)
	case *ir.Binary:
		return mergeDeps(c.deps(x.X), c.deps(x.Y))
	case *ir.Call:
		d := 0
		for _, a := range x.Args {
			d = mergeDeps(d, c.deps(a))
		}
		return d
	case *ir.UserCall:
		d := 0
		for _, a := range x.Args {
			d = mergeDeps(d, c.deps(a))
		}
		return d
	case *ir.Cond:
		return mergeDeps(mergeDeps(c.deps(x.C), c.deps(x.A)), c.deps(x.B))
	}
	return depLocal
}

func mergeDeps(a, b int) int {
	d := a | b
	if d&depPre != 0 && d&depPost != 0 {
		d |= depLocal
	}
	return d
}

// leaf reports whether e prints as a name or literal, so hoisting it gains nothing.
func leaf(e ir.Expr) bool {
	if _, ok := fold(e); ok {
		return true
	}
	switch e.(type) {
	case *ir.Const, *ir.VarRef, *ir.ConstRef, *ir.Special, *ir.Temp, *ir.Param,
		*ir.SumRef, *ir.GlobalOpRef, *ir.RandRef, *ir.TargetRef:
		return true
	}
	return false
}

// costly reports whether e calls a function (worth a per-neuron array).
func costly(e ir.Expr) bool {
	switch x := e.(type) {
	case *ir.Call, *ir.UserCall:
		return true
	case *ir.Binary:
		return x.Op == "pow" || x.Op == "/" || costly(x.X) || costly(x.Y)
	case *ir.Unary:
		return costly(x.X)
	case *ir.Cond:
		return costly(x.C) || costly(x.A) || costly(x.B)
	}
	return false
}

// hoistLoop makes c lift loop-invariant sub-expressions out of the loop
// (into c.outer) and, in per-synapse loops, per-row sub-expressions into the
// row scope and costly per-presynaptic-neuron ones into arrays of the
// projection filled once per call (c.preFill).
func (c *exprPrinter) hoistLoop() {
	c.hoist = func(e ir.Expr) (printedExpr, bool) {
		if leaf(e) {
			return printedExpr{}, false
		}
		d := c.deps(e)
		switch {
		case d == 0:
			return c.lift(e, c.outer, "h"), true
		case d == depPost && c.mode == mSynLocal && c.row != nil:
			return c.lift(e, c.row, "hp"), true
		case d == depPre && c.mode == mSynLocal && (c.preFill != nil || c.preInline) && costly(e):
			return c.preArray(e), true
		}
		return printedExpr{}, false
	}
}

// lift prints e without hoisting and binds it in scope s.
func (c *exprPrinter) lift(e ir.Expr, s *scope, prefix string) printedExpr {
	h := c.hoist
	c.hoist = nil
	p := c.expr(e)
	c.hoist = h
	key := "hoist." + p.s
	if n, ok := s.byKey[key]; ok {
		return atom(n, p.t)
	}
	c.nhoist++
	name := fmt.Sprintf("%s%d", prefix, c.nhoist)
	return atom(s.bind(key, name, p.s), p.t)
}

// preArray moves e into an array of the projection indexed by presynaptic rank.
func (c *exprPrinter) preArray(e ir.Expr) printedExpr {
	g := c.g
	if c.preInline {
		h := c.hoist
		c.hoist = nil
		p := c.expr(e)
		c.hoist = h
		if p.t == tBool {
			p = p.float()
		}
		c.usesPi = true
		return atom("("+p.s+")", tFloat)
	}
	pc := g.newCtx(mPreArray)
	pc.pj, pc.written = c.pj, c.written
	pc.outer = newScope()
	p := pc.expr(e)
	if p.t == tBool {
		p = p.float()
	}
	key := "prearr." + p.s
	if n, ok := c.outer.byKey[key]; ok {
		c.usesPi = true
		return atom(n+"[pi]", tFloat)
	}
	// The same expression printed again for the other storage of the
	// projection's variables (proj.compact) gets the same array.
	field, ok := c.pj.preArrOf[p.s]
	if !ok {
		field = fmt.Sprintf("preH%d", len(c.pj.preArrays))
		c.pj.preArrays = append(c.pj.preArrays, field)
		if c.pj.preArrOf == nil {
			c.pj.preArrOf = map[string]string{}
		}
		c.pj.preArrOf[p.s] = field
	}
	var b strings.Builder
	b.WriteString("{\n")
	pc.outer.write(&b)
	fmt.Fprintf(&b, "arr := pj.%s\nfor pi := lo; pi < hi; pi++ {\narr[pi] = %s\n}\n}\n", field, p.s)
	c.preFill.WriteString(b.String())
	c.preCost += exprCost(e)
	c.usesPi = true
	return atom(c.outer.bind(key, "ph_"+field, "pj."+field)+"[pi]", tFloat)
}
