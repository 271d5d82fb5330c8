package parser

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/internal/limits"
)

// segment is one logical line: the tokens of one statement after comments,
// continuation lines and ';' have been dealt with.
type segment struct {
	toks  []token
	colon int  // index of the ':' that starts the flags, -1 if none
	bad   bool // a lexical or bracket error was already reported
}

func (s segment) body() []token {
	if s.colon < 0 {
		return s.toks
	}
	return s.toks[:s.colon]
}

func (s segment) flags() []token {
	if s.colon < 0 {
		return nil
	}
	return s.toks[s.colon+1:]
}

// splitLines scans src and cuts it into logical lines. A line continues on
// the next one inside parentheses, after an operator, ',' ':' or a keyword,
// before a line that starts with a binary operator, 'else' or ':' (but not
// with a sign and its own '=' after a complete statement: "-du/dt = u"), and
// after a trailing backslash.
func splitLines(src string, at PosMapper, diags *diag.List) []segment {
	if len(src) > limits.ScalarBytes {
		diags.Errorf(at.pos(1, 1), "this string is %s long; annc reads at most %s in one equation string (larger data belongs in a .npy file)",
			byteSize(len(src)), byteSize(limits.ScalarBytes))
		return nil
	}
	toks := scan(src, at, diags)
	var segs []segment
	var cur []token
	var opens []token // unclosed '('
	bad := false
	limited := false // this statement already broke a limit (reported once)
	flush := func() {
		if len(opens) > 0 {
			diags.Errorf(at.pos(opens[len(opens)-1].line, opens[len(opens)-1].col),
				"unbalanced parenthesis: '(' is never closed")
			bad = true
			opens = nil
		}
		if len(cur) > 0 && len(segs) == limits.TypeStatements {
			// no type may hold more (see limits.TypeStatements): the rest is not parsed
			diags.Errorf(at.pos(cur[0].line, cur[0].col), "more than %d statements in one string; annc generates at most %d per type", limits.TypeStatements, limits.TypeStatements)
			segs = append(segs, segment{toks: cur[:1], colon: -1, bad: true})
		} else if len(cur) > 0 && len(segs) < limits.TypeStatements {
			segs = append(segs, segment{toks: cur, colon: flagColon(cur), bad: bad})
		}
		cur, bad, limited = nil, false, false
	}
	nextSignificant := func(i int) int {
		for i < len(toks) && toks[i].kind == tokNewline {
			i++
		}
		return i
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == tokNewline:
			if len(cur) == 0 {
				continue
			}
			j := nextSignificant(i + 1)
			if len(opens) > 0 {
				if j < len(toks) && startsStatement(toks[j:]) {
					flush()
				}
				continue
			}
			last := len(cur) - 1
			if isPunct(cur[last], ":") && flagColon(cur) == last && j < len(toks) && startsStatement(toks[j:]) {
				flush() // "x = 1 :" with no flags, then the next statement
				continue
			}
			if j < len(toks) && startsStatement(toks[j:]) && !continuesBefore(toks[j]) {
				flush() // "x = a +" then a new statement: report the dangling operator here
				continue
			}
			if j < len(toks) && !continuesAfter(cur[last]) && hasAssignOp(cur) && signedStatement(toks[j:]) {
				flush() // "dv/dt = -v" then "-du/dt = u": a second '=' cannot continue the first
				continue
			}
			if continuesAfter(cur[last]) || (j < len(toks) && continuesBefore(toks[j])) {
				continue
			}
			flush()
		case t.kind == tokSemi:
			flush()
		case t.kind == tokBad:
			bad = true
		default:
			if t.kind == tokPunct && t.text == "(" {
				opens = append(opens, t)
				if len(opens) > limits.ExprDepth && !limited {
					diags.Errorf(at.pos(t.line, t.col), "parentheses nested more than %d deep", limits.ExprDepth)
					bad, limited = true, true
				}
			} else if t.kind == tokPunct && t.text == ")" {
				if len(opens) == 0 {
					diags.Errorf(at.pos(t.line, t.col), "unbalanced parenthesis: ')' has no matching '('")
					bad = true
				} else {
					opens = opens[:len(opens)-1]
				}
			}
			if len(cur) == limits.StatementTokens && !limited {
				diags.Errorf(at.pos(t.line, t.col), "statement longer than %d tokens; split it, e.g. into intermediate variables", limits.StatementTokens)
				bad, limited = true, true
			}
			if !limited {
				cur = append(cur, t)
			}
		}
	}
	flush()
	return segs
}

// byteSize renders a size for a message: "1 MiB", "9.5 MiB", "120 KiB", "300 bytes".
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MiB"
	case n >= 1<<10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<10)), ".0") + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

// flagColon finds the last top-level ':' that does not belong to an
// "if c:" or "else:".
func flagColon(toks []token) int {
	depth, pendingIf, colon := 0, 0, -1
	for i, t := range toks {
		switch {
		case t.kind == tokPunct && t.text == "(":
			depth++
		case t.kind == tokPunct && t.text == ")":
			depth--
		case depth != 0:
		case t.kind == tokKeyword && t.text == "if":
			pendingIf++
		case t.kind == tokPunct && t.text == ":":
			if i > 0 && toks[i-1].kind == tokKeyword && toks[i-1].text == "else" {
				continue
			}
			if pendingIf > 0 {
				pendingIf--
				continue
			}
			colon = i
		}
	}
	return colon
}

func isPunct(t token, texts ...string) bool {
	if t.kind != tokPunct {
		return false
	}
	for _, s := range texts {
		if t.text == s {
			return true
		}
	}
	return false
}

func isKeyword(t token, texts ...string) bool {
	if t.kind != tokKeyword {
		return false
	}
	for _, s := range texts {
		if t.text == s {
			return true
		}
	}
	return false
}

// wantsOperand reports whether t cannot end an expression.
func wantsOperand(t token) bool {
	return (t.kind == tokPunct && t.text != ")") || isKeyword(t, "and", "or", "not", "is", "if", "else")
}

func continuesAfter(t token) bool { return wantsOperand(t) }

func continuesBefore(t token) bool {
	return (t.kind == tokPunct && t.text != "(") || isKeyword(t, "and", "or", "is", "else")
}

// startsStatement reports whether toks begin a new statement ("x =", "x +=",
// "pre.x =", "dx/dt", "tau * dx/dt"): used to stop an unclosed '(' from
// swallowing the following lines.
func startsStatement(toks []token) bool {
	line := toks[0].line
	for i, t := range toks {
		if t.line != line || t.kind == tokNewline {
			break
		}
		if t.kind == tokDeriv {
			return true
		}
		if i == 1 && toks[0].kind == tokIdent && isPunct(t, "=", "+=", "-=", "*=", "/=") {
			return true
		}
	}
	return false
}

// signedStatement reports whether toks begin a line that starts with a sign
// and has its own top-level '=' (or compound assignment) before any flag
// ':', as the negated derivative "-du/dt = u" does. After a complete
// statement, such a line starts a new one: read as a continuation, the
// statement would hold two '='.
func signedStatement(toks []token) bool {
	if !isPunct(toks[0], "-", "+") {
		return false
	}
	line, depth := toks[0].line, 0
	for _, t := range toks[1:] {
		if t.line != line || t.kind == tokNewline {
			break
		}
		switch {
		case isPunct(t, "("):
			depth++
		case isPunct(t, ")"):
			depth--
		case depth == 0 && isPunct(t, ":"):
			return false // flags (or an "if c:"), whose '=' is a flag's
		case depth == 0 && isPunct(t, "=", "+=", "-=", "*=", "/="):
			return true
		}
	}
	return false
}

// parseTokens runs a participle parser over already scanned tokens.
func parseTokens[G any](p *participle.Parser[G], toks []token) (*G, error) {
	if g, ok := fastParse[G](toks); ok {
		return g, nil
	}
	pl, err := lexerUpgrade(toks)
	if err != nil {
		return nil, err
	}
	return p.ParseFromLexer(pl)
}

func lexerUpgrade(toks []token) (*lexer.PeekingLexer, error) {
	return lexer.Upgrade(newTokenStream(toks))
}

// syntaxError turns a participle error over toks into a message a user can act on.
func syntaxError(toks []token, err error, at PosMapper, diags *diag.List) {
	var perr participle.Error
	if !errors.As(err, &perr) {
		p := diag.Pos{}
		if len(toks) > 0 {
			p = at.pos(toks[0].line, toks[0].col)
		}
		diags.Errorf(p, "syntax error: %v", err)
		return
	}
	off := perr.Position().Offset
	k := len(toks)
	for i, t := range toks {
		if t.off >= off {
			k = i
			break
		}
	}
	expect := ""
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		msg := ute.Message()
		if i := strings.Index(msg, "(expected "); i >= 0 {
			expect = strings.TrimSuffix(msg[i+len("(expected "):], ")")
		}
	}
	posOf := func(t token) diag.Pos { return at.pos(t.line, t.col) }
	if k == 0 {
		if len(toks) == 0 {
			diags.Errorf(at.pos(1, 1), "expected an expression")
			return
		}
		diags.Errorf(posOf(toks[0]), "expected an expression, got %s", toks[0].describe())
		return
	}
	prev := toks[k-1]
	if k == len(toks) { // at the end of the line
		switch {
		case isKeyword(prev, "else"):
			diags.Errorf(posOf(prev), "expected ':' after 'else'")
		case isPunct(prev, "."):
			diags.Errorf(posOf(prev), "expected a name after '.'")
		case isPunct(prev, "("):
			diags.Errorf(posOf(prev), "unbalanced parenthesis: '(' is never closed")
		case wantsOperand(prev):
			diags.Errorf(posOf(prev), "expected an expression after '%s'", prev.text)
		case strings.Contains(expect, `"else"`):
			diags.Errorf(posOf(prev), "incomplete 'if': expected 'else: value' after %s", prev.describe())
		case strings.Contains(expect, `":"`):
			diags.Errorf(posOf(prev), "expected ':' after the condition of 'if'")
		case strings.Contains(expect, `"="`):
			diags.Errorf(posOf(prev), "expected '=' after %s", prev.describe())
		default:
			diags.Errorf(posOf(prev), "unexpected end of line after %s", prev.describe())
		}
		return
	}
	t := toks[k]
	startsOperand := func(t token) bool {
		return t.kind == tokIdent || t.kind == tokNumber || t.kind == tokDeriv ||
			isPunct(t, "(", "-", "+") || isKeyword(t, "not", "if", "True", "False")
	}
	operandStart := startsOperand(t)
	switch {
	case isPunct(t, ":"):
		diags.Errorf(posOf(t), "unexpected ':'; flags come after a single ':', separated by ','")
	case isPunct(t, "=", "+=", "-=", "*=", "/=") && !wantsOperand(prev):
		diags.Errorf(posOf(t), "unexpected '%s' (use '==' to compare)", t.text)
	case isKeyword(t, "if") && !wantsOperand(prev):
		diags.Errorf(posOf(t), "unexpected 'if': a conditional is written \"if c: a else: b\"")
	case isPunct(t, ",", "*", "/", "**", "^", "==", "!=", "<", "<=", ">", ">=") && !wantsOperand(prev) &&
		(k+1 == len(toks) || !startsOperand(toks[k+1])):
		if k+1 == len(toks) {
			diags.Errorf(posOf(t), "expected an expression after '%s'", t.text)
		} else {
			diags.Errorf(posOf(toks[k+1]), "expected an expression after '%s', got %s", t.text, toks[k+1].describe())
		}
	case isPunct(prev, ".") && t.kind != tokIdent:
		diags.Errorf(posOf(t), "expected a name after '.', got %s", t.describe())
	case isKeyword(prev, "else") && !isPunct(t, ":"):
		diags.Errorf(posOf(t), "expected ':' after 'else', got %s", t.describe())
	case wantsOperand(prev) && !operandStart:
		diags.Errorf(posOf(t), "expected an expression after '%s', got %s", prev.text, t.describe())
	case !wantsOperand(prev) && (operandStart && !isPunct(t, "-", "+")):
		diags.Errorf(posOf(t), "missing operator between %s and %s", prev.describe(), t.describe())
	case strings.Contains(expect, `"else"`) && !isKeyword(t, "else"):
		diags.Errorf(posOf(t), "expected 'else:' in 'if c: a else: b', got %s", t.describe())
	case strings.Contains(expect, `":"`) && !isPunct(t, ":"):
		diags.Errorf(posOf(t), "expected ':' after the condition of 'if', got %s", t.describe())
	default:
		diags.Errorf(posOf(t), "unexpected %s", t.describe())
	}
}

// parseExprTokens parses toks as a single expression.
func parseExprTokens(toks []token, c *converter) Expr {
	g, err := parseTokens(exprParser, toks)
	if err != nil {
		syntaxError(toks, err, c.at, c.diags)
		return nil
	}
	return c.expr(g)
}

// Flags known to the equation language.
var (
	valueFlags = []string{"init", "min", "max", "proba", "w", "d"}
	paramFlags = []string{"population", "projection", "postsynaptic", "int", "bool", "float"}
	eqFlags    = append([]string{
		"init", "min", "max", "population", "projection", "postsynaptic", "int", "bool", "float",
		"unless_refractory", "unless_post",
	}, lang.MethodNames(true)...)
)

// flagOwner is the kind of definition whose lines are parsed: the lists of
// known flags an error shows leave out the other kind's (its own checks,
// after parsing, say which flags apply to which kind).
type flagOwner int

const (
	anyOwner flagOwner = iota
	neuronOwner
	synapseOwner
)

// onlyOf returns the flags of allowed that a definition of kind o may use.
func (o flagOwner) onlyOf(allowed []string) []string {
	var other []string
	switch o {
	case neuronOwner:
		other = []string{"projection", "postsynaptic", "unless_post", "event-driven"}
	case synapseOwner:
		other = []string{"population"}
	default:
		return allowed
	}
	var out []string
	for _, f := range allowed {
		if !contains(other, f) {
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseFlags parses the tokens after a flag ':'.
func parseFlags(colon token, toks []token, allowed []string, c *converter) []Flag {
	if len(toks) == 0 {
		c.diags.Errorf(c.at.pos(colon.line, colon.col), "expected a flag after ':'")
		return nil
	}
	depth := 0
	for i, t := range toks {
		switch {
		case isPunct(t, "("):
			depth++
		case isPunct(t, ")"):
			depth--
		case depth == 0 && i > 0 && t.kind == tokIdent && !wantsOperand(toks[i-1]):
			c.diags.Errorf(c.at.pos(t.line, t.col), "missing ',' before flag %q", t.text)
			return nil
		}
	}
	g, err := parseTokens(flagsParser, toks)
	if err != nil {
		syntaxError(toks, err, c.at, c.diags)
		return nil
	}
	var flags []Flag
	for _, gf := range g.Flags {
		f := Flag{Pos: c.pos(gf.Pos), Name: strings.Join(gf.Name, "-")}
		if gf.Value != nil {
			f.Value = c.expr(gf.Value)
		}
		switch {
		case !contains(allowed, f.Name) && contains(eqFlags, f.Name):
			c.diags.Errorf(f.Pos, "flag %q does not apply here (allowed: %s)", f.Name, strings.Join(allowed, ", "))
		case !contains(allowed, f.Name):
			known := c.owner.onlyOf(allowed)
			if s := suggest(f.Name, known); s != "" {
				c.diags.Errorf(f.Pos, "unknown flag %q; did you mean %q?", f.Name, s)
			} else {
				c.diags.Errorf(f.Pos, "unknown flag %q (known: %s)", f.Name, strings.Join(known, ", "))
			}
		case contains(valueFlags, f.Name) && f.Value == nil:
			c.diags.Errorf(f.Pos, "flag %q needs a value: %s = ...", f.Name, f.Name)
		case !contains(valueFlags, f.Name) && f.Value != nil:
			c.diags.Errorf(f.Pos, "flag %q takes no value", f.Name)
		}
		for _, prev := range flags {
			if prev.Name == f.Name {
				c.diags.Errorf(f.Pos, "flag %q given twice", f.Name)
			}
		}
		flags = append(flags, f)
	}
	return flags
}

// hasAssignOp reports whether toks contain a top-level '=' or compound assignment.
func hasAssignOp(toks []token) bool {
	depth := 0
	for _, t := range toks {
		switch {
		case isPunct(t, "("):
			depth++
		case isPunct(t, ")"):
			depth--
		case depth == 0 && isPunct(t, "=", "+=", "-=", "*=", "/="):
			return true
		}
	}
	return false
}

// parseStmtTokens parses "lhs op rhs"; what names the line kind for messages.
func parseStmtTokens(toks []token, what string, c *converter) (*gStmt, bool) {
	if !hasAssignOp(toks) {
		c.diags.Errorf(c.at.pos(toks[0].line, toks[0].col), "expected %s, found no '='", what)
		return nil, false
	}
	g, err := parseTokens(stmtParser, toks)
	if err != nil {
		syntaxError(toks, err, c.at, c.diags)
		return nil, false
	}
	return g, true
}

// derivs collects the derivatives in e.
func derivs(e Expr, out []*Deriv) []*Deriv {
	switch n := e.(type) {
	case *Deriv:
		out = append(out, n)
	case *Unary:
		out = derivs(n.X, out)
	case *Binary:
		out = derivs(n.Y, derivs(n.X, out))
	case *Call:
		for _, a := range n.Args {
			out = derivs(a, out)
		}
	case *Cond:
		out = derivs(n.B, derivs(n.A, derivs(n.C, out)))
	}
	return out
}

// noDerivs reports every derivative in e as misplaced.
func noDerivs(e Expr, where string, diags *diag.List) {
	for _, d := range derivs(e, nil) {
		diags.Errorf(d.Pos, "d%s/dt is only allowed in an equation, not in %s", d.Name, where)
	}
}

// ParseExpr parses a single expression (spike, psp, a value string).
func ParseExpr(src string, at PosMapper) (Expr, diag.List) {
	var diags diag.List
	c := &converter{at: at, diags: &diags}
	segs := splitLines(src, at, &diags)
	if len(segs) == 0 {
		if !diags.HasErrors() {
			diags.Errorf(at.pos(1, 1), "expected an expression, the string is empty")
		}
		return nil, diags
	}
	for _, s := range segs[1:] {
		diags.Errorf(at.pos(s.toks[0].line, s.toks[0].col), "expected a single expression, found a second line")
	}
	s := segs[0]
	if s.bad {
		return nil, diags
	}
	if s.colon >= 0 {
		t := s.toks[s.colon]
		diags.Errorf(at.pos(t.line, t.col), "unexpected ':'; an expression takes no flags")
		return nil, diags
	}
	e := parseExprTokens(s.toks, c)
	if e != nil {
		noDerivs(e, "an expression", &diags)
	}
	return e, diags
}

// ParseEquations parses an equations, reset, pre_spike or post_spike string.
func ParseEquations(src string, at PosMapper) ([]Stmt, diag.List) {
	return parseEquations(src, at, nil, false, anyOwner)
}

// parseEquations records in f what the lines with errors would have
// declared (decl: the lines declare variables, as equations do).
func parseEquations(src string, at PosMapper, f *Failed, decl bool, owner flagOwner) ([]Stmt, diag.List) {
	var diags diag.List
	c := &converter{at: at, diags: &diags, owner: owner}
	var out []Stmt
	for _, s := range splitLines(src, at, &diags) {
		if s.bad {
			f.line(s.toks, false, decl)
			continue
		}
		body := s.body()
		if len(body) == 0 {
			diags.Errorf(c.at.pos(s.toks[0].line, s.toks[0].col), "expected an equation before ':'")
			f.line(s.toks, false, decl)
			continue
		}
		g, ok := parseStmtTokens(body, "an equation or an assignment", c)
		if !ok {
			f.line(s.toks, false, decl)
			continue
		}
		st := Stmt{Pos: at.pos(body[0].line, body[0].col), Op: g.Op.Op, LHS: c.expr(g.LHS), RHS: c.expr(g.RHS)}
		if s.colon >= 0 {
			st.Flags = parseFlags(s.toks[s.colon], s.flags(), eqFlags, c)
		}
		ds := derivs(st.RHS, derivs(st.LHS, nil))
		switch {
		case len(ds) > 1:
			diags.Errorf(ds[1].Pos, "an equation may contain only one derivative, found d%s/dt and d%s/dt", ds[0].Name, ds[1].Name)
			f.line(s.toks, false, decl)
			continue
		case len(ds) == 1:
			if st.Op != "=" {
				diags.Errorf(at.pos(g.Op.Pos.Line, g.Op.Pos.Column), "an equation with d%s/dt must use '=', not '%s'", ds[0].Name, st.Op)
				f.line(s.toks, false, decl)
				continue
			}
			st.Kind, st.Target, st.TargetPos = ODE, ds[0].Name, ds[0].Pos
		default:
			st.Kind = Assign
			switch l := st.LHS.(type) {
			case *Ident:
				st.Target, st.TargetPos = l.Name, l.Pos
			case *Attr:
				st.Target, st.TargetPos, st.Obj = l.Name, l.Pos, l.Obj
			default:
				diags.Errorf(st.LHS.Position(), "the left side of '%s' must be a variable name", st.Op)
				f.line(s.toks, false, decl)
				continue
			}
		}
		out = append(out, st)
	}
	return out, diags
}

// ParseParams parses a parameters string: one "name = value [: flags]" per line.
func ParseParams(src string, at PosMapper) ([]Param, diag.List) {
	return parseParams(src, at, nil, anyOwner)
}

func parseParams(src string, at PosMapper, f *Failed, owner flagOwner) ([]Param, diag.List) {
	var diags diag.List
	c := &converter{at: at, diags: &diags, owner: owner}
	var out []Param
	for _, s := range splitLines(src, at, &diags) {
		if s.bad {
			f.line(s.toks, true, true)
			continue
		}
		body := s.body()
		if len(body) == 0 {
			diags.Errorf(c.at.pos(s.toks[0].line, s.toks[0].col), "expected a parameter before ':'")
			f.line(s.toks, true, true)
			continue
		}
		g, ok := parseStmtTokens(body, "a parameter \"name = value\"", c)
		if !ok {
			f.line(s.toks, true, true)
			continue
		}
		lhs := c.expr(g.LHS)
		id, isIdent := lhs.(*Ident)
		if !isIdent {
			diags.Errorf(lhs.Position(), "a parameter line is \"name = value\"; the left side must be a name")
			f.line(s.toks, true, true)
			continue
		}
		if g.Op.Op != "=" {
			diags.Errorf(at.pos(g.Op.Pos.Line, g.Op.Pos.Column), "a parameter is set with '=', not '%s'", g.Op.Op)
			f.line(s.toks, true, true)
			continue
		}
		p := Param{Pos: id.Pos, Name: id.Name, Value: c.expr(g.RHS)}
		noDerivs(p.Value, "a parameter value", &diags)
		if s.colon >= 0 {
			p.Flags = parseFlags(s.toks[s.colon], s.flags(), paramFlags, c)
		}
		out = append(out, p)
	}
	return out, diags
}

// ParseFunctions parses a functions string: one "f(x, y) = expr" per line.
func ParseFunctions(src string, at PosMapper) ([]FuncDef, diag.List) {
	fs, diags, _ := parseFunctions(src, at)
	return fs, diags
}

// parseFunctions is ParseFunctions that also counts the errors after which
// the definition was kept whole (a parameter given twice: its name, arity
// and body are known), so that calls to it can still be analysed.
func parseFunctions(src string, at PosMapper) (out []FuncDef, diags diag.List, kept int) {
	c := &converter{at: at, diags: &diags}
	for _, s := range splitLines(src, at, &diags) {
		if s.bad {
			continue
		}
		if s.colon >= 0 {
			t := s.toks[s.colon]
			diags.Errorf(at.pos(t.line, t.col), "a function definition takes no flags")
			continue
		}
		g, ok := parseStmtTokens(s.toks, "a function definition \"f(x) = expression\"", c)
		if !ok {
			continue
		}
		lhs := c.expr(g.LHS)
		call, isCall := lhs.(*Call)
		if !isCall || call.Obj != "" || g.Op.Op != "=" {
			diags.Errorf(lhs.Position(), "a function definition looks like \"f(x, y) = expression\"")
			continue
		}
		before := len(diags)
		fd := FuncDef{Pos: call.Pos, Name: call.Fun, Body: c.expr(g.RHS)}
		ok = true
		dups := 0
		for i, a := range call.Args {
			if call.Keys != nil && call.Keys[i] != "" {
				diags.Errorf(call.KeyPos[i], "parameters of function %q must be names, not name=value", call.Fun)
				ok = false
				continue
			}
			id, isIdent := a.(*Ident)
			if !isIdent {
				diags.Errorf(a.Position(), "parameters of function %q must be names", call.Fun)
				ok = false
				continue
			}
			if contains(fd.Params, id.Name) {
				diags.Errorf(a.Position(), "parameter %q of function %q given twice", id.Name, call.Fun)
				dups++
			}
			fd.Params = append(fd.Params, id.Name)
		}
		noDerivs(fd.Body, "a function", &diags)
		if ok {
			out = append(out, fd)
			if len(diags)-before == dups {
				kept += dups
			}
		}
	}
	return out, diags, kept
}

// parseCondition parses a one-line condition "expr [: flags]" (what names it
// in errors): the line, its expression and the converter for its flags. The
// expression is nil when the line has errors.
func parseCondition(src string, at PosMapper, what string, diags *diag.List) (segment, Expr, *converter) {
	c := &converter{at: at, diags: diags}
	segs := splitLines(src, at, diags)
	if len(segs) == 0 {
		if !diags.HasErrors() {
			diags.Errorf(at.pos(1, 1), "expected a condition, the string is empty")
		}
		return segment{}, nil, c
	}
	for _, s := range segs[1:] {
		diags.Errorf(at.pos(s.toks[0].line, s.toks[0].col), "expected a single condition, found a second line")
	}
	s := segs[0]
	if s.bad {
		return s, nil, c
	}
	body := s.body()
	if len(body) == 0 {
		diags.Errorf(at.pos(s.toks[0].line, s.toks[0].col), "expected a condition before ':'")
		return s, nil, c
	}
	e := parseExprTokens(body, c)
	if e != nil {
		noDerivs(e, what, diags)
	}
	return s, e, c
}

// ParseStopCond parses a stop_condition: "expr [: any|all]".
func ParseStopCond(src string, at PosMapper) (*StopCond, diag.List) {
	var diags diag.List
	s, e, _ := parseCondition(src, at, "a stop condition", &diags)
	if e == nil {
		return nil, diags
	}
	body := s.body()
	sc := &StopCond{Pos: at.pos(body[0].line, body[0].col), Expr: e, Mode: "any"}
	if s.colon >= 0 {
		mode := s.flags()
		switch {
		case len(mode) == 1 && (mode[0].text == "any" || mode[0].text == "all"):
			sc.Mode = mode[0].text
		case len(mode) == 0:
			t := s.toks[s.colon]
			diags.Errorf(at.pos(t.line, t.col), "expected 'any' or 'all' after ':'")
		default:
			msg := fmt.Sprintf("a stop condition ends with ': any' or ': all', not %q", tokensText(mode))
			if s := suggest(mode[0].text, []string{"any", "all"}); s != "" && len(mode) == 1 {
				msg = fmt.Sprintf("unknown stop mode %q; did you mean %q?", mode[0].text, s)
			}
			diags.Errorf(at.pos(mode[0].line, mode[0].col), "%s", msg)
		}
	}
	return sc, diags
}

// ParseStructCond parses a pruning or creating condition: "expr [: flags]"
// with the value flags allowed (proba, w, d).
func ParseStructCond(src string, at PosMapper, allowed []string) (*StructCond, diag.List) {
	var diags diag.List
	s, e, c := parseCondition(src, at, "a structural plasticity condition", &diags)
	if e == nil {
		return nil, diags
	}
	body := s.body()
	sc := &StructCond{Pos: at.pos(body[0].line, body[0].col), Expr: e}
	if s.colon >= 0 {
		sc.Flags = parseFlags(s.toks[s.colon], s.flags(), allowed, c)
	}
	return sc, diags
}

func tokensText(toks []token) string {
	var parts []string
	for _, t := range toks {
		parts = append(parts, t.text)
	}
	return strings.Join(parts, " ")
}
