package ir

// This file holds the IR types; doc.go describes the package.

import (
	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/internal/limits"
)

// Locality says how many values a variable has.
type Locality int

const (
	Local  Locality = iota // one per neuron (neurons) or per synapse (synapses)
	Global                 // one per population (": population") or per projection (": projection")
	Post                   // synapses only: one per postsynaptic neuron (": postsynaptic")
)

// Type of a variable or expression.
type Type int

const (
	Float Type = iota
	Int
	Bool
)

// Side says whose variable a reference in a synapse reads.
type Side int

const (
	Self     Side = iota // the neuron itself, or the synapse itself
	Pre                  // pre.x
	PostSide             // post.x
)

// ---------------------------------------------------------------------------
// Expressions

// Expr is an IR expression.
type Expr interface{ irExpr() }

// Const is a literal number (bools are 0/1 with Type Bool).
type Const struct {
	Value float64
	Type  Type
}

// VarRef reads a parameter or variable. In neuron code Side is Self. In
// synapse code Side Self reads the synapse's own variable (Var is set);
// Pre/PostSide read the pre/post neuron's variable by Name (Var is nil in the
// synapse type; codegen resolves Name against the projection's populations,
// which IR has already checked).
type VarRef struct {
	Var  *Var
	Side Side
	Name string
}

// ConstRef reads a model constant (settable at run time).
type ConstRef struct{ C *Constant }

// Special is t (ms), dt (ms), t_pre, t_post, t_last (last spike, ms) or
// "rank" (index of the neuron/synapse).
type Special struct{ Name string }

// Temp is a scalar temporary introduced by a method rewrite (declared by the
// first Assign to it within the same update block).
type Temp struct{ Name string }

// Unary: Op is "-" or "!".
type Unary struct {
	Op string
	X  Expr
}

// Binary: Op is one of + - * / pow == != < <= > >= && ||.
type Binary struct {
	Op   string
	X, Y Expr
}

// Call is a built-in function by canonical name: exp log sqrt sin cos tan asin
// acos atan atan2 sinh cosh tanh abs floor ceil round sign pos neg clip modulo
// pow min max isfinite isnan.
type Call struct {
	Fun  string
	Args []Expr
}

// UserCall calls a model or type-local function.
type UserCall struct {
	F    *Function
	Args []Expr
}

// Param reads an argument inside a Function body.
type Param struct{ Name string }

// Cond is if C: A else: B.
type Cond struct{ C, A, B Expr }

// SumRef is sum(target) of the neuron itself (Side Self), or pre.sum(target)
// / post.sum(target) in a synapse. Target "" is sum() over all targets.
type SumRef struct {
	Target string
	Side   Side
}

// GlobalOpRef reads the value of a global operation (one step late: README, "One step", 7).
// In synapse code Side Pre/PostSide reads mean(pre.x) / mean(post.x): Op then
// belongs to the pre/post population's neuron type (listed in its GlobalOps).
type GlobalOpRef struct {
	Op   *GlobalOp
	Side Side
}

// RandRef reads a random variable drawn at the start of this step (README, "One step", 4).
type RandRef struct{ R *RandomVar }

func (*Const) irExpr()       {}
func (*VarRef) irExpr()      {}
func (*ConstRef) irExpr()    {}
func (*Special) irExpr()     {}
func (*Temp) irExpr()        {}
func (*Unary) irExpr()       {}
func (*Binary) irExpr()      {}
func (*Call) irExpr()        {}
func (*UserCall) irExpr()    {}
func (*Param) irExpr()       {}
func (*Cond) irExpr()        {}
func (*SumRef) irExpr()      {}
func (*GlobalOpRef) irExpr() {}
func (*RandRef) irExpr()     {}

// ---------------------------------------------------------------------------
// Statements

// Stmt is an IR statement: after method rewriting only assignments remain.
type Stmt interface{ irStmt() }

// Assign sets LHS (a *VarRef, *Temp or *TargetRef) to Value. Compound
// operators have been expanded (x += e  =>  x = x + e), ODEs rewritten, and
// min/max bounds turned into explicit clip assignments.
// UnlessRefractory marks statements that still run while a neuron is refractory
// (those of g_* variables and of variables flagged unless_refractory).
type Assign struct {
	Pos              diag.Pos
	LHS              Expr
	Value            Expr
	UnlessRefractory bool
}

// TargetRef is g_target on the postsynaptic neuron in pre_spike code: codegen
// writes g_<projection target>[post]. Also used for post.x writes (Name set).
type TargetRef struct {
	Name string // "" for g_target, else a post variable name
}

func (*Assign) irStmt()    {}
func (*TargetRef) irExpr() {}

// ---------------------------------------------------------------------------
// Declarations

// Constant is a model constant, settable at run time.
type Constant struct {
	Name  string
	Pos   diag.Pos
	Value float64
}

// Function is a user function; Scope is "" for model-wide, else the
// neuron/synapse type name.
type Function struct {
	Name   string
	Scope  string
	Pos    diag.Pos
	Params []string
	Body   Expr
}

// Var is a parameter or state variable of a neuron or synapse type.
type Var struct {
	Name             string
	Pos              diag.Pos
	IsParam          bool
	Loc              Locality
	Type             Type
	Init             Expr // default initial value (constant over params/constants); nil = 0
	Min, Max         Expr // bounds, already applied as Assigns; kept for printing
	UnlessRefractory bool
	EventDriven      bool // synapse variable updated only at events (see SynapseType.Decays)
	Conductance      bool // g_* declared implicitly or explicitly
	ZeroAfterStep    bool // g_* with no equation of its own: set to 0 after the equations
	Method           string
}

// RandomVar is a distribution drawn every step: one value per neuron/synapse
// (Loc Local) or one per population (Loc Global).
type RandomVar struct {
	Name string // generated, unique in its type ("_rand_0")
	Dist string // Uniform, Normal, LogNormal, Exponential, Gamma, DiscreteUniform, Binomial
	Args []Expr // constant or global
	Loc  Locality
}

// GlobalOp is mean/max/min/norm1/norm2 of a local variable over the population.
type GlobalOp struct {
	Name string // generated, unique in its type ("_mean_v")
	Op   string
	Var  *Var
}

// NeuronType is one neuron model (generated once, used by every population of it).
type NeuronType struct {
	Name      string
	Pos       diag.Pos
	Spiking   bool
	Vars      []*Var // parameters then variables, declaration order
	Functions []*Function
	Randoms   []*RandomVar
	GlobalOps []*GlobalOp
	Targets   []string // targets named by sum(target) or g_target, sorted

	GlobalUpdate []Stmt // per population, run first
	LocalUpdate  []Stmt // per neuron

	Spike      Expr   // spiking only
	Reset      []Stmt // spiking only
	Refractory Expr   // ms (constant or parameter); nil = none
	// RefractoryInit is the distribution or list of a refractory period
	// given per neuron: Refractory then reads the synthesised local
	// parameter refractory, which every population of the type sets to it.
	RefractoryInit *Value

	Input InputKind // Poisson etc. when the type was synthesised for an input population

	// RateR: the spiking type has a variable r without equation, the
	// firing rate its populations with a firing_rate_window compute.
	RateR bool
}

// InputKind marks synthesised neuron types of input populations.
type InputKind int

const (
	NotInput InputKind = iota
	PoissonInput
	SpikeSourceInput
	TimedArrayInput
)

// Decay is the exact update of an event-driven variable between events:
// dx/dt = (Inf - x) * Rate, so x(t+Δ) = Inf + (x - Inf) * exp(-Rate*Δ).
type Decay struct {
	Var  *Var
	Rate Expr
	Inf  Expr
}

// SynapseType is one synapse model.
type SynapseType struct {
	Name      string
	Pos       diag.Pos
	Spiking   bool // transmits with pre_spike (else psp)
	Vars      []*Var
	Functions []*Function
	Randoms   []*RandomVar

	Psp       Expr   // rate-coded transmission
	Operation string // sum | max | min | mean

	GlobalUpdate []Stmt // per projection
	PostUpdate   []Stmt // per postsynaptic neuron
	LocalUpdate  []Stmt // per synapse (continuous equations)
	Decays       []*Decay
	PreSpike     []Stmt // includes the implicit g_target += w when none written
	PostSpike    []Stmt
	// Pruning and Creating are the structural plasticity conditions; nil
	// when the type has none.
	Pruning, Creating *Structural
}

// ---------------------------------------------------------------------------
// Network objects

// Value is an initial or override value: a number, one number per element, or
// a distribution drawn per element from the network's seed.
type Value struct {
	Pos  diag.Pos
	Kind ValueKind
	Num  float64
	List []float64
	Dist string
	Args []float64
}

// ValueKind says which field of Value is set.
type ValueKind int

const (
	NumValue ValueKind = iota
	ListValue
	DistValue
)

// Override sets a parameter or variable of a population or projection.
type Override struct {
	Var   *Var
	Value Value
}

// Population is a group of neurons of one type.
type Population struct {
	Name     string
	Pos      diag.Pos
	Index    int // creation order
	Geometry []int
	Size     int
	Type     *NeuronType
	Override []Override

	// Input populations.
	Input      InputKind
	RatesExpr  Expr        // Poisson rates given as an equation of t
	SpikeTimes [][]float64 // SpikeSource, ms, per neuron
	Timed      *TimedArray

	Stop *StopCondition

	// RateWindowSteps > 0: r is the firing rate over the last
	// RateWindowSteps steps, 1000/RateWindowMs × spikes (ANNarchy's
	// compute_firing_rate).
	RateWindowSteps int
	RateWindowMs    float64
}

// TimedArray holds the buffer of a TimedArray input.
type TimedArray struct {
	Rates         [][]float64 // rows × neurons
	ScheduleSteps int
	PeriodSteps   int // -1 = no repetition
}

// StopCondition is a population's stop_condition.
type StopCondition struct {
	Pos  diag.Pos
	Expr Expr
	All  bool
}

// View is a population or a part of it, kept as one range per dimension of
// the population's geometry: its ranks are those of the coordinates in the
// ranges, in row-major order.
type View struct {
	Pop   *Population
	Dims  []Range // nil = the whole population
	Shape []int   // geometry of the view
	Text  string
}

// Range is the coordinates Start, Start+1, ..., Start+Len-1 of one dimension.
// Index marks a single index (P[3]), which the view's shape drops.
type Range struct {
	Start, Len int
	Index      bool
}

// Whole reports whether the view is its population as a whole.
func (v *View) Whole() bool { return v.Dims == nil }

// Len returns the number of neurons in the view.
func (v *View) Len() int {
	if v.Dims == nil {
		return v.Pop.Size
	}
	n := 1
	for _, d := range v.Dims {
		n *= d.Len
	}
	return n
}

// Runs calls f for each run of consecutive ranks of the view, in order,
// [lo, hi); adjacent runs are merged. The number of runs is at most the
// product of the lengths of all dimensions but the last.
func (v *View) Runs(f func(lo, hi int)) {
	if v.Dims == nil {
		f(0, v.Pop.Size)
		return
	}
	geo := v.Pop.Geometry
	last := len(v.Dims) - 1
	lo, hi := -1, -1
	var walk func(d, base int)
	walk = func(d, base int) {
		r := v.Dims[d]
		if d == last {
			a := base*geo[d] + r.Start
			if a == hi {
				hi = a + r.Len
				return
			}
			if lo >= 0 {
				f(lo, hi)
			}
			lo, hi = a, a+r.Len
			return
		}
		for c := r.Start; c < r.Start+r.Len; c++ {
			walk(d+1, base*geo[d]+c)
		}
	}
	walk(0, 0)
	if lo >= 0 {
		f(lo, hi)
	}
}

// Connector describes how a projection's synapses are drawn: the row of
// internal/lang it follows (Kind) and the values of that row's arguments.
type Connector struct {
	Pos     diag.Pos
	Kind    string // the name of its row in lang.Connectors
	Weights Value  // the ArgWeights argument
	Delays  Value  // ms, the ArgDelays argument
	// Args are the row's ArgNumber, ArgInteger and ArgBool (1 or 0)
	// arguments, absent ones at their default.
	Args        map[string]float64
	Matrix      [][]float64 // the ArgMatrix argument, post × pre, NaN = no synapse
	MatrixFile  string      // the .npy file Matrix was read from
	DelayMatrix [][]float64 // delays (ms) of the synapses of Matrix, post × pre
}

// Shape is what the number of synapses of c between pre and post depends on.
func (c *Connector) Shape(pre, post *View) lang.Shape {
	return lang.Shape{Pre: pre.Len(), Post: post.Len(), SamePop: pre.Pop == post.Pop,
		Whole: pre.Whole() && post.Whole(), Args: c.Args, Matrix: c.Matrix}
}

// Projection connects two views.
type Projection struct {
	Name      string
	Pos       diag.Pos
	Index     int
	Pre, Post View
	Target    string // the first target listed
	// Targets are the listed targets the projection fills: g_target of a
	// spiking post neuron, sum(target) otherwise (one the post neuron never
	// reads is warned about, and filled all the same, to be recorded). Those
	// of a projection onto an input population are left out.
	Targets []string
	// PspToG: the summed psp is added to g_target every step (continuous
	// transmission of a spiking projection) instead of filling sum(target).
	PspToG    bool
	Type      *SynapseType
	Override  []Override
	Connector Connector
	// PerPre are the per-synapse variables stored and integrated once per
	// presynaptic neuron (perPre gives the rule; SplitPerPre their equations).
	PerPre []*Var
	// DecodeSteps > 0 makes a decoding projection (ANNarchy's
	// DecodingProjection): sum(target) of each post neuron gets the
	// weighted spikes it received in the last DecodeSteps steps, as a rate
	// in Hz per synapse; delays are ignored.
	DecodeSteps int
	// PruneStart and CreateStart start the synapse type's pruning and
	// creating at network creation (nil: stopped until a schedule or
	// Start call starts them).
	PruneStart, CreateStart *StructStart
	// CreateDelay is the delay in steps of a created synapse (the flag d),
	// -1 for the projection's uniform delay.
	CreateDelay int
}

// Structural is a pruning or creating condition of a synapse type
// (ANNarchy's structural plasticity; README, "Structural plasticity").
type Structural struct {
	Pos   diag.Pos
	Cond  Expr // boolean: per synapse (pruning) or per pre/post pair (creating)
	Proba Expr // probability of acting where Cond holds (per projection); nil: 1
	W     Expr // creating: weight of a created synapse (per projection); nil: 0
	// Randoms are the distributions Cond draws from at each evaluation.
	Randoms []*RandomVar
	// DelayMs is the flag d of creating (ms), nil when not given.
	DelayMs *float64
	DPos    diag.Pos
}

// StructStart schedules the evaluation of a pruning or creating condition:
// after the steps OffsetSteps + k*PeriodSteps (k >= 0) counted from when it
// starts.
type StructStart struct {
	PeriodSteps, OffsetSteps int
}

// MonitorVar is one recorded quantity.
type MonitorVar struct {
	Name   string // as written: "v", "spike", "sum(exc)"
	Kind   lang.MonKind
	Var    *Var   // lang.MonVar
	Target string // lang.MonSum
	Unit   string // from the model's units:, "" when it gives none
}

// Monitor records populations, views or projections.
type Monitor struct {
	Name        string
	Pos         diag.Pos
	View        *View       // population or view target
	Proj        *Projection // projection target
	Vars        []MonitorVar
	PeriodSteps int
	Start       bool
}

// Simulation is what the generated runner does without flags.
type Simulation struct {
	DurationSteps int
	Until         bool
	MaxSteps      int
	Pops          []*Population
	Or            bool // operator "or" (default "and")
}

// Model is the whole analysed model.
type Model struct {
	Name      string
	File      string
	Hash      string // sha256 of the model without comments and layout (parser.CanonicalYAML)
	Dt        float64
	Seed      int64
	HasSeed   bool
	Precision string // float64 | float32
	// ExactDecay: event-driven variables decay exactly from their last
	// event; otherwise (default) they are stepped as ANNarchy 5 steps them
	// (see README.md, "Event-driven variables").
	ExactDecay bool
	// Structural allows pruning and creating (structural_plasticity: true).
	Structural bool
	Constants  []*Constant
	Functions  []*Function
	Neurons    []*NeuronType
	Synapses   []*SynapseType
	Pops       []*Population
	Projs      []*Projection
	Monitors   []*Monitor
	Sim        Simulation
	// Units are the model's units: by name as written ("v", "exc.v").
	Units map[string]string
	// Schedule replaces Sim when HasSchedule (the model's schedule).
	Schedule    []*SchedStep
	HasSchedule bool
}

// Steps converts milliseconds to steps, rounding to the nearest step (README, "Differences from ANNarchy").
// A duration of more than limits.Steps steps (or NaN) gives limits.Steps+1,
// never an overflowed int: the analysis reports it (builder.steps).
func Steps(ms, dt float64) int {
	if ms <= 0 {
		return 0
	}
	s := ms/dt + 0.5
	if !(s < limits.Steps+1) {
		return limits.Steps + 1
	}
	return int(s)
}
