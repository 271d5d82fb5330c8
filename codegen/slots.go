package codegen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/annc/annc/lower"
)

// slot prints a slot of the lowered loop: an invariant or per-row slot is
// bound before the loop or at the top of each row, in the order the body
// first reads it; a per-presynaptic slot is an array of the projection
// filled before the loop (c.preFill) and read at the presynaptic rank.
func (c *exprPrinter) slot(s *lower.Slot) printedExpr {
	switch s.Place {
	case lower.PerPre:
		return c.preArray(s)
	case lower.PerRow:
		return c.bindSlot(s, c.row)
	}
	return c.bindSlot(s, c.outer)
}

// bindSlot declares slot s in scope sc on first use.
func (c *exprPrinter) bindSlot(s *lower.Slot, sc *scope) printedExpr {
	key := "slot." + s.Name
	if n, ok := sc.byKey[key]; ok {
		return atom(n, c.slotTypes[s])
	}
	p := c.expr(s.Value)
	if c.slotTypes == nil {
		c.slotTypes = map[*lower.Slot]vtype{}
	}
	c.slotTypes[s] = p.t
	return atom(sc.bind(key, s.Name, p.s), p.t)
}

// preArray binds the array of a per-presynaptic slot, printing the code
// that fills it on first use.
func (c *exprPrinter) preArray(s *lower.Slot) printedExpr {
	key := "prearr." + s.Name
	c.usesPi = true
	if c.preInline {
		// A loop over presynaptic ranks computes it in place, as the
		// fill of the array would.
		p := c.expr(s.Value)
		if p.t == tBool {
			p = p.float()
		}
		return atom("("+p.s+")", tFloat)
	}
	if n, ok := c.outer.byKey[key]; ok {
		return atom(n+"[pi]", tFloat)
	}
	if c.preFill == nil {
		c.g.fail("per-presynaptic array %s outside a loop that fills it", s.Name)
	}
	pc := c.g.newCtx(mPreArray)
	pc.pj, pc.written = c.pj, c.written
	p := pc.expr(s.Value)
	if p.t == tBool {
		p = p.float()
	}
	// The same slot printed again for the other storage of the
	// projection's variables (proj.compact) keeps its array.
	field := s.Name
	if !slices.Contains(c.pj.preArrays, field) {
		c.pj.preArrays = append(c.pj.preArrays, field)
	}
	var b strings.Builder
	b.WriteString("{\n")
	pc.outer.write(&b)
	fmt.Fprintf(&b, "arr := pj.%s\nfor pi := lo; pi < hi; pi++ {\narr[pi] = %s\n}\n}\n", field, p.s)
	c.preFill.WriteString(b.String())
	c.preCost += exprCost(s.Value)
	return atom(c.outer.bind(key, "ph_"+field, "pj."+field)+"[pi]", tFloat)
}
