package codegen

import (
	"fmt"
	"strings"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/ir"
)

// scheduleView is RunSchedule as network.go.tmpl prints it: the model's
// schedule as straight Go over the Network's own methods (Set, Simulate,
// Every, ...; Body, printed by schedPrinter) and the tables of rows its
// settings index.
type scheduleView struct {
	Body    string
	Tables  []schedTable
	UsesRow bool // some setting reads its table through schedRow
	// Lens are the lists set on projections' paths, whose lengths the
	// connectivity decides: RunSchedule checks them before its first step
	// instead of failing when it reaches them.
	Lens []schedLen
}

// schedLen is the lengths of the lists (or rows) a setting at Where sets
// Path to.
type schedLen struct {
	Where, Path string
	Lens        []int
}

// schedTable is the rows a setting of Path (at Where, read from the file
// Source if any) takes one after the other.
type schedTable struct {
	Name, Path, Where, Source string
	Rows                      []string // Go literals of the rows, without their type
}

// scheduleView prints the model's schedule, nil when it has none.
func (g *generator) scheduleView() *scheduleView {
	if !g.m.HasSchedule {
		return nil
	}
	s := &schedPrinter{g: g}
	s.steps(g.m.Schedule, 0)
	return &scheduleView{Body: stmtsBody(s.b.String()), Tables: s.tables, UsesRow: s.usesRow, Lens: s.lens}
}

type schedPrinter struct {
	g       *generator
	b       strings.Builder
	tables  []schedTable
	usesRow bool
	lens    []schedLen
}

// checkLen records the list lengths of a setting of a projection's path
// (see scheduleView.Lens); one value, or none, is always accepted.
func (s *schedPrinter) checkLen(set ir.SchedSetting) {
	obj, _, _ := strings.Cut(set.Path, ".")
	isProj := false
	for _, pj := range s.g.m.Projs {
		isProj = isProj || (pj.Name == obj && !pj.Structural())
	}
	if !isProj || set.Nested != nil || set.RowsNested {
		return
	}
	var lens []int
	for _, row := range set.Rows {
		if len(row) != 1 {
			lens = append(lens, len(row))
		}
	}
	if set.Rows == nil && set.Value.Kind == ir.ListValue {
		lens = append(lens, len(set.Value.List))
	}
	if len(lens) > 0 {
		s.lens = append(s.lens, schedLen{Where: s.where(set.Pos) + ": set " + set.Path, Path: set.Path, Lens: lens})
	}
}

func (s *schedPrinter) p(depth int, format string, a ...any) {
	s.b.WriteString(strings.Repeat("\t", depth+1))
	fmt.Fprintf(&s.b, format, a...)
	s.b.WriteByte('\n')
}

// where is a position as messages print it.
func (s *schedPrinter) where(pos diag.Pos) string {
	return fmt.Sprintf("%s:%d:%d", s.g.opt.SourceName, pos.Line, pos.Col)
}

// halt is printed after every step that simulates or sets.
func (s *schedPrinter) halt(depth int) {
	s.p(depth, "if err != nil || n.Core.Halted() {")
	s.p(depth, "\treturn err")
	s.p(depth, "}")
}

// steps prints a list of steps; index names the iteration variable of the
// innermost repeat ("" outside any).
func (s *schedPrinter) steps(steps []*ir.SchedStep, depth int) {
	s.stepsIn(steps, depth, "")
}

func (s *schedPrinter) stepsIn(steps []*ir.SchedStep, depth int, index string) {
	g := s.g
	for _, st := range steps {
		s.p(depth, "// %s", s.where(st.Pos))
		switch st.Kind {
		case ir.SchedSimulate:
			s.p(depth, "n.Simulate(%s)", g.floatLit64(float64(st.Steps)*g.m.Dt))
			s.halt(depth)
		case ir.SchedSimulateUntil:
			var pops []string
			for _, p := range st.Until.Pops {
				pops = append(pops, ", n."+g.popOf[p].field)
			}
			s.p(depth, "n.SimulateUntilPops(%s, %v%s)", g.floatLit64(float64(st.Until.MaxSteps)*g.m.Dt), st.Until.Or, strings.Join(pops, ""))
			s.halt(depth)
		case ir.SchedSet:
			for _, set := range st.Sets {
				s.p(depth, "keep(%s)", s.setCall(set, index))
			}
			s.halt(depth)
		case ir.SchedEvery:
			s.p(depth, "n.Every(%s, %s, %s, func(k int) {", g.floatLit64(st.Period), g.floatLit64(st.Offset), g.floatLit64(st.Wait))
			for _, set := range st.Sets {
				s.p(depth+1, "keep(%s)", s.setCall(set, "k"))
			}
			s.p(depth, "})")
		case ir.SchedEnableLearning:
			s.p(depth, "n.EnableLearningPeriod(%s, %s%s)", g.floatLit64(st.LearnPeriod), g.floatLit64(st.LearnOffset), s.projArgs(st.Projs))
		case ir.SchedDisableLearning:
			s.p(depth, "n.DisableLearning(%s)", strings.TrimPrefix(s.projArgs(st.Projs), ", "))
		case ir.SchedStartPruning, ir.SchedStartCreating:
			what := map[bool]string{true: "Pruning", false: "Creating"}[st.Kind == ir.SchedStartPruning]
			s.p(depth, "keep(n.Start%s(%s, %s%s))", what, g.floatLit64(st.LearnPeriod), g.floatLit64(st.LearnOffset), s.projArgs(st.Projs))
		case ir.SchedStopPruning, ir.SchedStopCreating:
			what := map[bool]string{true: "Pruning", false: "Creating"}[st.Kind == ir.SchedStopPruning]
			s.p(depth, "keep(n.Stop%s(%s))", what, strings.TrimPrefix(s.projArgs(st.Projs), ", "))
		case ir.SchedReset:
			r := st.Reset
			s.p(depth, "keep(n.ResetWith(ResetOptions{Populations: %v, Projections: %v, Synapses: %v, Monitors: %v}))", r.Populations, r.Projections, r.Synapses, r.Monitors)
			s.halt(depth)
		case ir.SchedRepeat:
			i := fmt.Sprintf("i%d", depth)
			s.p(depth, "for %s := 0; %s < %d; %s++ {", i, i, st.Count, i)
			s.stepsIn(st.Body, depth+1, i)
			s.p(depth, "}")
		case ir.SchedCallbacks:
			switch st.Callbacks {
			case "enable":
				s.p(depth, "n.EnableCallbacks()")
			case "disable":
				s.p(depth, "n.DisableCallbacks()")
			default:
				s.p(depth, "n.ClearCallbacks()")
			}
		}
	}
}

func (s *schedPrinter) projArgs(projs []*ir.Projection) string {
	var out strings.Builder
	for _, pj := range projs {
		for _, q := range s.g.projs {
			if q.p == pj {
				out.WriteString(", n." + q.field)
			}
		}
	}
	return out.String()
}

// setCall prints the Set of one setting, its error prefixed with the
// setting's position; index is the row index of rows.
func (s *schedPrinter) setCall(set ir.SchedSetting, index string) string {
	g := s.g
	s.checkLen(set)
	var val string
	switch {
	case set.Rows != nil:
		name := fmt.Sprintf("schedRows%d", len(s.tables))
		t := schedTable{Name: name, Path: set.Path, Where: s.where(set.Pos), Source: set.Source}
		for _, row := range set.Rows {
			t.Rows = append(t.Rows, strings.TrimPrefix(g.floatsLit(row), "[]float64"))
		}
		s.tables = append(s.tables, t)
		val = fmt.Sprintf("schedRow(%s, %s)", name, index)
		if set.RowsNested {
			val = fmt.Sprintf("[][]float64{%s[%s%%len(%s)]}", name, index, name)
		} else {
			s.usesRow = true
		}
	case set.Nested != nil:
		var rows []string
		for _, row := range set.Nested {
			rows = append(rows, strings.TrimPrefix(g.floatsLit(row), "[]float64"))
		}
		val = "[][]float64{" + strings.Join(rows, ", ") + "}"
	default:
		val = g.valueLit(set.Value)
	}
	return fmt.Sprintf("schedErr(%q, n.Set(%q, %s))", s.where(set.Pos)+": set "+set.Path, set.Path, val)
}
