package codegen

import (
	"slices"

	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/ir"
)

// A fused step computes phases 2 and 5 of a step (README, "One step") in
// one split over the neurons of the populations: each goroutine delivers
// the input of the static projections to its range of postsynaptic
// neurons, then updates them, with one hand-over per step instead of one
// per projection and population. The spikes delivered are those of earlier
// steps, each neuron receives them in the same order, and each neuron's
// update reads only its own variables, so this computes what the phases
// compute one after the other, as long as nothing between them or inside
// them reads across ranges: fuse lists what that requires.

// fuse decides whether the model's step is fused and which projections
// deliver inside the split (fusedIn); the others transmit before it, on
// their own, as the phase-by-phase step does. It requires that no monitor
// records the input of the step before the update (it would need every
// range delivered) and that no projection draws random variables (they
// are drawn after the delivery that reads them) or writes a population-wide
// postsynaptic variable (which a population's random draws or
// population-wide equations may read). Into each population, the
// projections transmitting before the split must precede those delivering
// inside it, so that every neuron receives its input in creation order.
func (g *generator) fuse() {
	for _, mo := range g.mons {
		if mo.m.View == nil {
			continue
		}
		for _, vr := range mo.m.Vars {
			if vr.Kind == lang.MonSum || (vr.Kind != lang.MonSpike && vr.Var != nil && vr.Var.Conductance) {
				return
			}
		}
	}
	for _, pj := range g.projs {
		if len(pj.st.Randoms) > 0 || writesPostGlobal(pj) {
			return
		}
	}
	in := map[*proj]bool{}
	for _, pj := range g.projs {
		in[pj] = fusableProj(pj)
	}
	// A projection after one that transmits before the split, into the
	// same population, transmits before the split too.
	for _, pj := range g.projs {
		if !in[pj] {
			for _, q := range g.projs {
				if q.post == pj.post && q.p.Index > pj.p.Index {
					in[q] = false
				}
			}
		}
	}
	g.fused = true
	for _, pj := range g.projs {
		pj.fusedIn = in[pj]
	}
}

// fusableProj reports whether pj can deliver inside the split of a fused
// step: a static spiking projection whose transmission is split over
// postsynaptic ranks and whose pre_spike statements read no presynaptic
// variable (another range may already have updated it), only parameters.
func fusableProj(pj *proj) bool {
	st := pj.st
	if !staticSpiking(st) || st.Psp != nil || pj.p.DecodeSteps > 0 || !splitTransmit(pj) {
		return false
	}
	ok := true
	for _, s := range st.PreSpike {
		if a, isAssign := s.(*ir.Assign); isAssign {
			walk(a.Value, func(e ir.Expr) {
				if r, isRef := e.(*ir.VarRef); isRef && r.Side == ir.Pre && (r.Var == nil || !r.Var.IsParam) {
					ok = false
				}
			})
		}
	}
	return ok
}

// writesPostGlobal reports whether a pre_spike statement of pj writes a
// population-wide variable of the postsynaptic population.
func writesPostGlobal(pj *proj) bool {
	for _, s := range pj.st.PreSpike {
		a, ok := s.(*ir.Assign)
		if !ok {
			continue
		}
		t, ok := a.LHS.(*ir.TargetRef)
		if !ok {
			continue
		}
		names := []string{t.Name}
		if t.Name == "" {
			names = names[:0]
			for _, tg := range pj.targets {
				names = append(names, "g_"+tg)
			}
		}
		for _, n := range names {
			if v := pj.post.nt.byName[n]; v != nil && v.Loc == ir.Global {
				return true
			}
		}
	}
	return false
}

// fusedPops are the populations whose update the fused step splits: those
// with a loop over neurons (inputs update on their own, after them).
func (g *generator) fusedPops() []*pop {
	var out []*pop
	for _, p := range g.pops {
		if p.nt.ranged {
			out = append(out, p)
		}
	}
	return out
}

// fusedView is what network.go.tmpl prints of a fused step: the
// populations updated in the split (Pops) and the projections delivering
// inside it (Projs), with the work estimates of Core.SplitWork; the step
// itself (phases 1 to 5) also reads popView.Ranged and projView.FusedIn.
type fusedView struct {
	Pops    []fusedPopView
	Projs   []fusedProjView
	Before  []string // projections transmitting before the split into its populations that keep wholeReach
	Spiking bool     // some population of the split spikes (updateEnd)
}

// fusedPopView is a population of the split: the work of one neuron, and
// the Network fields of the projections delivering to it inside the split.
type fusedPopView struct {
	Field   string
	Cost    int
	Spiking bool
	Projs   []string
}

// fusedProjView is a projection delivering inside the split: the work of one
// synapse its spikes reach, and the index in Pops of the population it
// delivers to.
type fusedProjView struct {
	Field string
	Cost  int
	Pop   int
}

// fusedView describes the fused step, nil when the step is not fused.
func (g *generator) fusedView() *fusedView {
	if !g.fused {
		return nil
	}
	f := &fusedView{}
	for _, p := range g.fusedPops() {
		fp := fusedPopView{Field: p.field, Cost: loopCost(p.nt.t.LocalUpdate, p.nt.t.Reset), Spiking: p.nt.t.Spiking}
		for _, pj := range g.projs {
			if pj.fusedIn && pj.post == p {
				fp.Projs = append(fp.Projs, pj.field)
			}
		}
		f.Pops = append(f.Pops, fp)
		f.Spiking = f.Spiking || fp.Spiking
	}
	for _, pj := range g.projs {
		at := slices.IndexFunc(f.Pops, func(fp fusedPopView) bool { return fp.Field == pj.post.field })
		switch {
		case pj.fusedIn:
			f.Projs = append(f.Projs, fusedProjView{Field: pj.field, Cost: 2 + loopCost(pj.st.PreSpike), Pop: at})
		case at >= 0 && pj.wholeReach:
			f.Before = append(f.Before, pj.field)
		}
	}
	return f
}
