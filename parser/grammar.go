package parser

import (
	"strconv"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/limits"
)

// The participle grammar of one logical line. Precedence, lowest first:
// or, and, not, comparisons, + -, * /, unary + -, power (right-associative,
// its exponent may carry a sign), then primaries. "if c: a else: b" is a
// primary whose else-branch extends as far as possible.

type gExpr struct {
	Left *gAnd    `parser:"@@"`
	Rest []*gOrOp `parser:"@@*"`
}

type gOrOp struct {
	Pos lexer.Position
	X   *gAnd `parser:"\"or\" @@"`
}

type gAnd struct {
	Left *gNot     `parser:"@@"`
	Rest []*gAndOp `parser:"@@*"`
}

type gAndOp struct {
	Pos lexer.Position
	X   *gNot `parser:"\"and\" @@"`
}

type gNot struct {
	Pos lexer.Position
	Not *gNot `parser:"\"not\" @@"`
	Cmp *gCmp `parser:"| @@"`
}

type gCmp struct {
	Left *gAdd     `parser:"@@"`
	Rest []*gCmpOp `parser:"@@*"`
}

type gCmpOp struct {
	Pos lexer.Position
	Op  string `parser:"@(\"==\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\" | \"is\")"`
	X   *gAdd  `parser:"@@"`
}

type gAdd struct {
	Left *gMul     `parser:"@@"`
	Rest []*gAddOp `parser:"@@*"`
}

type gAddOp struct {
	Pos lexer.Position
	Op  string `parser:"@(\"+\" | \"-\")"`
	X   *gMul  `parser:"@@"`
}

type gMul struct {
	Left *gUnary   `parser:"@@"`
	Rest []*gMulOp `parser:"@@*"`
}

type gMulOp struct {
	Pos lexer.Position
	Op  string  `parser:"@(\"*\" | \"/\")"`
	X   *gUnary `parser:"@@"`
}

type gUnary struct {
	Pos lexer.Position
	Op  string  `parser:"(  @(\"-\" | \"+\")"`
	X   *gUnary `parser:"@@ )"`
	Pow *gPow   `parser:"| @@"`
}

type gPow struct {
	Base *gPrimary `parser:"@@"`
	Exp  *gPowOp   `parser:"@@?"`
}

type gPowOp struct {
	Pos lexer.Position
	Op  string  `parser:"@(\"**\" | \"^\")"`
	X   *gUnary `parser:"@@"`
}

type gPrimary struct {
	Pos   lexer.Position
	Num   *string `parser:"@Number"`
	Bool  *string `parser:"| @(\"True\" | \"False\")"`
	Deriv *string `parser:"| @Deriv"`
	If    *gIf    `parser:"| @@"`
	Paren *gExpr  `parser:"| \"(\" @@ \")\""`
	Name  *gName  `parser:"| @@"`
}

type gIf struct {
	Cond *gExpr `parser:"\"if\" @@ \":\""`
	Then *gExpr `parser:"@@"`
	Else *gExpr `parser:"\"else\" \":\" @@"`
}

type gName struct {
	Name   string   `parser:"@Ident"`
	Member *gMember `parser:"@@?"`
	Call   *gArgs   `parser:"@@?"`
}

type gMember struct {
	Pos  lexer.Position
	Name string `parser:"\".\" @Ident"`
}

type gArgs struct {
	Args []*gArg `parser:"\"(\" ( @@ ( \",\" @@ )* )? \")\""`
}

// gArg is one argument of a call, positional or a keyword argument
// (name=value, as in ANNarchy's Normal(mu=0.0, sigma=1.0)).
type gArg struct {
	Pos lexer.Position
	Key string `parser:"( @Ident \"=\" )?"`
	X   *gExpr `parser:"@@"`
}

// gStmt is any "lhs op rhs" line: equations, assignments, parameters and
// function definitions all share it; the callers check the left side.
type gStmt struct {
	LHS *gExpr     `parser:"@@"`
	Op  *gAssignOp `parser:"@@"`
	RHS *gExpr     `parser:"@@"`
}

type gAssignOp struct {
	Pos lexer.Position
	Op  string `parser:"@(\"=\" | \"+=\" | \"-=\" | \"*=\" | \"/=\")"`
}

type gFlags struct {
	Flags []*gFlag `parser:"@@ ( \",\" @@ )*"`
}

type gFlag struct {
	Pos   lexer.Position
	Name  []string `parser:"@(Ident | Keyword) ( \"-\" @(Ident | Keyword) )*"`
	Value *gExpr   `parser:"( \"=\" @@ )?"`
}

var (
	exprParser  = participle.MustBuild[gExpr](participle.Lexer(langLexer{}))
	stmtParser  = participle.MustBuild[gStmt](participle.Lexer(langLexer{}))
	flagsParser = participle.MustBuild[gFlags](participle.Lexer(langLexer{}))
)

// converter turns participle's structs into the AST, mapping positions.
type converter struct {
	at    PosMapper
	diags *diag.List
	owner flagOwner // the kind of definition parsed (the flags its errors list)
	depth int       // nesting of the expression being converted
	deep  bool      // ExprDepth was exceeded (reported once)
}

// nest enters one level of nesting at p; it reports false (and the error,
// once) beyond limits.ExprDepth, when the caller returns a placeholder
// instead of descending further.
func (c *converter) nest(p lexer.Position) bool {
	if c.depth >= limits.ExprDepth {
		if !c.deep {
			c.diags.Errorf(c.pos(p), "expression nested more than %d levels deep", limits.ExprDepth)
			c.deep = true
		}
		return false
	}
	c.depth++
	return true
}

func (c *converter) pos(p lexer.Position) diag.Pos { return c.at.pos(p.Line, p.Column) }

func (c *converter) expr(g *gExpr) Expr {
	x := c.and(g.Left)
	for _, op := range g.Rest {
		x = &Binary{Pos: c.pos(op.Pos), Op: "or", X: x, Y: c.and(op.X)}
	}
	return x
}

func (c *converter) and(g *gAnd) Expr {
	x := c.not(g.Left)
	for _, op := range g.Rest {
		x = &Binary{Pos: c.pos(op.Pos), Op: "and", X: x, Y: c.not(op.X)}
	}
	return x
}

func (c *converter) not(g *gNot) Expr {
	if g.Not != nil {
		if !c.nest(g.Pos) {
			return &Bool{Pos: c.pos(g.Pos)}
		}
		defer func() { c.depth-- }()
		return &Unary{Pos: c.pos(g.Pos), Op: "not", X: c.not(g.Not)}
	}
	x := c.add(g.Cmp.Left)
	for _, op := range g.Cmp.Rest {
		x = &Binary{Pos: c.pos(op.Pos), Op: op.Op, X: x, Y: c.add(op.X)}
	}
	return x
}

func (c *converter) add(g *gAdd) Expr {
	x := c.mul(g.Left)
	for _, op := range g.Rest {
		x = &Binary{Pos: c.pos(op.Pos), Op: op.Op, X: x, Y: c.mul(op.X)}
	}
	return x
}

func (c *converter) mul(g *gMul) Expr {
	x := c.unary(g.Left)
	for _, op := range g.Rest {
		x = &Binary{Pos: c.pos(op.Pos), Op: op.Op, X: x, Y: c.unary(op.X)}
	}
	return x
}

func (c *converter) unary(g *gUnary) Expr {
	if g.Pow == nil {
		if !c.nest(g.Pos) {
			return &Num{Pos: c.pos(g.Pos), Text: "0"}
		}
		defer func() { c.depth-- }()
		return &Unary{Pos: c.pos(g.Pos), Op: g.Op, X: c.unary(g.X)}
	}
	base := c.primary(g.Pow.Base)
	if g.Pow.Exp == nil {
		return base
	}
	if !c.nest(g.Pow.Exp.Pos) {
		return base
	}
	defer func() { c.depth-- }()
	return &Binary{Pos: c.pos(g.Pow.Exp.Pos), Op: "^", X: base, Y: c.unary(g.Pow.Exp.X)}
}

func (c *converter) primary(g *gPrimary) Expr {
	p := c.pos(g.Pos)
	if g.If != nil || g.Paren != nil || (g.Name != nil && g.Name.Call != nil) {
		if !c.nest(g.Pos) {
			return &Num{Pos: p, Text: "0"}
		}
		defer func() { c.depth-- }()
	}
	switch {
	case g.Num != nil:
		v, err := strconv.ParseFloat(*g.Num, 64)
		if err != nil {
			// only out-of-range literals get here: ParseFloat returns ±Inf
			c.diags.Errorf(p, "number %s is out of range", *g.Num)
		}
		return &Num{Pos: p, Value: v, Text: *g.Num}
	case g.Bool != nil:
		return &Bool{Pos: p, Value: *g.Bool == "True"}
	case g.Deriv != nil:
		return &Deriv{Pos: p, Name: derivName(*g.Deriv)}
	case g.If != nil:
		return &Cond{Pos: p, C: c.expr(g.If.Cond), A: c.expr(g.If.Then), B: c.expr(g.If.Else)}
	case g.Paren != nil:
		return c.expr(g.Paren)
	}
	n := g.Name
	member := ""
	if n.Member != nil {
		member = n.Member.Name
		if n.Name != "pre" && n.Name != "post" {
			c.diags.Errorf(c.pos(n.Member.Pos), "%s.%s: only pre.x and post.x may use '.'", n.Name, member)
		}
	}
	if n.Call == nil {
		if member != "" {
			return &Attr{Pos: p, Obj: n.Name, Name: member}
		}
		return &Ident{Pos: p, Name: n.Name}
	}
	var args []Expr
	var keys []string
	var keyPos []diag.Pos
	for i, a := range n.Call.Args {
		args = append(args, c.expr(a.X))
		if a.Key != "" {
			if keys == nil {
				keys, keyPos = make([]string, len(n.Call.Args)), make([]diag.Pos, len(n.Call.Args))
			}
			keys[i], keyPos[i] = a.Key, c.pos(a.Pos)
		}
	}
	call := &Call{Pos: p, Fun: n.Name, Args: args, Keys: keys, KeyPos: keyPos}
	if member != "" {
		call.Obj, call.Fun = n.Name, member
	}
	if call.Obj == "" && call.Fun == "ite" {
		if len(args) != 3 {
			c.diags.Errorf(p, "ite takes 3 arguments (condition, value if true, value if false), got %d", len(args))
			return call
		}
		return &Cond{Pos: p, C: args[0], A: args[1], B: args[2], Ite: true}
	}
	return call
}
