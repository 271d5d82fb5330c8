package codegen

import (
	"fmt"
	"strings"

	"github.com/annc/annc/ir"
)

// Structural plasticity (README, "Structural plasticity"): a projection
// whose synapse type has a pruning or creating condition evaluates it after
// the steps its Due says, draws proba from its own stream, and rebuilds its
// synapses (runtime Conn.Rewire), moving every per-synapse slice with them.
// The synapses stay the post-major CSR every other loop reads, so nothing
// else in the projection changes; only projections with such conditions
// carry this code.

// structView prints the bodies of a structurally plastic projection's
// create and prune (after the start the template writes) and of rewire's
// initialisation of the created synapses; nil when the projection neither
// prunes nor creates.
func (g *generator) structView(pj *proj) *structView {
	st := pj.st
	if !pj.p.Structural() {
		return nil
	}
	if staticSpiking(st) {
		g.fail("projection %s: a structurally plastic projection cannot use the static spike layout", pj.p.Name)
	}
	sv := &structView{Index: pj.p.Index}
	if c := st.Creating; c != nil {
		var b strings.Builder
		w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
		proba, pre := g.structProba(pj, c)
		wc := g.newCtx(mSynGlobal)
		wc.pj = pj
		wv := g.conv("0")
		if c.W != nil {
			wv = wc.expr(c.W).float().s
		}
		cc := g.newCtx(mSynLocal)
		cc.pj, cc.row = pj, newScope()
		rnd := g.inlineDraws(pj, cc, c)
		cond := cc.expr(pj.low.Create.Cond).boolean().s
		b.WriteString(pre)
		b.WriteString(rnd)
		wc.outer.write(&b)
		cc.outer.write(&b)
		w("wNew := float64(%s)\nvar addPost, addPre []int32\n", wv)
		w("for _, j32 := range pj.dendrites {\nj := int(j32)\n_ = j\nrow := pre[ptr[j]:ptr[j+1]]\n")
		cc.row.write(&b)
		var runs []string
		pj.p.Pre.Runs(func(lo, hi int) { runs = append(runs, fmt.Sprintf("{%d, %d}", lo, hi)) })
		w("for _, rg := range [...][2]int{%s} {\nfor pi := rg[0]; pi < rg[1]; pi++ {\n", strings.Join(runs, ", "))
		w("if %s && !annrt.HasPre(row, pi)%s {\naddPost = append(addPost, j32)\naddPre = append(addPre, int32(pi))\n}\n}\n}\n}\n", "("+cond+")", proba)
		// Past MaxSynapses the synapses cannot be indexed: the run ends
		// with an error instead.
		w("if err := c.GrowthError(len(addPre)); err != nil {\nn.Core.Failf(\"projection %%s: creating: %%v\", pj.Name, err)\nreturn\n}\n")
		w("if len(addPre) > 0 {\npj.rewire(n, c.Rewire(nil, addPost, addPre, wNew, %d), wNew)\n}\n", pj.p.CreateDelay)
		sv.Create = body(b.String())
	}
	if c := st.Pruning; c != nil {
		var b strings.Builder
		w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
		proba, pre := g.structProba(pj, c)
		cc := g.newCtx(mSynLocal)
		cc.pj = pj
		rnd := g.inlineDraws(pj, cc, c)
		cond := cc.expr(pj.low.Prune.Cond).boolean().s
		b.WriteString(pre)
		b.WriteString(rnd)
		cc.outer.write(&b)
		w("var drop []bool\nfor j := 0; j < c.NPost; j++ {\nfor k := int(ptr[j]); k < int(ptr[j+1]); k++ {\n")
		if cc.usesPi {
			w("pi := int(pre[k])\n")
		}
		w("if (%s)%s {\nif drop == nil {\ndrop = make([]bool, c.Len())\n}\ndrop[k] = true\n}\n}\n}\n", cond, proba)
		w("if drop != nil {\npj.rewire(n, c.Rewire(drop, nil, nil, 0, -1), 0)\n}\n")
		sv.Prune = body(b.String())
	}
	var locals []*ir.Var
	for _, v := range st.Vars {
		if v.Name != "w" && v.Loc == ir.Local {
			locals = append(locals, v)
		}
	}
	sv.InitAdded = body(g.initAdded(pj, locals))
	return sv
}

// structProba prints the draw of a condition's proba (" && r.Float64() <
// p", empty when proba is absent, as ANNarchy draws only when it is given)
// and the code computing p before the loops.
func (g *generator) structProba(pj *proj, c *ir.Structural) (cond, pre string) {
	if c.Proba == nil {
		return "", ""
	}
	pc := g.newCtx(mSynGlobal)
	pc.pj = pj
	p := pc.expr(c.Proba).float().s
	var b strings.Builder
	b.WriteString("{\n")
	pc.outer.write(&b)
	fmt.Fprintf(&b, "proba = float64(%s)\n}\n", p)
	return " && r.Float64() < proba", "var proba float64\n" + b.String()
}

// initAdded sets the per-synapse parameters and variables of the synapses
// rewire added (src[k] < 0) to their initial values, as ANNarchy gives a
// created synapse (README, "Structural plasticity").
func (g *generator) initAdded(pj *proj, vs []*ir.Var) string {
	var b strings.Builder
	written := map[*ir.Var]bool{}
	for _, v := range pj.st.Vars {
		written[v] = true
	}
	for _, v := range vs {
		init := v.Init
		if init == nil {
			continue // Remap filled 0
		}
		c := g.newCtx(mSynLocal)
		c.pj, c.written = pj, written
		val := c.expr(init)
		if c.usesPi {
			g.fail("projection %s: initial value of %s reads a presynaptic variable", pj.p.Name, v.Name)
		}
		b.WriteString("{\n")
		c.outer.write(&b)
		fmt.Fprintf(&b, "post := pj.C.Post\ndst := pj.%s\nfor k, s := range src {\nif s >= 0 {\ncontinue\n}\nj := int(post[k])\n_ = j\ndst[k] = %s\n}\n}\n", pj.fld[v], c.convTo(val, varType(v), v))
	}
	return b.String()
}

// structNetCode prints the network's structural step and its Start/Stop
// methods (the schedule's start_pruning, ... steps call them); empty when
// no projection prunes or creates.
func (g *generator) structNetCode() string {
	var sp []*proj
	for _, pj := range g.projs {
		if pj.p.Structural() {
			sp = append(sp, pj)
		}
	}
	if len(sp) == 0 {
		return ""
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("// structural runs after each step the due creating conditions, then the\n// due pruning conditions, of the projections in creation order (as\n// ANNarchy; README, \"Structural plasticity\").\nfunc (n *Network) structural() {\n")
	for _, pj := range sp {
		if pj.st.Creating != nil {
			w("if pj := n.%s; pj != nil && pj.createDue.Now(n.Core.Step) {\npj.create(n)\n}\n", pj.field)
		}
	}
	for _, pj := range sp {
		if pj.st.Pruning != nil {
			w("if pj := n.%s; pj != nil && pj.pruneDue.Now(n.Core.Step) {\npj.prune(n)\n}\n", pj.field)
		}
	}
	w("}\n\n")
	w("// structDue returns the schedule of projection i's pruning (or creating),\n// nil when its synapse type has no such condition or it is left out.\nfunc (n *Network) structDue(i int, creating bool) *annrt.Due {\nswitch i {\n")
	for _, pj := range sp {
		w("case %d:\nif n.%s == nil {\nreturn nil\n}\n", pj.p.Index, pj.field)
		switch {
		case pj.st.Creating != nil && pj.st.Pruning != nil:
			w("if creating {\nreturn &n.%s.createDue\n}\nreturn &n.%s.pruneDue\n", pj.field, pj.field)
		case pj.st.Creating != nil:
			w("if creating {\nreturn &n.%s.createDue\n}\n", pj.field)
		default:
			w("if !creating {\nreturn &n.%s.pruneDue\n}\n", pj.field)
		}
	}
	w("}\nreturn nil\n}\n\n")
	for _, kind := range []struct{ name, what string }{{"Pruning", "pruning"}, {"Creating", "creating"}} {
		cr := kind.what == "creating"
		w(`// Start%[1]s evaluates the %[2]s condition of the given projections
// (all that have one when none is given) after the steps at offset ms from
// now and every period ms after (ANNarchy's proj.start_%[2]s(period); a
// period below dt is every step).
func (n *Network) Start%[1]s(period, offset float64, projs ...Projection) error {
	return n.structSwitch(%[3]t, projs, func(d *annrt.Due) { d.Begin(n.Core.Step, n.Steps(period), n.Steps(offset)) })
}

// Stop%[1]s stops the %[2]s of the given projections (all when none is given).
func (n *Network) Stop%[1]s(projs ...Projection) error {
	return n.structSwitch(%[3]t, projs, func(d *annrt.Due) { d.On = false })
}

`, kind.name, kind.what, cr)
	}
	w("// structSwitch applies f to the pruning (or creating) schedules of projs,\n// or of every projection that has one when projs is empty.\nfunc (n *Network) structSwitch(creating bool, projs []Projection, f func(*annrt.Due)) error {\nwhat := \"pruning\"\nif creating {\nwhat = \"creating\"\n}\nif len(projs) == 0 {\nfor i := 0; i < %d; i++ {\nif d := n.structDue(i, creating); d != nil {\nf(d)\n}\n}\nreturn nil\n}\nfor _, p := range projs {\nd := n.structDue(p.projectionIndex(), creating)\nif d == nil {\nreturn fmt.Errorf(\"projection %%s has no %%s condition (or is left out of this network)\", structProjNames[p.projectionIndex()], what)\n}\nf(d)\n}\nreturn nil\n}\n", len(g.projs))
	var names []string
	for _, pj := range g.projs {
		names = append(names, fmt.Sprintf("%q", pj.p.Name))
	}
	w("\n// structProjNames names the projections by index for messages.\nvar structProjNames = [...]string{%s}\n", strings.Join(names, ", "))
	return b.String()
}

// inlineDraws makes cc draw the distributions of a condition from the
// projection's structural stream r where the condition reads them, and
// returns the code computing their arguments before the loops.
func (g *generator) inlineDraws(pj *proj, cc *exprPrinter, c *ir.Structural) string {
	if len(c.Randoms) == 0 {
		return ""
	}
	ac := g.newCtx(mSynGlobal)
	ac.pj = pj
	cc.inlineRand = map[*ir.RandomVar]string{}
	var b strings.Builder
	for i, rv := range c.Randoms {
		args := make([]string, len(rv.Args))
		for k, a := range rv.Args {
			name := fmt.Sprintf("rarg%d_%d", i, k)
			fmt.Fprintf(&b, "%s := float64(%s)\n", name, ac.expr(a).float().s)
			args[k] = name
		}
		cc.inlineRand[rv] = g.conv(g.drawExpr(rv, args))
	}
	var out strings.Builder
	ac.outer.write(&out)
	out.WriteString(b.String())
	return out.String()
}
