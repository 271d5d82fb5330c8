package codegen

import (
	"strings"

	"github.com/annc/annc/ir"
)

// accessCase is one path of Network.Set or Network.Get; network.go.tmpl
// prints its case from these fields (templates "setCase" and "getCase").
type accessCase struct {
	Path string
	Obj  string // Network field of the object, checked for nil; "" for a constant
	// Op is what the case does: "var" (a variable or parameter, weights,
	// sum(target)), "weights" (of a presynaptic-major projection), "delays",
	// "spikeTimes", "rates", "schedule", "period", "const".
	Op    string
	Field string // the object's field (Const's for a constant) holding the values
	// Global, Bool and Int give the shape and type of a variable (an int
	// is stored as a float; Set refuses fractions).
	Global, Bool, Int bool
	// RefPop and RefVar: the variable is read as the refractory period of
	// population RefPop's neurons; Set refuses what their counter cannot hold.
	RefPop, RefVar string
	// Sync: the weights of a static spiking projection, whose presynaptic
	// copy follows after a Set (SyncWeights).
	Sync bool
	// At: a per-synapse variable of a projection stored in presynaptic
	// rows, read and set in synapse order through Obj.at (rowStored).
	At bool
}

// accessCases are the cases of Set (Rows: the paths that take rows, read
// before the value is parsed as an annrt.Value) and Get, in path order.
type accessCases struct {
	Rows, Set, Get []accessCase
	Paths          []string // every path, once, in the order Paths() lists them
}

// varCase is the case of variable vr held in field f of object obj.
func varCase(path, obj, f string, vr *ir.Var) accessCase {
	return accessCase{Path: path, Obj: obj, Op: "var", Field: f, Global: vr.Loc == ir.Global, Bool: vr.Type == ir.Bool, Int: vr.Type == ir.Int}
}

// add appends a case to Set and to Get.
func (a *accessCases) add(c accessCase) {
	a.Set = append(a.Set, c)
	a.get(c)
}

// get appends a case to Get only (a path that is read, or whose Set is in Rows).
func (a *accessCases) get(c accessCase) {
	a.Get = append(a.Get, c)
	a.Paths = append(a.Paths, c.Path)
}

// popAccess adds the paths of a population's variables and sums.
func (a *accessCases) popAccess(p *pop) {
	nt := p.nt
	ref, _ := nt.t.Refractory.(*ir.VarRef)
	for _, vr := range nt.t.Vars {
		c := varCase(p.p.Name+"."+vr.Name, p.field, nt.field[vr], vr)
		if ref != nil && ref.Var == vr && nt.t.Spiking {
			c.RefPop, c.RefVar = p.p.Name, vr.Name
		}
		a.add(c)
	}
	for _, t := range nt.targets {
		a.get(accessCase{Path: p.p.Name + ".sum(" + t + ")", Obj: p.field, Op: "var", Field: nt.sumField[t]})
	}
}

// projAccess adds the paths of a projection's weights and variables.
func (a *accessCases) projAccess(pj *proj) {
	w := accessCase{Path: pj.p.Name + ".w", Obj: pj.field, Op: "var", Field: "W", Sync: staticSpiking(pj.st)}
	if pj.storePre {
		// W is in storage order: Weights and SetWeights put it in synapse order.
		w = accessCase{Path: w.Path, Obj: pj.field, Op: "weights"}
	}
	w.At = pj.rows
	a.add(w)
	for _, vr := range pj.st.Vars {
		if vr.Name != "w" {
			c := varCase(pj.p.Name+"."+vr.Name, pj.field, pj.fld[vr], vr)
			c.At = pj.inRows(vr)
			a.add(c)
		}
	}
}

// inputAccess adds the paths of an input population's buffers: spike times
// of a spike source, rows, schedule and period of a timed array.
func (a *accessCases) inputAccess(p *pop) {
	switch p.p.Input {
	case ir.SpikeSourceInput:
		c := accessCase{Path: p.p.Name + ".spike_times", Obj: p.field, Op: "spikeTimes"}
		a.Rows = append(a.Rows, c)
		a.get(c)
	case ir.TimedArrayInput:
		c := accessCase{Path: p.p.Name + ".rates", Obj: p.field, Op: "rates"}
		a.Rows = append(a.Rows, c)
		a.get(c)
		for _, op := range []string{"schedule", "period"} {
			a.add(accessCase{Path: p.p.Name + "." + op, Obj: p.field, Op: op})
		}
	}
}

// delayAccess adds the path of a projection's delays.
func (a *accessCases) delayAccess(pj *proj) {
	a.add(accessCase{Path: pj.p.Name + ".delays", Obj: pj.field, Op: "delays"})
}

// constAccess adds the path of a constant of the model.
func (a *accessCases) constAccess(name, field string) {
	a.add(accessCase{Path: name, Op: "const", Field: field})
}

// finiteObj is a population or projection whose float state CheckFinite
// (and CheckFiniteVars) looks at, with one check per variable.
type finiteObj struct {
	Field  string // Network field
	Recv   string // its local name in the check ("p" or "pj")
	Checks []finiteCheck
	Sync   bool // a projection storing variables per presynaptic neuron: syncOut first
}

// finiteCheck calls annrt's Func ("CheckNeurons", "CheckScalar",
// "CheckPostNeurons", "CheckSynapses", "CheckRefractory",
// "CheckRefractoryScalar") on a variable's field.
type finiteCheck struct {
	Func, Obj, Var, Field string
	At                    bool // CheckSynapsesAt: stored in presynaptic rows (rowStored)
	Proj                  bool // CheckScalar's projection flag
}

// finiteChecks lists what Network.CheckFinite (params true) or
// CheckFiniteVars checks: populations, then projections, in creation order,
// their float parameters (with params) and variables in declaration order,
// skipping objects WithOnly left out; with params, a population's parameter
// read as its refractory period comes first (CheckRefractory). No equation writes a parameter (a
// weight that learning changes is a variable), so CheckFiniteVars sees
// everything a step can change. Each check is a call on a slice or a
// value, so a network whose state is finite allocates nothing.
// refractoryChecks are the CheckRefractory calls of finiteChecks alone,
// which Load makes (a loaded state is not checked otherwise with
// -check-every 0).
func (g *generator) refractoryChecks() []finiteObj {
	var out []finiteObj
	for _, o := range g.finiteChecks(true) {
		if c := o.Checks[0]; strings.HasPrefix(c.Func, "CheckRefractory") {
			o.Checks = o.Checks[:1]
			out = append(out, o)
		}
	}
	return out
}

func (g *generator) finiteChecks(params bool) []finiteObj {
	var out []finiteObj
	for _, p := range g.pops {
		o := finiteObj{Field: p.field, Recv: "p"}
		for _, vr := range p.nt.t.Vars {
			if vr.Type != ir.Float || (vr.IsParam && !params) {
				continue
			}
			fn := "CheckNeurons"
			if vr.Loc == ir.Global {
				fn = "CheckScalar"
			}
			o.Checks = append(o.Checks, finiteCheck{Func: fn, Obj: p.p.Name, Var: vr.Name, Field: p.nt.field[vr]})
		}
		if ref, ok := p.nt.t.Refractory.(*ir.VarRef); ok && params && p.nt.t.Spiking {
			// a parameter read as the refractory period: one that the
			// counter cannot hold is refused with the initial state
			fn := "CheckRefractory"
			if ref.Var.Loc == ir.Global {
				fn = "CheckRefractoryScalar"
			}
			// first: a NaN period is not a numerical blow-up
			o.Checks = append([]finiteCheck{{Func: fn, Obj: p.p.Name, Var: ref.Var.Name, Field: p.nt.field[ref.Var]}}, o.Checks...)
		}
		if len(o.Checks) > 0 {
			out = append(out, o)
		}
	}
	for _, pj := range g.projs {
		o := finiteObj{Field: pj.field, Recv: "pj", Sync: len(pj.byPre) > 0}
		for _, vr := range pj.st.Vars {
			if vr.Type != ir.Float || (vr.IsParam && !params) {
				continue
			}
			fn := "CheckSynapses"
			switch vr.Loc {
			case ir.Global:
				fn = "CheckScalar"
			case ir.Post:
				fn = "CheckPostNeurons"
			}
			ck := finiteCheck{Func: fn, Obj: pj.p.Name, Var: vr.Name, Field: pj.fld[vr], Proj: true}
			if fn == "CheckSynapses" && pj.rows {
				ck.Func, ck.At = "CheckSynapsesAt", true
			}
			o.Checks = append(o.Checks, ck)
		}
		if len(o.Checks) > 0 {
			out = append(out, o)
		}
	}
	return out
}

// onlyCase marks the objects of one name for WithOnly: the entries of the
// arrays popOn, projOn and monOn.
type onlyCase struct {
	Name  string
	Marks []onlyMark
}

type onlyMark struct {
	Array string
	Index int
}

// onlyCases lists the cases WithOnly uses to mark the objects of a name,
// and the names.
func (g *generator) onlyCases() ([]onlyCase, []string) {
	var out []onlyCase
	at := map[string]int{}
	add := func(name, array string, i int) {
		k, ok := at[name]
		if !ok {
			k = len(out)
			at[name] = k
			out = append(out, onlyCase{Name: name})
		}
		out[k].Marks = append(out[k].Marks, onlyMark{array, i})
	}
	for i, p := range g.pops {
		add(p.p.Name, "popOn", i)
	}
	for i, pj := range g.projs {
		add(pj.p.Name, "projOn", i)
	}
	for i, mo := range g.mons {
		add(mo.m.Name, "monOn", i)
	}
	names := make([]string, len(out))
	for i, c := range out {
		names[i] = c.Name
	}
	return out, names
}
