// Package codegen turns an analysed model (package ir) into Go source: one
// importable package named after the model, a main.go running it and, when
// asked, the C API. The generated code imports the runtime from the build
// directory; copying it there, like the rest of the build directory, is
// internal/build's.
//
// Expressions and statements are printed here, in Go code; the file and loop
// skeletons, the generated types and their method declarations live in
// package templates and are fed one precomputed view (neuronView and
// projTypeView per type).
// Every neuron type becomes one Go type with one update method (populations
// are data); every projection becomes its own type, because its loops index
// the concrete slices of its pre- and postsynaptic population types, which
// avoids interface calls and lets the compiler drop bounds checks.
package codegen

import (
	"bytes"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"

	"golang.org/x/tools/imports"

	"github.com/annc/annc/internal/limits"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/lower"
)

// GenVersion is the version of the interface to the runtime that the
// generated code is written for. The code asserts at compile time that it
// equals the runtime's own runtime.GenVersion, so raise both together.
const GenVersion = 1

// Options say where the generated code lives and what its header says.
type Options struct {
	ImportBase string // import path of the build directory, e.g. "annarchy"
	Version    string // annc version, for the header and the Program
	SourceName string // model file base name, for the header
	CAPI       bool   // also write capi/, the C API of a shared library (annc compile --python)

	// PostMajorOnly keeps every projection in the post-major layout, its
	// per-synapse variables in synapse order (the tests compare it with
	// the presynaptic-major one).
	PostMajorOnly bool
}

// genError aborts generation from deep inside the emitter.
type genError struct{ msg string }

// generator holds the state of one Generate call.
type generator struct {
	m   *ir.Model
	opt Options
	f32 bool
	ft  string // Go float type of the model

	imports map[string]bool

	pkgNames *namer
	ntypes   []*ntype
	ntOf     map[*ir.NeuronType]*ntype
	pops     []*pop
	popOf    map[*ir.Population]*pop
	projs    []*proj
	mons     []*mon
	consts   map[*ir.Constant]string
	constNm  *namer
	funcs    map[*ir.Function]*ufunc
	funcList []*ufunc
	netNames *namer
	kernels  []*simdKernel     // vector kernels of neuron loops (simd.go)
	fused    bool              // the step is fused (fuse.go)
	data     map[string][]byte // files embedded in the package (data.go)
	embeds   []embedView       // their //go:embed variables
}

// funcView is a user function as network.go.tmpl prints it: the
// bindings Setup, then the value Result.
type funcView struct{ Name, Model, Params, Ret, Setup, Result string }

// ufunc is a user function printed as a Go function.
type ufunc struct {
	f      *ir.Function
	goName string
	ret    vtype
	view   funcView
	busy   bool
}

func (g *generator) fail(format string, args ...any) {
	panic(genError{fmt.Sprintf(format, args...)})
}

func (g *generator) use(pkg string) { g.imports[pkg] = true }

// Generate returns the generated files for m, by path relative to the build
// directory: main.go, <name>/* and, with Options.CAPI, capi/*.go.
func Generate(m *ir.Model, opt Options) (files map[string][]byte, err error) {
	if m == nil {
		return nil, fmt.Errorf("codegen: no model")
	}
	if opt.ImportBase == "" {
		opt.ImportBase = "annarchy"
	}
	if opt.SourceName == "" {
		opt.SourceName = "model.yaml"
	}
	if opt.Version == "" {
		opt.Version = "devel"
	}
	g := &generator{m: m, opt: opt, imports: map[string]bool{}, ft: "float64"}
	if m.Precision == "float32" {
		g.f32, g.ft = true, "float32"
	}
	defer func() {
		if r := recover(); r != nil {
			ge, ok := r.(genError)
			if !ok {
				panic(r)
			}
			files, err = nil, fmt.Errorf("codegen: model %s: %s", m.Name, ge.msg)
		}
	}()
	files = map[string][]byte{}
	g.prepare()
	view := g.buildView()
	pkgFiles, err := g.render(view)
	if err != nil {
		return nil, err
	}
	for name, src := range pkgFiles {
		files[name] = src
	}
	for name, src := range g.simdFiles(view.Pkg, view.Header, view.RuntimeImport) {
		files[name] = src
	}
	for name, b := range g.data {
		files[view.Pkg+"/"+name] = b
	}
	if opt.CAPI {
		capi, err := g.capiFiles(view)
		if err != nil {
			return nil, err
		}
		for name, src := range capi {
			files[name] = src
		}
	}
	// ir.Build refuses models whose code it estimates too large; this is the
	// backstop should the estimate fall short by far.
	total, largest := 0, ""
	for name, src := range files {
		if path.Ext(name) != ".go" {
			continue // data files are read at run time, not compiled
		}
		total += len(src)
		if largest == "" || len(src) > len(files[largest]) || (len(src) == len(files[largest]) && name < largest) {
			largest = name
		}
	}
	if total > 2*limits.CodeBytes {
		return nil, fmt.Errorf("codegen: model %s: the generated Go code is %d MiB (%s: %d MiB), more than go build compiles in reasonable time",
			m.Name, total>>20, largest, len(files[largest])>>20)
	}
	return files, nil
}

// format runs gofmt over src; a parse failure is an internal error that
// shows the numbered source.
func format(name string, src []byte) ([]byte, error) {
	out, err := imports.Process(name, src, &imports.Options{FormatOnly: true, Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		var b bytes.Buffer
		for i, line := range strings.Split(string(src), "\n") {
			fmt.Fprintf(&b, "%5d  %s\n", i+1, line)
		}
		return nil, fmt.Errorf("codegen: internal error: generated %s does not parse: %v\n%s", name, err, b.String())
	}
	return out, nil
}

// ntype is a neuron type and its Go names.
type ntype struct {
	t         *ir.NeuronType
	goName    string
	field     map[*ir.Var]string
	byName    map[string]*ir.Var
	targets   []string // every target a population of this type receives or reads
	sumField  map[string]string
	randFld   []string
	randField map[*ir.RandomVar]string
	gopField  map[*ir.GlobalOp]string
	pops      []*pop
	ranged    bool // its update loops over neurons (updateRange)
}

// pop is a population.
type pop struct {
	p        *ir.Population
	nt       *ntype
	field    string // Network field
	maxDelay int    // largest spike delay of the projections leaving it (steps)
}

// proj is a projection.
type proj struct {
	p         *ir.Projection
	st        *ir.SynapseType
	goName    string
	field     string // Network field
	pre, post *pop
	fld       map[*ir.Var]string // Go field of each synapse variable
	randField map[*ir.RandomVar]string
	lowered   *lower.Proj // its loops, lowered (for both storages of PerPre variables)
	low       *lower.Proj // the loops being printed
	preArrays []string    // per-presynaptic-neuron arrays of hoisted sub-expressions
	fills     []fillMethod
	// byPre names the per-presynaptic array of each variable of
	// ir.Projection.PerPre; compact makes the printers read them (the code
	// of a projection is printed once per storage when they differ).
	byPre     map[*ir.Var]string
	compact   bool
	preMajor  bool        // the per-presynaptic printing sums the psp presynaptic-major (preMajorSum)
	preKern   *simdKernel // vector kernel of the per-presynaptic equations (nil: none)
	rateRings []string    // pre variables read through a RateRing (rate delays)
	hasW      bool
	targets   []string // the targets it transmits to (ir.Projection.Targets)
	fusedIn   bool     // delivers in the fused step (transmitRange)
	storePre  bool     // synapses stored presynaptic-major only (layout.go)
	oneW      bool     // W may hold one weight for all synapses (layout.go)
	rows      bool     // per-synapse variables stored in presynaptic rows (rowStored)
	// Set when the bodies of its methods are printed: transmit keeps the
	// synapses it delivered whole (splitTransmitCall), a delivery reads
	// decay tables (decayTabs) or goes over the delay groups of its spikes
	// (delayGroupsLoop).
	wholeReach, decayTabs, filed bool
}

// fillMethod computes per-presynaptic-neuron arrays for the presynaptic
// ranks [lo, hi).
type fillMethod struct{ name, body string }

// mon is a monitor.
type mon struct {
	m     *ir.Monitor
	field string
}

// prepare names every object and checks what the emitter relies on.
func (g *generator) prepare() {
	m := g.m
	if m.Dt <= 0 {
		g.fail("dt must be positive")
	}
	g.pkgNames = newNamer("Network", "Option", "Constants", "Stopper", "New", "WithSeed", "Program", "ModelName", "Dt",
		"WithOnly", "Names", "Paths", "Projection", "ResetOptions", "RunOptions", "ParallelRun", "ParallelRunArgs", "ParallelRunOn")
	g.ntOf = map[*ir.NeuronType]*ntype{}
	g.popOf = map[*ir.Population]*pop{}
	g.funcs = map[*ir.Function]*ufunc{}
	g.consts = map[*ir.Constant]string{}
	g.constNm = newNamer()
	for _, c := range m.Constants {
		g.consts[c] = g.constNm.get(exported(c.Name))
	}
	g.netNames = newNamer(networkReserved...)
	for _, p := range m.Pops {
		if p.Type == nil {
			g.fail("population %s has no neuron type", p.Name)
		}
		nt := g.ntOf[p.Type]
		if nt == nil {
			nt = g.newNtype(p.Type)
		}
		pp := &pop{p: p, nt: nt, field: g.netNames.get(exported(p.Name))}
		nt.pops = append(nt.pops, pp)
		g.pops = append(g.pops, pp)
		g.popOf[p] = pp
	}
	for _, p := range m.Projs {
		g.newProj(p)
	}
	// Targets: what the type reads plus what its populations receive.
	for _, nt := range g.ntypes {
		set := map[string]bool{}
		if !nt.t.Spiking {
			for _, t := range nt.t.Targets {
				set[t] = true
			}
		}
		// Spiking types receive through g_target; they keep weighted sums
		// only for the sum(target) they read.
		all := false
		for _, list := range [][]ir.Stmt{nt.t.GlobalUpdate, nt.t.LocalUpdate, nt.t.Reset} {
			forExprs(list, func(e ir.Expr) {
				if r, ok := e.(*ir.SumRef); ok {
					if r.Target == "" {
						all = true
					} else {
						set[r.Target] = true
					}
				}
			})
		}
		walk(nt.t.Spike, func(e ir.Expr) {
			if r, ok := e.(*ir.SumRef); ok {
				if r.Target == "" {
					all = true
				} else {
					set[r.Target] = true
				}
			}
		})
		for _, pj := range g.projs {
			st := pj.st
			for _, list := range [][]ir.Stmt{st.GlobalUpdate, st.PostUpdate, st.LocalUpdate, st.PreSpike, st.PostSpike} {
				forExprs(list, func(e ir.Expr) {
					if r, ok := e.(*ir.SumRef); ok && r.Target != "" &&
						((r.Side == ir.Pre && pj.pre.nt == nt) || (r.Side == ir.PostSide && pj.post.nt == nt)) {
						set[r.Target] = true
					}
				})
			}
		}
		for _, pj := range g.projs {
			if pj.post.nt == nt && (all || fillsSum(pj)) {
				for _, t := range pj.targets {
					set[t] = true
				}
			}
		}
		for t := range set {
			nt.targets = append(nt.targets, t)
		}
		sort.Strings(nt.targets)
		nm := newNamer(popReserved...)
		for _, v := range nt.t.Vars {
			nm.get(exported(v.Name))
		}
		for _, t := range nt.targets {
			nt.sumField[t] = nm.get("Sum_" + ident(t))
		}
	}
	for _, mo := range m.Monitors {
		g.mons = append(g.mons, &mon{m: mo, field: g.netNames.get(exported(mo.Name))})
	}
}

func (g *generator) newNtype(t *ir.NeuronType) *ntype {
	nt := &ntype{
		t: t, goName: g.pkgNames.get(exported(ident(t.Name)) + "Pop"),
		field: map[*ir.Var]string{}, byName: map[string]*ir.Var{}, sumField: map[string]string{},
		randField: map[*ir.RandomVar]string{}, gopField: map[*ir.GlobalOp]string{},
	}
	nm := newNamer(popReserved...)
	for _, v := range t.Vars {
		nt.field[v] = nm.get(exported(v.Name))
		nt.byName[v.Name] = v
	}
	for i, r := range t.Randoms {
		nt.randField[r] = fmt.Sprintf("rnd%d", i)
	}
	for i, o := range t.GlobalOps {
		nt.gopField[o] = fmt.Sprintf("gop%d", i)
	}
	g.ntypes = append(g.ntypes, nt)
	g.ntOf[t] = nt
	return nt
}

func (g *generator) newProj(p *ir.Projection) {
	if p.Pre.Pop == nil || p.Post.Pop == nil {
		g.fail("projection %s: missing population", p.Name)
	}
	st := p.Type
	if st == nil {
		st = defaultSynapse(p.Pre.Pop.Type.Spiking)
	}
	pj := &proj{
		p: p, st: st, field: g.netNames.get(exported(p.Name)),
		goName: g.pkgNames.get(exported(ident(p.Name)) + "Proj"),
		pre:    g.popOf[p.Pre.Pop], post: g.popOf[p.Post.Pop],
		fld: map[*ir.Var]string{}, randField: map[*ir.RandomVar]string{},
		targets: p.Targets,
	}
	if p.Targets == nil {
		pj.targets = []string{p.Target} // a projection built without analysis
	}
	pj.storePre = preMajorOnly(pj) && !g.opt.PostMajorOnly
	pj.oneW = pj.storePre && oneWeight(p)
	pj.rows = rowStored(pj) && !g.opt.PostMajorOnly
	nm := newNamer(projReserved...)
	for _, v := range st.Vars {
		if v.Name == "w" {
			pj.fld[v] = "W"
			continue
		}
		pj.fld[v] = nm.get(exported(v.Name))
	}
	pj.byPre = map[*ir.Var]string{}
	for _, v := range p.PerPre {
		pj.byPre[v] = "byPre" + pj.fld[v]
	}
	for i, r := range st.Randoms {
		pj.randField[r] = fmt.Sprintf("rnd%d", i)
	}
	if st.Spiking {
		d := maxDelaySteps(p, g.m.Dt)
		if d > pj.pre.maxDelay {
			pj.pre.maxDelay = d
		}
	}
	if st.Spiking || p.PspToG {
		for _, t := range pj.targets {
			if pj.post.nt.byName["g_"+t] == nil {
				g.fail("projection %s: neuron type %s has no conductance g_%s", p.Name, pj.post.nt.t.Name, t)
			}
		}
	}
	g.projs = append(g.projs, pj)
}

// fillsSum reports whether a projection adds its psp to sum(target) (rather
// than to g_target).
func fillsSum(pj *proj) bool { return !pj.st.Spiking && !pj.p.PspToG }

// maxDelaySteps is an upper bound of the projection's delays in steps, known
// before its synapses are drawn (numbers and bounded distributions).
func maxDelaySteps(p *ir.Projection, dt float64) int {
	if dm := p.Connector.DelayMatrix; dm != nil {
		m := 0
		for _, row := range dm {
			for _, x := range row {
				if !math.IsNaN(x) {
					m = max(m, ir.Steps(x, dt))
				}
			}
		}
		return m
	}
	v := p.Connector.Delays
	switch v.Kind {
	case ir.NumValue:
		return ir.Steps(v.Num, dt)
	case ir.ListValue:
		m := 0
		for _, x := range v.List {
			m = max(m, ir.Steps(x, dt))
		}
		return m
	}
	return -1 // drawn: the ring is sized after the synapses exist
}

// defaultSynapse is the synapse of a projection that names none: g_target
// += w for spiking presynaptic populations, w * pre.r summed for rate ones.
func defaultSynapse(spiking bool) *ir.SynapseType {
	w := &ir.Var{Name: "w", Loc: ir.Local}
	st := &ir.SynapseType{Name: "_default", Spiking: spiking, Vars: []*ir.Var{w}, Operation: "sum"}
	wr := &ir.VarRef{Var: w, Name: "w"}
	if spiking {
		st.PreSpike = []ir.Stmt{&ir.Assign{LHS: &ir.TargetRef{}, Value: &ir.Binary{Op: "+", X: &ir.TargetRef{}, Y: wr}}}
	} else {
		st.Psp = &ir.Binary{Op: "*", X: wr, Y: &ir.VarRef{Side: ir.Pre, Name: "r"}}
	}
	return st
}

func (g *generator) constField(c *ir.Constant) string {
	f, ok := g.consts[c]
	if !ok {
		g.fail("unknown constant %q", c.Name)
	}
	return f
}

// userFunc prints a user function once and returns it.
func (g *generator) userFunc(f *ir.Function) *ufunc {
	if u, ok := g.funcs[f]; ok {
		if u.busy {
			g.fail("function %s calls itself", f.Name)
		}
		return u
	}
	name := "fn_" + ident(f.Name)
	if f.Scope != "" {
		name = "fn_" + ident(f.Scope) + "_" + ident(f.Name)
	}
	u := &ufunc{f: f, goName: g.pkgNames.get(name), busy: true}
	g.funcs[f] = u
	c := g.newCtx(mFunc)
	body := c.expr(f.Body)
	u.ret = body.t
	params := make([]string, len(f.Params))
	for i, p := range f.Params {
		params[i] = "a_" + p
	}
	ret := g.ft
	if body.t == tBool {
		ret = "bool"
	}
	sig := ""
	if len(params) > 0 {
		sig = strings.Join(params, ", ") + " " + g.ft
	}
	var setup strings.Builder
	c.outer.write(&setup)
	u.view = funcView{Name: u.goName, Model: f.Name, Params: sig, Ret: ret, Setup: stmtsBody(setup.String()), Result: body.s}
	u.busy = false
	g.funcList = append(g.funcList, u)
	return u
}

// forExprs calls fn on every expression node of the statements.
func forExprs(list []ir.Stmt, fn func(ir.Expr)) {
	for _, st := range list {
		if a, ok := st.(*ir.Assign); ok {
			walk(a.LHS, fn)
			walk(a.Value, fn)
		}
	}
}
