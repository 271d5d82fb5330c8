package ir

import (
	"sort"
	"strings"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/parser"
)

// SchedKind is what one schedule step does.
type SchedKind int

const (
	SchedSimulate        SchedKind = iota // Steps of simulation, running the callbacks
	SchedSimulateUntil                    // Until: the stop conditions of Until.Pops
	SchedSet                              // Sets, now
	SchedEvery                            // declares a callback running Sets
	SchedEnableLearning                   // Projs (nil: all), LearnPeriod/LearnOffset
	SchedDisableLearning                  // Projs (nil: all)
	SchedReset                            // Reset
	SchedRepeat                           // Body, Count times
	SchedCallbacks                        // Callbacks: enable, disable or clear
	SchedStartPruning                     // Projs (nil: all that prune), LearnPeriod/LearnOffset
	SchedStopPruning                      // Projs (nil: all that prune)
	SchedStartCreating                    // Projs (nil: all that create), LearnPeriod/LearnOffset
	SchedStopCreating                     // Projs (nil: all that create)
)

// structKinds are the schedule steps of structural plasticity.
var structKinds = map[string]SchedKind{"start_pruning": SchedStartPruning, "stop_pruning": SchedStopPruning,
	"start_creating": SchedStartCreating, "stop_creating": SchedStopCreating}

// SchedStep is one step of a model's schedule: what an ANNarchy script does
// in Python around simulate().
type SchedStep struct {
	Pos   diag.Pos
	Kind  SchedKind
	Steps int        // SchedSimulate
	Until Simulation // SchedSimulateUntil (MaxSteps, Pops, Or)
	Sets  []SchedSetting
	// Period, Offset and Wait of an every block, in ms as written (the
	// runtime's Every rounds them to steps).
	Period, Offset, Wait     float64
	Projs                    []*Projection
	LearnPeriod, LearnOffset float64 // ms
	Reset                    ResetWhat
	Count                    int
	Body                     []*SchedStep
	Callbacks                string
}

// ResetWhat says what a reset step resets.
type ResetWhat struct {
	Populations, Projections, Synapses, Monitors bool
}

// SchedSetting sets Path to Value, to Nested (the rows of a spike source's
// spike times or a timed array's rates), or, when Rows is not nil, to row
// n mod len(Rows): n is the call number of the every block, or the
// iteration of the innermost enclosing repeat.
type SchedSetting struct {
	Pos    diag.Pos
	Path   string
	Value  Value
	Nested [][]float64
	Rows   [][]float64
	// RowsNested: each row is set as a list of one row (the spike times of
	// a one-neuron spike source, one slot of a timed array).
	RowsNested bool
	Source     string // the .npy file of Rows, when read from one
}

// settable describes what a path of Set accepts.
type settable struct {
	size   int    // values a list must have (0: any number, the runtime checks)
	scalar bool   // only a number
	rows   bool   // a list of rows (spike times, timed array rates)
	single bool   // rows: a spike source of one neuron (a row of rows is its times)
	per    string // what one of size values is for: "" (a neuron), "synapse", "postsynaptic neuron"
	typ    Type   // of the variable: Set refuses fractions for an Int, all but 0 and 1 for a Bool
}

// settablePath resolves a path of Set ("P.tau", "ee.w", "inp.rates",
// "E_exc") as the generated Network.Set accepts it; on failure it returns
// a message with the accepted names.
func (b *builder) settablePath(path string) (settable, string, bool) {
	obj, field, dotted := strings.Cut(path, ".")
	if !dotted {
		if _, ok := b.consts[path]; ok {
			return settable{scalar: true}, "", true
		}
		var names []string
		for n := range b.consts {
			names = append(names, n)
		}
		sort.Strings(names)
		return settable{}, "unknown constant " + quote(path) + didYouMean(path, names) + " (a path is POPULATION.NAME, PROJECTION.NAME or a constant)", false
	}
	if p, ok := b.pops[obj]; ok && p.Type != nil {
		var names []string
		switch {
		case p.Input == SpikeSourceInput && field == "spike_times":
			return settable{rows: true, single: p.Size == 1}, "", true
		case p.Input == TimedArrayInput && field == "rates":
			return settable{rows: true, single: true}, "", true
		case p.Input == TimedArrayInput && (field == "schedule" || field == "period"):
			return settable{scalar: true}, "", true
		}
		for _, v := range p.Type.Vars {
			if v.Name == field {
				if v.Loc == Global {
					return settable{scalar: true, typ: v.Type}, "", true
				}
				return settable{size: p.Size, typ: v.Type}, "", true
			}
			names = append(names, v.Name)
		}
		switch p.Input {
		case SpikeSourceInput:
			names = append(names, "spike_times")
		case TimedArrayInput:
			names = append(names, "rates", "schedule", "period")
		}
		return settable{}, "population " + obj + " has no parameter or variable " + quote(field) + didYouMean(field, names), false
	}
	if pj, ok := b.projs[obj]; ok && pj.Type != nil {
		names := []string{"w", "delays"}
		if field == "w" || field == "delays" {
			return settable{size: synapseCount(pj), per: "synapse"}, "", true
		}
		for _, v := range pj.Type.Vars {
			if v.Name == field {
				switch v.Loc {
				case Global:
					return settable{scalar: true, typ: v.Type}, "", true
				case Post:
					return settable{size: pj.Post.Len(), per: "postsynaptic neuron", typ: v.Type}, "", true
				}
				return settable{size: synapseCount(pj), per: "synapse", typ: v.Type}, "", true
			}
			names = append(names, v.Name)
		}
		return settable{}, "projection " + obj + " has no parameter or variable " + quote(field) + didYouMean(field, names), false
	}
	if b.isBroken(obj) {
		return settable{}, "", false
	}
	return settable{}, "unknown population or projection " + quote(obj) + didYouMean(obj, b.objectNames()), false
}

func quote(s string) string { return `"` + s + `"` }

// synapseCount is the number of values of a per-synapse path of pj when
// its connector fixes it and no structural plasticity changes it, so that
// a list of another length is reported here rather than when the schedule
// reaches it; 0 when the seed decides (the runtime checks).
func synapseCount(pj *Projection) int {
	if pj.Structural() || pj.Pre.Pop == nil || pj.Post.Pop == nil {
		return 0
	}
	if n := EstimateSynapses(pj); n.Exact && n.N >= 1 && n.N <= MaxSynapses {
		return int(n.N)
	}
	return 0
}

// schedule analyses the model's schedule.
func (b *builder) schedule() {
	m := b.m
	if !m.HasSchedule {
		return
	}
	if m.Simulation != nil {
		b.errorf(m.Simulation.Pos, "a model has a simulation section or a schedule, not both (the schedule's simulate steps say how long it runs)")
	}
	b.out.HasSchedule = true
	b.out.Schedule = b.schedSteps(m.Schedule, false)
}

func (b *builder) schedSteps(in []*parser.SchedStep, inRepeat bool) []*SchedStep {
	var out []*SchedStep
	for _, ps := range in {
		st := &SchedStep{Pos: ps.Pos}
		switch ps.Kind {
		case "simulate":
			st.Kind, st.Steps = SchedSimulate, b.steps(ps.MsPos["simulate"], "simulate", ps.Ms)
		case "simulate_until":
			st.Kind = SchedSimulateUntil
			b.until(ps.Until, &st.Until)
		case "set":
			st.Kind = SchedSet
			st.Sets = b.schedSets(ps.Sets, inRepeat, "in a set step outside a repeat")
		case "every":
			st.Kind = SchedEvery
			st.Period, st.Offset, st.Wait = ps.Period, ps.Offset, ps.Wait
			b.steps(ps.MsPos["period"], "period", ps.Period)
			b.steps(ps.MsPos["offset"], "offset", ps.Offset)
			b.steps(ps.MsPos["wait"], "wait", ps.Wait)
			st.Sets = b.schedSets(ps.Sets, true, "")
		case "enable_learning", "disable_learning", "start_pruning", "stop_pruning", "start_creating", "stop_creating":
			st.Kind = SchedEnableLearning
			if ps.Kind == "disable_learning" {
				st.Kind = SchedDisableLearning
			}
			if k, ok := structKinds[ps.Kind]; ok {
				st.Kind = k
			}
			st.LearnPeriod, st.LearnOffset = ps.LearnPeriod, ps.LearnOffset
			b.steps(ps.MsPos["period"], "period", ps.LearnPeriod)
			b.steps(ps.MsPos["offset"], "offset", ps.LearnOffset)
			for i, name := range ps.Projs {
				pj, ok := b.projs[name]
				if !ok {
					if !b.isBroken(name) {
						var names []string
						for n := range b.projs {
							names = append(names, n)
						}
						sort.Strings(names)
						b.errorf(ps.ProjsPos[i], "unknown projection %q%s", name, didYouMean(name, names))
					}
					continue
				}
				if k, ok := structKinds[ps.Kind]; ok && !hasStructural(pj, k) {
					b.errorf(ps.ProjsPos[i], "%s: projection %s has no %s condition", ps.Kind, name, strings.TrimPrefix(strings.TrimPrefix(ps.Kind, "start_"), "stop_"))
					continue
				}
				st.Projs = append(st.Projs, pj)
			}
			if k, ok := structKinds[ps.Kind]; ok && len(ps.Projs) == 0 {
				found := false
				for _, pj := range b.out.Projs {
					found = found || hasStructural(pj, k)
				}
				if !found {
					b.errorf(ps.Pos, "%s: no projection has a %s condition", ps.Kind, strings.TrimPrefix(strings.TrimPrefix(ps.Kind, "start_"), "stop_"))
				}
			}
		case "reset":
			st.Kind = SchedReset
			st.Reset = ResetWhat(ps.Reset)
		case "repeat":
			st.Kind, st.Count = SchedRepeat, ps.Count
			st.Body = b.schedSteps(ps.Body, true)
		case "callbacks":
			st.Kind, st.Callbacks = SchedCallbacks, ps.Callbacks
		default:
			b.errorf(ps.Pos, "unknown schedule step %q", ps.Kind)
			continue
		}
		out = append(out, st)
	}
	return out
}

// until checks a simulate_until step as the simulation section's until.
func (b *builder) until(sd *parser.SimDef, sim *Simulation) {
	sim.Until = true
	if sd.MaxDuration != nil {
		if *sd.MaxDuration < 0 {
			b.errorf(sd.Pos, "max_duration must not be negative")
		}
		sim.MaxSteps = b.steps(sd.MaxDurationPos, "max_duration", *sd.MaxDuration)
	}
	sim.Or = sd.Operator == "or"
	if len(sd.Populations) == 0 {
		b.errorf(sd.Pos, "simulate_until needs populations with a stop_condition")
	}
	b.stopPops(sd, sim)
}

// schedSets checks the settings of a set or every step. rowsOK says whether
// {rows: ...} has an index there; otherwise rowsWhere completes the error.
func (b *builder) schedSets(in []parser.SchedSet, rowsOK bool, rowsWhere string) []SchedSetting {
	var out []SchedSetting
	for i := range in {
		ps := &in[i]
		s := SchedSetting{Pos: ps.Pos, Path: ps.Path}
		kind, msg, ok := b.settablePath(ps.Path)
		if !ok {
			if msg != "" {
				b.errorf(ps.Pos, "set %s: %s", ps.Path, msg)
			}
			continue
		}
		if ps.Rows != nil {
			if !rowsOK {
				b.errorf(ps.Pos, "set %s: rows need an index: use them in an every block (row n at its n-th call) or in a repeat (row i at iteration i), not %s", ps.Path, rowsWhere)
				continue
			}
			rows, src, ok := b.schedRows(ps.Rows, ps.Path)
			if !ok {
				continue
			}
			if len(rows) == 0 {
				b.errorf(ps.Rows.Pos, "set %s: rows is empty", ps.Path)
				continue
			}
			typed := true
			for r, row := range rows {
				if !b.fits(ps.Rows.Pos, ps.Path, kind, len(row), r) {
					break
				}
				if ps.Rows.List != nil && r < len(ps.Rows.List) {
					typed = b.checkTyped(&ps.Rows.List[r], Value{Pos: ps.Rows.List[r].Pos, Kind: ListValue, List: row}, kind.typ, "set "+ps.Path) && typed
				} else {
					typed = b.checkTypedNums(ps.Rows.Pos, row, kind.typ, "set "+ps.Path) && typed
				}
			}
			if !typed {
				continue
			}
			s.Rows, s.Source, s.RowsNested = rows, src, kind.rows
			out = append(out, s)
			continue
		}
		if kind.rows {
			rows, ok := b.nestedRows(&ps.Value, ps.Path)
			if !ok {
				continue
			}
			s.Nested = rows
			out = append(out, s)
			continue
		}
		v, ok := b.value(&ps.Value, kind.size, "set "+ps.Path)
		if !ok {
			continue
		}
		if kind.scalar && v.Kind != NumValue {
			b.errorf(ps.Value.Pos, "set %s: expected a number", ps.Path)
			continue
		}
		if !b.checkTyped(&ps.Value, v, kind.typ, "set "+ps.Path) {
			continue
		}
		s.Value = v
		out = append(out, s)
	}
	return out
}

// fits checks that a row of n values suits the path (one value, or one per
// element).
func (b *builder) fits(pos diag.Pos, path string, kind settable, n, row int) bool {
	switch {
	case kind.rows && !kind.single:
		b.errorf(pos, "set %s: rows of spike times need a spike source of one neuron (each row is its spike times)", path)
		return false
	case kind.rows:
		return true
	case kind.scalar && n != 1:
		b.errorf(pos, "set %s: row %d has %d values; %s takes one number", path, row, n, path)
		return false
	case kind.size > 0 && n != 1 && n != kind.size:
		per := kind.per
		if per == "" {
			per = "neuron"
		}
		b.errorf(pos, "set %s: row %d has %d values; expected 1 or %d (one per %s)", path, row, n, kind.size, per)
		return false
	}
	return true
}

// schedRows reads {rows: ...}: a list of rows (each a number or a list) or
// a .npy file.
func (b *builder) schedRows(v *parser.Value, path string) ([][]float64, string, bool) {
	if v.List == nil && v.Str != "" && v.Expr == nil {
		rows, _, ok := b.readNpy(v.Pos, v.Str, "set "+path)
		return rows, v.Str, ok
	}
	if v.List == nil {
		b.errorf(v.Pos, "set %s: rows are a list (one entry per call) or a .npy file name", path)
		return nil, "", false
	}
	rows := make([][]float64, 0, len(v.List))
	for i := range v.List {
		row, ok := b.flatten(&v.List[i], nil)
		if !ok {
			return nil, "", false
		}
		rows = append(rows, row)
	}
	return rows, "", true
}

// nestedRows reads the value of a spike_times or timed-array rates path: a
// list of lists (one per neuron or per slot), or one flat list.
func (b *builder) nestedRows(v *parser.Value, path string) ([][]float64, bool) {
	if v.List == nil {
		b.errorf(v.Pos, "set %s: expected a list of lists", path)
		return nil, false
	}
	nested := false
	for i := range v.List {
		if v.List[i].List != nil {
			nested = true
		}
	}
	if !nested {
		row, ok := b.flatten(v, nil)
		return [][]float64{row}, ok
	}
	rows := [][]float64{}
	for i := range v.List {
		row, ok := b.flatten(&v.List[i], nil)
		if !ok {
			return nil, false
		}
		rows = append(rows, row)
	}
	return rows, true
}

// hasStructural reports whether a projection's synapse type has the
// condition a structural schedule step starts or stops.
func hasStructural(pj *Projection, k SchedKind) bool {
	if pj.Type == nil {
		return false
	}
	if k == SchedStartCreating || k == SchedStopCreating {
		return pj.Type.Creating != nil
	}
	return pj.Type.Pruning != nil
}
