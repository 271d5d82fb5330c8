// The analysis of neuron and synapse type definitions: parameters, flags,
// equations (ODEs solved for their derivative), spike, reset and event
// statements, and the scopes their names are resolved in.

package ir

import (
	"fmt"
	"math"
	"sort"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/parser"
)

func (b *builder) newScope(typeName string, isSyn, spiking bool) *scope {
	return &scope{
		b:        b,
		typeName: typeName,
		isSyn:    isSyn,
		spiking:  spiking,
		vars:     map[string]*Var{},
		refused:  map[string]bool{},
		funcs:    map[string]*Function{},
		targets:  map[string]bool{},
		sideRefs: new([]sideRef),
	}
}

// function converts a function definition; scope supplies the names visible
// from its body (constants and earlier functions).
// function analyses one function definition; later are the functions
// defined after it in the same list, which it cannot call.
func (b *builder) function(s *scope, fd parser.FuncDef, scopeName string, later []parser.FuncDef) *Function {
	f := &Function{Name: fd.Name, Scope: scopeName, Pos: fd.Pos, Params: fd.Params}
	fs := *s
	fs.inFunc = true
	fs.fname = fd.Name
	fs.later = later
	fs.fparams = map[string]bool{}
	for _, p := range fd.Params {
		fs.fparams[p] = true // a parameter given twice is the parser's error
	}
	x, t := fs.expr(fd.Body)
	f.Body = fs.numeric(x, t)
	return f
}

func (b *builder) localFuncs(s *scope, defs []parser.FuncDef) []*Function {
	var out []*Function
	for i, fd := range defs {
		if _, ok := lang.LookupBuiltin(fd.Name); ok {
			b.diags.Errorf(fd.Pos, "function %q has the name of a built-in function", fd.Name)
			continue
		}
		if _, ok := s.funcs[fd.Name]; ok {
			b.diags.Errorf(fd.Pos, "function %q is defined twice", fd.Name)
			continue
		}
		f := b.function(s, fd, s.typeName, defs[i+1:])
		s.funcs[fd.Name] = f
		out = append(out, f)
	}
	return out
}

// varFlags is what the flags of a parameter or equation line say.
type varFlags struct {
	loc       *Locality
	typ       *Type
	init      *parser.Flag
	min, max  *parser.Flag
	unlessRef bool
	method    string
	methodPos diag.Pos
}

func (b *builder) flags(fl []parser.Flag, isSyn, isParam bool) varFlags {
	var f varFlags
	setLoc := func(l Locality, fg parser.Flag) {
		if f.loc != nil && *f.loc != l {
			b.diags.Errorf(fg.Pos, "conflicting locality flags")
		}
		f.loc = &l
	}
	setType := func(t Type, fg parser.Flag) {
		if f.typ != nil && *f.typ != t {
			b.diags.Errorf(fg.Pos, "conflicting type flags")
		}
		f.typ = &t
	}
	var known []string
	if isSyn {
		known = []string{"projection", "postsynaptic", "int", "bool"}
	} else {
		known = []string{"population", "int", "bool"}
	}
	if !isParam {
		known = append(known, "init", "min", "max", "unless_refractory")
		known = append(known, lang.MethodNames(true)...)
	}
	for i := range fl {
		fg := fl[i]
		ok := false
		for _, k := range known {
			if k == fg.Name {
				ok = true
			}
		}
		if !ok {
			hint := didYouMean(fg.Name, known)
			if !isSyn && (fg.Name == "projection" || fg.Name == "postsynaptic") {
				hint = "; neuron variables use : population"
			}
			if isSyn && fg.Name == "population" {
				hint = "; synapse variables use : projection or : postsynaptic"
			}
			b.diags.Errorf(fg.Pos, "unknown flag %q%s", fg.Name, hint)
			continue
		}
		hasValue := fg.Name == "init" || fg.Name == "min" || fg.Name == "max"
		if hasValue != (fg.Value != nil) {
			if hasValue {
				b.diags.Errorf(fg.Pos, "flag %s needs a value (%s = ...)", fg.Name, fg.Name)
			} else {
				b.diags.Errorf(fg.Pos, "flag %s takes no value", fg.Name)
			}
			continue
		}
		switch fg.Name {
		case "population", "projection":
			setLoc(Global, fg)
		case "postsynaptic":
			setLoc(Post, fg)
		case "int":
			setType(Int, fg)
		case "bool":
			setType(Bool, fg)
		case "init":
			f.init = &fl[i]
		case "min":
			f.min = &fl[i]
		case "max":
			f.max = &fl[i]
		case "unless_refractory":
			f.unlessRef = true
		default:
			if f.method != "" {
				b.diags.Errorf(fg.Pos, "two numerical methods given (%s and %s)", f.method, fg.Name)
			}
			f.method = fg.Name
			f.methodPos = fg.Pos
		}
	}
	return f
}

// params declares the parameters of a type.
func (b *builder) params(s *scope, ps []parser.Param) {
	for _, p := range ps {
		fl := b.flags(p.Flags, s.isSyn, true)
		v := &Var{Name: p.Name, Pos: p.Pos, IsParam: true, Loc: Local}
		if fl.loc != nil {
			v.Loc = *fl.loc
		}
		cs := *s
		cs.constant = true
		cs.what = "the value of parameter " + p.Name
		x, t := cs.expr(p.Value)
		if fl.typ != nil {
			v.Type = *fl.typ
		} else if t == Bool {
			v.Type = Bool
		}
		if v.Type != Bool {
			x = cs.numeric(x, t)
		} else if t != Bool {
			b.diags.Errorf(p.Value.Position(), "parameter %s is boolean; its value must be True or False", p.Name)
		}
		v.Init = x
		s.declare(v)
	}
}

// declareEquations declares the variables defined by equation lines and
// reads their flags.
func (b *builder) declareEquations(s *scope, stmts []parser.Stmt) {
	type bounds struct {
		v      *Var
		fl     varFlags
		global bool
	}
	var pending []bounds
	for _, st := range stmts {
		fl := b.flags(st.Flags, s.isSyn, false)
		if st.Obj != "" {
			b.diags.Errorf(st.TargetPos, "equations cannot define %s.%s", st.Obj, st.Target)
			continue
		}
		v, ok := s.vars[st.Target]
		if ok && v.IsParam {
			b.diags.Errorf(st.TargetPos, "%q is a parameter (declared at %s); equations can only define variables", st.Target, v.Pos)
			continue
		}
		if !ok {
			v = &Var{Name: st.Target, Pos: st.TargetPos, Loc: Local}
			if fl.loc != nil {
				v.Loc = *fl.loc
			}
			if fl.typ != nil {
				v.Type = *fl.typ
			}
			if !s.declare(v) {
				continue
			}
			if s.autoG && len(v.Name) > 2 && v.Name[:2] == "g_" {
				v.Conductance = true
				s.targets[v.Name[2:]] = true
			}
		} else {
			if fl.loc != nil && *fl.loc != v.Loc {
				b.diags.Errorf(st.Pos, "%q was declared with another locality at %s", v.Name, v.Pos)
			}
			if fl.typ != nil && *fl.typ != v.Type {
				b.diags.Errorf(st.Pos, "%q was declared with another type at %s", v.Name, v.Pos)
			}
		}
		if fl.unlessRef {
			v.UnlessRefractory = true
		}
		pending = append(pending, bounds{v: v, fl: fl})
	}
	for _, p := range pending {
		v, fl := p.v, p.fl
		if fl.init != nil {
			cs := *s
			cs.constant = true
			cs.what = "the initial value of " + v.Name
			x, t := cs.expr(fl.init.Value)
			if v.Type != Bool {
				x = cs.numeric(x, t)
			}
			if v.Init != nil {
				b.diags.Errorf(fl.init.Pos, "%q already has an initial value", v.Name)
			}
			v.Init = x
		}
		for _, m := range []struct {
			fg  *parser.Flag
			dst *Expr
		}{{fl.min, &v.Min}, {fl.max, &v.Max}} {
			if m.fg == nil {
				continue
			}
			ms := *s
			ms.loc = v.Loc
			ms.noRandom = true
			ms.noGlobalOp = true
			ms.what = "the bound of " + v.Name
			x, t := ms.expr(m.fg.Value)
			*m.dst = ms.numeric(x, t)
		}
	}
}

func locWhat(isSyn bool, v *Var) string {
	switch {
	case isSyn && v.Loc == Global:
		return fmt.Sprintf("the per-projection equation of %q", v.Name)
	case isSyn && v.Loc == Post:
		return fmt.Sprintf("the postsynaptic equation of %q", v.Name)
	case v.Loc == Global:
		return fmt.Sprintf("the population-wide equation of %q", v.Name)
	}
	return fmt.Sprintf("the equation of %q", v.Name)
}

// assignTarget resolves the variable an assignment writes.
func (b *builder) assignTarget(s *scope, name string, pos diag.Pos) *Var {
	v, ok := s.vars[name]
	if !ok {
		if s.autoG && len(name) > 2 && name[:2] == "g_" {
			v = &Var{Name: name, Pos: pos, Loc: Local, Conductance: true, ZeroAfterStep: true}
			s.declare(v)
			s.targets[name[2:]] = true
			return v
		}
		if !s.refused[name] {
			b.diags.Errorf(pos, "unknown variable %q%s", name, didYouMean(name, s.names()))
		}
		return nil
	}
	return v
}

// compound expands x op= e.
func (b *builder) compound(pos diag.Pos, op string, cur, value Expr) Expr {
	switch op {
	case "=":
		return value
	case "+=":
		return add(cur, value)
	case "-=":
		return sub(cur, value)
	case "*=":
		return mul(cur, value)
	case "/=":
		return div(cur, value)
	}
	b.diags.Errorf(pos, "unknown assignment operator %q", op)
	return value
}

// assignValue converts and type-checks the right-hand side written to v.
func (b *builder) assignValue(s *scope, st parser.Stmt, v *Var) Expr {
	x, t := s.expr(st.RHS)
	if v.Type == Bool {
		if t != Bool {
			b.diags.Errorf(st.RHS.Position(), "%q is boolean; assign it a condition or True/False", v.Name)
		}
		if st.Op != "=" {
			b.diags.Errorf(st.Pos, "operator %s cannot be applied to boolean %q", st.Op, v.Name)
		}
		return x
	}
	return b.compound(st.Pos, st.Op, ref(v), s.numeric(x, t))
}

// equations converts equation lines (after declareEquations) into items.
func (b *builder) equations(s *scope, stmts []parser.Stmt) []*eqItem {
	var items []*eqItem
	for _, st := range stmts {
		v, ok := s.vars[st.Target]
		if !ok || v.IsParam || st.Obj != "" {
			continue // reported by declareEquations
		}
		s.loc = v.Loc
		s.what = locWhat(s.isSyn, v)
		if st.Kind == parser.Assign {
			items = append(items, &eqItem{pos: st.Pos, v: v, lhs: ref(v), value: b.assignValue(s, st, v)})
			continue
		}
		fl := b.flags(st.Flags, s.isSyn, false)
		method := fl.method
		if method == "" {
			method = b.method
		}
		if method == "event-driven" && !s.isSyn {
			b.diags.Errorf(fl.methodPos, "event-driven is only available for synapse variables")
			method = "explicit"
		}
		if v.Type != Float {
			b.diags.Errorf(st.TargetPos, "%q is %s; a differential equation needs a float variable", v.Name, typeName(v.Type))
		}
		if v.Method != "" {
			b.diags.Errorf(st.Pos, "%q already has a differential equation", v.Name)
			continue
		}
		v.Method = method
		n, c, ok := b.solveODE(s, st, v)
		if !ok {
			continue
		}
		items = append(items, &eqItem{pos: st.Pos, v: v, lhs: ref(v), ode: true, n: n, c: c, method: method})
	}
	s.loc = Local
	s.what = ""
	return items
}

// solveODE reads an ODE line as dx/dt = n/c. A right-hand side divided by
// an expression free of x moves its divisor into c, so dv/dt = (A - v)/tau
// and tau * dv/dt = A - v give the same rewrite.
func (b *builder) solveODE(s *scope, st parser.Stmt, v *Var) (n, c Expr, ok bool) {
	n, c, ok = b.solveForDerivative(s, st, v)
	if ok {
		if d, isDiv := n.(*Binary); isDiv && d.Op == "/" && !dependsOn(d.Y, isVar(v)) {
			n, c = d.X, Simplify(mul(c, d.Y))
		}
	}
	return n, c, ok
}

func (b *builder) solveForDerivative(s *scope, st parser.Stmt, v *Var) (n, c Expr, ok bool) {
	s.deriv = v.Name
	lhs, lt := s.expr(st.LHS)
	rhs, rt := s.expr(st.RHS)
	s.deriv = ""
	lhs, rhs = s.numeric(lhs, lt), s.numeric(rhs, rt)
	isD := func(e Expr) bool { _, ok := e.(*derivSym); return ok }
	count := 0
	for _, e := range []Expr{lhs, rhs} {
		Walk(e, func(x Expr) {
			if isD(x) {
				count++
			}
		})
	}
	if count != 1 {
		b.diags.Errorf(st.Pos, "a differential equation needs exactly one d%s/dt, found %d", v.Name, count)
		return nil, nil, false
	}
	// The common forms keep the right-hand side as written.
	if isD(lhs) {
		return rhs, num(1), true
	}
	if m, ok := lhs.(*Binary); ok && m.Op == "*" {
		if isD(m.Y) && !dependsOn(m.X, isD) {
			return rhs, m.X, true
		}
		if isD(m.X) && !dependsOn(m.Y, isD) {
			return rhs, m.Y, true
		}
	}
	e := sub(lhs, rhs)
	cD, lin := affineCoef(e, isD, false)
	if !lin || isConst(cD, 0) {
		b.diags.Errorf(st.Pos, "the equation of %q must be linear in d%s/dt", v.Name, v.Name)
		return nil, nil, false
	}
	e0 := Simplify(substitute(e, func(x Expr) Expr {
		if isD(x) {
			return num(0)
		}
		return nil
	}))
	return Simplify(neg(e0)), cD, true
}

// neuronType analyses one neuron definition.
func (b *builder) neuronType(def *parser.NeuronDef) *NeuronType {
	nt := &NeuronType{Name: def.Name, Pos: def.Pos, Spiking: def.Spike != nil}
	s := b.newScope(def.Name, false, nt.Spiking)
	s.varList = &nt.Vars
	s.randoms = &nt.Randoms
	s.globalOps = &nt.GlobalOps
	s.autoG = nt.Spiking
	nt.Functions = b.localFuncs(s, def.Functions)
	b.params(s, def.Parameters)
	b.declareEquations(s, def.Equations)
	if nt.Spiking && b.rateTypes[def.Name] {
		if _, ok := s.vars["r"]; !ok {
			nt.RateR = s.declare(&Var{Name: "r", Pos: def.Pos, Loc: Local})
		}
	}
	items := b.equations(s, def.Equations)

	if !nt.Spiking {
		if _, ok := s.vars["r"]; !ok {
			b.diags.Errorf(def.Pos, "rate-coded neuron %s must define r in its equations (or add a spike condition to make it spiking)", def.Name)
		}
		if len(def.Reset) > 0 {
			b.diags.Errorf(def.Reset[0].Pos, "reset needs a spike condition")
		}
		if def.Refractory != nil {
			b.diags.Errorf(def.Refractory.Pos, "refractory needs a spike condition")
		}
	}

	var global, local []*eqItem
	for _, it := range items {
		if it.v.Loc == Global {
			global = append(global, it)
		} else {
			local = append(local, it)
		}
	}

	if nt.Spiking {
		s.loc = Local
		s.what = "the spike condition"
		x, t := s.expr(def.Spike)
		if t != Bool {
			b.diags.Errorf(def.Spike.Position(), "the spike condition must be a boolean expression, such as v > v_thresh")
		}
		nt.Spike = x
		var reset []*eqItem
		for _, st := range def.Reset {
			if st.Kind != parser.Assign {
				b.diags.Errorf(st.Pos, "reset statements are assignments, not differential equations")
				continue
			}
			if st.Obj != "" {
				b.diags.Errorf(st.TargetPos, "reset cannot write %s.%s", st.Obj, st.Target)
				continue
			}
			v := b.assignTarget(s, st.Target, st.TargetPos)
			if v == nil {
				continue
			}
			if v.IsParam {
				b.diags.Errorf(st.TargetPos, "reset cannot change parameter %q", v.Name)
				continue
			}
			if v.Loc != Local {
				b.diags.Errorf(st.TargetPos, "reset cannot change population-wide variable %q", v.Name)
				continue
			}
			s.what = "the reset"
			it := &eqItem{pos: st.Pos, v: v, lhs: ref(v), value: b.assignValue(s, st, v)}
			b.eventBounds(s, st, it, "reset")
			reset = append(reset, it)
		}
		em := &emitter{b: b}
		em.emit(reset)
		nt.Reset = em.out
		if def.Refractory != nil {
			nt.Refractory = b.refractory(s, nt, def.Refractory)
		}
	}

	em := &emitter{b: b}
	em.emit(global)
	nt.GlobalUpdate = em.out
	em = &emitter{b: b}
	em.emit(local)
	hasEq := map[*Var]bool{}
	for _, it := range items {
		hasEq[it.v] = true
	}
	for _, v := range nt.Vars {
		if v.Conductance && !hasEq[v] {
			v.ZeroAfterStep = true
			em.out = append(em.out, &Assign{Pos: v.Pos, LHS: ref(v), Value: num(0)})
		} else {
			v.ZeroAfterStep = false
		}
	}
	nt.LocalUpdate = em.out
	if nt.Spiking {
		markRefractory(nt.LocalUpdate)
	}
	for t := range s.targets {
		nt.Targets = append(nt.Targets, t)
	}
	sort.Strings(nt.Targets)
	return nt
}

func (b *builder) refractory(s *scope, nt *NeuronType, v *parser.Value) Expr {
	_, isCall := v.Expr.(*parser.Call)
	switch {
	case v.List != nil || (v.Str != "" && isCall):
		return b.refractoryParam(s, nt, v)
	case v.IsNum:
		b.checkRefractory(Value{Pos: v.Pos, Num: v.Num}, "")
		return num(v.Num)
	case v.Str != "":
		p, ok := s.vars[v.Str]
		if !ok || !p.IsParam {
			b.diags.Errorf(v.Pos, "refractory must be a number of ms or the name of a parameter; unknown parameter %q%s", v.Str, didYouMean(v.Str, s.names()))
			return nil
		}
		if c, ok := Simplify(p.Init).(*Const); ok || p.Init == nil {
			x := 0.0
			if ok {
				x = c.Value
			}
			b.checkRefractory(Value{Pos: v.Pos, Num: x}, "its default "+p.Name+" = ")
		}
		return ref(p)
	}
	b.diags.Errorf(v.Pos, "refractory must be a number of ms, the name of a parameter, a distribution or a list (one per neuron)")
	return nil
}

// checkRefractory reports a refractory period known at check time (a
// number, a list, a distribution's bounds) that is negative or longer than
// the int32 counter of refractory steps holds (MaxRefractorySteps): the
// neurons would behave as if they had none. what prefixes the value in the
// message ("its default tref = ").
func (b *builder) checkRefractory(v Value, what string) bool {
	lo, hi := math.NaN(), math.NaN()
	switch v.Kind {
	case NumValue:
		lo, hi = v.Num, v.Num
	case ListValue:
		for _, x := range v.List {
			lo, hi = min(x, lo), max(x, hi)
			if math.IsNaN(lo) {
				lo, hi = x, x
			}
		}
	case DistValue:
		switch a := v.Args; {
		case v.Dist == "Uniform" || v.Dist == "DiscreteUniform":
			lo, hi = a[0], a[1]
		case len(a) == 4 || (v.Dist == "Exponential" && len(a) == 3):
			lo, hi = a[len(a)-2], a[len(a)-1] // min, max; NaN when absent
		}
	}
	switch {
	case lo < 0:
		b.errorf(v.Pos, "refractory period must not be negative, got %s%s ms", what, fnum(lo))
		return false
	case Steps(hi, b.out.Dt) > MaxRefractorySteps:
		b.errorf(v.Pos, "refractory period %s%s ms is more than %d steps of dt %s ms, the longest a neuron counts", what, fnum(hi), MaxRefractorySteps, fnum(b.out.Dt))
		return false
	}
	return true
}

// refractoryParam makes a refractory period given as a distribution or a
// per-neuron list a local parameter named refractory, each population of
// the type drawing or taking its values (RefractoryInit) unless it sets
// the parameter itself, as ANNarchy's pop.refractory = ... does.
func (b *builder) refractoryParam(s *scope, nt *NeuronType, v *parser.Value) Expr {
	if _, ok := s.vars["refractory"]; ok {
		b.diags.Errorf(v.Pos, "a refractory period given as a distribution or a list becomes a parameter named refractory, but the neuron already has one")
		return nil
	}
	init, ok := b.value(v, 0, "refractory")
	if !ok {
		return nil
	}
	if !b.checkRefractory(init, "") {
		return nil
	}
	p := &Var{Name: "refractory", Pos: v.Pos, IsParam: true, Loc: Local, Type: Float}
	last := 0
	for i, x := range nt.Vars {
		if x.IsParam {
			last = i + 1
		}
	}
	nt.Vars = append(nt.Vars[:last], append([]*Var{p}, nt.Vars[last:]...)...)
	s.vars["refractory"] = p
	nt.RefractoryInit = &init
	return ref(p)
}

// synType is a synapse type under construction: its kind may only be
// known once a projection uses it.
type synType struct {
	t        *SynapseType
	def      *parser.SynapseDef
	s        *scope
	decided  bool // Spiking is known
	sideRefs []sideRef
}

// synapseType analyses one synapse definition.
func (b *builder) synapseType(def *parser.SynapseDef) *synType {
	st := &SynapseType{Name: def.Name, Pos: def.Pos, Operation: def.Operation}
	if st.Operation == "" {
		st.Operation = "sum"
	}
	switch st.Operation {
	case "sum", "max", "min", "mean":
	default:
		b.diags.Errorf(def.OpPos, "unknown operation %q; expected sum, max, min or mean", def.Operation)
	}
	s := b.newScope(def.Name, true, false)
	s.varList = &st.Vars
	s.randoms = &st.Randoms
	s.globalOps = new([]*GlobalOp)
	st.Functions = b.localFuncs(s, def.Functions)
	b.params(s, def.Parameters)
	b.declareEquations(s, def.Equations)
	if _, ok := s.vars["w"]; !ok {
		w := &Var{Name: "w", Pos: def.Pos, IsParam: true, Loc: Local}
		s.vars["w"] = w
		st.Vars = append([]*Var{w}, st.Vars...)
	}
	if w := s.vars["w"]; w.Loc != Local {
		b.diags.Errorf(w.Pos, "the weight w must be per synapse")
	}
	items := b.equations(s, def.Equations)
	var global, post, local []*eqItem
	for _, it := range items {
		if it.ode && it.method == "event-driven" {
			b.eventDriven(st, it)
			continue
		}
		switch it.v.Loc {
		case Global:
			global = append(global, it)
		case Post:
			post = append(post, it)
		default:
			local = append(local, it)
		}
	}
	for _, l := range []struct {
		items []*eqItem
		dst   *[]Stmt
	}{{global, &st.GlobalUpdate}, {post, &st.PostUpdate}, {local, &st.LocalUpdate}} {
		em := &emitter{b: b}
		em.emit(l.items)
		*l.dst = em.out
	}
	sy := &synType{t: st, def: def, s: s}
	if def.Psp != nil {
		s.loc = Local
		s.what = "psp"
		x, t := s.expr(def.Psp)
		st.Psp = s.numeric(x, t)
	}
	st.PreSpike = b.spikeStmts(s, def.PreSpike, true)
	st.PostSpike = b.spikeStmts(s, def.PostSpike, false)
	st.Pruning = b.structural(s, def.Pruning, "pruning")
	st.Creating = b.structural(s, def.Creating, "creating")
	switch {
	case len(def.PreSpike) > 0 || len(def.PostSpike) > 0:
		// With psp too, a spiking synapse also transmits continuously
		// (README, "Spiking transmission").
		b.setSpiking(sy, true)
	case def.Psp != nil:
		b.setSpiking(sy, false)
	}
	return sy
}

// setSpiking fixes the kind of a synapse type and adds its implicit
// transmission (g_target += w, or psp = w * pre.r).
func (b *builder) setSpiking(sy *synType, spiking bool) {
	st := sy.t
	sy.decided = true
	st.Spiking = spiking
	if spiking {
		if st.Psp != nil {
			// Continuous transmission replaces the implicit g_target += w.
			return
		}
		hasG := false
		for _, a := range st.PreSpike {
			if t, ok := a.(*Assign).LHS.(*TargetRef); ok && t.Name == "" {
				hasG = true
			}
		}
		if !hasG {
			g := &TargetRef{}
			st.PreSpike = append([]Stmt{&Assign{Pos: st.Pos, LHS: g, Value: add(&TargetRef{}, ref(sy.s.vars["w"]))}}, st.PreSpike...)
		}
		return
	}
	if st.Psp == nil {
		st.Psp = mul(ref(sy.s.vars["w"]), &VarRef{Side: Pre, Name: "r"})
		*sy.s.sideRefs = append(*sy.s.sideRefs, sideRef{pos: st.Pos, side: Pre, name: "r"})
	}
}

// spikeStmts converts pre_spike or post_spike statements. In pre_spike
// the g_target statements move first (README, "One step", 2).
func (b *builder) spikeStmts(s *scope, stmts []parser.Stmt, pre bool) []Stmt {
	what := "post_spike"
	if pre {
		what = "pre_spike"
	}
	var gItems, others []*eqItem
	s.loc = Local
	s.what = what
	for _, st := range stmts {
		if st.Kind != parser.Assign {
			b.diags.Errorf(st.Pos, "%s statements are assignments, not differential equations", what)
			continue
		}
		switch {
		case st.Obj == "" && st.Target == "g_target":
			if !pre {
				b.diags.Errorf(st.TargetPos, "g_target can only be written in pre_spike")
				continue
			}
			x, t := s.expr(st.RHS)
			gItems = append(gItems, &eqItem{pos: st.Pos, lhs: &TargetRef{}, value: b.compound(st.Pos, st.Op, &TargetRef{}, s.numeric(x, t))})
		case st.Obj == "post":
			*s.sideRefs = append(*s.sideRefs, sideRef{pos: st.TargetPos, side: PostSide, name: st.Target})
			x, t := s.expr(st.RHS)
			cur := &VarRef{Side: PostSide, Name: st.Target}
			others = append(others, &eqItem{pos: st.Pos, lhs: &TargetRef{Name: st.Target}, value: b.compound(st.Pos, st.Op, cur, s.numeric(x, t))})
		case st.Obj != "":
			b.diags.Errorf(st.TargetPos, "%s cannot write %s.%s", what, st.Obj, st.Target)
		default:
			v, ok := s.vars[st.Target]
			if !ok {
				if !s.refused[st.Target] {
					b.diags.Errorf(st.TargetPos, "unknown variable %q%s", st.Target, didYouMean(st.Target, s.names()))
				}
				continue
			}
			if v.IsParam {
				if v.Name != "w" {
					b.diags.Errorf(st.TargetPos, "%s cannot change parameter %q", what, v.Name)
					continue
				}
				v.IsParam = false // a learned weight
			}
			it := &eqItem{pos: st.Pos, v: v, lhs: ref(v), value: b.assignValue(s, st, v)}
			b.eventBounds(s, st, it, what)
			others = append(others, it)
			continue
		}
		if len(st.Flags) > 0 {
			b.diags.Errorf(st.Flags[0].Pos, "%s cannot be bounded in %s (min and max bound synapse variables)", st.Target, what)
		}
	}
	em := &emitter{b: b}
	em.emit(append(gItems, others...))
	s.what = ""
	return em.out
}

// eventBounds reads the flags of an event statement (reset, pre_spike,
// post_spike): min and max clamp the variable after the statement, as in
// equations, in place of the bounds it was declared with.
func (b *builder) eventBounds(s *scope, st parser.Stmt, it *eqItem, what string) {
	for _, fg := range st.Flags {
		if fg.Name != "min" && fg.Name != "max" {
			b.diags.Errorf(fg.Pos, "unknown flag %q of a %s statement (only min and max)%s", fg.Name, what, didYouMean(fg.Name, []string{"min", "max"}))
			continue
		}
		if fg.Value == nil {
			b.diags.Errorf(fg.Pos, "flag %s needs a value (%s = ...)", fg.Name, fg.Name)
			continue
		}
		ms := *s
		ms.noRandom = true
		ms.noGlobalOp = true
		ms.what = "the bound of " + it.v.Name
		x, t := ms.expr(fg.Value)
		x = ms.numeric(x, t)
		if !it.bounded {
			it.bounded, it.min, it.max = true, it.v.Min, it.v.Max
		}
		if fg.Name == "min" {
			it.min = x
		} else {
			it.max = x
		}
	}
}

// eventDriven turns a linear first-order ODE into an exponential decay between
// events, dx/dt = (Inf - x) * Rate, stepped as README.md ("Event-driven
// variables") describes.
func (b *builder) eventDriven(st *SynapseType, it *eqItem) {
	v := it.v
	if v.Loc != Local {
		b.diags.Errorf(it.pos, "event-driven variables must be per synapse")
		return
	}
	k, ok := affineCoef(it.n, isVar(v), false)
	if !ok || isConst(k, 0) || dependsOn(it.c, isVar(v)) {
		b.diags.Errorf(it.pos, "event-driven equation of %q must be linear in %s (tau * d%s/dt = a - %s)", v.Name, v.Name, v.Name, v.Name)
		return
	}
	n0 := Simplify(substitute(it.n, func(e Expr) Expr {
		if isVar(v)(e) {
			return num(0)
		}
		return nil
	}))
	rate := Simplify(div(neg(k), it.c))
	inf := Simplify(div(neg(n0), k))
	for _, e := range []Expr{rate, inf} {
		bad := false
		Walk(e, func(x Expr) {
			switch r := x.(type) {
			case *VarRef:
				if r.Side != Self || !r.Var.IsParam {
					bad = true
				}
			case *RandRef, *SumRef, *GlobalOpRef, *Special, *TargetRef:
				bad = true
			}
		})
		if bad {
			b.diags.Errorf(it.pos, "event-driven equation of %q can only depend on %s, parameters and constants", v.Name, v.Name)
			return
		}
	}
	v.EventDriven = true
	st.Decays = append(st.Decays, &Decay{Var: v, Rate: rate, Inf: inf})
}

// structural analyses a pruning or creating condition of a synapse type:
// pruning reads anything a synapse equation reads, creating only pre.,
// post. and projection-wide values (the synapse does not exist yet).
// A distribution in the condition is drawn from the projection's
// structural stream at each evaluation, as proba is.
func (b *builder) structural(s *scope, sc *parser.StructCond, what string) *Structural {
	if sc == nil {
		return nil
	}
	if !b.m.StructuralPlasticity {
		b.diags.Errorf(sc.Pos, "%s needs structural_plasticity: true in the model (ANNarchy's setup(structural_plasticity=True))", what)
	}
	out := &Structural{Pos: sc.Pos}
	s.loc, s.what = Local, "the "+what+" condition"
	// A distribution in the condition is drawn at each evaluation (as
	// ANNarchy), not each step with the synapse's random variables.
	stepRandoms := s.randoms
	s.randoms = &out.Randoms
	s.noRandom, s.noGlobalOp, s.noSynapse = false, true, what == "creating"
	defer func() { s.randoms, s.noRandom, s.noGlobalOp, s.noSynapse = stepRandoms, false, false, false }()
	x, t := s.expr(sc.Expr)
	s.randoms, s.noRandom = stepRandoms, true
	if t != Bool {
		b.diags.Errorf(sc.Expr.Position(), "the %s condition must be a boolean expression (a comparison), not a number", what)
	}
	out.Cond = x
	s.noSynapse = false
	for _, f := range sc.Flags {
		if f.Value == nil {
			continue // reported by the parser
		}
		switch f.Name {
		case "proba", "w":
			s.loc, s.what = Global, "the flag "+f.Name+" of "+what
			x, t := s.expr(f.Value)
			x = s.numeric(x, t)
			if f.Name == "proba" {
				if v, ok := b.literal(f.Value, s); ok && !(v >= 0 && v <= 1) {
					b.diags.Errorf(f.Value.Position(), "proba must lie in [0, 1], got %s", fnum(v))
				}
				out.Proba = x
			} else {
				out.W = x
			}
		case "d":
			v, ok := b.literal(f.Value, s)
			switch {
			case !ok:
				b.diags.Errorf(f.Value.Position(), "d (the delay of a created synapse) must be a number of ms")
			case !(v >= 0):
				b.diags.Errorf(f.Value.Position(), "d must not be negative, got %s", fnum(v))
			default:
				out.DelayMs, out.DPos = &v, f.Pos
			}
		}
	}
	return out
}

// WrittenVars lists the variables the statements assign.
func WrittenVars(ss ...[]Stmt) map[*Var]bool {
	w := map[*Var]bool{}
	for _, list := range ss {
		for _, s := range list {
			if a, ok := s.(*Assign); ok {
				if r, ok := a.LHS.(*VarRef); ok && r.Var != nil {
					w[r.Var] = true
				}
			}
		}
	}
	return w
}
