package parser

import "github.com/alecthomas/participle/v2/lexer"

// A recursive-descent reading of the grammar in grammar.go that fills the
// same structs. participle spends tens of microseconds a token in
// reflection, which made checking a large model take minutes; this reader
// is linear and fast. It only ever accepts: on any syntax error it gives up
// and parseTokens runs participle, whose error syntaxError explains. Both
// readers give identical structs on valid input (TestFastMatchesParticiple).
type fastReader struct {
	toks   []token
	i      int
	failed bool
}

// fastParse reads toks as a G (gExpr, gStmt or gFlags); false means the
// input is not valid (or G is another struct) and participle must run.
func fastParse[G any](toks []token) (*G, bool) {
	f := &fastReader{toks: toks}
	var out any
	switch any((*G)(nil)).(type) {
	case *gExpr:
		out = f.expr()
	case *gStmt:
		out = f.stmt()
	case *gFlags:
		out = f.flags()
	default:
		return nil, false
	}
	if f.failed || f.i != len(f.toks) {
		return nil, false
	}
	g, ok := out.(*G)
	return g, ok
}

func (f *fastReader) peek() (token, bool) {
	if f.failed || f.i >= len(f.toks) {
		return token{}, false
	}
	return f.toks[f.i], true
}

// at reports whether the next token is one of texts (punctuation or keyword).
func (f *fastReader) at(texts ...string) bool {
	t, ok := f.peek()
	if !ok || (t.kind != tokPunct && t.kind != tokKeyword) {
		return false
	}
	for _, s := range texts {
		if t.text == s {
			return true
		}
	}
	return false
}

func (f *fastReader) pos() lexer.Position {
	t, _ := f.peek()
	return lexer.Position{Offset: t.off, Line: t.line, Column: t.col}
}

func (f *fastReader) next() token {
	t := f.toks[f.i]
	f.i++
	return t
}

func (f *fastReader) expect(text string) {
	if !f.at(text) {
		f.failed = true
		return
	}
	f.i++
}

func (f *fastReader) expr() *gExpr {
	g := &gExpr{Left: f.and()}
	for !f.failed && f.at("or") {
		op := &gOrOp{Pos: f.pos()}
		f.i++
		op.X = f.and()
		g.Rest = append(g.Rest, op)
	}
	return g
}

func (f *fastReader) and() *gAnd {
	g := &gAnd{Left: f.not()}
	for !f.failed && f.at("and") {
		op := &gAndOp{Pos: f.pos()}
		f.i++
		op.X = f.not()
		g.Rest = append(g.Rest, op)
	}
	return g
}

func (f *fastReader) not() *gNot {
	g := &gNot{Pos: f.pos()}
	if f.at("not") {
		f.i++
		g.Not = f.not()
		return g
	}
	g.Cmp = f.cmp()
	return g
}

func (f *fastReader) cmp() *gCmp {
	g := &gCmp{Left: f.add()}
	for !f.failed && f.at("==", "!=", "<=", ">=", "<", ">", "is") {
		op := &gCmpOp{Pos: f.pos(), Op: f.next().text}
		op.X = f.add()
		g.Rest = append(g.Rest, op)
	}
	return g
}

func (f *fastReader) add() *gAdd {
	g := &gAdd{Left: f.mul()}
	for !f.failed && f.at("+", "-") {
		op := &gAddOp{Pos: f.pos(), Op: f.next().text}
		op.X = f.mul()
		g.Rest = append(g.Rest, op)
	}
	return g
}

func (f *fastReader) mul() *gMul {
	g := &gMul{Left: f.unary()}
	for !f.failed && f.at("*", "/") {
		op := &gMulOp{Pos: f.pos(), Op: f.next().text}
		op.X = f.unary()
		g.Rest = append(g.Rest, op)
	}
	return g
}

func (f *fastReader) unary() *gUnary {
	g := &gUnary{Pos: f.pos()}
	if f.at("-", "+") {
		g.Op = f.next().text
		g.X = f.unary()
		return g
	}
	g.Pow = &gPow{Base: f.primary()}
	if !f.failed && f.at("**", "^") {
		op := &gPowOp{Pos: f.pos(), Op: f.next().text}
		op.X = f.unary()
		g.Pow.Exp = op
	}
	return g
}

func (f *fastReader) primary() *gPrimary {
	t, ok := f.peek()
	if !ok {
		f.failed = true
		return nil
	}
	g := &gPrimary{Pos: f.pos()}
	switch {
	case t.kind == tokNumber:
		f.i++
		g.Num = &t.text
	case t.kind == tokKeyword && (t.text == "True" || t.text == "False"):
		f.i++
		g.Bool = &t.text
	case t.kind == tokDeriv:
		f.i++
		g.Deriv = &t.text
	case t.kind == tokKeyword && t.text == "if":
		f.i++
		g.If = &gIf{Cond: f.expr()}
		f.expect(":")
		g.If.Then = f.expr()
		f.expect("else")
		f.expect(":")
		g.If.Else = f.expr()
	case t.kind == tokPunct && t.text == "(":
		f.i++
		g.Paren = f.expr()
		f.expect(")")
	case t.kind == tokIdent:
		f.i++
		g.Name = &gName{Name: t.text}
		if f.at(".") {
			m := &gMember{Pos: f.pos()}
			f.i++
			if n, ok := f.peek(); ok && n.kind == tokIdent {
				m.Name = f.next().text
			} else {
				f.failed = true
			}
			g.Name.Member = m
		}
		if !f.failed && f.at("(") {
			f.i++
			a := &gArgs{}
			if !f.at(")") {
				a.Args = append(a.Args, f.arg())
				for !f.failed && f.at(",") {
					f.i++
					a.Args = append(a.Args, f.arg())
				}
			}
			f.expect(")")
			g.Name.Call = a
		}
	default:
		f.failed = true
	}
	return g
}

func (f *fastReader) stmt() *gStmt {
	g := &gStmt{LHS: f.expr()}
	if !f.at("=", "+=", "-=", "*=", "/=") {
		f.failed = true
		return g
	}
	g.Op = &gAssignOp{Pos: f.pos(), Op: f.next().text}
	g.RHS = f.expr()
	return g
}

func (f *fastReader) flags() *gFlags {
	g := &gFlags{Flags: []*gFlag{f.flag()}}
	for !f.failed && f.at(",") {
		f.i++
		g.Flags = append(g.Flags, f.flag())
	}
	return g
}

func (f *fastReader) flag() *gFlag {
	g := &gFlag{Pos: f.pos()}
	word := func() {
		if t, ok := f.peek(); ok && (t.kind == tokIdent || t.kind == tokKeyword) {
			g.Name = append(g.Name, f.next().text)
		} else {
			f.failed = true
		}
	}
	word()
	for !f.failed && f.at("-") {
		f.i++
		word()
	}
	if !f.failed && f.at("=") {
		f.i++
		g.Value = f.expr()
	}
	return g
}

// arg reads one call argument: name=value or an expression.
func (f *fastReader) arg() *gArg {
	g := &gArg{Pos: f.pos()}
	if t, ok := f.peek(); ok && t.kind == tokIdent && f.i+1 < len(f.toks) {
		if n := f.toks[f.i+1]; n.kind == tokPunct && n.text == "=" {
			g.Key = t.text
			f.i += 2
		}
	}
	g.X = f.expr()
	return g
}
