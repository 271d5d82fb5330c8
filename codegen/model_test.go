package codegen

import (
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/ir"
)

// Small constructors for hand-built IR.

func num(v float64) *ir.Const             { return &ir.Const{Value: v} }
func vref(v *ir.Var) *ir.VarRef           { return &ir.VarRef{Var: v, Name: v.Name} }
func pre(name string) *ir.VarRef          { return &ir.VarRef{Side: ir.Pre, Name: name} }
func bin(op string, x, y ir.Expr) ir.Expr { return &ir.Binary{Op: op, X: x, Y: y} }
func special(name string) *ir.Special     { return &ir.Special{Name: name} }
func set(v *ir.Var, e ir.Expr) *ir.Assign { return &ir.Assign{LHS: vref(v), Value: e} }

func param(name string, loc ir.Locality, val float64) *ir.Var {
	return &ir.Var{Name: name, IsParam: true, Loc: loc, Init: num(val)}
}

func variable(name string, init float64) *ir.Var {
	return &ir.Var{Name: name, Loc: ir.Local, Init: num(init)}
}

// testModel is the model the build test compiles (dt = 0.5 ms):
//
//   - rate (RateN, 2 neurons): tau * dr/dt = I - r, explicit Euler, tau = 10
//     population-wide, I per neuron overridden to [1, 2].
//   - lif (LIF, 1 neuron): tau * dv/dt = El - v + Ie + g_exc, tau_exc *
//     dg_exc/dt = -g_exc; spike v > Vt, reset v = Vr, refractory 2 ms.
//   - src (SpikeSource, 2 neurons): spikes at 1.0 ms and 2.0 ms (steps 2, 4).
//   - tgt (Acc, 2 neurons): acc += g_exc each step; g_exc has no equation.
//   - rsum (RateSum, 1 neuron): r = sum(exc).
//   - p0: src -> tgt one_to_one, w = 1, no delay; p1: src -> tgt one_to_one,
//     w = 10, delay 2 ms (4 steps); rp: rate -> rsum all_to_all w = 0.5;
//     kick: src -> lif all_to_all w = 3 (g_exc of lif).
//   - monitors: mlif (lif: v, spike, g_exc), mtgt (tgt[1]: acc, g_exc).
func testModel() *ir.Model {
	m := &ir.Model{Name: "tmodel", File: "tmodel.yaml", Dt: 0.5, Seed: 7, HasSeed: true, Precision: "float64"}

	// Rate neuron.
	tau := param("tau", ir.Global, 10)
	I := param("I", ir.Local, 1)
	r := variable("r", 0)
	rateN := &ir.NeuronType{Name: "RateN", Vars: []*ir.Var{tau, I, r}}
	// r = r + dt * (I - r) / tau
	rateN.LocalUpdate = []ir.Stmt{set(r, bin("+", vref(r), bin("/", bin("*", special("dt"), bin("-", vref(I), vref(r))), vref(tau))))}

	// LIF neuron.
	ltau := param("tau", ir.Global, 10)
	el := param("El", ir.Global, -65)
	varType := param("Vt", ir.Global, -50)
	vr := param("Vr", ir.Global, -70)
	ie := param("Ie", ir.Global, 60)
	tauExc := param("tau_exc", ir.Global, 5)
	v := variable("v", -65)
	gexc := &ir.Var{Name: "g_exc", Loc: ir.Local, Conductance: true}
	lif := &ir.NeuronType{Name: "LIF", Spiking: true, Vars: []*ir.Var{ltau, el, varType, vr, ie, tauExc, v, gexc}, Targets: []string{"exc"}}
	// _v_new = v + dt*((El - v) + Ie + g_exc)/tau ; g_exc = g_exc - dt*g_exc/tau_exc ; v = _v_new
	lif.LocalUpdate = []ir.Stmt{
		&ir.Assign{LHS: &ir.Temp{Name: "v_new"}, Value: bin("+", vref(v), bin("/", bin("*", special("dt"),
			bin("+", bin("+", bin("-", vref(el), vref(v)), vref(ie)), vref(gexc))), vref(ltau)))},
		&ir.Assign{LHS: vref(gexc), Value: bin("-", vref(gexc), bin("/", bin("*", special("dt"), vref(gexc)), vref(tauExc))), UnlessRefractory: true},
		&ir.Assign{LHS: vref(v), Value: &ir.Temp{Name: "v_new"}},
	}
	lif.Spike = bin(">", vref(v), vref(varType))
	lif.Reset = []ir.Stmt{set(v, vref(vr))}
	lif.Refractory = num(2.0)

	// Spike source.
	src := &ir.NeuronType{Name: "SpikeSourceArray", Spiking: true, Input: ir.SpikeSourceInput}

	// Accumulator.
	acc := variable("acc", 0)
	gacc := &ir.Var{Name: "g_exc", Loc: ir.Local, Conductance: true, ZeroAfterStep: true}
	accT := &ir.NeuronType{Name: "Acc", Spiking: true, Vars: []*ir.Var{acc, gacc}, Targets: []string{"exc"}}
	accT.LocalUpdate = []ir.Stmt{set(acc, bin("+", vref(acc), vref(gacc)))}
	accT.Spike = bin(">", vref(acc), num(1e9))

	// Rate sum.
	rs := variable("r", 0)
	rsumT := &ir.NeuronType{Name: "RateSum", Vars: []*ir.Var{rs}, Targets: []string{"exc"}}
	rsumT.LocalUpdate = []ir.Stmt{set(rs, &ir.SumRef{Target: "exc"})}

	m.Neurons = []*ir.NeuronType{rateN, lif, src, accT, rsumT}
	pRate := &ir.Population{Name: "rate", Index: 0, Geometry: []int{2}, Size: 2, Type: rateN,
		Override: []ir.Override{{Var: I, Value: ir.Value{Kind: ir.ListValue, List: []float64{1, 2}}}}}
	pLif := &ir.Population{Name: "lif", Index: 1, Geometry: []int{1}, Size: 1, Type: lif}
	pSrc := &ir.Population{Name: "src", Index: 2, Geometry: []int{2}, Size: 2, Type: src, Input: ir.SpikeSourceInput,
		SpikeTimes: [][]float64{{1.0}, {2.0}}}
	pTgt := &ir.Population{Name: "tgt", Index: 3, Geometry: []int{2}, Size: 2, Type: accT}
	pRsum := &ir.Population{Name: "rsum", Index: 4, Geometry: []int{1}, Size: 1, Type: rsumT}
	m.Pops = []*ir.Population{pRate, pLif, pSrc, pTgt, pRsum}

	spikeSyn := func() *ir.SynapseType { return nil } // default synapse
	whole := func(p *ir.Population) ir.View { return ir.View{Pop: p, Text: p.Name} }
	numV := func(x float64) ir.Value { return ir.Value{Kind: ir.NumValue, Num: x} }
	m.Projs = []*ir.Projection{
		{Name: "p0", Index: 0, Pre: whole(pSrc), Post: whole(pTgt), Target: "exc", Type: spikeSyn(),
			Connector: ir.Connector{Kind: "one_to_one", Weights: numV(1)}},
		{Name: "p1", Index: 1, Pre: whole(pSrc), Post: whole(pTgt), Target: "exc", Type: spikeSyn(),
			Connector: ir.Connector{Kind: "one_to_one", Weights: numV(10), Delays: numV(2.0)}},
		{Name: "rp", Index: 2, Pre: whole(pRate), Post: whole(pRsum), Target: "exc",
			Connector: ir.Connector{Kind: "all_to_all", Weights: numV(0.5)}},
		{Name: "kick", Index: 3, Pre: whole(pSrc), Post: whole(pLif), Target: "exc",
			Connector: ir.Connector{Kind: "all_to_all", Weights: numV(3)}},
	}
	m.Monitors = []*ir.Monitor{
		{Name: "mlif", View: &ir.View{Pop: pLif, Text: "lif"}, PeriodSteps: 1, Start: true, Vars: []ir.MonitorVar{
			{Name: "v", Kind: lang.MonVar, Var: v}, {Name: "spike", Kind: lang.MonSpike}, {Name: "g_exc", Kind: lang.MonVar, Var: gexc}}},
		{Name: "mtgt", View: &ir.View{Pop: pTgt, Dims: []ir.Range{{Start: 1, Len: 1, Index: true}}, Shape: []int{1}, Text: "tgt[1]"}, PeriodSteps: 2, Start: true, Vars: []ir.MonitorVar{
			{Name: "acc", Kind: lang.MonVar, Var: acc}, {Name: "g_exc", Kind: lang.MonVar, Var: gacc}}},
	}
	m.Sim = ir.Simulation{DurationSteps: 20}
	return m
}

func call(f string, args ...ir.Expr) *ir.Call { return &ir.Call{Fun: f, Args: args} }
func post(name string) *ir.VarRef             { return &ir.VarRef{Side: ir.PostSide, Name: name} }

// featModel exercises the rest of the language (dt = 1 ms):
//
//   - in (SpikeSource, 1 neuron): spikes at 2 and 10 ms.
//   - out (Forced, 1 neuron): spikes when t == 5 or t == 12; acc += g_exc.
//   - stdp: in -> out, one_to_one, w = 0.5; x, y event-driven traces
//     (tau_plus = 10, tau_minus = 20); pre_spike g_target += w, x += 1,
//     w = clip(w - 0.1*y, 0, 1); post_spike y += 1, w = clip(w + 0.2*x, 0, 1).
//   - pr (RateF, 3 neurons): r = ite(rank > 0.5, sq(rank), half(rank)) +
//     mean(r); on = r > 1 (bool); c = if on: c + 1 else: c; u = Uniform(0, 1);
//     stop condition c >= 3 : all.
//   - poi (Poisson, 10 neurons, rates 1000 Hz): spikes every step.
//   - ta (TimedArray, 2 neurons): rows [1 2] [3 4] [5 6], 2 steps per row,
//     period 4 steps; tb: the same without period.
//   - rd (RateSum, 3 neurons): rdel: pr -> rd one_to_one, w = 1, delay 2 ms.
//   - hebb: pr -> pr2 (RateSum, 2 neurons), all_to_all, w = 0.1, psp w *
//     pre.r, max; w = w + eta * exp(pre.r * 0.01) * post.r; sp = post.r * 2
//     (postsynaptic); gsum = gsum + 1 (projection).
func featModel() *ir.Model {
	m := &ir.Model{Name: "feat", File: "feat.yaml", Dt: 1, Seed: 11, HasSeed: true, Precision: "float64"}
	numV := func(x float64) ir.Value { return ir.Value{Kind: ir.NumValue, Num: x} }
	whole := func(p *ir.Population) ir.View { return ir.View{Pop: p, Text: p.Name} }

	src := &ir.NeuronType{Name: "SpikeSourceArray", Spiking: true, Input: ir.SpikeSourceInput}

	acc := variable("acc", 0)
	g := &ir.Var{Name: "g_exc", Loc: ir.Local, Conductance: true, ZeroAfterStep: true}
	forced := &ir.NeuronType{Name: "Forced", Spiking: true, Vars: []*ir.Var{acc, g}, Targets: []string{"exc"}}
	forced.LocalUpdate = []ir.Stmt{set(acc, bin("+", vref(acc), vref(g)))}
	forced.Spike = bin("||", bin("==", special("t"), num(5)), bin("==", special("t"), num(12)))

	// STDP synapse.
	tauP := param("tau_plus", ir.Global, 10)
	tauM := param("tau_minus", ir.Global, 20)
	w := &ir.Var{Name: "w", Loc: ir.Local}
	x := &ir.Var{Name: "x", Loc: ir.Local, EventDriven: true}
	y := &ir.Var{Name: "y", Loc: ir.Local, EventDriven: true}
	stdp := &ir.SynapseType{Name: "STDP", Spiking: true, Vars: []*ir.Var{tauP, tauM, w, x, y}}
	stdp.Decays = []*ir.Decay{
		{Var: x, Rate: bin("/", num(1), vref(tauP)), Inf: num(0)},
		{Var: y, Rate: bin("/", num(1), vref(tauM)), Inf: num(0)},
	}
	stdp.PreSpike = []ir.Stmt{
		&ir.Assign{LHS: &ir.TargetRef{}, Value: bin("+", &ir.TargetRef{}, vref(w))},
		set(x, bin("+", vref(x), num(1))),
		set(w, call("clip", bin("-", vref(w), bin("*", num(0.1), vref(y))), num(0), num(1))),
	}
	stdp.PostSpike = []ir.Stmt{
		set(y, bin("+", vref(y), num(1))),
		set(w, call("clip", bin("+", vref(w), bin("*", num(0.2), vref(x))), num(0), num(1))),
	}

	// Rate neuron with functions, global operation, bool, condition, random.
	r := variable("r", 0)
	on := &ir.Var{Name: "on", Loc: ir.Local, Type: ir.Bool, Init: &ir.Const{Value: 0, Type: ir.Bool}}
	c := variable("c", 0)
	u := variable("u", 0)
	sq := &ir.Function{Name: "sq", Params: []string{"x"}, Body: bin("*", &ir.Param{Name: "x"}, &ir.Param{Name: "x"})}
	half := &ir.Function{Name: "half", Scope: "RateF", Params: []string{"x"}, Body: bin("/", &ir.Param{Name: "x"}, num(2))}
	mean := &ir.GlobalOp{Name: "_mean_r", Op: "mean", Var: r}
	rnd := &ir.RandomVar{Name: "_rand_0", Dist: "Uniform", Args: []ir.Expr{num(0), num(1)}, Loc: ir.Local}
	rank := special("rank")
	rateF := &ir.NeuronType{Name: "RateF", Vars: []*ir.Var{r, on, c, u}, Functions: []*ir.Function{half},
		GlobalOps: []*ir.GlobalOp{mean}, Randoms: []*ir.RandomVar{rnd}}
	rateF.LocalUpdate = []ir.Stmt{
		set(r, bin("+", &ir.Cond{C: bin(">", rank, num(0.5)), A: &ir.UserCall{F: sq, Args: []ir.Expr{rank}}, B: &ir.UserCall{F: half, Args: []ir.Expr{rank}}}, &ir.GlobalOpRef{Op: mean})),
		set(on, bin(">", vref(r), num(1))),
		set(c, &ir.Cond{C: vref(on), A: bin("+", vref(c), num(1)), B: vref(c)}),
		set(u, &ir.RandRef{R: rnd}),
	}

	// Poisson as ir.Build synthesises it.
	rates := param("rates", ir.Local, 10)
	pv := variable("p", 0)
	prnd := &ir.RandomVar{Name: "_rand_0", Dist: "Uniform", Args: []ir.Expr{num(0), num(1)}, Loc: ir.Local}
	poisson := &ir.NeuronType{Name: "Poisson", Spiking: true, Input: ir.PoissonInput, Vars: []*ir.Var{rates, pv}, Randoms: []*ir.RandomVar{prnd}}
	poisson.LocalUpdate = []ir.Stmt{set(pv, bin("/", bin("*", &ir.RandRef{R: prnd}, num(1000)), special("dt")))}
	poisson.Spike = bin("<", vref(pv), vref(rates))

	tr := variable("r", 0)
	timed := &ir.NeuronType{Name: "TimedArray", Input: ir.TimedArrayInput, Vars: []*ir.Var{tr}}

	rs := variable("r", 0)
	rsumT := &ir.NeuronType{Name: "RateSum", Vars: []*ir.Var{rs}, Targets: []string{"exc"}}
	rsumT.LocalUpdate = []ir.Stmt{set(rs, &ir.SumRef{Target: "exc"})}

	// Hebbian rate synapse.
	eta := param("eta", ir.Global, 0.01)
	hw := &ir.Var{Name: "w", Loc: ir.Local}
	sp := &ir.Var{Name: "sp", Loc: ir.Post}
	gsum := &ir.Var{Name: "gsum", Loc: ir.Global}
	hebb := &ir.SynapseType{Name: "Hebb", Vars: []*ir.Var{eta, hw, sp, gsum}, Operation: "max"}
	hebb.Psp = bin("*", vref(hw), pre("r"))
	hebb.GlobalUpdate = []ir.Stmt{set(gsum, bin("+", vref(gsum), num(1)))}
	hebb.PostUpdate = []ir.Stmt{set(sp, bin("*", post("r"), num(2)))}
	hebb.LocalUpdate = []ir.Stmt{set(hw, bin("+", vref(hw), bin("*", bin("*", vref(eta), call("exp", bin("*", pre("r"), num(0.01)))), post("r"))))}

	m.Functions = []*ir.Function{sq}
	m.Neurons = []*ir.NeuronType{src, forced, rateF, poisson, timed, rsumT}
	m.Synapses = []*ir.SynapseType{stdp, hebb}
	pIn := &ir.Population{Name: "in", Index: 0, Geometry: []int{1}, Size: 1, Type: src, Input: ir.SpikeSourceInput, SpikeTimes: [][]float64{{2, 10}}}
	pOut := &ir.Population{Name: "out", Index: 1, Geometry: []int{1}, Size: 1, Type: forced}
	pPr := &ir.Population{Name: "pr", Index: 2, Geometry: []int{3}, Size: 3, Type: rateF,
		Stop: &ir.StopCondition{Expr: bin(">=", vref(c), num(3)), All: true}}
	pPoi := &ir.Population{Name: "poi", Index: 3, Geometry: []int{10}, Size: 10, Type: poisson, Input: ir.PoissonInput,
		Override: []ir.Override{{Var: rates, Value: numV(1000)}}}
	rows := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	pTa := &ir.Population{Name: "ta", Index: 4, Geometry: []int{2}, Size: 2, Type: timed, Input: ir.TimedArrayInput,
		Timed: &ir.TimedArray{Rates: rows, ScheduleSteps: 2, PeriodSteps: 4}}
	pTb := &ir.Population{Name: "tb", Index: 5, Geometry: []int{2}, Size: 2, Type: timed, Input: ir.TimedArrayInput,
		Timed: &ir.TimedArray{Rates: rows, ScheduleSteps: 2, PeriodSteps: -1}}
	pRd := &ir.Population{Name: "rd", Index: 6, Geometry: []int{3}, Size: 3, Type: rsumT}
	pPr2 := &ir.Population{Name: "pr2", Index: 7, Geometry: []int{2}, Size: 2, Type: rsumT}
	m.Pops = []*ir.Population{pIn, pOut, pPr, pPoi, pTa, pTb, pRd, pPr2}
	m.Projs = []*ir.Projection{
		{Name: "stdp", Index: 0, Pre: whole(pIn), Post: whole(pOut), Target: "exc", Type: stdp,
			Connector: ir.Connector{Kind: "one_to_one", Weights: numV(0.5)}},
		{Name: "rdel", Index: 1, Pre: whole(pPr), Post: whole(pRd), Target: "exc",
			Connector: ir.Connector{Kind: "one_to_one", Weights: numV(1), Delays: numV(2)}},
		{Name: "hebb", Index: 2, Pre: whole(pPr), Post: whole(pPr2), Target: "exc", Type: hebb,
			Connector: ir.Connector{Kind: "all_to_all", Weights: numV(0.1)}},
	}
	m.Monitors = []*ir.Monitor{
		{Name: "mw", Proj: m.Projs[0], PeriodSteps: 1, Start: true, Vars: []ir.MonitorVar{{Name: "w", Kind: lang.MonVar, Var: w}}},
		{Name: "mpr", View: &ir.View{Pop: pPr, Text: "pr"}, PeriodSteps: 1, Start: true, Vars: []ir.MonitorVar{
			{Name: "on", Kind: lang.MonVar, Var: on}}},
	}
	m.Sim = ir.Simulation{Until: true, MaxSteps: 100}
	return m
}
