package ir

// Per-presynaptic storage: a per-synapse variable whose every synapse
// starts from the same value and whose equations read only presynaptic and
// projection-wide values and itself evolves identically in all synapses of
// one presynaptic neuron. It is then computed once per presynaptic neuron,
// with the same operations, so the numbers are exactly those of one
// computation per synapse (README, "Variables stored per presynaptic neuron").

// perPre decides which variables of pr qualify (Projection.PerPre): none
// when the synapse type prunes or creates synapses; otherwise a variable x
// qualifies when
//
//  1. it is a per-synapse float (or int) variable of the synapse type, not w,
//     not a parameter and not event-driven;
//  2. its initial value is the same for every synapse: the default reads only
//     literals, constants and projection-wide values, and the projection sets
//     it, if at all, to one number;
//  3. only the per-synapse equations assign it (no pre_spike, post_spike,
//     projection-wide or postsynaptic statement does), at least once;
//  4. every assignment to it, and to each temporary such an assignment reads,
//     reads nothing but literals, constants, t, dt, projection-wide values,
//     presynaptic values (pre.x, pre.sum(...), t_pre, mean(pre.x)),
//     projection-wide random variables, qualifying variables and such
//     temporaries;
//  5. no other per-synapse equation reads such a temporary, nor reads x
//     before x's last assignment (the per-presynaptic equations run first).
func perPre(pr *Projection) []*Var {
	st := pr.Type
	if st.Pruning != nil || st.Creating != nil {
		return nil // synapses come and go, created ones with their initial values
	}
	cand := map[*Var]bool{}
	for _, v := range st.Vars {
		if v.Loc == Local && !v.IsParam && !v.EventDriven && v.Name != "w" && v.Type != Bool && uniformInit(v, pr) {
			cand[v] = true
		}
	}
	for _, list := range [][]Stmt{st.GlobalUpdate, st.PostUpdate, st.PreSpike, st.PostSpike} {
		for _, s := range list {
			if r, ok := s.(*Assign).LHS.(*VarRef); ok && r.Var != nil {
				delete(cand, r.Var)
			}
		}
	}
	assigned := map[*Var]bool{}
	temps := map[string]bool{}
	for _, s := range st.LocalUpdate {
		switch l := s.(*Assign).LHS.(type) {
		case *VarRef:
			assigned[l.Var] = true
		case *Temp:
			temps[l.Name] = true
		}
	}
	for v := range cand {
		if !assigned[v] {
			delete(cand, v)
		}
	}
	for {
		// Drop what reads something that does not qualify, to a fixed point.
		for changed := true; changed; {
			changed = false
			for _, s := range st.LocalUpdate {
				a := s.(*Assign)
				if !isPerPreLHS(a, cand, temps) || perPreExpr(a.Value, cand, temps) {
					continue
				}
				switch l := a.LHS.(type) {
				case *VarRef:
					delete(cand, l.Var)
				case *Temp:
					delete(temps, l.Name)
				}
				changed = true
			}
		}
		// Rule 5: the remaining statements may not read a per-presynaptic
		// temporary, nor a variable before its last assignment.
		last := map[*Var]int{}
		for i, s := range st.LocalUpdate {
			if r, ok := s.(*Assign).LHS.(*VarRef); ok && cand[r.Var] {
				last[r.Var] = i
			}
		}
		bad := false
		for i, s := range st.LocalUpdate {
			a := s.(*Assign)
			if isPerPreLHS(a, cand, temps) {
				continue
			}
			Walk(a.Value, func(e Expr) {
				switch x := e.(type) {
				case *Temp:
					if temps[x.Name] {
						delete(temps, x.Name)
						bad = true
					}
				case *VarRef:
					if x.Side == Self && cand[x.Var] && i < last[x.Var] {
						delete(cand, x.Var)
						bad = true
					}
				}
			})
		}
		if !bad {
			break
		}
	}
	var out []*Var
	for _, v := range st.Vars {
		if cand[v] {
			out = append(out, v)
		}
	}
	return out
}

// isPerPreLHS reports whether a assigns a candidate variable or temporary.
func isPerPreLHS(a *Assign, cand map[*Var]bool, temps map[string]bool) bool {
	switch l := a.LHS.(type) {
	case *VarRef:
		return l.Side == Self && cand[l.Var]
	case *Temp:
		return temps[l.Name]
	}
	return false
}

// perPreExpr reports whether e reads only what rule 4 of perPre allows.
func perPreExpr(e Expr, cand map[*Var]bool, temps map[string]bool) bool {
	ok := true
	Walk(e, func(e Expr) {
		switch x := e.(type) {
		case *VarRef:
			switch x.Side {
			case Pre:
			case Self:
				ok = ok && x.Var != nil && (x.Var.Loc == Global || cand[x.Var])
			default:
				ok = false
			}
		case *Temp:
			ok = ok && temps[x.Name]
		case *Special:
			ok = ok && (x.Name == "t" || x.Name == "dt" || x.Name == "t_pre")
		case *SumRef:
			ok = ok && x.Side == Pre
		case *GlobalOpRef:
			ok = ok && x.Side != PostSide
		case *RandRef:
			ok = ok && x.R.Loc == Global
		case *TargetRef, *Param:
			ok = false
		}
	})
	return ok
}

// uniformInit reports whether every synapse of pr starts with the same value of v.
func uniformInit(v *Var, pr *Projection) bool {
	for _, o := range pr.Override {
		if o.Var == v && o.Value.Kind != NumValue {
			return false
		}
	}
	if v.Init == nil {
		return true
	}
	ok := true
	Walk(v.Init, func(e Expr) {
		switch x := e.(type) {
		case *VarRef:
			ok = ok && x.Side == Self && x.Var != nil && x.Var.Loc == Global
		case *Special, *SumRef, *RandRef, *Temp, *GlobalOpRef:
			ok = false
		}
	})
	return ok
}

// SplitPerPre splits a synapse type's per-synapse equations into those
// computed once per presynaptic neuron for the variables vars (of
// Projection.PerPre) with the temporaries they read, and the rest, each in
// its original order.
func SplitPerPre(local []Stmt, vars []*Var) (perPre, rest []Stmt) {
	cand := map[*Var]bool{}
	for _, v := range vars {
		cand[v] = true
	}
	if len(cand) == 0 {
		return nil, local
	}
	// A temporary is per-presynaptic when a per-presynaptic assignment reads it.
	temps := map[string]bool{}
	for i := len(local) - 1; i >= 0; i-- {
		a := local[i].(*Assign)
		if isPerPreLHS(a, cand, temps) {
			Walk(a.Value, func(e Expr) {
				if t, ok := e.(*Temp); ok {
					temps[t.Name] = true
				}
			})
		}
	}
	for _, s := range local {
		if isPerPreLHS(s.(*Assign), cand, temps) {
			perPre = append(perPre, s)
		} else {
			rest = append(rest, s)
		}
	}
	return perPre, rest
}
