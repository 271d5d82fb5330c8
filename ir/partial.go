// Types with syntax errors: what other objects use of them is still
// checked, against the parts that parsed and the names the others would
// have declared.

package ir

import (
	"slices"
	"strings"

	"github.com/annc/annc/parser"
)

// partialType is a neuron or synapse type with syntax errors (reported),
// analysed as far as it parsed without reporting anything more.
type partialType struct {
	nt *NeuronType
	sy *synType
	// failed is what the parts with errors would have declared.
	failed *parser.Failed
	// exact is set when no part with errors declares anything, so that
	// expressions other than names (stop conditions) can be checked too.
	exact bool
}

// mentions reports whether a part of the type with errors names name.
func (p *partialType) mentions(name string) bool {
	return p != nil && slices.Contains(p.failed.Mentioned, name)
}

// quiet runs f and drops what it reports: the errors of a type with syntax
// errors are already reported, and the rest of it may seem wrong only
// because a part is missing.
func (b *builder) quiet(f func()) {
	n := len(b.diags)
	f()
	b.diags = b.diags[:n]
}

// partialNeuron analyses a neuron type with syntax errors, or returns nil
// when the names it declares cannot be told.
func (b *builder) partialNeuron(def *parser.NeuronDef) *partialType {
	if def.Failed.Unsure {
		return nil
	}
	d := *def
	if d.Spike == nil && d.Failed.Spike {
		d.Spike = &parser.Bool{Pos: def.Pos} // spiking; its condition is reported
	}
	var nt *NeuronType
	if def.Failed.OnlySpike {
		// Nothing else is missing: the rest's errors are its own.
		nt = b.neuronType(&d)
	} else {
		b.quiet(func() { nt = b.neuronType(&d) })
	}
	p := &partialType{nt: nt, failed: &def.Failed}
	p.exact = p.addVars(&nt.Vars, nt.Spiking)
	return p
}

// partialSynapse analyses a synapse type with syntax errors, or returns
// nil when the names it declares cannot be told.
func (b *builder) partialSynapse(def *parser.SynapseDef) *partialType {
	if def.Failed.Unsure {
		return nil
	}
	var sy *synType
	b.quiet(func() { sy = b.synapseType(def) })
	p := &partialType{sy: sy, failed: &def.Failed}
	p.exact = p.addVars(&sy.t.Vars, false)
	return p
}

// addVars declares the names the parts with errors would have declared
// (conductances g_x of a spiking neuron too) and reports whether there
// were none.
func (p *partialType) addVars(vars *[]*Var, spiking bool) bool {
	exact := true
	add := func(name string, param, conductance bool) {
		exact = false
		if slices.ContainsFunc(*vars, func(v *Var) bool { return v.Name == name }) {
			return
		}
		*vars = append(*vars, &Var{Name: name, IsParam: param, Loc: Local, Type: Float, Conductance: conductance})
	}
	for _, n := range p.failed.Params {
		add(n, true, false)
	}
	for _, n := range p.failed.Vars {
		add(n, false, false)
	}
	if spiking {
		for _, n := range p.failed.Mentioned {
			if len(n) > 2 && strings.HasPrefix(n, "g_") {
				add(n, false, true)
			}
		}
	}
	return exact
}

// maySum reports whether a population that could not be built may have
// sum(target): a part of its neuron type with errors names the target, or
// a projection of the model file (perhaps not built either) targets it.
func (b *builder) maySum(pop *Population, target string) bool {
	for _, p := range b.partialNeurons {
		if p != nil && p.nt == pop.Type && (target == "" || p.mentions(target)) {
			return true
		}
	}
	for _, pd := range b.m.Projs {
		if pd.Post.Name == pop.Name && (target == "" || pd.Target == target || slices.Contains(pd.Targets, target)) {
			return true
		}
	}
	return false
}

// withTargets is a spiking neuron type of a population that could not be
// built with the conductances g_target that the projections of the model
// file onto it would add (none of them is built), for checking the names
// its initial values and monitors use.
func (b *builder) withTargets(nt *NeuronType, pop string) *NeuronType {
	if !nt.Spiking || pop == "" {
		return nt
	}
	c := *nt
	c.Vars = slices.Clone(nt.Vars)
	for _, pd := range b.m.Projs {
		if pd.Post.Name != pop {
			continue
		}
		for _, t := range append([]string{pd.Target}, pd.Targets...) {
			if t != "" && !hasConductance(&c, t) {
				c.Vars = append(c.Vars, &Var{Name: "g_" + t, Loc: Local, Type: Float, Conductance: true})
			}
		}
	}
	return &c
}
