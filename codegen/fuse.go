package codegen

import (
	"fmt"
	"strings"

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

// fusedStep prints phases 1 to 5 of the fused step: weighted sums cleared,
// the projections that do not deliver inside the split transmit, random
// variables are drawn, then the split (fusedRange), then the inputs update.
// fusedCode prints the Network methods it calls.
func (g *generator) fusedStep() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("\t// 1. Weighted sums are cleared. 2. Projections that do not deliver\n")
	w("\t// inside the split transmit. 4. Random variables are drawn.\n")
	for _, p := range g.pops {
		if len(p.nt.targets) > 0 {
			w("\tif n.%s != nil {\n\t\tn.%s.zeroSums()\n\t}\n", p.field, p.field)
		}
	}
	for _, pj := range g.projs {
		if !pj.fusedIn {
			w("\tif n.%s != nil {\n\t\tn.%s.transmit(n)\n\t}\n", pj.field, pj.field)
		}
	}
	for _, p := range g.pops {
		if len(p.nt.t.Randoms) > 0 {
			w("\tif n.%s != nil {\n\t\tn.%s.draw(n)\n\t}\n", p.field, p.field)
		}
	}
	w("\t// 2. The other projections transmit and 5. populations update, range\n")
	w("\t// by range of postsynaptic neurons (fusedRange); then the inputs update.\n")
	pops := g.fusedPops()
	for _, p := range pops {
		w("\tif p := n.%s; p != nil {\n\t\tp.updateBegin(n)\n\t}\n", p.field)
	}
	w("\tif n.fusedRangeFn == nil {\n\t\tn.fusedRangeFn = n.fusedRange\n\t}\n")
	w("\titems, work := n.fusedItems()\n\tchunks := n.Core.SplitWork(items, work, n.fusedRangeFn)\n")
	for _, p := range pops {
		if p.nt.t.Spiking {
			w("\tif p := n.%s; p != nil {\n\t\tp.updateEnd(chunks)\n\t}\n", p.field)
		}
	}
	spiking := false
	for _, p := range pops {
		spiking = spiking || p.nt.t.Spiking
	}
	if !spiking {
		w("\t_ = chunks\n")
	}
	for _, p := range g.pops {
		if !p.nt.ranged {
			w("\tif n.%s != nil {\n\t\tn.%s.update(n)\n\t}\n", p.field, p.field)
		}
	}
	return b.String()
}

// fusedCode prints fusedItems and fusedRange.
func (g *generator) fusedCode() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	pops := g.fusedPops()
	w("// fusedSteps is false when ANNC_FUSE=off: step then computes the phases\n// one after the other (the same results).\nvar fusedSteps = annrt.FusedSteps()\n\n")
	w("// fusedItems is the number of neurons the fused step updates, and an\n")
	w("// estimate of the work of the step (Core.SplitWork).\n")
	w("func (n *Network) fusedItems() (items int, work int64) {\n")
	for _, p := range pops {
		w("if p := n.%s; p != nil {\nitems += p.Size\nwork += int64(p.Size) * %d\n}\n", p.field, loopCost(p.nt.t.LocalUpdate, p.nt.t.Reset))
	}
	for _, pj := range g.projs {
		if !pj.fusedIn {
			continue
		}
		// The synapses reached, from the mean row length.
		w("if pj := n.%s; pj != nil && pj.C.NPre > 0 {\nrow := int64(pj.C.Len() / (pj.C.NPre * len(pj.C.Delays)))\nfor _, d := range pj.C.Delays {\nspikes := pj.pre.Spiked\nif d > 1 {\nspikes = pj.pre.ring.Ago(int(d))\n}\nwork += int64(len(spikes)) * row * %d\n}\n}\n",
			pj.field, 2+loopCost(pj.st.PreSpike))
	}
	w("return items, work\n}\n\n")

	w("// fusedRange computes the neurons [lo, hi) of the fused populations, counted\n")
	w("// one population after the other in creation order: the input each\n")
	w("// projection delivers to them, then their update.\n")
	w("func (n *Network) fusedRange(chunk, lo, hi int) {\noff := 0\n")
	for _, p := range pops {
		w("if p := n.%s; p != nil {\n", p.field)
		w("if a, e := max(lo-off, 0), min(hi-off, p.Size); a < e {\n")
		for _, pj := range g.projs {
			if pj.fusedIn && pj.post == p {
				w("if pj := n.%s; pj != nil {\npj.transmitRange(n, chunk, a, e)\n}\n", pj.field)
			}
		}
		w("p.updateRange(n, chunk, a, e)\n}\noff += p.Size\n}\n")
	}
	w("_ = off\n}\n")
	return b.String()
}
