package ir

import (
	"fmt"
	"sort"
	"strings"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/limits"
)

// Bytes of generated Go per unit, measured on generated packages: a variable
// or statement of a type costs its field, update code, setter, getter and
// checks; an expression node a few characters; an inline number (spike
// times, per-neuron lists, matrices) its literal.
const (
	bytesPerItem   = 700
	bytesPerNode   = 12
	bytesPerNumber = 20
)

// sizeItem is one object of the model and what it adds to the generated code.
type sizeItem struct {
	what    string // "neuron type N", "population P"
	pos     diag.Pos
	items   int // variables, functions and statements
	nodes   int // expression nodes
	numbers int // inline numbers
}

func (s sizeItem) bytes() int {
	return s.items*bytesPerItem + s.nodes*bytesPerNode + s.numbers*bytesPerNumber
}

func (s sizeItem) describe() string {
	var parts []string
	if s.items > 0 && strings.Contains(s.what, "type ") {
		parts = append(parts, fmt.Sprintf("%d variables and statements", s.items))
	}
	if s.numbers > 0 {
		parts = append(parts, fmt.Sprintf("%d inline values", s.numbers))
	}
	if s.nodes > 10*s.items {
		parts = append(parts, fmt.Sprintf("%d operations in expressions", s.nodes))
	}
	out := s.what
	for i, p := range parts {
		if i == 0 {
			out += " with "
		} else {
			out += " and "
		}
		out += p
	}
	return out
}

// checkSize refuses, before any code is generated, a model whose generated
// Go would be too large for go build to compile in reasonable time and
// memory, naming what makes it large.
func (b *builder) checkSize() {
	var objs []sizeItem
	for _, t := range b.out.Neurons {
		if t.Input != NotInput {
			continue
		}
		s := sizeItem{what: "neuron type " + t.Name, pos: t.Pos}
		s.items = len(t.Vars) + len(t.Functions) + len(t.GlobalUpdate) + len(t.LocalUpdate) + len(t.Reset)
		s.nodes = exprNodes(t.Spike) + exprNodes(t.Refractory) + stmtNodes(t.GlobalUpdate, t.LocalUpdate, t.Reset) + funcNodes(t.Functions)
		if t.RefractoryInit != nil {
			s.numbers = len(t.RefractoryInit.List)
		}
		objs = append(objs, s)
	}
	for _, t := range b.out.Synapses {
		s := sizeItem{what: "synapse type " + t.Name, pos: t.Pos}
		s.items = len(t.Vars) + len(t.Functions) + len(t.GlobalUpdate) + len(t.PostUpdate) + len(t.LocalUpdate) +
			len(t.Decays) + len(t.PreSpike) + len(t.PostSpike)
		s.nodes = exprNodes(t.Psp) + stmtNodes(t.GlobalUpdate, t.PostUpdate, t.LocalUpdate, t.PreSpike, t.PostSpike) + funcNodes(t.Functions)
		objs = append(objs, s)
	}
	for _, p := range b.out.Pops {
		s := sizeItem{what: "population " + p.Name, pos: p.Pos, items: 1 + len(p.Override)}
		for _, o := range p.Override {
			s.numbers += len(o.Value.List)
		}
		for _, ts := range p.SpikeTimes {
			s.numbers += len(ts)
		}
		if p.Timed != nil {
			for _, r := range p.Timed.Rates {
				s.numbers += len(r)
			}
		}
		s.nodes = exprNodes(p.RatesExpr)
		objs = append(objs, s)
	}
	for _, pj := range b.out.Projs {
		s := sizeItem{what: "projection " + pj.Name, pos: pj.Pos, items: 1 + len(pj.Override)}
		for _, o := range pj.Override {
			s.numbers += len(o.Value.List)
		}
		c := pj.Connector
		s.numbers += len(c.Weights.List) + len(c.Delays.List)
		for _, r := range c.Matrix {
			s.numbers += len(r)
		}
		objs = append(objs, s)
	}
	s := sizeItem{what: "the monitors", items: len(b.out.Monitors)}
	if len(b.out.Monitors) > 0 {
		s.pos = b.out.Monitors[0].Pos
	}
	objs = append(objs, s)

	total, items := 0, 0
	for _, o := range objs {
		if o.items > limits.TypeStatements {
			b.diags.Errorf(o.pos, "%s: annc generates at most %d variables and statements per type (split the type, or move data to .npy files)",
				o.describe(), limits.TypeStatements)
		}
		total += o.bytes()
		items += o.items
	}
	if total <= limits.CodeBytes && items <= limits.ModelStatements {
		return
	}
	sort.SliceStable(objs, func(i, j int) bool { return objs[i].bytes() > objs[j].bytes() })
	big, bigWhat := objs[0], objs[0].describe()
	// many small objects of one kind may weigh more than any single one
	for _, kind := range []string{"population ", "projection "} {
		var group sizeItem
		n := 0
		for _, o := range objs {
			if strings.HasPrefix(o.what, kind) {
				if n == 0 {
					group.pos = o.pos
				}
				n++
				group.items += o.items
				group.nodes += o.nodes
				group.numbers += o.numbers
			}
		}
		if n > 1 && group.bytes() > big.bytes() {
			big, bigWhat = group, fmt.Sprintf("the %d %ss", n, strings.TrimSpace(kind))
		}
	}
	b.diags.Errorf(big.pos, "the generated Go code would be about %s with %d variables and statements, more than go build compiles in reasonable time (at most %s and %d); the largest part is %s (about %s)",
		mib(total), items, mib(limits.CodeBytes), limits.ModelStatements, bigWhat, mib(big.bytes()))
}

func mib(n int) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", (n+1023)>>10)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

func stmtNodes(lists ...[]Stmt) int {
	n := 0
	for _, l := range lists {
		for _, s := range l {
			if a, ok := s.(*Assign); ok {
				n += exprNodes(a.LHS) + exprNodes(a.Value)
			}
		}
	}
	return n
}

func funcNodes(fs []*Function) int {
	n := 0
	for _, f := range fs {
		n += exprNodes(f.Body)
	}
	return n
}

// exprNodes counts the nodes of an expression.
func exprNodes(e Expr) int {
	switch x := e.(type) {
	case nil:
		return 0
	case *Unary:
		return 1 + exprNodes(x.X)
	case *Binary:
		return 1 + exprNodes(x.X) + exprNodes(x.Y)
	case *Call:
		n := 1
		for _, a := range x.Args {
			n += exprNodes(a)
		}
		return n
	case *UserCall:
		n := 1
		for _, a := range x.Args {
			n += exprNodes(a)
		}
		return n
	case *Cond:
		return 1 + exprNodes(x.C) + exprNodes(x.A) + exprNodes(x.B)
	}
	return 1
}
