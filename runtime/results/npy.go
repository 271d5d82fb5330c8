package results

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
// room, spaces and a newline up to a multiple of 64 bytes. The growth room
// lets a stream rewrite the header with a larger first dimension in place.

const (
	npyAlign      = 64
	npyGrowDigits = 21
	// maxNpyHeader bounds the header length read from a file, so that a
	// corrupt length field cannot make the reader allocate gigabytes.
	maxNpyHeader = 1 << 20
	// maxNpyElems bounds the element count of a shape for the same reason.
	maxNpyElems = 1 << 40
)

// Array is an n-dimensional array read from a .npy file, in C (row-major)
// order. Floating-point files fill Float, signed integer files Int and
// uint64 files Uint; the other slices are nil. Dtype is the NumPy descriptor
// of the file ("<f8", "<f4", "<i8", "<i4", "<u8").
type Array struct {
	Dtype string
	Shape []int
	Float []float64
	Int   []int64
	Uint  []uint64
}

// Len is the number of elements (the product of the shape; 1 for a scalar).
func (a *Array) Len() int { return shapeLen(a.Shape) }

// Floats returns the elements as float64 whatever the stored type; a float
// array's own slice is returned as is.
func (a *Array) Floats() []float64 {
	switch {
	case a.Int != nil:
		out := make([]float64, len(a.Int))
		for i, v := range a.Int {
			out[i] = float64(v)
		}
		return out
	case a.Uint != nil:
		out := make([]float64, len(a.Uint))
		for i, v := range a.Uint {
			out[i] = float64(v)
		}
		return out
	}
	return a.Float
}

func shapeLen(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Descr returns the NumPy descriptor and item size of a dtype name: the
// names a manifest uses ("float64", "float32", "int64", "int32", "uint64")
// or NumPy's own ("<f8", "f8", ...).
func Descr(dtype string) (string, int, error) {
	switch dtype {
	case "<f8", "f8", "float64":
		return "<f8", 8, nil
	case "<f4", "f4", "float32":
		return "<f4", 4, nil
	case "<i8", "i8", "int64":
		return "<i8", 8, nil
	case "<i4", "i4", "int32":
		return "<i4", 4, nil
	case "<u8", "u8", "uint64":
		return "<u8", 8, nil
	}
	return "", 0, fmt.Errorf("npy: unsupported dtype %q (want float64, float32, int64, int32 or uint64)", dtype)
}

// NpyHeader returns the complete header (magic to newline) numpy writes for
// a C-ordered array of the given descriptor ("<f8", "<f4", "<i8", ...) and
// shape.
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

func checkShape(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("npy: negative dimension in shape %v", shape)
		}
		if d != 0 && n > maxNpyElems/d {
			return 0, fmt.Errorf("npy: shape %v too large", shape)
		}
		n *= d
	}
	return n, nil
}

// dataInfo returns the descriptor and length of a slice WriteNpy accepts.
func dataInfo(data any) (descr string, n int, err error) {
	switch d := data.(type) {
	case []float64:
		return "<f8", len(d), nil
	case []float32:
		return "<f4", len(d), nil
	case []int64:
		return "<i8", len(d), nil
	case []int32:
		return "<i4", len(d), nil
	case []uint64:
		return "<u8", len(d), nil
	}
	return "", 0, fmt.Errorf("npy: unsupported data type %T (want []float64, []float32, []int64, []int32 or []uint64)", data)
}

// WriteNpy writes data ([]float64, []float32, []int64, []int32 or []uint64)
// with the given shape in NumPy .npy format. The product of shape must
// equal len(data).
func WriteNpy(w io.Writer, shape []int, data any) error {
	n, err := checkShape(shape)
	if err != nil {
		return err
	}
	descr, count, err := dataInfo(data)
	if err != nil {
		return err
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
	le := binary.LittleEndian
	chunks := func(n, item int, put func(b []byte, i int)) error {
		for i := 0; i < n; {
			k := min(n-i, len(buf)/item)
			for j := 0; j < k; j++ {
				put(buf[item*j:], i+j)
			}
			if _, err := w.Write(buf[:item*k]); err != nil {
				return err
			}
			i += k
		}
		return nil
	}
	switch d := data.(type) {
	case []float64:
		return chunks(len(d), 8, func(b []byte, i int) { le.PutUint64(b, math.Float64bits(d[i])) })
	case []float32:
		return chunks(len(d), 4, func(b []byte, i int) { le.PutUint32(b, math.Float32bits(d[i])) })
	case []int64:
		return chunks(len(d), 8, func(b []byte, i int) { le.PutUint64(b, uint64(d[i])) })
	case []int32:
		return chunks(len(d), 4, func(b []byte, i int) { le.PutUint32(b, uint32(d[i])) })
	case []uint64:
		return chunks(len(d), 8, func(b []byte, i int) { le.PutUint64(b, d[i]) })
	}
	return nil
}

// WriteNpyFile writes data to path in .npy format (see WriteNpy), through a
// temporary file renamed over path when complete: path holds the previous
// array or the new one, never a part of it.
func WriteNpyFile(path string, shape []int, data any) error {
	return writeAtomic(path, false, func(f *os.File) error {
		bw := bufio.NewWriterSize(f, 1<<16)
		if err := WriteNpy(bw, shape, data); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// ReadNpyFile reads one .npy file; the file's length must be exactly what
// its header announces. Errors name the file.
func ReadNpyFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	a, err := readNpy(bufio.NewReaderSize(f, 1<<16), st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// ReadNpy reads a .npy stream (format versions 1.0, 2.0 and 3.0) of
// little-endian float64, float32, int64, int32 or uint64 values, in C order
// or in Fortran order (numpy.save of a transposed array), which it returns
// in C order.
// Like numpy.load, it reads what the header announces and ignores what
// follows (the frames a killed stream wrote after its last header update).
func ReadNpy(r io.Reader) (*Array, error) { return readNpy(r, -1) }

// NpyInfo is what the header of a .npy file says.
type NpyInfo struct {
	Dtype      string // NumPy descriptor
	Shape      []int
	DataOffset int64 // where the data starts
	DataBytes  int64 // bytes of data the shape needs
	// Fortran: the data is in column-major order (ReadNpy returns it in C
	// order).
	Fortran bool
}

// ReadNpyHeader reads the header of a .npy stream.
func ReadNpyHeader(r io.Reader) (*NpyInfo, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("npy: reading magic: %w", noEOF(err))
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, errors.New("npy: not a NumPy file (bad magic)")
	}
	major, minor := pre[6], pre[7]
	var hlen, prefix int64
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy: reading header length: %w", noEOF(err))
		}
		hlen, prefix = int64(binary.LittleEndian.Uint16(b[:])), 10
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy: reading header length: %w", noEOF(err))
		}
		hlen, prefix = int64(binary.LittleEndian.Uint32(b[:])), 12
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d.%d", major, minor)
	}
	if hlen > maxNpyHeader {
		return nil, fmt.Errorf("npy: header length %d too large", hlen)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("npy: reading header: %w", noEOF(err))
	}
	h, err := parseNpyHeader(string(hdr))
	if err != nil {
		return nil, fmt.Errorf("npy: header %q: %w", strings.TrimSpace(string(hdr)), err)
	}
	_, item, err := Descr(h.descr)
	if err != nil || !strings.HasPrefix(h.descr, "<") {
		return nil, fmt.Errorf("npy: unsupported dtype %q (want <f8, <f4, <i8, <i4 or <u8)", h.descr)
	}
	n, err := checkShape(h.shape)
	if err != nil {
		return nil, err
	}
	return &NpyInfo{Dtype: h.descr, Shape: h.shape, DataOffset: prefix + hlen, DataBytes: int64(n) * int64(item), Fortran: h.fortran}, nil
}

// ReadNpyFileHeader reads the header of a .npy file and checks that the
// file's length is exactly what it announces.
func ReadNpyFileHeader(path string) (*NpyInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	info, err := ReadNpyHeader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if want := info.DataOffset + info.DataBytes; want != st.Size() {
		return nil, fmt.Errorf("%s: npy: shape %v of %s needs %d data bytes, file has %d",
			path, info.Shape, info.Dtype, info.DataBytes, st.Size()-info.DataOffset)
	}
	return info, nil
}

// readNpy reads the stream; size is the total stream length when known
// (else -1), used to reject a length that does not match the shape before
// allocating.
func readNpy(r io.Reader, size int64) (*Array, error) {
	h, err := ReadNpyHeader(r)
	if err != nil {
		return nil, err
	}
	if size >= 0 && h.DataOffset+h.DataBytes != size {
		return nil, fmt.Errorf("npy: shape %v of %s needs %d data bytes, file has %d",
			h.Shape, h.Dtype, h.DataBytes, size-h.DataOffset)
	}
	raw := make([]byte, h.DataBytes)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("npy: data shorter than shape %v of %s: %w", h.Shape, h.Dtype, noEOF(err))
	}
	n := shapeLen(h.Shape)
	a := &Array{Dtype: h.Dtype, Shape: h.Shape}
	le := binary.LittleEndian
	switch h.Dtype {
	case "<f8":
		a.Float = make([]float64, n)
		for i := range a.Float {
			a.Float[i] = math.Float64frombits(le.Uint64(raw[8*i:]))
		}
	case "<f4":
		a.Float = make([]float64, n)
		for i := range a.Float {
			a.Float[i] = float64(math.Float32frombits(le.Uint32(raw[4*i:])))
		}
	case "<i8":
		a.Int = make([]int64, n)
		for i := range a.Int {
			a.Int[i] = int64(le.Uint64(raw[8*i:]))
		}
	case "<i4":
		a.Int = make([]int64, n)
		for i := range a.Int {
			a.Int[i] = int64(int32(le.Uint32(raw[4*i:])))
		}
	case "<u8":
		a.Uint = make([]uint64, n)
		for i := range a.Uint {
			a.Uint[i] = le.Uint64(raw[8*i:])
		}
	}
	if h.Fortran && len(h.Shape) > 1 {
		a.Float, a.Int, a.Uint = toCOrder(a.Float, h.Shape), toCOrder(a.Int, h.Shape), toCOrder(a.Uint, h.Shape)
	}
	return a, nil
}

// toCOrder returns the values of an array of the shape stored in Fortran
// (column-major) order in C (row-major) order; nil stays nil.
func toCOrder[T any](f []T, shape []int) []T {
	if f == nil {
		return nil
	}
	c := make([]T, len(f))
	if len(c) == 0 {
		return c
	}
	// Walk C order, the last index fastest, keeping the Fortran offset of
	// the index, where the first index moves by 1 and index k by the
	// product of the dimensions before it.
	stride := make([]int, len(shape))
	s := 1
	for k, d := range shape {
		stride[k] = s
		s *= d
	}
	idx := make([]int, len(shape))
	off := 0
	for i := range c {
		c[i] = f[off]
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			off += stride[k]
			if idx[k] < shape[k] {
				break
			}
			off -= idx[k] * stride[k]
			idx[k] = 0
		}
	}
	return c
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNpyHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }. Exactly the
// three keys NumPy writes are required; anything else is an error.
func parseNpyHeader(s string) (npyHeader, error) {
	p := &litParser{s: s}
	var h npyHeader
	p.space()
	if !p.eat('{') {
		return h, p.errf("expected '{'")
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		p.space()
		if !p.eat(':') {
			return h, p.errf("expected ':' after key %q", key)
		}
		p.space()
		if seen[key] {
			return h, p.errf("duplicate key %q", key)
		}
		seen[key] = true
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, err
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
				h.fortran = false
			default:
				return h, p.errf("fortran_order must be True or False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, err
			}
		default:
			return h, p.errf("unexpected key %q", key)
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat('}') {
			return h, p.errf("expected ',' or '}'")
		}
		break
	}
	p.space()
	if p.i != len(p.s) {
		return h, p.errf("unexpected text after the dictionary")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("missing key %q", k)
		}
	}
	return h, nil
}

type litParser struct {
	s string
	i int
}

func (p *litParser) errf(format string, args ...any) error {
	return fmt.Errorf("at offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *litParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *litParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *litParser) word(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *litParser) str() (string, error) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", p.errf("expected a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", p.errf("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *litParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, p.errf("shape must be a tuple")
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			return shape, nil
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if start == p.i {
			return nil, p.errf("expected a dimension")
		}
		d, err := strconv.Atoi(p.s[start:p.i])
		if err != nil {
			return nil, p.errf("dimension %q: %v", p.s[start:p.i], err)
		}
		shape = append(shape, d)
		p.space()
		if p.eat(',') {
			continue
		}
		if !p.eat(')') {
			return nil, p.errf("expected ',' or ')' in shape")
		}
		return shape, nil
	}
}
