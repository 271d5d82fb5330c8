package ir

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/runtime/results"
)

// readNpy reads a .npy file named in the model (relative names are relative
// to the model file's folder) as rows: a 1-D array gives one value per row,
// an array of more dimensions one row per index of its first dimension
// (the others flattened in C order). Errors are reported at pos.
func (b *builder) readNpy(pos diag.Pos, name, what string) (rows [][]float64, shape []int, ok bool) {
	path := name
	if !filepath.IsAbs(path) && b.m.File != "" {
		path = filepath.Join(filepath.Dir(b.m.File), path)
	}
	a, err := results.ReadNpyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		b.errorf(pos, "%s: no file %s (a relative name is relative to the model file's folder)", what, name)
		return nil, nil, false
	}
	if err != nil {
		b.errorf(pos, "%s: %v", what, err)
		return nil, nil, false
	}
	shape, vals := a.Shape, a.Floats()
	if len(shape) == 0 {
		b.errorf(pos, "%s: %s holds a single number, not an array", what, name)
		return nil, nil, false
	}
	n := shape[0]
	if n == 0 {
		return [][]float64{}, shape, true
	}
	width := len(vals) / n
	rows = make([][]float64, n)
	for i := range rows {
		rows[i] = vals[i*width : (i+1)*width : (i+1)*width]
	}
	return rows, shape, true
}
