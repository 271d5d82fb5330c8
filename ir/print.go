package ir

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/annc/annc/internal/lang"
)

// Print renders the analysed model in a canonical, deterministic text form:
// declarations, then each type's rewritten updates as plain assignments.
// The golden tests of this package compare against it, and `annc check`
// can show it to users who want to see what their equations became.
func Print(m *Model) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("model %s\n", m.Name)
	p("  dt %s\n", fnum(m.Dt))
	if m.HasSeed {
		p("  seed %d\n", m.Seed)
	}
	p("  precision %s\n", m.Precision)
	if m.Hash != "" {
		p("  hash %s\n", m.Hash)
	}
	for _, c := range m.Constants {
		p("constant %s = %s\n", c.Name, fnum(c.Value))
	}
	for _, f := range m.Functions {
		p("function %s(%s) = %s\n", f.Name, strings.Join(f.Params, ", "), ExprString(f.Body))
	}
	for _, nt := range m.Neurons {
		printNeuron(&b, nt)
	}
	for _, st := range m.Synapses {
		printSynapse(&b, st)
	}
	for _, pop := range m.Pops {
		printPop(&b, pop)
	}
	for _, pr := range m.Projs {
		printProj(&b, pr)
	}
	for _, mon := range m.Monitors {
		p("monitor %s", mon.Name)
		switch {
		case mon.Proj != nil:
			p(" projection %s", mon.Proj.Name)
		case mon.View != nil:
			p(" %s", viewString(mon.View))
		}
		p(" period %d start %v\n", mon.PeriodSteps, mon.Start)
		for _, v := range mon.Vars {
			kind := lang.MonitorKinds[v.Kind].Name
			if v.Target != "" {
				kind += " " + v.Target
			}
			p("  %s (%s)\n", v.Name, kind)
		}
	}
	s := m.Sim
	switch {
	case s.Until:
		var names []string
		for _, pop := range s.Pops {
			names = append(names, pop.Name)
		}
		op := "and"
		if s.Or {
			op = "or"
		}
		p("simulation until %s max %d steps\n", strings.Join(names, " "+op+" "), s.MaxSteps)
	case s.DurationSteps > 0:
		p("simulation %d steps\n", s.DurationSteps)
	}
	if m.HasSchedule {
		p("schedule\n")
		printSchedule(p, m.Schedule, "  ")
	}
	return b.String()
}

func printVars(b *strings.Builder, vars []*Var, locNames [3]string) {
	for _, v := range vars {
		kind := "var"
		if v.IsParam {
			kind = "param"
		}
		fmt.Fprintf(b, "  %s %s %s %s", kind, v.Name, locNames[v.Loc], typeName(v.Type))
		if v.Init != nil {
			fmt.Fprintf(b, " init=%s", ExprString(v.Init))
		}
		if v.Min != nil {
			fmt.Fprintf(b, " min=%s", ExprString(v.Min))
		}
		if v.Max != nil {
			fmt.Fprintf(b, " max=%s", ExprString(v.Max))
		}
		if v.Method != "" {
			fmt.Fprintf(b, " method=%s", v.Method)
		}
		for _, f := range []struct {
			on   bool
			name string
		}{{v.UnlessRefractory, "unless_refractory"}, {v.EventDriven, "event-driven"}, {v.Conductance, "conductance"}, {v.ZeroAfterStep, "zero_after_step"}} {
			if f.on {
				fmt.Fprintf(b, " %s", f.name)
			}
		}
		b.WriteByte('\n')
	}
}

func typeName(t Type) string {
	switch t {
	case Int:
		return "int"
	case Bool:
		return "bool"
	}
	return "float"
}

func printFuncs(b *strings.Builder, fs []*Function) {
	for _, f := range fs {
		fmt.Fprintf(b, "  function %s(%s) = %s\n", f.Name, strings.Join(f.Params, ", "), ExprString(f.Body))
	}
}

func printRandoms(b *strings.Builder, rs []*RandomVar, locNames [3]string) {
	for _, r := range rs {
		args := make([]string, len(r.Args))
		for i, a := range r.Args {
			args[i] = ExprString(a)
		}
		fmt.Fprintf(b, "  random %s = %s(%s) %s\n", r.Name, r.Dist, strings.Join(args, ", "), locNames[r.Loc])
	}
}

func printStmts(b *strings.Builder, title string, ss []Stmt) {
	if len(ss) == 0 {
		return
	}
	fmt.Fprintf(b, "  %s:\n", title)
	for _, s := range ss {
		a := s.(*Assign)
		suffix := ""
		if a.UnlessRefractory {
			suffix = "    # unless refractory"
		}
		fmt.Fprintf(b, "    %s = %s%s\n", ExprString(a.LHS), ExprString(a.Value), suffix)
	}
}

var neuronLoc = [3]string{"local", "population", "postsynaptic"}
var synapseLoc = [3]string{"local", "projection", "postsynaptic"}

func printNeuron(b *strings.Builder, nt *NeuronType) {
	kind := "rate"
	if nt.Spiking {
		kind = "spiking"
	}
	fmt.Fprintf(b, "neuron %s %s", nt.Name, kind)
	switch nt.Input {
	case PoissonInput:
		b.WriteString(" input=poisson")
	case SpikeSourceInput:
		b.WriteString(" input=spike_source")
	case TimedArrayInput:
		b.WriteString(" input=timed_array")
	}
	b.WriteByte('\n')
	printFuncs(b, nt.Functions)
	printVars(b, nt.Vars, neuronLoc)
	printRandoms(b, nt.Randoms, neuronLoc)
	for _, g := range nt.GlobalOps {
		fmt.Fprintf(b, "  globalop %s = %s(%s)\n", g.Name, g.Op, g.Var.Name)
	}
	if len(nt.Targets) > 0 {
		fmt.Fprintf(b, "  targets %s\n", strings.Join(nt.Targets, " "))
	}
	printStmts(b, "global", nt.GlobalUpdate)
	printStmts(b, "local", nt.LocalUpdate)
	if nt.Spike != nil {
		fmt.Fprintf(b, "  spike: %s\n", ExprString(nt.Spike))
	}
	printStmts(b, "reset", nt.Reset)
	if nt.Refractory != nil {
		fmt.Fprintf(b, "  refractory: %s\n", ExprString(nt.Refractory))
	}
}

func printSynapse(b *strings.Builder, st *SynapseType) {
	kind := "rate"
	if st.Spiking {
		kind = "spiking"
	}
	fmt.Fprintf(b, "synapse %s %s\n", st.Name, kind)
	printFuncs(b, st.Functions)
	printVars(b, st.Vars, synapseLoc)
	printRandoms(b, st.Randoms, synapseLoc)
	if st.Psp != nil {
		fmt.Fprintf(b, "  psp: %s\n", ExprString(st.Psp))
		fmt.Fprintf(b, "  operation: %s\n", st.Operation)
	}
	printStmts(b, "global", st.GlobalUpdate)
	printStmts(b, "postsynaptic", st.PostUpdate)
	printStmts(b, "local", st.LocalUpdate)
	for _, d := range st.Decays {
		fmt.Fprintf(b, "  decay %s rate=%s inf=%s\n", d.Var.Name, ExprString(d.Rate), ExprString(d.Inf))
	}
	printStmts(b, "pre_spike", st.PreSpike)
	printStmts(b, "post_spike", st.PostSpike)
}

func valueString(v Value) string {
	switch v.Kind {
	case ListValue:
		parts := make([]string, len(v.List))
		for i, x := range v.List {
			parts[i] = fnum(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case DistValue:
		parts := make([]string, len(v.Args))
		for i, x := range v.Args {
			parts[i] = fnum(x)
		}
		return v.Dist + "(" + strings.Join(parts, ", ") + ")"
	}
	return fnum(v.Num)
}

func viewString(v *View) string {
	if v.Whole() {
		return v.Pop.Name
	}
	return fmt.Sprintf("%s shape %v ranks %s", v.Text, v.Shape, ranksString(v))
}

// ranksString prints the runs of consecutive ranks of a view as a:b, the
// first hundred of them.
func ranksString(v *View) string {
	const shown = 100
	var parts []string
	runs := 0
	v.Runs(func(lo, hi int) {
		runs++
		switch {
		case runs > shown:
		case hi-lo > 1:
			parts = append(parts, fmt.Sprintf("%d:%d", lo, hi))
		default:
			parts = append(parts, strconv.Itoa(lo))
		}
	})
	if runs > shown {
		parts = append(parts, fmt.Sprintf("... (%d runs)", runs))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func printOverrides(b *strings.Builder, os []Override) {
	sorted := append([]Override(nil), os...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Var.Name < sorted[j].Var.Name })
	for _, o := range sorted {
		fmt.Fprintf(b, "  set %s = %s\n", o.Var.Name, valueString(o.Value))
	}
}

func printPop(b *strings.Builder, pop *Population) {
	fmt.Fprintf(b, "population %s #%d %s geometry %v size %d\n", pop.Name, pop.Index, pop.Type.Name, pop.Geometry, pop.Size)
	printOverrides(b, pop.Override)
	if pop.RatesExpr != nil {
		fmt.Fprintf(b, "  rates = %s\n", ExprString(pop.RatesExpr))
	}
	for i, st := range pop.SpikeTimes {
		parts := make([]string, len(st))
		for j, x := range st {
			parts[j] = fnum(x)
		}
		fmt.Fprintf(b, "  spike_times[%d] = [%s]\n", i, strings.Join(parts, ", "))
	}
	if ta := pop.Timed; ta != nil {
		fmt.Fprintf(b, "  timed schedule %d period %d\n", ta.ScheduleSteps, ta.PeriodSteps)
		for i, row := range ta.Rates {
			parts := make([]string, len(row))
			for j, x := range row {
				parts[j] = fnum(x)
			}
			fmt.Fprintf(b, "  rates[%d] = [%s]\n", i, strings.Join(parts, ", "))
		}
	}
	if pop.Stop != nil {
		mode := "any"
		if pop.Stop.All {
			mode = "all"
		}
		fmt.Fprintf(b, "  stop_condition %s : %s\n", ExprString(pop.Stop.Expr), mode)
	}
}

func printProj(b *strings.Builder, pr *Projection) {
	fmt.Fprintf(b, "projection %s #%d %s -> %s target %s synapse %s", pr.Name, pr.Index, viewString(&pr.Pre), viewString(&pr.Post), pr.Target, pr.Type.Name)
	if len(pr.Targets) != 1 || pr.Targets[0] != pr.Target {
		fmt.Fprintf(b, " receives %v", pr.Targets)
	}
	if pr.PspToG {
		b.WriteString(" psp to g_target")
	}
	b.WriteString("\n")
	printOverrides(b, pr.Override)
	c := pr.Connector
	fmt.Fprintf(b, "  connector %s weights %s delays %s", c.Kind, valueString(c.Weights), valueString(c.Delays))
	row, _ := lang.LookupConnector(c.Kind)
	for _, a := range row.Args {
		switch a.Kind {
		case lang.ArgNumber:
			fmt.Fprintf(b, " %s %s", a.Name, fnum(c.Args[a.Name]))
		case lang.ArgInteger:
			fmt.Fprintf(b, " %s %d", a.Name, int(c.Args[a.Name]))
		case lang.ArgBool:
			fmt.Fprintf(b, " %s %v", a.Name, c.Args[a.Name] != 0)
		case lang.ArgMatrix:
			if c.MatrixFile != "" {
				fmt.Fprintf(b, " file %s", c.MatrixFile)
			} else {
				fmt.Fprintf(b, " matrix %dx%d", len(c.Matrix), rowLen(c.Matrix))
			}
		}
	}
	b.WriteByte('\n')
}

func rowLen(m [][]float64) int {
	if len(m) == 0 {
		return 0
	}
	return len(m[0])
}

func fnum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Prec is the precedence of e for printing in the equation language's
// syntax; higher binds tighter (8: a leaf or call, which never needs
// parentheses).
func Prec(e Expr) int {
	switch n := e.(type) {
	case *Binary:
		switch n.Op {
		case "||":
			return 1
		case "&&":
			return 2
		case "==", "!=", "<", "<=", ">", ">=":
			return 3
		case "+", "-":
			return 4
		case "*", "/":
			return 5
		case "pow":
			return 7
		}
	case *Unary:
		return 6
	case *Const:
		if n.Value < 0 && n.Type != Bool {
			return 6
		}
	}
	return 8
}

// ExprString prints an IR expression in the equation language's syntax,
// with the parentheses its structure needs and no others.
func ExprString(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeSub(b *strings.Builder, e Expr, paren bool) {
	if paren {
		b.WriteByte('(')
		writeExpr(b, e)
		b.WriteByte(')')
		return
	}
	writeExpr(b, e)
}

func writeArgs(b *strings.Builder, name string, args []Expr) {
	b.WriteString(name)
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(b, a)
	}
	b.WriteByte(')')
}

func sideName(s Side, name string) string {
	switch s {
	case Pre:
		return "pre." + name
	case PostSide:
		return "post." + name
	}
	return name
}

func writeExpr(b *strings.Builder, e Expr) {
	switch n := e.(type) {
	case nil:
		b.WriteString("<nil>")
	case *Const:
		if n.Type == Bool {
			if n.Value != 0 {
				b.WriteString("True")
			} else {
				b.WriteString("False")
			}
			return
		}
		b.WriteString(fnum(n.Value))
	case *VarRef:
		b.WriteString(sideName(n.Side, n.Name))
	case *ConstRef:
		b.WriteString(n.C.Name)
	case *Special:
		b.WriteString(n.Name)
	case *Temp:
		b.WriteString(n.Name)
	case *Param:
		b.WriteString(n.Name)
	case *TargetRef:
		if n.Name == "" {
			b.WriteString("g_target")
		} else {
			b.WriteString("post." + n.Name)
		}
	case *Unary:
		b.WriteString(n.Op)
		writeSub(b, n.X, Prec(n.X) < 6)
	case *Binary:
		p := Prec(n)
		op := n.Op
		if op == "pow" {
			op = "^"
			writeSub(b, n.X, Prec(n.X) <= p)
			b.WriteString(" ^ ")
			writeSub(b, n.Y, Prec(n.Y) < p)
			return
		}
		writeSub(b, n.X, Prec(n.X) < p)
		b.WriteString(" " + op + " ")
		writeSub(b, n.Y, Prec(n.Y) <= p)
	case *Call:
		writeArgs(b, n.Fun, n.Args)
	case *UserCall:
		writeArgs(b, n.F.Name, n.Args)
	case *Cond:
		writeArgs(b, "ite", []Expr{n.C, n.A, n.B})
	case *SumRef:
		b.WriteString(sideName(n.Side, "sum("+n.Target+")"))
	case *GlobalOpRef:
		b.WriteString(n.Op.Op + "(" + sideName(n.Side, n.Op.Var.Name) + ")")
	case *RandRef:
		b.WriteString(n.R.Name)
	case *derivSym:
		b.WriteString("d" + n.name + "/dt")
	default:
		fmt.Fprintf(b, "<%T>", e)
	}
}

var schedNames = map[SchedKind]string{SchedSimulate: "simulate", SchedSimulateUntil: "simulate_until",
	SchedSet: "set", SchedEvery: "every", SchedEnableLearning: "enable_learning",
	SchedDisableLearning: "disable_learning", SchedReset: "reset", SchedRepeat: "repeat",
	SchedCallbacks: "callbacks"}

func printSchedule(p func(string, ...any), steps []*SchedStep, indent string) {
	for _, st := range steps {
		p("%s%s", indent, schedNames[st.Kind])
		switch st.Kind {
		case SchedSimulate:
			p(" %d steps", st.Steps)
		case SchedSimulateUntil:
			p(" max %d steps, %d populations, or %v", st.Until.MaxSteps, len(st.Until.Pops), st.Until.Or)
		case SchedEvery:
			p(" period %g offset %g wait %g", st.Period, st.Offset, st.Wait)
		case SchedEnableLearning, SchedDisableLearning:
			p(" %d projections (0: all)", len(st.Projs))
		case SchedReset:
			p(" %+v", st.Reset)
		case SchedRepeat:
			p(" %d times", st.Count)
		case SchedCallbacks:
			p(" %s", st.Callbacks)
		}
		p("\n")
		for _, s := range st.Sets {
			switch {
			case s.Rows != nil:
				p("%s  %s = rows (%d)\n", indent, s.Path, len(s.Rows))
			case s.Nested != nil:
				p("%s  %s = %v\n", indent, s.Path, s.Nested)
			default:
				p("%s  %s = %s\n", indent, s.Path, printValue(s.Value))
			}
		}
		printSchedule(p, st.Body, indent+"  ")
	}
}

func printValue(v Value) string {
	switch v.Kind {
	case ListValue:
		return fmt.Sprint(v.List)
	case DistValue:
		return fmt.Sprintf("%s%v", v.Dist, v.Args)
	}
	return fmt.Sprint(v.Num)
}
