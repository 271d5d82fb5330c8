package ir

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	gotoken "go/token"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/internal/limits"
	"github.com/annc/annc/parser"
	"github.com/annc/annc/runtime/results"
)

// Library supplies the standard neuron and synapse models that a model file
// may use by name. Types of the model file take precedence.
type Library interface {
	Neuron(name string) (*parser.NeuronDef, bool)
	Synapse(name string) (*parser.SynapseDef, bool)
}

type builder struct {
	lits   map[parser.Expr]litVal // literal values of expressions (fold.go)
	m      *parser.Model
	lib    Library
	diags  diag.List
	out    *Model
	method string
	// monFiles: what writes each results file of the monitors built so far
	monFiles map[string]string
	// sideSums: checks of pre.sum(target) and post.sum(target), run once
	// every projection is built
	sideSums []func()

	consts   map[string]*Constant
	funcs    map[string]*Function
	neurons  map[string]*NeuronType
	synapses map[string]*synType
	synOrder []*synType
	pops     map[string]*Population
	projs    map[string]*Projection
	// broken names the populations and projections that are declared but
	// were rejected (their errors are reported): references to them are
	// not reported again as unknown names.
	broken map[string]bool
	// brokenTypes names the neuron and synapse types whose definitions have
	// syntax errors (reported by the parser): they are not analysed, and the
	// objects using them are skipped without further messages.
	brokenTypes map[string]bool
	// brokenPopTypes are the neuron types of populations that could not be
	// built, for checking their monitors; brokenProjTypes the synapse
	// types of such projections.
	brokenPopTypes  map[string]*NeuronType
	brokenProjTypes map[string]*SynapseType
	// partialNeurons and partialSyns are the broken types analysed as far
	// as they parsed (nil when the names they declare cannot be told).
	partialNeurons, partialSyns map[string]*partialType
	// rateTypes names the neuron types of populations with a
	// firing_rate_window: spiking ones get a variable r.
	rateTypes map[string]bool
	// anonBroken is set when a population or projection whose name could
	// not be read was rejected: any unknown name may be that one.
	anonBroken bool
}

// isBroken reports whether a reference to name may be to an object rejected
// with errors of its own, so that it is not reported again as unknown.
func (b *builder) isBroken(name string) bool {
	return b.broken[name] || b.anonBroken
}

var modelName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Build analyses a parsed model: it resolves every name, checks localities
// and types, synthesises the types of input populations and default
// synapses, and rewrites every ODE with its numerical method so that
// updates are plain assignments. Diagnostics are sorted; the model is
// usable only when none is an error.
func Build(m *parser.Model, lib Library) (*Model, diag.List) {
	b := &builder{
		m:        m,
		lib:      lib,
		consts:   map[string]*Constant{},
		funcs:    map[string]*Function{},
		neurons:  map[string]*NeuronType{},
		synapses: map[string]*synType{},
		pops:     map[string]*Population{},
		projs:    map[string]*Projection{},
		broken:   map[string]bool{},

		brokenTypes:    map[string]bool{},
		brokenPopTypes: map[string]*NeuronType{},

		brokenProjTypes: map[string]*SynapseType{},
		partialNeurons:  map[string]*partialType{},
		partialSyns:     map[string]*partialType{},
	}
	out := &Model{
		Name:       m.Name,
		File:       m.File,
		Dt:         m.Dt,
		Precision:  m.Precision,
		ExactDecay: m.EventDriven == "exact",
		Structural: m.StructuralPlasticity,
	}
	b.out = out
	// The hash ignores comments and formatting: changing only those
	// neither rebuilds nor makes earlier results stale.
	hashed := m.Canonical
	if hashed == nil {
		hashed = m.Source
	}
	sum := sha256.Sum256(hashed)
	out.Hash = hex.EncodeToString(sum[:])
	if m.Seed != nil {
		out.Seed, out.HasSeed = *m.Seed, true
	}
	b.header()
	b.constants()
	b.modelFunctions()
	b.rateTypes = map[string]bool{}
	for _, pd := range m.Pops {
		if pd.RateWindow != nil && pd.Neuron != "" {
			b.rateTypes[pd.Neuron] = true
		}
	}
	for _, def := range m.Neurons {
		if def.Broken {
			b.brokenTypes[def.Name] = true
			if _, ok := b.partialNeurons[def.Name]; !ok {
				b.partialNeurons[def.Name] = b.partialNeuron(def)
			}
			continue
		}
		if _, ok := b.neurons[def.Name]; ok {
			b.diags.Errorf(def.Pos, "neuron type %q is defined twice", def.Name)
			continue
		}
		nt := b.neuronType(def)
		b.neurons[def.Name] = nt
		out.Neurons = append(out.Neurons, nt)
	}
	for _, def := range m.Synapses {
		if def.Broken {
			b.brokenTypes[def.Name] = true
			if _, ok := b.partialSyns[def.Name]; !ok {
				b.partialSyns[def.Name] = b.partialSynapse(def)
			}
			continue
		}
		if _, ok := b.synapses[def.Name]; ok {
			b.diags.Errorf(def.Pos, "synapse type %q is defined twice", def.Name)
			continue
		}
		sy := b.synapseType(def)
		b.synapses[def.Name] = sy
		b.synOrder = append(b.synOrder, sy)
	}
	for i, pd := range m.Pops {
		b.population(i, pd)
	}
	for i, pd := range m.Projs {
		b.projection(i, pd)
	}
	for _, check := range b.sideSums {
		check()
	}
	for _, sy := range b.synOrder {
		if !sy.decided {
			b.setSpiking(sy, false)
		}
		out.Synapses = append(out.Synapses, sy.t)
	}
	b.units()
	for _, md := range m.Monitors {
		b.monitor(md)
	}
	b.simulation()
	b.schedule()
	if !b.diags.HasErrors() {
		b.checkSize()
	}
	b.diags.Sort()
	return out, b.diags
}

// buildDirNames are the entries of a build directory besides the model's
// package directory, which is named after the model, and directory names
// the go command treats specially.
var buildDirNames = map[string]string{
	"main":     "a Go package named main is a program and cannot be imported",
	"runtime":  "the build directory's runtime package is named so",
	"bin":      "the build directory keeps the built program in bin/",
	"capi":     "the build directory keeps the C API in capi/",
	"vendor":   "the go command reads a vendor directory as vendored dependencies",
	"testdata": "the go command ignores directories named testdata",
}

// reservedModelName says why a model name cannot name the generated package
// and its directory, or returns "".
func reservedModelName(name string) string {
	if why, ok := buildDirNames[name]; ok {
		return why
	}
	if gotoken.IsKeyword(name) {
		return "it is a Go keyword"
	}
	return ""
}

func (b *builder) header() {
	m := b.m
	if !modelName.MatchString(m.Name) {
		b.diags.Errorf(m.NamePos, "model name %q must match [a-z][a-z0-9_]* (it becomes a Go package name)", m.Name)
	} else if why := reservedModelName(m.Name); why != "" {
		b.diags.Errorf(m.NamePos, "model name %q cannot be used: %s; choose another name", m.Name, why)
	}
	if b.out.Dt == 0 {
		b.out.Dt = 1
	}
	if b.out.Dt < 0 || math.IsNaN(b.out.Dt) || math.IsInf(b.out.Dt, 0) {
		b.diags.Errorf(m.DtPos, "dt must be a positive number of ms")
		b.out.Dt = 1
	}
	if b.out.Precision == "" {
		b.out.Precision = "float64"
	}
	if b.out.Precision != "float64" && b.out.Precision != "float32" {
		b.diags.Errorf(diag.Pos{File: m.File}, "precision must be float64 or float32")
	}
	b.method = m.Method
	if b.method == "" {
		b.method = "explicit"
	}
	if !isMethod(b.method) || b.method == "event-driven" {
		b.diags.Errorf(m.MethodPos, "unknown numerical method %q%s", m.Method, didYouMean(m.Method, lang.MethodNames(false)))
		b.method = "explicit"
	}
}

func (b *builder) constants() {
	for _, c := range b.m.Constants {
		if _, ok := b.consts[c.Name]; ok {
			b.diags.Errorf(c.Pos, "constant %q is defined twice", c.Name)
			continue
		}
		if reserved[c.Name] {
			b.diags.Errorf(c.Pos, "%q is a reserved name and cannot be a constant", c.Name)
			continue
		}
		if !c.Value.IsNum {
			b.diags.Errorf(c.Value.Pos, "constant %s must be a number", c.Name)
			continue
		}
		k := &Constant{Name: c.Name, Pos: c.Pos, Value: c.Value.Num}
		b.consts[c.Name] = k
		b.out.Constants = append(b.out.Constants, k)
	}
}

func (b *builder) modelFunctions() {
	s := b.newScope("", false, false)
	s.funcs = b.funcs // earlier model functions are visible to later ones
	for i, fd := range b.m.Functions {
		if _, ok := lang.LookupBuiltin(fd.Name); ok {
			b.diags.Errorf(fd.Pos, "function %q has the name of a built-in function", fd.Name)
			continue
		}
		if _, ok := b.funcs[fd.Name]; ok {
			b.diags.Errorf(fd.Pos, "function %q is defined twice", fd.Name)
			continue
		}
		f := b.function(s, fd, "", b.m.Functions[i+1:])
		b.funcs[fd.Name] = f
		b.out.Functions = append(b.out.Functions, f)
	}
}

// neuronByName finds a neuron type in the model file, then in the library.
func (b *builder) neuronByName(name string, pos diag.Pos) *NeuronType {
	if nt, ok := b.neurons[name]; ok {
		return nt
	}
	if b.lib != nil {
		if def, ok := b.lib.Neuron(name); ok {
			nt := b.neuronType(def)
			b.neurons[name] = nt
			b.out.Neurons = append(b.out.Neurons, nt)
			return nt
		}
	}
	var names []string
	for n := range b.neurons {
		names = append(names, n)
	}
	sort.Strings(names)
	b.diags.Errorf(pos, "unknown neuron type %q%s", name, didYouMean(name, names))
	return nil
}

func (b *builder) synapseByName(name string, pos diag.Pos) *synType {
	if sy, ok := b.synapses[name]; ok {
		return sy
	}
	if b.lib != nil {
		if def, ok := b.lib.Synapse(name); ok {
			sy := b.synapseType(def)
			b.synapses[name] = sy
			b.synOrder = append(b.synOrder, sy)
			return sy
		}
	}
	var names []string
	for n := range b.synapses {
		if !strings.HasPrefix(n, "Default") && !strings.HasPrefix(n, "\x00") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	b.diags.Errorf(pos, "unknown synapse type %q%s", name, didYouMean(name, names))
	return nil
}

// product is the number of elements of a geometry, or -1 when it exceeds
// maxPopSize (so that no overflow can make a huge geometry look small).
func product(g []int) int {
	n := 1
	for _, x := range g {
		if x < 0 || (x > 0 && n > maxPopSize/x) {
			return -1
		}
		n *= x
	}
	return n
}

func (b *builder) population(i int, pd *parser.PopDef) {
	if _, ok := b.pops[pd.Name]; ok {
		b.diags.Errorf(pd.Pos, "population %q is defined twice", pd.Name)
		return
	}
	defer func() {
		if _, ok := b.pops[pd.Name]; !ok {
			b.broken[pd.Name] = true
		}
	}()
	if pd.Broken || b.brokenTypes[pd.Neuron] {
		if pd.Name == "" {
			b.anonBroken = true
		}
		b.checkPopRest(pd) // its errors are reported; check the parts that have none
		return
	}
	if !identRe.MatchString(pd.Name) {
		b.diags.Errorf(pd.Pos, "population name %q must be an identifier", pd.Name)
	}
	pop := &Population{Name: pd.Name, Pos: pd.Pos, Index: i, Geometry: pd.Geometry}
	inputs := 0
	for _, x := range []bool{pd.Poisson != nil, pd.SpikeSource != nil, pd.TimedArray != nil, pd.Neuron != ""} {
		if x {
			inputs++
		}
	}
	if inputs != 1 {
		b.diags.Errorf(pd.Pos, "population %s needs exactly one of neuron, poisson, spike_source, timed_array", pd.Name)
		return
	}
	switch {
	case pd.SpikeSource != nil:
		b.spikeSource(pop, pd)
	case pd.TimedArray != nil:
		b.timedArray(pop, pd)
	}
	if len(pop.Geometry) == 0 && pop.Input != NotInput && pop.Type == nil {
		return // spike times or rates that give the geometry are wrong (reported)
	}
	if len(pop.Geometry) == 0 {
		b.diags.Errorf(pd.Pos, "population %s needs a geometry", pd.Name)
		return
	}
	if len(pop.Geometry) > 3 {
		b.diags.Errorf(pd.GeometryPos, "geometry has at most 3 dimensions")
	}
	for _, d := range pop.Geometry {
		if d <= 0 {
			b.diags.Errorf(pd.GeometryPos, "geometry sizes must be positive")
			return
		}
	}
	pop.Size = product(pop.Geometry)
	if pop.Size > maxPopSize || pop.Size <= 0 {
		b.diags.Errorf(pd.GeometryPos, "population %s is too large (%v neurons; at most %d)", pd.Name, pop.Geometry, maxPopSize)
		return
	}
	switch {
	case pd.Poisson != nil:
		b.poisson(pop, pd)
	case pd.Neuron != "":
		pop.Type = b.neuronByName(pd.Neuron, pd.NeuronPos)
	}
	if pop.Type == nil {
		return
	}
	b.pops[pd.Name] = pop
	b.out.Pops = append(b.out.Pops, pop)
	b.rateWindow(pop, pd)
	pop.Override = append(pop.Override, b.refractoryOverride(pop, pd)...)
	pop.Override = append(pop.Override, b.overrides(pd.Parameters, pop.Type.Vars, pop.Size, true, "population "+pop.Name, popVarHint)...)
	pop.Override = append(pop.Override, b.overrides(pd.Init, pop.Type.Vars, pop.Size, false, "population "+pop.Name, popVarHint)...)
	if r, ok := pop.Type.Refractory.(*VarRef); ok {
		for _, o := range pop.Override {
			if o.Var == r.Var {
				b.checkRefractory(o.Value, "")
			}
		}
	}
	pop.Stop = b.stopCondition(pd, pop.Type)
}

// checkPopRest reports the errors of the neuron type, parameters, initial
// values and stop condition of a population that cannot be built (its other
// errors are reported), as far as its neuron type is known, and keeps that
// type for the monitors of the population.
func (b *builder) checkPopRest(pd *parser.PopDef) {
	bad := func(part string) bool { return slices.Contains(pd.BadParts, part) }
	if pd.Neuron == "" || bad("neuron") {
		return
	}
	var nt *NeuronType
	exact := true
	if b.brokenTypes[pd.Neuron] {
		p := b.partialNeurons[pd.Neuron]
		if p == nil {
			return
		}
		nt, exact = p.nt, p.exact
	} else if nt = b.neuronByName(pd.Neuron, pd.NeuronPos); nt == nil {
		return
	}
	nt = b.withTargets(nt, pd.Name)
	if pd.Name != "" {
		b.brokenPopTypes[pd.Name] = nt
	}
	what := "population " + pd.Name
	if !bad("parameters") {
		b.overrides(pd.Parameters, nt.Vars, 0, true, what, popVarHint)
	}
	if !bad("init") {
		b.overrides(pd.Init, nt.Vars, 0, false, what, popVarHint)
	}
	if !bad("stop_condition") && exact { // a stop condition may read what did not parse
		b.stopCondition(pd, nt)
	}
}

// stopCondition analyses a population's stop condition (nil when none).
func (b *builder) stopCondition(pd *parser.PopDef, nt *NeuronType) *StopCondition {
	if sc := pd.StopCondition; sc != nil {
		s := b.typeScope(nt)
		s.what = "a stop condition"
		s.noRandom, s.noGlobalOp, s.noSum = true, true, true
		x, t := s.expr(sc.Expr)
		if t != Bool {
			b.diags.Errorf(sc.Expr.Position(), "stop_condition must be a boolean expression")
		}
		if sc.Mode != "" && sc.Mode != "any" && sc.Mode != "all" {
			b.diags.Errorf(sc.Pos, "stop_condition mode must be any or all, not %q", sc.Mode)
		}
		return &StopCondition{Pos: sc.Pos, Expr: x, All: sc.Mode == "all"}
	}
	return nil
}

// maxPopSize bounds the neurons of one population, so that a typo in a
// geometry gives an error rather than exhausting memory.
const maxPopSize = limits.Neurons

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// typeScope rebuilds a read-only scope over an analysed neuron type, for
// expressions written outside it (stop conditions).
func (b *builder) typeScope(nt *NeuronType) *scope {
	s := b.newScope(nt.Name, false, nt.Spiking)
	s.varList = new([]*Var)
	for _, v := range nt.Vars {
		s.vars[v.Name] = v
	}
	for _, f := range nt.Functions {
		s.funcs[f.Name] = f
	}
	s.randoms = new([]*RandomVar)
	s.globalOps = new([]*GlobalOp)
	return s
}

// overrides converts population/projection parameters or init values.
// rateWindow checks a population's firing_rate_window.
func (b *builder) rateWindow(pop *Population, pd *parser.PopDef) {
	if pd.RateWindow == nil {
		return
	}
	w := *pd.RateWindow
	switch {
	case !pop.Type.Spiking || pop.Input != NotInput || pd.Neuron == "":
		b.errorf(pd.RateWindowPos, "firing_rate_window needs a population of spiking neurons (its rate r is computed from their spikes)")
	case !pop.Type.RateR:
		b.errorf(pd.RateWindowPos, "firing_rate_window computes r, but neuron type %s defines r itself", pop.Type.Name)
	case Steps(w, b.out.Dt) > limits.Steps:
		b.steps(pd.RateWindowPos, "firing_rate_window", w)
	case !(w > 0) || Steps(w, b.out.Dt) < 1:
		b.errorf(pd.RateWindowPos, "firing_rate_window must be at least one step (%v ms), got %v", b.out.Dt, w)
	default:
		pop.RateWindowMs, pop.RateWindowSteps = w, Steps(w, b.out.Dt)
	}
}

// refractoryOverride gives a population the per-neuron refractory periods
// of its type (NeuronType.RefractoryInit) unless its parameters set them.
func (b *builder) refractoryOverride(pop *Population, pd *parser.PopDef) []Override {
	init := pop.Type.RefractoryInit
	if init == nil {
		return nil
	}
	for _, n := range pd.Parameters {
		if n.Name == "refractory" {
			return nil
		}
	}
	if init.Kind == ListValue && len(init.List) != pop.Size {
		b.diags.Errorf(pd.Pos, "population %s has %d neurons but the refractory list of %s has %d values", pop.Name, pop.Size, pop.Type.Name, len(init.List))
		return nil
	}
	for _, v := range pop.Type.Vars {
		if v.Name == "refractory" {
			return []Override{{Var: v, Value: *init}}
		}
	}
	return nil
}

// popVarHint tells where a population's variable gets its initial value,
// for one given under the population's parameters.
func popVarHint(string) string { return "set its initial value under init" }

// projVarHint tells where a variable of projection proj (of synapse type
// syn) gets its initial value: a projection entry has no init key, so in the
// type's equation or by a schedule's set step.
func projVarHint(proj, syn string) func(string) string {
	return func(v string) string {
		return fmt.Sprintf("a projection entry has no init: give its initial value with the init flag of its equation in synapse %s (: init = ...) or a schedule step {set: {%s.%s: ...}}", syn, proj, v)
	}
}

// overrides reads the values a population or projection entry gives its
// type's parameters (params) or variables; varHint(name) says where the
// initial value of a variable given as a parameter goes instead.
func (b *builder) overrides(ns []parser.Named, vars []*Var, size int, params bool, owner string, varHint func(string) string) []Override {
	var out []Override
	seen := map[string]bool{}
	for _, n := range ns {
		if seen[n.Name] {
			b.diags.Errorf(n.Pos, "%q is set twice", n.Name)
			continue
		}
		seen[n.Name] = true
		var v *Var
		var names []string
		for _, x := range vars {
			if x.IsParam == params || (params && x.Name == "w") {
				names = append(names, x.Name)
			}
			if x.Name == n.Name {
				v = x
			}
		}
		switch {
		case v == nil:
			b.diags.Errorf(n.Pos, "%s has no %s %q%s", owner, map[bool]string{true: "parameter", false: "variable"}[params], n.Name, didYouMean(n.Name, names))
			continue
		case params && !v.IsParam && v.Name != "w":
			b.diags.Errorf(n.Pos, "%q is a variable of %s; %s", n.Name, owner, varHint(n.Name))
			continue
		case !params && v.IsParam:
			b.diags.Errorf(n.Pos, "%q is a parameter of %s; set it under parameters", n.Name, owner)
			continue
		}
		n := n
		val, ok := b.value(&n.Value, size, n.Name)
		if !ok {
			continue
		}
		if v.Loc == Global && val.Kind != NumValue {
			b.diags.Errorf(n.Value.Pos, "%q has one value per %s; give a single number", v.Name, strings.Fields(owner)[0])
			continue
		}
		if !b.checkTyped(&n.Value, val, v.Type, n.Name) {
			continue
		}
		out = append(out, Override{Var: v, Value: val})
	}
	return out
}

// view resolves a population or a view of it.
func (b *builder) view(r parser.Ref) (View, bool) {
	pop, ok := b.pops[r.Name]
	if !ok && b.isBroken(r.Name) {
		return View{}, false // its own error is reported
	}
	if !ok {
		var names []string
		for n := range b.pops {
			names = append(names, n)
		}
		sort.Strings(names)
		b.diags.Errorf(r.Pos, "unknown population %q%s", r.Name, didYouMean(r.Name, names))
		return View{}, false
	}
	v := View{Pop: pop, Text: r.Text}
	if len(r.Slices) == 0 {
		v.Shape = append([]int(nil), pop.Geometry...)
		return v, true
	}
	if len(r.Slices) > len(pop.Geometry) {
		b.diags.Errorf(r.Pos, "view %s has %d indices but population %s has %d dimension%s", r.Text, len(r.Slices), pop.Name, len(pop.Geometry), plural(len(pop.Geometry)))
		return View{}, false
	}
	// Per dimension, the selected range: a view is kept as ranges, never as
	// a list of ranks, so its cost does not grow with its size.
	v.Dims = make([]Range, len(pop.Geometry))
	for d, size := range pop.Geometry {
		if d >= len(r.Slices) {
			v.Dims[d] = Range{Start: 0, Len: size}
			v.Shape = append(v.Shape, size)
			continue
		}
		sl := r.Slices[d]
		if sl.Index != nil {
			i := *sl.Index
			if i < 0 {
				i += size
			}
			if i < 0 || i >= size {
				b.diags.Errorf(sl.Pos, "index %d is out of range for dimension of size %d", *sl.Index, size)
				return View{}, false
			}
			v.Dims[d] = Range{Start: i, Len: 1, Index: true}
			continue
		}
		lo, hi := 0, size
		if sl.Start != nil {
			lo = *sl.Start
			if lo < 0 {
				lo += size
			}
		}
		if sl.End != nil {
			hi = *sl.End
			if hi < 0 {
				hi += size
			}
		}
		if lo < 0 || hi > size || lo >= hi {
			b.diags.Errorf(sl.Pos, "slice %d:%d is out of range or empty for dimension of size %d", lo, hi, size)
			return View{}, false
		}
		v.Dims[d] = Range{Start: lo, Len: hi - lo}
		v.Shape = append(v.Shape, hi-lo)
	}
	if len(v.Shape) == 0 {
		v.Shape = []int{1}
	}
	return v, true
}

func (b *builder) defaultSynapse(spiking bool) *synType {
	name := "DefaultRate"
	if spiking {
		name = "DefaultSpiking"
	}
	if sy, ok := b.synapses[name]; ok {
		return sy
	}
	sy := b.synapseType(&parser.SynapseDef{Name: name, Builtin: true})
	b.setSpiking(sy, spiking)
	b.synapses[name] = sy
	b.synOrder = append(b.synOrder, sy)
	return sy
}

// decodingSynapse is the synapse type of decoding projections: weights
// only; the transmission is the decoder's (see Projection.DecodeSteps).
func (b *builder) decodingSynapse() *synType {
	const key = "\x00decoding" // not a name a model can give its own types
	if sy, ok := b.synapses[key]; ok {
		return sy
	}
	sy := b.synapseType(&parser.SynapseDef{Name: "Decoding", Builtin: true, Psp: &parser.Ident{Name: "w"}})
	b.setSpiking(sy, false)
	b.synapses[key] = sy
	b.synOrder = append(b.synOrder, sy)
	return sy
}

func (b *builder) projection(i int, pd *parser.ProjDef) {
	targets := pd.Targets
	if len(targets) == 0 && pd.Target != "" {
		targets = []string{pd.Target}
	}
	defName := pd.Pre.Name + "_" + pd.Post.Name + "_" + strings.Join(targets, "_")
	if pd.Broken || b.brokenTypes[pd.Synapse] {
		if pd.Name == "" && (pd.Pre.Name == "" || pd.Post.Name == "" || pd.Target == "") {
			b.anonBroken = true
		}
		name := pd.Name
		if name == "" {
			name = defName
		}
		b.broken[name] = true
		// Its own errors are reported; check the parts that have none.
		var pre, post View
		if !slices.Contains(pd.BadParts, "pre") && pd.Pre.Name != "" {
			pre, _ = b.view(pd.Pre)
		}
		if !slices.Contains(pd.BadParts, "post") && pd.Post.Name != "" {
			post, _ = b.view(pd.Post)
		}
		b.checkRest(pd, name, pre, post)
		return
	}
	pre, ok1 := b.view(pd.Pre)
	post, ok2 := b.view(pd.Post)
	if pd.Target == "" {
		b.diags.Errorf(pd.Pos, "projection needs a target")
		return
	}
	for _, t := range targets {
		if !identRe.MatchString(t) {
			b.diags.Errorf(pd.TargetPos, "target %q must be an identifier", t)
		}
	}
	name := pd.Name
	if name == "" {
		name = defName
	}
	if _, ok := b.projs[name]; ok {
		b.diags.Errorf(pd.Pos, "projection %q is defined twice (name projections with name:)", name)
		return
	}
	defer func() {
		if _, ok := b.projs[name]; !ok {
			b.broken[name] = true
		}
	}()
	if _, ok := b.pops[name]; ok {
		b.diags.Errorf(pd.Pos, "projection %q has the name of a population", name)
	}
	if !ok1 || !ok2 {
		b.checkRest(pd, name, pre, post)
		return
	}
	preSpiking := pre.Pop.Type.Spiking
	var sy *synType
	switch {
	case pd.Decoding != nil:
		if pd.Synapse != "" {
			b.diags.Errorf(pd.SynapsePos, "a decoding projection has no synapse type (its weights scale the decoded rates)")
		}
		if !preSpiking || post.Pop.Type.Spiking {
			b.diags.Errorf(pd.DecodingPos, "a decoding projection goes from a spiking population to a rate-coded one")
			return
		}
		sy = b.decodingSynapse()
	case pd.Synapse == "":
		sy = b.defaultSynapse(preSpiking)
	default:
		sy = b.synapseByName(pd.Synapse, pd.SynapsePos)
		if sy == nil {
			b.connector(pd.Connector, pre, post)
			return
		}
		if !sy.decided {
			b.setSpiking(sy, preSpiking)
		}
	}
	st := sy.t
	pr := &Projection{Name: name, Pos: pd.Pos, Index: len(b.out.Projs), Pre: pre, Post: post, Target: pd.Target, Type: st}
	if pd.Decoding != nil {
		w := *pd.Decoding
		if w == 0 {
			w = b.out.Dt
		}
		pr.DecodeSteps = max(b.steps(pd.Pos, "decoding window", w), 1)
		if len(targets) > 1 {
			b.diags.Errorf(pd.TargetPos, "a decoding projection has one target")
		}
	}
	_ = i
	postType := post.Pop.Type
	// A psp from a spiking population reaches a spiking neuron through
	// g_target, as in ANNarchy, when the neuron has that conductance;
	// otherwise through sum(target).
	hasG := false
	for _, t := range targets {
		hasG = hasG || hasConductance(postType, t)
	}
	pr.Targets = []string{} // non-nil: analysed
	pr.PspToG = st.Psp != nil && preSpiking && postType.Spiking && (st.Spiking || hasG)
	switch {
	case !preSpiking && st.Spiking:
		b.diags.Errorf(pd.SynapsePos, "population %s is rate-coded but synapse %s is spiking (it has pre_spike); use a synapse with psp", pre.Pop.Name, st.Name)
	case st.Spiking && !postType.Spiking:
		b.diags.Errorf(pd.Pos, "spiking projection onto rate-coded population %s (its neuron type has no conductances)", post.Pop.Name)
	case st.Spiking || pr.PspToG:
		for _, t := range targets {
			if post.Pop.Input != NotInput && !hasConductance(postType, t) { // projections onto inputs exist for their learning (ANNarchy allows them)
				continue
			}
			if !hasConductance(postType, t) {
				b.unreadTarget(pd, name, post.Pop, "g_"+t)
				addConductance(postType, t)
			}
			pr.Targets = append(pr.Targets, t)
		}
	default:
		// Rate-coded transmission (also from spiking populations, as a
		// continuous coupling through psp) fills sum(target).
		reads := false
		for _, t := range targets {
			reads = reads || readsSum(postType, t)
		}
		if !reads && preSpiking && postType.Spiking && post.Pop.Input == NotInput {
			// A psp from spiking neurons that the post neuron reads
			// neither as g_target nor as sum(target) fills g_target, as
			// in ANNarchy.
			pr.PspToG = true
			for _, t := range targets {
				b.unreadTarget(pd, name, post.Pop, "g_"+t)
				addConductance(postType, t)
				pr.Targets = append(pr.Targets, t)
			}
			break
		}
		for _, t := range targets {
			if post.Pop.Input != NotInput && !readsSum(postType, t) {
				continue
			}
			if !readsSum(postType, t) {
				b.unreadTarget(pd, name, post.Pop, "sum("+t+")")
			}
			pr.Targets = append(pr.Targets, t)
		}
	}
	b.checkSideRefs(sy, pr)
	pr.Override = b.overrides(pd.Parameters, st.Vars, 0, true, "projection "+name, projVarHint(name, st.Name))
	pr.Connector = b.connector(pd.Connector, pre, post)
	b.checkSynapseCount(pr)
	b.checkDelayGroups(pr)
	b.structuralProj(pd, pr)
	pr.PerPre = perPre(pr)
	b.projs[name] = pr
	b.out.Projs = append(b.out.Projs, pr)
}

// fillsSum reports whether a projection fills sum(target) of a population
// whose neuron type does not read it.
func (b *builder) fillsSum(pop *Population, target string) bool {
	for _, pr := range b.out.Projs {
		if pr.Post.Pop == pop && !pr.PspToG && pr.Type != nil && !pr.Type.Spiking && slices.Contains(pr.Targets, target) {
			return true
		}
	}
	return false
}

// unreadTarget warns that the post neuron never reads what a projection
// transmits (ANNarchy runs such models): the projection still fills it, so
// that it can be recorded.
func (b *builder) unreadTarget(pd *parser.ProjDef, name string, post *Population, what string) {
	t := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(what, "g_"), "sum("), ")")
	b.diags.Warnf(pd.TargetPos, "neuron type %s of population %s never reads %s: projection %s fills it (it can be recorded) but it acts on nothing%s",
		post.Type.Name, post.Name, what, name, didYouMean(t, post.Type.Targets))
}

// addConductance declares g_target in a spiking neuron type that does not
// use it, set to 0 after each step as the implicit conductances are, so that
// a projection can transmit to the target and g_target be recorded (ANNarchy
// creates g_target for every target a population receives).
func addConductance(nt *NeuronType, t string) {
	if hasConductance(nt, t) {
		return
	}
	v := &Var{Name: "g_" + t, Loc: Local, Type: Float, Conductance: true, ZeroAfterStep: true}
	nt.Vars = append(nt.Vars, v)
	nt.LocalUpdate = append(nt.LocalUpdate, &Assign{LHS: ref(v), Value: num(0), UnlessRefractory: true})
	if !slices.Contains(nt.Targets, t) {
		nt.Targets = append(nt.Targets, t)
		slices.Sort(nt.Targets)
	}
}

// hasConductance reports whether a spiking neuron type has g_target.
func hasConductance(nt *NeuronType, target string) bool {
	for _, v := range nt.Vars {
		if v.Name == "g_"+target && v.Conductance {
			return true
		}
	}
	return false
}

// checkRest reports the errors of the synapse, parameters and connector of
// a projection that cannot be built (its other errors are reported): pre
// and post are its views, zero when unknown.
func (b *builder) checkRest(pd *parser.ProjDef, name string, pre, post View) {
	bad := func(part string) bool { return slices.Contains(pd.BadParts, part) }
	if pd.Synapse != "" && !bad("synapse") {
		var st *SynapseType
		if b.brokenTypes[pd.Synapse] {
			if p := b.partialSyns[pd.Synapse]; p != nil {
				st = p.sy.t
			}
		} else if sy := b.synapseByName(pd.Synapse, pd.SynapsePos); sy != nil {
			st = sy.t
		}
		if st != nil {
			b.brokenProjTypes[name] = st
			if !bad("parameters") {
				b.overrides(pd.Parameters, st.Vars, 0, true, "projection "+name, projVarHint(name, st.Name))
			}
		}
	}
	if pd.Connector.Kind != "" && !bad("connector") {
		b.connector(pd.Connector, pre, post)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// readsSum reports whether a neuron type reads sum(target) or sum().
func readsSum(nt *NeuronType, target string) bool {
	found := false
	for _, list := range [][]Stmt{nt.GlobalUpdate, nt.LocalUpdate, nt.Reset} {
		for _, s := range list {
			Walk(s.(*Assign).Value, func(e Expr) {
				if r, ok := e.(*SumRef); ok && r.Side == Self && (r.Target == "" || r.Target == target) {
					found = true
				}
			})
		}
	}
	if nt.Spike != nil {
		Walk(nt.Spike, func(e Expr) {
			if r, ok := e.(*SumRef); ok && r.Side == Self && (r.Target == "" || r.Target == target) {
				found = true
			}
		})
	}
	return found
}

// checkSideRefs checks the pre.x / post.x uses of a synapse type against
// the populations of one projection.
func (b *builder) checkSideRefs(sy *synType, pr *Projection) {
	for _, r := range *sy.s.sideRefs {
		pop := pr.Pre.Pop
		obj := "pre"
		if r.side == PostSide {
			pop = pr.Post.Pop
			obj = "post"
		}
		nt := pop.Type
		if r.isSum {
			if nt.Spiking {
				b.diags.Errorf(r.pos, "%s.sum(%s): population %s is spiking and has no weighted sums (projection %s)", obj, r.name, pop.Name, pr.Name)
			} else if r.name != "" && !contains(nt.Targets, r.name) {
				// Held too when a projection fills it (a type reading
				// sum() of all targets): known once all are built.
				b.sideSums = append(b.sideSums, func() {
					if !b.fillsSum(pop, r.name) {
						b.diags.Errorf(r.pos, "%s.sum(%s): neuron type %s of population %s does not read sum(%s) and no projection fills it (projection %s)%s", obj, r.name, nt.Name, pop.Name, r.name, pr.Name, didYouMean(r.name, nt.Targets))
					}
				})
			}
			continue
		}
		var v *Var
		var names []string
		for _, x := range nt.Vars {
			names = append(names, x.Name)
			if x.Name == r.name {
				v = x
			}
		}
		if v == nil {
			b.diags.Errorf(r.pos, "%s.%s: neuron type %s of population %s (%s of projection %s) has no variable %q%s", obj, r.name, nt.Name, pop.Name, obj, pr.Name, r.name, didYouMean(r.name, names))
			continue
		}
		if r.global != nil {
			if v.Loc != Local {
				b.diags.Errorf(r.pos, "global operation %s needs a per-neuron variable; %s.%s is per population", r.global.Op, obj, r.name)
				continue
			}
			found := false
			for _, g := range nt.GlobalOps {
				if g.Op == r.global.Op && g.Var == v {
					found = true
				}
			}
			if !found {
				nt.GlobalOps = append(nt.GlobalOps, &GlobalOp{Name: r.global.Name, Op: r.global.Op, Var: v})
			}
		}
	}
}

func (b *builder) monitor(md *parser.MonitorDef) {
	if md.Broken {
		return // its errors are reported
	}
	checkOnly := false
	mon := &Monitor{Pos: md.Pos, Name: md.Name, Start: md.Start}
	var vars []*Var
	var typeName string
	spiking := false
	var targets []string
	if pr, ok := b.projs[md.Target.Name]; ok && len(md.Target.Slices) == 0 {
		mon.Proj = pr
		vars = pr.Type.Vars
		typeName = "synapse type " + pr.Type.Name
	} else if st := b.brokenProjTypes[md.Target.Name]; st != nil && len(md.Target.Slices) == 0 {
		// A projection that could not be built (its errors are
		// reported): check the variables against its synapse type.
		mon.Proj, checkOnly = &Projection{Name: md.Target.Name, Type: st}, true
		vars = st.Vars
		typeName = "synapse type " + st.Name
	} else {
		var v View
		if _, ok := b.pops[md.Target.Name]; !ok {
			nt := b.brokenPopTypes[md.Target.Name]
			if b.isBroken(md.Target.Name) && nt == nil {
				return // its own error is reported
			}
			if nt == nil {
				b.diags.Errorf(md.Target.Pos, "unknown population or projection %q%s", md.Target.Name, didYouMean(md.Target.Name, b.objectNames()))
				return
			}
			// A population that could not be built (its errors are
			// reported): check the variables against its neuron type.
			v, checkOnly = View{Pop: &Population{Name: md.Target.Name, Type: nt}}, true
		} else if v, ok = b.view(md.Target); !ok {
			return
		}
		mon.View = &v
		vars = v.Pop.Type.Vars
		typeName = "neuron type " + v.Pop.Type.Name
		spiking = v.Pop.Type.Spiking
		targets = v.Pop.Type.Targets
	}
	if mon.Name == "" {
		mon.Name = md.Target.Name
	}
	for _, o := range b.out.Monitors {
		if o.Name == mon.Name {
			b.diags.Errorf(md.Pos, "monitor %q is defined twice (name monitors with name:)", mon.Name)
			return
		}
	}
	mon.PeriodSteps = 1
	if md.Period != nil {
		if *md.Period <= 0 {
			b.diags.Errorf(md.PeriodPos, "monitor period must be positive")
		} else if s := Steps(*md.Period, b.out.Dt); s < 1 {
			b.diags.Errorf(md.PeriodPos, "monitor period %s ms is shorter than dt (%s ms)", fnum(*md.Period), fnum(b.out.Dt))
		} else {
			mon.PeriodSteps = max(b.steps(md.PeriodPos, "monitor period", *md.Period), 1)
		}
	}
	seen := map[string]bool{}
	for _, val := range md.Variables {
		name := strings.TrimSpace(val.Str)
		if name == "" {
			b.diags.Errorf(val.Pos, "monitor variables are names, such as v, spike or \"sum(exc)\"")
			continue
		}
		if seen[name] {
			b.diags.Errorf(val.Pos, "%q is recorded twice", name)
			continue
		}
		seen[name] = true
		kind, arg := lang.MatchMonitorVar(name)
		row := lang.MonitorKinds[kind]
		switch {
		case row.Spikes && (mon.Proj != nil || !spiking):
			b.diags.Errorf(val.Pos, "%s can only be recorded from spiking populations", name)
			continue
		case !row.Projections && mon.Proj != nil:
			b.diags.Errorf(val.Pos, "%s can only be recorded from populations", name)
			continue
		}
		switch kind {
		case lang.MonSum:
			if !readsSum(mon.View.Pop.Type, arg) && !b.fillsSum(mon.View.Pop, arg) && !(checkOnly && b.maySum(mon.View.Pop, arg)) {
				b.diags.Errorf(val.Pos, "%s never reads %s%s", typeName, name, didYouMean(arg, targets))
				continue
			}
			mon.Vars = append(mon.Vars, MonitorVar{Name: name, Kind: kind, Target: arg})
			continue
		case lang.MonSpike:
			mon.Vars = append(mon.Vars, MonitorVar{Name: name, Kind: kind})
			continue
		}
		var v *Var
		var names []string
		for _, x := range vars {
			names = append(names, x.Name)
			if x.Name == name {
				v = x
			}
		}
		if spiking {
			names = append(names, "spike")
		}
		if v == nil {
			b.diags.Errorf(val.Pos, "%s has no variable %q%s", typeName, name, didYouMean(name, names))
			continue
		}
		if mon.Proj != nil && v.Loc == Local && mon.Proj.Structural() {
			b.diags.Errorf(val.Pos, "projection %s prunes or creates synapses: its per-synapse variable %q cannot be recorded as a fixed set of columns (record projection-wide or postsynaptic variables, or save the state)", mon.Proj.Name, name)
			continue
		}
		mon.Vars = append(mon.Vars, MonitorVar{Name: name, Kind: lang.MonVar, Var: v})
	}
	obj := md.Target.Name
	for i := range mon.Vars {
		if u, ok := b.out.Units[obj+"."+mon.Vars[i].Name]; ok {
			mon.Vars[i].Unit = u
		} else {
			mon.Vars[i].Unit = b.out.Units[mon.Vars[i].Name]
		}
	}
	if !checkOnly {
		b.monitorFiles(mon, md)
		b.out.Monitors = append(b.out.Monitors, mon)
	}
}

// monitorFiles refuses a recording of mon whose results file another
// recording writes too (results.MonitorFile maps several names to one
// file: "sum(exc)" and sum_exc, monitors m and m_), which would lose one
// of them. The frames' companions (a monitor's t.npy, pre.npy and
// post.npy) are shared by the recordings of one monitor.
func (b *builder) monitorFiles(mon *Monitor, md *parser.MonitorDef) {
	pos := map[string]diag.Pos{}
	for _, val := range md.Variables {
		if name := strings.TrimSpace(val.Str); name != "" {
			pos[name] = val.Pos
		}
	}
	if b.monFiles == nil {
		b.monFiles = map[string]string{}
	}
	for _, v := range mon.Vars {
		row := lang.MonitorKinds[v.Kind]
		files := row.Files
		if mon.Proj != nil {
			files = append(slices.Clip(files), row.ProjFiles...)
		}
		what := fmt.Sprintf("%q of monitor %q", v.Name, mon.Name)
		for _, tmpl := range files {
			owner := what
			if !strings.Contains(tmpl, "<variable>") && !row.Spikes {
				owner = fmt.Sprintf("monitor %q", mon.Name)
			}
			stem, _ := strings.CutSuffix(strings.TrimPrefix(tmpl, "<monitor>."), ".npy")
			if stem == "<variable>" {
				stem = v.Name
			}
			file := results.MonitorFile(mon.Name, stem)
			if o, ok := b.monFiles[file]; ok && o != owner {
				b.diags.Errorf(pos[v.Name], "%s would be written to %s, as %s is: rename one of them (file names keep letters, digits, '_', '-' and '.', replace other characters by '_' and drop a trailing '_')", what, file, o)
				break
			}
			b.monFiles[file] = owner
		}
	}
}

// units checks the model's units: every name must be a variable (or
// sum(target)) of some neuron or synapse type, or of the population or
// projection that qualifies it.
func (b *builder) units() {
	for _, u := range b.m.Units {
		if b.out.Units == nil {
			b.out.Units = map[string]string{}
		}
		if _, ok := b.out.Units[u.Name]; ok {
			b.diags.Errorf(u.Pos, "units: %q is given twice", u.Name)
			continue
		}
		obj, name, qualified := strings.Cut(u.Name, ".")
		if !qualified {
			obj, name = "", u.Name
		}
		var types [][]*Var
		switch {
		case obj == "":
			for _, nt := range b.out.Neurons {
				types = append(types, nt.Vars)
			}
			for _, st := range b.out.Synapses {
				types = append(types, st.Vars)
			}
		case b.pops[obj] != nil:
			types = append(types, b.pops[obj].Type.Vars)
		case b.projs[obj] != nil:
			types = append(types, b.projs[obj].Type.Vars)
		default:
			if !b.isBroken(obj) {
				b.diags.Errorf(u.Pos, "units: no population or projection %q", obj)
			}
			continue
		}
		found := strings.HasPrefix(name, "sum(") || name == "w" || name == "r"
		var names []string
		for _, vars := range types {
			for _, v := range vars {
				names = append(names, v.Name)
				found = found || v.Name == name
			}
		}
		if !found {
			b.diags.Errorf(u.Pos, "units: no variable %q%s", name, didYouMean(name, names))
			continue
		}
		b.out.Units[u.Name] = u.Unit
	}
}

func (b *builder) simulation() {
	sd := b.m.Simulation
	if sd == nil {
		return
	}
	sim := &b.out.Sim
	if sd.Duration != nil {
		if *sd.Duration < 0 {
			b.diags.Errorf(sd.Pos, "duration must not be negative")
		}
		sim.DurationSteps = b.steps(sd.DurationPos, "duration", *sd.Duration)
	}
	if sd.MaxDuration != nil {
		if sd.Duration != nil {
			b.diags.Errorf(sd.Pos, "simulation takes either duration or until, not both")
		}
		sim.Until = true
		sim.MaxSteps = b.steps(sd.MaxDurationPos, "max_duration", *sd.MaxDuration)
		switch sd.Operator {
		case "", "and":
		case "or":
			sim.Or = true
		default:
			b.diags.Errorf(sd.Pos, "operator must be and or or, not %q", sd.Operator)
		}
		if len(sd.Populations) == 0 {
			b.diags.Errorf(sd.Pos, "until needs populations with a stop_condition")
		}
		b.stopPops(sd, sim)
	}
}

// stopPops resolves the populations of an until: each must exist and have a
// stop_condition.
func (b *builder) stopPops(sd *parser.SimDef, sim *Simulation) {
	for i, name := range sd.Populations {
		pos := sd.Pos
		if i < len(sd.PopulationsPos) {
			pos = sd.PopulationsPos[i]
		}
		pop, ok := b.pops[name]
		if !ok && b.isBroken(name) {
			continue // its own error is reported
		}
		if !ok {
			var names []string
			for n := range b.pops {
				names = append(names, n)
			}
			sort.Strings(names)
			b.diags.Errorf(pos, "unknown population %q%s", name, didYouMean(name, names))
			continue
		}
		if pop.Stop == nil {
			b.diags.Errorf(pos, "population %s has no stop_condition", name)
			continue
		}
		sim.Pops = append(sim.Pops, pop)
	}
}

// errorf is a shorthand used by value checks.
func (b *builder) errorf(pos diag.Pos, format string, args ...any) {
	b.diags.Errorf(pos, format, args...)
}

var _ = fmt.Sprintf

// steps converts a duration of the model (what names it, at pos) to steps
// of dt, reporting one of more steps than the runtime's int64 step counter
// and float64 times hold (limits.Steps): such a duration would overflow
// into a negative or empty run.
func (b *builder) steps(pos diag.Pos, what string, ms float64) int {
	s := Steps(ms, b.out.Dt)
	if s > limits.Steps {
		b.errorf(pos, "%s of %s ms is more than 2^53 steps of dt %s ms", what, fnum(ms), fnum(b.out.Dt))
		return 0
	}
	return s
}

// objectNames lists the populations and projections, sorted, for
// did-you-mean hints of an unknown target.
func (b *builder) objectNames() []string {
	var names []string
	for n := range b.pops {
		names = append(names, n)
	}
	for n := range b.projs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// structuralProj checks start_pruning/start_creating of a projection
// against its synapse type and decides the delay of created synapses.
func (b *builder) structuralProj(pd *parser.ProjDef, pr *Projection) {
	st := pr.Type
	pr.CreateDelay = -1
	start := func(ss *parser.StructStart, cond *Structural, what string) *StructStart {
		if ss == nil {
			return nil
		}
		if cond == nil {
			b.diags.Errorf(ss.Pos, "start_%s: synapse type %s has no %s condition", what, st.Name, what)
			return nil
		}
		return &StructStart{PeriodSteps: max(b.steps(ss.Pos, "start_"+what+" period", ss.Period), 1),
			OffsetSteps: b.steps(ss.Pos, "start_"+what+" offset", ss.Offset)}
	}
	pr.PruneStart = start(pd.StartPruning, st.Pruning, "pruning")
	pr.CreateStart = start(pd.StartCreating, st.Creating, "creating")
	c := st.Creating
	if c == nil {
		return
	}
	// As ANNarchy: a created synapse takes the projection's delay when
	// all are equal (d may only repeat it), and d, no longer than the
	// longest, when they differ.
	conn := pr.Connector
	uniform := conn.DelayMatrix == nil && conn.Delays.Kind == NumValue
	if uniform {
		u := Steps(conn.Delays.Num, b.out.Dt)
		if c.DelayMs != nil && Steps(*c.DelayMs, b.out.Dt) != u {
			b.diags.Errorf(c.DPos, "projection %s: d = %s ms differs from the projection's delay (%s ms), which is the same for all synapses", pr.Name, fnum(*c.DelayMs), fnum(conn.Delays.Num))
		}
		return
	}
	if c.DelayMs == nil {
		b.diags.Errorf(pd.Pos, "projection %s: its delays vary, so creating needs d (the delay of a created synapse, ms) in synapse type %s", pr.Name, st.Name)
		return
	}
	d := Steps(*c.DelayMs, b.out.Dt)
	if most, known := largestDelay(conn, b.out.Dt); !known {
		b.diags.Errorf(c.DPos, "projection %s: d needs delays with a known largest value (a number, a list, a matrix, or Uniform/DiscreteUniform)", pr.Name)
	} else if d > most {
		b.diags.Errorf(c.DPos, "projection %s: d = %s ms exceeds the largest delay of its synapses (%s ms)", pr.Name, fnum(*c.DelayMs), fnum(float64(most)*b.out.Dt))
	}
	pr.CreateDelay = d
}

// largestDelay is the largest delay in steps a connector can give.
func largestDelay(c Connector, dt float64) (int, bool) {
	most := 0
	if c.DelayMatrix != nil {
		for _, row := range c.DelayMatrix {
			for _, x := range row {
				if !math.IsNaN(x) {
					most = max(most, Steps(x, dt))
				}
			}
		}
		return most, true
	}
	switch v := c.Delays; v.Kind {
	case NumValue:
		return Steps(v.Num, dt), true
	case ListValue:
		for _, x := range v.List {
			most = max(most, Steps(x, dt))
		}
		return most, true
	case DistValue:
		if (v.Dist == "Uniform" || v.Dist == "DiscreteUniform") && len(v.Args) == 2 {
			return Steps(v.Args[1], dt), true
		}
	}
	return 0, false
}

// Structural reports whether the projection's synapses can be pruned or
// created during a run.
func (p *Projection) Structural() bool {
	return p.Type != nil && (p.Type.Pruning != nil || p.Type.Creating != nil)
}
