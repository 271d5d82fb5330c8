package codegen

import (
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/ir"
)

// preMajorOnly reports whether a projection keeps its synapses in the
// presynaptic-major layout only (annrt.Conn.Compact: per synapse a post
// rank and w, README "Synapse storage"): its spike transmission is static
// (staticSpiking) and nothing else reads its synapses by postsynaptic
// neuron — no continuous psp, no synapse equations, no per-synapse
// variables or random numbers, no pruning or creating. Other projections keep the post-major
// layout with its presynaptic index (and, when static, presynaptic-major
// copies of w and the post ranks for transmission).
func preMajorOnly(pj *proj) bool {
	st := pj.st
	if !staticSpiking(st) || st.Psp != nil || pj.p.DecodeSteps > 0 || pj.p.Structural() {
		return false
	}
	if len(st.GlobalUpdate)+len(st.PostUpdate)+len(st.LocalUpdate) > 0 {
		return false
	}
	for _, v := range st.Vars {
		if v.Name != "w" && v.Loc == ir.Local {
			return false
		}
	}
	for _, r := range st.Randoms {
		if r.Loc != ir.Global {
			return false
		}
	}
	return true
}

// oneWeight reports whether a projection stored presynaptic-major only
// (which nothing writes w in) starts with one weight for all its synapses:
// its connector draws the weights and they are a plain number. W then holds
// that number once until something sets the weights per synapse (README,
// "Synapse storage").
func oneWeight(p *ir.Projection) bool {
	row, _ := lang.LookupConnector(p.Connector.Kind)
	return row.DrawsWeights() && p.Connector.Weights.Kind == ir.NumValue
}

// preMajor reports whether the generated code keeps pj in the
// presynaptic-major layout.
func (g *generator) preMajor(pj *proj) bool { return pj.storePre }

// transmitArrays names the pre-major weights and post ranks that static
// spike transmission reads: the storage itself in the presynaptic-major
// layout, the copies otherwise.
func (g *generator) transmitArrays(pj *proj) (w, post string) {
	if g.preMajor(pj) {
		return "pj.W", "pj.C.Post"
	}
	return "pj.preW", "pj.prePost"
}

// inRows reports whether the generated code keeps the synapse variable v
// of pj in presynaptic rows: every per-synapse one (w included) of a
// projection that rowStored chose.
func (pj *proj) inRows(v *ir.Var) bool { return pj.rows && v.Loc == ir.Local }

// rowStored reports whether a projection keeps its per-synapse variables
// in the order of its presynaptic index (annrt.RowStorage, README "Synapse
// storage"): a plastic spiking projection whose pre_spike statements, run
// for every synapse a spike reaches, then read and write contiguous
// memory. Its post_spike statements go through the synapse's position.
// Per-synapse loops (synapse equations, random numbers drawn per synapse),
// continuous psp, decoding and structural plasticity keep synapse order,
// as do projection-wide and postsynaptic equations reading a synapse
// variable.
func rowStored(pj *proj) bool {
	st, p := pj.st, pj.p
	if !st.Spiking || staticSpiking(st) || len(st.PreSpike) == 0 || st.Psp != nil || p.DecodeSteps > 0 || p.Structural() {
		return false
	}
	if len(st.LocalUpdate) > 0 || len(p.PerPre) > 0 {
		return false
	}
	for _, r := range st.Randoms {
		if r.Loc != ir.Global {
			return false
		}
	}
	local := false
	for _, list := range [][]ir.Stmt{st.GlobalUpdate, st.PostUpdate} {
		for _, s := range list {
			ir.Walk(s.(*ir.Assign).Value, func(e ir.Expr) {
				if r, ok := e.(*ir.VarRef); ok && r.Side == ir.Self && r.Var != nil && r.Var.Loc == ir.Local {
					local = true
				}
			})
		}
	}
	return !local
}
