package codegen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/lower"
)

// vtype is the Go-level type of a printed expression: the model's float type
// or bool.
type vtype int

const (
	tFloat vtype = iota
	tBool
)

// mode says in which loop an expression is printed, which decides how names
// resolve to Go storage.
type mode int

const (
	mNeuronGlobal mode = iota // per population, before the neuron loop
	mNeuronLocal              // per neuron, index i
	mSynGlobal                // per projection
	mSynPost                  // per postsynaptic neuron, index j
	mSynLocal                 // per synapse, index k (row-relative), pre rank pi, post rank j
	mPreArray                 // per presynaptic neuron, index pi (hoisted synapse sub-expressions)
	mFunc                     // body of a user function
)

// binding is a local variable declared before a loop (hoisted slice, scalar or
// loop-invariant sub-expression).
type binding struct{ name, init string }

// scope collects the bindings a body uses, in first-use order (which is also
// dependency order: a hoisted expression registers what it reads first).
type scope struct {
	binds []binding
	byKey map[string]string
}

func newScope() *scope { return &scope{byKey: map[string]string{}} }

// bind returns the local name for key, declaring it with init on first use.
func (s *scope) bind(key, name, init string) string {
	if n, ok := s.byKey[key]; ok {
		return n
	}
	s.byKey[key] = name
	s.binds = append(s.binds, binding{name, init})
	return name
}

func (s *scope) write(b *strings.Builder) {
	for _, x := range s.binds {
		fmt.Fprintf(b, "%s := %s\n", x.name, x.init)
	}
}

// exprPrinter prints the expressions and statements of one block of generated code.
type exprPrinter struct {
	g    *generator
	mode mode
	nt   *ntype // neuron type (neuron modes)
	pj   *proj  // projection (synapse modes)

	outer *scope // bindings before the loop (or before the block)
	row   *scope // synapse modes: bindings per postsynaptic row
	inner *scope // synapse modes: bindings per synapse (pi)

	written map[*ir.Var]bool // variables assigned in this block
	temps   map[string]vtype // temporaries declared so far in the block
	idx     string           // neuron index expression ("i")

	rowRel    bool                  // synapse variables are indexed by k relative to the row lo:hi
	usesPi    bool                  // the block reads the presynaptic rank pi
	usesJ     bool                  // the block reads the postsynaptic rank j
	delayed   map[string]string     // pre variables read from a delay ring: name -> Go slice
	slotTypes map[*lower.Slot]vtype // printed type of each slot bound
	preFill   *strings.Builder      // code computing per-presynaptic-neuron arrays [lo, hi)
	preCost   int                   // estimated work of preFill per presynaptic neuron
	// preInline: a loop over presynaptic ranks computes in place what a
	// per-synapse loop moves to per-presynaptic arrays, printed as their
	// fill prints it (the same operations, so the same bits).
	preInline bool
	wExpr     string    // how w reads, when not pj.W[k] (pre-major weight copies)
	tgt       string    // the target g_target stands for (default: the first)
	cache     *varCache // per-neuron variables kept in locals (neuron loops)
	// inlineRand draws these random variables where they are read (the
	// distributions of structural plasticity conditions).
	inlineRand map[*ir.RandomVar]string
}

func (g *generator) newCtx(m mode) *exprPrinter {
	return &exprPrinter{g: g, mode: m, outer: newScope(), temps: map[string]vtype{}, written: map[*ir.Var]bool{}, idx: "i"}
}

// floatLit prints a float64 as a Go float constant that keeps its exact value.
func (g *generator) floatLit(v float64) string {
	switch {
	case math.IsNaN(v):
		g.use("math")
		return g.conv("math.NaN()")
	case math.IsInf(v, 1):
		g.use("math")
		return g.conv("math.Inf(1)")
	case math.IsInf(v, -1):
		g.use("math")
		return g.conv("math.Inf(-1)")
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// conv converts a float64-valued Go expression to the model's float type.
func (g *generator) conv(s string) string {
	if g.f32 {
		return "float32(" + s + ")"
	}
	return s
}

// arg converts a model-float Go expression to float64 for a math call.
func (g *generator) arg(s string) string {
	if g.f32 {
		return "float64(" + s + ")"
	}
	return s
}

// Go operator precedence of binary operators.
func prec(op string) int {
	switch op {
	case "*", "/":
		return 5
	case "+", "-":
		return 4
	case "==", "!=", "<", "<=", ">", ">=":
		return 3
	case "&&":
		return 2
	case "||":
		return 1
	}
	return 6
}

// printedExpr is a printed expression with its type and precedence (6 = atom).
type printedExpr struct {
	s  string
	t  vtype
	pr int
}

func atom(s string, t vtype) printedExpr { return printedExpr{s, t, 6} }

func (p printedExpr) float() printedExpr {
	if p.t == tBool {
		return atom("b2f("+p.s+")", tFloat)
	}
	return p
}

func (p printedExpr) boolean() printedExpr {
	if p.t == tFloat {
		return printedExpr{paren(p, 4) + " != 0", tBool, 3}
	}
	return p
}

// paren parenthesises p when its precedence is below min.
func paren(p printedExpr, min int) string {
	if p.pr < min {
		return "(" + p.s + ")"
	}
	return p.s
}

// fold evaluates a constant arithmetic tree (lower.Fold).
func fold(e ir.Expr) (float64, bool) { return lower.Fold(e) }

// expr prints e.
func (c *exprPrinter) expr(e ir.Expr) printedExpr {
	if v, ok := fold(e); ok {
		s := c.g.floatLit(v)
		if strings.HasPrefix(s, "-") {
			return printedExpr{s, tFloat, 5}
		}
		return atom(s, tFloat)
	}
	g := c.g
	switch x := e.(type) {
	case *ir.Const:
		if x.Type == ir.Bool {
			if x.Value != 0 {
				return atom("true", tBool)
			}
			return atom("false", tBool)
		}
		return atom(g.floatLit(x.Value), tFloat)
	case *ir.VarRef:
		s, t := c.ref(x, false)
		return atom(s, t)
	case *ir.TargetRef:
		s, t := c.target(x)
		return atom(s, t)
	case *ir.ConstRef:
		f := g.constField(x.C)
		return atom(c.outer.bind("const."+f, "c_"+f, g.conv("n.Const."+f)), tFloat)
	case *ir.Special:
		return atom(c.special(x.Name), tFloat)
	case *ir.Temp:
		t, ok := c.temps[x.Name]
		if !ok {
			g.fail("temporary %q read before it is assigned", x.Name)
		}
		return atom("tmp_"+x.Name, t)
	case *ir.Param:
		return atom("a_"+x.Name, tFloat)
	case *ir.Unary:
		a := c.expr(x.X)
		if x.Op == "!" {
			a = a.boolean()
			return atom("!"+paren(a, 6), tBool)
		}
		a = a.float()
		return printedExpr{"-" + paren(a, 6), tFloat, 5}
	case *ir.Binary:
		return c.binary(x)
	case *ir.Call:
		return c.call(x)
	case *ir.UserCall:
		f := g.userFunc(x.F)
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = c.expr(a).float().s
		}
		return atom(f.goName+"("+strings.Join(args, ", ")+")", f.ret)
	case *ir.Cond:
		cond := c.expr(x.C).boolean()
		a, b := c.expr(x.A), c.expr(x.B)
		if a.t == tBool && b.t == tBool {
			return atom("iteB("+cond.s+", "+a.s+", "+b.s+")", tBool)
		}
		return atom("ite("+cond.s+", "+a.float().s+", "+b.float().s+")", tFloat)
	case *ir.SumRef:
		return atom(c.sum(x), tFloat)
	case *ir.GlobalOpRef:
		nt := c.nt
		if c.pj != nil && nt == nil {
			// mean(pre.x) / mean(post.x): a field of that population
			p, pfx := c.side(x.Side)
			f := ""
			for _, o := range p.nt.t.GlobalOps {
				if o.Op == x.Op.Op && o.Var.Name == x.Op.Var.Name {
					f = p.nt.gopField[o]
				}
			}
			if f == "" {
				g.fail("global operation %s is not computed by population %s", x.Op.Name, p.p.Name)
			}
			return atom(c.outer.bind(pfx+"gop."+f, pfx+"_"+f, "pj."+pfx+"."+f), tFloat)
		}
		f := nt.gopField[x.Op]
		return atom(c.outer.bind("gop."+f, "gop_"+f, "p."+f), tFloat)
	case *ir.RandRef:
		return atom(c.random(x.R), tFloat)
	case *lower.Use:
		if x.Slot == nil {
			return c.expr(x.Expr)
		}
		return c.slot(x.Slot)
	case *lower.Mul:
		a := c.expr(x.X).float()
		return printedExpr{paren(a, 5) + " * " + c.expr(x.By).s, tFloat, 5}
	}
	g.fail("unsupported expression %T", e)
	return atom("0", tFloat)
}

func (c *exprPrinter) binary(x *ir.Binary) printedExpr {
	g := c.g
	switch x.Op {
	case "pow":
		a, b := c.expr(x.X).float(), c.expr(x.Y).float()
		// Small integer powers are multiplications (pow2..pow4 inline);
		// math.Pow costs tens of nanoseconds.
		if k, ok := fold(x.Y); ok && (k == 2 || k == 3 || k == 4) {
			return atom(fmt.Sprintf("pow%d(%s)", int(k), a.s), tFloat)
		}
		g.use("math")
		return atom(g.conv("math.Pow("+g.arg(a.s)+", "+g.arg(b.s)+")"), tFloat)
	case "&&", "||":
		a, b := c.expr(x.X).boolean(), c.expr(x.Y).boolean()
		p := prec(x.Op)
		return printedExpr{paren(a, p) + " " + x.Op + " " + paren(b, p+1), tBool, p}
	case "==", "!=":
		a, b := c.expr(x.X), c.expr(x.Y)
		if a.t != b.t {
			a, b = a.float(), b.float()
		}
		return printedExpr{paren(a, 4) + " " + x.Op + " " + paren(b, 4), tBool, 3}
	case "<", "<=", ">", ">=":
		a, b := c.expr(x.X).float(), c.expr(x.Y).float()
		return printedExpr{paren(a, 4) + " " + x.Op + " " + paren(b, 4), tBool, 3}
	case "/":
		fallthrough
	case "+", "-", "*":
		a, b := c.expr(x.X).float(), c.expr(x.Y).float()
		p := prec(x.Op)
		return printedExpr{paren(a, p) + " " + x.Op + " " + paren(b, p+1), tFloat, p}
	}
	g.fail("unknown operator %q", x.Op)
	return atom("0", tFloat)
}

// call prints a built-in function through its row in lang.Builtins: a
// function of package math (float64 arguments) or a helper of the generated
// package (the model's float type).
func (c *exprPrinter) call(x *ir.Call) printedExpr {
	g := c.g
	args := make([]string, len(x.Args))
	for i, a := range x.Args {
		args[i] = c.expr(a).float().s
	}
	bi, ok := lang.LookupBuiltin(x.Fun)
	if !ok {
		g.fail("unknown function %q", x.Fun)
		return atom("0", tFloat)
	}
	typ := tFloat
	if bi.Bool {
		typ = tBool
	}
	if g.f32 && bi.Runtime32 != "" {
		return atom("annrt."+bi.Runtime32+"("+strings.Join(args, ", ")+")", tFloat)
	}
	if bi.Math != "" || bi.Runtime != "" {
		for i := range args {
			args[i] = g.arg(args[i])
		}
		call := "annrt." + bi.Runtime + "(" + strings.Join(args, ", ") + ")"
		if bi.Math != "" {
			g.use("math")
			call = "math." + bi.Math + "(" + strings.Join(args, ", ") + ")"
		}
		if bi.Bool {
			return atom(call, tBool)
		}
		return atom(g.conv(call), tFloat)
	}
	return atom(bi.Helper+"("+strings.Join(args, ", ")+")", typ)
}

// special prints t, dt, t_last, t_pre, t_post or rank.
func (c *exprPrinter) special(name string) string {
	g := c.g
	switch name {
	case "dt":
		return c.outer.bind("dt", "dt", g.conv("n.Dt"))
	case "t":
		return c.outer.bind("t", "t", g.conv("float64(n.Core.Step) * n.Dt"))
	case "t_last":
		if c.nt == nil || !c.nt.t.Spiking {
			g.fail("t_last outside a spiking neuron")
		}
		return g.conv(c.outer.bind("slice.TLast", "s_TLast", "p.TLast[:N]") + "[" + c.idx + "]")
	case "rank":
		switch c.mode {
		case mNeuronLocal:
			return g.conv("float64(" + c.idx + ")")
		case mSynLocal, mSynPost:
			return g.conv("float64(j)")
		}
	case "t_pre":
		return c.prePost(ir.Pre, "TLast", "", true)
	case "t_post":
		return c.prePost(ir.PostSide, "TLast", "", true)
	}
	g.fail("special name %q is not available here", name)
	return "0"
}
