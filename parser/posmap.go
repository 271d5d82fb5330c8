package parser

import (
	"sort"
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

// fileLines indexes the lines of a file once, so that turning a byte offset
// into a (line, column) and back costs O(log n) whatever the line lengths:
// columns count characters, and on lines that are not pure ASCII the byte
// offset of every markEvery-th character is recorded.
type fileLines struct {
	src    []byte
	starts []int
	width  []int32         // characters of each line, without its line break and a trailing '\r'
	marks  map[int][]int32 // 0-based line -> offset (from the line start) of characters 0, markEvery, 2*markEvery, ...
}

const markEvery = 64

func newFileLines(src []byte) *fileLines {
	f := &fileLines{src: src, starts: []int{0}, marks: map[int][]int32{}}
	lineStart, ascii := 0, true
	endLine := func(end int) {
		n := len(f.starts) - 1
		text := src[lineStart:end]
		if len(text) > 0 && text[len(text)-1] == '\r' {
			text = text[:len(text)-1]
		}
		if ascii {
			f.width = append(f.width, int32(len(text)))
			return
		}
		var marks []int32
		chars := 0
		for off := 0; off < end-lineStart; chars++ {
			if chars%markEvery == 0 {
				marks = append(marks, int32(off))
			}
			_, size := utf8.DecodeRune(src[lineStart+off : end])
			off += size
		}
		f.marks[n] = marks
		f.width = append(f.width, int32(utf8.RuneCount(text)))
	}
	for i, c := range src {
		if c >= utf8.RuneSelf {
			ascii = false
		}
		if c == '\n' {
			endLine(i)
			f.starts = append(f.starts, i+1)
			lineStart, ascii = i+1, true
		}
	}
	endLine(len(src))
	return f
}

// lineEnd returns the byte offset of the line break ending 0-based line n (or the end of the file).
func (f *fileLines) lineEnd(n int) int {
	if n+1 < len(f.starts) {
		return f.starts[n+1] - 1
	}
	return len(f.src)
}

// line returns the text of 1-based line n without its line break.
func (f *fileLines) line(n int) string {
	if n < 1 || n > len(f.starts) {
		return ""
	}
	return strings.TrimSuffix(string(f.src[f.starts[n-1]:f.lineEnd(n-1)]), "\r")
}

// lineWidth returns the number of characters of 1-based line n.
func (f *fileLines) lineWidth(n int) int {
	if n < 1 || n > len(f.width) {
		return 0
	}
	return int(f.width[n-1])
}

// offset returns the byte offset of (line, col), col counted in characters;
// a column past the end of the line gives the line's end.
func (f *fileLines) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(f.starts) {
		return len(f.src)
	}
	start, end := f.starts[line-1], f.lineEnd(line-1)
	if col < 1 {
		col = 1
	}
	marks, ok := f.marks[line-1]
	if !ok {
		return min(start+col-1, end)
	}
	k := min((col-1)/markEvery, len(marks)-1)
	off := start + int(marks[k])
	for c := k*markEvery + 1; c < col && off < end; c++ {
		_, size := utf8.DecodeRune(f.src[off:end])
		off += size
	}
	return off
}

// position returns the (line, col) of a byte offset.
func (f *fileLines) position(off int) (int, int) {
	if off > len(f.src) {
		off = len(f.src)
	}
	lo := sort.Search(len(f.starts), func(i int) bool { return f.starts[i] > off }) - 1
	lo = max(lo, 0)
	start := f.starts[lo]
	marks, ok := f.marks[lo]
	if !ok {
		return lo + 1, off - start + 1
	}
	k := sort.Search(len(marks), func(i int) bool { return start+int(marks[i]) > off }) - 1
	k = max(k, 0)
	return lo + 1, k*markEvery + utf8.RuneCount(f.src[start+int(marks[k]):off]) + 1
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
	var pos []lc // position of every character of value, plus one past the end
	if n.Style&yaml.LiteralStyle != 0 {
		pos = literalPositions(n, fl)
	}
	if pos == nil {
		pos = alignPositions(n, fl)
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
	if w := f.lineWidth(p.Line); p.Col > w {
		p.Col = max(w, 1)
	}
	if p.Col < 1 {
		p.Col = 1
	}
	return p
}

// lc is a compact file position (line, column) of one character of a scalar;
// File is added on lookup, so that a long scalar costs 8 bytes a character.
type lc struct{ line, col int32 }

func (p lc) pos(file string) diag.Pos {
	return diag.Pos{File: file, Line: int(p.line), Col: int(p.col)}
}

func lookupFunc(file string, pos []lc, starts []int) func(line, col int) diag.Pos {
	return func(line, col int) diag.Pos {
		if line < 1 {
			line = 1
		}
		if col < 1 {
			col = 1
		}
		if line > len(starts) {
			p := pos[len(pos)-1]
			return diag.Pos{File: file, Line: int(p.line) + line - len(starts), Col: col}
		}
		first := starts[line-1]
		last := len(pos) - 1 // index of the line's end (its '\n' or the sentinel)
		if line < len(starts) {
			last = starts[line] - 1
		}
		idx := first + col - 1
		if idx <= last {
			return pos[idx].pos(file)
		}
		p := pos[last].pos(file)
		p.Col += idx - last
		return p
	}
}

// literalPositions places the characters of a literal block scalar: value
// line k ends where file line n.Line+k ends. It returns nil when the file
// does not look as expected (then alignment is used).
func literalPositions(n *yaml.Node, fl *fileLines) []lc {
	lines := strings.Split(n.Value, "\n")
	pos := make([]lc, 0, len(n.Value)+1)
	for k, text := range lines {
		fileLine := n.Line + 1 + k
		raw := fl.line(fileLine)
		last := k == len(lines)-1
		if last && text == "" {
			// the sentinel after the final line break
			pos = append(pos, lc{int32(fileLine), 1})
			break
		}
		if !strings.HasSuffix(raw, text) || fileLine > len(fl.starts) {
			return nil
		}
		indent := utf8.RuneCountInString(raw) - utf8.RuneCountInString(text)
		c := 0
		for range text {
			c++
			pos = append(pos, lc{int32(fileLine), int32(indent + c)})
		}
		// the line break, or the end
		pos = append(pos, lc{int32(fileLine), int32(indent + c + 1)})
	}
	return pos
}

// alignPositions walks the raw text of a scalar next to its value, skipping
// what YAML removed (quotes, folded line breaks, indentation, escapes).
func alignPositions(n *yaml.Node, fl *fileLines) []lc {
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
	at := func(off int) lc {
		l, c := fl.position(off)
		return lc{int32(l), int32(c)}
	}
	pos := make([]lc, 0, len(n.Value)+1)
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
			p.col++
			pos = append(pos, p)
		} else {
			pos = append(pos, lc{int32(n.Line), int32(n.Column)})
		}
	next:
	}
	if len(pos) > 0 {
		p := pos[len(pos)-1]
		p.col++
		pos = append(pos, p)
	} else {
		pos = append(pos, lc{int32(n.Line), int32(n.Column)})
	}
	return pos
}
