package ir

import (
	"math"
	"sort"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/parser"
)

// flatten appends the numbers of a (possibly nested) list value.
func (b *builder) flatten(v *parser.Value, out []float64) ([]float64, bool) {
	switch {
	case v.IsNum:
		return append(out, v.Num), true
	case v.Bool != nil:
		if *v.Bool {
			return append(out, 1), true
		}
		return append(out, 0), true
	case v.List != nil:
		for i := range v.List {
			var ok bool
			if out, ok = b.flatten(&v.List[i], out); !ok {
				return out, false
			}
		}
		return out, true
	}
	b.errorf(v.Pos, "expected a number")
	return out, false
}

// value converts a number, a list of numbers (size of them when size > 0)
// or a distribution string.
func (b *builder) value(v *parser.Value, size int, what string) (Value, bool) {
	out := Value{Pos: v.Pos}
	switch {
	case v.IsNum:
		out.Num = v.Num
		return out, true
	case v.Bool != nil:
		if *v.Bool {
			out.Num = 1
		}
		return out, true
	case v.List != nil:
		list, ok := b.flatten(v, nil)
		if !ok {
			return out, false
		}
		if size > 0 && len(list) != size {
			b.errorf(v.Pos, "%s: %d values for %d elements", what, len(list), size)
			return out, false
		}
		out.Kind = ListValue
		out.List = list
		return out, true
	case v.Str != "" || v.Expr != nil:
		return b.distribution(v, what)
	}
	b.errorf(v.Pos, "%s: expected a number, a list or a distribution", what)
	return out, false
}

// constNumber folds a constant expression outside any equation scope
// (numbers, arithmetic, built-in functions, pi, e, model constants at their
// file value).
func (b *builder) constNumber(e parser.Expr) (float64, bool) { return b.literal(e, nil) }

func (b *builder) distribution(v *parser.Value, what string) (Value, bool) {
	out := Value{Pos: v.Pos, Kind: DistValue}
	call, ok := v.Expr.(*parser.Call)
	if !ok || call.Obj != "" {
		if x, ok := b.constNumber(v.Expr); ok && v.Expr != nil {
			return Value{Pos: v.Pos, Num: x}, true
		}
		b.errorf(v.Pos, "%s: expected a number, a list or a distribution such as Uniform(0, 1), got %q", what, v.Str)
		return out, false
	}
	if _, known := distArgs[call.Fun]; !known {
		var names []string
		for n := range distArgs {
			names = append(names, n)
		}
		sort.Strings(names)
		b.errorf(call.Pos, "unknown distribution %q%s", call.Fun, didYouMean(call.Fun, names))
		return out, false
	}
	args, ok := b.distCallArgs(call)
	if !ok {
		return out, false
	}
	out.Dist = call.Fun
	for _, a := range args {
		if a == nil { // an absent bound before a given one
			out.Args = append(out.Args, math.NaN())
			continue
		}
		x, ok := b.constNumber(a)
		if !ok {
			b.errorf(a.Position(), "arguments of %s must be numbers", call.Fun)
			return out, false
		}
		out.Args = append(out.Args, x)
	}
	return out, b.checkDist(call.Pos, out.Dist, out.Args)
}

// checkDist checks the parameters of a distribution with constant arguments.
func (b *builder) checkDist(pos diag.Pos, dist string, a []float64) bool {
	bad := func(msg string) bool {
		b.errorf(pos, "%s: %s", dist, msg)
		return false
	}
	switch dist {
	case "Uniform", "DiscreteUniform":
		if a[0] > a[1] {
			return bad("the lower bound is above the upper bound")
		}
	case "Normal", "LogNormal":
		if a[1] < 0 {
			return bad("sigma must not be negative")
		}
	case "Exponential":
		if a[0] <= 0 {
			return bad("the rate lambda must be positive")
		}
	case "Gamma":
		if a[0] <= 0 || a[1] <= 0 {
			return bad("shape and scale must be positive")
		}
	case "Binomial":
		if a[0] < 0 || a[0] != math.Trunc(a[0]) {
			return bad("n must be a non-negative integer")
		}
		if a[1] < 0 || a[1] > 1 {
			return bad("p must be in [0, 1]")
		}
	}
	if len(a) == 4 || (dist == "Exponential" && len(a) == 3) {
		lo, hi := a[len(a)-2], a[len(a)-1]
		if lo > hi {
			return bad("min is above max")
		}
	}
	return true
}

// MaxSynapses is the most synapses one projection can hold (synapses are
// indexed by int32 in the runtime: runtime.MaxSynapses).
const MaxSynapses = math.MaxInt32

// MaxRefractorySteps is the longest refractory period in steps: neurons
// count the steps left in an int32 (runtime.MaxRefractorySteps).
const MaxRefractorySteps = math.MaxInt32

// MaxDelaySteps is the longest delay in steps the runtime's delay queues
// take (runtime.MaxDelaySteps).
const MaxDelaySteps = math.MaxInt32 / 2

func (b *builder) connector(cd parser.ConnDef, pre, post View) Connector {
	c := Connector{Pos: cd.Pos, Kind: cd.Kind, Weights: Value{Num: 1}, Args: map[string]float64{}}
	spec, ok := lang.LookupConnector(cd.Kind)
	if !ok {
		b.errorf(cd.Pos, "unknown connector %q%s", cd.Kind, didYouMean(cd.Kind, lang.ConnectorNames()))
		return c
	}
	allowed := spec.ArgNames()
	given := map[string]*parser.Value{}
	for i := range cd.Args {
		a := &cd.Args[i]
		if !contains(allowed, a.Name) {
			b.errorf(a.Pos, "%s takes no argument %q%s", cd.Kind, a.Name, didYouMean(a.Name, allowed))
			continue
		}
		if given[a.Name] != nil {
			b.errorf(a.Pos, "argument %q is given twice", a.Name)
			continue
		}
		given[a.Name] = &a.Value
	}
	for _, r := range spec.RequiredNames() {
		if given[r] == nil {
			b.errorf(cd.Pos, "%s needs %s", cd.Kind, r)
		}
	}
	number := func(name string) (float64, bool) {
		v := given[name]
		if v == nil {
			return 0, false
		}
		if !v.IsNum {
			if x, ok := b.constNumber(v.Expr); ok && v.Expr != nil {
				return x, true
			}
			b.errorf(v.Pos, "%s must be a number", name)
			return 0, false
		}
		return v.Num, true
	}
	// Without both populations (a projection whose pre or post is unknown,
	// checked only for its own errors) the sizes are unknown.
	sized := pre.Pop != nil && post.Pop != nil
	nPre, nPost := math.MaxInt32, math.MaxInt32
	if sized {
		nPre, nPost = pre.Len(), post.Len()
	}
	transpose := false
	for _, a := range spec.Args {
		v := given[a.Name]
		switch a.Kind {
		case lang.ArgNumber:
			c.Args[a.Name] = a.Default
			x, ok := number(a.Name)
			if !ok {
				continue
			}
			c.Args[a.Name] = x
			switch {
			case a.Check == lang.Probability && (x < 0 || x > 1 || math.IsNaN(x)):
				b.errorf(v.Pos, "%s must be in [0, 1], got %s", a.Name, fnum(x))
			case a.Check == lang.Fraction && (x < 0 || x > 1):
				b.errorf(v.Pos, "%s must be in [0, 1]", a.Name)
			case a.Check == lang.Positive && x <= 0:
				b.errorf(v.Pos, "%s must be positive", a.Name)
			}
		case lang.ArgInteger:
			c.Args[a.Name] = a.Default
			x, ok := number(a.Name)
			if !ok {
				continue
			}
			switch {
			case x < 0 || x != math.Trunc(x):
				b.errorf(v.Pos, "%s must be a non-negative integer, got %s", a.Name, fnum(x))
			case a.AtMost == lang.PreSide && x > float64(nPre):
				b.errorf(v.Pos, "%s %s is larger than the %d presynaptic neurons", a.Name, fnum(x), nPre)
			case a.AtMost == lang.PostSide && x > float64(nPost):
				b.errorf(v.Pos, "%s %s is larger than the %d postsynaptic neurons", a.Name, fnum(x), nPost)
			default:
				c.Args[a.Name] = x
			}
		case lang.ArgBool, lang.ArgTranspose:
			if a.Kind == lang.ArgBool {
				c.Args[a.Name] = 0
			}
			if v == nil {
				continue
			}
			if v.Bool == nil {
				b.errorf(v.Pos, "%s must be true or false", a.Name)
			} else if a.Kind == lang.ArgTranspose {
				transpose = *v.Bool
			} else if *v.Bool {
				c.Args[a.Name] = 1
			}
		}
	}
	if sized && spec.Grid {
		// The runtime places the neurons of whole populations on a grid.
		switch {
		case !pre.Whole() || !post.Whole():
			b.errorf(cd.Pos, "%s connects whole populations, not views (%s -> %s)", cd.Kind, pre.Text, post.Text)
		case len(pre.Pop.Geometry) != len(post.Pop.Geometry):
			b.errorf(cd.Pos, "%s needs populations of the same dimension: %s has %d, %s has %d",
				cd.Kind, pre.Pop.Name, len(pre.Pop.Geometry), post.Pop.Name, len(post.Pop.Geometry))
		}
	}
	if sized && c.Args["allow_self_connections"] == 0 && pre.Pop == post.Pop && overlap(&pre, &post) {
		// Without self-connections a neuron in both views has one candidate
		// less (the runtime builders refuse a number above that).
		for _, a := range spec.Args {
			n, side := nPre, "presynaptic"
			if a.AtMost == lang.PostSide {
				n, side = nPost, "postsynaptic"
			}
			if a.Kind == lang.ArgInteger && a.AtMost != lang.NoSide && given[a.Name] != nil && c.Args[a.Name] == float64(n) && n > 0 {
				b.errorf(given[a.Name].Pos, "%s %s is larger than the %d %s neurons a neuron in both views can connect to without self-connections; allow_self_connections: true allows %d",
					a.Name, fnum(c.Args[a.Name]), n-1, side, n)
			}
		}
	}
	if spec.SameSize && sized && nPre != nPost {
		b.errorf(cd.Pos, "%s needs views of the same size (%d pre, %d post)", cd.Kind, nPre, nPost)
	}
	if sized {
		if n := spec.Synapses(c.Shape(&pre, &post)); n.Least > MaxSynapses {
			b.errorf(cd.Pos, "%s creates %s = %d synapses, more than the %d (2^31-1) one projection can hold; split it into several projections or connect fewer neurons",
				cd.Kind, n.How, n.Least, MaxSynapses)
		}
	}
	matrix := spec.Has(lang.ArgMatrix)
	for _, a := range spec.Args {
		v := given[a.Name]
		if v == nil {
			continue
		}
		switch a.Kind {
		case lang.ArgDelays:
			if matrix && (v.List != nil || (v.Str != "" && v.Expr == nil)) {
				if sized {
					c.DelayMatrix, _ = b.matrixValues(v, nPre, nPost, transpose, cd.Kind+" "+a.Name)
				}
				for _, row := range c.DelayMatrix {
					for _, d := range row {
						if d < 0 {
							b.errorf(v.Pos, "%s must not be negative", a.Name)
							break
						}
					}
				}
			} else if d, ok := b.value(v, 0, a.Name); ok {
				if d.Kind == ListValue {
					b.errorf(v.Pos, "%s must be a number or a distribution", a.Name)
				} else if d.Kind == NumValue && d.Num < 0 {
					b.errorf(v.Pos, "%s must not be negative", a.Name)
				}
				c.Delays = d
			}
		case lang.ArgMatrix:
			if sized {
				c.Matrix, c.MatrixFile = b.matrixValues(v, nPre, nPost, transpose, cd.Kind+" "+a.Name)
			}
			c.Weights = Value{Pos: v.Pos}
		case lang.ArgWeights:
			if w, ok := b.value(v, 0, a.Name); ok {
				if w.Kind == ListValue {
					b.errorf(v.Pos, "%s must be a number or a distribution (use from_matrix for explicit weights)", a.Name)
				}
				c.Weights = w
			}
		}
	}
	if v := given["delays"]; v != nil {
		if most, known := largestDelay(c, b.out.Dt); known && most > MaxDelaySteps {
			b.errorf(v.Pos, "delays must be at most %s ms (%d steps of dt %s ms, the longest delay the runtime holds)",
				fnum(MaxDelaySteps*b.out.Dt), MaxDelaySteps, fnum(b.out.Dt))
		}
	}
	return c
}

// matrixValues reads a post × pre matrix of from_matrix (pre × post with
// prePost, ANNarchy's pre_post=True): nested lists or a .npy file (its
// name is returned), NaN meaning no synapse.
func (b *builder) matrixValues(v *parser.Value, nPre, nPost int, prePost bool, what string) ([][]float64, string) {
	var rows [][]float64
	file := ""
	switch {
	case v.Str != "" && v.List == nil && v.Expr == nil:
		file = v.Str
		var shape []int
		var ok bool
		if rows, shape, ok = b.readNpy(v.Pos, v.Str, what); !ok {
			return nil, file
		}
		if len(shape) != 2 {
			b.errorf(v.Pos, "%s: %s has shape %v; expected a matrix", what, v.Str, shape)
			return nil, file
		}
	case v.List != nil:
		for i := range v.List {
			row, ok := b.flatten(&v.List[i], nil)
			if !ok {
				return nil, ""
			}
			rows = append(rows, row)
		}
	default:
		b.errorf(v.Pos, "%s are a list of rows (post x pre) or a .npy file name", what)
		return nil, ""
	}
	for _, row := range rows {
		for _, x := range row {
			// NaN is "no synapse"; an infinite weight or delay is no value
			if math.IsInf(x, 0) {
				b.errorf(v.Pos, "%s: %s is not a finite number", what, fnum(x))
				return nil, file
			}
		}
	}
	nRows, nCols, rowWhat, colWhat := nPost, nPre, "postsynaptic", "presynaptic"
	if prePost {
		nRows, nCols, rowWhat, colWhat = nPre, nPost, "presynaptic", "postsynaptic"
	}
	if len(rows) != nRows {
		b.errorf(v.Pos, "%s: %d rows, expected %d (one per %s neuron)", what, len(rows), nRows, rowWhat)
		return nil, file
	}
	for i, row := range rows {
		if len(row) != nCols {
			pos := v.Pos
			if v.List != nil {
				pos = v.List[i].Pos
			}
			b.errorf(pos, "%s: row %d has %d values; expected %d (one per %s neuron)", what, i, len(row), nCols, colWhat)
			return nil, file
		}
	}
	if prePost {
		t := make([][]float64, nPost)
		for j := range t {
			t[j] = make([]float64, nPre)
			for i := range t[j] {
				t[j][i] = rows[i][j]
			}
		}
		rows = t
	}
	return rows, file
}

// EstimateSynapses is the number of synapses a projection creates, as its
// connector's row counts them: exact (Exact) or, for the patterns drawn at
// random or computed from positions, the expected number or an upper bound
// (Bound).
func EstimateSynapses(p *Projection) lang.Count {
	row, ok := lang.LookupConnector(p.Connector.Kind)
	if !ok {
		return lang.Count{}
	}
	return row.Synapses(p.Connector.Shape(&p.Pre, &p.Post))
}

// overlap reports whether two views of one population share a neuron. Views
// of more than maxRuns runs of ranks are reported as not overlapping: the
// runtime checks them when it builds.
func overlap(a, b *View) bool {
	const maxRuns = 1 << 16
	type run struct{ lo, hi int }
	var ra []run
	a.Runs(func(lo, hi int) {
		if len(ra) <= maxRuns {
			ra = append(ra, run{lo, hi})
		}
	})
	if len(ra) > maxRuns {
		return false
	}
	found, n := false, 0
	b.Runs(func(lo, hi int) {
		n++
		if found || n > maxRuns {
			return
		}
		// The first run of a ending after lo (runs are in order).
		k := sort.Search(len(ra), func(i int) bool { return ra[i].hi > lo })
		found = k < len(ra) && ra[k].lo < hi
	})
	return found
}

// checkTyped reports the values of an int or bool parameter or variable
// that the model file gives (population and projection overrides, schedule
// settings) and that Set would refuse at run time (runtime.CheckInt,
// CheckBool), with the runtime's wording; a schedule would otherwise fail
// only when it reaches the setting. pv is the value as written, for the
// position of each number of a list; val is what b.value made of it. A
// distribution passes only when it draws nothing else: DiscreteUniform and
// Binomial for an int, and within 0 and 1 for a bool.
func (b *builder) checkTyped(pv *parser.Value, val Value, t Type, what string) bool {
	if t != Int && t != Bool {
		return true
	}
	if val.Kind == DistValue {
		a := val.Args
		switch {
		case t == Int && (val.Dist == "DiscreteUniform" || val.Dist == "Binomial"):
			return true
		case t == Bool && val.Dist == "DiscreteUniform" && math.Ceil(a[0]) >= 0 && math.Floor(a[1]) <= 1:
			return true
		case t == Bool && val.Dist == "Binomial" && math.Round(a[0]) <= 1:
			return true
		case t == Int:
			b.errorf(val.Pos, "%s: %s draws fractions: an int takes whole numbers (DiscreteUniform and Binomial draw them)", what, val.Dist)
		default:
			b.errorf(val.Pos, "%s: %s draws other values: a bool takes 0 (false) or 1 (true), or true/false (DiscreteUniform(0, 1) and Binomial(1, p) draw them)", what, val.Dist)
		}
		return false
	}
	if pv == nil || (!pv.IsNum && pv.List == nil) {
		// a constant expression, a .npy file's rows: one position for all
		xs := val.List
		if val.Kind == NumValue {
			xs = []float64{val.Num}
		}
		return b.checkTypedNums(val.Pos, xs, t, what)
	}
	if pv.List != nil {
		ok := true
		for i := range pv.List {
			ok = b.checkTyped(&pv.List[i], Value{Pos: pv.List[i].Pos, Num: pv.List[i].Num}, t, what) && ok
		}
		return ok
	}
	return b.checkTypedNums(pv.Pos, []float64{pv.Num}, t, what)
}

// checkTypedNums reports the first of xs that an int (t Int) or a bool
// does not take, at pos.
func (b *builder) checkTypedNums(pos diag.Pos, xs []float64, t Type, what string) bool {
	for _, x := range xs {
		switch {
		case t == Int && (x != math.Trunc(x) || math.IsInf(x, 0)):
			b.errorf(pos, "%s: %s: an int takes whole numbers", what, fnum(x))
			return false
		case t == Bool && x != 0 && x != 1:
			b.errorf(pos, "%s: %s: a bool takes 0 (false) or 1 (true), or true/false", what, fnum(x))
			return false
		}
	}
	return true
}
