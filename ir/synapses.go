package ir

import (
	"fmt"
	"math"
)

// checkSynapseCount reports a projection whose synapses, as EstimateSynapses
// counts them, are more than one projection can index (MaxSynapses): the
// non-NaN entries of from_matrix, or the expected number of
// fixed_probability when more than 10 standard deviations above the limit
// (the runtime's rule: certainly too many; nearer, the draws decide).
// Connectors whose count is known from their arguments alone are refused
// with those (leastSynapses); gaussian and dog have only the bound pre ×
// post, which says nothing of what they create: the runtime refuses them
// if they pass the limit.
func (b *builder) checkSynapseCount(p *Projection) {
	c := p.Connector
	if c.Kind == "gaussian" || c.Kind == "dog" || p.Pre.Pop == nil || p.Post.Pop == nil {
		return
	}
	if least, _ := leastSynapses(c, p.Pre, p.Post); least > MaxSynapses {
		return // reported with the connector's arguments
	}
	n, exact := EstimateSynapses(p)
	margin := 0.0
	if c.Kind == "fixed_probability" {
		margin = 10 * math.Sqrt(n*(1-c.Probability))
	}
	if n-margin <= MaxSynapses {
		return
	}
	how := fmt.Sprintf("%.0f synapses", n)
	switch {
	case c.Kind == "fixed_probability":
		how = fmt.Sprintf("%d pre × %d post neurons × probability %s = about %.3g synapses", p.Pre.Len(), p.Post.Len(), fnum(c.Probability), n)
	case !exact:
		how = fmt.Sprintf("about %.3g synapses", n)
	}
	b.errorf(c.Pos, "%s creates %s, more than the %d (2^31-1) one projection can hold; split it into several projections or connect fewer neurons",
		c.Kind, how, MaxSynapses)
}
