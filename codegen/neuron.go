package codegen

import (
	"fmt"
	"strings"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/lower"
)

// neuronCode prints the Go type of a neuron type and its methods.
func (g *generator) neuronCode(nt *ntype) string {
	t := nt.t
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	kind := "rate-coded"
	if t.Spiking {
		kind = "spiking"
	}
	var popNames []string
	for _, p := range nt.pops {
		popNames = append(popNames, p.p.Name)
	}
	update, updateRange, kern := g.updateCode(nt)
	nt.ranged = updateRange != ""
	w("// %s holds the state of a population of the %s neuron type %s (populations %s),\n", nt.goName, kind, t.Name, strings.Join(popNames, ", "))
	w("// as one slice per per-neuron variable and one value per population-wide one.\n")
	w("type %s struct {\n", nt.goName)
	w("Name string // population name\nIndex int // creation order\nSize int // number of neurons\nGeometry []int\n\n")
	for _, v := range t.Vars {
		what := "variable"
		if v.IsParam {
			what = "parameter"
		}
		if v.Loc == ir.Global {
			w("%s %s // %s %s (population-wide)\n", nt.field[v], g.goType(v), what, v.Name)
		} else {
			w("%s []%s // %s %s\n", nt.field[v], g.goType(v), what, v.Name)
		}
	}
	for _, tg := range nt.targets {
		w("%s []%s // sum(%s): weighted input of this step\n", nt.sumField[tg], g.ft, tg)
	}
	if t.Spiking {
		w("Spiked []int32 // ranks that spiked in the last step, ascending\n")
		w("TLast []float64 // time of each neuron's last spike (ms)\n")
		w("refr []int32 // refractory steps left\n")
		w("ring *annrt.SpikeRing // spikes of past steps, for delayed projections (nil if none)\n")
		if t.RateR {
			w("frWin *annrt.RateWindow // spikes of the firing_rate_window that r counts (nil: r stays)\n")
		}
	}
	w("rng annrt.RNG // per-step random stream\n")
	w("setRNG annrt.RNG // stream of values drawn by Set\n")
	for _, r := range t.Randoms {
		if r.Loc == ir.Global {
			w("%s %s // %s\n", nt.randField[r], g.ft, r.Dist)
		} else {
			w("%s []%s // %s\n", nt.randField[r], g.ft, r.Dist)
		}
	}
	for _, o := range t.GlobalOps {
		w("%s %s // %s(%s), one step late\n", nt.gopField[o], g.ft, o.Op, o.Var.Name)
	}
	switch t.Input {
	case ir.SpikeSourceInput:
		w("srcSteps []int64 // spike events, sorted by step then rank\nsrcRanks []int32\n")
	case ir.TimedArrayInput:
		w("buffer [][]%s // rows of rates\nschedule int64 // steps per row\nperiod int64 // steps before repeating, <= 0 = never\n", g.ft)
	}
	if kern != nil {
		w("simdPtrs [annrt.MaxChunks][%d]*%s // arrays read by the vector kernel, per chunk\n", len(kern.arrays), g.ft)
		copies := map[int]string{4: "four", 8: "eight"}[kern.lanes()]
		w("simdInv [annrt.MaxChunks][%d]%s // loop invariants of the vector kernel, %s copies each, per chunk\n", kern.lanes()*len(kern.invs), g.ft, copies)
	}
	if updateRange != "" {
		w("updateRangeFn func(chunk, lo, hi int) // updateRange bound to the network\n")
		if t.Spiking {
			w("spk [annrt.MaxChunks][]int32 // spikes of each chunk of the last update\n")
		}
	}
	w("dt float64\nstop func() bool // stop condition of the population, nil = none\n}\n\n")
	if kern != nil {
		w("// %s is the AVX2 kernel of %s.update (nil: the scalar loop does all neurons).\n", "simd"+nt.goName, nt.goName)
		w("var simd%s func(%s) int\n\n", nt.goName, g.kernels[len(g.kernels)-1].sig)
	}

	// Constructor.
	w("func new%s(name string, index int, geometry []int, dt float64) *%s {\n", nt.goName, nt.goName)
	w("size := 1\nfor _, d := range geometry {\nsize *= d\n}\n")
	w("p := &%s{Name: name, Index: index, Size: size, Geometry: geometry, dt: dt}\n", nt.goName)
	for _, v := range t.Vars {
		if v.Loc != ir.Global {
			w("p.%s = make([]%s, size)\n", nt.field[v], g.goType(v))
		}
	}
	for _, tg := range nt.targets {
		w("p.%s = make([]%s, size)\n", nt.sumField[tg], g.ft)
	}
	if t.Spiking {
		w("p.Spiked = make([]int32, 0, size)\np.TLast = make([]float64, size)\np.refr = make([]int32, size)\n")
	}
	for _, r := range t.Randoms {
		if r.Loc != ir.Global {
			w("p.%s = make([]%s, size)\n", nt.randField[r], g.ft)
		}
	}
	w("return p\n}\n\n")

	// Parameter defaults and initial values.
	var params, vars []*ir.Var
	for _, v := range t.Vars {
		if v.IsParam {
			params = append(params, v)
		} else {
			vars = append(vars, v)
		}
	}
	w("// initParams sets every parameter to its default.\nfunc (p *%s) initParams(n *Network) {\n", nt.goName)
	w("%s}\n\n", g.initCode(nt, params))
	w("// initVars sets every variable to its initial value and forgets past spikes.\nfunc (p *%s) initVars(n *Network) {\n", nt.goName)
	w("%s", g.initCode(nt, vars))
	for _, tg := range nt.targets {
		w("clear(p.%s)\n", nt.sumField[tg])
	}
	if t.Spiking {
		w("p.Spiked = p.Spiked[:0]\nclear(p.refr)\nfor i := range p.TLast {\np.TLast[i] = -10000 * p.dt\n}\nif p.ring != nil {\np.ring.Reset()\n}\n")
	}
	if len(t.GlobalOps) > 0 {
		w("p.globalOps()\n")
	}
	w("}\n\n")

	if len(nt.targets) > 0 {
		w("// zeroSums clears the weighted sums before the projections transmit.\nfunc (p *%s) zeroSums() {\n", nt.goName)
		for _, tg := range nt.targets {
			w("clear(p.%s)\n", nt.sumField[tg])
		}
		w("}\n\n")
	}
	if len(t.Randoms) > 0 {
		w("// draw draws this step's random variables.\nfunc (p *%s) draw(n *Network) {\n%s}\n\n", nt.goName, g.drawCode(nt))
	}
	if updateRange != "" {
		begin, rest, _ := strings.Cut(update, updateSplitMark)
		w("// updateBegin computes the population-wide statements of a step.\nfunc (p *%s) updateBegin(n *Network) {\n%s", nt.goName, begin)
		w("}\n\n")
		if t.Spiking {
			w("// updateEnd gathers the spikes of the chunks of the update, in chunk\n// order, which is ascending rank order.\nfunc (p *%s) updateEnd(chunks int) {\np.Spiked = p.Spiked[:0]\nfor c := range chunks {\np.Spiked = append(p.Spiked, p.spk[c]...)\n}\n}\n\n", nt.goName)
		}
		update = "p.updateBegin(n)\n" + rest
	}
	w("// update computes one step of every neuron.\nfunc (p *%s) update(n *Network) {\n%s}\n\n", nt.goName, update)
	if updateRange != "" {
		w("// updateRange computes one step of the neurons [lo, hi) (chunk number chunk).\nfunc (p *%s) updateRange(n *Network, chunk, lo, hi int) {\n%s}\n\n", nt.goName, updateRange)
	}
	if len(t.GlobalOps) > 0 {
		w("// globalOps recomputes the population-wide operations.\nfunc (p *%s) globalOps() {\n%s}\n\n", nt.goName, g.globalOpsCode(nt))
	}
	w("// StopConditionMet reports whether the population's stop_condition holds.\n")
	w("func (p *%s) StopConditionMet() bool {\nreturn p.stop != nil && p.stop()\n}\n\n", nt.goName)
	w("// held reports whether the network holds the population (WithOnly may leave it out).\n")
	w("func (p *%s) held() bool { return p != nil }\n\n", nt.goName)
	switch t.Input {
	case ir.SpikeSourceInput:
		w(`// SetSpikeTimes replaces the spike times (ms, one list per neuron); each
// time is rounded to the nearest step.
func (p *%s) SetSpikeTimes(times [][]float64) error {
	if len(times) != p.Size {
		return fmt.Errorf("%%s: %%d spike-time lists for %%d neurons", p.Name, len(times), p.Size)
	}
	p.srcSteps, p.srcRanks = spikeEvents(times, p.dt)
	return nil
}

`, nt.goName)
		g.use("fmt")
	case ir.TimedArrayInput:
		w(`// SetTimedArray replaces the buffer (one row of rates per schedule period),
// the schedule and the period (ms; period <= 0 = no repetition).
func (p *%s) SetTimedArray(rows [][]float64, schedule, period float64) error {
	buf := make([][]%s, len(rows))
	for i, row := range rows {
		if len(row) != p.Size {
			return fmt.Errorf("%%s: row %%d has %%d rates for %%d neurons", p.Name, i, len(row), p.Size)
		}
		buf[i] = make([]%s, len(row))
		for k, x := range row {
			buf[i][k] = %s
		}
	}
	p.buffer = buf
	p.schedule = annrt.StepsOf(schedule, p.dt)
	if p.schedule < 1 {
		p.schedule = 1
	}
	p.period = -1
	if period > 0 {
		p.period = annrt.StepsOf(period, p.dt)
	}
	return nil
}

`, nt.goName, g.ft, g.ft, g.conv("x"))
		g.use("fmt")
	}
	return b.String()
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

// drawCode draws the random variables of a neuron type for one step.
func (g *generator) drawCode(nt *ntype) string {
	var b strings.Builder
	b.WriteString("r := &p.rng\n")
	for _, rv := range nt.t.Randoms {
		c := g.newCtx(mNeuronGlobal)
		c.nt = nt
		args := make([]string, len(rv.Args))
		for i, a := range rv.Args {
			args[i] = g.arg(c.expr(a).float().s)
		}
		draw := g.drawExpr(rv, args)
		b.WriteString("{\n")
		c.outer.write(&b)
		f := nt.randField[rv]
		if rv.Loc == ir.Global {
			fmt.Fprintf(&b, "p.%s = %s\n}\n", f, g.conv(draw))
		} else if fill := g.fillCall(rv, args, "p."+f); fill != "" {
			b.WriteString(fill + "\n}\n")
		} else {
			fmt.Fprintf(&b, "dst := p.%s\nfor i := range dst {\ndst[i] = %s\n}\n}\n", f, g.conv(draw))
		}
	}
	return b.String()
}

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

// globalOpsCode recomputes mean/max/min/norm1/norm2 over the population.
func (g *generator) globalOpsCode(nt *ntype) string {
	var b strings.Builder
	for _, o := range nt.t.GlobalOps {
		src := "p." + nt.field[o.Var]
		f := nt.gopField[o]
		b.WriteString("{\n")
		switch o.Op {
		case "mean":
			fmt.Fprintf(&b, "s := 0.0\nfor _, x := range %s {\ns += float64(x)\n}\np.%s = %s\n", src, f, g.conv("s / float64(len("+src+"))"))
		case "norm1":
			g.use("math")
			fmt.Fprintf(&b, "s := 0.0\nfor _, x := range %s {\ns += math.Abs(float64(x))\n}\np.%s = %s\n", src, f, g.conv("s"))
		case "norm2":
			g.use("math")
			fmt.Fprintf(&b, "s := 0.0\nfor _, x := range %s {\ns += float64(x) * float64(x)\n}\np.%s = %s\n", src, f, g.conv("math.Sqrt(s)"))
		case "max", "min":
			fmt.Fprintf(&b, "s := %s[0]\nfor _, x := range %s[1:] {\ns = %s(s, x)\n}\np.%s = s\n", src, src, o.Op, f)
		default:
			g.fail("unknown global operation %q", o.Op)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// updateCode is the body of a neuron type's update: population-wide
// statements, then the loop over neurons (README, "One step", 5). kern describes the
// vector kernel of the loop, nil when there is none.
func (g *generator) updateCode(nt *ntype) (code, rangeCode string, kern *vecCompiler) {
	t := nt.t
	var b strings.Builder
	switch t.Input {
	case ir.SpikeSourceInput:
		b.WriteString(`tms := float64(n.Core.Step) * n.Dt
spiked := p.Spiked[:0]
steps, ranks := p.srcSteps, p.srcRanks[:len(p.srcSteps)]
last := int32(-1)
for k := firstAtOrAfter(steps, n.Core.Step); k < len(steps) && steps[k] == n.Core.Step; k++ {
	r := ranks[k]
	if r == last {
		continue
	}
	last = r
	spiked = append(spiked, r)
	p.TLast[r] = tms
}
p.Spiked = spiked
`)
		return b.String(), "", nil
	case ir.TimedArrayInput:
		rv := nt.byName["r"]
		if rv == nil || rv.Loc == ir.Global {
			g.fail("timed array type %s has no per-neuron variable r", t.Name)
		}
		fmt.Fprintf(&b, `if len(p.buffer) == 0 {
	return
}
s := n.Core.Step
if p.period > 0 {
	s %%= p.period
}
row := s / p.schedule
if row >= int64(len(p.buffer)) {
	row = int64(len(p.buffer)) - 1
}
copy(p.%s, p.buffer[row])
`, nt.field[rv])
		return b.String(), "", nil
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
