package ir

import (
	"sort"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/parser"
)

// Input populations get synthesised neuron types.
//
// Poisson follows ANNarchy's PoissonPopulation: a local parameter (or, for
// an equation string, a local variable) rates in Hz, a variable
// p = Uniform(0, 1) * 1000 / dt drawn every step, and the spike condition
// p < rates. SpikeSourceArray and TimedArray types have no equations: the
// generated code fills spikes or r from the population's buffers.

func (b *builder) inputType(name string, kind InputKind, spiking bool, vars ...*Var) *NeuronType {
	if nt, ok := b.neurons[name]; ok && nt.Input == kind {
		return nt
	}
	nt := &NeuronType{Name: name, Spiking: spiking, Input: kind, Vars: vars}
	b.neurons[name] = nt
	b.out.Neurons = append(b.out.Neurons, nt)
	return nt
}

func poissonDef(name string, pos diag.Pos, rates parser.Expr) *parser.NeuronDef {
	def := &parser.NeuronDef{Name: name, Pos: pos, Builtin: true}
	if rates == nil {
		def.Parameters = []parser.Param{{Pos: pos, Name: "rates", Value: &parser.Num{Pos: pos, Value: 10, Text: "10.0"}}}
	} else {
		def.Equations = append(def.Equations, parser.Stmt{Pos: pos, Kind: parser.Assign, Target: "rates", TargetPos: pos, Op: "=", RHS: rates})
	}
	uniform := &parser.Call{Pos: pos, Fun: "Uniform", Args: []parser.Expr{&parser.Num{Pos: pos, Value: 0, Text: "0.0"}, &parser.Num{Pos: pos, Value: 1, Text: "1.0"}}}
	p := &parser.Binary{Pos: pos, Op: "/", X: &parser.Binary{Pos: pos, Op: "*", X: uniform, Y: &parser.Num{Pos: pos, Value: 1000, Text: "1000.0"}}, Y: &parser.Ident{Pos: pos, Name: "dt"}}
	def.Equations = append(def.Equations, parser.Stmt{Pos: pos, Kind: parser.Assign, Target: "p", TargetPos: pos, Op: "=", RHS: p})
	def.Spike = &parser.Binary{Pos: pos, Op: "<", X: &parser.Ident{Pos: pos, Name: "p"}, Y: &parser.Ident{Pos: pos, Name: "rates"}}
	return def
}

func (b *builder) poisson(pop *Population, pd *parser.PopDef) {
	pop.Input = PoissonInput
	rates := &pd.Poisson.Rates
	if rates.Str != "" || (rates.Expr != nil && rates.List == nil && !rates.IsNum) {
		if rates.Expr == nil {
			b.errorf(rates.Pos, "poisson rates: cannot read %q as an equation of t", rates.Str)
			return
		}
		// One type per population: the equation is part of the type.
		def := poissonDef("Poisson_"+pop.Name, pd.Poisson.Pos, rates.Expr)
		nt := b.neuronType(def)
		nt.Input = PoissonInput
		b.neurons[def.Name] = nt
		b.out.Neurons = append(b.out.Neurons, nt)
		pop.Type = nt
		if len(nt.LocalUpdate) > 0 {
			pop.RatesExpr = nt.LocalUpdate[0].(*Assign).Value
		}
		return
	}
	nt, ok := b.neurons["Poisson"]
	if !ok || nt.Input != PoissonInput {
		if ok {
			b.errorf(pd.Pos, "a neuron type named Poisson hides the Poisson input type")
			return
		}
		nt = b.neuronType(poissonDef("Poisson", diag.Pos{}, nil))
		nt.Input = PoissonInput
		b.neurons["Poisson"] = nt
		b.out.Neurons = append(b.out.Neurons, nt)
	}
	pop.Type = nt
	v, ok := b.value(rates, pop.Size, "poisson rates")
	if !ok {
		return
	}
	if v.Kind == DistValue {
		b.errorf(rates.Pos, "poisson rates must be a number, a list or an equation of t")
		return
	}
	check := func(x float64) {
		if x < 0 {
			b.errorf(rates.Pos, "poisson rates must not be negative")
		}
	}
	check(v.Num)
	for _, x := range v.List {
		check(x)
	}
	pop.Override = append(pop.Override, Override{Var: nt.Vars[0], Value: v})
}

func (b *builder) spikeSource(pop *Population, pd *parser.PopDef) {
	pop.Input = SpikeSourceInput
	val := &pd.SpikeSource.SpikeTimes
	if val.List == nil {
		b.errorf(val.Pos, "spike_times is a list of times in ms, or one such list per neuron")
		return
	}
	nested := len(val.List) > 0 && val.List[0].List != nil
	var lists [][]float64
	if nested {
		for i := range val.List {
			l, ok := b.flatten(&val.List[i], nil)
			if !ok {
				return
			}
			lists = append(lists, l)
		}
	} else {
		l, ok := b.flatten(val, nil)
		if !ok {
			return
		}
		lists = [][]float64{l}
	}
	if len(pop.Geometry) == 0 {
		pop.Geometry = []int{len(lists)}
	}
	size := product(pop.Geometry)
	if size <= 0 {
		return // reported with the geometry
	}
	if len(lists) == 1 && size > 1 {
		for len(lists) < size {
			lists = append(lists, append([]float64(nil), lists[0]...))
		}
	}
	if len(lists) != size {
		b.errorf(val.Pos, "spike_times has %d lists for %d neurons", len(lists), size)
		return
	}
	for _, l := range lists {
		for _, x := range l {
			if x < 0 {
				b.errorf(val.Pos, "spike times must not be negative")
				return
			}
		}
		sort.Float64s(l)
	}
	pop.SpikeTimes = lists
	pop.Type = b.inputType("SpikeSourceArray", SpikeSourceInput, true)
}

func (b *builder) timedArray(pop *Population, pd *parser.PopDef) {
	pop.Input = TimedArrayInput
	ta := pd.TimedArray
	if ta.Rates.List == nil || len(ta.Rates.List) == 0 {
		b.errorf(ta.Rates.Pos, "timed_array rates is a list of rows, one per schedule slot")
		return
	}
	var rows [][]float64
	width := 0
	for i := range ta.Rates.List {
		row, ok := b.flatten(&ta.Rates.List[i], nil)
		if !ok {
			return
		}
		if len(row) > 1 || ta.Rates.List[i].List != nil {
			if width == 0 {
				width = len(row)
			}
		}
		rows = append(rows, row)
	}
	if len(pop.Geometry) == 0 {
		pop.Geometry = []int{max(width, 1)}
	}
	size := product(pop.Geometry)
	if size <= 0 {
		return // reported with the geometry
	}
	for i, row := range rows {
		switch len(row) {
		case size:
		case 1:
			for len(row) < size {
				row = append(row, row[0])
			}
			rows[i] = row
		default:
			b.errorf(ta.Rates.List[i].Pos, "row %d has %d values for %d neurons", i, len(row), size)
			return
		}
	}
	timed := &TimedArray{Rates: rows, ScheduleSteps: max(1, b.steps(ta.Pos, "schedule", ta.Schedule)), PeriodSteps: -1}
	if ta.Schedule < 0 {
		b.errorf(ta.Pos, "schedule must not be negative")
	}
	if ta.Period > 0 {
		timed.PeriodSteps = b.steps(ta.Pos, "period", ta.Period)
	}
	pop.Timed = timed
	pop.Type = b.inputType("TimedArray", TimedArrayInput, false, &Var{Name: "r", Loc: Local})
}
