// Package build runs annc's pipeline: read a model file, analyse it, generate
// Go into a build directory, and build it with the go command, skipping work
// when nothing changed.
package build

import (
	"os"
	"path/filepath"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/parser"
)

// Loaded is an analysed model and the sources its diagnostics point into.
type Loaded struct {
	Path    string
	Source  []byte
	AST     *parser.Model
	Model   *ir.Model
	Diags   diag.List
	Sources map[string][]byte
}

// Load reads and analyses a model file. Diagnostics (errors and warnings) are
// in the result; err is only for I/O.
func Load(path string) (*Loaded, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name := displayName(path)
	l := &Loaded{Path: path, Source: src, Sources: map[string][]byte{name: src}}
	ast, ds := parser.ParseModel(name, src)
	l.AST = ast
	l.Diags = append(l.Diags, ds...)
	lib, lds := models.Load()
	l.Diags = append(l.Diags, lds...)
	// With syntax errors inside some objects only, the others are still
	// analysed, so that one check reports every error it can.
	if ast != nil && (!ds.HasErrors() || !ast.Unattributed) {
		m, ids := analyse(ast, lib)
		l.Diags = append(l.Diags, ids...)
		if !ds.HasErrors() && !ids.HasErrors() {
			l.Model = m
		}
	}
	l.Diags.Sort()
	return l, nil
}

// displayName is the path as the user gave it, cleaned and relative when possible.
func displayName(path string) string {
	if filepath.IsAbs(path) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, path); err == nil && !filepath.IsAbs(rel) && len(rel) < len(path) && rel[0] != '.' {
				return rel
			}
		}
	}
	return filepath.Clean(path)
}

// analyse runs ir.Build. A model with syntax errors is only partly built, so
// a failure while analysing it costs its extra diagnostics, not the check.
func analyse(ast *parser.Model, lib ir.Library) (m *ir.Model, ds diag.List) {
	if ast.Unattributed {
		return ir.Build(ast, lib)
	}
	defer func() {
		if r := recover(); r != nil {
			m, ds = nil, nil
		}
	}()
	return ir.Build(ast, lib)
}
