package codegen

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/templates"
)

// view is everything the templates print, precomputed.
type view struct {
	Header        string
	Pkg           string
	PkgImport     string
	RuntimeImport string
	Imports       []string
	Name          string
	Version       string
	Hash          string
	Float         string
	F32           bool
	Dt            string
	Seed          int64
	HasSeed       bool
	Duration      string
	Until         bool
	MaxDuration   string
	UntilOr       bool
	HasSchedule   bool // the model has a schedule: RunSchedule and Program.Schedule
	UntilPops     []string
	UntilText     string
	Consts        []constView
	Pops          []popView
	Projs         []projView
	Mons          []monView
	OnlyCases     []onlyCase // cases of WithOnly names
	Names         []string   // object names, without repeats
	SetCases      []accessCase
	RowsSetCases  []accessCase
	GetCases      []accessCase
	FiniteChecks  []finiteObj // what CheckFinite checks
	FiniteVars    []finiteObj // what CheckFiniteVars checks
	// RefractoryChecks: the refractory periods Load checks.
	RefractoryChecks []finiteObj
	Learns           bool           // some projection has synapse equations or post_spike code
	Structural       *structNetView // the projections that prune or create synapses (nil: none)
	Sync             bool           // some projection stores variables per presynaptic neuron: Core.SetSync, syncOut, syncIn
	Fused            *fusedView     // the fused step (fuse.go), nil when the step is not fused
	GenVersion       int            // the runtime interface version this code is written for
	Paths            []string
	Neurons          []neuronView   // the neuron types (templates/neuron.go.tmpl)
	Projections      []projTypeView // the projections' types (templates/projection.go.tmpl), in the order of Projs
	Funcs            []funcView     // the model's functions
	Embeds           []embedView    // the files embedded in the package
	Schedule         *scheduleView  // RunSchedule (nil when the model has no schedule)
}

type constView struct{ Field, Name, Value string }

type popView struct {
	Field, Type, Name string
	Index             int
	Size              int
	NeuronType        string // the model's name of its neuron type
	Geometry          string
	Params, Vars      []overrideView // the model's values of parameters and variables
	SpikeSource       bool
	SpikeTimes        [][]string // a spike source's times (ms literals), one list per neuron
	Timed             *timedView // a timed array's rates
	RateSteps         int        // steps of the firing_rate_window (0: none)
	RateMs            string
	Stop              *stopView // nil: none
	Sums, Draw        bool
	BlockDraw         bool // per-neuron random variables, drawn block by block
	GlobalOps         bool
	RingProjs         []string // Network fields of the spiking projections leaving the population
	RateField         string   // field of r computed over the firing_rate_window ("" if none)
	Ranged            bool     // its update loops over ranges of neurons (updated inside a fused step)
}

type projView struct {
	Field, Type, Name string
	Target            string
	Index             int
	Build             string
	Params, Vars      []overrideView
	Structural        *structStartView // the schedule of structural plasticity, started after Vars (nil: none)
	SyncIn            bool             // per-presynaptic variables are copied in after Vars (syncIn)
	Draw              bool
	BlockDraw         bool // per-synapse random variables, drawn block by block
	Learn, PostSpike  bool
	Frozen            bool // the synapse equations run (except w's) while learning is disabled
	Rings             bool
	FusedIn           bool // delivers inside the split of a fused step
	PreIndex          int  // population indexes and names, for WithOnly
	PostIndex         int
	PreName, PostName string
}

// overrideView sets a variable of an object (Recv: "p" or "pj") to the
// value the model gives it, drawn from stream RNG ("r" for parameters, "rv"
// for variables) when a distribution.
type overrideView struct {
	Recv, Field string
	// Int: stored through the setters that refuse fractions, as Set does
	// (check refuses them first; a fraction would otherwise be kept).
	Global, Bool, Int bool
	Value             valueView
	RNG               string
	What              string // "population P" or "projection pj", for the error
	Var               string
	At                bool // per synapse, stored in presynaptic rows: set in synapse order through Recv.at
}

// valueView is an annrt.Value: a number (Num), a list (List) or a
// distribution (Dist with Args), as Go float literals.
type valueView struct {
	Num  string
	List []string
	Dist string
	Args []string
	Kind string // "num", "list" or "dist"
}

// timedView is a timed array's rows of rates, schedule and period (ms).
type timedView struct {
	Rows             [][]string
	Schedule, Period string
}

// monView is a monitor: network.go.tmpl creates it (newMon<Field>) and
// records its variables in the step, the early ones after the projections
// transmitted (sums and conductances), the others at its end.
type monView struct {
	Field, Name string
	Target      string // as the results name it: the population, view or projection
	Period      int    // steps
	Start       bool
	RateCoded   bool   // the target is a rate-coded population
	SynProj     string // Network field of a projection target, whose synapse ranks the results list
	OnPop       bool   // the target is a population or view (else a projection)
	TargetIndex int    // index of the target population or projection
	TargetName  string // name of the target population or projection
	Vars        []monVarView
	HasEarly    bool   // some variable is recorded early
	HasLate     bool   // some variable, or spikes, at the end of the step
	RanksVar    string // the variable of the ranks of the view it records ("" for a whole population or a projection)
	RanksLit    string // their value
}

// monVarView is one entry of a monitor's variables: the spikes of a
// population, or a variable whose frames come from field Field of the
// network's object Obj.
type monVarView struct {
	Name   string
	Index  int  // in annrt.Monitor.Vars
	Spikes bool // Obj is the population whose spikes are recorded
	Obj    string
	Field  string
	// The frame shape: Dims, or ShapeOf "synapses" (one value per synapse
	// of projection Obj) or "post" (the length of Field, one value per
	// postsynaptic neuron).
	Dims         []int
	ShapeOf      string
	Unit         string
	Early        bool
	Global, Bool bool   // one value (a population's or projection's variable); a boolean
	Ranks        string // the view's ranks variable ("" for the whole population)
	F32          bool   // the values are float32
	Sync         bool   // stored per presynaptic neuron: Obj.syncOut() writes Field first
	At           bool   // per synapse, stored in presynaptic rows: recorded in synapse order through Obj.at
}

// viewRanksLit is the Go expression of the ranks of a view: the runtime
// expands its ranges when the network is built, so that the generated code
// stays the same size whatever the size of the view.
func viewRanksLit(v *ir.View) string {
	starts, lens := make([]int, len(v.Dims)), make([]int, len(v.Dims))
	for d, r := range v.Dims {
		starts[d], lens[d] = r.Start, r.Len
	}
	return fmt.Sprintf("annrt.RangeRanks(%s, %s, %s)", intsLit(v.Pop.Geometry), intsLit(starts), intsLit(lens))
}

func intsLit(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return "[]int{" + strings.Join(parts, ", ") + "}"
}

func (g *generator) floatsLit(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = g.floatLit64(x)
	}
	return "[]float64{" + strings.Join(parts, ", ") + "}"
}

// floatLit64 prints a float64 constant for float64 contexts.
func (g *generator) floatLit64(x float64) string {
	f32 := g.f32
	g.f32 = false
	s := g.floatLit(x)
	g.f32 = f32
	return s
}

// valueOf describes an ir.Value for the templates.
func (g *generator) valueOf(v ir.Value) valueView {
	switch v.Kind {
	case ir.ListValue:
		return valueView{Kind: "list", List: g.floatLits(v.List)}
	case ir.DistValue:
		return valueView{Kind: "dist", Dist: v.Dist, Args: g.floatLits(v.Args)}
	}
	return valueView{Kind: "num", Num: g.floatLit64(v.Num)}
}

// floatLits prints float64 constants.
func (g *generator) floatLits(xs []float64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = g.floatLit64(x)
	}
	return out
}

// valueLit prints an ir.Value as an annrt.Value expression.
func (g *generator) valueLit(v ir.Value) string {
	switch v.Kind {
	case ir.ListValue:
		return "annrt.List(" + g.floatsLit(v.List) + ")"
	case ir.DistValue:
		return fmt.Sprintf("annrt.FromDist(annrt.Dist{Name: %q, Args: %s})", v.Dist, g.floatsLit(v.Args))
	}
	return "annrt.Num(" + g.floatLit64(v.Num) + ")"
}

// buildView computes everything the templates need.
func (g *generator) buildView() *view {
	m := g.m
	v := &view{
		Header:        fmt.Sprintf("// Code generated by annc %s from %s. DO NOT EDIT.", g.opt.Version, g.opt.SourceName),
		Pkg:           m.Name,
		PkgImport:     g.opt.ImportBase + "/" + m.Name,
		RuntimeImport: g.opt.ImportBase + "/runtime",
		Name:          m.Name,
		Version:       g.opt.Version,
		Hash:          m.Hash,
		Float:         g.ft,
		F32:           g.f32,
		Dt:            g.floatLit64(m.Dt),
		Seed:          m.Seed,
		HasSeed:       m.HasSeed,
		Duration:      g.floatLit64(float64(m.Sim.DurationSteps) * m.Dt),
		Until:         m.Sim.Until,
		MaxDuration:   g.floatLit64(float64(m.Sim.MaxSteps) * m.Dt),
		UntilOr:       m.Sim.Or,
		GenVersion:    GenVersion,
	}
	for _, c := range m.Constants {
		v.Consts = append(v.Consts, constView{Field: g.consts[c], Name: c.Name, Value: g.floatLit64(c.Value)})
	}
	g.fuse()
	// Neuron types and projections first: their bodies decide helper arrays.
	for _, nt := range g.ntypes {
		v.Neurons = append(v.Neurons, g.neuronView(nt))
	}
	for _, pj := range g.projs {
		v.Projections = append(v.Projections, g.projTypeView(pj))
	}
	var acc accessCases
	for _, p := range g.pops {
		v.Pops = append(v.Pops, g.popView(p))
		acc.popAccess(p)
	}
	v.Fused = g.fusedView()
	for _, pj := range g.projs {
		pv := g.projView(pj)
		v.Learns = v.Learns || pv.Learn || pv.PostSpike
		v.Projs = append(v.Projs, pv)
		acc.projAccess(pj)
	}
	for _, p := range g.pops {
		acc.inputAccess(p)
	}
	for _, pj := range g.projs {
		acc.delayAccess(pj)
	}
	for _, pj := range g.projs {
		v.Sync = v.Sync || len(pj.byPre) > 0
	}
	for _, c := range m.Constants {
		acc.constAccess(c.Name, g.consts[c])
	}
	v.RowsSetCases, v.SetCases, v.GetCases, v.Paths = acc.Rows, acc.Set, acc.Get, acc.Paths
	for _, mo := range g.mons {
		mv := g.monView(mo)
		v.Mons = append(v.Mons, mv)
	}
	v.OnlyCases, v.Names = g.onlyCases()
	v.FiniteChecks, v.FiniteVars = g.finiteChecks(true), g.finiteChecks(false)
	v.RefractoryChecks = g.refractoryChecks()
	// Stop conditions of SimulateUntil.
	pops := m.Sim.Pops
	if len(pops) == 0 {
		for _, p := range m.Pops {
			if p.Stop != nil {
				pops = append(pops, p)
			}
		}
	}
	var names []string
	for _, p := range pops {
		v.UntilPops = append(v.UntilPops, g.popOf[p].field)
		names = append(names, p.Name)
	}
	op := " and "
	if m.Sim.Or {
		op = " or "
	}
	v.UntilText = "none"
	if len(names) > 0 {
		v.UntilText = "stop conditions of " + strings.Join(names, op)
	}
	for _, u := range g.funcList {
		v.Funcs = append(v.Funcs, u.view)
	}
	v.Embeds = g.embeds
	v.Structural = g.structNetView()
	v.Schedule = g.scheduleView()
	v.HasSchedule = v.Schedule != nil
	imps := []string{`"fmt"`}
	if g.imports["math"] {
		imps = append(imps, `"math"`)
	}
	imps = append(imps, `"sync"`)
	if g.imports["embed"] {
		imps = append([]string{`_ "embed"`}, imps...)
	}
	imps = append(imps, "", "annrt "+strconv.Quote(v.RuntimeImport))
	v.Imports = imps
	return v
}

// localRandoms reports whether some of rvs are drawn per element.
func localRandoms(rvs []*ir.RandomVar) bool {
	for _, rv := range rvs {
		if rv.Loc != ir.Global {
			return true
		}
	}
	return false
}

func (g *generator) popView(p *pop) popView {
	nt := p.nt
	pv := popView{
		Field: p.field, Type: nt.goName, Name: p.p.Name, Index: p.p.Index, Size: p.p.Size, NeuronType: nt.t.Name,
		Geometry: intsLit(p.p.Geometry), Sums: len(nt.targets) > 0,
		Draw: len(nt.t.Randoms) > 0, BlockDraw: localRandoms(nt.t.Randoms), GlobalOps: len(nt.t.GlobalOps) > 0, Ranged: nt.ranged,
	}
	if len(p.p.Geometry) == 0 {
		pv.Geometry = intsLit([]int{p.p.Size})
	}
	for _, pj := range g.projs {
		if pj.pre == p && pj.st.Spiking {
			pv.RingProjs = append(pv.RingProjs, pj.field)
		}
	}
	for _, o := range p.p.Override {
		f := nt.field[o.Var]
		if f == "" {
			g.fail("population %s: override of unknown variable %s", p.p.Name, o.Var.Name)
		}
		ov := overrideView{Recv: "p", Field: f, Global: o.Var.Loc == ir.Global, Bool: o.Var.Type == ir.Bool, Int: o.Var.Type == ir.Int,
			Value: g.valueOf(o.Value), RNG: "rv", What: "population " + p.p.Name, Var: o.Var.Name}
		if o.Var.IsParam {
			ov.RNG = "r"
			pv.Params = append(pv.Params, ov)
		} else {
			pv.Vars = append(pv.Vars, ov)
		}
	}
	switch p.p.Input {
	case ir.SpikeSourceInput:
		pv.SpikeSource = true
		for _, ts := range p.p.SpikeTimes {
			pv.SpikeTimes = append(pv.SpikeTimes, g.floatLits(ts))
		}
	case ir.TimedArrayInput:
		ta := p.p.Timed
		if ta == nil {
			g.fail("timed array %s has no buffer", p.p.Name)
		}
		pv.Timed = &timedView{Schedule: g.floatLit64(float64(ta.ScheduleSteps) * g.m.Dt), Period: g.floatLit64(float64(ta.PeriodSteps) * g.m.Dt)}
		for _, r := range ta.Rates {
			pv.Timed.Rows = append(pv.Timed.Rows, g.floatLits(r))
		}
	}
	if p.p.Stop != nil {
		pv.Stop = g.stopView(p)
	}
	if p.p.RateWindowSteps > 0 {
		pv.RateField = nt.field[nt.byName["r"]]
		pv.RateSteps, pv.RateMs = p.p.RateWindowSteps, g.floatLit64(p.p.RateWindowMs)
	}
	return pv
}

func (g *generator) projView(pj *proj) projView {
	st := pj.st
	pv := projView{
		Field: pj.field, Type: pj.goName, Name: pj.p.Name, Target: pj.p.Target, Index: pj.p.Index,
		PreIndex: pj.pre.p.Index, PostIndex: pj.post.p.Index, PreName: pj.pre.p.Name, PostName: pj.post.p.Name,
		Draw:      len(st.Randoms) > 0,
		BlockDraw: localRandoms(st.Randoms),
		Learn:     len(st.GlobalUpdate)+len(st.PostUpdate)+len(st.LocalUpdate) > 0,
		PostSpike: st.Spiking && len(st.PostSpike) > 0,
		Frozen:    runsFrozen(st),
		Rings:     len(pj.rateRings) > 0,
		FusedIn:   pj.fusedIn,
		Build:     g.buildCode(pj),
	}
	for _, o := range pj.p.Override {
		if o.Var.Name == "w" {
			g.fail("projection %s: set weights in the connector", pj.p.Name)
		}
		f := pj.fld[o.Var]
		if f == "" {
			g.fail("projection %s: override of unknown variable %s", pj.p.Name, o.Var.Name)
		}
		ov := overrideView{Recv: "pj", Field: f, Global: o.Var.Loc == ir.Global, Bool: o.Var.Type == ir.Bool, Int: o.Var.Type == ir.Int,
			Value: g.valueOf(o.Value), RNG: "rv", What: "projection " + pj.p.Name, Var: o.Var.Name, At: pj.inRows(o.Var)}
		if o.Var.IsParam {
			ov.RNG = "r"
			pv.Params = append(pv.Params, ov)
		} else {
			pv.Vars = append(pv.Vars, ov)
		}
	}
	if pj.p.Structural() {
		pv.Structural = &structStartView{Prune: dueOf(pj.p.PruneStart), Create: dueOf(pj.p.CreateStart)}
	}
	pv.SyncIn = len(pj.byPre) > 0
	return pv
}

// structStartView is when a projection's pruning and creating start as
// the model gives it (nil: not before the schedule or a call starts it).
type structStartView struct{ Prune, Create *dueView }

// dueView is an annrt.Due's period and offset in steps.
type dueView struct{ Period, Offset int }

func dueOf(s *ir.StructStart) *dueView {
	if s == nil {
		return nil
	}
	return &dueView{Period: s.PeriodSteps, Offset: s.OffsetSteps}
}

func runtimeView(p *ir.Population, v ir.View) string {
	ranks := "nil"
	if !v.Whole() {
		ranks = viewRanksLit(&v)
	}
	geo := p.Geometry
	if len(geo) == 0 {
		geo = []int{p.Size}
	}
	return fmt.Sprintf("annrt.View{Pop: %d, Size: %d, Geometry: %s, Ranks: %s}", p.Index, p.Size, intsLit(geo), ranks)
}

// buildCode draws a projection's synapses, weights and delays.
func (g *generator) buildCode(pj *proj) string {
	p := pj.p
	c := p.Connector
	var b strings.Builder
	fmt.Fprintf(&b, "pre := %s\npost := %s\n", runtimeView(p.Pre.Pop, p.Pre), runtimeView(p.Post.Pop, p.Post))
	row, ok := lang.LookupConnector(c.Kind)
	if !ok {
		g.fail("projection %s: unknown connector %q", p.Name, c.Kind)
	}
	weights := row.DrawsWeights()
	// The builder's call, as its row declares it: the arguments it takes
	// in order, the matrix bound first to wm (the delays of its synapses
	// are read in the same order below).
	var args []string
	if row.RNG {
		args = append(args, "&r")
	}
	args = append(args, "pre", "post")
	for _, name := range row.Call {
		a, _ := row.Arg(name)
		x := c.Args[name]
		switch a.Kind {
		case lang.ArgNumber:
			args = append(args, g.floatLit64(x))
		case lang.ArgInteger:
			args = append(args, strconv.Itoa(int(x)))
		case lang.ArgBool:
			args = append(args, strconv.FormatBool(x != 0))
		case lang.ArgMatrix:
			if c.Matrix == nil {
				g.fail("projection %s: %s has no matrix (file %q not loaded)", p.Name, c.Kind, c.MatrixFile)
			}
			fmt.Fprintf(&b, "wm := %s\n", g.matrixExpr(p.Name+"_"+name, c.Matrix))
			args = append(args, "wm")
		default:
			g.fail("projection %s: %s passes %s to its builder", p.Name, c.Kind, name)
		}
	}
	if row.Threads {
		args = append(args, "n.Core.Threads()")
	}
	builder := row.Builder
	direct := g.preMajor(pj) && row.PreMajorBuilder != ""
	if direct {
		builder = row.PreMajorBuilder // the same synapses, stored presynaptic-major as drawn
	}
	fmt.Fprintf(&b, "c, err := annrt.%s(%s)\n", builder, strings.Join(args, ", "))
	fmt.Fprintf(&b, "if err != nil {\nreturn fmt.Errorf(\"projection %s: %%w\", err)\n}\n", p.Name)
	if pj.oneW {
		// One weight for all synapses, held once (README, "Synapse
		// storage"): none is stored per synapse, and none is moved.
		b.WriteString("oneW := !annrt.OneWeightOff()\nif oneW {\nc.W = nil\n}\n")
	}
	if g.preMajor(pj) {
		// Before the weights: the post-major weights are then never written.
		b.WriteString("c.Compact()\n")
	}
	if weights {
		if pj.oneW {
			b.WriteString("if !oneW {\n")
		}
		if direct {
			b.WriteString("if c.W == nil {\nc.W = annrt.MakeLarge[float64](c.Len()) // none drawn\n}\n")
		}
		fmt.Fprintf(&b, "if err := c.SetWeights(%s, &r); err != nil {\nreturn fmt.Errorf(\"projection %s: %%w\", err)\n}\n", g.valueLit(c.Weights), p.Name)
		if pj.oneW {
			b.WriteString("}\n")
		}
	}
	if c.DelayMatrix != nil {
		fmt.Fprintf(&b, "if err := c.SetDelays(annrt.List(annrt.MatrixSynapses(wm, %s)), n.Dt, &r); err != nil {\nreturn fmt.Errorf(\"projection %s: %%w\", err)\n}\n",
			g.matrixExpr(p.Name+"_delays", c.DelayMatrix), p.Name)
	} else if !(c.Delays.Kind == ir.NumValue && c.Delays.Num == 0) {
		fmt.Fprintf(&b, "if err := c.SetDelays(%s, n.Dt, &r); err != nil {\nreturn fmt.Errorf(\"projection %s: %%w\", err)\n}\n", g.valueLit(c.Delays), p.Name)
	} else if !weights {
		// from_matrix, gaussian and dog draw nothing without random delays.
		b.WriteString("_ = r\n")
	}
	if pj.oneW {
		// After the delays, which may regroup the synapses.
		fmt.Fprintf(&b, "if oneW {\nc.W = []float64{%s}\n}\n", g.floatLit64(c.Weights.Num))
	}
	fmt.Fprintf(&b, "pj := n.%s\nif pj == nil {\npj = new(%s)\nn.%s = pj\n}\n", pj.field, pj.goName, pj.field)
	fmt.Fprintf(&b, "*pj = %s{Name: %q, Index: %d, Target: %q, C: c, pre: n.%s, post: n.%s}\nif err := pj.alloc(); err != nil {\nreturn err\n}\n",
		pj.goName, p.Name, p.Index, p.Target, pj.pre.field, pj.post.field)
	return b.String()
}

// stopView is a population's stop condition: Cond, of neuron i, after
// the bindings Setup, holds for all (All) or any of its neurons.
type stopView struct {
	Setup, Cond string
	All         bool
}

// stopView prints a population's stop condition for the template.
func (g *generator) stopView(p *pop) *stopView {
	c := g.newCtx(mNeuronLocal)
	c.nt = p.nt
	cond := c.expr(p.p.Stop.Expr).boolean()
	var b strings.Builder
	c.outer.write(&b)
	return &stopView{Setup: stmtsBody(b.String()), Cond: cond.s, All: p.p.Stop.All}
}

// monView describes a monitor's setup and what it records.
func (g *generator) monView(mo *mon) monView {
	m := mo.m
	mv := monView{Field: mo.field, Name: m.Name, Period: max(m.PeriodSteps, 1), Start: m.Start}
	var p *pop
	var pj *proj
	var shape []int
	switch {
	case m.View != nil:
		p = g.popOf[m.View.Pop]
		mv.OnPop, mv.TargetIndex, mv.TargetName = true, p.p.Index, p.p.Name
		mv.Target = m.View.Text
		if mv.Target == "" {
			mv.Target = m.View.Pop.Name
		}
		mv.RateCoded = !p.nt.t.Spiking
		shape = m.View.Pop.Geometry
		if len(shape) == 0 {
			shape = []int{m.View.Pop.Size}
		}
		if !m.View.Whole() {
			mv.RanksVar, mv.RanksLit = "ranks"+mo.field, viewRanksLit(m.View)
			shape = m.View.Shape
			if len(shape) == 0 {
				shape = []int{m.View.Len()}
			}
		}
	case m.Proj != nil:
		for _, x := range g.projs {
			if x.p == m.Proj {
				pj = x
			}
		}
		mv.Target = m.Proj.Name
		mv.TargetIndex, mv.TargetName = m.Proj.Index, m.Proj.Name
		// The ranks are read when the results are written: ResetWith may
		// draw the connectivity again.
		mv.SynProj = pj.field
	default:
		g.fail("monitor %s has no target", m.Name)
	}
	idx := 0
	for _, vr := range m.Vars {
		v := monVarView{Name: vr.Name, Unit: vr.Unit, Ranks: mv.RanksVar, F32: g.f32, Dims: shape}
		switch {
		case lang.MonitorKinds[vr.Kind].Spikes:
			if p == nil || !p.nt.t.Spiking {
				g.fail("monitor %s: spikes of a non-spiking target", m.Name)
			}
			v.Spikes, v.Obj = true, p.field
			mv.Vars = append(mv.Vars, v)
			mv.HasLate = true
			continue
		case vr.Kind == lang.MonSum && p != nil:
			v.Obj, v.Field, v.Early = p.field, p.nt.sumField[vr.Target], true
			if v.Field == "" {
				g.fail("monitor %s: population %s has no sum(%s)", m.Name, p.p.Name, vr.Target)
			}
		case p != nil:
			if vr.Var == nil || p.nt.field[vr.Var] == "" {
				g.fail("monitor %s: unknown variable %q", m.Name, vr.Name)
			}
			v.Obj, v.Field, v.Early = p.field, p.nt.field[vr.Var], vr.Var.Conductance
			v.Global, v.Bool = vr.Var.Loc == ir.Global, vr.Var.Type == ir.Bool
		default:
			v.Obj, v.Field, v.ShapeOf, v.At = pj.field, "W", "synapses", pj.rows
			if pj.storePre {
				v.Field = "Weights()" // in synapse order (W is in storage order)
			}
			if vr.Var != nil && vr.Var.Name != "w" {
				v.Field = pj.fld[vr.Var]
				v.Global, v.Bool = vr.Var.Loc == ir.Global, vr.Var.Type == ir.Bool
				if v.Field == "" {
					g.fail("monitor %s: unknown synaptic variable %q", m.Name, vr.Name)
				}
				if vr.Var.Loc == ir.Post {
					v.ShapeOf = "post"
				}
				v.At = pj.inRows(vr.Var)
				v.Sync = pj.byPre[vr.Var] != ""
			}
		}
		if v.Global {
			v.Dims, v.ShapeOf = []int{1}, ""
		}
		v.Index = idx
		idx++
		mv.Vars = append(mv.Vars, v)
		mv.HasEarly = mv.HasEarly || v.Early
		mv.HasLate = mv.HasLate || !v.Early
	}
	return mv
}

// render executes the templates of the model package and main.go and
// formats the results.
func (g *generator) render(v *view) (map[string][]byte, error) {
	return renderFiles(v, []tmplFile{
		{"network.go.tmpl", v.Pkg + "/network.go"},
		{"helpers.go.tmpl", v.Pkg + "/helpers.go"},
		{"main.go.tmpl", "main.go"},
	})
}

// tmplFile is a template and the file of the build directory it renders.
type tmplFile struct{ tmpl, name string }

// renderFiles executes each template with data and formats the result.
func renderFiles(data any, files []tmplFile) (map[string][]byte, error) {
	t, err := templates.Parse()
	if err != nil {
		return nil, fmt.Errorf("codegen: templates: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, f.tmpl, data); err != nil {
			return nil, fmt.Errorf("codegen: template %s: %v", f.tmpl, err)
		}
		src, err := format(f.name, b.Bytes())
		if err != nil {
			return nil, err
		}
		out[f.name] = src
	}
	return out, nil
}

func sortStrings(s []string) { sort.Strings(s) }
