package codegen

import (
	"fmt"
	"strings"

	"github.com/annc/annc/ir"
)

// goType is the Go type of a variable's single value.
func (g *generator) goType(v *ir.Var) string {
	if v.Type == ir.Bool {
		return "bool"
	}
	return g.ft
}

// varType is the printed type of a variable's value.
func varType(v *ir.Var) vtype {
	if v.Type == ir.Bool {
		return tBool
	}
	return tFloat
}

// ref prints a read (or, with lhs, a write) of a variable.
func (c *exprPrinter) ref(x *ir.VarRef, lhs bool) (string, vtype) {
	g := c.g
	switch c.mode {
	case mNeuronGlobal, mNeuronLocal:
		if x.Side != ir.Self {
			g.fail("pre/post reference %q in a neuron", x.Name)
		}
		return c.neuronVar(c.nt, x.Var, lhs)
	case mFunc:
		g.fail("variable %q inside a function body", x.Name)
	}
	// Synapse modes.
	switch x.Side {
	case ir.Pre:
		return c.prePost(ir.Pre, "", x.Name, false), c.prePostType(ir.Pre, x.Name)
	case ir.PostSide:
		return c.prePost(ir.PostSide, "", x.Name, false), c.prePostType(ir.PostSide, x.Name)
	}
	v := x.Var
	if v == nil || c.pj.fld[v] == "" {
		if x.Name == "w" || (v != nil && v.Name == "w") {
			return c.synLocal("W", lhs), tFloat
		}
		g.fail("unknown synapse variable %q", x.Name)
	}
	f := c.pj.fld[v]
	switch v.Loc {
	case ir.Global:
		if lhs || c.written[v] {
			return "pj." + f, varType(v)
		}
		return c.outer.bind("g."+f, "p_"+f, "pj."+f), varType(v)
	case ir.Post:
		if c.mode != mSynPost && c.mode != mSynLocal {
			g.fail("postsynaptic variable %q outside a per-neuron loop", v.Name)
		}
		c.usesJ = true
		return c.outer.bind("s."+f, "s_"+f, "pj."+f) + "[j]", varType(v)
	}
	if c.mode != mSynLocal {
		g.fail("synaptic variable %q outside a per-synapse loop", v.Name)
	}
	if a := c.pj.byPre[v]; a != "" && c.pj.compact {
		c.usesPi = true
		return c.outer.bind("bp."+a, "bp_"+f, "pj."+a) + "[pi]", varType(v)
	}
	return c.synLocal(f, lhs), varType(v)
}

// synLocal prints the per-synapse slice element of field f.
func (c *exprPrinter) synLocal(f string, lhs bool) string {
	if f == "W" && c.wExpr != "" {
		return c.wExpr
	}
	if c.rowRel {
		return c.row.bind("r."+f, "r_"+f, "pj."+f+"[lo:hi]") + "[k]"
	}
	return c.outer.bind("s."+f, "s_"+f, "pj."+f) + "[k]"
}

// neuronVar prints a variable of a neuron type in neuron code.
func (c *exprPrinter) neuronVar(nt *ntype, v *ir.Var, lhs bool) (string, vtype) {
	g := c.g
	f := nt.field[v]
	if f == "" {
		g.fail("variable %q does not belong to neuron type %s", v.Name, nt.t.Name)
	}
	if v.Loc == ir.Global {
		if lhs || c.written[v] || c.mode == mNeuronGlobal {
			return "p." + f, varType(v)
		}
		return c.outer.bind("g."+f, "p_"+f, "p."+f), varType(v)
	}
	if c.mode != mNeuronLocal {
		g.fail("per-neuron variable %q used in population-wide code", v.Name)
	}
	elem := c.outer.bind("s."+f, "s_"+f, "p."+f+"[:N]") + "[" + c.idx + "]"
	if c.cache == nil {
		return elem, varType(v)
	}
	// The loop body works on local copies, loaded once at the top of the
	// iteration and stored back at the end, so that stores to one slice do
	// not force reloads of the others.
	name := "l_" + f
	if !c.cache.has[name] {
		c.cache.has[name] = true
		c.cache.loads = append(c.cache.loads, name+" := "+elem)
	}
	if lhs && !c.cache.stored[name] {
		c.cache.stored[name] = true
		c.cache.stores = append(c.cache.stores, elem+" = "+name)
	}
	return name, varType(v)
}

// varCache collects the per-neuron variables a loop body keeps in locals.
type varCache struct {
	has, stored   map[string]bool
	loads, stores []string
}

func newVarCache() *varCache {
	return &varCache{has: map[string]bool{}, stored: map[string]bool{}}
}

// side returns the population on one side of the projection.
func (c *exprPrinter) side(s ir.Side) (*pop, string) {
	if s == ir.Pre {
		return c.pj.pre, "pre"
	}
	return c.pj.post, "post"
}

func (c *exprPrinter) prePostType(s ir.Side, name string) vtype {
	p, _ := c.side(s)
	if v := p.nt.byName[name]; v != nil {
		return varType(v)
	}
	return tFloat
}

// prePost prints pre.x / post.x (name), or a fixed field of the pre/post
// population (field, e.g. TLast). It reads the rank pi (pre) or j (post).
func (c *exprPrinter) prePost(s ir.Side, field, name string, float64Field bool) string {
	g := c.g
	if c.pj == nil {
		g.fail("pre/post reference outside a synapse")
	}
	p, pfx := c.side(s)
	if field == "" {
		v := p.nt.byName[name]
		if v == nil {
			if strings.HasPrefix(name, "sum(") {
				field = p.nt.sumField[strings.TrimSuffix(strings.TrimPrefix(name, "sum("), ")")]
			}
			if field == "" {
				g.fail("population %s (type %s) has no variable %q", p.p.Name, p.nt.t.Name, name)
			}
		} else {
			field = p.nt.field[v]
			if v.Loc == ir.Global {
				// One value, read without a rank; through a delay, the
				// one value its ring recorded d steps back.
				if d, ok := c.delayed[name]; ok && s == ir.Pre {
					return g.conv(d + "[0]")
				}
				return c.outer.bind(pfx+"g."+field, pfx+"_"+field, "pj."+pfx+"."+field)
			}
		}
	}
	idx := "j"
	if s == ir.Pre {
		idx = "pi"
		c.usesPi = true
	} else {
		c.usesJ = true
	}
	var arr string
	if d, ok := c.delayed[name]; ok && s == ir.Pre {
		arr = d
		float64Field = true // rings hold float64
	} else {
		arr = c.outer.bind(pfx+"."+field, pfx+"_"+field, "pj."+pfx+"."+field)
	}
	s2 := arr + "[" + idx + "]"
	if float64Field {
		return g.conv(s2)
	}
	return s2
}

// target prints g_target (or a post variable written from pre_spike code).
func (c *exprPrinter) target(x *ir.TargetRef) (string, vtype) {
	g := c.g
	if c.pj == nil {
		g.fail("g_target outside a synapse")
	}
	name := x.Name
	if name == "" {
		tgt := c.tgt
		if tgt == "" && len(c.pj.targets) > 0 {
			tgt = c.pj.targets[0]
		}
		name = "g_" + tgt
	}
	v := c.pj.post.nt.byName[name]
	if v == nil {
		g.fail("projection %s: postsynaptic type %s has no variable %q", c.pj.p.Name, c.pj.post.nt.t.Name, name)
	}
	f := c.pj.post.nt.field[v]
	c.usesJ = true
	if v.Loc == ir.Global {
		return "pj.post." + f, varType(v)
	}
	return c.outer.bind("post."+f, "post_"+f, "pj.post."+f) + "[j]", varType(v)
}

// sum prints sum(target) of the neuron itself, or pre.sum / post.sum.
func (c *exprPrinter) sum(x *ir.SumRef) string {
	g := c.g
	var nt *ntype
	var idx, pfx, base string
	switch {
	case c.mode == mNeuronLocal:
		nt, idx, base = c.nt, c.idx, "p."
	case c.pj != nil && x.Side == ir.Pre:
		nt, idx, pfx, base = c.pj.pre.nt, "pi", "pre_", "pj.pre."
		c.usesPi = true
	case c.pj != nil && x.Side == ir.PostSide:
		nt, idx, pfx, base = c.pj.post.nt, "j", "post_", "pj.post."
		c.usesJ = true
	default:
		g.fail("sum(%s) is not available here", x.Target)
	}
	targets := []string{x.Target}
	if x.Target == "" {
		targets = nt.targets
	}
	if len(targets) == 0 {
		return "0.0"
	}
	parts := make([]string, len(targets))
	for i, t := range targets {
		f := nt.sumField[t]
		if f == "" {
			g.fail("neuron type %s receives no projection with target %q", nt.t.Name, t)
		}
		s := base + f
		if base == "p." {
			s += "[:N]"
		}
		parts[i] = c.outer.bind(pfx+"sum."+f, pfx+"s_"+f, s) + "[" + idx + "]"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " + ") + ")"
}

// random prints the value drawn this step for a random variable.
func (c *exprPrinter) random(r *ir.RandomVar) string {
	g := c.g
	if d, ok := c.inlineRand[r]; ok {
		return d
	}
	if c.nt != nil && c.pj == nil {
		f := c.nt.randField[r]
		if r.Loc == ir.Global {
			return c.outer.bind("rnd."+f, "rg_"+f, "p."+f)
		}
		return c.outer.bind("rnd."+f, "rs_"+f, "p."+f+"[:N]") + "[" + c.idx + "]"
	}
	if c.pj != nil {
		f := c.pj.randField[r]
		if r.Loc == ir.Global {
			return c.outer.bind("rnd."+f, "rg_"+f, "pj."+f)
		}
		return c.synLocal(f, false)
	}
	g.fail("random variable %s is not available here", r.Name)
	return ""
}

// stmts prints assignments; keep filters them (nil = all).
func (c *exprPrinter) stmts(b *strings.Builder, ss []ir.Stmt, keep func(*ir.Assign) bool) {
	for _, s := range ss {
		a, ok := s.(*ir.Assign)
		if !ok {
			c.g.fail("unsupported statement %T", s)
		}
		if keep != nil && !keep(a) {
			continue
		}
		c.assign(b, a)
	}
}

func (c *exprPrinter) assign(b *strings.Builder, a *ir.Assign) {
	g := c.g
	switch l := a.LHS.(type) {
	case *ir.Temp:
		val := c.expr(a.Value)
		if t, ok := c.temps[l.Name]; ok {
			if t == tBool {
				val = val.boolean()
			} else {
				val = val.float()
			}
			fmt.Fprintf(b, "tmp_%s = %s\n", l.Name, val.s)
			return
		}
		c.temps[l.Name] = val.t
		fmt.Fprintf(b, "tmp_%s := %s\n", l.Name, val.s)
	case *ir.VarRef:
		val := c.expr(a.Value)
		lhs, t := c.ref(l, true)
		fmt.Fprintf(b, "%s = %s\n", lhs, c.convTo(val, t, l.Var))
	case *ir.TargetRef:
		val := c.expr(a.Value)
		lhs, t := c.target(l)
		fmt.Fprintf(b, "%s = %s\n", lhs, c.convTo(val, t, nil))
	default:
		g.fail("cannot assign to %T", a.LHS)
	}
}

// convTo converts a value to the type of the variable it is stored in; int
// variables keep the integer part, as a C++ int would.
func (c *exprPrinter) convTo(val printedExpr, t vtype, v *ir.Var) string {
	if t == tBool {
		return val.boolean().s
	}
	val = val.float()
	if v != nil && v.Type == ir.Int {
		c.g.use("math")
		return c.g.conv("math.Trunc(" + c.g.arg(val.s) + ")")
	}
	return val.s
}
