package results

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// npyBytes builds a version-1.0 .npy file by hand, the way numpy.save lays it
// out: magic, version, little-endian header length, the dict padded with
// spaces and ended by '\n' so the data starts on a 64-byte boundary.
func npyBytes(descr string, shape []int, data any) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	tuple += ")"
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	return npyRaw(1, dict, data)
}

func npyRaw(major byte, dict string, data any) []byte {
	pre := 10
	if major > 1 {
		pre = 12
	}
	pad := 64 - (pre+len(dict)+1)%64
	if pad == 64 {
		pad = 0
	}
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(hdr)))
	}
	b.WriteString(hdr)
	if data != nil {
		binary.Write(&b, binary.LittleEndian, data)
	}
	return b.Bytes()
}

func TestReadNpy(t *testing.T) {
	b := npyBytes("<f8", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6.5})
	if (len(b)-48)%64 != 0 {
		t.Fatalf("test writer misaligned: %d bytes", len(b))
	}
	a, err := ReadNpy(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if a.Dtype != "<f8" || !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Float, []float64{1, 2, 3, 4, 5, 6.5}) || a.Int != nil {
		t.Fatalf("got %+v", a)
	}
	if a.Len() != 6 {
		t.Fatalf("Len %d", a.Len())
	}

	a, err = ReadNpy(bytes.NewReader(npyBytes("<i8", []int{3}, []int64{7, -1, 1 << 40})))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Int, []int64{7, -1, 1 << 40}) || !slices.Equal(a.Floats(), []float64{7, -1, 1 << 40}) {
		t.Fatalf("int64: %+v", a)
	}

	a, err = ReadNpy(bytes.NewReader(npyBytes("<f4", []int{2}, []float32{0.5, -2})))
	if err != nil || !slices.Equal(a.Float, []float64{0.5, -2}) {
		t.Fatalf("float32: %+v, %v", a, err)
	}
	a, err = ReadNpy(bytes.NewReader(npyBytes("<i4", []int{2}, []int32{-3, 4})))
	if err != nil || !slices.Equal(a.Int, []int64{-3, 4}) {
		t.Fatalf("int32: %+v, %v", a, err)
	}

	// Empty array (a monitor that never spiked) and a 0-d scalar.
	a, err = ReadNpy(bytes.NewReader(npyBytes("<f8", []int{0}, nil)))
	if err != nil || len(a.Float) != 0 || !slices.Equal(a.Shape, []int{0}) {
		t.Fatalf("empty: %+v, %v", a, err)
	}
	a, err = ReadNpy(bytes.NewReader(npyBytes("<f8", nil, []float64{math.Pi})))
	if err != nil || len(a.Shape) != 0 || a.Float[0] != math.Pi {
		t.Fatalf("scalar: %+v, %v", a, err)
	}

	// Format 2.0 (4-byte header length) and a header without trailing comma.
	a, err = ReadNpy(bytes.NewReader(npyRaw(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1)}", []float64{9})))
	if err != nil || a.Float[0] != 9 {
		t.Fatalf("v2: %+v, %v", a, err)
	}
}

// An array saved in Fortran order (np.save of W.T) is read in C order, for
// any number of dimensions and dtype.
func TestReadNpyFortran(t *testing.T) {
	fortran := func(descr, shape string, data any) []byte {
		return npyRaw(1, "{'descr': '"+descr+"', 'fortran_order': True, 'shape': "+shape+", }", data)
	}
	// [[1, 2, 3], [4, 5, 6]], column by column.
	a, err := ReadNpy(bytes.NewReader(fortran("<f8", "(2, 3)", []float64{1, 4, 2, 5, 3, 6})))
	if err != nil || !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Float, []float64{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("2x3: %+v, %v", a, err)
	}
	// Element [i][j][k] = 100i + 10j + k of a 2x3x4 int32 array, stored with
	// i fastest, then j, then k.
	var col []int32
	for k := range 4 {
		for j := range 3 {
			for i := range 2 {
				col = append(col, int32(100*i+10*j+k))
			}
		}
	}
	a, err = ReadNpy(bytes.NewReader(fortran("<i4", "(2, 3, 4)", col)))
	if err != nil || !slices.Equal(a.Shape, []int{2, 3, 4}) {
		t.Fatalf("2x3x4: %+v, %v", a, err)
	}
	for i := range 2 {
		for j := range 3 {
			for k := range 4 {
				if got := a.Int[12*i+4*j+k]; got != int64(100*i+10*j+k) {
					t.Fatalf("2x3x4: [%d][%d][%d] = %d", i, j, k, got)
				}
			}
		}
	}
	// One dimension, none, or an empty one: the same as C order.
	for _, c := range []struct {
		shape string
		data  []float64
	}{{"(3,)", []float64{1, 2, 3}}, {"()", []float64{7}}, {"(0, 3)", nil}} {
		a, err := ReadNpy(bytes.NewReader(fortran("<f8", c.shape, c.data)))
		if err != nil || !slices.Equal(a.Float, c.data) && len(c.data) != 0 || len(a.Float) != len(c.data) {
			t.Errorf("%s: %+v, %v", c.shape, a, err)
		}
	}
	// ReadNpyFile (the check-time reader of from_matrix files) too.
	p := filepath.Join(t.TempDir(), "w.npy")
	os.WriteFile(p, fortran("<f8", "(2, 3)", []float64{1, 4, 2, 5, 3, 6}), 0o644)
	if a, err := ReadNpyFile(p); err != nil || !slices.Equal(a.Float, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("ReadNpyFile: %+v, %v", a, err)
	}
}

func TestReadNpyRejects(t *testing.T) {
	good := npyBytes("<f8", []int{2}, []float64{1, 2})
	cases := []struct {
		name, want string
		b          []byte
	}{
		{"bad magic", "bad magic", append([]byte("XNUMPY"), good[6:]...)},
		{"empty", "magic", nil},
		{"version 9", "version 9", append(append([]byte{}, good[:6]...), append([]byte{9, 0}, good[8:]...)...)},
		{"truncated data", "shorter", good[:len(good)-3]},
		{"big endian", "unsupported dtype", npyBytes(">f8", []int{2}, []float64{1, 2})},
		{"complex", "unsupported dtype", npyBytes("<c16", []int{1}, []float64{1, 2})},
		{"unknown key", "unexpected key", npyRaw(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", []float64{1, 2})},
		{"missing shape", "missing key \"shape\"", npyRaw(1, "{'descr': '<f8', 'fortran_order': False}", nil)},
		{"bad shape", "dimension", npyRaw(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (a,)}", nil)},
		{"not a dict", "expected '{'", npyRaw(1, "['descr']", nil)},
		{"huge shape", "too large", npyRaw(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000)}", nil)},
	}
	for _, c := range cases {
		_, err := ReadNpy(bytes.NewReader(c.b))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestReadNpyFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.npy")
	os.WriteFile(p, npyBytes("<f8", []int{3}, []float64{1, 2}), 0o644) // one element short
	_, err := ReadNpyFile(p)
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "needs 24 data bytes, file has 16") {
		t.Fatalf("error %v", err)
	}
	os.WriteFile(p, npyBytes("<f8", []int{2}, []float64{1, 2}), 0o644)
	a, err := ReadNpyFile(p)
	if err != nil || !slices.Equal(a.Float, []float64{1, 2}) {
		t.Fatalf("%+v, %v", a, err)
	}
}

// The files in testdata/numpy were written by numpy 1.24 (numpy.save and
// numpy.lib.format.write_array), so the reader is checked against the real
// writer, not only against the layout this package believes in.
func TestReadNumpyWritten(t *testing.T) {
	read := func(name string) (*Array, error) {
		return ReadNpyFile(filepath.Join("testdata", "numpy", name))
	}
	cases := []struct {
		name  string
		shape []int
		float []float64
		ints  []int64
	}{
		{"f8_2x3.npy", []int{2, 3}, []float64{0.5, 1.5, 2.5, 3.5, 4.5, 5.5}, nil},
		{"i8_ranks.npy", []int{4}, nil, []int64{0, 5, 2, 7}},
		{"i4.npy", []int{2}, nil, []int64{-1, 2}},
		{"empty.npy", []int{0}, []float64{}, nil},
		{"empty_2d.npy", []int{0, 4}, []float64{}, nil},
		{"scalar.npy", []int{}, []float64{2.25}, nil},
		{"v2.npy", []int{1, 2}, []float64{1, -2}, nil},
	}
	for _, c := range cases {
		a, err := read(c.name)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.Equal(a.Shape, c.shape) || !slices.Equal(a.Float, c.float) || !slices.Equal(a.Int, c.ints) {
			t.Errorf("%s: got %+v", c.name, a)
		}
	}
	// (arange(24).reshape(2,3,4) - 3) / 4 as float32: element [1][2][3] is (23-3)/4.
	a, err := read("f4_3d.npy")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Shape, []int{2, 3, 4}) || a.Float[0] != -0.75 || a.Float[1*12+2*4+3] != 5 {
		t.Fatalf("f4_3d: %+v", a)
	}
	// np.asfortranarray(arange(6.0).reshape(2, 3)): returned in C order.
	if a, err := read("fortran.npy"); err != nil || !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Float, []float64{0, 1, 2, 3, 4, 5}) {
		t.Errorf("fortran.npy: %+v, %v", a, err)
	}
	if _, err := read("bool.npy"); err == nil || !strings.Contains(err.Error(), `unsupported dtype "|b1"`) {
		t.Errorf("bool.npy: %v", err)
	}
}
