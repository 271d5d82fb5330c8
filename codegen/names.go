package codegen

import (
	"strings"
	"unicode"
)

// exported turns a model name into an exported Go identifier: the first
// letter upper-cased, a leading underscore or digit prefixed with X.
func exported(name string) string {
	if name == "" {
		return "X"
	}
	r := []rune(name)
	if !unicode.IsLetter(r[0]) {
		return "X" + name
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// namer hands out identifiers unique within one Go namespace (a struct's
// fields and methods, or the package scope); a name already taken gets
// underscores appended until it is free, so the result depends only on the
// order of requests, which follows the model's declaration order.
type namer struct{ taken map[string]bool }

func newNamer(reserved ...string) *namer {
	n := &namer{taken: map[string]bool{}}
	for _, r := range reserved {
		n.taken[r] = true
	}
	return n
}

func (n *namer) get(want string) string {
	for n.taken[want] {
		want += "_"
	}
	n.taken[want] = true
	return want
}

// ident makes a model name usable inside a Go identifier built from parts
// (letters, digits and underscores pass through).
func ident(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Names of the Network's own fields and methods, and of the embedded Core's,
// that model objects must not shadow (an object's field would hide a
// promoted method, or collide with a method of the Network). Kept complete by
// TestNetworkReservedNames, which reads runtime.Core's method set and the
// Network methods of the templates and of generated code.
var networkReserved = append([]string{
	"Core", "Base", "BeginSimulate", "CheckFinite", "CheckFiniteVars", "Const", "DisableLearning",
	"EnableLearning", "EnableLearningPeriod", "Get", "Load", "Monitors", "Paths", "Reset", "ResetWith",
	"RunSchedule", "Save", "Set", "SetSeed", "Simulate", "SimulateThrough", "SimulateUntil",
	"SimulateUntilPops", "StartCreating", "StartPruning", "Step", "StopCreating", "StopPruning",
}, coreReserved...)

// coreReserved are the exported fields and methods of runtime.Core, which
// the Network embeds.
var coreReserved = []string{
	"Dt", "Step", "Seed", "Learning",
	"BeginSimulate", "Callbacks", "CallbacksEnabled", "CheckErr", "CheckNow", "ClearCallbacks",
	"CurrentStep", "DisableCallbacks", "EnableCallbacks", "Every", "Failf", "Halted", "Interrupted",
	"Run", "SetCheck", "SetCurrentStep", "SetMonitors", "SetProgress", "SetStopFlag", "SetSync",
	"SetThreads", "SetTime", "Simulate", "SimulateThrough", "SimulateUntil", "Split", "SplitBlocks", "SplitWork",
	"Splitting", "Steps", "StepsDone", "StoppedByCondition", "Threads", "Time",
}

// Exported fields and methods of a generated population type.
var popReserved = []string{"Name", "Index", "Size", "Geometry", "Spiked", "TLast", "StopConditionMet", "SetSpikeTimes", "SetTimedArray", "SpikeTimes", "TimedArray"}

// Exported fields and methods of a generated projection type.
var projReserved = []string{"Name", "Index", "Target", "C", "W", "Size", "Delays", "SetDelays", "SyncWeights", "Weights", "SetWeights", "Position"}
