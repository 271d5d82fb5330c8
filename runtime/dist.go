package runtime

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Dist is a random distribution as written in a model: a name and its
// numeric arguments. ParseDist fills Args in the canonical order of the
// distribution (see distSpecs), with NaN for an absent min or max bound;
// Draw also accepts shorter Args (missing optional arguments take their
// defaults), so generated code may build a Dist literal directly.
//
//	Uniform(min, max)                 uniform on [min, max)
//	DiscreteUniform(min, max)         integers in [min, max]
//	Normal(mu, sigma[, min, max])     normal, clipped to [min, max] as ANNarchy does
//	LogNormal(mu, sigma[, min, max])  exp(Normal(mu, sigma)), clipped
//	Exponential(lambda[, min, max])   rate lambda (mean 1/lambda), clipped
//	Gamma(alpha[, beta, min, max])    shape alpha, scale beta (default 1), clipped
//	Binomial(n, p)                    successes in n trials
type Dist struct {
	Name string
	Args []float64
}

// distSpec describes the arguments of one distribution.
type distSpec struct {
	name     string
	params   []string  // canonical argument names
	required int       // leading arguments that must be given
	defaults []float64 // defaults of the optional arguments (NaN: no bound)
}

var distSpecs = []distSpec{
	{"Uniform", []string{"min", "max"}, 2, nil},
	{"DiscreteUniform", []string{"min", "max"}, 2, nil},
	{"Normal", []string{"mu", "sigma", "min", "max"}, 2, []float64{math.NaN(), math.NaN()}},
	{"LogNormal", []string{"mu", "sigma", "min", "max"}, 2, []float64{math.NaN(), math.NaN()}},
	{"Exponential", []string{"Lambda", "min", "max"}, 1, []float64{math.NaN(), math.NaN()}},
	{"Gamma", []string{"alpha", "beta", "min", "max"}, 1, []float64{1, math.NaN(), math.NaN()}},
	{"Binomial", []string{"n", "p"}, 2, nil},
}

// DistNames lists the distributions ParseDist knows, in documentation order.
func DistNames() []string {
	names := make([]string, len(distSpecs))
	for i, s := range distSpecs {
		names[i] = s.name
	}
	return names
}

func lookupDist(name string) *distSpec {
	for i := range distSpecs {
		if distSpecs[i].name == name {
			return &distSpecs[i]
		}
	}
	return nil
}

// IsDist reports whether s looks like a distribution call "Name(...)" with a
// known name; it does not check the arguments.
func IsDist(s string) bool {
	s = strings.TrimSpace(s)
	i := strings.IndexByte(s, '(')
	return i > 0 && lookupDist(strings.TrimSpace(s[:i])) != nil
}

// ParseError is a syntax or range error in a value string. Offset is the
// byte offset in Input where the problem was found, so that callers that
// know where the string came from can report a file position.
type ParseError struct {
	Input  string
	Offset int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%q: %s", e.Input, e.Msg)
}

func perr(in string, off int, format string, args ...any) error {
	return &ParseError{Input: in, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// ParseDist parses a distribution such as "Uniform(-60, -50)",
// "Normal(0, 1, -1, 1)" or "Normal(0.0, 1.0, max=2.0)". Arguments are numbers;
// after the positional ones, keyword arguments name the canonical
// parameters. The result is validated.
func ParseDist(s string) (Dist, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return Dist{}, perr(s, 0, "not a distribution: want Name(args), one of %s", strings.Join(DistNames(), ", "))
	}
	name := strings.TrimSpace(s[:open])
	spec := lookupDist(name)
	if spec == nil {
		msg := fmt.Sprintf("unknown distribution %q", name)
		for _, n := range DistNames() {
			if strings.EqualFold(n, name) {
				msg += fmt.Sprintf("; did you mean %q?", n)
			}
		}
		if !strings.Contains(msg, "did you mean") {
			msg += "; known: " + strings.Join(DistNames(), ", ")
		}
		return Dist{}, perr(s, 0, "%s", msg)
	}
	end := strings.LastIndexByte(s, ')')
	if end < open || strings.TrimSpace(s[end+1:]) != "" {
		return Dist{}, perr(s, len(s), "missing closing ')' at the end")
	}
	args := make([]float64, len(spec.params))
	set := make([]bool, len(spec.params))
	body := s[open+1 : end]
	off := open + 1
	npos := 0
	sawKeyword := false
	if strings.TrimSpace(body) != "" {
		for _, part := range strings.Split(body, ",") {
			partOff := off
			off += len(part) + 1
			item := strings.TrimSpace(part)
			lead := partOff + strings.Index(part, item)
			if item == "" {
				return Dist{}, perr(s, lead, "empty argument")
			}
			idx := npos
			if eq := strings.IndexByte(item, '='); eq >= 0 {
				key := strings.TrimSpace(item[:eq])
				idx = -1
				for i, p := range spec.params {
					if strings.EqualFold(p, key) {
						idx = i
					}
				}
				if idx < 0 {
					return Dist{}, perr(s, lead, "%s has no argument %q (arguments: %s)", name, key, strings.Join(spec.params, ", "))
				}
				sawKeyword = true
				item = strings.TrimSpace(item[eq+1:])
			} else {
				if sawKeyword {
					return Dist{}, perr(s, lead, "positional argument after a keyword argument")
				}
				npos++
				if idx >= len(spec.params) {
					return Dist{}, perr(s, lead, "%s takes at most %d arguments (%s)", name, len(spec.params), strings.Join(spec.params, ", "))
				}
			}
			if set[idx] {
				return Dist{}, perr(s, lead, "argument %s given twice", spec.params[idx])
			}
			x, err := strconv.ParseFloat(item, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return Dist{}, perr(s, lead, "argument %s: %q is not a finite number", spec.params[idx], item)
			}
			args[idx], set[idx] = x, true
		}
	}
	for i := range spec.params {
		if set[i] {
			continue
		}
		if i < spec.required {
			return Dist{}, perr(s, end, "%s needs %d arguments (%s), missing %s", name, spec.required, strings.Join(spec.params[:spec.required], ", "), spec.params[i])
		}
		args[i] = spec.defaults[i-spec.required]
	}
	d := Dist{Name: name, Args: args}
	if err := d.Validate(); err != nil {
		return Dist{}, perr(s, 0, "%v", err)
	}
	return d, nil
}

// arg returns argument i, or def when Args is shorter.
func (d Dist) arg(i int, def float64) float64 {
	if i < len(d.Args) {
		return d.Args[i]
	}
	return def
}

// Validate checks the argument count and ranges.
func (d Dist) Validate() error {
	spec := lookupDist(d.Name)
	if spec == nil {
		return fmt.Errorf("unknown distribution %q", d.Name)
	}
	if len(d.Args) < spec.required || len(d.Args) > len(spec.params) {
		return fmt.Errorf("%s takes %d to %d arguments (%s), got %d", d.Name, spec.required, len(spec.params), strings.Join(spec.params, ", "), len(d.Args))
	}
	for i, a := range d.Args {
		if math.IsInf(a, 0) || (math.IsNaN(a) && (i < spec.required || spec.params[i] != "min" && spec.params[i] != "max")) {
			return fmt.Errorf("%s: argument %s must be a finite number", d.Name, spec.params[i])
		}
	}
	switch d.Name {
	case "Uniform":
		if d.Args[0] > d.Args[1] {
			return fmt.Errorf("Uniform: min %g is greater than max %g", d.Args[0], d.Args[1])
		}
	case "DiscreteUniform":
		if math.Ceil(d.Args[0]) > math.Floor(d.Args[1]) {
			return fmt.Errorf("DiscreteUniform: no integer between min %g and max %g", d.Args[0], d.Args[1])
		}
	case "Normal", "LogNormal":
		if d.Args[1] < 0 {
			return fmt.Errorf("%s: sigma must be >= 0, got %g", d.Name, d.Args[1])
		}
	case "Exponential":
		if d.Args[0] <= 0 {
			return fmt.Errorf("Exponential: Lambda (a rate) must be > 0, got %g", d.Args[0])
		}
	case "Gamma":
		if d.Args[0] <= 0 {
			return fmt.Errorf("Gamma: alpha must be > 0, got %g", d.Args[0])
		}
		if b := d.arg(1, 1); b <= 0 {
			return fmt.Errorf("Gamma: beta must be > 0, got %g", b)
		}
	case "Binomial":
		n, p := d.Args[0], d.Args[1]
		if n < 0 || n != math.Trunc(n) {
			return fmt.Errorf("Binomial: n must be a non-negative integer, got %g", n)
		}
		if p < 0 || p > 1 {
			return fmt.Errorf("Binomial: p must be in [0, 1], got %g", p)
		}
	}
	lo, hi := d.bounds()
	if lo > hi {
		return fmt.Errorf("%s: min %g is greater than max %g", d.Name, lo, hi)
	}
	return nil
}

// bounds returns the clipping bounds (-Inf/+Inf when absent).
func (d Dist) bounds() (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	first := 0
	switch d.Name {
	case "Normal", "LogNormal":
		first = 2
	case "Exponential":
		first = 1
	case "Gamma":
		first = 2
	default:
		return lo, hi
	}
	if x := d.arg(first, math.NaN()); !math.IsNaN(x) {
		lo = x
	}
	if x := d.arg(first+1, math.NaN()); !math.IsNaN(x) {
		hi = x
	}
	return lo, hi
}

// String prints d so that ParseDist reads it back, leaving out absent bounds
// (an absent min before a given max turns the max into a keyword argument).
func (d Dist) String() string {
	args := d.Args
	for len(args) > 0 && math.IsNaN(args[len(args)-1]) {
		args = args[:len(args)-1]
	}
	spec := lookupDist(d.Name)
	var b strings.Builder
	b.WriteString(d.Name)
	b.WriteByte('(')
	keyword, n := false, 0
	for i, a := range args {
		if math.IsNaN(a) {
			keyword = true
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		if keyword && spec != nil && i < len(spec.params) {
			b.WriteString(spec.params[i])
			b.WriteByte('=')
		}
		b.WriteString(strconv.FormatFloat(a, 'g', -1, 64))
	}
	b.WriteByte(')')
	return b.String()
}

// Mean returns the expected value of the unclipped distribution.
func (d Dist) Mean() float64 {
	switch d.Name {
	case "Uniform":
		return (d.Args[0] + d.Args[1]) / 2
	case "DiscreteUniform":
		return (math.Ceil(d.Args[0]) + math.Floor(d.Args[1])) / 2
	case "Normal":
		return d.Args[0]
	case "LogNormal":
		return math.Exp(d.Args[0] + d.Args[1]*d.Args[1]/2)
	case "Exponential":
		return 1 / d.Args[0]
	case "Gamma":
		return d.Args[0] * d.arg(1, 1)
	case "Binomial":
		return d.Args[0] * d.Args[1]
	}
	return math.NaN()
}

// Draw returns one deviate of d. An unknown name draws NaN (Validate
// catches it first).
func (d Dist) Draw(r *RNG) float64 {
	var x float64
	switch d.Name {
	case "Uniform":
		return r.Uniform(d.Args[0], d.Args[1])
	case "DiscreteUniform":
		return r.DiscreteUniform(d.Args[0], d.Args[1])
	case "Binomial":
		return r.Binomial(d.Args[0], d.Args[1])
	case "Normal":
		x = r.NormalMS(d.Args[0], d.Args[1])
	case "LogNormal":
		x = r.LogNormal(d.Args[0], d.Args[1])
	case "Exponential":
		x = r.Exponential(d.Args[0])
	case "Gamma":
		x = r.Gamma(d.Args[0], d.arg(1, 1))
	default:
		return math.NaN()
	}
	lo, hi := d.bounds()
	return min(max(x, lo), hi)
}

// Fill draws one deviate per element of dst, in order.
func (d Dist) Fill(dst []float64, r *RNG) {
	switch d.Name {
	case "Uniform":
		r.FillUniform(dst, d.Args[0], d.Args[1])
	case "Normal":
		r.FillNormal(dst, d.Args[0], d.Args[1])
		lo, hi := d.bounds()
		for i, x := range dst {
			dst[i] = min(max(x, lo), hi)
		}
	default:
		for i := range dst {
			dst[i] = d.Draw(r)
		}
	}
}

// Fill32 is Fill for float32 models (deviates are drawn in float64 and
// rounded).
func (d Dist) Fill32(dst []float32, r *RNG) {
	if d.Name == "Uniform" {
		r.FillUniform32(dst, d.Args[0], d.Args[1])
		return
	}
	for i := range dst {
		dst[i] = float32(d.Draw(r))
	}
}
