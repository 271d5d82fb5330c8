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
