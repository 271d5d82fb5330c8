package runtime

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// The .npy writer produces exactly what numpy.save (NumPy 2) writes for a
// C-ordered little-endian array: the magic "\x93NUMPY", version 1.0, a
// little-endian uint16 header length, then the header dictionary with
// sorted keys, 21 minus the digits of the first dimension spaces of growth
// room, spaces and a newline up to a multiple of 64 bytes.

const (
	npyAlign      = 64
	npyGrowDigits = 21 // room for the first dimension to grow in place
)

// npyDescr returns the NumPy descriptor and item size of a dtype name.
// Accepted names: "<f8"/"f8"/"float64", "<f4"/"f4"/"float32", "<i8"/"i8"/"int64".
func npyDescr(dtype string) (string, int, error) {
	switch dtype {
	case "<f8", "f8", "float64":
		return "<f8", 8, nil
	case "<f4", "f4", "float32":
		return "<f4", 4, nil
	case "<i8", "i8", "int64":
		return "<i8", 8, nil
	}
	return "", 0, fmt.Errorf("npy: unsupported dtype %q (want float64, float32 or int64)", dtype)
}

// NpyHeader returns the complete header (magic to newline) numpy writes for
// a C-ordered array of the given descriptor ("<f8", "<f4", "<i8") and shape.
func NpyHeader(descr string, shape []int) []byte {
	var b strings.Builder
	b.WriteString("{'descr': '")
	b.WriteString(descr)
	b.WriteString("', 'fortran_order': False, 'shape': (")
	for i, n := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(n))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteString("), }")
	if len(shape) > 0 {
		b.WriteString(strings.Repeat(" ", max(0, npyGrowDigits-len(strconv.Itoa(shape[0])))))
	}
	hlen := b.Len() + 1
	pad := npyAlign - (10+hlen)%npyAlign
	b.WriteString(strings.Repeat(" ", pad))
	b.WriteByte('\n')
	body := b.String()
	out := make([]byte, 0, 10+len(body))
	out = append(out, "\x93NUMPY\x01\x00"...)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(body)))
	return append(out, body...)
}

func shapeSize(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("npy: negative dimension in shape %v", shape)
		}
		n *= d
	}
	return n, nil
}

// WriteNpy writes data ([]float64, []float32 or []int64) with the given
// shape in NumPy .npy format. The product of shape must equal len(data).
func WriteNpy(w io.Writer, shape []int, data any) error {
	n, err := shapeSize(shape)
	if err != nil {
		return err
	}
	var descr string
	var count int
	switch d := data.(type) {
	case []float64:
		descr, count = "<f8", len(d)
	case []float32:
		descr, count = "<f4", len(d)
	case []int64:
		descr, count = "<i8", len(d)
	default:
		return fmt.Errorf("npy: unsupported data type %T (want []float64, []float32 or []int64)", data)
	}
	if count != n {
		return fmt.Errorf("npy: shape %v holds %d values, data has %d", shape, n, count)
	}
	if _, err := w.Write(NpyHeader(descr, shape)); err != nil {
		return err
	}
	return writeNpyData(w, data)
}

// writeNpyData writes the little-endian bytes of data in chunks.
func writeNpyData(w io.Writer, data any) error {
	var buf [8192]byte
	switch d := data.(type) {
	case []float64:
		for len(d) > 0 {
			k := min(len(d), len(buf)/8)
			for i, x := range d[:k] {
				binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
			}
			if _, err := w.Write(buf[:8*k]); err != nil {
				return err
			}
			d = d[k:]
		}
	case []float32:
		for len(d) > 0 {
			k := min(len(d), len(buf)/4)
			for i, x := range d[:k] {
				binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
			}
			if _, err := w.Write(buf[:4*k]); err != nil {
				return err
			}
			d = d[k:]
		}
	case []int64:
		for len(d) > 0 {
			k := min(len(d), len(buf)/8)
			for i, x := range d[:k] {
				binary.LittleEndian.PutUint64(buf[8*i:], uint64(x))
			}
			if _, err := w.Write(buf[:8*k]); err != nil {
				return err
			}
			d = d[k:]
		}
	}
	return nil
}

// WriteNpyFile writes data to path in .npy format (see WriteNpy).
func WriteNpyFile(path string, shape []int, data any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = WriteNpy(bw, shape, data)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadNpy reads a C-ordered little-endian .npy array (format 1.0, 2.0 or
// 3.0) of dtype <f8, <f4, <i8 or <i4. data is []float64, []float32 or
// []int64 (<i4 is widened to []int64).
func ReadNpy(r io.Reader) (shape []int, data any, err error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, nil, fmt.Errorf("npy: reading magic: %w", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, nil, errors.New("npy: not a .npy file (bad magic)")
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
		if hlen > 1<<24 {
			return nil, nil, fmt.Errorf("npy: header length %d too large", hlen)
		}
	default:
		return nil, nil, fmt.Errorf("npy: unsupported format version %d.%d", pre[6], pre[7])
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, nil, fmt.Errorf("npy: reading header: %w", err)
	}
	descr, fortran, shape, err := parseNpyHeader(string(hdr))
	if err != nil {
		return nil, nil, err
	}
	if fortran {
		return nil, nil, errors.New("npy: fortran_order True is not supported")
	}
	n, err := shapeSize(shape)
	if err != nil {
		return nil, nil, err
	}
	var size int
	switch descr {
	case "<f8", "<i8":
		size = 8
	case "<f4", "<i4":
		size = 4
	default:
		return nil, nil, fmt.Errorf("npy: unsupported dtype %q (want <f8, <f4, <i8 or <i4)", descr)
	}
	if n > (1<<40)/size {
		return nil, nil, fmt.Errorf("npy: shape %v too large", shape)
	}
	raw := make([]byte, n*size)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, nil, fmt.Errorf("npy: reading %d values: %w", n, err)
	}
	switch descr {
	case "<f8":
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		return shape, out, nil
	case "<f4":
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return shape, out, nil
	case "<i8":
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		return shape, out, nil
	default: // "<i4"
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(int32(binary.LittleEndian.Uint32(raw[4*i:])))
		}
		return shape, out, nil
	}
}

// parseNpyHeader reads the Python dict literal of a .npy header.
func parseNpyHeader(h string) (descr string, fortran bool, shape []int, err error) {
	h = strings.TrimSpace(h)
	if !strings.HasPrefix(h, "{") || !strings.HasSuffix(h, "}") {
		return "", false, nil, fmt.Errorf("npy: malformed header %q", h)
	}
	field := func(key string) (string, error) {
		i := strings.Index(h, "'"+key+"'")
		if i < 0 {
			i = strings.Index(h, `"`+key+`"`)
		}
		if i < 0 {
			return "", fmt.Errorf("npy: header has no %q: %q", key, h)
		}
		rest := strings.TrimSpace(h[i+len(key)+2:])
		if !strings.HasPrefix(rest, ":") {
			return "", fmt.Errorf("npy: malformed header %q", h)
		}
		return strings.TrimSpace(rest[1:]), nil
	}
	v, err := field("descr")
	if err != nil {
		return "", false, nil, err
	}
	if len(v) < 2 || (v[0] != '\'' && v[0] != '"') {
		return "", false, nil, fmt.Errorf("npy: unsupported descr in header %q", h)
	}
	end := strings.IndexByte(v[1:], v[0])
	if end < 0 {
		return "", false, nil, fmt.Errorf("npy: malformed descr in header %q", h)
	}
	descr = v[1 : 1+end]
	if v, err = field("fortran_order"); err != nil {
		return "", false, nil, err
	}
	fortran = strings.HasPrefix(v, "True")
	if !fortran && !strings.HasPrefix(v, "False") {
		return "", false, nil, fmt.Errorf("npy: malformed fortran_order in header %q", h)
	}
	if v, err = field("shape"); err != nil {
		return "", false, nil, err
	}
	close := strings.IndexByte(v, ')')
	if !strings.HasPrefix(v, "(") || close < 0 {
		return "", false, nil, fmt.Errorf("npy: malformed shape in header %q", h)
	}
	shape = []int{}
	for _, part := range strings.Split(v[1:close], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d, err := strconv.Atoi(strings.TrimSuffix(part, "L"))
		if err != nil || d < 0 {
			return "", false, nil, fmt.Errorf("npy: bad dimension %q in header %q", part, h)
		}
		shape = append(shape, d)
	}
	return descr, fortran, shape, nil
}

// ReadNpyFile reads a .npy file (see ReadNpy).
func ReadNpyFile(path string) (shape []int, data any, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	shape, data, err = ReadNpy(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return shape, data, nil
}

// NpyStream writes an array of shape (T, frame...) one frame at a time, so
// long recordings need bounded memory. The header is written for T = 0 and
// rewritten with the final T on Close; numpy's growth room in the header
// keeps its length unchanged, so the file is byte-identical to what
// numpy.save writes for the whole array.
type NpyStream struct {
	f      *os.File
	w      *bufio.Writer
	path   string
	descr  string
	frame  []int
	size   int // values per frame
	frames int
	buf    []byte
	err    error
}

// CreateNpyStream creates path and writes the header of an empty
// (0, frame...) array of dtype "float64", "float32" or "int64" (or the
// NumPy descriptors "<f8", "<f4", "<i8").
func CreateNpyStream(path string, frame []int, dtype string) (*NpyStream, error) {
	descr, item, err := npyDescr(dtype)
	if err != nil {
		return nil, err
	}
	size, err := shapeSize(frame)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	s := &NpyStream{f: f, w: bufio.NewWriterSize(f, 1<<16), path: path, descr: descr,
		frame: append([]int(nil), frame...), size: size, buf: make([]byte, size*item)}
	if _, err := s.w.Write(NpyHeader(descr, s.shape())); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func (s *NpyStream) shape() []int {
	return append([]int{s.frames}, s.frame...)
}

// Frames returns the number of frames appended so far.
func (s *NpyStream) Frames() int { return s.frames }

// Path returns the file name given to CreateNpyStream.
func (s *NpyStream) Path() string { return s.path }

func (s *NpyStream) put(i int, x float64) {
	switch s.descr {
	case "<f8":
		binary.LittleEndian.PutUint64(s.buf[8*i:], math.Float64bits(x))
	case "<f4":
		binary.LittleEndian.PutUint32(s.buf[4*i:], math.Float32bits(float32(x)))
	default:
		binary.LittleEndian.PutUint64(s.buf[8*i:], uint64(int64(x)))
	}
}

func (s *NpyStream) writeFrame() error {
	if _, err := s.w.Write(s.buf); err != nil {
		s.err = err
		return err
	}
	s.frames++
	return nil
}

// Append writes one frame, converted to the stream's dtype; len(vals) must
// be the frame size.
func (s *NpyStream) Append(vals []float64) error {
	if s.err != nil {
		return s.err
	}
	if len(vals) != s.size {
		return fmt.Errorf("npy stream %s: frame has %d values, want %d", s.path, len(vals), s.size)
	}
	if s.descr == "<f8" {
		for i, x := range vals {
			binary.LittleEndian.PutUint64(s.buf[8*i:], math.Float64bits(x))
		}
	} else {
		for i, x := range vals {
			s.put(i, x)
		}
	}
	return s.writeFrame()
}

// Append32 writes one frame given as float32 values.
func (s *NpyStream) Append32(vals []float32) error {
	if s.err != nil {
		return s.err
	}
	if len(vals) != s.size {
		return fmt.Errorf("npy stream %s: frame has %d values, want %d", s.path, len(vals), s.size)
	}
	if s.descr == "<f4" {
		for i, x := range vals {
			binary.LittleEndian.PutUint32(s.buf[4*i:], math.Float32bits(x))
		}
	} else {
		for i, x := range vals {
			s.put(i, float64(x))
		}
	}
	return s.writeFrame()
}

// AppendInt64 writes one frame given as int64 values.
func (s *NpyStream) AppendInt64(vals []int64) error {
	if s.err != nil {
		return s.err
	}
	if len(vals) != s.size {
		return fmt.Errorf("npy stream %s: frame has %d values, want %d", s.path, len(vals), s.size)
	}
	for i, x := range vals {
		if s.descr == "<i8" {
			binary.LittleEndian.PutUint64(s.buf[8*i:], uint64(x))
		} else {
			s.put(i, float64(x))
		}
	}
	return s.writeFrame()
}

// Close flushes the data, rewrites the header with the number of frames and
// closes the file. Closing twice is an error.
func (s *NpyStream) Close() error {
	if s.f == nil {
		return fmt.Errorf("npy stream %s: already closed", s.path)
	}
	err := s.err
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	if err == nil {
		_, err = s.f.WriteAt(NpyHeader(s.descr, s.shape()), 0)
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	if err != nil {
		return fmt.Errorf("npy stream %s: %w", s.path, err)
	}
	return nil
}

// AsFloat64 converts what ReadNpy returns ([]float64, []float32 or []int64)
// to float64 values; a []float64 is returned as is.
func AsFloat64(data any) ([]float64, error) {
	switch d := data.(type) {
	case []float64:
		return d, nil
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out, nil
	case []int64:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out, nil
	}
	return nil, fmt.Errorf("npy: cannot convert %T to float64 values", data)
}
