package results

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Expected headers are written out by hand: the dict, then spaces (21 minus
// the digits of the first dimension of growth room, then alignment) and a
// newline so that 10 + header length is a multiple of 64.
func TestNpyHeaderBytes(t *testing.T) {
	cases := []struct {
		descr  string
		shape  []int
		dict   string
		spaces int
		hlen   int
	}{
		// dict 57 chars + 20 growth + 40 pad + "\n" = 118; 10 + 118 = 128.
		{"<f8", []int{3}, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", 60, 118},
		// dict 59 + 20 + 38 + 1 = 118.
		{"<f4", []int{2, 3}, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 58, 118},
		// dict 65 + 19 + 33 + 1 = 118.
		{"<i8", []int{10, 20, 30}, "{'descr': '<i8', 'fortran_order': False, 'shape': (10, 20, 30), }", 52, 118},
		// 0-d: no growth room; dict 55 + 62 + 1 = 118.
		{"<f8", []int{}, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 62, 118},
		// 20 dimensions of 1: dict 113 + 20 + 48 + 1 = 182; 10 + 182 = 192.
		{"<f8", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
			"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), }", 68, 182},
	}
	for _, c := range cases {
		want := []byte("\x93NUMPY\x01\x00")
		want = append(want, byte(c.hlen), byte(c.hlen>>8))
		want = append(want, c.dict+strings.Repeat(" ", c.spaces)+"\n"...)
		got := NpyHeader(c.descr, c.shape)
		if !bytes.Equal(got, want) {
			t.Errorf("header %s %v:\n got %q\nwant %q", c.descr, c.shape, got, want)
		}
		if len(got)%64 != 0 {
			t.Errorf("header %s %v: %d bytes, not a multiple of 64", c.descr, c.shape, len(got))
		}
	}
}

func TestWriteNpyData(t *testing.T) {
	var b bytes.Buffer
	if err := WriteNpy(&b, []int{2}, []float64{1.5, -2}); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()[128:]
	// 1.5 = 0x3FF8000000000000, -2 = 0xC000000000000000, little-endian.
	want := []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0}
	if !bytes.Equal(data, want) {
		t.Errorf("data bytes = % x, want % x", data, want)
	}
	b.Reset()
	if err := WriteNpy(&b, []int{1}, []int64{-1}); err != nil {
		t.Fatal(err)
	}
	if got := b.Bytes()[128:]; !bytes.Equal(got, bytes.Repeat([]byte{0xff}, 8)) {
		t.Errorf("int64 -1 bytes = % x", got)
	}
	for _, bad := range []struct {
		shape []int
		data  any
		msg   string
	}{
		{[]int{3}, []float64{1, 2}, "holds 3 values, data has 2"},
		{[]int{2}, []int16{1, 2}, "unsupported data type"},
		{[]int{-1}, []float64{}, "negative dimension"},
	} {
		if err := WriteNpy(&b, bad.shape, bad.data); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("WriteNpy(%v, %T) = %v, want %q", bad.shape, bad.data, err, bad.msg)
		}
	}
}

func TestNpyRoundTrip(t *testing.T) {
	dir := t.TempDir()
	big := make([]float64, 5000) // more than one write chunk
	for i := range big {
		big[i] = math.Sin(float64(i))
	}
	cases := []struct {
		shape []int
		data  any
	}{
		{[]int{3}, []float64{1, math.Inf(-1), math.NaN()}},
		{[]int{2, 3}, []float32{1, 2, 3, 4, 5, 6.5}},
		{[]int{2, 2}, []int64{math.MinInt64, -1, 0, math.MaxInt64}},
		{[]int{}, []float64{42}},
		{[]int{0, 4}, []float64{}},
		{[]int{50, 100}, big},
		{[]int{2}, []int32{-5, 7}},
		{[]int{2}, []uint64{1 << 63, 3}},
	}
	for i, c := range cases {
		path := filepath.Join(dir, "a.npy")
		if err := WriteNpyFile(path, c.shape, c.data); err != nil {
			t.Fatal(err)
		}
		a, err := ReadNpyFile(path)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !reflect.DeepEqual(a.Shape, c.shape) {
			t.Errorf("case %d: shape %v, want %v", i, a.Shape, c.shape)
		}
		switch d := c.data.(type) {
		case []float64:
			if !sameFloats(a.Float, d) {
				t.Errorf("case %d: data %v, want %v", i, a.Float, d)
			}
		case []float32:
			if !sameFloats(a.Float, []float64{1, 2, 3, 4, 5, 6.5}) || a.Dtype != "<f4" {
				t.Errorf("case %d: data %v %s, want %v", i, a.Float, a.Dtype, d)
			}
		case []int64:
			if !reflect.DeepEqual(a.Int, d) {
				t.Errorf("case %d: data %v, want %v", i, a.Int, d)
			}
		case []int32:
			if !reflect.DeepEqual(a.Int, []int64{-5, 7}) || a.Dtype != "<i4" {
				t.Errorf("case %d: data %v %s", i, a.Int, a.Dtype)
			}
		case []uint64:
			if !reflect.DeepEqual(a.Uint, d) || a.Dtype != "<u8" {
				t.Errorf("case %d: data %v %s", i, a.Uint, a.Dtype)
			}
		}
		if names := dirNames(t, dir); len(names) != 1 {
			t.Errorf("case %d: directory holds %q, want only a.npy", i, names)
		}
	}
}

func TestReadNpyForeignAndBad(t *testing.T) {
	// A version 2.0 header with '<i4' data and an old-style (unpadded for
	// growth) dict, as other writers produce.
	dict := "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }"
	hdr := dict + strings.Repeat(" ", 64-(12+len(dict)+1)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x02\x00")
	binary.Write(&b, binary.LittleEndian, uint32(len(hdr)))
	b.WriteString(hdr)
	binary.Write(&b, binary.LittleEndian, []int32{-7, 9})
	a, err := ReadNpy(&b)
	if err != nil || !reflect.DeepEqual(a.Shape, []int{2}) || !reflect.DeepEqual(a.Int, []int64{-7, 9}) {
		t.Errorf("v2 <i4: %+v %v", a, err)
	}
	good := func(dict string) []byte {
		var b bytes.Buffer
		WriteNpy(&b, []int{1}, []float64{1})
		out := b.Bytes()
		h := NpyHeader("<f8", []int{1})
		pad := len(h) - 10 - len(dict) - 1
		copy(out[10:], dict+strings.Repeat(" ", pad)+"\n")
		return out
	}
	for _, c := range []struct {
		in  []byte
		msg string
	}{
		{[]byte("PK\x03\x04zipfile!"), "bad magic"},
		{[]byte("\x93NUMPY\x09\x00"), "unsupported format version"},
		{good("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }"), "fortran_order must be True or False"},
		{good("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }"), "unsupported dtype"},
		{good("{'descr': '<f8', 'fortran_order': False, 'shape': (x,), }"), "expected a dimension"},
		{good("{'descr': '<f8', 'fortran_order': False, }"), "missing key \"shape\""},
		{good("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"), "data shorter"},
		{[]byte("\x93NUMPY\x01\x00\x10"), "header length"},
	} {
		if _, err := ReadNpy(bytes.NewReader(c.in)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ReadNpy(%q...) = %v, want %q", c.in[:min(len(c.in), 30)], err, c.msg)
		}
	}
}

func TestNpyStream(t *testing.T) {
	dir := t.TempDir()
	frames := [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}
	for _, dtype := range []string{"float64", "float32", "int64"} {
		path := filepath.Join(dir, dtype+".npy")
		s, err := CreateNpyStream(path, []int{2, 2}, dtype)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range frames {
			if err := s.Append(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Append([]float64{1}); err == nil {
			t.Error("a frame of the wrong size must fail")
		}
		if s.Frames() != 3 {
			t.Errorf("Frames() = %d", s.Frames())
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err == nil {
			t.Error("second Close must fail")
		}
		// The file is byte-identical to writing the whole array at once.
		var flat []float64
		for _, f := range frames {
			flat = append(flat, f...)
		}
		var whole any = flat
		switch dtype {
		case "float32":
			f32 := make([]float32, len(flat))
			for i, x := range flat {
				f32[i] = float32(x)
			}
			whole = f32
		case "int64":
			i64 := make([]int64, len(flat))
			for i, x := range flat {
				i64[i] = int64(x)
			}
			whole = i64
		}
		var want bytes.Buffer
		if err := WriteNpy(&want, []int{3, 2, 2}, whole); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(path)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s stream:\n got %q\nwant %q", dtype, got, want.Bytes())
		}
	}
	// Float32 and int64 frames, and an empty stream.
	path := filepath.Join(dir, "mixed.npy")
	s, err := CreateNpyStream(path, []int{2}, "<f4")
	if err != nil {
		t.Fatal(err)
	}
	s.Append32([]float32{0.5, 1.5})
	s.AppendInt64([]int64{3, 4})
	s.Close()
	a, err := ReadNpyFile(path)
	if err != nil || !reflect.DeepEqual(a.Shape, []int{2, 2}) || !reflect.DeepEqual(a.Float, []float64{0.5, 1.5, 3, 4}) || a.Dtype != "<f4" {
		t.Errorf("mixed stream: %+v %v", a, err)
	}
	path = filepath.Join(dir, "empty.npy")
	s, _ = CreateNpyStream(path, []int{5}, "f8")
	s.Close()
	a, err = ReadNpyFile(path)
	if err != nil || !reflect.DeepEqual(a.Shape, []int{0, 5}) || len(a.Float) != 0 {
		t.Errorf("empty stream: %+v %v", a, err)
	}
	if _, err := CreateNpyStream(path, []int{5}, "int8"); err == nil {
		t.Error("unsupported dtype must fail")
	}
}

func BenchmarkNpyStreamAppend4000(b *testing.B) {
	s, err := CreateNpyStream(filepath.Join(b.TempDir(), "s.npy"), []int{4000}, "float64")
	if err != nil {
		b.Fatal(err)
	}
	frame := make([]float64, 4000)
	for b.Loop() {
		s.Append(frame)
	}
	s.Close()
}

// sameFloats compares bit for bit, NaN equal to NaN.
func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}
