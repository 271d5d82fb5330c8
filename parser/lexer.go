package parser

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/annc/annc/internal/diag"
)

// Token types of the equation language, as participle sees them.
const (
	tokIdent   lexer.TokenType = -(iota + 2) // names
	tokKeyword                               // if else and or not is True False
	tokNumber                                // 1, 1.0, 1e-3, .5
	tokDeriv                                 // dx/dt, one token so that "tau * dv/dt" is not (tau*dv)/dt
	tokPunct                                 // operators and punctuation
	tokNewline                               // only seen by the line splitter
	tokSemi                                  // only seen by the line splitter
	tokBad                                   // a character that starts no token
)

var keywords = map[string]bool{
	"if": true, "else": true, "and": true, "or": true, "not": true, "is": true,
	"True": true, "False": true,
}

// token is one lexeme of an equation string. off is the byte offset in the
// string, line and col are 1-based (col counts characters).
type token struct {
	kind lexer.TokenType
	text string
	off  int
	line int
	col  int
}

func (t token) end() int { return t.off + len(t.text) }

// describe names a token for a message: "'+'", "number 3", "name \"x\"".
func (t token) describe() string {
	switch t.kind {
	case lexer.EOF:
		return "end of line"
	case tokIdent:
		return fmt.Sprintf("name %q", t.text)
	case tokNumber:
		return "number " + t.text
	case tokDeriv:
		return "derivative " + t.text
	case tokKeyword:
		return "'" + t.text + "'"
	}
	return "'" + t.text + "'"
}

// scan splits src into tokens. Comments and blanks are dropped; newlines and
// ';' are kept for the line splitter; a backslash before a newline joins the
// lines. Characters that start no token become tokBad and are reported.
func scan(src string, at PosMapper, diags *diag.List) []token {
	var toks []token
	line, lineStart := 1, 0
	// col counts characters from the last column asked for: offsets only
	// grow within a line, so a long line costs linear time, not quadratic.
	lastOff, lastCol := 0, 1
	col := func(off int) int {
		if lastOff < lineStart || off < lastOff {
			lastOff, lastCol = lineStart, 1
		}
		lastCol += utf8.RuneCountInString(src[lastOff:off])
		lastOff = off
		return lastCol
	}
	emit := func(kind lexer.TokenType, start, end int) {
		toks = append(toks, token{kind: kind, text: src[start:end], off: start, line: line, col: col(start)})
	}
	badWord := func(start, end int) {
		emit(tokBad, start, end)
		r, _ := utf8.DecodeRuneInString(src[start+strings.IndexFunc(src[start:end], func(r rune) bool { return r >= utf8.RuneSelf }):])
		diags.Errorf(at.pos(line, col(start)), "name %q contains %q: names are ASCII letters, digits and '_'", src[start:end], r)
	}
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			emit(tokNewline, i, i+1)
			i++
			line, lineStart = line+1, i
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\\':
			j := i + 1
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
				j++
			}
			if j < len(src) && src[j] == '\n' {
				i = j + 1
				line, lineStart = line+1, i
				continue
			}
			emit(tokBad, i, i+1)
			diags.Errorf(at.pos(line, col(i)), "unexpected character '\\'")
			i++
		case c == ';':
			emit(tokSemi, i, i+1)
			i++
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '.' {
				j++
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && isDigit(src[k]) {
					for k < len(src) && isDigit(src[k]) {
						k++
					}
					j = k
				}
			}
			emit(tokNumber, i, j)
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			if k := wordEnd(src, j); k > j {
				badWord(i, k)
				i = k
				continue
			}
			word := src[i:j]
			end, deriv := derivEnd(src, i, j)
			if deriv {
				word = word[1:] // the variable of dx/dt
			}
			if msg := longName(word, "name"); msg != "" {
				diags.Errorf(at.pos(line, col(i)), "%s", msg)
			}
			if deriv {
				emit(tokDeriv, i, end)
				i = end
				continue
			}
			if keywords[word] {
				emit(tokKeyword, i, j)
			} else {
				emit(tokIdent, i, j)
			}
			i = j
		default:
			if n := punctLen(src[i:]); n > 0 {
				emit(tokPunct, i, i+n)
				i += n
				continue
			}
			if k := wordEnd(src, i); k > i {
				badWord(i, k)
				i = k
				continue
			}
			r, size := utf8.DecodeRuneInString(src[i:])
			emit(tokBad, i, i+size)
			if r == utf8.RuneError && size <= 1 {
				diags.Errorf(at.pos(line, col(i)), "invalid UTF-8 byte 0x%02x", src[i])
			} else {
				diags.Errorf(at.pos(line, col(i)), "unexpected character %q", r)
			}
			i += size
		}
	}
	return toks
}

// wordEnd is the end of the name that goes on at i with a letter or digit
// outside ASCII (and any ASCII name characters around them), or i when
// there is none: such a name is one error, not one per character.
func wordEnd(src string, i int) int {
	j, foreign := i, false
	for j < len(src) {
		if isIdentChar(src[j]) {
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[j:])
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) {
			break
		}
		j += size
		foreign = true
	}
	if !foreign {
		return i
	}
	return j
}

// derivEnd reports whether the word src[start:wordEnd] begins a derivative
// "dx/dt" (blanks allowed around '/'), and where it ends.
func derivEnd(src string, start, wordEnd int) (int, bool) {
	if src[start] != 'd' || wordEnd-start < 2 {
		return 0, false
	}
	k := skipBlanks(src, wordEnd)
	if k >= len(src) || src[k] != '/' {
		return 0, false
	}
	k = skipBlanks(src, k+1)
	if !strings.HasPrefix(src[k:], "dt") {
		return 0, false
	}
	k += 2
	if k < len(src) && isIdentChar(src[k]) {
		return 0, false
	}
	return k, true
}

// derivName returns x for the token text "dx/dt".
func derivName(text string) string {
	j := 1
	for j < len(text) && isIdentChar(text[j]) {
		j++
	}
	return text[1:j]
}

func skipBlanks(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

var puncts2 = []string{"**", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/="}

func punctLen(s string) int {
	for _, p := range puncts2 {
		if strings.HasPrefix(s, p) {
			return 2
		}
	}
	if strings.IndexByte("+-*/^<>=(),:.", s[0]) >= 0 {
		return 1
	}
	return 0
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }

// langLexer is the participle lexer definition. The tokens are produced by
// scan beforehand; participle only ever reads them through tokenStream, so
// Lex is used by nothing but participle's grammar validation.
type langLexer struct{}

func (langLexer) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF": lexer.EOF, "Ident": tokIdent, "Keyword": tokKeyword, "Number": tokNumber,
		"Deriv": tokDeriv, "Punct": tokPunct,
	}
}

func (langLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var diags diag.List
	toks := scan(string(b), nil, &diags)
	if len(diags) > 0 {
		return nil, fmt.Errorf("%s", diags[0].Msg)
	}
	var keep []token
	for _, t := range toks {
		if t.kind != tokNewline && t.kind != tokSemi {
			keep = append(keep, t)
		}
	}
	return newTokenStream(keep), nil
}

// tokenStream feeds a slice of scanned tokens to participle.
type tokenStream struct {
	toks []token
	i    int
	eof  lexer.Position
}

func newTokenStream(toks []token) *tokenStream {
	s := &tokenStream{toks: toks}
	if n := len(toks); n > 0 {
		last := toks[n-1]
		s.eof = lexer.Position{Offset: last.end(), Line: last.line, Column: last.col + utf8.RuneCountInString(last.text)}
	} else {
		s.eof = lexer.Position{Line: 1, Column: 1}
	}
	return s
}

func (s *tokenStream) Next() (lexer.Token, error) {
	if s.i >= len(s.toks) {
		return lexer.EOFToken(s.eof), nil
	}
	t := s.toks[s.i]
	s.i++
	return lexer.Token{Type: t.kind, Value: t.text, Pos: lexer.Position{Offset: t.off, Line: t.line, Column: t.col}}, nil
}
