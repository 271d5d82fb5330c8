package runtime

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ValueKind says which field of a Value is meaningful.
type ValueKind uint8

// The kinds of Value.
const (
	NumValue  ValueKind = iota // one number for every element
	ListValue                  // one number per element
	DistValue                  // drawn per element from a distribution
)

func (k ValueKind) String() string {
	switch k {
	case NumValue:
		return "number"
	case ListValue:
		return "list"
	case DistValue:
		return "distribution"
	}
	return fmt.Sprintf("ValueKind(%d)", uint8(k))
}

// Value is what a model or a -set flag gives for a parameter, an initial
// state, a weight or a delay: a number, a list with one number per element,
// or a distribution drawn per element.
type Value struct {
	Kind ValueKind
	Num  float64
	List []float64
	Dist Dist
}

// Num returns the Value holding the number x.
func Num(x float64) Value { return Value{Kind: NumValue, Num: x} }

// List returns the Value holding one number per element.
func List(xs []float64) Value { return Value{Kind: ListValue, List: xs} }

// FromDist returns the Value drawing each element from d.
func FromDist(d Dist) Value { return Value{Kind: DistValue, Dist: d} }

// ParseValue reads a number ("-60", "1e-3", "True"/"False" as 1/0), a list
// ("[1, 2, 3]", "1,2,3", "1 2 3"; nested brackets are flattened in row-major
// order, NaN allowed) or a distribution ("Uniform(-60, -50)").
func ParseValue(s string) (Value, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return Value{}, perr(s, 0, "empty value")
	}
	if IsDist(t) || (strings.IndexByte(t, '(') > 0 && isIdentStart(t[0])) {
		d, err := ParseDist(t)
		if err != nil {
			if pe, ok := err.(*ParseError); ok {
				pe.Input = s
				pe.Offset += strings.Index(s, t)
			}
			return Value{}, err
		}
		return FromDist(d), nil
	}
	if x, ok := parseScalar(t); ok {
		return Num(x), nil
	}
	bracketed := strings.HasPrefix(t, "[")
	if !bracketed && !strings.ContainsAny(t, ", \t\n") {
		return Value{}, perr(s, strings.Index(s, t), "not a number, list or distribution")
	}
	var list []float64
	depth := 0
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '[':
			depth++
			i++
		case c == ']':
			depth--
			if depth < 0 {
				return Value{}, perr(s, i, "unbalanced ']'")
			}
			i++
		case c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune("[], \t\n\r", rune(s[j])) {
				j++
			}
			x, ok := parseScalar(s[i:j])
			if !ok {
				return Value{}, perr(s, i, "%q is not a number", s[i:j])
			}
			list = append(list, x)
			i = j
		}
	}
	if depth != 0 {
		return Value{}, perr(s, len(s), "unbalanced '['")
	}
	if list == nil {
		list = []float64{}
	}
	return List(list), nil
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// parseScalar reads a decimal number, NaN/Inf, or a Python/YAML boolean.
func parseScalar(s string) (float64, bool) {
	switch s {
	case "True", "true":
		return 1, true
	case "False", "false":
		return 0, true
	}
	if strings.ContainsAny(s, "_xXpP") && !strings.EqualFold(s, "nan") && !strings.EqualFold(strings.TrimLeft(s, "+-"), "inf") {
		return 0, false // no Go-only syntax (hex, underscores)
	}
	x, err := strconv.ParseFloat(s, 64)
	return x, err == nil
}

// String prints v so that ParseValue reads it back.
func (v Value) String() string {
	switch v.Kind {
	case NumValue:
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	case ListValue:
		var b strings.Builder
		b.WriteByte('[')
		for i, x := range v.List {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		}
		b.WriteByte(']')
		return b.String()
	case DistValue:
		return v.Dist.String()
	}
	return "<invalid Value>"
}

// Fill writes v into dst: the number everywhere, the list element by element
// (its length must be len(dst)), or one draw per element from r.
func (v Value) Fill(dst []float64, r *RNG) error {
	switch v.Kind {
	case NumValue:
		for i := range dst {
			dst[i] = v.Num
		}
	case ListValue:
		if len(v.List) != len(dst) {
			return fmt.Errorf("list has %d values, want %d", len(v.List), len(dst))
		}
		copy(dst, v.List)
	case DistValue:
		if r == nil {
			return fmt.Errorf("%s: no random stream", v.Dist)
		}
		if err := v.Dist.Validate(); err != nil {
			return err
		}
		v.Dist.Fill(dst, r)
	default:
		return fmt.Errorf("invalid value kind %d", v.Kind)
	}
	return nil
}

// Fill32 is Fill for float32 models.
func (v Value) Fill32(dst []float32, r *RNG) error {
	switch v.Kind {
	case NumValue:
		x := float32(v.Num)
		for i := range dst {
			dst[i] = x
		}
	case ListValue:
		if len(v.List) != len(dst) {
			return fmt.Errorf("list has %d values, want %d", len(v.List), len(dst))
		}
		for i, x := range v.List {
			dst[i] = float32(x)
		}
	case DistValue:
		if r == nil {
			return fmt.Errorf("%s: no random stream", v.Dist)
		}
		if err := v.Dist.Validate(); err != nil {
			return err
		}
		v.Dist.Fill32(dst, r)
	default:
		return fmt.Errorf("invalid value kind %d", v.Kind)
	}
	return nil
}

// Scalar returns the number of a NumValue, or an error naming the kind, for
// parameters that hold one value (population or projection parameters,
// constants). A one-element list counts as a number.
func (v Value) Scalar() (float64, error) {
	switch {
	case v.Kind == NumValue:
		return v.Num, nil
	case v.Kind == ListValue && len(v.List) == 1:
		return v.List[0], nil
	}
	return math.NaN(), fmt.Errorf("want a single number, got a %s (%s)", v.Kind, v)
}

// CheckInt refuses a value for an int parameter or variable that is not a
// whole number (Set would otherwise keep its fraction).
func CheckInt(x float64) error {
	if x != math.Trunc(x) || math.IsInf(x, 0) {
		return fmt.Errorf("%g: an int takes whole numbers", x)
	}
	return nil
}

// CheckBool refuses a value for a bool parameter or variable other than 0
// (false) and 1 (true).
func CheckBool(x float64) error {
	if x != 0 && x != 1 {
		return fmt.Errorf("%g: a bool takes 0 (false) or 1 (true)", x)
	}
	return nil
}
