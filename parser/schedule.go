package parser

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/annc/annc/internal/diag"
)

// schedKinds are the keys a schedule entry may have (exactly one).
var schedKinds = []string{"simulate", "simulate_until", "set", "every", "enable_learning",
	"disable_learning", "reset", "repeat", "callbacks", "start_pruning", "stop_pruning", "start_creating", "stop_creating"}

// setPathRE is a settable path as written: "E_exc", "P.tau", "ee.w".
var setPathRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// schedule reads a list of schedule entries, each a mapping with one key.
func (l *loader) schedule(n *yaml.Node, what string) []*SchedStep {
	var out []*SchedStep
	l.list(n, what, func(c *yaml.Node) {
		// An entry with errors is left out: the others are still analysed.
		var st *SchedStep
		if !l.within(func() { st = l.schedEntry(c, what) }) && st != nil {
			out = append(out, st)
		}
	})
	return out
}

// schedEntry reads one entry: a mapping with one key.
func (l *loader) schedEntry(c *yaml.Node, what string) *SchedStep {
	if c.Kind != yaml.MappingNode {
		l.errorf(c, "a %s entry must be a mapping with one key (%s), got %s", what, strings.Join(schedKinds, ", "), kindName(c))
		return nil
	}
	if len(c.Content) != 2 {
		l.errorf(c, "a %s entry has exactly one key (%s); start each step with its own '- '", what, strings.Join(schedKinds, ", "))
		return nil
	}
	var st *SchedStep
	l.fields(c, what+" entry", schedKinds, func(key string, k, v *yaml.Node) {
		st = l.schedStep(key, k, v)
	})
	return st
}

func (l *loader) schedStep(kind string, k, v *yaml.Node) *SchedStep {
	st := &SchedStep{Pos: l.pos(k), Kind: kind, MsPos: map[string]diag.Pos{}}
	switch kind {
	case "simulate":
		if f, ok := l.number(v, "simulate"); ok {
			st.Ms, st.MsPos[kind] = f, l.pos(v)
			if !(f >= 0) {
				l.errorf(v, "simulate must not be negative, got %v", f)
			}
		}
	case "simulate_until":
		st.Until = &SimDef{Pos: l.pos(k)}
		l.until(v, st.Until, "simulate_until")
	case "set":
		st.Sets = l.schedSets(v, "set")
	case "every":
		st.Period = -1
		l.fields(v, "every", []string{"period", "offset", "wait", "set"}, func(key string, k, v *yaml.Node) {
			var f float64
			if key != "set" {
				var ok bool
				if f, ok = l.number(v, key); !ok {
					return
				}
				st.MsPos[key] = l.pos(v)
			}
			switch key {
			case "period":
				st.Period = f
				if !(f > 0) {
					l.errorf(v, "period must be positive, got %v", f)
				}
			case "offset":
				st.Offset = f
			case "wait":
				st.Wait = f
				if f < 0 {
					l.errorf(v, "wait must not be negative, got %v", f)
				}
			case "set":
				st.Sets = l.schedSets(v, "set of every")
			}
		})
		l.require(v, "every", "period", "set")
	case "enable_learning", "disable_learning", "start_pruning", "stop_pruning", "start_creating", "stop_creating":
		l.learning(st, v)
	case "reset":
		l.resetStep(st, v)
	case "repeat":
		l.fields(v, "repeat", []string{"count", "steps"}, func(key string, k, v *yaml.Node) {
			switch key {
			case "count":
				if i, ok := l.integer(v, "count"); ok {
					if i < 0 || i > 1<<31 {
						l.errorf(v, "count must be between 0 and 2^31, got %d", i)
					}
					st.Count = int(i)
				}
			case "steps":
				st.Body = l.schedule(v, "steps of repeat")
			}
		})
		l.require(v, "repeat", "count", "steps")
	case "callbacks":
		if s, ok := l.oneOf(v, "callbacks", []string{"enable", "disable", "clear"}); ok {
			st.Callbacks = s
		}
	}
	return st
}

// learning reads the argument of enable_learning/disable_learning and of
// start_/stop_pruning and start_/stop_creating: true (every projection), a
// list of projections, or (enable_learning, start_*) a mapping {projections,
// period, offset}.
func (l *loader) learning(st *SchedStep, v *yaml.Node) {
	projs := func(v *yaml.Node) {
		l.list(v, "projections of "+st.Kind, func(c *yaml.Node) {
			if name, ok := l.name(c, "projection"); ok {
				st.Projs = append(st.Projs, name)
				st.ProjsPos = append(st.ProjsPos, l.pos(c))
			}
		})
	}
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!bool":
		if b, _ := l.boolean(v, st.Kind); !b {
			l.errorf(v, "%s takes true (every projection) or a list of projections", st.Kind)
		}
	case v.Kind == yaml.SequenceNode:
		projs(v)
	case v.Kind == yaml.MappingNode && (st.Kind == "enable_learning" || strings.HasPrefix(st.Kind, "start_")):
		l.fields(v, st.Kind, []string{"projections", "period", "offset"}, func(key string, k, v *yaml.Node) {
			switch key {
			case "projections":
				projs(v)
			case "period":
				if f, ok := l.number(v, "period"); ok {
					st.LearnPeriod, st.MsPos[key] = f, l.pos(v)
					if f < 0 {
						l.errorf(v, "period must not be negative, got %v", f)
					}
				}
			case "offset":
				if f, ok := l.number(v, "offset"); ok {
					st.LearnOffset, st.MsPos[key] = f, l.pos(v)
				}
			}
		})
	default:
		extra := ""
		if st.Kind == "enable_learning" || strings.HasPrefix(st.Kind, "start_") {
			extra = " or {projections, period, offset}"
		}
		l.errorf(v, "%s takes true or a list of projections%s, got %s", st.Kind, extra, kindName(v))
	}
}

// resetStep reads reset: true (ANNarchy's reset(): populations and monitors)
// or a mapping of the four flags.
func (l *loader) resetStep(st *SchedStep, v *yaml.Node) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
		if b, _ := l.boolean(v, "reset"); !b {
			l.errorf(v, "reset takes true or {populations, projections, synapses, monitors}")
		}
		st.Reset = ResetDef{Populations: true, Monitors: true}
		return
	}
	st.Reset = ResetDef{Populations: true, Monitors: true}
	l.fields(v, "reset", []string{"populations", "projections", "synapses", "monitors"}, func(key string, k, v *yaml.Node) {
		b, ok := l.boolean(v, key)
		if !ok {
			return
		}
		switch key {
		case "populations":
			st.Reset.Populations = b
		case "projections":
			st.Reset.Projections = b
		case "synapses":
			st.Reset.Synapses = b
		case "monitors":
			st.Reset.Monitors = b
		}
	})
}

// schedSets reads {PATH: VALUE, ...} in file order.
func (l *loader) schedSets(n *yaml.Node, what string) []SchedSet {
	var out []SchedSet
	ok := l.fields(n, what, nil, func(key string, k, v *yaml.Node) {
		if !setPathRE.MatchString(key) {
			l.errorf(k, "%q in %s is not a path such as P.tau, proj.w or a constant's name", key, what)
			return
		}
		s := SchedSet{Pos: l.pos(k), Path: key}
		if v.Kind == yaml.MappingNode {
			l.fields(v, "value of "+key, []string{"rows"}, func(_ string, _, rv *yaml.Node) {
				r := l.value(rv, "rows of "+key)
				s.Rows = &r
			})
			l.require(v, "value of "+key, "rows")
			if s.Rows == nil {
				return
			}
		} else {
			s.Value = l.value(v, key)
		}
		out = append(out, s)
	})
	if ok && len(out) == 0 && deref(n).Kind == yaml.MappingNode && len(deref(n).Content) == 0 {
		l.errorf(n, "%s sets nothing", what)
	}
	return out
}
