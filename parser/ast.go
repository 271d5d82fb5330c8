package parser

import "github.com/annc/annc/internal/diag"

// This file is the syntax tree that the rest of annc reads. The equation
// grammar (participle) may use its own internal structs; what leaves this
// package is only the types below, with positions already mapped back to the
// model file.

// ---------------------------------------------------------------------------
// Expressions

// Expr is an expression node.
type Expr interface {
	Position() diag.Pos
	exprNode()
}

// Num is a numeric literal; Text is the literal as written.
type Num struct {
	Pos   diag.Pos
	Value float64
	Text  string
}

// Bool is True/False.
type Bool struct {
	Pos   diag.Pos
	Value bool
}

// Ident is a bare name: a parameter, variable, constant, special name
// (t, dt, w, r, pi, e, ...).
type Ident struct {
	Pos  diag.Pos
	Name string
}

// Attr is pre.x or post.x.
type Attr struct {
	Pos  diag.Pos
	Obj  string // "pre" or "post"
	Name string
}

// Unary is -x, +x, not x.
type Unary struct {
	Pos diag.Pos
	Op  string // "-", "+", "not"
	X   Expr
}

// Binary is x op y. Op is one of + - * / ^ (also for **) == != < <= > >= and or is.
// "is" is kept as written; the IR treats it as ==.
type Binary struct {
	Pos  diag.Pos
	Op   string
	X, Y Expr
}

// Call is f(args). Obj is "pre"/"post" for pre.sum(exc), else "".
// sum(exc), mean(v), Uniform(0, 1), ite(c, a, b) and user functions are all Calls;
// the IR decides what the name means.
type Call struct {
	Pos  diag.Pos
	Obj  string
	Fun  string
	Args []Expr
	// Keys names the keyword arguments (name=value): Keys[i] is the name of
	// Args[i], "" for a positional one; KeyPos[i] is where the name is.
	// Both are nil when every argument is positional.
	Keys   []string
	KeyPos []diag.Pos
}

// Cond is "if C: A else: B" (Ite=false) or ite(C, A, B) (Ite=true).
type Cond struct {
	Pos     diag.Pos
	C, A, B Expr
	Ite     bool
}

// Deriv is dx/dt inside an ODE.
type Deriv struct {
	Pos  diag.Pos
	Name string
}

func (n *Num) Position() diag.Pos    { return n.Pos }
func (n *Bool) Position() diag.Pos   { return n.Pos }
func (n *Ident) Position() diag.Pos  { return n.Pos }
func (n *Attr) Position() diag.Pos   { return n.Pos }
func (n *Unary) Position() diag.Pos  { return n.Pos }
func (n *Binary) Position() diag.Pos { return n.Pos }
func (n *Call) Position() diag.Pos   { return n.Pos }
func (n *Cond) Position() diag.Pos   { return n.Pos }
func (n *Deriv) Position() diag.Pos  { return n.Pos }

func (*Num) exprNode()    {}
func (*Bool) exprNode()   {}
func (*Ident) exprNode()  {}
func (*Attr) exprNode()   {}
func (*Unary) exprNode()  {}
func (*Binary) exprNode() {}
func (*Call) exprNode()   {}
func (*Cond) exprNode()   {}
func (*Deriv) exprNode()  {}

// ---------------------------------------------------------------------------
// Lines of the equation strings

// Flag is one flag after the last ':' of a line: "population", "init = -60.0",
// "min = 0", "exponential", "event-driven", ...
type Flag struct {
	Pos   diag.Pos
	Name  string
	Value Expr // nil for bare flags
}

// Param is one line of a parameters string: name = value [: flags].
type Param struct {
	Pos   diag.Pos
	Name  string
	Value Expr
	Flags []Flag
}

// StmtKind says what an equation line is.
type StmtKind int

const (
	Assign StmtKind = iota // x = e, x += e, ...
	ODE                    // any linear form containing exactly one dx/dt
)

// Stmt is one line of an equations / reset / pre_spike / post_spike string.
// For Assign: Target, Op ("=", "+=", "-=", "*=", "/=") and RHS.
// For ODE: LHS and RHS as written (LHS or RHS contains one *Deriv); Target is
// the differentiated variable. The IR solves for the derivative.
type Stmt struct {
	Pos       diag.Pos
	Kind      StmtKind
	Target    string
	TargetPos diag.Pos
	Obj       string // "pre"/"post" when the target is pre.x / post.x (post_spike may write post.x)
	Op        string
	LHS, RHS  Expr
	Flags     []Flag
}

// FuncDef is one line of a functions string: f(x, y) = expr.
type FuncDef struct {
	Pos    diag.Pos
	Name   string
	Params []string
	Body   Expr
}

// StopCond is a stop_condition: expr [: any|all].
type StopCond struct {
	Pos  diag.Pos
	Expr Expr
	Mode string // "any" (default) or "all"
}

// ---------------------------------------------------------------------------
// The model file

// Value is a YAML scalar or sequence that may be a number, a list of numbers
// (possibly nested), or a string (a distribution such as "Uniform(-1, 1)", an
// equation of t, a file name). Exactly one of the fields is meaningful:
// IsNum/Num, List, or Str (Expr holds the parsed string where it is an expression).
type Value struct {
	Pos   diag.Pos
	IsNum bool
	Num   float64
	List  []Value
	Str   string
	Expr  Expr
	Bool  *bool
}

// Named is a (name, value) pair from a mapping, kept in file order.
type Named struct {
	Pos   diag.Pos // position of the key
	Name  string
	Value Value
}

// Model is a whole model.yaml.
type Model struct {
	File      string
	Source    []byte // the model file's bytes, as read
	Canonical []byte // the model without comments and layout (CanonicalYAML); ir hashes it
	Name      string
	NamePos   diag.Pos
	Dt        float64 // 1.0 when absent
	DtPos     diag.Pos
	Seed      *int64
	Method    string // "explicit" when absent
	MethodPos diag.Pos
	Precision string // "float64" when absent
	// EventDriven is how event-driven synapse variables are stepped:
	// "annarchy" (default, as ANNarchy 5) or "exact".
	EventDriven string
	// StructuralPlasticity allows pruning and creating conditions
	// (ANNarchy's setup(structural_plasticity=True)).
	StructuralPlasticity bool
	Constants            []Named
	Functions            []FuncDef
	Neurons              []*NeuronDef  // file order
	Synapses             []*SynapseDef // file order
	Pops                 []*PopDef
	Projs                []*ProjDef
	Monitors             []*MonitorDef
	Simulation           *SimDef
	// Schedule holds the schedule's entries without errors; HasSchedule
	// says whether the file has a schedule, ScheduleBroken whether some
	// entries were left out for their errors (reported).
	Schedule       []*SchedStep
	HasSchedule    bool
	ScheduleBroken bool
	// Units are the optional units: the unit of a variable for plots and
	// manifests ("v: mV", or per object "exc.v: mV"), which the equation
	// language itself has no way to say.
	Units []UnitDef
	// Unattributed is true when some error lies outside every neuron,
	// synapse, population, projection and monitor (model settings,
	// constants, functions, the document's structure): then the model
	// cannot be analysed at all. Otherwise analysis can skip the Broken
	// objects and still report the errors of the others.
	Unattributed bool
	// ObjectHashes maps each top-level setting ("dt") and each model object
	// ("neuron LIF", "population exc", "monitor #2" when unnamed) to a short
	// hash of its YAML without comments and layout, so that a rebuild can say
	// what changed. Set, like Canonical, for a model without errors.
	ObjectHashes map[string]string
}

// NeuronDef is a neuron type.
type NeuronDef struct {
	Pos        diag.Pos
	Name       string
	Parameters []Param
	Equations  []Stmt
	Spike      Expr // nil for rate neurons
	Reset      []Stmt
	Refractory *Value // number of ms or a parameter name (Str)
	Functions  []FuncDef
	Builtin    bool   // came from models/
	Broken     bool   // has syntax or schema errors (reported); analysis skips it
	Failed     Failed // what the parts with errors would have declared
}

// SynapseDef is a synapse type.
type SynapseDef struct {
	Pos        diag.Pos
	Name       string
	Parameters []Param
	Equations  []Stmt
	Psp        Expr
	Operation  string // sum (default) | max | min | mean
	OpPos      diag.Pos
	PreSpike   []Stmt
	PostSpike  []Stmt
	Functions  []FuncDef
	// Pruning and Creating are the structural plasticity conditions
	// (nil when absent).
	Pruning, Creating *StructCond
	Builtin           bool
	Broken            bool   // has syntax or schema errors (reported); analysis skips it
	Failed            Failed // what the parts with errors would have declared
}

// StructCond is a pruning or creating condition: "cond : proba = p, w = x,
// d = ms" (w and d for creating only).
type StructCond struct {
	Pos   diag.Pos
	Expr  Expr
	Flags []Flag
}

// StructStart is start_pruning/start_creating of a projection entry: the
// condition is evaluated every Period ms from Offset ms (Period 0: every
// step).
type StructStart struct {
	Pos            diag.Pos
	Period, Offset float64
}

// Slice is one dimension of a view: P[a:b] or P[i] or P[:].
type Slice struct {
	Pos        diag.Pos
	Start, End *int // nil = open
	Index      *int // a single index
}

// Ref names a population or a view of it: "P", "P[0:3200]", "P[:, 2]".
type Ref struct {
	Pos    diag.Pos
	Name   string
	Slices []Slice // empty for the whole population
	Text   string  // as written
}

// PopDef is one population.
type PopDef struct {
	Pos           diag.Pos
	Name          string
	Geometry      []int
	GeometryPos   diag.Pos
	Neuron        string // empty for input populations
	NeuronPos     diag.Pos
	Parameters    []Named
	Init          []Named
	StopCondition *StopCond
	// RateWindow is firing_rate_window in ms (ANNarchy's
	// compute_firing_rate(window)); nil when not given.
	RateWindow    *float64
	RateWindowPos diag.Pos
	Poisson       *PoissonDef
	SpikeSource   *SpikeSourceDef
	TimedArray    *TimedArrayDef
	Broken        bool // has syntax or schema errors (reported); analysis skips it
	// BadParts names the keys whose own values had errors (reported), so
	// that analysis can still check the other parts of a broken population.
	BadParts []string
}

// PoissonDef: rates is a number, a list (one per neuron) or an equation string of t.
type PoissonDef struct {
	Pos   diag.Pos
	Rates Value
}

// SpikeSourceDef: spike times in ms, one list per neuron (or one list shared).
type SpikeSourceDef struct {
	Pos        diag.Pos
	SpikeTimes Value
}

// TimedArrayDef: rates is a list of rows (one per schedule slot), each a
// number or a list over the neurons; schedule in ms; period in ms (-1 = none).
type TimedArrayDef struct {
	Pos      diag.Pos
	Rates    Value
	Schedule float64
	Period   float64
}

// ConnDef is a connector: Kind names a row of lang.Connectors; Args holds
// its arguments by name in file order, each read as the row's argument of
// that name declares (weights, delays, probability, number, ...).
type ConnDef struct {
	Pos  diag.Pos
	Kind string
	Args []Named
}

// ProjDef is one projection.
type ProjDef struct {
	Pos        diag.Pos
	Name       string // defaulted to <pre>_<post>_<target> by the IR when empty
	Pre, Post  Ref
	Target     string   // the first of Targets
	Targets    []string // target: exc, or target: [ampa, nmda]
	TargetPos  diag.Pos
	Synapse    string // empty = default synapse
	SynapsePos diag.Pos
	Parameters []Named
	Connector  ConnDef
	// Decoding, when set, makes this a decoding projection (spikes to
	// rates, ANNarchy's DecodingProjection) with that window in ms (0: dt).
	Decoding    *float64
	DecodingPos diag.Pos
	// StartPruning and StartCreating start structural plasticity from the
	// beginning (ANNarchy's proj.start_pruning(period)); nil: not started.
	StartPruning, StartCreating *StructStart
	Broken                      bool // has syntax or schema errors (reported); analysis skips it
	// BadParts names the keys whose own values had errors (reported), so
	// that analysis can still check the other parts of a broken projection.
	BadParts []string
}

// MonitorDef is one monitor.
type MonitorDef struct {
	Pos       diag.Pos
	Name      string
	Target    Ref // a population, view or projection name
	Variables []Value
	Period    *float64
	PeriodPos diag.Pos
	Start     bool // default true
	Broken    bool // has syntax or schema errors (reported); analysis skips it
}

// SimDef is the simulation section.
type SimDef struct {
	Pos                         diag.Pos
	Duration                    *float64
	MaxDuration                 *float64
	DurationPos, MaxDurationPos diag.Pos
	Populations                 []string
	// PopulationsPos are the positions of Populations' names (one each).
	PopulationsPos []diag.Pos
	Operator       string // "and" | "or"
}

// SchedStep is one entry of the schedule: Kind is simulate, simulate_until,
// set, every, enable_learning, disable_learning, reset, repeat or callbacks.
type SchedStep struct {
	Pos  diag.Pos
	Kind string
	Ms   float64 // simulate
	// Until is simulate_until (its Pos is the entry's).
	Until *SimDef
	Sets  []SchedSet // set; every
	// Period, Offset and Wait of every, in ms.
	Period, Offset, Wait float64
	// Projs are the projections of enable_learning/disable_learning;
	// empty means all of them.
	Projs    []string
	ProjsPos []diag.Pos
	// LearnPeriod and LearnOffset of enable_learning (and of
	// start_pruning/start_creating), in ms.
	LearnPeriod, LearnOffset float64
	// MsPos holds the positions of the durations above by key (simulate,
	// period, offset, wait), for the checks that need dt.
	MsPos     map[string]diag.Pos
	Reset     ResetDef
	Count     int          // repeat
	Body      []*SchedStep // repeat
	Callbacks string       // enable | disable | clear
}

// ResetDef says what a reset step resets (ANNarchy's reset() arguments).
type ResetDef struct {
	Populations, Projections, Synapses, Monitors bool
}

// SchedSet is one PATH: VALUE of a set or every entry. Rows, when set, is
// {rows: [[...], ...]} or {rows: "file.npy"}: row n is used at the n-th
// call of an every block or the n-th iteration of the enclosing repeat.
type SchedSet struct {
	Pos   diag.Pos
	Path  string
	Value Value
	Rows  *Value
}

// UnitDef is one entry of units:: Name is "v", "sum(exc)", or qualified by
// a population or projection, "exc.v".
type UnitDef struct {
	Pos  diag.Pos
	Name string
	Unit string
}
