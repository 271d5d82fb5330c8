package codegen

import (
	"fmt"
	"go/scanner"
	"go/token"
	"strings"

	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/lower"
)

// projBodies prints the bodies of a projection's step methods: transmit,
// transmitRange, learn, learnRange, postSpike and postSpikeRange ("" when
// it has none).
func (g *generator) projBodies(pj *proj) [6]string {
	st, p := pj.st, pj.p
	// The loops of both storages are lowered together (they share the
	// per-presynaptic arrays of equal expressions).
	if pj.lowered == nil {
		d := maxDelaySteps(p, g.m.Dt)
		pj.lowered = lower.Projection(p, st, d > 1 || d < 0)
	}
	pj.low = pj.lowered
	if pj.compact {
		pj.low = pj.lowered.PerPre
	}
	var transmit, transmitRange, learn, learnRange, postSpike, postSpikeRange string
	if st.Spiking {
		if staticSpiking(st) {
			// With continuous transmission too, transmitRange is the
			// continuous one and the spikes are delivered unsplit.
			transmit, transmitRange = g.staticTransmitCode(pj, st.Psp != nil)
		} else if st.Psp == nil && splitPlastic(pj) {
			transmit, transmitRange = g.spikeTransmitSplit(pj)
		} else {
			transmit = g.spikeTransmitCode(pj, false)
		}
		if len(st.PostSpike) > 0 {
			postSpike, postSpikeRange = g.postSpikeCode(pj)
		}
		if st.Psp != nil {
			// Continuous transmission after the events, as ANNarchy.
			var cont string
			cont, transmitRange = g.rateTransmitCode(pj)
			transmit = "{\n" + transmit + "}\n" + cont
		}
	} else if p.DecodeSteps > 0 {
		transmit = g.decodeTransmitCode(pj)
	} else {
		transmit, transmitRange = g.rateTransmitCode(pj)
	}
	if len(st.GlobalUpdate)+len(st.PostUpdate)+len(st.LocalUpdate) > 0 {
		learn, learnRange = g.learnCode(pj)
	}
	return [6]string{transmit, transmitRange, learn, learnRange, postSpike, postSpikeRange}
}

// projTypeView is a projection as templates/projection.go.tmpl prints it:
// its Go type's fields, what alloc allocates, which accessors it has and
// the bodies of its methods.
type projTypeView struct {
	// What it is: the names in its comment, the Go types it links.
	Type, Name, Pre, Post, Target, Kind, Synapse string
	PreType, PostType                            string
	Index                                        int

	Float        string
	F32, Spiking bool
	StorePre     bool        // stored presynaptic-major only (annrt.Conn.Compact)
	Rows         bool        // per-synapse variables in presynaptic rows (rowStored)
	RowVars      []string    // the per-synapse variables initVars puts in that order
	RowParams    []string    // the per-synapse parameters initParams puts in that order
	OneW         bool        // W may hold one weight for all synapses (layout.go)
	Vars         []fieldView // the synaptic variables except w (Len: what alloc sizes them by)
	PerPre       []perPreView
	PerPreNames  string
	PreMajorSum  bool // the per-presynaptic printing sums the psp presynaptic-major (preMajorSum)
	Decoder      bool // spikes decoded into rates (annrt.Decoder)
	Decays       bool // synapses keep the step of their last event
	ExactDecay   bool
	DecayTabs    int // event-driven variables whose decay factors come from tables (annrt.DecayTable), 0: none
	Randoms      []fieldView
	PreKernel    *kernelView // vector kernels of the per-presynaptic and the synapse equations
	Kernel       *kernelView
	PreArrays    []string   // arrays of hoisted per-presynaptic sub-expressions
	Rings        []ringView // past presynaptic values for delayed rate-coded transmission
	Fills        []fillView
	Structural   *structView
	Frozen       bool // learn skips the statements writing w while learning is disabled

	// Spike delivery.
	Static            bool   // from presynaptic-major weights (staticSpiking)
	TransW, TransPost string // the weights and post ranks it reads (transmitArrays)
	Runs              bool   // adding runs of weights (annrt.Runs)
	PlainAdd          string // the postsynaptic field of g_target += w
	Cuts              bool   // split, keeping where its rows are cut
	WholeReach        bool   // transmit keeps wholeReach (splitTransmitCall)
	Filed             bool   // delivering spikes by delay group (delayGroupsLoop)

	Body projBodies
}

// projBodies are the statements of a projection's methods ("" when it has
// none).
type projBodies struct {
	InitParams, InitVars, Draw, DrawBlocks, Transmit, TransmitRange, Learn, LearnRange, PostSpike, PostSpikeRange string
}

// perPreView is a synaptic variable stored per presynaptic neuron while
// the projection is not expanded: its per-synapse Field and its Array.
type perPreView struct{ Var, Field, Array string }

// ringView is the memory of past values of presynaptic variable Var:
// values per step (Size) and this step's values (Values, float64).
type ringView struct{ Name, Var, Size, Values string }

// fillView is a method filling per-presynaptic-neuron arrays.
type fillView struct{ Name, Body string }

// structView is what structural plasticity adds to a projection: the
// bodies of create and prune ("" without a creating or pruning condition)
// after their common start, and of the initialisation of added synapses
// in rewire.
type structView struct {
	Index                    int
	Create, Prune, InitAdded string
}

// projTypeView prints the bodies of a projection's methods and describes
// the rest for the template.
func (g *generator) projTypeView(pj *proj) projTypeView {
	st, p := pj.st, pj.p
	// Bodies first: they decide the hoisted arrays the struct holds. With
	// variables stored per presynaptic neuron, each body is printed for
	// that storage too, and chosen at run time when the two differ.
	bodies := g.projBodies(pj)
	if len(pj.byPre) > 0 {
		pj.compact = true
		compact := g.projBodies(pj)
		pj.compact = false
		for i, e := range bodies {
			switch c := compact[i]; {
			case c == e:
			case c == "":
				bodies[i] = "if pj.expanded {\n" + e + "}\n"
			default:
				bodies[i] = "if !pj.expanded {\n" + c + "} else {\n" + e + "}\n"
			}
		}
	}
	v := projTypeView{
		Type: pj.goName, Name: p.Name, Pre: p.Pre.Pop.Name, Post: p.Post.Pop.Name, Target: p.Target, Kind: "rate-coded", Synapse: st.Name,
		PreType: pj.pre.nt.goName, PostType: pj.post.nt.goName, Index: p.Index, Float: g.ft, F32: g.f32, Spiking: st.Spiking,
		StorePre: g.preMajor(pj), Rows: pj.rows, OneW: pj.oneW, PerPreNames: perPreNames(pj), PreMajorSum: pj.preMajor,
		Decoder: p.DecodeSteps > 0, Decays: len(st.Decays) > 0, ExactDecay: g.m.ExactDecay,
		PreArrays: pj.preArrays, Static: staticSpiking(st), Frozen: gatesWeight(st),
		Body: projBodies{Transmit: stmtsBody(bodies[0]), TransmitRange: stmtsBody(bodies[1]), Learn: stmtsBody(bodies[2]),
			LearnRange: stmtsBody(bodies[3]), PostSpike: stmtsBody(bodies[4]), PostSpikeRange: stmtsBody(bodies[5])},
	}
	if st.Spiking {
		v.Kind = "spiking"
	}
	for _, x := range st.Vars {
		if x.Name == "w" {
			continue
		}
		f := fieldView{Name: pj.fld[x], Type: g.goType(x), Slice: true, Var: x.Name}
		switch x.Loc {
		case ir.Global:
			f.Slice, f.Comment = false, x.Name+" (projection-wide)"
		case ir.Post:
			f.Len, f.Comment = "pj.C.NPost", x.Name+", per postsynaptic neuron"
		default:
			f.Len, f.Comment = "ns", x.Name+", per synapse"
			switch {
			case !pj.rows:
			case x.IsParam:
				v.RowParams = append(v.RowParams, f.Name)
			default:
				v.RowVars = append(v.RowVars, f.Name)
			}
		}
		v.Vars = append(v.Vars, f)
	}
	for _, x := range p.PerPre {
		v.PerPre = append(v.PerPre, perPreView{Var: x.Name, Field: pj.fld[x], Array: pj.byPre[x]})
	}
	for _, r := range st.Randoms {
		v.Randoms = append(v.Randoms, fieldView{Name: pj.randField[r], Type: g.ft, Slice: r.Loc != ir.Global})
	}
	if k := pj.preKern; k != nil {
		v.PreKernel = k.view()
	}
	if k := g.kernel("simd" + pj.goName); k != nil {
		v.Kernel = k.view()
	}
	for _, r := range pj.rateRings {
		x := pj.pre.nt.byName[r]
		v.Rings = append(v.Rings, ringView{Name: ident(r), Var: r, Size: ringSize(pj, x), Values: g.ringValues(pj, x)})
	}
	v.TransW, v.TransPost = g.transmitArrays(pj)
	if v.Static {
		v.PlainAdd = g.plainAdd(pj)
		v.Runs = v.PlainAdd != ""
	}
	// The split delivery of spikes through the presynaptic-major layout
	// (staticTransmitCode) or index (spikeTransmitSplit) keeps where its
	// rows are cut.
	v.Cuts = st.Spiking && st.Psp == nil && v.Body.TransmitRange != ""
	v.WholeReach = pj.wholeReach
	if pj.decayTabs {
		v.DecayTabs = len(st.Decays)
	}
	v.Filed = pj.filed
	pj.fusedIn = pj.fusedIn && v.Body.TransmitRange != ""
	for _, f := range pj.fills {
		v.Fills = append(v.Fills, fillView{Name: f.name, Body: stmtsBody(f.body)})
	}

	var params, vars []*ir.Var
	for _, x := range st.Vars {
		if x.Name == "w" {
			continue
		}
		if x.IsParam {
			params = append(params, x)
		} else {
			vars = append(vars, x)
		}
	}
	v.Body.InitParams = stmtsBody(g.synInitCode(pj, params))
	v.Body.InitVars = stmtsBody(g.synInitCode(pj, vars))
	if len(st.Randoms) > 0 {
		draw, blocks := g.synDrawCode(pj)
		v.Body.Draw, v.Body.DrawBlocks = stmtsBody(draw), stmtsBody(blocks)
	}
	v.Structural = g.structView(pj)
	return v
}

// synDrawCode draws the random variables of a projection for one step
// (drawBodies).
func (g *generator) synDrawCode(pj *proj) (draw, blocks string) {
	return g.drawBodies("pj", pj.st.Randoms, pj.randField, func() *exprPrinter {
		c := g.newCtx(mSynGlobal)
		c.pj = pj
		return c
	})
}

// ringSize prints the number of values a ring of the presynaptic variable v
// records per step: one for a population-wide variable.
func ringSize(pj *proj, v *ir.Var) string {
	if v.Loc == ir.Global {
		return "1"
	}
	return "pj.C.NPre"
}

// ringValues prints this step's values of the presynaptic variable v as the
// float64 slice its ring records.
func (g *generator) ringValues(pj *proj, v *ir.Var) string {
	f := "pj.pre." + pj.pre.nt.field[v]
	if v.Loc == ir.Global {
		return "[]float64{float64(" + f + ")}"
	}
	return g.float64Slice(f)
}

// float64Slice converts a model-float slice expression for the rings, which
// hold float64 (through the projection's scratch buffer in float32 models).
func (g *generator) float64Slice(s string) string {
	if g.f32 {
		return "pj.toF64(" + s + ")"
	}
	return s
}

// synInitCode assigns synaptic parameters or variables their Init expressions.
func (g *generator) synInitCode(pj *proj, vs []*ir.Var) string {
	var b strings.Builder
	written := map[*ir.Var]bool{}
	for _, v := range pj.st.Vars {
		written[v] = true
	}
	for _, v := range vs {
		init := v.Init
		if init == nil {
			init = &ir.Const{Value: 0, Type: v.Type}
		}
		f := pj.fld[v]
		var m mode
		switch v.Loc {
		case ir.Global:
			m = mSynGlobal
		case ir.Post:
			m = mSynPost
		default:
			m = mSynLocal
		}
		c := g.newCtx(m)
		c.pj, c.written = pj, written
		val := c.expr(init)
		if c.usesPi {
			g.fail("projection %s: initial value of %s reads a presynaptic variable", pj.p.Name, v.Name)
		}
		b.WriteString("{\n")
		c.outer.write(&b)
		switch v.Loc {
		case ir.Global:
			fmt.Fprintf(&b, "pj.%s = %s\n", f, c.convTo(val, varType(v), v))
		case ir.Post:
			fmt.Fprintf(&b, "dst := pj.%s\nfor j := range dst {\ndst[j] = %s\n}\n", f, c.convTo(val, varType(v), v))
		default:
			if c.usesJ {
				fmt.Fprintf(&b, "post := pj.C.Post\ndst := pj.%s\nfor k := range dst {\nj := int(post[k])\n_ = j\ndst[k] = %s\n}\n", f, c.convTo(val, varType(v), v))
			} else {
				fmt.Fprintf(&b, "dst := pj.%s\nfor k := range dst {\ndst[k] = %s\n}\n", f, c.convTo(val, varType(v), v))
			}
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// rateTransmitCode adds reduce(psp) over each postsynaptic neuron's synapses
// to its weighted sum, reading presynaptic values from the end of the
// previous step, or d steps back through rings when the projection has delays.
func (g *generator) rateTransmitCode(pj *proj) (transmit, transmitRange string) {
	st := pj.st
	if st.Psp == nil {
		g.fail("projection %s: rate-coded synapse %s has no psp", pj.p.Name, st.Name)
	}
	// The destinations: sum(target), or g_target for the continuous
	// transmission of a spiking projection, of every target received.
	var dsts []string
	for _, t := range pj.targets {
		if pj.p.PspToG {
			dsts = append(dsts, pj.post.nt.field[pj.post.nt.byName["g_"+t]])
		} else {
			dsts = append(dsts, pj.post.nt.sumField[t])
		}
	}
	if len(dsts) == 0 {
		return "", ""
	}
	sumF := strings.Join(dsts, ",")
	// transmitRange computes the weighted sums of the postsynaptic neurons
	// [lo, hi) (split by Core.Split); the hoisted presynaptic values it
	// reads are computed once before, in transmit.
	var b, r strings.Builder
	b.WriteString("c := pj.C\n")
	r.WriteString("c := pj.C\n")
	mayDelay := maxDelaySteps(pj.p, g.m.Dt)
	// A psp that reads no presynaptic variable ignores delays.
	delayedCase := (mayDelay > 1 || mayDelay < 0) && len(preNames(st.Psp)) > 0
	if delayedCase {
		pj.rateRings = preNames(st.Psp)
		// Uniform delay: every pre variable from the same past frame.
		delayed := map[string]string{}
		for _, x := range pj.rateRings {
			delayed[x] = "dl_" + ident(x)
		}
		r.WriteString("if c.MaxDelay > 1 {\n")
		r.WriteString("if c.Delay == nil {\n")
		for _, x := range pj.rateRings {
			fmt.Fprintf(&r, "dl_%s := pj.ring_%s.Ago(int(c.UniformDelay))\n", ident(x), ident(x))
		}
		code, _, _ := g.rateLoop(pj, sumF, delayed, false)
		r.WriteString(code)
		r.WriteString("return\n}\n")
		// Per-synapse delays.
		for _, x := range pj.rateRings {
			delayed[x] = "pj.ring_" + ident(x) + ".Ago(int(r_Delay[k]))"
		}
		code, _, _ = g.rateLoop(pj, sumF, delayed, true)
		r.WriteString(code)
		r.WriteString("return\n}\n")
	}
	r.WriteString(g.preMajorSum(pj, dsts))
	code, fill, fillCost := g.rateLoop(pj, sumF, nil, false)
	r.WriteString(code)
	if fill != "" {
		call := g.fillSplit(pj, "transmitFill", fill, fillCost)
		if delayedCase {
			fmt.Fprintf(&b, "if c.MaxDelay <= 1 {\n%s}\n", call)
		} else {
			b.WriteString(call)
		}
	}
	b.WriteString(splitCall("pj", "transmitRange", "c.NPost", fmt.Sprintf("1+%d*c.Len()/max(c.NPost, 1)", exprCost(st.Psp))))
	return b.String(), r.String()
}

// preNames lists the presynaptic variables an expression reads, sorted.
func preNames(e ir.Expr) []string {
	set := map[string]bool{}
	walk(e, func(x ir.Expr) {
		if r, ok := x.(*ir.VarRef); ok && r.Side == ir.Pre {
			set[r.Name] = true
		}
	})
	var out []string
	for n := range set {
		out = append(out, n)
	}
	sortStrings(out)
	return out
}

// rateLoop is the post-major loop of a rate-coded transmission.
func (g *generator) rateLoop(pj *proj, sumF string, delayed map[string]string, perSynDelay bool) (code, fill string, fillCost int) {
	st := pj.st
	c := g.newCtx(mSynLocal)
	c.pj, c.rowRel, c.row = pj, true, newScope()
	c.written = map[*ir.Var]bool{}
	c.delayed = delayed
	var fb strings.Builder
	lp := pj.low.Rate
	switch {
	case perSynDelay:
		lp = pj.low.RateSynDelay
	case delayed != nil:
		lp = pj.low.RateUniformDelay
	default:
		c.preFill = &fb
	}
	psp := c.expr(lp.Value).float()
	var b strings.Builder
	b.WriteString("{\n")
	c.outer.write(&b)
	dsts := strings.Split(sumF, ",")
	fmt.Fprintf(&b, "ptr, pre := c.PostPtr, c.Pre\nsum := pj.post.%s\n", dsts[0])
	for i, d := range dsts[1:] {
		fmt.Fprintf(&b, "sum%d := pj.post.%s\n", i+1, d)
	}
	op := st.Operation
	if op == "" {
		op = "sum"
	}
	if (op == "sum" || op == "mean") && !perSynDelay {
		b.WriteString(g.rateLanes(c, psp.s, op, len(dsts)))
	} else {
		b.WriteString("j := lo\n")
	}
	b.WriteString("for ; j < hi; j++ {\nlo, hi := int(ptr[j]), int(ptr[j+1])\nif lo == hi {\ncontinue\n}\nrpre := pre[lo:hi]\n")
	if perSynDelay {
		b.WriteString("r_Delay := c.Delay[lo:hi]\n")
	}
	c.row.write(&b)
	switch op {
	case "sum", "mean":
		fmt.Fprintf(&b, "acc := %s(0)\n", g.ft)
	case "max":
		g.use("math")
		fmt.Fprintf(&b, "acc := %s\n", g.conv("math.Inf(-1)"))
	case "min":
		g.use("math")
		fmt.Fprintf(&b, "acc := %s\n", g.conv("math.Inf(1)"))
	default:
		g.fail("projection %s: unknown operation %q", pj.p.Name, op)
	}
	b.WriteString(rangeLoop(c.usesPi || usesIdent(psp.s, "k"), "rpre"))
	if c.usesPi {
		b.WriteString("pi := int(rpre[k])\n")
	}
	c.inner = nil
	switch op {
	case "sum", "mean":
		fmt.Fprintf(&b, "acc += %s\n", psp.s)
	default:
		fmt.Fprintf(&b, "acc = %s(acc, %s)\n", op, psp.s)
	}
	b.WriteString("}\n")
	if op == "mean" {
		fmt.Fprintf(&b, "acc /= %s(hi - lo)\n", g.ft)
	}
	b.WriteString("sum[j] += acc\n")
	for i := range dsts[1:] {
		fmt.Fprintf(&b, "sum%d[j] += acc\n", i+1)
	}
	b.WriteString("}\n}\n")
	return b.String(), fb.String(), c.preCost
}

// rateLanes prints a loop over groups of four postsynaptic neurons whose rows
// have the same length (all-to-all connectivity): the four weighted sums are
// accumulated side by side, each in its own synapse order, so the additions
// of one row no longer wait for each other (the result is the same as one
// row at a time). At the first group of unequal rows it leaves j there for
// the row-by-row loop.
func (g *generator) rateLanes(c *exprPrinter, psp, op string, ndst int) string {
	var b strings.Builder
	b.WriteString("j := lo\nfor ; j+4 <= hi; j += 4 {\n")
	b.WriteString("lo0, hi0 := int(ptr[j]), int(ptr[j+1])\nlo1, hi1 := hi0, int(ptr[j+2])\nlo2, hi2 := hi1, int(ptr[j+3])\nlo3, hi3 := hi2, int(ptr[j+4])\n")
	b.WriteString("nk := hi0 - lo0\nif nk == 0 || hi1-lo1 != nk || hi2-lo2 != nk || hi3-lo3 != nk {\nbreak\n}\n")
	lane := func(s string, l int) string {
		return renameIdents(s, func(id string) string {
			switch id {
			case "lo", "hi", "rpre", "pi":
				return fmt.Sprintf("%s%d", id, l)
			case "j":
				if l == 0 {
					return "j"
				}
				return fmt.Sprintf("(j + %d)", l)
			}
			for _, x := range c.row.binds {
				if x.name == id {
					return fmt.Sprintf("%s%d", id, l)
				}
			}
			return id
		})
	}
	for l := 0; l < 4; l++ {
		if l == 0 || c.usesPi {
			fmt.Fprintf(&b, "rpre%d := pre[lo%d:hi%d]\n", l, l, l)
		}
		if l > 0 && c.usesPi {
			fmt.Fprintf(&b, "rpre%d = rpre%d[:len(rpre0)]\n", l, l)
		}
		for _, x := range c.row.binds {
			init := lane(x.init, l)
			fmt.Fprintf(&b, "%s%d := %s\n", x.name, l, init)
			if strings.HasSuffix(x.init, "[lo:hi]") {
				fmt.Fprintf(&b, "%s%d = %s%d[:len(rpre0)]\n", x.name, l, x.name, l)
			}
		}
	}
	fmt.Fprintf(&b, "var acc0, acc1, acc2, acc3 %s\n%s", g.ft, rangeLoop(c.usesPi || usesIdent(psp, "k"), "rpre0"))
	for l := 0; l < 4; l++ {
		if c.usesPi {
			fmt.Fprintf(&b, "pi%d := int(rpre%d[k])\n", l, l)
		}
		fmt.Fprintf(&b, "acc%d += %s\n", l, lane(psp, l))
	}
	b.WriteString("}\n")
	for l := 0; l < 4; l++ {
		if op == "mean" {
			fmt.Fprintf(&b, "acc%d /= %s(nk)\n", l, g.ft)
		}
		fmt.Fprintf(&b, "sum[j+%d] += acc%d\n", l, l)
		for i := 1; i < ndst; i++ {
			fmt.Fprintf(&b, "sum%d[j+%d] += acc%d\n", i, l, l)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// rangeLoop opens a loop over the synapses of a row, naming the index k
// only when the body reads it (a psp such as 0 reads no synapse).
func rangeLoop(usesK bool, row string) string {
	if usesK {
		return "for k := range " + row + " {\n"
	}
	return "for range " + row + " {\n"
}

// usesIdent reports whether the Go expression src mentions identifier id.
func usesIdent(src, id string) bool {
	found := false
	renameIdents(src, func(x string) string {
		found = found || x == id
		return x
	})
	return found
}

// renameIdents rewrites the identifiers of a Go expression.
func renameIdents(src string, fn func(string) string) string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	s.Init(file, []byte(src), nil, 0)
	var b strings.Builder
	last := 0
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.IDENT {
			off := file.Offset(pos)
			b.WriteString(src[last:off])
			b.WriteString(fn(lit))
			last = off + len(lit)
		}
	}
	b.WriteString(src[last:])
	return b.String()
}

// decodeTransmitCode adds the decoded rates of a decoding projection to
// the weighted sum of its target (annrt.Decoder).
func (g *generator) decodeTransmitCode(pj *proj) string {
	if len(pj.targets) == 0 {
		return "" // the post neuron reads no sum of this target
	}
	dst := "pj.post." + pj.post.nt.sumField[pj.targets[0]]
	return fmt.Sprintf("if pj.dec == nil {\npj.dec = annrt.NewDecoder(pj.C, %d, n.Dt)\n}\nannrt.Decode(pj.dec, pj.C, pj.W, pj.pre.Spiked, %s)\n", pj.p.DecodeSteps, dst)
}

// delayGroupsLoop opens the loop of a spike delivery over the delay groups
// of c (with K and pj bound): spikes are the ranks that spiked d steps ago
// (the last step's for d <= 1); when the rows outnumber the synapses, only
// those with synapses in the group, filed once per step (annrt.DueSpikes).
const delayGroupsLoop = `filed := pj.due.Sync(pj.pre.ring, c)
for dk, d := range c.Delays {
spikes := pj.pre.Spiked
if d > 1 {
if filed {
spikes = pj.due.Ago(int(d), dk)
} else {
spikes = pj.pre.ring.Ago(int(d))
}
}
`

// rowParts picks the rows a vector delivery adds through (parts, pairs of
// positions): every group of the step at once when the spikes are filed,
// else the parts of this group's spikes in the range. rowPartsDone ends
// that case: one pass when filed, the next group otherwise.
const (
	rowParts = `var parts []int32
if filed {
parts = pj.due.StepRows(pj.pre.Spiked) // every group at once
} else if len(spikes) > 0 {
parts = cut.Rows(delayPtr, spikes, K, dk, whole)
}
`
	rowPartsDone = `if filed {
break
}
continue
}
`
)

// spikeTransmitCode delivers the spikes emitted max(1, d) steps ago through
// the synapses of delay d: event-driven variables decay to now, then the
// g_target statements, then (when learning) the other pre_spike statements.
// Ranged, it is the body of transmitRange, which delivers to the
// postsynaptic neurons [lo, hi) only.
func (g *generator) spikeTransmitCode(pj *proj, ranged bool) string {
	st := pj.st
	if staticSpiking(st) {
		panic("spikeTransmitCode: static projections go through staticTransmitCode")
	}
	c := g.newCtx(mSynLocal)
	c.pj = pj
	c.written = ir.WrittenVars(st.PreSpike)
	lp := pj.low.Spike
	var decay, body, plastic strings.Builder
	chunk := "0"
	if ranged {
		chunk = "chunk"
	}
	g.decayCode(c, lp, &decay, true, chunk)
	for _, t := range pj.targets {
		c.tgt = t
		c.stmts(&body, lp.Body, nil)
	}
	c.tgt = ""
	usesLearning := c.weightGated(&plastic, lp.Others)
	var b strings.Builder
	b.WriteString("c := pj.C\nK := len(c.Delays)\npreIdx, delayPtr, postOf := c.PreIdx, c.DelayPtr, c.Post\n")
	if usesLearning {
		b.WriteString("learning := n.learnOn(pj.Index)\n")
	}
	c.outer.write(&b)
	row := "delayPtr[base]:delayPtr[base+1]"
	if ranged {
		// The part of each row whose synapses (ascending in the
		// postsynaptic-major storage, so in postsynaptic rank) end on the
		// neurons [lo, hi): those from PostPtr[lo] to PostPtr[hi].
		b.WriteString("whole := lo == 0 && hi >= c.NPost\ncut := &pj.cuts[chunk]\nif !whole {\ncut.Prepare(preIdx, delayPtr, c.PostPtr[lo], c.PostPtr[hi], int32(c.Len()))\n}\n")
		row = "r0:r1"
	}
	if pj.rows {
		b.WriteString("rows := len(pj.at) != 0\n")
		if c.usesJ {
			b.WriteString("postAt := pj.postAt\n")
		}
	}
	b.WriteString(delayGroupsLoop)
	pj.filed = true
	b.WriteString("for _, i := range spikes {\nbase := int(i)*K + dk\n")
	if c.usesPi {
		b.WriteString("pi := int(i)\n")
	}
	if ranged {
		b.WriteString("r0, r1 := delayPtr[base], delayPtr[base+1]\nif !whole {\nr0, r1 = cut.Part(base)\n}\n")
	}
	// Decays, then the g_target statements, then the other statements
	// (those writing w only while learning, as ANNarchy).
	stmts := decay.String() + body.String() + plastic.String()
	if len(st.Decays) > 0 {
		stmts += "pj.lastEv[k] = n.Core.Step\n"
	}
	if !usesIdent(stmts, "k") {
		stmts += "_ = k\n"
	}
	if pj.rows {
		// Stored in presynaptic rows: the row's synapses are its positions.
		b.WriteString("if rows {\n")
		if !ranged {
			b.WriteString("r0, r1 := delayPtr[base], delayPtr[base+1]\n")
		}
		b.WriteString("for k := int(r0); k < int(r1); k++ {\n")
		if c.usesJ {
			b.WriteString("j := int(postAt[k])\n")
		}
		b.WriteString(stmts + "}\ncontinue\n}\n")
	}
	b.WriteString("ks := preIdx[" + row + "]\n")
	// The synapses of a row lie apart in synapse order: their lines in
	// every array the statements read are fetched at once first
	// (annrt.Prefetch).
	arrays := synapseArrays(stmts)
	if c.usesJ {
		arrays = append([]string{"postOf"}, arrays...)
	}
	prefetchCode(&b, "len(ks) >= annrt.PrefetchMin", "", arrays)
	b.WriteString("for _, k32 := range ks {\nk := int(k32)\n")
	if c.usesJ {
		b.WriteString("j := int(postOf[k])\n")
	}
	b.WriteString(stmts)
	b.WriteString("}\n}\n}\n")
	out := b.String()
	if !c.usesJ {
		out = strings.Replace(out, ", postOf := c.PreIdx, c.DelayPtr, c.Post", " := c.PreIdx, c.DelayPtr", 1)
	}
	return out
}

// synapseArrays lists, in order of first use, the arrays the printed
// statements index by synapse ("s_w[k]", "pj.lastEv[k]").
func synapseArrays(stmts string) []string {
	var out []string
	seen := map[string]bool{}
	for rest := stmts; ; {
		i := strings.Index(rest, "[k]")
		if i < 0 {
			return out
		}
		j := i
		for j > 0 && (isIdentByte(rest[j-1]) || rest[j-1] == '.') {
			j--
		}
		if name := rest[j:i]; name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
		rest = rest[i+3:]
	}
}

// prefetchCode prints, when cond holds, the prefetch of the lines of
// every array in arrays for the synapses ks (declared by decl, if not
// before): nothing when arrays is empty.
func prefetchCode(b *strings.Builder, cond, decl string, arrays []string) {
	if len(arrays) == 0 {
		return
	}
	b.WriteString("if " + cond + " {\n" + decl)
	for _, a := range arrays {
		fmt.Fprintf(b, "annrt.Prefetch(ks, %s)\n", a)
	}
	b.WriteString("}\n")
}

// isIdentByte reports whether c may appear in a Go identifier printed by
// the generator (ASCII letters, digits and underscores).
func isIdentByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// spikeTransmitSplit is spikeTransmitCode for the projections whose
// pre_spike statements may run range by range of postsynaptic neurons
// (splitPlastic): transmitRange delivers to the neurons [lo, hi), and
// transmit splits the delivery over the step's goroutines when the
// projection divides (annrt.Conn.Divides). Each postsynaptic neuron
// receives its synapses' events in the same order as unsplit.
func (g *generator) spikeTransmitSplit(pj *proj) (transmit, transmitRange string) {
	cost := fmt.Sprint(2 + loopCost(pj.st.PreSpike) + 20*len(pj.st.Decays))
	if pj.rows {
		// Stored in presynaptic rows, the synapses of a row are contiguous.
		cost = "annrt.RowsCost(pj.at, " + cost + ")"
	}
	return splitTransmitCall(pj, cost), g.spikeTransmitCode(pj, true)
}

// splitPlastic reports whether the pre_spike statements of a plastic
// spiking projection may run range by range of postsynaptic neurons: they
// write only what belongs to one postsynaptic neuron (ownWrites), no
// population-wide variable of the postsynaptic population, and read no
// presynaptic variable they write (splitTransmit).
func splitPlastic(pj *proj) bool {
	return pj.p.DecodeSteps == 0 && splitTransmit(pj) && !writesPostGlobal(pj) && ownWrites(pj.st.PreSpike)
}

// decayCode brings the event-driven variables of synapse k from the step of
// its last event to now: x = inf + (x - inf) * exp(-rate * elapsed). By
// default a presynaptic event decays them as ANNarchy 5 does, over one step
// less than has elapsed (to the step the spike was emitted in, although the
// event is stamped with the current step); with ExactDecay over every step.
// chunk is the goroutine's index ("0" unsplit), whose tables of decay
// factors (annrt.DecayTable) the variables with a rate the same for every
// synapse read.
func (g *generator) decayCode(c *exprPrinter, lp *lower.Loop, b *strings.Builder, atPre bool, chunk string) {
	if len(lp.Decays) == 0 {
		return
	}
	// The language's exp (its table row), as the equations call it.
	exp, _ := lang.LookupBuiltin("exp")
	fn := exp.Runtime
	if g.f32 {
		fn = exp.Runtime32
	}
	now := "n.Core.Step"
	if atPre && !g.m.ExactDecay {
		now = "(n.Core.Step - 1)"
	}
	fmt.Fprintf(b, "ev := %s-pj.lastEv[k]\nel := %s\n", now, g.conv("float64(ev) * n.Dt"))
	for _, d := range lp.Decays {
		x, _ := c.ref(&ir.VarRef{Var: d.Var, Name: d.Var.Name}, true)
		inf := c.expr(d.Inf).float()
		rate := c.expr(d.Rate).float()
		factor := fmt.Sprintf("annrt.%s(-%s * el)", fn, paren(rate, 6))
		// A rate the same for every synapse (no indexed value in it) reads
		// its factors from a table of the elapsed steps, one per goroutine.
		if i := decayIndex(c.pj.st, d.Var); !g.f32 && i >= 0 && !strings.Contains(rate.s, "[") {
			c.pj.decayTabs = true
			tab := c.outer.bind(fmt.Sprintf("decayTab%d", i), fmt.Sprintf("dtab%d", i), fmt.Sprintf("pj.decayTabs[%s][%d].For(%s, n.Dt)", chunk, i, rate.s))
			factor = fmt.Sprintf("annrt.DecayFactor(%s, %s, ev, el)", tab, rate.s)
		}
		fmt.Fprintf(b, "%s = %s + (%s - %s) * %s\n", x, paren(inf, 5), x, paren(inf, 5), factor)
	}
}

// decayIndex is the position of the event-driven variable v among the
// decays of st (-1: none).
func decayIndex(st *ir.SynapseType, v *ir.Var) int {
	for i, d := range st.Decays {
		if d.Var == v {
			return i
		}
	}
	return -1
}

// learnCode runs the projection-wide, per-postsynaptic-neuron and
// per-synapse equations.
func (g *generator) learnCode(pj *proj) (learn, learnRange string) {
	st := pj.st
	var b strings.Builder
	frozen := gatesWeight(st)
	// local prints the per-synapse equations; with frozen, the statements
	// writing w run only while learning (ANNarchy's plasticity switch).
	lp := pj.low.Learn
	var rest []ir.Stmt // the per-synapse equations (lowered)
	if lp != nil {
		rest = lp.Body
	}
	local := func(c *exprPrinter, out *strings.Builder) {
		if !frozen {
			c.stmts(out, rest, nil)
			return
		}
		for _, s := range rest {
			if a, ok := s.(*ir.Assign); ok && writesWeight(a) {
				out.WriteString("if !frozen {\n")
				c.stmts(out, []ir.Stmt{s}, nil)
				out.WriteString("}\n")
				continue
			}
			c.stmts(out, []ir.Stmt{s}, nil)
		}
	}
	vecOK := ""
	if frozen {
		b.WriteString("pj.frozen = !n.learnOn(pj.Index)\n")
		vecOK = "!pj.frozen && "
	}
	gc := g.newCtx(mSynGlobal)
	gc.pj = pj
	gc.written = ir.WrittenVars(st.GlobalUpdate)
	var gbody strings.Builder
	gc.stmts(&gbody, st.GlobalUpdate, nil)
	gc.outer.write(&b)
	b.WriteString(gbody.String())
	if len(st.PostUpdate)+len(st.LocalUpdate) == 0 {
		return b.String(), ""
	}
	if pj.compact {
		// The equations of the variables stored per presynaptic neuron run
		// first, once per presynaptic rank (ir.SplitPerPre); the others
		// after them, per synapse, reading those values.
		perPre := pj.low.LearnPre.Body
		pc := g.newCtx(mSynLocal)
		pc.pj = pj
		pc.written = ir.WrittenVars(st.GlobalUpdate, st.PostUpdate, st.LocalUpdate)
		pc.preInline = true
		var body, fill strings.Builder
		pc.stmts(&body, perPre, nil)
		// Four ranks (float32: eight) at a time by a vector kernel, the
		// rest in Go.
		var vec strings.Builder
		start := "lo"
		if k, kc := g.simdPreLoop(pj, pj.low.LearnPre); k != nil {
			pj.preKern = k
			start = "i0"
			fmt.Fprintf(&vec, "i0 := lo\nif %s != nil && hi-lo >= %d {\n", k.fn, k.lanes)
			vec.WriteString(g.bindKernelPre(pc, kc))
			fmt.Fprintf(&vec, "run := [3]int32{int32(lo), int32(lo), int32(hi - lo)}\n%s(ptrs, inv, &run[0], 1)\ni0 = lo + (hi-lo)&^%d\n}\n", k.fn, k.lanes-1)
		}
		fill.WriteString("{\n")
		pc.outer.write(&fill)
		fill.WriteString(vec.String())
		fill.WriteString("for pi := " + start + "; pi < hi; pi++ {\n" + body.String() + "}\n}\n")
		b.WriteString("{\nc := pj.C\n")
		perPreIR, _ := ir.SplitPerPre(st.LocalUpdate, pj.p.PerPre)
		b.WriteString(g.fillSplit(pj, "learnPre", fill.String(), loopCost(perPreIR)))
		b.WriteString("}\npj.byPreNew = true\n")
		if len(st.PostUpdate)+len(rest) == 0 {
			return b.String(), ""
		}
	}
	c := g.newCtx(mSynLocal)
	c.pj, c.rowRel, c.row = pj, true, newScope()
	c.written = ir.WrittenVars(st.PostUpdate, st.LocalUpdate)
	for k, v := range gc.outer.byKey {
		c.outer.byKey[k] = v
	}
	var fill strings.Builder
	c.preFill = &fill
	var post strings.Builder
	c.mode = mSynPost
	c.stmts(&post, st.PostUpdate, nil)
	c.mode = mSynLocal
	c.temps = map[string]vtype{}
	usesPiPost := c.usesPi
	if usesPiPost {
		g.fail("projection %s: postsynaptic equations read a presynaptic variable", pj.p.Name)
	}
	var loc strings.Builder
	local(c, &loc)
	// The vector kernel over runs of consecutive presynaptic ranks, the
	// remainders of the runs in Go (absolute synapse index k); not for the
	// remaining equations of the per-presynaptic storage.
	var vec string
	var items strings.Builder
	var k *simdKernel
	var kc *vecCompiler
	if !pj.compact {
		k, kc = g.simdSynLoop(pj, lp)
	}
	if k != nil {
		invs, arrays := c.kernelOperands(kc)
		var tail strings.Builder
		temps, rowRel, usesPi := c.temps, c.rowRel, c.usesPi
		c.temps, c.rowRel, c.usesPi = map[string]vtype{}, false, false
		local(c, &tail)
		tailPi := c.usesPi
		c.temps, c.rowRel, c.usesPi = temps, rowRel, usesPi || tailPi
		var v strings.Builder
		fmt.Fprintf(&v, "if runs := pj.simdRuns; %s%s != nil && len(runs) > 0 {\n", vecOK, k.fn)
		v.WriteString("inv := &pj.simdInv[chunk]\n")
		for i, e := range invs {
			fmt.Fprintf(&v, "splat%d(inv[%d:%d], %s)\n", k.lanes, k.lanes*i, k.lanes*i+k.lanes, e)
		}
		v.WriteString("ptrs := &pj.simdPtrs[chunk]\n")
		for i, a := range arrays {
			fmt.Fprintf(&v, "ptrs[%d] = &%s[0]\n", i, a)
		}
		fmt.Fprintf(&v, "%s(ptrs, inv, &runs[3*lo], hi-lo)\n", k.fn)
		fmt.Fprintf(&v, "for r := 3 * lo; r < 3*hi; r += 3 {\ns0, p0, nr := int(runs[r]), int(runs[r+1]), int(runs[r+2])\nfor q := nr &^ %d; q < nr; q++ {\nk := s0 + q\n", k.lanes-1)
		if tailPi {
			v.WriteString("pi := p0 + q\n")
		} else {
			v.WriteString("_ = p0\n")
		}
		v.WriteString(tail.String())
		v.WriteString("}\n}\nreturn\n}\n")
		vec = v.String()
		fmt.Fprintf(&items, "if runs := pj.simdRuns; %s%s != nil && len(runs) > 0 {\nitems = len(runs) / 3\n}\n", vecOK, k.fn)
	}
	// The loops over postsynaptic neurons (or runs of synapses) run in
	// learnRange over one chunk [lo, hi) of them, split by Core.Split.
	b.WriteString("c := pj.C\n")
	if fill.Len() > 0 {
		b.WriteString(g.fillSplit(pj, "learnFill", fill.String(), c.preCost))
	}
	b.WriteString("items := c.NPost\n")
	b.WriteString(items.String())
	b.WriteString(splitCall("pj", "learnRange", "items", fmt.Sprintf("%d+%d*c.Len()/max(items, 1)", loopCost(st.PostUpdate), loopCost(st.LocalUpdate))))

	var r strings.Builder
	r.WriteString("c := pj.C\nptr, pre := c.PostPtr, c.Pre\n")
	if frozen {
		r.WriteString("frozen := pj.frozen\n_ = frozen\n")
	}
	for _, x := range gc.outer.binds {
		fmt.Fprintf(&r, "%s := %s\n_ = %s\n", x.name, x.init, x.name)
	}
	c.outer.write(&r)
	r.WriteString(vec)
	r.WriteString("for j := lo; j < hi; j++ {\nlo, hi := int(ptr[j]), int(ptr[j+1])\nif lo == hi {\ncontinue\n}\n")
	r.WriteString(post.String())
	r.WriteString("rpre := pre[lo:hi]\n")
	c.row.write(&r)
	if loc.Len() > 0 {
		r.WriteString("for k := range rpre {\n")
		if c.usesPi {
			r.WriteString("pi := int(rpre[k])\n")
		}
		r.WriteString(loc.String())
		r.WriteString("}\n")
	} else {
		r.WriteString("_ = rpre\n")
	}
	r.WriteString("}\n")
	return b.String(), r.String()
}

// runsFrozen reports whether a projection's synapse equations keep running
// while its learning is disabled: as in ANNarchy, a spiking projection then
// only stops changing w (a rate-coded one stops all its equations), so this
// matters for spiking synapses with equations of other variables.
func runsFrozen(st *ir.SynapseType) bool {
	if !st.Spiking {
		return false
	}
	for _, list := range [][]ir.Stmt{st.GlobalUpdate, st.PostUpdate, st.LocalUpdate} {
		for _, s := range list {
			if a, ok := s.(*ir.Assign); ok && !writesWeight(a) {
				if _, ok := a.LHS.(*ir.VarRef); ok {
					return true
				}
			}
		}
	}
	return false
}

// gatesWeight reports whether the synapse equations of a projection that
// runs them while learning is disabled (runsFrozen) have statements writing
// w, to skip then.
func gatesWeight(st *ir.SynapseType) bool {
	if !runsFrozen(st) {
		return false
	}
	for _, s := range st.LocalUpdate {
		if a, ok := s.(*ir.Assign); ok && writesWeight(a) {
			return true
		}
	}
	return false
}

// writesWeight reports whether a statement assigns the weight w.
func writesWeight(a *ir.Assign) bool {
	r, ok := a.LHS.(*ir.VarRef)
	return ok && r.Var != nil && r.Var.Name == "w"
}

// fillSplit registers a method name(n, chunk, lo, hi) running fill over the
// presynaptic ranks [lo, hi) and returns the code calling it through
// Core.Split.
func (g *generator) fillSplit(pj *proj, name, fill string, cost int) string {
	// The two printings of a projection (proj.compact) share equal fills.
	taken := false
	for _, f := range pj.fills {
		if f.body == fill {
			return splitCall("pj", f.name, "c.NPre", fmt.Sprint(1+cost))
		}
		taken = taken || f.name == name
	}
	if taken {
		name += "Compact"
	}
	pj.fills = append(pj.fills, fillMethod{name, fill})
	return splitCall("pj", name, "c.NPre", fmt.Sprint(1+cost))
}

// postSpikeCode runs post_spike for every synapse of each postsynaptic
// neuron that spiked in this step.
func (g *generator) postSpikeCode(pj *proj) (postSpike, postSpikeRange string) {
	st := pj.st
	c := g.newCtx(mSynLocal)
	c.pj = pj
	c.written = ir.WrittenVars(st.PostSpike)
	lp := pj.low.PostSpike
	var body strings.Builder
	split := ownWrites(st.PostSpike)
	chunk := "0"
	if split {
		chunk = "chunk"
	}
	g.decayCode(c, lp, &body, false, chunk)
	usesLearning := c.weightGated(&body, lp.Body)
	var b strings.Builder
	b.WriteString("c := pj.C\nptr, pre := c.PostPtr, c.Pre\n")
	if pj.rows {
		b.WriteString("at := pj.at\n")
	}
	if usesLearning {
		b.WriteString("learning := n.learnOn(pj.Index)\n")
	}
	c.outer.write(&b)
	if split {
		b.WriteString("for _, j32 := range annrt.RanksIn(pj.post.Spiked, lo, hi) {\n")
	} else {
		b.WriteString("for _, j32 := range pj.post.Spiked {\n")
	}
	s := "k" // the synapse, in synapse order; k is where its variables are
	if pj.rows {
		// Stored in presynaptic rows: synapse s is at position at[s].
		s = "s"
		b.WriteString("j := int(j32)\n")
		// The synapses of a post neuron lie apart in the rows: their lines
		// are fetched at once first, as pre_spike's are in synapse order.
		stmts := body.String()
		if len(st.Decays) > 0 {
			stmts += "pj.lastEv[k]"
		}
		prefetchCode(&b, "len(at) != 0 && ptr[j+1]-ptr[j] >= annrt.PrefetchMin", "ks := at[ptr[j]:ptr[j+1]]\n", synapseArrays(stmts))
		b.WriteString("for s := int(ptr[j]); s < int(ptr[j+1]); s++ {\nk := s\nif len(at) != 0 {\nk = int(at[s])\n}\n")
		if !usesIdent(body.String(), "k") && len(st.Decays) == 0 {
			b.WriteString("_ = k\n")
		}
	} else {
		b.WriteString("j := int(j32)\nfor k := int(ptr[j]); k < int(ptr[j+1]); k++ {\n")
	}
	if c.usesPi {
		b.WriteString("pi := int(pre[" + s + "])\n")
	} else {
		b.WriteString("_ = pre\n")
	}
	b.WriteString(body.String())
	if len(st.Decays) > 0 {
		b.WriteString("pj.lastEv[k] = n.Core.Step\n")
	}
	b.WriteString("}\n}\n")
	if !split {
		return b.String(), ""
	}
	// The work: the synapses of the neurons that spiked (estimated from
	// the mean in-degree).
	postSpike = fmt.Sprintf("c := pj.C\nif pj.postSpikeRangeFn == nil {\npj.postSpikeRangeFn = func(chunk, lo, hi int) { pj.postSpikeRange(n, chunk, lo, hi) }\n}\nn.Core.SplitWork(c.NPost, int64(len(pj.post.Spiked))*int64(c.Len()/max(c.NPost, 1)+1)*%d, pj.postSpikeRangeFn)\n",
		2+loopCost(st.PostSpike)+20*len(st.Decays))
	return postSpike, b.String()
}

// ownWrites reports whether the event statements ss write only what
// belongs to one postsynaptic neuron: the synapse's variables, its
// postsynaptic neuron's per-neuron ones and the projection's
// per-postsynaptic ones. They may then run range by range of postsynaptic
// neurons, each neuron's events in their order; a statement writing a
// projection-wide or presynaptic variable depends on the order of all the
// synapses.
func ownWrites(ss []ir.Stmt) bool {
	for _, s := range ss {
		a, ok := s.(*ir.Assign)
		if !ok {
			return false
		}
		switch l := a.LHS.(type) {
		case *ir.TargetRef, *ir.Temp:
		case *ir.VarRef:
			if l.Side != ir.Self || l.Var == nil || l.Var.Loc == ir.Global {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// weightGated prints event statements, those that write w inside
// "if learning" (ANNarchy's plasticity switch: with learning disabled the
// weights stay, the other variables still change); it reports whether it
// printed such a block.
func (c *exprPrinter) weightGated(b *strings.Builder, ss []ir.Stmt) bool {
	gated := false
	for i := 0; i < len(ss); {
		writesW := func(s ir.Stmt) bool {
			r, ok := s.(*ir.Assign).LHS.(*ir.VarRef)
			return ok && r.Var != nil && r.Name == "w"
		}
		j := i
		for j < len(ss) && writesW(ss[j]) == writesW(ss[i]) {
			j++
		}
		if writesW(ss[i]) {
			gated = true
			b.WriteString("if learning {\n")
			c.stmts(b, ss[i:j], nil)
			b.WriteString("}\n")
		} else {
			c.stmts(b, ss[i:j], nil)
		}
		i = j
	}
	return gated
}

// walk calls fn on every node of e.
func walk(e ir.Expr, fn func(ir.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch x := e.(type) {
	case *ir.Unary:
		walk(x.X, fn)
	case *ir.Binary:
		walk(x.X, fn)
		walk(x.Y, fn)
	case *ir.Call:
		for _, a := range x.Args {
			walk(a, fn)
		}
	case *ir.UserCall:
		for _, a := range x.Args {
			walk(a, fn)
		}
	case *ir.Cond:
		walk(x.C, fn)
		walk(x.A, fn)
		walk(x.B, fn)
	case *lower.Mul:
		walk(x.X, fn)
		walk(x.By, fn)
	case *lower.Use:
		if x.Slot == nil {
			walk(x.Expr, fn)
		}
	}
}

// staticSpiking reports whether a spiking synapse type only adds to
// g_target from w and never changes w: its transmission can then read
// pre-major copies of the weights and post ranks, contiguous per
// presynaptic neuron, instead of gathering through C.PreIdx.
func staticSpiking(st *ir.SynapseType) bool {
	if !st.Spiking || len(st.Decays) > 0 || len(st.PostSpike) > 0 || st.Pruning != nil || st.Creating != nil {
		return false
	}
	all := [][]ir.Stmt{st.GlobalUpdate, st.PostUpdate, st.LocalUpdate, st.PreSpike}
	for _, list := range all {
		for v := range ir.WrittenVars(list) {
			if v.Name == "w" {
				return false
			}
		}
	}
	for _, s := range st.PreSpike {
		a, ok := s.(*ir.Assign)
		if !ok {
			return false
		}
		if _, ok := a.LHS.(*ir.TargetRef); !ok {
			return false
		}
		static := true
		walk(a.Value, func(e ir.Expr) {
			switch x := e.(type) {
			case *ir.VarRef:
				if x.Side == ir.Self && x.Name != "w" && (x.Var == nil || x.Var.Loc != ir.Global) {
					static = false
				}
			case *ir.RandRef:
				if x.R.Loc != ir.Global {
					static = false
				}
			case *ir.Special:
				if x.Name == "rank" {
					static = false
				}
			}
		})
		if !static {
			return false
		}
	}
	return true
}

// addCode adds the weights src of one run to the post slice dst from j0.
func (g *generator) addCode(dst string) string {
	return "addTo(" + dst + "[j0:], src)"
}

// plainAdd returns the Go slice of the postsynaptic variable when the only
// pre_spike statement is g_target += w on a per-neuron variable, "" otherwise.
func (g *generator) plainAdd(pj *proj) string {
	ps := pj.st.PreSpike
	if len(ps) != 1 {
		return ""
	}
	a, ok := ps[0].(*ir.Assign)
	if !ok {
		return ""
	}
	lhs, ok := a.LHS.(*ir.TargetRef)
	sum, ok2 := a.Value.(*ir.Binary)
	if !ok || !ok2 || sum.Op != "+" {
		return ""
	}
	x, ok := sum.X.(*ir.TargetRef)
	w, ok2 := sum.Y.(*ir.VarRef)
	if !ok || !ok2 || x.Name != lhs.Name || w.Side != ir.Self || w.Name != "w" {
		return ""
	}
	name := lhs.Name
	if name == "" {
		if len(pj.targets) != 1 {
			return ""
		}
		name = "g_" + pj.targets[0]
	}
	v := pj.post.nt.byName[name]
	if v == nil || v.Loc != ir.Local || v.Type != ir.Float {
		return ""
	}
	return pj.post.nt.field[v]
}

// staticTransmitCode delivers spikes through the pre-major copies preW and
// prePost (see staticSpiking). transmitRange delivers them to the
// postsynaptic ranks [lo, hi) only: within a presynaptic row the post ranks
// ascend, so the part of a row in the range is found by binary search.
// Every postsynaptic neuron receives its input in the same order however
// the ranks are split, so transmit splits them over the helpers (Core.Split)
// unless a statement reads a presynaptic variable the projection writes
// (within one population, a split would change what it reads).
//
// With inline, transmit delivers to every rank itself and there is no
// transmitRange.
func (g *generator) staticTransmitCode(pj *proj, inline bool) (transmit, transmitRange string) {
	st := pj.st
	c := g.newCtx(mSynLocal)
	c.pj = pj
	c.written = map[*ir.Var]bool{}
	c.wExpr = "ws[x]"
	var body strings.Builder
	for _, t := range pj.targets {
		c.tgt = t
		c.stmts(&body, pj.low.Spike.Body, nil)
	}
	c.tgt = ""
	if body.Len() == 0 {
		return "", "" // no target the post neuron reads
	}
	// With one weight for all synapses held once (W shorter than the
	// synapses), the same statements read it instead of ws[x].
	var oneBody strings.Builder
	if pj.oneW {
		c.wExpr = "wAll"
		for _, t := range pj.targets {
			c.tgt = t
			c.stmts(&oneBody, pj.low.Spike.Body, nil)
		}
		c.tgt, c.wExpr = "", "ws[x]"
	}
	var b strings.Builder
	tw, tpost := g.transmitArrays(pj)
	fmt.Fprintf(&b, "c := pj.C\nK := len(c.Delays)\ndelayPtr, pw, pp := c.DelayPtr, %s, %s\n", tw, tpost)
	if pj.oneW {
		fmt.Fprintf(&b, "one := len(pw) < len(pp) // one weight for all synapses, wAll\nvar wAll %s\nif one {\nwAll = pw[0]\n}\n", g.ft)
	}
	b.WriteString("whole := lo == 0 && hi >= c.NPost\n")
	if !inline {
		// A range of the post ranks goes straight to its part of each row:
		// where the rows enter and leave the range is computed once per
		// range and layout (annrt.RowCuts), not searched at every step.
		b.WriteString("cut := &pj.cuts[chunk]\nif !whole {\ncut.Prepare(pp, delayPtr, int32(lo), int32(hi), int32(c.NPost))\n}\n")
	}
	c.outer.write(&b)
	b.WriteString(delayGroupsLoop)
	pj.filed = true
	if pj.oneW {
		b.WriteString("if one {\n")
		g.oneWeightTransmit(&b, pj, c, oneBody.String())
		b.WriteString("continue\n}\n")
	}
	if f := g.plainAdd(pj); f != "" {
		// Bound already by the statements above.
		dst := c.outer.bind("post."+f, "post_"+f, "pj.post."+f)
		// Rows made of long runs of consecutive post ranks (dense
		// connectivity) add whole runs of weights to contiguous slices,
		// cut to [lo, hi).
		fmt.Fprintf(&b, `if pj.runJ != nil {
rowRun, runOff, runJ := pj.rowRun, pj.runOff, pj.runJ
for _, i := range spikes {
base := int(i)*K + dk
for r := rowRun[base]; r < rowRun[base+1]; r++ {
%s%s
}
}
continue
}
`, runCut, g.addCode(dst))
		// Sparse rows: the indexed additions without bounds checks
		// (the ranks were checked when the copies were made).
		// With one weight for all synapses, only the ranks are read.
		if !inline {
			// The bounds of every spike's row first, then the
			// deliveries, which prefetch the rows ahead.
			fmt.Fprintf(&b, `if simdScatterAddRows != nil && pj.postOK && len(%[1]s) > 0 {
%[2]sif len(parts) > 0 && len(pp) > 0 {
if pj.wSame {
simdScatterAddConstRows(&%[1]s[0], &pp[0], pj.wOne, &parts[0], len(parts)/2)
} else {
simdScatterAddRows(&%[1]s[0], &pp[0], &pw[0], &parts[0], len(parts)/2)
}
}
%[3]s`, dst, rowParts, rowPartsDone)
		} else {
			fmt.Fprintf(&b, `if simdScatterAdd != nil && pj.postOK && len(%s) > 0 {
for _, i := range spikes {
base := int(i)*K + dk
var lo, hi int32
if whole {
lo, hi = delayPtr[base], delayPtr[base+1]
} else {
lo, hi = cut.Part(base)
}
if lo < hi {
ws, ps := pw[lo:hi], pp[lo:hi]
if pj.wSame {
simdScatterAddConst(&%s[0], &ps[0], pj.wOne, len(ps))
} else {
simdScatterAdd(&%s[0], &ps[0], &ws[0], len(ws))
}
}
}
continue
}
`, dst, dst, dst)
		}
	}
	spikeRowLoop(&b, c, true)
	b.WriteString(body.String())
	b.WriteString("}\n}\n}\n")
	transmitRange = b.String()
	if inline {
		return "lo, hi := 0, pj.C.NPost\n" + transmitRange, ""
	}
	if !splitTransmit(pj) {
		return "pj.transmitRange(n, 0, 0, pj.C.NPost)\n", transmitRange
	}
	return splitTransmitCall(pj, fmt.Sprint(2+loopCost(st.PreSpike))), transmitRange
}

// splitTransmitCall is the body of transmit for a spike delivery printed as
// transmitRange: split over ranges of postsynaptic neurons when the
// projection divides (annrt.Conn.Divides), the work of a step estimated as
// the synapses its spikes reach (annrt.Conn.Reach) times cost (a Go
// expression); whole otherwise. It keeps in wholeReach the synapses it
// delivered on the calling goroutine (0 when split), which a fused step
// after it counts as lost to its split (fusedItems).
func splitTransmitCall(pj *proj, cost string) string {
	pj.wholeReach = true
	return fmt.Sprintf("c := pj.C\nreach := c.Reach(pj.pre.Spiked, pj.pre.ring)\npj.wholeReach = reach\nif !c.Divides() {\npj.transmitRange(n, 0, 0, c.NPost)\n} else {\nif pj.transmitRangeFn == nil {\npj.transmitRangeFn = func(chunk, lo, hi int) { pj.transmitRange(n, chunk, lo, hi) }\n}\nif n.Core.SplitWork(c.NPost, reach*%s, pj.transmitRangeFn) > 1 {\npj.wholeReach = 0\n}\n}\n", cost)
}

// oneWeightTransmit prints the delivery of one delay's spikes when every
// synapse has the weight wAll (W holds it once): the loops of
// staticTransmitCode without the per-synapse weights, adding the same
// numbers in the same order.
func (g *generator) oneWeightTransmit(b *strings.Builder, pj *proj, c *exprPrinter, body string) {
	if f := g.plainAdd(pj); f != "" {
		dst := c.outer.bind("post."+f, "post_"+f, "pj.post."+f)
		fmt.Fprintf(b, `if pj.runJ != nil {
rowRun, runOff, runJ := pj.rowRun, pj.runOff, pj.runJ
for _, i := range spikes {
base := int(i)*K + dk
for r := rowRun[base]; r < rowRun[base+1]; r++ {
j0 := int(runJ[r])
j1 := j0 + int(runOff[r+1]-runOff[r])
if !whole {
j0, j1 = max(j0, lo), min(j1, hi)
}
if j0 < j1 {
run := %s[j0:j1]
for x := range run {
run[x] = run[x] + wAll
}
}
}
}
continue
}
`, dst)
		fmt.Fprintf(b, `if simdScatterAddConstRows != nil && pj.postOK && len(%[1]s) > 0 {
%[2]sif len(parts) > 0 && len(pp) > 0 {
simdScatterAddConstRows(&%[1]s[0], &pp[0], wAll, &parts[0], len(parts)/2)
}
%[3]s`, dst, rowParts, rowPartsDone)
	}
	spikeRowLoop(b, c, false)
	b.WriteString(body)
	b.WriteString("}\n}\n")
}

// splitTransmit reports whether the static transmission of pj may be split
// over postsynaptic ranks: no statement reads a presynaptic variable that
// the statements write in the same population.
func splitTransmit(pj *proj) bool {
	if pj.p.Pre.Pop != pj.p.Post.Pop {
		return true
	}
	written := map[string]bool{}
	for _, s := range pj.st.PreSpike {
		if a, ok := s.(*ir.Assign); ok {
			if t, ok := a.LHS.(*ir.TargetRef); ok {
				if t.Name != "" {
					written[t.Name] = true
				}
				for _, tg := range pj.targets {
					if t.Name == "" {
						written["g_"+tg] = true
					}
				}
			}
		}
	}
	ok := true
	for _, s := range pj.st.PreSpike {
		if a, isAssign := s.(*ir.Assign); isAssign {
			walk(a.Value, func(e ir.Expr) {
				if r, isRef := e.(*ir.VarRef); isRef && r.Side == ir.Pre && written[r.Name] {
					ok = false
				}
			})
		}
	}
	return ok
}

// perPreNames lists the variables of a projection stored per presynaptic neuron.
func perPreNames(pj *proj) string {
	var names []string
	for _, v := range pj.p.PerPre {
		names = append(names, v.Name)
	}
	return strings.Join(names, ", ")
}

// preMajorPsp returns E when the psp is w * E (or E * w) with E a value of
// the presynaptic neuron in the per-presynaptic printing of a rate-coded
// projection whose weights no equation changes: its weighted sums can then
// be accumulated presynaptic neuron by presynaptic neuron (preMajorSum).
func (g *generator) preMajorPsp(pj *proj) (ir.Expr, bool) {
	st := pj.st
	if !pj.compact || st.Spiking || pj.p.DecodeSteps > 0 || st.Pruning != nil || st.Creating != nil || pj.low.Rate == nil {
		return nil, false
	}
	if op := st.Operation; op != "" && op != "sum" {
		return nil, false
	}
	for v := range ir.WrittenVars(st.GlobalUpdate, st.PostUpdate, st.LocalUpdate, st.PreSpike, st.PostSpike) {
		if v.Name == "w" {
			return nil, false
		}
	}
	b, ok := pj.low.Rate.Value.(*ir.Binary)
	if !ok || b.Op != "*" {
		return nil, false
	}
	isW := func(e ir.Expr) bool {
		r, ok := e.(*ir.VarRef)
		return ok && r.Side == ir.Self && r.Name == "w"
	}
	e := b.Y
	switch {
	case isW(b.X):
	case isW(b.Y):
		e = b.X
	default:
		return nil, false
	}
	// E reads presynaptic values, values stored per presynaptic neuron and
	// invariants only.
	pre := false
	walk(e, func(x ir.Expr) {
		switch r := x.(type) {
		case *ir.VarRef:
			switch {
			case r.Side == ir.Pre:
				pre = true
			case r.Side == ir.Self && r.Var != nil && pj.byPre[r.Var] != "":
				pre = true
			case r.Side == ir.Self && r.Var != nil && r.Var.Loc == ir.Global:
			default:
				ok = false
			}
		case *lower.Use:
			if r.Slot != nil && r.Slot.Place == lower.PerRow {
				ok = false
			}
			pre = pre || (r.Slot != nil && r.Slot.Place == lower.PerPre)
		case *ir.Special:
			ok = ok && (r.Name == "t" || r.Name == "dt")
		case *ir.SumRef:
			ok = ok && r.Side == ir.Pre
		case *ir.RandRef:
			ok = ok && r.R.Loc == ir.Global
		case *ir.Temp, *ir.TargetRef:
			ok = false
		}
	})
	return e, ok && pre
}

// preMajorSum prints the accumulation of the weighted sums of the
// postsynaptic neurons [lo, hi) from the presynaptic-major copies of the
// weights (preW, runs of consecutive postsynaptic ranks): for each
// presynaptic neuron i in ascending order, acc[j] += w * E(i) over its
// synapses, then sum[j] += acc[j] for the neurons that have synapses. When
// every row of the post-major connectivity lists its presynaptic ranks in
// ascending order (syncPreW checks it), each acc[j] adds the same products
// in the same order as the post-major loop: the same bits, with whole runs
// of weights added to contiguous slices (mulAddTo).
func (g *generator) preMajorSum(pj *proj, dsts []string) string {
	e, ok := g.preMajorPsp(pj)
	if !ok {
		return ""
	}
	pj.preMajor = true
	c := g.newCtx(mSynLocal)
	c.pj = pj
	var fill strings.Builder // the arrays of per-presynaptic slots are filled for the post-major loop
	c.preFill = &fill
	val := c.expr(e).float()
	var b strings.Builder
	b.WriteString("if pj.runJ != nil {\n")
	c.outer.write(&b)
	b.WriteString(`acc := pj.acc
clear(acc[lo:hi])
pw, rowRun, runOff, runJ := pj.preW, pj.rowRun, pj.runOff, pj.runJ
whole := lo == 0 && hi >= c.NPost
for pi := 0; pi < c.NPre; pi++ {
`)
	fmt.Fprintf(&b, "e := %s\n", val.s)
	b.WriteString("for r := rowRun[pi]; r < rowRun[pi+1]; r++ {\n" + runCut + `mulAddTo(acc[j0:], src, e)
}
}
ptr := c.PostPtr
`)
	for i, d := range dsts {
		fmt.Fprintf(&b, "sum%d := pj.post.%s\n", i, d)
	}
	b.WriteString("for j := lo; j < hi; j++ {\nif ptr[j+1] > ptr[j] {\n")
	for i := range dsts {
		fmt.Fprintf(&b, "sum%d[j] += acc[j]\n", i)
	}
	b.WriteString("}\n}\nreturn\n}\n")
	return b.String()
}

// runCut prints, inside a loop over runs r of consecutive postsynaptic
// ranks (Runs: rowRun, runOff, runJ), the run's weights src from pw and its
// first rank j0, cut to [lo, hi) unless whole; a run outside it is skipped.
const runCut = `src := pw[runOff[r]:runOff[r+1]]
j0 := int(runJ[r])
if !whole {
if j0 >= hi || j0+len(src) <= lo {
continue
}
if j0 < lo {
src = src[lo-j0:]
j0 = lo
}
if j0+len(src) > hi {
src = src[:hi-j0]
}
}
`

// spikeRowLoop opens the loops over the spiking rows of a presynaptic-major
// layout and over each row's part in the chunk (the whole row when whole),
// binding pi and j where the body reads them; withW also slices the weights.
func spikeRowLoop(b *strings.Builder, c *exprPrinter, withW bool) {
	b.WriteString("for _, i := range spikes {\nbase := int(i)*K + dk\nvar lo, hi int32\nif whole {\nlo, hi = delayPtr[base], delayPtr[base+1]\n} else {\nlo, hi = cut.Part(base)\n}\n")
	if withW {
		b.WriteString("ws, ps := pw[lo:hi], pp[lo:hi]\nps = ps[:len(ws)]\n")
	} else {
		b.WriteString("ps := pp[lo:hi]\n")
	}
	if c.usesPi {
		b.WriteString("pi := int(i)\n")
	}
	if withW {
		b.WriteString("for x := range ws {\n")
	} else {
		b.WriteString("for x := range ps {\n")
	}
	if c.usesJ {
		b.WriteString("j := int(ps[x])\n")
	} else {
		b.WriteString("_ = ps[x]\n")
	}
}
