// Package lang declares the features of annc's model language as tables, one
// row per feature: numerical methods, connectors, built-in functions and the
// kinds of quantities monitors record. The
// parser's checks, the IR, the code generator and the docs read these rows, so
// adding a connector or a built-in function means adding its row (and its
// runtime implementation), not editing every stage.
package lang

import (
	"math"
	"strings"
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

// Connector is a connection pattern of a projection and the arguments its
// entry in the model file takes.
type Connector struct {
	Name     string
	Required []string
	Optional []string
	// SelfConnections: the pattern can connect a neuron to itself, so
	// allow_self_connections applies to it.
	SelfConnections bool
	// DrawsWeights: weights are a number or a distribution drawn per synapse;
	// otherwise the pattern computes them (gaussian, dog, from_matrix).
	DrawsWeights bool
	Doc          string
}

// Args returns the accepted arguments, the required ones first.
func (c Connector) Args() []string {
	return append(append([]string(nil), c.Required...), c.Optional...)
}

// Connectors lists every connector.
var Connectors = []Connector{
	{Name: "all_to_all", Required: []string{"weights"}, Optional: []string{"delays", "allow_self_connections"}, SelfConnections: true, DrawsWeights: true,
		Doc: "every pre neuron to every post neuron"},
	{Name: "one_to_one", Required: []string{"weights"}, Optional: []string{"delays"}, DrawsWeights: true,
		Doc: "pre rank i to post rank i"},
	{Name: "fixed_probability", Required: []string{"probability", "weights"}, Optional: []string{"delays", "allow_self_connections"}, SelfConnections: true, DrawsWeights: true,
		Doc: "each pair independently with the given probability"},
	{Name: "fixed_number_pre", Required: []string{"number", "weights"}, Optional: []string{"delays", "allow_self_connections"}, SelfConnections: true, DrawsWeights: true,
		Doc: "each post neuron receives from number distinct pre neurons"},
	{Name: "fixed_number_post", Required: []string{"number", "weights"}, Optional: []string{"delays", "allow_self_connections"}, SelfConnections: true, DrawsWeights: true,
		Doc: "each pre neuron sends to number distinct post neurons"},
	{Name: "gaussian", Required: []string{"amp", "sigma"}, Optional: []string{"delays", "limit", "allow_self_connections"}, SelfConnections: true,
		Doc: "weight amp*exp(-d²/2σ²) over normalised positions, pairs below limit*amp left out"},
	{Name: "dog", Required: []string{"amp_pos", "sigma_pos", "amp_neg", "sigma_neg"}, Optional: []string{"delays", "limit", "allow_self_connections"}, SelfConnections: true,
		Doc: "difference of two Gaussians"},
	{Name: "from_matrix", Required: []string{"weights"}, Optional: []string{"delays", "pre_post"},
		Doc: "a post × pre matrix (or .npy file) of weights, NaN for no synapse"},
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
	// the AVX2 kernels compute with the same operations (runtime.Exp).
	Runtime string
	// Runtime32 names its float32 twin in float32 models (one float32
	// argument; runtime.Exp32, which the eight-lane kernels repeat).
	Runtime32 string
	// Eval computes the function at constant arguments (the analysis folds
	// constant expressions with it to report results that are ±Inf or NaN);
	// set for the rows computed by package math.
	Eval func(a []float64) float64
	Doc  string
}

// Builtins lists every built-in function.
var Builtins = []Builtin{
	{Name: "exp", Arity: 1, Runtime: "Exp", Runtime32: "Exp32", Eval: func(a []float64) float64 { return math.Exp(a[0]) }},
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
	{Name: "modulo", Arity: 2, Helper: "modulo", Doc: "remainder with the sign of the divisor"},
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
	// "Results on disk" names them.
	Files []string
	Doc   string
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
		Match: func(string) (string, bool) { return "", true },
		Files: []string{"<monitor>.<variable>.npy", "<monitor>.t.npy", "<monitor>.pre.npy", "<monitor>.post.npy"},
		Doc:   "a variable or parameter: one value per neuron, synapse or postsynaptic neuron, or one for the object"},
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
