package codegen

import (
	"fmt"
	"strings"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/lower"
)

// neuronView is a neuron type as templates/neuron.go.tmpl prints it: its
// Go type's fields, what its constructor allocates, which accessors it has
// and the bodies of its methods.
type neuronView struct {
	Type, Kind, Name string
	Pops             string // its populations, comma-separated
	Float            string
	Vars             []fieldView // one per variable, in declaration order
	Sums             []sumView
	Spiking          bool
	RateWindow       bool        // r counts the spikes of a firing_rate_window (frWin)
	Randoms          []fieldView // this step's draws
	GlobalOps        []fieldView // values of mean(v), max(v), ...
	SpikeSource      bool        // SetSpikeTimes and SpikeTimes
	Timed            bool        // SetTimedArray and TimedArray
	TimedConv        string      // a float64 rate x as the model's float
	TimedField       string      // the field of r, which a timed array's update fills
	Kernel           *kernelView
	Body             neuronBodies
}

// neuronBodies are the statements of a neuron type's methods ("" when it
// has none): InitParams, InitVars (before the template's own resets),
// Draw, UpdateBegin (population-wide statements), Update (after
// updateBegin when there is an UpdateRange; the template writes that of an
// input type), UpdateRange (the loop over one chunk of neurons) and
// GlobalOps.
type neuronBodies struct {
	InitParams, InitVars, Draw, DrawBlocks, UpdateBegin, Update, UpdateRange, GlobalOps string
}

// fieldView is a field of a generated struct: a value of type Type, or a
// slice of them with Slice (of length Len in a projection's alloc); Var is
// the model's name of the variable it holds, if any.
type fieldView struct {
	Name, Type string
	Slice      bool
	Len        string
	Comment    string
	Var        string
}

// sumView is the weighted sum of a target: its field.
type sumView struct{ Field, Target string }

// kernelView is the vector kernel of a loop: its function variable Fn and
// parameters Sig, the sizes of its per-chunk tables of arrays and invariant
// values (Copies copies of each invariant).
type kernelView struct {
	Fn, Sig      string
	Arrays, Invs int
	Copies       string
}

// view describes k for the templates.
func (k *simdKernel) view() *kernelView {
	return &kernelView{Fn: k.fn, Sig: k.sig, Arrays: k.nptrs, Invs: k.lanes * k.ninv,
		Copies: map[int]string{4: "four", 8: "eight"}[k.lanes]}
}

// stmtsBody is statements as the templates' "body" prints them: without the
// final newline.
func stmtsBody(stmts string) string { return strings.TrimSuffix(stmts, "\n") }

// neuronView prints the bodies of a neuron type's methods and describes
// the rest for the template.
func (g *generator) neuronView(nt *ntype) neuronView {
	t := nt.t
	v := neuronView{Type: nt.goName, Kind: "rate-coded", Name: t.Name, Float: g.ft, Spiking: t.Spiking,
		RateWindow: t.Spiking && t.RateR, SpikeSource: t.Input == ir.SpikeSourceInput, Timed: t.Input == ir.TimedArrayInput}
	if t.Spiking {
		v.Kind = "spiking"
	}
	var popNames []string
	for _, p := range nt.pops {
		popNames = append(popNames, p.p.Name)
	}
	v.Pops = strings.Join(popNames, ", ")
	update, updateRange, kern := g.updateCode(nt)
	nt.ranged = updateRange != ""
	for _, x := range t.Vars {
		what := "variable"
		if x.IsParam {
			what = "parameter"
		}
		f := fieldView{Name: nt.field[x], Type: g.goType(x), Slice: x.Loc != ir.Global, Comment: what + " " + x.Name, Var: x.Name}
		if !f.Slice {
			f.Comment += " (population-wide)"
		}
		v.Vars = append(v.Vars, f)
	}
	for _, tg := range nt.targets {
		v.Sums = append(v.Sums, sumView{Field: nt.sumField[tg], Target: tg})
	}
	for _, r := range t.Randoms {
		v.Randoms = append(v.Randoms, fieldView{Name: nt.randField[r], Type: g.ft, Slice: r.Loc != ir.Global, Comment: r.Dist})
	}
	for _, o := range t.GlobalOps {
		v.GlobalOps = append(v.GlobalOps, fieldView{Name: nt.gopField[o], Type: g.ft, Comment: o.Op + "(" + o.Var.Name + "), one step late"})
	}
	if v.Timed {
		rv := nt.byName["r"]
		if rv == nil || rv.Loc == ir.Global {
			g.fail("timed array type %s has no per-neuron variable r", t.Name)
		}
		v.TimedConv, v.TimedField = g.conv("x"), nt.field[rv]
	}
	if kern != nil {
		v.Kernel = g.kernels[len(g.kernels)-1].view()
	}

	var params, vars []*ir.Var
	for _, x := range t.Vars {
		if x.IsParam {
			params = append(params, x)
		} else {
			vars = append(vars, x)
		}
	}
	v.Body.InitParams = stmtsBody(g.initCode(nt, params))
	v.Body.InitVars = stmtsBody(g.initCode(nt, vars))
	if len(t.Randoms) > 0 {
		draw, blocks := g.drawCode(nt)
		v.Body.Draw, v.Body.DrawBlocks = stmtsBody(draw), stmtsBody(blocks)
	}
	if updateRange != "" {
		begin, rest, _ := strings.Cut(update, updateSplitMark)
		v.Body.UpdateBegin, update = stmtsBody(begin), rest
		v.Body.UpdateRange = stmtsBody(updateRange)
	}
	v.Body.Update = stmtsBody(update)
	if len(t.GlobalOps) > 0 {
		v.Body.GlobalOps = stmtsBody(g.globalOpsCode(nt))
	}
	return v
}

// initCode assigns each variable its Init expression (0 when absent), in
// declaration order so that later defaults may use earlier ones.
func (g *generator) initCode(nt *ntype, vs []*ir.Var) string {
	var b strings.Builder
	written := map[*ir.Var]bool{}
	for _, v := range nt.t.Vars {
		written[v] = true
	}
	for _, v := range vs {
		init := v.Init
		if init == nil {
			init = &ir.Const{Value: 0, Type: v.Type}
		}
		f := nt.field[v]
		if v.Loc == ir.Global {
			c := g.newCtx(mNeuronGlobal)
			c.nt, c.written = nt, written
			val := c.expr(init)
			var body strings.Builder
			c.outer.write(&body)
			b.WriteString("{\n" + body.String())
			fmt.Fprintf(&b, "p.%s = %s\n}\n", f, c.convTo(val, varType(v), v))
			continue
		}
		c := g.newCtx(mNeuronLocal)
		c.nt, c.written = nt, written
		val := c.expr(init)
		b.WriteString("{\nN := p.Size\n")
		c.outer.write(&b)
		fmt.Fprintf(&b, "dst := p.%s[:N]\nfor i := range dst {\ndst[i] = %s\n}\n}\n", f, c.convTo(val, varType(v), v))
	}
	return b.String()
}

// drawCode draws the random variables of a neuron type for one step
// (drawBodies).
func (g *generator) drawCode(nt *ntype) (draw, blocks string) {
	return g.drawBodies("p", nt.t.Randoms, nt.randField, func() *exprPrinter {
		c := g.newCtx(mNeuronGlobal)
		c.nt = nt
		return c
	})
}

// drawBodies prints the bodies of the methods drawing one step's random
// variables rvs of the object recv ("p", "pj"), stored in its fields
// field: draw draws the object-wide ones from recv.rng, in their order, then
// has drawBlocks draw the per-element ones block by block of
// annrt.DrawBlock elements, each block from its own stream (recv.rngBlocks,
// block 0 from recv.rng), over the goroutines of the step. The blocks body
// is "" when every variable is object-wide.
func (g *generator) drawBodies(recv string, rvs []*ir.RandomVar, field map[*ir.RandomVar]string, newCtx func() *exprPrinter) (draw, blocks string) {
	var d, bl strings.Builder
	first, locals, globals := "", 0, 0
	for _, rv := range rvs {
		c := newCtx()
		args := make([]string, len(rv.Args))
		for i, a := range rv.Args {
			args[i] = g.arg(c.expr(a).float().s)
		}
		f := recv + "." + field[rv]
		if rv.Loc == ir.Global {
			if globals++; globals == 1 {
				d.WriteString("r := &" + recv + ".rng\n")
			}
			d.WriteString("{\n")
			c.outer.write(&d)
			fmt.Fprintf(&d, "%s = %s\n}\n", f, g.conv(g.drawExpr(rv, args)))
			continue
		}
		if first == "" {
			first = f
		}
		locals++
		bl.WriteString("{\n")
		c.outer.write(&bl)
		if fill := g.fillCall(rv, args, f+"[a:e]"); fill != "" {
			bl.WriteString(fill + "\n}\n")
		} else {
			fmt.Fprintf(&bl, "dst := %s[a:e]\nfor i := range dst {\ndst[i] = %s\n}\n}\n", f, g.conv(g.drawExpr(rv, args)))
		}
	}
	if first == "" {
		return d.String(), ""
	}
	fmt.Fprintf(&d, "ne := len(%s)\n%s.rngBlocks.Grow(ne)\n", first, recv)
	fmt.Fprintf(&d, "if %[1]s.drawBlocksFn == nil {\n%[1]s.drawBlocksFn = %[1]s.drawBlocks\n}\n", recv)
	fmt.Fprintf(&d, "n.Core.SplitBlocks(ne, %d, %s.drawBlocksFn)\n", drawCost*locals, recv)
	blocks = fmt.Sprintf("ne := len(%s)\nfor b := lo; b < hi; b++ {\na, e := b*annrt.DrawBlock, min((b+1)*annrt.DrawBlock, ne)\nr := %[2]s.rngBlocks.Get(b, &%[2]s.rng)\n%[3]s%[2]s.rngBlocks.Put(b, &%[2]s.rng, r)\n}\n",
		first, recv, bl.String())
	return d.String(), blocks
}

// drawCost is the estimated cost of drawing one random number, in the
// units of annrt's minChunkWork (a Normal draw takes a few nanoseconds).
const drawCost = 100

// fillCall is the RNG call filling the slice dst with a whole step of a
// local random variable (the same numbers as one drawExpr per element, with
// the generator state kept in registers), or "" when the distribution has
// no fill method.
func (g *generator) fillCall(rv *ir.RandomVar, args []string, dst string) string {
	suffix := ""
	if g.f32 {
		suffix = "32"
	}
	switch {
	case rv.Dist == "Normal" && len(args) == 2:
		return "r.FillNormal" + suffix + "(" + dst + ", " + args[0] + ", " + args[1] + ")"
	case rv.Dist == "Uniform" && len(args) == 2:
		return "r.FillUniform" + suffix + "(" + dst + ", " + args[0] + ", " + args[1] + ")"
	}
	return ""
}

// drawExpr is the RNG call drawing one value of a distribution (args are
// float64 Go expressions).
func (g *generator) drawExpr(rv *ir.RandomVar, args []string) string {
	need := func(n int) {
		if len(args) < n {
			g.fail("%s needs %d arguments", rv.Dist, n)
		}
	}
	// clipped applies the optional bounds args[first:] (min, then max), as
	// ANNarchy clips Normal, LogNormal, Exponential and Gamma.
	clipped := func(draw string, first int) string {
		if len(args) <= first {
			return draw
		}
		hi := "math.Inf(1)"
		if len(args) > first+1 {
			hi = args[first+1]
		} else {
			g.use("math")
		}
		return "clip64(" + draw + ", " + args[first] + ", " + hi + ")"
	}
	switch rv.Dist {
	case "Uniform":
		need(2)
		return "r.Uniform(" + args[0] + ", " + args[1] + ")"
	case "Normal":
		need(2)
		return clipped("r.NormalMS("+args[0]+", "+args[1]+")", 2)
	case "LogNormal":
		need(2)
		return clipped("r.LogNormal("+args[0]+", "+args[1]+")", 2)
	case "Exponential":
		need(1)
		return clipped("r.Exponential("+args[0]+")", 1)
	case "Gamma":
		need(2)
		return clipped("r.Gamma("+args[0]+", "+args[1]+")", 2)
	case "DiscreteUniform":
		need(2)
		return "r.DiscreteUniform(" + args[0] + ", " + args[1] + ")"
	case "Binomial":
		need(2)
		return "r.Binomial(" + args[0] + ", " + args[1] + ")"
	}
	g.fail("unknown distribution %q", rv.Dist)
	return ""
}

// reduceOps names the annrt.Reducer operation of each global operation.
var reduceOps = map[string]string{"mean": "ReduceSum", "norm1": "ReduceAbs", "norm2": "ReduceSquare", "max": "ReduceMax", "min": "ReduceMin"}

// globalOpsCode recomputes mean/max/min/norm1/norm2 over the population,
// all in one split of the population's blocks (annrt.Reducer).
func (g *generator) globalOpsCode(nt *ntype) string {
	var b, set strings.Builder
	b.WriteString("r := &p.reducer\n")
	for i, o := range nt.t.GlobalOps {
		src := "p." + nt.field[o.Var]
		op := reduceOps[o.Op]
		if op == "" {
			g.fail("unknown global operation %q", o.Op)
		}
		fmt.Fprintf(&b, "r.Add(annrt.%s, %s)\n", op, src)
		val := fmt.Sprintf("res[%d]", i)
		switch o.Op {
		case "mean":
			val += " / float64(len(" + src + "))"
		case "norm2":
			g.use("math")
			val = "math.Sqrt(" + val + ")"
		}
		fmt.Fprintf(&set, "p.%s = %s\n", nt.gopField[o], g.conv(val))
	}
	b.WriteString("res := r.Run(&n.Core)\n")
	b.WriteString(set.String())
	return b.String()
}

// updateCode is the body of a neuron type's update: population-wide
// statements, then the loop over neurons (README, "One step", 5). kern describes the
// vector kernel of the loop, nil when there is none.
func (g *generator) updateCode(nt *ntype) (code, rangeCode string, kern *vecCompiler) {
	t := nt.t
	var b strings.Builder
	switch t.Input {
	case ir.SpikeSourceInput, ir.TimedArrayInput:
		return "", "", nil // the template's update of an input type
	}

	if !t.Spiking && len(t.GlobalUpdate)+len(t.LocalUpdate) == 0 {
		// A rate-coded type without equations (ANNarchy's InputArray:
		// r is a parameter set from outside).
		return "// Nothing to compute: the type has no equations.\n", "", nil
	}
	gc := g.newCtx(mNeuronGlobal)
	gc.nt = nt
	gc.written = ir.WrittenVars(t.GlobalUpdate)
	var gbody strings.Builder
	gc.stmts(&gbody, t.GlobalUpdate, nil)
	gc.outer.write(&b)
	b.WriteString(gbody.String())

	lc := g.newCtx(mNeuronLocal)
	lc.nt = nt
	lc.written = ir.WrittenVars(t.LocalUpdate, t.Reset)
	// Names bound for the population-wide part stay valid in the loop.
	for k, v := range gc.outer.byKey {
		if !strings.HasPrefix(k, "g.") {
			lc.outer.byKey[k] = v
		}
	}
	lp := lower.Neuron(t)
	lc.cache = newVarCache()
	var body strings.Builder
	refractory := t.Spiking && t.Refractory != nil
	zero := []string{}
	var zeroVars []*ir.Var
	for _, v := range t.Vars {
		if v.ZeroAfterStep {
			if v.Loc == ir.Global {
				g.fail("conductance %s cannot be population-wide", v.Name)
			}
			s, _ := lc.neuronVar(nt, v, true)
			zero = append(zero, s)
			zeroVars = append(zeroVars, v)
		}
	}
	if refractory {
		body.WriteString("if refr[i] > 0 {\nrefr[i]--\n")
		lc.stmts(&body, lp.Kept, nil)
		body.WriteString("} else {\n")
		lc.temps = map[string]vtype{}
	}
	lc.stmts(&body, lp.Body, nil)
	// spikeCode prints the reset, t_last and refractory counter of neuron i.
	spikeCode := func(b *strings.Builder) {
		lc.stmts(b, lp.Reset, nil)
		tms := lc.outer.bind("tms", "tms", "float64(n.Core.Step) * n.Dt")
		tl := lc.outer.bind("slice.TLast", "s_TLast", "p.TLast[:N]")
		fmt.Fprintf(b, "%s[i] = %s\n", tl, tms)
		if refractory {
			steps := lc.expr(lp.Refractory).float()
			g.use("math")
			conv := "int32(math.Round(float64(" + steps.s + ") / n.Dt))"
			if lower.IsInvariant(lp.Refractory) {
				conv = lc.outer.bind("refrSteps", "refrSteps", conv)
			}
			fmt.Fprintf(b, "refr[i] = %s\n", conv)
		}
	}
	if t.Spiking {
		if t.Spike == nil {
			g.fail("spiking neuron type %s has no spike condition", t.Name)
		}
		cond := lc.expr(lp.Spike).boolean()
		fmt.Fprintf(&body, "if %s {\n", cond.s)
		spikeCode(&body)
		body.WriteString("spiked = append(spiked, int32(i))\n}\n")
	}
	if refractory {
		body.WriteString("}\n")
	}
	for _, z := range zero {
		fmt.Fprintf(&body, "%s = 0\n", z)
	}

	// The vector kernel, with the reset of the neurons that spiked printed
	// on the stored arrays.
	var call string
	k, kc := g.simdLoop(nt, lp, zeroVars)
	if k != nil {
		invs, arrays := lc.kernelOperands(kc)
		cache, temps := lc.cache, lc.temps
		lc.cache, lc.temps = nil, map[string]vtype{}
		var rb strings.Builder
		if t.Spiking {
			spikeCode(&rb)
		}
		lc.cache, lc.temps = cache, temps
		g.kernels = append(g.kernels, k)
		call = g.simdCall(nt, k, invs, arrays, rb.String())
	}

	// The loop over neurons runs in updateRange over one chunk [lo, hi) of
	// the neurons: Core.Split hands the chunks to the network's helpers.
	// Chunk c collects its spikes in p.spk[c] (not in p.Spiked, which the
	// other chunks of a fused step may still be delivering); updateEnd
	// gathers them in chunk order, which is ascending rank order.
	var r strings.Builder
	r.WriteString("N := p.Size\n")
	shared := map[string]bool{}
	for k, v := range gc.outer.byKey {
		if !strings.HasPrefix(k, "g.") {
			shared[v] = true
		}
	}
	for _, x := range gc.outer.binds {
		if shared[x.name] {
			fmt.Fprintf(&r, "%s := %s\n_ = %s\n", x.name, x.init, x.name)
		}
	}
	if t.Spiking {
		r.WriteString("spiked := p.spk[chunk][:0]\n")
	}
	if refractory {
		r.WriteString("refr := p.refr[:N]\n")
	}
	lc.outer.write(&r)
	if call != "" {
		r.WriteString(call)
		r.WriteString("for i := i0; i < hi; i++ {\n")
	} else {
		r.WriteString("for i := lo; i < hi; i++ {\n")
	}
	for _, l := range lc.cache.loads {
		r.WriteString(l + "\n")
	}
	r.WriteString(body.String())
	for _, s := range lc.cache.stores {
		r.WriteString(s + "\n")
	}
	r.WriteString("}\n")
	if t.Spiking {
		r.WriteString("p.spk[chunk] = spiked\n")
	}
	if rs := r.String(); !usesIdent(strings.TrimPrefix(rs, "N := p.Size\n"), "N") {
		// A type with only parameters updates nothing.
		r.Reset()
		r.WriteString(strings.Replace(rs, "N := p.Size\n", "", 1))
	}

	split := splitCall("p", "updateRange", "p.Size", fmt.Sprint(loopCost(t.LocalUpdate, t.Reset)))
	b.WriteString(updateSplitMark)
	if t.Spiking {
		split = strings.Replace(split, "n.Core.Split", "chunks := n.Core.Split", 1)
		b.WriteString(split)
		b.WriteString("p.updateEnd(chunks)\n")
	} else {
		b.WriteString(split)
	}
	rs := r.String()
	if rest := strings.TrimPrefix(rs, "N := p.Size\n"); !usesIdent(rest, "N") {
		rs = rest // a neuron type without equations (an input array)
	}
	return b.String(), rs, kc
}

// updateSplitMark separates, in the update code updateCode returns, the
// population-wide statements (updateBegin) from the split loop.
const updateSplitMark = "// split\n"

// splitCall prints the code running recv.method(n, chunk, lo, hi) over
// [0, items) through Core.Split, with the method bound to the network once,
// in the field methodFn (a method value made at each step would allocate).
func splitCall(recv, method, items, cost string) string {
	f := recv + "." + method + "Fn"
	return fmt.Sprintf("if %s == nil {\n%s = func(chunk, lo, hi int) { %s.%s(n, chunk, lo, hi) }\n}\nn.Core.Split(%s, %s, %s)\n",
		f, f, recv, method, items, cost, f)
}

// loopCost estimates the work of one iteration of a loop running stmts, in
// Core.Split's units (about a nanosecond): one per operation, more for
// calls of mathematical functions.
func loopCost(stmts ...[]ir.Stmt) int {
	cost := 1
	for _, list := range stmts {
		for _, st := range list {
			a, ok := st.(*ir.Assign)
			if !ok {
				cost += 2
				continue
			}
			cost += exprCost(a.Value)
		}
	}
	return cost
}

// exprCost estimates the work of evaluating e (see loopCost).
func exprCost(e ir.Expr) int {
	cost := 0
	walk(e, func(e ir.Expr) {
		switch e.(type) {
		case *ir.Call, *ir.UserCall:
			cost += 15
		default:
			cost++
		}
	})
	return cost
}
