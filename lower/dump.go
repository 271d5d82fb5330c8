package lower

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/annc/annc/ir"
)

// key identifies an expression of the IR for sharing slots: two
// expressions with the same key compute the same value in the same way.
// Constant sub-expressions count by their folded value.
func Key(e ir.Expr) string {
	if v, ok := Fold(e); ok {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	switch x := e.(type) {
	case *ir.Unary:
		return x.Op + "(" + Key(x.X) + ")"
	case *ir.Binary:
		return "(" + Key(x.X) + " " + x.Op + " " + Key(x.Y) + ")"
	case *ir.Call:
		return x.Fun + keys(x.Args)
	case *ir.UserCall:
		return "fn:" + x.F.Name + keys(x.Args)
	case *ir.Cond:
		return "ite" + keys([]ir.Expr{x.C, x.A, x.B})
	case *ir.SumRef:
		return fmt.Sprintf("sum%d(%s)", x.Side, x.Target)
	case *ir.GlobalOpRef:
		return fmt.Sprintf("gop%d:%p", x.Side, x.Op)
	case *ir.RandRef:
		return fmt.Sprintf("rand:%p", x.R)
	case *ir.VarRef:
		return fmt.Sprintf("var%d:%s", x.Side, x.Name)
	case *ir.Const:
		return ir.ExprString(x)
	}
	return fmt.Sprintf("%T:%s", e, ir.ExprString(e))
}

func keys(list []ir.Expr) string {
	parts := make([]string, len(list))
	for i, a := range list {
		parts[i] = Key(a)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// String prints a lowered expression in the equation language's syntax:
// slots by name (per-presynaptic arrays as name[pre]), everything else as
// the IR prints it.
func String(e ir.Expr) string {
	var b strings.Builder
	write(&b, e)
	return b.String()
}

// prec is the precedence of a lowered expression (higher binds tighter):
// ir's for the nodes ir prints.
func prec(e ir.Expr) int {
	switch x := e.(type) {
	case *Use:
		if x.Slot == nil {
			return prec(x.Expr)
		}
		return 8
	case *Mul:
		return 5
	}
	return ir.Prec(e)
}

func sub(b *strings.Builder, e ir.Expr, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	write(b, e)
	if paren {
		b.WriteByte(')')
	}
}

func args(b *strings.Builder, name string, list []ir.Expr) {
	b.WriteString(name + "(")
	for i, a := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		write(b, a)
	}
	b.WriteByte(')')
}

func write(b *strings.Builder, e ir.Expr) {
	switch x := e.(type) {
	case *Use:
		switch {
		case x.Slot == nil:
			write(b, x.Expr)
		case x.Slot.Place == PerPre && x.Slot.Name == "":
			b.WriteString("(" + String(x.Slot.Value) + ")")
		case x.Slot.Place == PerPre:
			b.WriteString(x.Slot.Name + "[pre]")
		default:
			b.WriteString(x.Slot.Name)
		}
	case *Mul:
		sub(b, x.X, prec(x.X) < 5)
		b.WriteString(" * ")
		write(b, x.By)
	case *ir.Unary:
		b.WriteString(x.Op)
		sub(b, x.X, prec(x.X) < 6)
	case *ir.Binary:
		p := prec(x)
		if x.Op == "pow" {
			sub(b, x.X, prec(x.X) <= p)
			b.WriteString(" ^ ")
			sub(b, x.Y, prec(x.Y) < p)
			return
		}
		sub(b, x.X, prec(x.X) < p)
		b.WriteString(" " + x.Op + " ")
		sub(b, x.Y, prec(x.Y) <= p)
	case *ir.Call:
		args(b, x.Fun, x.Args)
	case *ir.UserCall:
		args(b, x.F.Name, x.Args)
	case *ir.Cond:
		args(b, "ite", []ir.Expr{x.C, x.A, x.B})
	default:
		b.WriteString(ir.ExprString(e))
	}
}

// Dump prints the lowered loops of a model's neuron types and projections
// (those with something to lower), for reading and golden tests.
func Dump(m *ir.Model, mayDelay func(*ir.Projection) bool) string {
	var b strings.Builder
	seen := map[*ir.NeuronType]bool{}
	for _, p := range m.Pops {
		t := p.Type
		if t == nil || seen[t] {
			continue
		}
		seen[t] = true
		if lp := Neuron(t); lp != nil {
			fmt.Fprintf(&b, "neuron %s\n", t.Name)
			lp.dump(&b)
		}
	}
	for _, p := range m.Projs {
		st := p.Type
		if st == nil || p.Pre.Pop == nil || p.Post.Pop == nil {
			continue
		}
		pl := Projection(p, st, mayDelay(p))
		header := fmt.Sprintf("projection %s (synapse %s)\n", p.Name, st.Name)
		header = pl.dump(&b, header)
		if pl.PerPre != nil {
			pl.PerPre.dump(&b, header+"  with per-presynaptic storage\n")
		}
	}
	return b.String()
}

// dump prints the loops of a projection after header (printed once, if
// there is a loop); it returns what remains to print of the header.
func (pl *Proj) dump(b *strings.Builder, header string) string {
	for _, lp := range []*Loop{pl.RateUniformDelay, pl.RateSynDelay, pl.Rate, pl.Spike, pl.PostSpike, pl.LearnPre, pl.Learn, pl.Create, pl.Prune} {
		if lp == nil {
			continue
		}
		b.WriteString(header)
		header = ""
		lp.dump(b)
	}
	return header
}

var placeName = [...]string{Invariant: "before the loop", PerRow: "per post neuron", PerPre: "per pre neuron, array"}

func (lp *Loop) dump(b *strings.Builder) {
	fmt.Fprintf(b, "  loop %s over %s\n", lp.Name, lp.Over)
	for _, s := range lp.Slots {
		if s.Name == "" {
			continue // computed in place
		}
		fmt.Fprintf(b, "    slot %s = %s  (%s)\n", s.Name, String(s.Value), placeName[s.Place])
	}
	stmts := func(title string, ss []ir.Stmt) {
		if len(ss) == 0 {
			return
		}
		fmt.Fprintf(b, "    %s\n", title)
		for _, s := range ss {
			a := s.(*ir.Assign)
			fmt.Fprintf(b, "      %s = %s\n", ir.ExprString(a.LHS), String(a.Value))
		}
	}
	for _, d := range lp.Decays {
		fmt.Fprintf(b, "    decay %s to %s at rate %s\n", d.Var.Name, String(d.Inf), String(d.Rate))
	}
	stmts("refractory: keep", lp.Kept)
	stmts("body", lp.Body)
	stmts("other pre_spike", lp.Others)
	if lp.Value != nil {
		fmt.Fprintf(b, "    psp %s\n", String(lp.Value))
	}
	if lp.Cond != nil {
		fmt.Fprintf(b, "    where %s\n", String(lp.Cond))
	}
	if lp.Spike != nil {
		fmt.Fprintf(b, "    spike if %s\n", String(lp.Spike))
	}
	stmts("reset", lp.Reset)
	if lp.Refractory != nil {
		fmt.Fprintf(b, "    refractory %s ms\n", String(lp.Refractory))
	}
}
