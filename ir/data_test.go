package ir_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A from_matrix file numpy saved in Fortran order (np.save("w.npy", W.T))
// is read at check time as the matrix it holds, rows post, columns pre.
func TestFromMatrixFortranOrder(t *testing.T) {
	// Shape (2, 3): [[1, 2, 3], [4, 5, 6]], stored column by column.
	dict := "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }"
	hdr := dict + strings.Repeat(" ", 63-(10+len(dict))%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	binary.Write(&b, binary.LittleEndian, []float64{1, 4, 2, 5, 3, 6})
	p := filepath.Join(t.TempDir(), "w.npy")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	m, ds := buildSrc(t, `name: m
neurons:
  N: {equations: "r = sum(exc)"}
populations:
  - {name: A, geometry: 3, neuron: N}
  - {name: B, geometry: 2, neuron: N}
projections:
  - {name: p, pre: A, post: B, target: exc, connector: {from_matrix: {weights: "`+p+`"}}}
`)
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	if got, want := m.Projs[0].Connector.Matrix, [][]float64{{1, 2, 3}, {4, 5, 6}}; !reflect.DeepEqual(got, want) {
		t.Errorf("matrix %v, want %v", got, want)
	}
}
