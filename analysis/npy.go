package analysis

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

// Array is an n-dimensional array read from a .npy file, in C (row-major)
// order. Floating-point files fill Float and integer files fill Int; the other
// slice is nil. Dtype is the NumPy type string of the file ("<f8", "<i8", …).
type Array struct {
	Dtype string
	Shape []int
	Float []float64
	Int   []int64
}

// Len is the number of elements (the product of the shape; 1 for a scalar).
func (a *Array) Len() int { return shapeLen(a.Shape) }

// Floats returns the elements as float64 whatever the stored type.
func (a *Array) Floats() []float64 {
	if a.Float != nil || a.Int == nil {
		return a.Float
	}
	out := make([]float64, len(a.Int))
	for i, v := range a.Int {
		out[i] = float64(v)
	}
	return out
}

func shapeLen(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

var npyMagic = []byte("\x93NUMPY")

// maxNpyHeader bounds the header length read from a file, so that a corrupt
// length field cannot make the reader allocate gigabytes.
const maxNpyHeader = 1 << 20

// maxNpyElems bounds the element count of a shape for the same reason.
const maxNpyElems = 1 << 40

// ReadNpyFile reads one .npy file; errors name the file.
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

// ReadNpy reads a .npy stream (format versions 1.0, 2.0 and 3.0). It accepts
// little-endian float64, float32, int64 and int32 arrays in C order and
// checks that the data length matches the shape exactly.
func ReadNpy(r io.Reader) (*Array, error) { return readNpy(r, -1) }

// readNpy reads the stream; size is the total stream length when known
// (else -1), used to reject a shape larger than the data before allocating.
func readNpy(r io.Reader, size int64) (*Array, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("npy: reading magic: %w", noEOF(err))
	}
	if string(pre[:6]) != string(npyMagic) {
		return nil, errors.New("npy: not a NumPy file (bad magic)")
	}
	major, minor := pre[6], pre[7]
	var hlen int64
	var prefix int64
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
	if h.fortran {
		return nil, errors.New("npy: Fortran-ordered arrays are not supported")
	}
	item, isFloat, err := dtypeInfo(h.descr)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	n := int64(1)
	for _, d := range h.shape {
		if d < 0 {
			return nil, fmt.Errorf("npy: negative dimension in shape %v", h.shape)
		}
		if d != 0 && n > maxNpyElems/int64(d) {
			return nil, fmt.Errorf("npy: shape %v too large", h.shape)
		}
		n *= int64(d)
	}
	if size >= 0 {
		if want := prefix + hlen + n*int64(item); want != size {
			return nil, fmt.Errorf("npy: shape %v of %s needs %d data bytes, file has %d",
				h.shape, h.descr, n*int64(item), size-prefix-hlen)
		}
	}
	raw := make([]byte, n*int64(item))
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("npy: data shorter than shape %v of %s: %w", h.shape, h.descr, noEOF(err))
	}
	if size < 0 {
		var extra [1]byte
		if k, _ := r.Read(extra[:]); k > 0 {
			return nil, fmt.Errorf("npy: trailing bytes after the %d elements of shape %v", n, h.shape)
		}
	}
	a := &Array{Dtype: h.descr, Shape: h.shape}
	le := binary.LittleEndian
	switch {
	case isFloat && item == 8:
		a.Float = make([]float64, n)
		for i := range a.Float {
			a.Float[i] = math.Float64frombits(le.Uint64(raw[8*i:]))
		}
	case isFloat && item == 4:
		a.Float = make([]float64, n)
		for i := range a.Float {
			a.Float[i] = float64(math.Float32frombits(le.Uint32(raw[4*i:])))
		}
	case item == 8:
		a.Int = make([]int64, n)
		for i := range a.Int {
			a.Int[i] = int64(le.Uint64(raw[8*i:]))
		}
	default:
		a.Int = make([]int64, n)
		for i := range a.Int {
			a.Int[i] = int64(int32(le.Uint32(raw[4*i:])))
		}
	}
	return a, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func dtypeInfo(descr string) (item int, isFloat bool, err error) {
	switch descr {
	case "<f8":
		return 8, true, nil
	case "<f4":
		return 4, true, nil
	case "<i8":
		return 8, false, nil
	case "<i4":
		return 4, false, nil
	}
	return 0, false, fmt.Errorf("unsupported dtype %q (want <f8, <f4, <i8 or <i4)", descr)
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
