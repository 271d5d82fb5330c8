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
		sv.Create = stmtsBody(b.String())
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
		sv.Prune = stmtsBody(b.String())
	}
	var locals []*ir.Var
	for _, v := range st.Vars {
		if v.Name != "w" && v.Loc == ir.Local {
			locals = append(locals, v)
		}
	}
	sv.InitAdded = stmtsBody(g.initAdded(pj, locals))
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

// structNetView is what the Network's methods of structural plasticity
// (network.go.tmpl) read: the projections that prune or create, in
// creation order, and the names of all projections by index.
type structNetView struct {
	Projs []structProjView
	Names []string
}

// structProjView is a projection that prunes or creates synapses.
type structProjView struct {
	Field             string
	Index             int
	Creating, Pruning bool
}

// structNetView describes the network's structural plasticity, nil when no
// projection prunes or creates.
func (g *generator) structNetView() *structNetView {
	v := &structNetView{}
	for _, pj := range g.projs {
		v.Names = append(v.Names, pj.p.Name)
		if pj.p.Structural() {
			v.Projs = append(v.Projs, structProjView{Field: pj.field, Index: pj.p.Index, Creating: pj.st.Creating != nil, Pruning: pj.st.Pruning != nil})
		}
	}
	if len(v.Projs) == 0 {
		return nil
	}
	return v
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
