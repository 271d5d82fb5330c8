package codegen

import "github.com/annc/annc/ir"

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
	vt := param("Vt", ir.Global, -50)
	vr := param("Vr", ir.Global, -70)
	ie := param("Ie", ir.Global, 60)
	tauExc := param("tau_exc", ir.Global, 5)
	v := variable("v", -65)
	gexc := &ir.Var{Name: "g_exc", Loc: ir.Local, Conductance: true}
	lif := &ir.NeuronType{Name: "LIF", Spiking: true, Vars: []*ir.Var{ltau, el, vt, vr, ie, tauExc, v, gexc}, Targets: []string{"exc"}}
	// _v_new = v + dt*((El - v) + Ie + g_exc)/tau ; g_exc = g_exc - dt*g_exc/tau_exc ; v = _v_new
	lif.LocalUpdate = []ir.Stmt{
		&ir.Assign{LHS: &ir.Temp{Name: "v_new"}, Value: bin("+", vref(v), bin("/", bin("*", special("dt"),
			bin("+", bin("+", bin("-", vref(el), vref(v)), vref(ie)), vref(gexc))), vref(ltau)))},
		&ir.Assign{LHS: vref(gexc), Value: bin("-", vref(gexc), bin("/", bin("*", special("dt"), vref(gexc)), vref(tauExc))), UnlessRefractory: true},
		&ir.Assign{LHS: vref(v), Value: &ir.Temp{Name: "v_new"}},
	}
	lif.Spike = bin(">", vref(v), vref(vt))
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
			{Name: "v", Kind: ir.MonVar, Var: v}, {Name: "spike", Kind: ir.MonSpike}, {Name: "g_exc", Kind: ir.MonVar, Var: gexc}}},
		{Name: "mtgt", View: &ir.View{Pop: pTgt, Ranks: []int{1}, Shape: []int{1}, Text: "tgt[1]"}, PeriodSteps: 2, Start: true, Vars: []ir.MonitorVar{
			{Name: "acc", Kind: ir.MonVar, Var: acc}, {Name: "g_exc", Kind: ir.MonVar, Var: gacc}}},
	}
	m.Sim = ir.Simulation{DurationSteps: 20}
	return m
}
