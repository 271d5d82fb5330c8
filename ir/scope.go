package ir

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/parser"
)

// distArgs gives the accepted argument counts of each distribution.
var distArgs = map[string][2]int{
	"Uniform":         {2, 2},
	"Normal":          {2, 4},
	"LogNormal":       {2, 4},
	"Exponential":     {1, 3},
	"Gamma":           {2, 4},
	"DiscreteUniform": {2, 2},
	"Binomial":        {2, 2},
}

// distParams names the arguments of each distribution, in order, as
// ANNarchy's classes name them (for keyword arguments: Normal(mu=0.0,
// sigma=1.0, max=2.0)).
var distParams = map[string][]string{
	"Uniform":         {"min", "max"},
	"DiscreteUniform": {"min", "max"},
	"Normal":          {"mu", "sigma", "min", "max"},
	"LogNormal":       {"mu", "sigma", "min", "max"},
	"Exponential":     {"Lambda", "min", "max"},
	"Gamma":           {"alpha", "beta", "min", "max"},
	"Binomial":        {"n", "p"},
}

// distCallArgs puts the arguments of a distribution call in the order of
// distParams: positional ones first, then keyword ones by name. A bound
// (min, max) left out before a given one is nil in the result; every other
// missing argument, an unknown or repeated name and a positional argument
// after a keyword one are errors.
func (b *builder) distCallArgs(n *parser.Call) ([]parser.Expr, bool) {
	r := distArgs[n.Fun]
	if n.Keys == nil {
		if len(n.Args) < r[0] || len(n.Args) > r[1] {
			b.errorf(n.Pos, "%s takes %s, got %d", n.Fun, argCount(r), len(n.Args))
			return nil, false
		}
		return n.Args, true
	}
	names := distParams[n.Fun]
	out := make([]parser.Expr, 0, len(names))
	ok, keyword := true, false
	for i, a := range n.Args {
		key := n.Keys[i]
		pos := n.Pos
		if i < len(n.KeyPos) {
			pos = n.KeyPos[i]
		}
		if key == "" {
			if keyword {
				b.errorf(a.Position(), "%s: a positional argument follows a keyword argument", n.Fun)
				ok = false
				continue
			}
			if i >= len(names) {
				b.errorf(a.Position(), "%s takes %s, got %d", n.Fun, argCount(r), len(n.Args))
				return nil, false
			}
			out = append(out, a)
			continue
		}
		keyword = true
		k := slices.Index(names, key)
		if k < 0 {
			b.errorf(pos, "%s has no argument %q (its arguments: %s)%s", n.Fun, key, strings.Join(names, ", "), didYouMean(key, names))
			ok = false
			continue
		}
		if k < len(out) && out[k] != nil {
			b.errorf(pos, "%s: argument %s given twice", n.Fun, key)
			ok = false
			continue
		}
		for len(out) <= k {
			out = append(out, nil)
		}
		out[k] = a
	}
	if !ok {
		return nil, false
	}
	for k, a := range out {
		if a == nil && k < r[0] {
			b.errorf(n.Pos, "%s: missing argument %s", n.Fun, names[k])
			ok = false
		}
	}
	if len(out) < r[0] {
		b.errorf(n.Pos, "%s: missing argument %s", n.Fun, names[len(out)])
		ok = false
	}
	return out, ok
}

var globalOpNames = map[string]bool{"mean": true, "max": true, "min": true, "norm1": true, "norm2": true}

// reserved names cannot be declared as parameters, variables or constants.
var reserved = map[string]bool{
	"t": true, "dt": true, "pi": true, "e": true, "True": true, "False": true,
	"t_last": true, "t_pre": true, "t_post": true, "pre": true, "post": true,
	"sum": true, "spike": true, "g_target": true, "ite": true,
}

// synReserved names cannot be declared in a synapse type: they are paths of
// every projection (proj.delays, its delays), beside its variables' paths.
var synReserved = map[string]string{
	"delays": "the path of a projection's delays",
}

// sideRef is a pre.x / post.x / pre.sum(x) / mean(post.x) use in a synapse
// type, checked against every projection that uses the type.
type sideRef struct {
	pos    diag.Pos
	side   Side
	name   string
	isSum  bool
	global *GlobalOp // mean(pre.x) etc.
}

// scope resolves names of one neuron type, synapse type, function body or
// constant expression, and converts parser expressions into IR.
type scope struct {
	b        *builder
	typeName string
	isSyn    bool
	spiking  bool
	vars     map[string]*Var
	varList  *[]*Var
	// refused are the names whose declaration was refused (reserved,
	// reported): uses of them are not reported again as unknown.
	refused  map[string]bool
	funcs    map[string]*Function // type-local functions
	fparams  map[string]bool      // inside a function body: its parameters
	inFunc   bool
	fname    string           // inside a function body: the function's name
	later    []parser.FuncDef // inside a function body: the functions defined after it
	constant bool             // only numbers, constants and parameters (parameter values, init)

	// per-statement context
	loc        Locality // locality of the code being converted
	what       string   // description of the code for messages
	deriv      string   // ODE target while converting an ODE line
	noRandom   bool
	noGlobalOp bool
	noSum      bool
	noSynapse  bool // a creating condition: the synapse does not exist yet

	randoms   *[]*RandomVar
	globalOps *[]*GlobalOp
	sideRefs  *[]sideRef
	targets   map[string]bool
	autoG     bool // spiking neuron: an unknown g_x declares a conductance
}

func (s *scope) errorf(pos diag.Pos, format string, args ...any) {
	s.b.diags.Errorf(pos, format, args...)
}

func (s *scope) bad() (Expr, Type) { return num(0), Float }

// names lists everything an identifier could resolve to here, for suggestions.
func (s *scope) names() []string {
	var out []string
	for n := range s.fparams {
		out = append(out, n)
	}
	if !s.inFunc {
		for n := range s.vars {
			out = append(out, n)
		}
		out = append(out, "t", "dt")
		if s.isSyn {
			out = append(out, "t_pre", "t_post")
		} else if s.spiking {
			out = append(out, "t_last")
		}
	}
	for _, c := range s.b.out.Constants {
		out = append(out, c.Name)
	}
	out = append(out, "pi", "e")
	sort.Strings(out)
	return out
}

func (s *scope) funcNames() []string {
	var out []string
	for _, bi := range lang.Builtins {
		out = append(out, bi.Name)
		out = append(out, bi.Aliases...)
	}
	for n := range distArgs {
		out = append(out, n)
	}
	for n := range s.funcs {
		out = append(out, n)
	}
	for n := range s.b.funcs {
		out = append(out, n)
	}
	out = append(out, "ite", "mean", "norm1", "norm2", "sum")
	sort.Strings(out)
	return out
}

// declare adds a variable to the type, reporting duplicates.
func (s *scope) declare(v *Var) bool {
	if old, ok := s.vars[v.Name]; ok {
		s.errorf(v.Pos, "%q is already declared at %s", v.Name, old.Pos)
		return false
	}
	if reserved[v.Name] {
		s.errorf(v.Pos, "%q is a reserved name and cannot be declared", v.Name)
		s.refused[v.Name] = true
		return false
	}
	if why := synReserved[v.Name]; s.isSyn && why != "" {
		s.errorf(v.Pos, "%q is a reserved name in a synapse (%s) and cannot be declared", v.Name, why)
		s.refused[v.Name] = true
		return false
	}
	s.vars[v.Name] = v
	*s.varList = append(*s.varList, v)
	return true
}

// canRead reports (as an error) when code of locality s.loc reads a
// variable of locality l.
func (s *scope) checkRead(pos diag.Pos, name string, l Locality) {
	if s.constant || s.inFunc {
		return
	}
	if s.isSyn {
		switch {
		case s.noSynapse && l == Local:
			s.errorf(pos, "%s cannot read per-synapse %q: the synapse does not exist yet (only pre., post. and projection-wide values)", s.what, name)
		case s.loc == Global && l != Global:
			s.errorf(pos, "%s is per projection and cannot read %s variable %q", s.what, synLocName(l), name)
		case s.loc == Post && l == Local:
			s.errorf(pos, "%s is per postsynaptic neuron and cannot read per-synapse variable %q", s.what, name)
		}
		return
	}
	if s.loc == Global && l == Local {
		s.errorf(pos, "%s is per population and cannot read per-neuron variable %q", s.what, name)
	}
}

func synLocName(l Locality) string {
	switch l {
	case Local:
		return "per-synapse"
	case Post:
		return "postsynaptic"
	}
	return "per-projection"
}

// expr converts a parser expression.
func (s *scope) expr(e parser.Expr) (Expr, Type) {
	switch n := e.(type) {
	case nil:
		return s.bad() // a syntax error already reported by the parser
	case *parser.Num:
		return num(n.Value), Float
	case *parser.Bool:
		v := 0.0
		if n.Value {
			v = 1
		}
		return &Const{Value: v, Type: Bool}, Bool
	case *parser.Ident:
		return s.ident(n.Pos, n.Name)
	case *parser.Attr:
		return s.attr(n)
	case *parser.Unary:
		x, t := s.expr(n.X)
		s.checkFold(n, n.X)
		switch n.Op {
		case "not":
			if t != Bool {
				s.errorf(n.Pos, "operand of not must be a boolean expression")
			}
			return &Unary{Op: "!", X: x}, Bool
		case "+":
			return s.numeric(x, t), numType(t)
		}
		return &Unary{Op: "-", X: s.numeric(x, t)}, numType(t)
	case *parser.Binary:
		x, t := s.binary(n)
		s.checkFold(n, n.X, n.Y)
		return x, t
	case *parser.Call:
		x, t := s.call(n)
		s.checkFold(n, n.Args...)
		return x, t
	case *parser.Cond:
		return s.cond(n.Pos, n.C, n.A, n.B)
	case *parser.Deriv:
		if s.deriv == n.Name {
			return &derivSym{name: n.Name}, Float
		}
		if s.deriv != "" {
			s.errorf(n.Pos, "the equation of %q cannot contain d%s/dt", s.deriv, n.Name)
		} else {
			s.errorf(n.Pos, "d%s/dt is only allowed in a differential equation", n.Name)
		}
		return s.bad()
	}
	s.errorf(diag.Pos{}, "internal error: unexpected expression %T", e)
	return s.bad()
}

func numType(t Type) Type {
	if t == Bool {
		return Float
	}
	return t
}

// numeric turns a boolean operand of arithmetic into 0/1.
func (s *scope) numeric(x Expr, t Type) Expr {
	if t == Bool {
		return &Cond{C: x, A: num(1), B: num(0)}
	}
	return x
}

func (s *scope) ident(pos diag.Pos, name string) (Expr, Type) {
	if s.fparams[name] {
		return &Param{Name: name}, Float
	}
	if !s.inFunc {
		if v, ok := s.vars[name]; ok {
			if s.constant && !v.IsParam {
				s.errorf(pos, "%q is a variable; only numbers, constants and parameters are allowed here", name)
				return s.bad()
			}
			s.checkRead(pos, name, v.Loc)
			return ref(v), v.Type
		}
	}
	if c, ok := s.b.consts[name]; ok {
		return &ConstRef{C: c}, Float
	}
	switch name {
	case "pi":
		return num(math.Pi), Float
	case "e":
		return num(math.E), Float
	}
	if !s.inFunc && !s.constant {
		switch name {
		case "t", "dt":
			return &Special{Name: name}, Float
		case "t_last":
			if !s.isSyn && s.spiking {
				s.checkRead(pos, name, Local)
				return &Special{Name: name}, Float
			}
		case "t_pre", "t_post":
			if s.isSyn {
				s.checkRead(pos, name, Local)
				return &Special{Name: name}, Float
			}
		case "g_target":
			s.errorf(pos, "g_target can only be the target of a pre_spike statement")
			return s.bad()
		}
		if s.autoG && strings.HasPrefix(name, "g_") && len(name) > 2 {
			v := &Var{Name: name, Pos: pos, Loc: Local, Conductance: true, ZeroAfterStep: true}
			s.declare(v)
			s.targets[name[2:]] = true
			return ref(v), Float
		}
	}
	if !s.refused[name] {
		s.errorf(pos, "unknown name %q%s", name, didYouMean(name, s.names()))
	}
	return s.bad()
}

func (s *scope) attr(n *parser.Attr) (Expr, Type) {
	if !s.isSyn || s.inFunc || s.constant {
		s.errorf(n.Pos, "%s.%s can only be used in synapse equations", n.Obj, n.Name)
		return s.bad()
	}
	side := Pre
	if n.Obj == "post" {
		side = PostSide
	} else if n.Obj != "pre" {
		s.errorf(n.Pos, "unknown object %q; expected pre or post", n.Obj)
		return s.bad()
	}
	switch {
	case s.loc == Global:
		s.errorf(n.Pos, "%s is per projection and cannot read %s.%s", s.what, n.Obj, n.Name)
	case s.loc == Post && side == Pre:
		s.errorf(n.Pos, "%s is per postsynaptic neuron and cannot read %s.%s", s.what, n.Obj, n.Name)
	}
	*s.sideRefs = append(*s.sideRefs, sideRef{pos: n.Pos, side: side, name: n.Name})
	return &VarRef{Side: side, Name: n.Name}, Float
}

var binOps = map[string]string{
	"+": "+", "-": "-", "*": "*", "/": "/", "^": "pow", "**": "pow",
	"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
	"is": "==", "and": "&&", "or": "||",
}

func (s *scope) binary(n *parser.Binary) (Expr, Type) {
	op, ok := binOps[n.Op]
	if !ok {
		s.errorf(n.Pos, "unknown operator %q", n.Op)
		return s.bad()
	}
	x, tx := s.expr(n.X)
	y, ty := s.expr(n.Y)
	switch op {
	case "&&", "||":
		if tx != Bool {
			s.errorf(n.X.Position(), "operand of %s must be a boolean expression", n.Op)
		}
		if ty != Bool {
			s.errorf(n.Y.Position(), "operand of %s must be a boolean expression", n.Op)
		}
		return &Binary{Op: op, X: x, Y: y}, Bool
	case "==", "!=":
		if tx == Bool && ty == Bool {
			return &Binary{Op: op, X: x, Y: y}, Bool
		}
		return &Binary{Op: op, X: s.numeric(x, tx), Y: s.numeric(y, ty)}, Bool
	case "<", "<=", ">", ">=":
		return &Binary{Op: op, X: s.numeric(x, tx), Y: s.numeric(y, ty)}, Bool
	}
	t := Float
	if tx == Int && ty == Int && (op == "+" || op == "-" || op == "*") {
		t = Int
	}
	return &Binary{Op: op, X: s.numeric(x, tx), Y: s.numeric(y, ty)}, t
}

func (s *scope) cond(pos diag.Pos, c, a, b parser.Expr) (Expr, Type) {
	ce, ct := s.expr(c)
	if ct != Bool {
		s.errorf(c.Position(), "condition must be a boolean expression")
	}
	ae, at := s.expr(a)
	be, bt := s.expr(b)
	if at == bt {
		return &Cond{C: ce, A: ae, B: be}, at
	}
	return &Cond{C: ce, A: s.numeric(ae, at), B: s.numeric(be, bt)}, Float
}

func (s *scope) call(n *parser.Call) (Expr, Type) {
	if _, isDist := distArgs[n.Fun]; n.Keys != nil && (!isDist || n.Obj != "") {
		for i, k := range n.Keys {
			if k != "" {
				s.errorf(n.KeyPos[i], "%s takes no keyword arguments (only distributions do)", n.Fun)
				return s.bad()
			}
		}
	}
	if n.Obj != "" {
		if !s.isSyn || n.Fun != "sum" {
			s.errorf(n.Pos, "%s.%s(...) is not available here", n.Obj, n.Fun)
			return s.bad()
		}
		side := Pre
		if n.Obj == "post" {
			side = PostSide
		}
		target, ok := s.sumTarget(n)
		if !ok {
			return s.bad()
		}
		if s.loc == Global || (s.loc == Post && side == Pre) {
			s.errorf(n.Pos, "%s cannot read %s.sum(%s)", s.what, n.Obj, target)
		}
		*s.sideRefs = append(*s.sideRefs, sideRef{pos: n.Pos, side: side, name: target, isSum: true})
		return &SumRef{Target: target, Side: side}, Float
	}
	switch {
	case n.Fun == "sum":
		if s.isSyn || s.inFunc || s.constant || s.noSum {
			s.errorf(n.Pos, "sum(...) is not available here")
			return s.bad()
		}
		target, ok := s.sumTarget(n)
		if !ok {
			return s.bad()
		}
		s.checkRead(n.Pos, "sum("+target+")", Local)
		if target != "" {
			s.targets[target] = true
		}
		return &SumRef{Target: target}, Float
	case n.Fun == "ite":
		if len(n.Args) != 3 {
			s.errorf(n.Pos, "ite takes 3 arguments (condition, then, else), got %d", len(n.Args))
			return s.bad()
		}
		return s.cond(n.Pos, n.Args[0], n.Args[1], n.Args[2])
	case globalOpNames[n.Fun] && len(n.Args) == 1:
		return s.globalOp(n)
	}
	if _, ok := distArgs[n.Fun]; ok {
		return s.random(n)
	}
	if f := s.userFunc(n.Fun); f != nil {
		if len(n.Args) != len(f.Params) {
			s.errorf(n.Pos, "%s takes %d arguments, got %d", f.Name, len(f.Params), len(n.Args))
			return s.bad()
		}
		args := make([]Expr, len(n.Args))
		for i, a := range n.Args {
			x, t := s.expr(a)
			args[i] = s.numeric(x, t)
		}
		return &UserCall{F: f, Args: args}, Float
	}
	bi, ok := lang.LookupBuiltin(n.Fun)
	if !ok {
		switch {
		case s.inFunc && n.Fun == s.fname:
			s.errorf(n.Pos, "function %s calls itself (recursion is not allowed)", n.Fun)
		case s.inFunc && definesFunc(s.later, n.Fun):
			s.errorf(n.Pos, "function %s calls %s, which is defined after it: a function can call only the functions defined above it (recursion is not allowed)", s.fname, n.Fun)
		default:
			s.errorf(n.Pos, "unknown function %q%s", n.Fun, didYouMean(n.Fun, s.funcNames()))
		}
		return s.bad()
	}
	if len(n.Args) != bi.Arity {
		s.errorf(n.Pos, "%s takes %d argument%s, got %d", n.Fun, bi.Arity, plural(bi.Arity), len(n.Args))
		return s.bad()
	}
	args := make([]Expr, len(n.Args))
	for i, a := range n.Args {
		x, t := s.expr(a)
		args[i] = s.numeric(x, t)
	}
	t := Float
	if bi.Bool {
		t = Bool
	}
	return &Call{Fun: bi.Name, Args: args}, t
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// definesFunc reports whether defs define a function called name.
func definesFunc(defs []parser.FuncDef, name string) bool {
	for _, d := range defs {
		if d.Name == name {
			return true
		}
	}
	return false
}

func (s *scope) userFunc(name string) *Function {
	if f, ok := s.funcs[name]; ok {
		return f
	}
	if f, ok := s.b.funcs[name]; ok {
		return f
	}
	return nil
}

func (s *scope) sumTarget(n *parser.Call) (string, bool) {
	switch len(n.Args) {
	case 0:
		return "", true
	case 1:
		if id, ok := n.Args[0].(*parser.Ident); ok {
			return id.Name, true
		}
	}
	s.errorf(n.Pos, "sum takes one target name, as in sum(exc)")
	return "", false
}

func (s *scope) globalOp(n *parser.Call) (Expr, Type) {
	if s.noGlobalOp || s.inFunc || s.constant {
		s.errorf(n.Pos, "global operation %s(...) is not allowed in %s", n.Fun, s.whatOr("this expression"))
		return s.bad()
	}
	var (
		name string
		side = Self
		pos  = n.Args[0].Position()
	)
	switch a := n.Args[0].(type) {
	case *parser.Ident:
		name = a.Name
	case *parser.Attr:
		if !s.isSyn {
			s.errorf(pos, "%s.%s can only be used in synapse equations", a.Obj, a.Name)
			return s.bad()
		}
		name = a.Name
		side = Pre
		if a.Obj == "post" {
			side = PostSide
		}
	default:
		s.errorf(pos, "%s(...) takes the name of a variable", n.Fun)
		return s.bad()
	}
	opName := "_" + n.Fun + "_" + name
	if side != Self {
		// The operation is computed by the pre/post population; the
		// projection check registers it there.
		opName = "_" + n.Fun + "_" + name
		g := &GlobalOp{Name: opName, Op: n.Fun, Var: &Var{Name: name, Pos: pos}}
		*s.sideRefs = append(*s.sideRefs, sideRef{pos: pos, side: side, name: name, global: g})
		return &GlobalOpRef{Op: g, Side: side}, Float
	}
	if s.isSyn {
		s.errorf(pos, "global operations in synapses apply to pre.x or post.x")
		return s.bad()
	}
	v, ok := s.vars[name]
	if !ok {
		if !s.refused[name] {
			s.errorf(pos, "unknown variable %q%s", name, didYouMean(name, s.names()))
		}
		return s.bad()
	}
	if v.Loc != Local {
		s.errorf(pos, "global operation %s needs a per-neuron variable; %q is per population", n.Fun, name)
		return s.bad()
	}
	for _, g := range *s.globalOps {
		if g.Op == n.Fun && g.Var == v {
			return &GlobalOpRef{Op: g}, Float
		}
	}
	g := &GlobalOp{Name: opName, Op: n.Fun, Var: v}
	*s.globalOps = append(*s.globalOps, g)
	return &GlobalOpRef{Op: g}, Float
}

func (s *scope) whatOr(def string) string {
	if s.what != "" {
		return s.what
	}
	return def
}

// isGlobalExpr reports whether e has one value per population/projection.
func isGlobalExpr(e Expr) bool {
	ok := true
	Walk(e, func(n Expr) {
		switch x := n.(type) {
		case *VarRef:
			if x.Side != Self || x.Var == nil || x.Var.Loc != Global {
				ok = false
			}
		case *SumRef, *TargetRef:
			ok = false
		case *RandRef:
			if x.R.Loc != Global {
				ok = false
			}
		case *Special:
			if x.Name != "t" && x.Name != "dt" {
				ok = false
			}
		}
	})
	return ok
}

func (s *scope) random(n *parser.Call) (Expr, Type) {
	if s.noRandom || s.inFunc || s.constant {
		s.errorf(n.Pos, "random distribution %s(...) is not allowed in %s", n.Fun, s.whatOr("this expression"))
		return s.bad()
	}
	in, ok := s.b.distCallArgs(n)
	if !ok {
		return s.bad()
	}
	args := make([]Expr, len(in))
	global := true
	for i, a := range in {
		if a == nil { // an absent bound before a given one
			args[i] = &Const{Value: math.Inf(-1)}
			if distParams[n.Fun][i] == "max" {
				args[i] = &Const{Value: math.Inf(1)}
			}
			continue
		}
		x, t := s.expr(a)
		x = s.numeric(x, t)
		if !isGlobalExpr(x) {
			s.errorf(a.Position(), "arguments of %s must be constants or global parameters", n.Fun)
			global = false
		}
		args[i] = x
	}
	loc := Local
	if global && s.loc == Global {
		loc = Global
	}
	rv := &RandomVar{Name: fmt.Sprintf("_rand_%d", len(*s.randoms)), Dist: n.Fun, Args: args, Loc: loc}
	*s.randoms = append(*s.randoms, rv)
	return &RandRef{R: rv}, Float
}

func argCount(r [2]int) string {
	if r[0] == r[1] {
		return fmt.Sprintf("%d argument%s", r[0], plural(r[0]))
	}
	return fmt.Sprintf("%d to %d arguments", r[0], r[1])
}
