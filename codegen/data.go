package codegen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/annc/annc/runtime/results"
)

// maxLiteral is the most values a matrix is printed with as a Go literal;
// larger ones are embedded as .npy files beside the generated code, which
// builds faster than megabytes of literals.
const maxLiteral = 4096

// matrixExpr returns a Go expression of type [][]float64 holding m (rows of
// equal length): a literal, or a read of an embedded .npy file named name.
func (g *generator) matrixExpr(name string, m [][]float64) string {
	n := 0
	for _, row := range m {
		n += len(row)
	}
	if n <= maxLiteral {
		rows := make([]string, len(m))
		for i, r := range m {
			rows[i] = strings.TrimPrefix(g.floatsLit(r), "[]float64")
		}
		return "[][]float64{" + strings.Join(rows, ",\n") + "}"
	}
	cols := 0
	if len(m) > 0 {
		cols = len(m[0])
	}
	flat := make([]float64, 0, n)
	for _, row := range m {
		flat = append(flat, row...)
	}
	var b bytes.Buffer
	if err := results.WriteNpy(&b, []int{len(m), cols}, flat); err != nil {
		g.fail("embedding %s: %v", name, err)
	}
	if g.data == nil {
		g.data = map[string][]byte{}
	}
	file := "data/" + name + ".npy"
	g.data[file] = b.Bytes()
	v := "embed" + goIdent(name)
	g.embeds = append(g.embeds, embedView{File: file, Var: v})
	g.use("embed")
	return fmt.Sprintf("embeddedMatrix(%s, %d, %d)", v, len(m), cols)
}

// goIdent turns a file name part into the tail of a Go identifier.
func goIdent(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' && up:
			b.WriteRune(r - 'a' + 'A')
			up = false
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// embedView is a file embedded in the package (//go:embed File) as the
// variable Var.
type embedView struct{ File, Var string }
