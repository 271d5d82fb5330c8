package parser

import (
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/annc/annc/internal/diag"
)

// PosMapper turns a position inside an equation string (1-based line and
// column, columns counted in characters) into a position in the model file.
// A nil PosMapper keeps string-relative positions with no file name.
type PosMapper func(line, col int) diag.Pos

func (m PosMapper) pos(line, col int) diag.Pos {
	if m == nil {
		return diag.Pos{Line: line, Col: col}
	}
	return m(line, col)
}

// At maps a string whose first character sits at p and whose later lines
// start at column 1 of the following file lines.
func At(p diag.Pos) PosMapper {
	return func(line, col int) diag.Pos { return p.Shift(line, col) }
}

// fileLines indexes the byte offsets where the lines of a file start.
type fileLines struct {
	src    []byte
	starts []int
}

func newFileLines(src []byte) *fileLines {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &fileLines{src: src, starts: starts}
}

// line returns the text of 1-based line n without its line break.
func (f *fileLines) line(n int) string {
	if n < 1 || n > len(f.starts) {
		return ""
	}
	end := len(f.src)
	if n < len(f.starts) {
		end = f.starts[n] - 1
	}
	return strings.TrimSuffix(string(f.src[f.starts[n-1]:end]), "\r")
}

// offset returns the byte offset of (line, col), col counted in characters.
func (f *fileLines) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(f.starts) {
		return len(f.src)
	}
	off := f.starts[line-1]
	for c := 1; c < col && off < len(f.src) && f.src[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(f.src[off:])
		off += size
	}
	return off
}

// position returns the (line, col) of a byte offset.
func (f *fileLines) position(off int) (int, int) {
	lo, hi := 0, len(f.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if f.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if off > len(f.src) {
		off = len(f.src)
	}
	return lo + 1, utf8.RuneCount(f.src[f.starts[lo]:off]) + 1
}

// ScalarMapper maps positions in the value of the YAML scalar n back to the
// file whose raw bytes are src. For a literal block scalar ("|") the k-th
// content line sits on file line n.Line+k, indented; for plain and quoted
// scalars (also folded over several lines, with escapes) the value is aligned
// character by character with the raw text.
func ScalarMapper(file string, n *yaml.Node, src []byte) PosMapper {
	return scalarMapper(file, n, newFileLines(src))
}

func scalarMapper(file string, n *yaml.Node, fl *fileLines) PosMapper {
	value := n.Value
	var pos []diag.Pos // position of every character of value, plus one past the end
	if n.Style&yaml.LiteralStyle != 0 {
		pos = literalPositions(file, n, fl)
	}
	if pos == nil {
		pos = alignPositions(file, n, fl)
	}
	// starts[k] is the index in pos of the first character of value line k+1.
	starts := []int{0}
	i := 0
	for _, r := range value {
		i++
		if r == '\n' {
			starts = append(starts, i)
		}
	}
	lookup := lookupFunc(file, pos, starts)
	return func(line, col int) diag.Pos { return fl.clamp(lookup(line, col)) }
}

// clamp pulls a position that was extrapolated past the end of its line (or
// of the file) back onto the last character there.
func (f *fileLines) clamp(p diag.Pos) diag.Pos {
	if p.Line > len(f.starts) {
		p.Line = len(f.starts)
	}
	if p.Line < 1 {
		p.Line = 1
	}
	if w := utf8.RuneCountInString(f.line(p.Line)); p.Col > w {
		p.Col = max(w, 1)
	}
	if p.Col < 1 {
		p.Col = 1
	}
	return p
}

func lookupFunc(file string, pos []diag.Pos, starts []int) func(line, col int) diag.Pos {
	return func(line, col int) diag.Pos {
		if line < 1 {
			line = 1
		}
		if col < 1 {
			col = 1
		}
		if line > len(starts) {
			p := pos[len(pos)-1]
			return diag.Pos{File: file, Line: p.Line + line - len(starts), Col: col}
		}
		first := starts[line-1]
		last := len(pos) - 1 // index of the line's end (its '\n' or the sentinel)
		if line < len(starts) {
			last = starts[line] - 1
		}
		idx := first + col - 1
		if idx <= last {
			return pos[idx]
		}
		p := pos[last]
		p.Col += idx - last
		return p
	}
}

// literalPositions places the characters of a literal block scalar: value
// line k ends where file line n.Line+k ends. It returns nil when the file
// does not look as expected (then alignment is used).
func literalPositions(file string, n *yaml.Node, fl *fileLines) []diag.Pos {
	lines := strings.Split(n.Value, "\n")
	var pos []diag.Pos
	for k, text := range lines {
		fileLine := n.Line + 1 + k
		raw := fl.line(fileLine)
		last := k == len(lines)-1
		if last && text == "" {
			// the sentinel after the final line break
			pos = append(pos, diag.Pos{File: file, Line: fileLine, Col: 1})
			break
		}
		if !strings.HasSuffix(raw, text) || fileLine > len(fl.starts) {
			return nil
		}
		indent := utf8.RuneCountInString(raw) - utf8.RuneCountInString(text)
		c := 0
		for range text {
			c++
			pos = append(pos, diag.Pos{File: file, Line: fileLine, Col: indent + c})
		}
		// the line break, or the end
		pos = append(pos, diag.Pos{File: file, Line: fileLine, Col: indent + c + 1})
	}
	return pos
}

// alignPositions walks the raw text of a scalar next to its value, skipping
// what YAML removed (quotes, folded line breaks, indentation, escapes).
func alignPositions(file string, n *yaml.Node, fl *fileLines) []diag.Pos {
	ri := fl.offset(n.Line, n.Column)
	dq := n.Style&yaml.DoubleQuotedStyle != 0
	if dq || n.Style&yaml.SingleQuotedStyle != 0 {
		ri++
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		// content starts on the line after the header
		if next := n.Line + 1; next <= len(fl.starts) {
			ri = fl.starts[next-1]
		} else {
			ri = len(fl.src)
		}
	}
	src := fl.src
	at := func(off int) diag.Pos {
		l, c := fl.position(off)
		return diag.Pos{File: file, Line: l, Col: c}
	}
	var pos []diag.Pos
	for _, v := range n.Value {
		for {
			if ri >= len(src) {
				break
			}
			r, size := utf8.DecodeRune(src[ri:])
			if dq && r == '\\' && ri+1 < len(src) {
				esc := 2
				switch src[ri+1] {
				case 'x':
					esc = 4
				case 'u':
					esc = 6
				case 'U':
					esc = 10
				case '\n', '\r':
					// escaped line break: contributes nothing
					ri += 2
					continue
				}
				pos = append(pos, at(ri))
				ri += esc
				goto next
			}
			if r == v {
				pos = append(pos, at(ri))
				ri += size
				goto next
			}
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\'' || r == '"' || r == '>' || r == '|' {
				ri += size
				continue
			}
			// unexpected: resynchronise on this character
			pos = append(pos, at(ri))
			ri += size
			goto next
		}
		// ran out of raw text: extrapolate
		if len(pos) > 0 {
			p := pos[len(pos)-1]
			p.Col++
			pos = append(pos, p)
		} else {
			pos = append(pos, diag.Pos{File: file, Line: n.Line, Col: n.Column})
		}
	next:
	}
	if len(pos) > 0 {
		p := pos[len(pos)-1]
		p.Col++
		pos = append(pos, p)
	} else {
		pos = append(pos, diag.Pos{File: file, Line: n.Line, Col: n.Column})
	}
	return pos
}
