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
