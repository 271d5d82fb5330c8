package ir

import (
	"fmt"
	"slices"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/lang"
)

// Numerical methods, each a rewrite of a block of ODEs into assignments.
//
// An ODE line is first solved for its derivative: the line is read as
// E = cD*dx/dt + E0 = 0 (it must be linear in dx/dt), giving
// dx/dt = N/c with N = -E0 and c = cD. Keeping N and c apart lets the
// rewrites print the way a person writes them (tau*dv/dt = El - v gives
// v + dt*(El - v)/(tau + dt) for the semi-implicit method).
//
// Consecutive ODEs form a block: every update in the block is computed from
// the values at the start of the step, then the variables are assigned,
// then clamped by their min/max. Variables of a block that share a coupled
// method (midpoint, rk4, implicit) are integrated together; the others in
// the block are held at their old values.
//
//	explicit      x + dt*f
//	semiimplicit  x + dt*N/(c - dt*k), k = dN/dx with non-polynomial terms
//	              of x frozen at the old value (ANNarchy's semi-implicit
//	              Euler); falls back to explicit with a warning when N is
//	              not linear in x.
//	implicit      backward Euler; f must be affine in the block's implicit
//	              variables; (I - dt*J) Δ = dt*f solved exactly (Gaussian
//	              elimination written out as assignments), x + Δ.
//	exponential   x + (1 - exp(-dt*k'/c)) * (N/k'), k' = -dN/dx (frozen as
//	              for semiimplicit); an error when N is not linear in x.
//	midpoint      k1 = f(x); x + dt*f(x + 0.5*dt*k1), over the coupled group.
//	rk4           classic four stages over the coupled group,
//	              x + dt/6*(k1 + (k2 + k2) + (k3 + k3) + k4).
//
// Stages do not shift t (as ANNarchy), so f is evaluated at the step's t.

// isMethod reports whether s names a numerical method (lang.Methods).
func isMethod(s string) bool {
	_, ok := lang.LookupMethod(s)
	return ok
}

// eqItem is one analysed line of an equations string.
type eqItem struct {
	pos    diag.Pos
	v      *Var
	lhs    Expr // assignment target (VarRef or TargetRef)
	ode    bool
	value  Expr // assignment value
	n, c   Expr // ODE: dx/dt = n/c
	method string
	// bounded: an event statement (reset, pre_spike, post_spike) with its
	// own min/max flags, which replace the variable's bounds.
	bounded  bool
	min, max Expr
}

func (it *eqItem) f() Expr {
	if isConst(it.c, 1) {
		return it.n
	}
	return Simplify(div(it.n, it.c))
}

// emitter turns analysed lines into assignments for one update list.
type emitter struct {
	b     *builder
	out   []Stmt
	temps int
}

func (em *emitter) temp(name string) *Temp {
	return &Temp{Name: name}
}

// assign emits lhs = value, nothing for x = x (which changes nothing, and
// which go vet refuses in the generated code); the bounds of x, if any, are
// still emitted after it.
func (em *emitter) assign(pos diag.Pos, lhs, value Expr) {
	if selfAssign(lhs, value) {
		return
	}
	em.out = append(em.out, &Assign{Pos: pos, LHS: lhs, Value: value})
}

// selfAssign reports whether value is the variable or temporary lhs (post.x
// in synapse events: lhs a TargetRef, value read by name).
func selfAssign(lhs, value Expr) bool {
	switch l := lhs.(type) {
	case *TargetRef:
		r, ok := value.(*VarRef)
		return ok && l.Name != "" && r.Side == PostSide && r.Name == l.Name
	case *VarRef:
		r, ok := value.(*VarRef)
		return ok && l.Var != nil && r.Var == l.Var && r.Side == l.Side
	case *Temp:
		r, ok := value.(*Temp)
		return ok && r.Name == l.Name
	}
	return false
}

// clamp emits the min/max bounds of v after its update.
func (em *emitter) clamp(pos diag.Pos, v *Var) { em.clampTo(pos, v, v.Min, v.Max) }

// clampTo emits the bounds lo and hi (either may be nil) of v.
func (em *emitter) clampTo(pos diag.Pos, v *Var, lo, hi Expr) {
	x := ref(v)
	switch {
	case lo != nil && hi != nil:
		em.assign(pos, x, &Call{Fun: "clip", Args: []Expr{ref(v), lo, hi}})
	case lo != nil:
		em.assign(pos, x, &Call{Fun: "max", Args: []Expr{ref(v), lo}})
	case hi != nil:
		em.assign(pos, x, &Call{Fun: "min", Args: []Expr{ref(v), hi}})
	}
}

// emit rewrites a list of lines of one locality.
func (em *emitter) emit(items []*eqItem) {
	for i := 0; i < len(items); {
		if !items[i].ode {
			it := items[i]
			em.assign(it.pos, it.lhs, it.value)
			switch {
			case it.v != nil && it.bounded:
				em.clampTo(it.pos, it.v, it.min, it.max)
			case it.v != nil:
				em.clamp(it.pos, it.v)
			}
			i++
			continue
		}
		j := i
		for j < len(items) && items[j].ode {
			j++
		}
		em.block(items[i:j])
		i = j
	}
}

// block integrates consecutive ODEs together from their old values.
func (em *emitter) block(items []*eqItem) {
	updates := make([]Expr, len(items))
	// Group by method, keeping first appearance order.
	var order []string
	groups := map[string][]int{}
	for i, it := range items {
		if _, ok := groups[it.method]; !ok {
			order = append(order, it.method)
		}
		groups[it.method] = append(groups[it.method], i)
	}
	for _, m := range order {
		idx := groups[m]
		g := make([]*eqItem, len(idx))
		for k, i := range idx {
			g[k] = items[i]
		}
		us := em.method(m, g)
		for k, i := range idx {
			updates[i] = us[k]
		}
	}
	// Assign directly unless a later update still reads the old value.
	var deferred []int
	for i, it := range items {
		later := false
		for k := i + 1; k < len(items); k++ {
			if dependsOn(updates[k], isVar(it.v)) {
				later = true
				break
			}
		}
		if later {
			t := em.temp("_" + it.v.Name + "_new")
			em.assign(it.pos, t, updates[i])
			updates[i] = t
			deferred = append(deferred, i)
			continue
		}
		em.assign(it.pos, ref(it.v), updates[i])
	}
	for _, i := range deferred {
		em.assign(items[i].pos, ref(items[i].v), updates[i])
	}
	for _, it := range items {
		em.clamp(it.pos, it.v)
	}
}

var dt = &Special{Name: "dt"}

// method returns the new value of each variable of a group sharing one
// method, emitting the temporaries it needs.
func (em *emitter) method(m string, g []*eqItem) []Expr {
	us := make([]Expr, len(g))
	switch m {
	case "explicit":
		for i, it := range g {
			us[i] = add(ref(it.v), mul(dt, it.f()))
		}
	case "semiimplicit":
		for i, it := range g {
			k, ok := affineCoef(it.n, isVar(it.v), true)
			if !ok || isConst(k, 0) || dependsOn(it.c, isVar(it.v)) {
				em.b.diags.Warnf(it.pos, "equation for %s is not linear in %s; the semiimplicit method falls back to explicit", it.v.Name, it.v.Name)
				us[i] = add(ref(it.v), mul(dt, it.f()))
				continue
			}
			us[i] = add(ref(it.v), div(mul(dt, it.n), Simplify(sub(it.c, mul(dt, k)))))
		}
	case "exponential":
		for i, it := range g {
			k, ok := affineCoef(it.n, isVar(it.v), true)
			if !ok || isConst(k, 0) || dependsOn(it.c, isVar(it.v)) {
				em.b.diags.Errorf(it.pos, "equation for %s is not linear in %s; the exponential method needs the form tau * d%s/dt + %s = f, with f not depending on %s (use explicit, midpoint or rk4)", it.v.Name, it.v.Name, it.v.Name, it.v.Name, it.v.Name)
				us[i] = ref(it.v)
				continue
			}
			kp := normSum(neg(k))
			rate := Simplify(div(mul(neg(dt), kp), it.c))
			step := sub(num(1), &Call{Fun: "exp", Args: []Expr{rate}})
			us[i] = add(ref(it.v), mul(step, Simplify(div(it.n, kp))))
		}
	case "implicit":
		return em.implicit(g)
	case "midpoint":
		mark := len(em.out)
		k1 := em.stage(g, "_k1_", nil, nil)
		k2 := em.stage(g, "_k2_", k1, num(0.5))
		em.dropUnread(mark, len(g))
		for i, it := range g {
			us[i] = add(ref(it.v), mul(dt, k2[i]))
		}
	case "rk4":
		k1 := em.stage(g, "_k1_", nil, nil)
		k2 := em.stage(g, "_k2_", k1, num(0.5))
		k3 := em.stage(g, "_k3_", k2, num(0.5))
		k4 := em.stage(g, "_k4_", k3, num(1))
		for i, it := range g {
			sum := add(add(add(k1[i], add(k2[i], k2[i])), add(k3[i], k3[i])), k4[i])
			us[i] = add(ref(it.v), mul(div(dt, num(6)), sum))
		}
	default:
		for i, it := range g {
			em.b.diags.Errorf(it.pos, "method %q is not available here", m)
			us[i] = ref(it.v)
		}
	}
	return us
}

// stage emits one Runge-Kutta stage: each derivative of the group
// evaluated at x + h*dt*prev (or at x when prev is nil).
func (em *emitter) stage(g []*eqItem, prefix string, prev []Expr, h Expr) []Expr {
	ks := make([]Expr, len(g))
	for i, it := range g {
		f := it.f()
		if prev != nil {
			f = substitute(f, func(e Expr) Expr {
				r, ok := e.(*VarRef)
				if !ok || r.Side != Self {
					return nil
				}
				for j, o := range g {
					if r.Var == o.v {
						var step Expr = mul(dt, prev[j])
						if !isConst(h, 1) {
							step = mul(mul(h, dt), prev[j])
						}
						return add(ref(o.v), step)
					}
				}
				return nil
			})
		}
		t := em.temp(prefix + it.v.Name)
		em.assign(it.pos, t, f)
		ks[i] = t
	}
	return ks
}

// dropUnread removes the n temporaries assigned from em.out[mark] on that no
// later assignment reads: the first midpoint stage of a group whose
// derivatives do not depend on the group's variables (dz/dt = t).
func (em *emitter) dropUnread(mark, n int) {
	reads := func(st Stmt, name string) bool {
		a, ok := st.(*Assign)
		return !ok || dependsOn(a.Value, func(e Expr) bool { u, ok := e.(*Temp); return ok && u.Name == name })
	}
	out := em.out[:mark]
	for i, st := range em.out[mark:] {
		if a, ok := st.(*Assign); ok && i < n {
			if t, ok := a.LHS.(*Temp); ok && !slices.ContainsFunc(em.out[mark+n:], func(s Stmt) bool { return reads(s, t.Name) }) {
				continue
			}
		}
		out = append(out, st)
	}
	em.out = out
}

// implicit solves backward Euler for a group: (I - dt*J) Δ = dt*f, where J
// is the Jacobian of f over the group (constant in the group's variables).
// Row i is scaled by c_i so that M = diag(c) - dt*K with K = dN/dx.
func (em *emitter) implicit(g []*eqItem) []Expr {
	n := len(g)
	us := make([]Expr, n)
	M := make([][]Expr, n)
	rhs := make([]Expr, n)
	linear := true
	for i, it := range g {
		M[i] = make([]Expr, n)
		for j, o := range g {
			k, ok := affineCoef(it.n, isVar(o.v), false)
			if ok {
				for _, o2 := range g {
					if dependsOn(k, isVar(o2.v)) || dependsOn(it.c, isVar(o2.v)) {
						ok = false
					}
				}
			}
			if !ok {
				what := o.v.Name
				if n > 1 {
					what = "the implicit variables of its block"
				}
				em.b.diags.Errorf(it.pos, "equation for %s is not linear in %s; the implicit method needs linear equations (use semiimplicit, explicit or rk4)", it.v.Name, what)
				linear = false
				break
			}
			var diagc Expr = num(0)
			if i == j {
				diagc = it.c
			}
			M[i][j] = Simplify(sub(diagc, mul(dt, k)))
		}
		rhs[i] = Simplify(mul(dt, it.n))
	}
	if !linear {
		for i, it := range g {
			us[i] = ref(it.v)
		}
		return us
	}
	if n == 1 {
		us[0] = add(ref(g[0].v), div(rhs[0], M[0][0]))
		return us
	}
	// Gaussian elimination without pivoting, each non-trivial entry held in
	// a temporary. M is diag(c) - dt*K: for the small dt of neural models
	// the diagonal dominates.
	em.temps++
	id := em.temps
	hold := func(name string, e Expr) Expr {
		e = Simplify(e)
		switch e.(type) {
		case *Const, *VarRef, *ConstRef, *Special, *Temp:
			return e
		}
		t := em.temp(fmt.Sprintf("_imp%d_%s", id, name))
		em.assign(g[0].pos, t, e)
		return t
	}
	for i := range M {
		for j := range M[i] {
			M[i][j] = hold(fmt.Sprintf("m%d%d", i, j), M[i][j])
		}
		rhs[i] = hold(fmt.Sprintf("r%d", i), rhs[i])
	}
	for k := 0; k < n; k++ {
		for i := k + 1; i < n; i++ {
			if isConst(M[i][k], 0) {
				continue
			}
			f := hold(fmt.Sprintf("f%d%d", i, k), div(M[i][k], M[k][k]))
			for j := k + 1; j < n; j++ {
				M[i][j] = hold(fmt.Sprintf("m%d%d_%d", i, j, k), sub(M[i][j], mul(f, M[k][j])))
			}
			rhs[i] = hold(fmt.Sprintf("r%d_%d", i, k), sub(rhs[i], mul(f, rhs[k])))
		}
	}
	delta := make([]Expr, n)
	for i := n - 1; i >= 0; i-- {
		s := rhs[i]
		for j := i + 1; j < n; j++ {
			if !isConst(M[i][j], 0) {
				s = sub(s, mul(M[i][j], delta[j]))
			}
		}
		delta[i] = hold(fmt.Sprintf("d%d", i), div(s, M[i][i]))
	}
	for i, it := range g {
		us[i] = add(ref(it.v), delta[i])
	}
	return us
}

// markRefractory sets UnlessRefractory on assignments that still run while
// a neuron is refractory: those of conductances and of variables flagged
// unless_refractory, and of every temporary they read.
func markRefractory(ss []Stmt) {
	needed := map[string]bool{}
	collect := func(e Expr) {
		Walk(e, func(n Expr) {
			if t, ok := n.(*Temp); ok {
				needed[t.Name] = true
			}
		})
	}
	for i := len(ss) - 1; i >= 0; i-- {
		a := ss[i].(*Assign)
		switch l := a.LHS.(type) {
		case *VarRef:
			if l.Var != nil && (l.Var.Conductance || l.Var.UnlessRefractory) {
				a.UnlessRefractory = true
			}
		case *Temp:
			if needed[l.Name] {
				a.UnlessRefractory = true
			}
		}
		if a.UnlessRefractory {
			collect(a.Value)
		}
	}
}
