package lower

import (
	"strconv"

	"github.com/annc/annc/ir"
)

// Loop is one loop of a step: its slots (in the order it reads them) and
// its lowered statements and expressions, by section. Sections a loop does
// not have are empty.
type Loop struct {
	Name  string // "update", "transmit", "learn", "post_spike", ...
	Over  string // what it iterates over, for the dump
	Slots []*Slot

	// Kept: the statements a refractory neuron still computes (the
	// refractory branch); Body: every statement of an element; Others:
	// the pre_spike statements that do not write g_target (after Body).
	Kept, Body, Others []ir.Stmt
	Value              ir.Expr   // the psp of a transmission
	Cond               ir.Expr   // the condition of creating or pruning
	Decays             []Decay   // event-driven variables brought to now first
	Spike              ir.Expr   // the spike condition (after Body)
	Reset              []ir.Stmt // the reset of a neuron that spiked
	Refractory         ir.Expr   // its refractory period (ms)
}

// Decay is an event-driven variable: x = Inf + (x - Inf) * exp(-Rate * elapsed).
type Decay struct {
	Var       *ir.Var
	Inf, Rate ir.Expr
}

// Neuron is the update loop of a neuron type: the per-neuron statements
// (nil when the type has none to lower: inputs and types without equations).
func Neuron(t *ir.NeuronType) *Loop {
	if t.Input == ir.SpikeSourceInput || t.Input == ir.TimedArrayInput || (!t.Spiking && len(t.GlobalUpdate)+len(t.LocalUpdate) == 0) {
		return nil
	}
	l := newLowerer(config{written: ir.WrittenVars(t.LocalUpdate, t.Reset)}, nil)
	lp := &Loop{Name: "update", Over: "neurons of " + t.Name}
	// The order of the sections is the order the loop body reads them.
	if t.Spiking && t.Refractory != nil {
		lp.Kept = l.stmts(t.LocalUpdate, func(a *ir.Assign) bool { return a.UnlessRefractory })
	}
	lp.Body = l.stmts(t.LocalUpdate, nil)
	if t.Spiking {
		lp.Spike = l.expr(t.Spike)
		lp.Reset = l.stmts(t.Reset, nil)
		if t.Refractory != nil {
			lp.Refractory = l.expr(t.Refractory)
		}
	}
	lp.Slots = l.slots
	return lp
}

// Proj holds the loops of a projection (nil when it has no such loop).
type Proj struct {
	// Transmission of a rate-coded psp (or the continuous one of a
	// spiking projection): with presynaptic values of the last step, with
	// one delay for all synapses, with a delay per synapse.
	Rate, RateUniformDelay, RateSynDelay *Loop
	Spike                                *Loop // pre_spike of the spikes that arrive
	Learn                                *Loop // per-synapse equations
	PostSpike                            *Loop // post_spike of the post neurons that spiked
	Create, Prune                        *Loop // structural plasticity: the conditions

	// LearnPre: with variables stored per presynaptic neuron, their
	// equations, once per presynaptic rank (before Learn, which then holds
	// the others).
	LearnPre *Loop
	// PerPre: the same loops for the storage per presynaptic neuron of the
	// variables of ir.Projection.PerPre (nil when there are none).
	PerPre *Proj
}

// Projection lowers the loops of p with synapse type st (the projection's,
// or the default one). mayDelay: the rate-coded transmission may read
// delayed presynaptic values.
func Projection(p *ir.Projection, st *ir.SynapseType, mayDelay bool) *Proj {
	names := &preNames{}
	out := projection(p, st, mayDelay, nil, names)
	if len(p.PerPre) > 0 {
		perPre := map[*ir.Var]bool{}
		for _, v := range p.PerPre {
			perPre[v] = true
		}
		out.PerPre = projection(p, st, mayDelay, perPre, names)
	}
	return out
}

func projection(p *ir.Projection, st *ir.SynapseType, mayDelay bool, perPre map[*ir.Var]bool, names *preNames) *Proj {
	pre, post := p.Pre.Pop.Type, p.Post.Pop.Type
	syn := func(name, over string, cfg config) (*lowerer, *Loop) {
		cfg.synapse, cfg.pre, cfg.post, cfg.perPre = true, pre, post, perPre
		return newLowerer(cfg, names), &Loop{Name: name, Over: over}
	}
	out := &Proj{}
	if st.Spiking {
		l, lp := syn("transmit", "synapses reached by the spikes", config{written: ir.WrittenVars(st.PreSpike)})
		lp.Decays = l.decays(st.Decays)
		isTarget := func(a *ir.Assign) bool { _, ok := a.LHS.(*ir.TargetRef); return ok }
		lp.Body = l.stmts(st.PreSpike, isTarget)
		lp.Others = l.stmts(st.PreSpike, func(a *ir.Assign) bool { return !isTarget(a) })
		lp.Slots = l.slots
		out.Spike = lp
		if len(st.PostSpike) > 0 {
			l, lp := syn("post_spike", "synapses of the post neurons that spiked", config{written: ir.WrittenVars(st.PostSpike)})
			lp.Decays = l.decays(st.Decays)
			lp.Body = l.stmts(st.PostSpike, nil)
			lp.Slots = l.slots
			out.PostSpike = lp
		}
	}
	targets := p.Targets
	if targets == nil {
		targets = []string{p.Target}
	}
	if st.Psp != nil && len(targets) > 0 && (st.Spiking || p.DecodeSteps == 0) {
		rate := func(name string, cfg config) *Loop {
			cfg.row = true
			l, lp := syn("transmit", name, cfg)
			lp.Value = l.expr(st.Psp)
			lp.Slots = l.slots
			return lp
		}
		if mayDelay {
			out.RateUniformDelay = rate("synapses of each post neuron, one delay", config{delayed: true})
			out.RateSynDelay = rate("synapses of each post neuron, a delay each", config{delayed: true})
		}
		out.Rate = rate("synapses of each post neuron", config{preArrays: true})
	}
	if c := st.Creating; c != nil {
		l, lp := syn("create", "pre/post pairs of each post neuron", config{row: true})
		lp.Cond = l.expr(c.Cond)
		lp.Slots = l.slots
		out.Create = lp
	}
	if c := st.Pruning; c != nil {
		l, lp := syn("prune", "synapses", config{})
		lp.Cond = l.expr(c.Cond)
		lp.Slots = l.slots
		out.Prune = lp
	}
	rest := st.LocalUpdate
	if perPre != nil {
		var first []ir.Stmt
		first, rest = ir.SplitPerPre(rest, p.PerPre)
		l, lp := syn("learn", "presynaptic neurons", config{preInline: true, written: ir.WrittenVars(st.GlobalUpdate, st.PostUpdate, st.LocalUpdate)})
		lp.Body = l.stmts(first, nil)
		lp.Slots = l.slots
		out.LearnPre = lp
	}
	if len(rest) > 0 {
		l, lp := syn("learn", "synapses of each post neuron", config{row: true, preArrays: true, written: ir.WrittenVars(st.PostUpdate, st.LocalUpdate)})
		lp.Body = l.stmts(rest, nil)
		lp.Slots = l.slots
		out.Learn = lp
	}
	return out
}

func (l *lowerer) decays(ds []*ir.Decay) []Decay {
	var out []Decay
	for _, d := range ds {
		inf := l.expr(d.Inf)
		out = append(out, Decay{Var: d.Var, Inf: inf, Rate: l.expr(d.Rate)})
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
