// Package lang declares the features of annc's model language as tables, one
// row per feature: numerical methods, connectors, built-in functions and the
// kinds of quantities monitors record. The
// parser's checks, the IR, the code generator and the docs read these rows, so
// adding a connector or a built-in function means adding its row (and its
// runtime implementation), not editing every stage.
package lang

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/annc/annc/runtime/fmath"
)

// Method is a numerical method of the equation language.
type Method struct {
	Name string
	// SynapseOnly methods (event-driven) are accepted only in synapse
	// equations, never as a model's or a neuron's default method.
	SynapseOnly bool
	// Coupled methods integrate the variables of one block that share the
	// method as one system (their stages read each other).
	Coupled bool
	Doc     string
}

// Methods lists every numerical method; the IR has one rewrite per row (a
// test checks that), and the order is the one documentation lists them in.
var Methods = []Method{
	{Name: "explicit", Doc: "forward Euler: x + dt*f"},
	{Name: "semiimplicit", Doc: "x + dt*N/(c - dt*dN/dx), ANNarchy's semi-implicit Euler"},
	{Name: "implicit", Coupled: true, Doc: "backward Euler, solved exactly for equations linear in the block's variables"},
	{Name: "exponential", Doc: "exact for equations linear in the variable: x + (1 - exp(-dt*k/c))*(N/k)"},
	{Name: "midpoint", Coupled: true, Doc: "second-order Runge-Kutta"},
	{Name: "rk4", Coupled: true, Doc: "classic fourth-order Runge-Kutta"},
	{Name: "event-driven", SynapseOnly: true, Doc: "synapse variables updated only at pre- or postsynaptic events"},
}

// MethodNames returns the names of the methods, without the synapse-only ones
// unless synapses is true.
func MethodNames(synapses bool) []string {
	var out []string
	for _, m := range Methods {
		if synapses || !m.SynapseOnly {
			out = append(out, m.Name)
		}
	}
	return out
}

// LookupMethod returns the row of a method name.
func LookupMethod(name string) (Method, bool) {
	for _, m := range Methods {
		if m.Name == name {
			return m, true
		}
	}
	return Method{}, false
}

// ArgKind is what a connector argument holds; the parser, the IR and the
// code generator read and check an argument by its kind, never by its name.
type ArgKind int

const (
	ArgNumber  ArgKind = iota // a number (or a constant expression), checked by Check
	ArgInteger                // a non-negative integer, at most the size of AtMost's view
	ArgBool                   // true or false, passed as 1 or 0
	// ArgWeights is a number or a distribution drawn per synapse: the
	// pattern creates the synapses and the weights are set after.
	ArgWeights
	// ArgDelays is a delay in ms: a number or a distribution drawn per
	// synapse, or, for a pattern with an ArgMatrix, a matrix of the same
	// shape holding the delays of its synapses.
	ArgDelays
	// ArgMatrix is the weights as a post × pre matrix (nested lists or a
	// .npy file), NaN for no synapse; the builder receives it.
	ArgMatrix
	// ArgTranspose, when true, says the matrices are given pre × post; the
	// IR stores them post × pre.
	ArgTranspose
)

// ArgCheck is the range an ArgNumber must lie in.
type ArgCheck int

const (
	AnyNumber   ArgCheck = iota
	Probability          // in [0, 1] (not NaN); the error shows the value
	Fraction             // in [0, 1]
	Positive             // above 0
)

// Side is one end of a projection.
type Side int

const (
	NoSide Side = iota
	PreSide
	PostSide
)

// ConnArg is one argument of a connector's entry in the model file.
type ConnArg struct {
	Name     string
	Kind     ArgKind
	Required bool
	Check    ArgCheck
	// AtMost bounds an ArgInteger by the size of the pre or post view.
	AtMost Side
	// Default is the value of an absent optional number.
	Default float64
	// Example is a valid value of a required number or integer (an integer
	// is also kept at most AtMost's size), for generated test models.
	Example float64
}

// Connector is a connection pattern of a projection: the arguments its
// entry in the model file takes, the runtime function that draws it and how
// many synapses it creates. Adding a row and its builder in the runtime is
// all a new connector needs.
type Connector struct {
	Name string
	// Args in the order the IR's dump and the docs list them, the required
	// ones first.
	Args []ConnArg
	// Builder is the runtime function creating the synapses, called as
	// Builder([&r,] pre, post, Call..., [threads]) and returning
	// (*Conn, error): &r (the projection's random stream) first when RNG,
	// the number of goroutines last when Threads. Call names the row's
	// arguments it receives, in order: numbers as float64, integers as int,
	// booleans as bool, the matrix as [][]float64.
	Builder string
	// PreMajorBuilder, when not "", takes the same arguments and creates
	// the same synapses, stored presynaptic-major without weights (what
	// Builder, then Compact would give; for projections stored so).
	PreMajorBuilder string
	RNG             bool
	Call            []string
	Threads         bool
	// Grid: the pattern places the neurons of whole populations on a grid
	// of normalised positions, so pre and post must be whole populations of
	// the same dimension.
	Grid bool
	// SameSize: pre and post must have the same size.
	SameSize bool
	// Synapses counts the synapses the pattern creates.
	Synapses func(s Shape) Count
	Doc      string
}

// Shape is what a connector's number of synapses depends on.
type Shape struct {
	Pre, Post int  // the sizes of the pre and post views
	SamePop   bool // both views are of one population
	Whole     bool // both views are whole populations
	// Args are the row's ArgNumber, ArgInteger and ArgBool (1 or 0) values.
	Args map[string]float64
	// Matrix is the ArgMatrix argument (post × pre, NaN for no synapse);
	// nil before it is read.
	Matrix [][]float64
}

// Count is how many synapses a connector creates.
type Count struct {
	// Least is a lower bound whatever the seed (0 when there is none) and
	// How says how it is counted, for the error of a projection too large.
	Least uint64
	How   string
	// N is the number of synapses, exact when Exact, otherwise expected
	// (with standard deviation SD over seeds) or, when Bound, an upper
	// bound.
	N     float64
	Exact bool
	SD    float64
	Bound bool
}

// ArgNames returns the accepted arguments, the required ones first.
func (c Connector) ArgNames() []string {
	out := make([]string, len(c.Args))
	for i, a := range c.Args {
		out[i] = a.Name
	}
	return out
}

// RequiredNames returns the arguments that must be given.
func (c Connector) RequiredNames() []string {
	var out []string
	for _, a := range c.Args {
		if a.Required {
			out = append(out, a.Name)
		}
	}
	return out
}

// Arg returns the argument of a name.
func (c Connector) Arg(name string) (ConnArg, bool) {
	for _, a := range c.Args {
		if a.Name == name {
			return a, true
		}
	}
	return ConnArg{}, false
}

// Has reports whether the connector takes an argument of kind k.
func (c Connector) Has(k ArgKind) bool {
	for _, a := range c.Args {
		if a.Kind == k {
			return true
		}
	}
	return false
}

// DrawsWeights: the weights are a number or a distribution drawn per
// synapse; otherwise the pattern computes them (gaussian, dog, from_matrix).
func (c Connector) DrawsWeights() bool { return c.Has(ArgWeights) }

// Arguments shared by several rows.
var (
	argWeights = ConnArg{Name: "weights", Kind: ArgWeights, Required: true}
	argDelays  = ConnArg{Name: "delays", Kind: ArgDelays}
	argSelf    = ConnArg{Name: "allow_self_connections", Kind: ArgBool}
	argLimit   = ConnArg{Name: "limit", Kind: ArgNumber, Check: Fraction, Default: 0.01}
)

// Connectors lists every connector.
var Connectors = []Connector{
	{Name: "all_to_all", Args: []ConnArg{argWeights, argDelays, argSelf},
		Builder: "AllToAll", RNG: true, Call: []string{"allow_self_connections"},
		Synapses: allToAllSynapses, Doc: "every pre neuron to every post neuron"},
	{Name: "one_to_one", Args: []ConnArg{argWeights, argDelays},
		Builder: "OneToOne", RNG: true, SameSize: true,
		Synapses: func(s Shape) Count {
			n := uint64(max(min(s.Pre, s.Post), 0))
			return Count{Least: n, How: fmt.Sprintf("min(%d pre, %d post neurons)", s.Pre, s.Post), N: float64(n), Exact: true}
		},
		Doc: "pre rank i to post rank i"},
	{Name: "fixed_probability", Args: []ConnArg{{Name: "probability", Kind: ArgNumber, Required: true, Check: Probability, Example: 0.5}, argWeights, argDelays, argSelf},
		Builder: "FixedProbabilityWorkers", PreMajorBuilder: "FixedProbabilityPreMajor", RNG: true, Call: []string{"probability", "allow_self_connections"}, Threads: true,
		Synapses: func(s Shape) Count {
			p := s.Args["probability"]
			n := p * float64(s.Pre) * float64(s.Post)
			if s.Args["allow_self_connections"] == 0 && s.SamePop {
				n -= p * float64(min(s.Pre, s.Post))
			}
			return Count{N: n, SD: math.Sqrt(n * (1 - p))}
		},
		Doc: "each pair independently with the given probability"},
	{Name: "fixed_number_pre", Args: []ConnArg{{Name: "number", Kind: ArgInteger, Required: true, AtMost: PreSide, Example: 2}, argWeights, argDelays, argSelf},
		Builder: "FixedNumberPre", RNG: true, Call: []string{"number", "allow_self_connections"},
		Synapses: func(s Shape) Count {
			k := int(s.Args["number"])
			return exactly(mul(k, s.Post), fmt.Sprintf("%d pre neurons × %d post neurons", k, s.Post))
		},
		Doc: "each post neuron receives from number distinct pre neurons"},
	{Name: "fixed_number_post", Args: []ConnArg{{Name: "number", Kind: ArgInteger, Required: true, AtMost: PostSide, Example: 2}, argWeights, argDelays, argSelf},
		Builder: "FixedNumberPost", RNG: true, Call: []string{"number", "allow_self_connections"},
		Synapses: func(s Shape) Count {
			k := int(s.Args["number"])
			return exactly(mul(s.Pre, k), fmt.Sprintf("%d pre neurons × %d post neurons", s.Pre, k))
		},
		Doc: "each pre neuron sends to number distinct post neurons"},
	{Name: "gaussian", Args: []ConnArg{
		{Name: "amp", Kind: ArgNumber, Required: true, Example: 0.3},
		{Name: "sigma", Kind: ArgNumber, Required: true, Check: Positive, Example: 0.5},
		argDelays, argLimit, argSelf},
		Builder: "Gaussian", Call: []string{"amp", "sigma", "limit", "allow_self_connections"}, Threads: true, Grid: true,
		Synapses: allPairsAtMost, Doc: "weight amp*exp(-d²/2σ²) over normalised positions, pairs below limit*amp left out"},
	{Name: "dog", Args: []ConnArg{
		{Name: "amp_pos", Kind: ArgNumber, Required: true, Example: 0.4},
		{Name: "sigma_pos", Kind: ArgNumber, Required: true, Check: Positive, Example: 0.3},
		{Name: "amp_neg", Kind: ArgNumber, Required: true, Example: 0.2},
		{Name: "sigma_neg", Kind: ArgNumber, Required: true, Check: Positive, Example: 0.6},
		argDelays, argLimit, argSelf},
		Builder: "DoG", Call: []string{"amp_pos", "sigma_pos", "amp_neg", "sigma_neg", "limit", "allow_self_connections"}, Threads: true, Grid: true,
		Synapses: allPairsAtMost, Doc: "difference of two Gaussians"},
	{Name: "from_matrix", Args: []ConnArg{{Name: "weights", Kind: ArgMatrix, Required: true}, argDelays, {Name: "pre_post", Kind: ArgTranspose}},
		Builder: "FromMatrix", Call: []string{"weights"},
		Synapses: func(s Shape) Count {
			n := 0.0
			for _, row := range s.Matrix {
				for _, w := range row {
					if !math.IsNaN(w) {
						n++
					}
				}
			}
			return Count{N: n, Exact: true}
		},
		Doc: "a post × pre matrix (or .npy file) of weights, NaN for no synapse"},
}

// allToAllSynapses: pre × post, less the self-connections when they are
// not allowed (at most min(pre, post) pairs of overlapping views, exactly
// that many of a population onto itself).
func allToAllSynapses(s Shape) Count {
	n := mul(s.Pre, s.Post)
	how := fmt.Sprintf("%d pre × %d post neurons", s.Pre, s.Post)
	allow := s.Args["allow_self_connections"] != 0
	if !allow && s.SamePop && n != math.MaxUint64 {
		n -= uint64(min(s.Pre, s.Post))
		how += fmt.Sprintf(" - up to %d self-connections", min(s.Pre, s.Post))
	}
	return Count{Least: n, How: how, N: float64(n), Exact: allow || !s.SamePop || s.Whole}
}

// allPairsAtMost bounds the synapses of a pattern computed from positions
// by pre × post.
func allPairsAtMost(s Shape) Count { return Count{N: float64(s.Pre) * float64(s.Post), Bound: true} }

// exactly is the count of a pattern creating n synapses whatever the seed.
func exactly(n uint64, how string) Count {
	return Count{Least: n, How: how, N: float64(n), Exact: true}
}

// mul is a × b, MaxUint64 when it overflows, 0 for a negative operand.
func mul(a, b int) uint64 {
	hi, lo := bits.Mul64(uint64(max(a, 0)), uint64(max(b, 0)))
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// ConnectorNames returns the connector names in table order.
func ConnectorNames() []string {
	out := make([]string, len(Connectors))
	for i, c := range Connectors {
		out[i] = c.Name
	}
	return out
}

// LookupConnector returns the row of a connector name.
func LookupConnector(name string) (Connector, bool) {
	for _, c := range Connectors {
		if c.Name == name {
			return c, true
		}
	}
	return Connector{}, false
}

// Builtin is a built-in function of the equation language.
type Builtin struct {
	Name    string   // canonical name, as the IR writes it
	Aliases []string // other spellings the IR canonicalises to Name
	Arity   int
	Bool    bool // returns a boolean (isfinite, isnan)
	// Math is the function of Go's package math computing it (one float64
	// per argument); when empty, Helper names the function of the generated
	// package's helpers that does.
	Math   string
	Helper string
	// Runtime, when set instead of Math, names the function of annc's
	// runtime package computing it (one float64 per argument): exp, which
	// the AVX2 kernels compute with the same operations (runtime.Exp), and
	// modulo, whose definition the folding must share.
	Runtime string
	// Runtime32 names its float32 twin in float32 models (one float32 per
	// argument; runtime.Exp32, which the eight-lane kernels repeat).
	Runtime32 string
	// Eval computes the function at constant arguments (the analysis folds
	// constant expressions with it: values, arguments, and the check for
	// results that are ±Inf or NaN), with the bits the generated code
	// computes: the function of package math, or the runtime's kernel
	// (runtime/fmath) for the rows computed by the runtime.
	Eval func(a []float64) float64
	Doc  string
}

// Builtins lists every built-in function.
var Builtins = []Builtin{
	{Name: "exp", Arity: 1, Runtime: "Exp", Runtime32: "Exp32", Eval: func(a []float64) float64 { return fmath.Exp(a[0]) }},
	{Name: "log", Aliases: []string{"ln"}, Arity: 1, Math: "Log", Eval: func(a []float64) float64 { return math.Log(a[0]) }, Doc: "natural logarithm"},
	{Name: "sqrt", Arity: 1, Math: "Sqrt", Eval: func(a []float64) float64 { return math.Sqrt(a[0]) }},
	{Name: "sin", Arity: 1, Math: "Sin", Eval: func(a []float64) float64 { return math.Sin(a[0]) }},
	{Name: "cos", Arity: 1, Math: "Cos", Eval: func(a []float64) float64 { return math.Cos(a[0]) }},
	{Name: "tan", Arity: 1, Math: "Tan", Eval: func(a []float64) float64 { return math.Tan(a[0]) }},
	{Name: "asin", Arity: 1, Math: "Asin", Eval: func(a []float64) float64 { return math.Asin(a[0]) }},
	{Name: "acos", Arity: 1, Math: "Acos", Eval: func(a []float64) float64 { return math.Acos(a[0]) }},
	{Name: "atan", Arity: 1, Math: "Atan", Eval: func(a []float64) float64 { return math.Atan(a[0]) }},
	{Name: "atan2", Arity: 2, Math: "Atan2", Eval: func(a []float64) float64 { return math.Atan2(a[0], a[1]) }},
	{Name: "sinh", Arity: 1, Math: "Sinh", Eval: func(a []float64) float64 { return math.Sinh(a[0]) }},
	{Name: "cosh", Arity: 1, Math: "Cosh", Eval: func(a []float64) float64 { return math.Cosh(a[0]) }},
	{Name: "tanh", Arity: 1, Math: "Tanh", Eval: func(a []float64) float64 { return math.Tanh(a[0]) }},
	{Name: "abs", Aliases: []string{"fabs"}, Arity: 1, Math: "Abs", Eval: func(a []float64) float64 { return math.Abs(a[0]) }},
	{Name: "floor", Arity: 1, Math: "Floor", Eval: func(a []float64) float64 { return math.Floor(a[0]) }},
	{Name: "ceil", Arity: 1, Math: "Ceil", Eval: func(a []float64) float64 { return math.Ceil(a[0]) }},
	{Name: "round", Arity: 1, Math: "Round", Eval: func(a []float64) float64 { return math.Round(a[0]) }, Doc: "half away from zero"},
	{Name: "pow", Aliases: []string{"power"}, Arity: 2, Math: "Pow", Eval: func(a []float64) float64 { return math.Pow(a[0], a[1]) }},
	{Name: "sign", Arity: 1, Helper: "sign", Doc: "-1, 0 or 1"},
	{Name: "pos", Aliases: []string{"positive"}, Arity: 1, Helper: "pos", Doc: "max(x, 0)"},
	{Name: "neg", Aliases: []string{"negative"}, Arity: 1, Helper: "neg", Doc: "min(x, 0)"},
	{Name: "clip", Arity: 3, Helper: "clip", Doc: "clip(x, lo, hi)"},
	{Name: "modulo", Arity: 2, Runtime: "Modulo", Runtime32: "Modulo32", Eval: func(a []float64) float64 { return fmath.Modulo(a[0], a[1]) },
		Doc: "ANNarchy's long(a) % long(b): truncated operands, the sign of a; NaN for b truncating to 0 or operands NaN or beyond int64"},
	{Name: "min", Arity: 2, Helper: "min"},
	{Name: "max", Arity: 2, Helper: "max"},
	{Name: "isfinite", Arity: 1, Bool: true, Helper: "isFinite"},
	{Name: "isnan", Arity: 1, Bool: true, Math: "IsNaN"},
}

// LookupBuiltin returns the row of a built-in function, by its canonical
// name or an alias.
func LookupBuiltin(name string) (Builtin, bool) {
	for _, b := range Builtins {
		if b.Name == name {
			return b, true
		}
		for _, a := range b.Aliases {
			if a == name {
				return b, true
			}
		}
	}
	return Builtin{}, false
}

// MonKind is a kind of quantity a monitor records; it indexes MonitorKinds.
type MonKind int

const (
	MonSpike MonKind = iota // the spikes of a spiking population
	MonSum                  // the weighted sum sum(target) of a population
	MonVar                  // a variable or parameter of the target
)

// MonitorKind is one kind of entry of a monitor's variables: list.
type MonitorKind struct {
	Name string // as the IR's printer names it
	// Syntax is how the model file writes it (the docs list it so).
	Syntax string
	// Match reports whether a name of a variables: list is of this kind,
	// and its argument (the target of sum(target)).
	Match func(name string) (arg string, ok bool)
	// Projections: a projection's monitor records it (otherwise only a
	// population's or view's).
	Projections bool
	// Spikes: it is recorded as events (step, rank) from a spiking
	// population, not as frames of values.
	Spikes bool
	// Files are the files of a results directory it writes, as README.md's
	// "Results on disk" names them; ProjFiles those it adds when a
	// projection's monitor records it.
	Files, ProjFiles []string
	Doc              string
}

// MonitorKinds lists the kinds of recorded quantities, indexed by MonKind;
// MatchMonitorVar tries them in this order, so a specific syntax comes
// before the variable names that take the rest.
var MonitorKinds = []MonitorKind{
	MonSpike: {Name: "spike", Syntax: "spike", Spikes: true,
		Match: func(name string) (string, bool) { return "", name == "spike" },
		Files: []string{"<monitor>.spike_times.npy", "<monitor>.spike_ranks.npy"},
		Doc:   "spike times and population ranks, ordered by time then rank"},
	MonSum: {Name: "sum", Syntax: "sum(target)", Match: matchSum,
		Files: []string{"<monitor>.<variable>.npy", "<monitor>.t.npy"},
		Doc:   "the weighted sum of a target the neuron type reads, one value per neuron, after the projections transmitted"},
	MonVar: {Name: "var", Syntax: "v", Projections: true,
		Match:     func(string) (string, bool) { return "", true },
		Files:     []string{"<monitor>.<variable>.npy", "<monitor>.t.npy"},
		ProjFiles: []string{"<monitor>.pre.npy", "<monitor>.post.npy"},
		Doc:       "a variable or parameter: one value per neuron, synapse or postsynaptic neuron, or one for the object"},
}

// matchSum matches "sum(exc)" and "sum()" (spaces allowed inside).
func matchSum(name string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(name), "sum(")
	if !ok {
		return "", false
	}
	arg, ok := strings.CutSuffix(rest, ")")
	arg = strings.TrimSpace(arg)
	if !ok || (arg != "" && !isIdent(arg)) {
		return "", false
	}
	return arg, true
}

func isIdent(s string) bool {
	for i, c := range s {
		letter := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}

// MatchMonitorVar returns the kind of a name of a monitor's variables: list
// (the first row, in table order, that matches it) and its argument.
func MatchMonitorVar(name string) (MonKind, string) {
	for k, row := range MonitorKinds {
		if arg, ok := row.Match(name); ok {
			return MonKind(k), arg
		}
	}
	return MonVar, ""
}
