// Package diag holds source positions and the diagnostics annc reports
// against a model file: "model.yaml:14:23: message", the source line and a caret.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a 1-based position in a file. The zero Pos means "unknown".
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether the position points somewhere.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string {
	if !p.IsValid() {
		if p.File != "" {
			return p.File
		}
		return "-"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Shift returns the position of the byte at (line, col) of a string whose
// first character sits at p, where line and col are 1-based within the string.
// Continuation lines of YAML block scalars are mapped by the caller through
// LineStarts; Shift handles the single-line case.
func (p Pos) Shift(line, col int) Pos {
	if line <= 1 {
		return Pos{File: p.File, Line: p.Line, Col: p.Col + col - 1}
	}
	return Pos{File: p.File, Line: p.Line + line - 1, Col: col}
}

// Severity of a diagnostic.
type Severity int

const (
	Error Severity = iota
	Warning
)

// Diagnostic is one message tied to a position.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Msg      string
}

func (d Diagnostic) String() string {
	if d.Severity == Warning {
		return fmt.Sprintf("%s: warning: %s", d.Pos, d.Msg)
	}
	return fmt.Sprintf("%s: %s", d.Pos, d.Msg)
}

// List collects diagnostics. The zero value is ready to use.
type List []Diagnostic

// Errorf adds an error at pos.
func (l *List) Errorf(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning at pos.
func (l *List) Warnf(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Warning, Msg: fmt.Sprintf(format, args...)})
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders diagnostics by file, line, column and message, and drops exact duplicates.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Msg < b.Msg
	})
	out := s[:0]
	for i, d := range s {
		if i > 0 && d == s[i-1] {
			continue
		}
		out = append(out, d)
	}
	*l = out
}

// Error makes a List usable as an error value.
func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// Format renders diagnostics for a terminal: each message, then the source
// line it points at and a caret under the column. sources maps file names to
// their contents; max caps the number shown (0 = no cap), adding "N more errors".
func (l List) Format(sources map[string][]byte, max int) string {
	var b strings.Builder
	lines := map[string][]string{}
	for i, d := range l {
		if max > 0 && i == max {
			fmt.Fprintf(&b, "%d more errors\n", len(l)-max)
			break
		}
		b.WriteString(d.String())
		b.WriteByte('\n')
		src, ok := sources[d.Pos.File]
		if !ok || !d.Pos.IsValid() {
			continue
		}
		ls, ok := lines[d.Pos.File]
		if !ok {
			ls = strings.Split(string(src), "\n")
			lines[d.Pos.File] = ls
		}
		if d.Pos.Line > len(ls) {
			continue
		}
		text := strings.TrimRight(ls[d.Pos.Line-1], "\r")
		col := d.Pos.Col
		if col < 1 {
			col = 1
		}
		text, col = window(text, col)
		b.WriteString("    ")
		b.WriteString(strings.ReplaceAll(text, "\t", " "))
		b.WriteByte('\n')
		b.WriteString("    ")
		b.WriteString(strings.Repeat(" ", col-1))
		b.WriteString("^\n")
	}
	return b.String()
}

// shownWidth is how many characters of a source line Format shows; a longer
// line is cut to a window around the column, marked with "...".
const shownWidth = 160

// window cuts a long line to shownWidth characters around col and returns
// the text to show and the caret's column in it.
func window(text string, col int) (string, int) {
	if len(text) <= shownWidth {
		return text, col
	}
	r := []rune(text)
	if len(r) <= shownWidth {
		return text, col
	}
	start := max(0, min(col-1-shownWidth/2, len(r)-shownWidth))
	end := min(len(r), start+shownWidth)
	out := string(r[start:end])
	if start > 0 {
		out = "..." + out
		col += 3 - start
	}
	if end < len(r) {
		out += "..."
	}
	return out, col
}
