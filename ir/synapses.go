package ir

import (
	"fmt"

	"github.com/annc/annc/internal/lang"
)

// MaxPairs is the most pre × post pairs a pattern computed from positions
// (gaussian, dog) may evaluate: each pair costs nanoseconds, and beyond this
// a build takes longer than a user would wait for a mistyped geometry.
const MaxPairs = 1e10

// checkSynapseCount reports a projection whose synapses, as its connector's
// row counts them (EstimateSynapses), are more than one projection can
// index (MaxSynapses): an exact count (from_matrix's entries), or an
// expected one more than 10 standard deviations above the limit (the
// runtime's rule for fixed_probability: certainly too many; nearer, the
// draws decide). Counts known from the arguments alone (Count.Least) are
// refused with them; a mere upper bound (gaussian, dog) says nothing of
// what is created: the runtime refuses those that pass the limit, and
// check refuses the patterns with more pairs to evaluate than MaxPairs.
func (b *builder) checkSynapseCount(p *Projection) {
	row, ok := lang.LookupConnector(p.Connector.Kind)
	if !ok || p.Pre.Pop == nil || p.Post.Pop == nil {
		return
	}
	n := row.Synapses(p.Connector.Shape(&p.Pre, &p.Post))
	if n.Bound && n.N > MaxPairs {
		b.errorf(p.Connector.Pos, "%s computes a weight for each of the %d pre × %d post neuron pairs (%.3g), more than the %.0e it can evaluate in minutes; connect smaller populations",
			p.Connector.Kind, p.Pre.Len(), p.Post.Len(), n.N, float64(MaxPairs))
		return
	}
	if n.Least > MaxSynapses || n.Bound || !(n.N-10*n.SD > MaxSynapses) { // NaN: an invalid probability, reported
		return
	}
	how := fmt.Sprintf("%.0f synapses", n.N)
	if !n.Exact {
		how = fmt.Sprintf("about %.3g synapses between %d pre and %d post neurons", n.N, p.Pre.Len(), p.Post.Len())
	}
	b.errorf(p.Connector.Pos, "%s creates %s, more than the %d (2^31-1) one projection can hold; split it into several projections or connect fewer neurons",
		p.Connector.Kind, how, MaxSynapses)
}

// maxDelayGroupBytes is the memory of the row starts of a projection's delay
// groups above which check warns.
const maxDelayGroupBytes = 256 << 20

// checkDelayGroups warns of delays drawn over so many steps that their
// groups cost more memory than the synapses. A projection keeps its
// synapses grouped by delay, one row per presynaptic neuron and distinct
// delay (4 bytes each, empty or not): Uniform(1, 20) ms at dt 0.01 is 1,901
// groups, 1.5 GB of row starts for 200,000 presynaptic neurons.
func (b *builder) checkDelayGroups(p *Projection) {
	v := p.Connector.Delays
	row, ok := lang.LookupConnector(p.Connector.Kind)
	if !ok || p.Pre.Pop == nil || p.Post.Pop == nil || v.Kind != DistValue || len(v.Args) != 2 ||
		(v.Dist != "Uniform" && v.Dist != "DiscreteUniform") || !(b.out.Dt > 0) {
		return
	}
	syn := row.Synapses(p.Connector.Shape(&p.Pre, &p.Post)).N
	groups := float64(Steps(v.Args[1], b.out.Dt)-Steps(v.Args[0], b.out.Dt)) + 1
	groups = min(groups, syn) // no more groups than synapses
	nPre := float64(p.Pre.Len())
	if bytes := nPre * groups * 4; bytes > maxDelayGroupBytes && bytes > syn*4 {
		b.diags.Warnf(v.Pos, "projection %s: its delays take about %.0f values (steps of %s ms), and its synapses are grouped by delay, one row per presynaptic neuron and delay: %.0f MiB of row starts for %d presynaptic neurons, more than the synapses hold, and every step goes through every group; delays on a coarser grid (or a larger dt) take less",
			p.Name, groups, fnum(b.out.Dt), bytes/(1<<20), p.Pre.Len())
	}
}
