// Package lower turns the analysed model (package ir) into the loops of a
// step as plain data, before any printing: for every neuron type and
// projection, each loop (the neuron update, the transmission, the synapse
// equations, post_spike) with its statements rewritten over named slots.
//
// A slot is a sub-expression computed outside the innermost loop:
//
//   - Invariant (h3 = 1 / tau): the same for every element, computed once
//     before the loop;
//   - PerRow (hp4 = post.x * 2): depends only on the postsynaptic neuron,
//     computed once per row of a post-major synapse loop;
//   - PerPre (preH0 = exp(pre.v)): a costly expression of the presynaptic
//     neuron alone, computed once per presynaptic neuron into an array of
//     the projection (filled before the loop).
//
// Divisions by an invariant (or per-presynaptic) quantity become
// multiplications by a slot holding its reciprocal (Mul): several times
// faster, and possibly one unit in the last place away from the division.
//
// The Go printer (package codegen) and the AVX2 printer (codegen's vector
// kernels) both print these loops, so they compute the same operations on
// the same operands. Dump prints them readably (golden tests in testdata).
package lower

import (
	"math"

	"github.com/annc/annc/ir"
)

// Place says where a slot is computed.
type Place int

const (
	Invariant Place = iota // once before the loop
	PerRow                 // once per postsynaptic row
	PerPre                 // once per presynaptic neuron, into an array
)

// Slot is a named sub-expression computed outside the innermost loop.
type Slot struct {
	Name  string
	Place Place
	Value ir.Expr // an expression of the IR (no slots inside)
}

// Use is an operand of a lowered expression that the loop does not compute
// per element: a slot (Slot set), or a loop-invariant leaf read in place (a
// parameter, a constant, dt: Slot nil). The embedded expression is the
// sub-expression of the IR it stands for (which makes Use an ir.Expr).
type Use struct {
	ir.Expr
	Slot *Slot
}

// Mul is a division rewritten as a multiplication by a slot holding the
// reciprocal of the divisor: X * By (By.Slot.Value = 1 / divisor, or its
// negation when the numerator was negated). The embedded expression is the
// division of the IR.
type Mul struct {
	ir.Expr
	X  ir.Expr
	By *Use
}

// IsInvariant reports whether a lowered expression is the same for every
// element of its loop.
func IsInvariant(e ir.Expr) bool {
	u, ok := e.(*Use)
	return ok && (u.Slot == nil || u.Slot.Place == Invariant)
}

// Dependency classes of an expression inside a loop, as bits: an expression
// with no bits is loop-invariant; one with only depPre depends on the
// presynaptic neuron alone; one with only depPost on the postsynaptic neuron
// alone.
const (
	depPre   = 1
	depPost  = 2
	depLocal = 4
)

// config describes the loop being lowered.
type config struct {
	synapse   bool             // a synapse loop (pre and post sides exist)
	pre, post *ir.NeuronType   // synapse loops: the populations' types
	delayed   bool             // presynaptic variables read through delay rings
	row       bool             // per-row slots available (post-major loops)
	preArrays bool             // per-presynaptic arrays available
	preInline bool             // a loop over presynaptic ranks: per-presynaptic slots are computed in place (unnamed)
	perPre    map[*ir.Var]bool // synapse variables stored per presynaptic neuron
	written   map[*ir.Var]bool // variables the loop assigns
}

// lowerer lowers the statements of one loop; slots are numbered in the
// order the loop reads them.
type lowerer struct {
	cfg   config
	slots []*Slot
	byKey map[string]*Slot
	n     int       // h/hp slots handed out
	pre   *preNames // per-presynaptic arrays of the projection
}

// preNames numbers the per-presynaptic arrays of one projection; an
// expression lowered again (for the other storage of its variables) keeps
// its array.
type preNames struct {
	n     int
	byKey map[string]string
}

func (p *preNames) name(key string) string {
	if n, ok := p.byKey[key]; ok {
		return n
	}
	if p.byKey == nil {
		p.byKey = map[string]string{}
	}
	n := "preH" + itoa(p.n)
	p.n++
	p.byKey[key] = n
	return n
}

func newLowerer(cfg config, pre *preNames) *lowerer {
	return &lowerer{cfg: cfg, byKey: map[string]*Slot{}, pre: pre}
}

func globalVar(t *ir.NeuronType, name string) bool {
	if t == nil {
		return false
	}
	for _, v := range t.Vars {
		if v.Name == name {
			return v.Loc == ir.Global
		}
	}
	return false
}

// deps classifies e in the loop.
func (l *lowerer) deps(e ir.Expr) int {
	c := l.cfg
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
			if c.delayed {
				return depLocal
			}
			if globalVar(c.pre, x.Name) {
				return 0
			}
			return depPre
		case ir.PostSide:
			if globalVar(c.post, x.Name) {
				return 0
			}
			return depPost
		}
		if x.Var == nil || c.written[x.Var] {
			return depLocal
		}
		if c.perPre[x.Var] {
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
		case !c.synapse:
			return depLocal
		case x.Side == ir.Pre:
			return depPre
		case x.Side == ir.PostSide:
			return depPost
		}
		return depLocal
	case *ir.Unary:
		return l.deps(x.X)
	case *ir.Binary:
		return mergeDeps(l.deps(x.X), l.deps(x.Y))
	case *ir.Call:
		d := 0
		for _, a := range x.Args {
			d = mergeDeps(d, l.deps(a))
		}
		return d
	case *ir.UserCall:
		d := 0
		for _, a := range x.Args {
			d = mergeDeps(d, l.deps(a))
		}
		return d
	case *ir.Cond:
		return mergeDeps(mergeDeps(l.deps(x.C), l.deps(x.A)), l.deps(x.B))
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

// Leaf reports whether e reads as a name or a literal, so that a slot for
// it would gain nothing.
func Leaf(e ir.Expr) bool {
	if _, ok := Fold(e); ok {
		return true
	}
	switch e.(type) {
	case *ir.Const, *ir.VarRef, *ir.ConstRef, *ir.Special, *ir.Temp, *ir.Param,
		*ir.SumRef, *ir.GlobalOpRef, *ir.RandRef, *ir.TargetRef, *Use:
		return true
	}
	return false
}

// costly reports whether e calls a function or divides (worth an array per
// presynaptic neuron).
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

// Fold evaluates a constant arithmetic tree with float64 semantics, so that
// constant sub-expressions round exactly as they would at run time (Go would
// otherwise fold them with arbitrary precision). It sees through operands
// read in place.
func Fold(e ir.Expr) (float64, bool) {
	switch x := e.(type) {
	case *Use:
		if x.Slot == nil {
			return Fold(x.Expr)
		}
	case *ir.Const:
		if x.Type == ir.Bool {
			return 0, false
		}
		return x.Value, true
	case *ir.Unary:
		if x.Op != "-" {
			return 0, false
		}
		v, ok := Fold(x.X)
		return -v, ok
	case *ir.Binary:
		a, ok1 := Fold(x.X)
		b, ok2 := Fold(x.Y)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch x.Op {
		case "+":
			return a + b, true
		case "-":
			return a - b, true
		case "*":
			return a * b, true
		case "/":
			return a / b, true
		case "pow":
			return math.Pow(a, b), true
		}
	}
	return 0, false
}

// expr lowers e: maximal sub-expressions the loop need not compute per
// element become slots (or operands read in place), divisions by them
// multiplications by reciprocals. The traversal order (operands left to
// right, the numerator before the reciprocal) numbers the slots.
func (l *lowerer) expr(e ir.Expr) ir.Expr {
	if e == nil {
		return nil
	}
	c := l.cfg
	if !Leaf(e) {
		switch d := l.deps(e); {
		case d == 0:
			return l.use(e, Invariant)
		case d == depPost && c.row:
			return l.use(e, PerRow)
		case d == depPre && (c.preArrays || c.preInline) && costly(e):
			return l.use(e, PerPre)
		}
	} else if l.deps(e) == 0 {
		return &Use{Expr: e}
	}
	switch x := e.(type) {
	case *ir.Unary:
		return &ir.Unary{Op: x.Op, X: l.expr(x.X)}
	case *ir.Binary:
		if x.Op == "/" {
			if l.deps(x.Y) == 0 && !literal(x.Y) && l.deps(x.X) != 0 {
				num, recip := reciprocal(x)
				a := l.expr(num)
				return &Mul{Expr: x, X: a, By: l.use(recip, Invariant)}
			}
			if (c.preArrays || c.preInline) && l.deps(x.Y) == depPre && costly(x.Y) && l.deps(x.X) != depPre {
				a := l.expr(x.X)
				return &Mul{Expr: x, X: a, By: l.use(&ir.Binary{Op: "/", X: &ir.Const{Value: 1}, Y: x.Y}, PerPre)}
			}
		}
		a := l.expr(x.X)
		return &ir.Binary{Op: x.Op, X: a, Y: l.expr(x.Y)}
	case *ir.Call:
		return &ir.Call{Fun: x.Fun, Args: l.exprs(x.Args)}
	case *ir.UserCall:
		return &ir.UserCall{F: x.F, Args: l.exprs(x.Args)}
	case *ir.Cond:
		cc := l.expr(x.C)
		a := l.expr(x.A)
		return &ir.Cond{C: cc, A: a, B: l.expr(x.B)}
	}
	return e
}

func (l *lowerer) exprs(list []ir.Expr) []ir.Expr {
	out := make([]ir.Expr, len(list))
	for i, a := range list {
		out[i] = l.expr(a)
	}
	return out
}

// literal reports whether e is a number (possibly a folded constant
// expression), which is divided exactly as written.
func literal(e ir.Expr) bool {
	_, ok := Fold(e)
	return ok
}

// reciprocal splits x = a / b (b invariant) into the factors of a * (1/b).
// A negated numerator moves its sign to the invariant factor: (-a) * r and
// a * (-r) round identically, and the negation is then computed once.
func reciprocal(x *ir.Binary) (num, recip ir.Expr) {
	num, recip = x.X, &ir.Binary{Op: "/", X: &ir.Const{Value: 1}, Y: x.Y}
	if u, ok := num.(*ir.Unary); ok && u.Op == "-" {
		num, recip = u.X, &ir.Unary{Op: "-", X: recip}
	}
	return num, recip
}

// use returns the slot of e at place p, made on first use.
func (l *lowerer) use(e ir.Expr, p Place) *Use {
	key := string(rune('0'+p)) + Key(e)
	s := l.byKey[key]
	if s == nil {
		s = &Slot{Place: p, Value: e}
		switch {
		case p == PerPre && l.cfg.preInline:
			// computed in place: no name
		case p == PerPre:
			s.Name = l.pre.name(Key(e))
		case p == PerRow:
			l.n++
			s.Name = "hp" + itoa(l.n)
		default:
			l.n++
			s.Name = "h" + itoa(l.n)
		}
		l.byKey[key] = s
		l.slots = append(l.slots, s)
	}
	return &Use{Expr: e, Slot: s}
}

// stmts lowers assignments (the left-hand sides stay).
func (l *lowerer) stmts(ss []ir.Stmt, keep func(*ir.Assign) bool) []ir.Stmt {
	var out []ir.Stmt
	for _, s := range ss {
		a, ok := s.(*ir.Assign)
		if !ok {
			out = append(out, s)
			continue
		}
		if keep != nil && !keep(a) {
			continue
		}
		out = append(out, &ir.Assign{Pos: a.Pos, LHS: a.LHS, Value: l.expr(a.Value), UnlessRefractory: a.UnlessRefractory})
	}
	return out
}
