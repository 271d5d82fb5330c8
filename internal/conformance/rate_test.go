package conformance

import (
	"encoding/json"
	"math"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/annc/annc/internal/lang"
)

// testdata/rate.yaml: dt = 0.5 ms, 20 steps. Frame k of a monitor holds the
// values at the end of step k, the step computed at t = k*dt.
const (
	rateModel = "testdata/rate.yaml"
	rateDt    = 0.5
	rateSteps = 20
)

func TestConditionals(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	n, T := 5, rateSteps
	// x = -2, -0.5, 0.5, 2.5, 1.0 (the last exactly on the b boundary).
	// a = if x > 0: 1 else: -1
	expect(t, trace(t, r, "cond", "a", T, n), constant(-1, -1, 1, 1, 1))
	// b = if x > 1: 2 else: if x > 0: 1 else: 0 (nested; 1.0 is not > 1)
	expect(t, trace(t, r, "cond", "b", T, n), constant(0, 0, 1, 2, 1))
	// c = ite(x < 0, x*x, x + 1): 4, 0.25, 1.5, 3.5, 2
	expect(t, trace(t, r, "cond", "c", T, n), constant(4, 0.25, 1.5, 3.5, 2))
	// d over three lines: if x > 0: 2x else: -x
	expect(t, trace(t, r, "cond", "d", T, n), constant(2, 0.5, 1, 5, 2))
	// ee = ite(0 < x < 1, 10, ite(x >= 1, 20, 30)) (nested ite, and)
	expect(t, trace(t, r, "cond", "ee", T, n), constant(30, 30, 10, 20, 20))
	// f = if not (x > 0) or x == 2.5: 1 else: 0
	expect(t, trace(t, r, "cond", "f", T, n), constant(1, 1, 0, 1, 0))
	// r = a + b
	expect(t, trace(t, r, "cond", "r", T, n), constant(-1, -1, 2, 3, 2))
}

// TestFunctions checks built-ins one by one; this test keeps that check
// complete: every row of lang.Builtins is called (by its name or an alias) in
// the Funcs neuron of testdata/rate.yaml.
func TestFunctionsCoverBuiltins(t *testing.T) {
	src, err := os.ReadFile(rateModel)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range lang.Builtins {
		names := append([]string{b.Name}, b.Aliases...)
		called := false
		for _, n := range names {
			called = called || regexp.MustCompile(`\b`+n+`\(`).Match(src)
		}
		if !called && b.Name == "pow" {
			called = regexp.MustCompile(`\^|\*\*`).Match(src)
		}
		if !called {
			t.Errorf("built-in %s is not exercised by %s", b.Name, rateModel)
		}
	}
}

func TestFunctions(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	xs := []float64{-2.5, -0.5, 0.5, 2.5}
	n, T := len(xs), rateSteps
	per := func(f func(x float64) float64) func(k, i int) float64 {
		return func(_, i int) float64 { return f(xs[i]) }
	}
	cases := []struct {
		name string
		want func(k, i int) float64
	}{
		{"e1", per(math.Exp)},
		{"l1", per(func(x float64) float64 { return math.Log(x + 3) })},
		{"l2", per(func(x float64) float64 { return math.Log(x + 3) })},
		{"s1", per(func(x float64) float64 { return math.Sqrt(x + 3) })},
		{"p1", per(func(x float64) float64 { return x * x })},                    // x ^ 2
		{"p2", per(func(x float64) float64 { return (x + 3) * math.Sqrt(x+3) })}, // (x+3) ** 1.5
		{"p3", per(func(x float64) float64 { return x * x * x })},                // power(x, 3)
		{"p4", per(func(x float64) float64 { return -(x * x) })},                 // -x^2 is -(x^2)
		{"p5", per(func(x float64) float64 { return math.Exp2(-x) })},            // 2 ** -x
		{"cl", constant(-1, -0.5, 0.5, 1)},                                       // clip(x, -1, 1)
		{"po", constant(0, 0, 0.5, 2.5)},                                         // pos
		{"pv", constant(0, 0, 0.5, 2.5)},                                         // positive
		{"ne", constant(-2.5, -0.5, 0, 0)},                                       // neg
		{"nv", constant(-2.5, -0.5, 0, 0)},                                       // negative
		{"mo", constant(0, 1, 3, 0)},                                             // modulo(k, 4), k = 0, 5, 7, 12
		{"sg", constant(-1, -1, 1, 1)},                                           // sign
		{"fl", constant(-3, -1, 0, 2)},                                           // floor
		{"ce", constant(-2, 0, 1, 3)},                                            // ceil
		{"ro", constant(-3, -1, 1, 3)},                                           // round: C's round, halves away from zero
		{"mn", constant(-2.5, -0.5, 0, 0)},                                       // min(x, 0)
		{"mx", constant(0, 0, 0.5, 2.5)},                                         // max(x, 0)
		// modulo is ANNarchy's long(a) % long(b): truncated operands, C's %
		// (the sign of a), NaN (here 99) for a divisor truncating to 0, an
		// operand NaN or beyond int64. m1 = modulo(ma, mb), ma = -7, 7.5, 7,
		// -7.9, mb = 3, 2, -3, 2.9.
		{"m1", constant(-1, 1, 1, -1)},
		{"m2", constant(-1, 99, 99, -1)}, // modulo(ma, x): x truncates to -2, 0, 0, 2
		// modulo(4e18 x, 7): -1e19 and 1e19 are beyond int64
		{"m3", constant(99, float64(int64(-2e18)%7), float64(int64(2e18)%7), 99)},
		{"m4", constant(99, 99, 0, 1)}, // modulo(sqrt(x), 2)
		{"at", per(func(x float64) float64 { return math.Atan2(x, 2) })},
		// isfinite(1/(x+2.5)): 1/0 = +Inf for x = -2.5
		{"fi", constant(0, 1, 1, 1)},
		// isnan(sqrt(x)): NaN for x < 0
		{"na", constant(1, 1, 0, 0)},
		{"tr", per(func(x float64) float64 { return math.Sin(x) + math.Cos(x)*math.Tan(x/4) })},
		{"hy", per(func(x float64) float64 { return math.Tanh(x) + math.Sinh(x) - math.Cosh(x) })},
		{"ab", per(func(x float64) float64 { return 3 * math.Abs(x) })}, // abs(x) + fabs(2x)
		{"ia", per(func(x float64) float64 { return math.Asin(x/4) + math.Acos(x/4) + math.Atan(x) })},
		// user function sq1(x) = x*x + 1, constants pi and e, model constant K0 = 1.5
		{"uf", per(func(x float64) float64 { return x*x + 1 + math.Pi*math.E + 1.5 })},
	}
	for _, c := range cases {
		expect(t, trace(t, r, "fn", c.name, T, n), c.want)
	}
}

// TestModuloFloat32: modulo in a float32 model gives the values of the
// float64 one (the remainder of two float32 integers is one).
func TestModuloFloat32(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/modulo32.yaml")
	T, n := 4, 4
	// a = -7, 7.5, 7, -0.5; b = 3, 2, -3, 8
	expect(t, trace(t, r, "p", "m1", T, n), constant(-1, 1, 1, 0))
	// b/4 = 0.75, 0.5, -0.75 truncate to 0 (NaN, here 99); 8/4 = 2
	expect(t, trace(t, r, "p", "m2", T, n), constant(99, 99, 99, 0))
	// 2e18 a: -1.4e19, 1.5e19 and 1.4e19 are beyond int64; -1e18 (in
	// float32) is not.
	expect(t, trace(t, r, "p", "m3", T, n), constant(99, 99, 99, float64(int64(float32(-0.5)*float32(2e18))%7)))
}

func TestTimeAndGlobalEquations(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	T := rateSteps
	c0 := []float64{0, 1}
	tms := func(k int) float64 { return rateDt * float64(k) }
	// tt = t: the time of the step being computed; td = dt.
	expect(t, trace(t, r, "clk", "tt", T, 2), func(k, _ int) float64 { return tms(k) })
	expect(t, trace(t, r, "clk", "td", T, 2), constant(rateDt, rateDt))
	// ramp = 2t + c0 : max = 9
	ramp := func(k, i int) float64 { return math.Min(2*tms(k)+c0[i], 9) }
	expect(t, trace(t, r, "clk", "ramp", T, 2), ramp)
	// g1 = 3t : population, max = 10 (one value, recorded for the population)
	g1 := func(k int) float64 { return math.Min(3*tms(k), 10) }
	// dy/dt = 1 : population, min = 0, max = 2.75; explicit from y(0) = 0:
	// y = dt*(k+1) at the end of step k, clamped.
	y := func(k int) float64 { return math.Min(rateDt*float64(k+1), 2.75) }
	// gm = g1 + y, written after the ODE: it sees the new y.
	gm := func(k int) float64 { return g1(k) + y(k) }
	for name, f := range map[string]func(int) float64{"g1": g1, "y": y, "gm": gm} {
		tr := r.Trace("clk", name)
		if tr == nil {
			t.Fatalf("no recording of clk.%s", name)
		}
		expect(t, tr, func(k, _ int) float64 { return f(k) })
	}
	expect(t, trace(t, r, "clk", "r", T, 2), func(k, i int) float64 { return ramp(k, i) + gm(k) })
	// Monitor half: period 1 ms = 2 steps, frames at steps 0, 2, 4, ...
	expect(t, trace(t, r, "half", "tt", T/2, 2), func(k, _ int) float64 { return tms(2 * k) })
}

func TestGlobalOperations(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	T := rateSteps
	ks := []float64{1, -2, 0.5}
	// dv/dt = k from v = 0: v = dt*k*(k+1) at the end of step k (explicit,
	// exact for a constant slope).
	v := func(k, i int) float64 { return rateDt * ks[i] * float64(k+1) }
	expect(t, trace(t, r, "glob", "v", T, 3), v)
	// The operations are computed after the neurons update, so step k sees
	// them over v at the end of step k-1 (v = 0 before the first step, so
	// every operation is 0 in frame 0 whether or not it is computed at
	// initialisation).
	old := func(k, i int) float64 {
		if k == 0 {
			return 0
		}
		return v(k-1, i)
	}
	op := func(f func(a, b, c float64) float64) func(k, i int) float64 {
		return func(k, _ int) float64 { return f(old(k, 0), old(k, 1), old(k, 2)) }
	}
	expect(t, trace(t, r, "glob", "mv", T, 3), op(func(a, b, c float64) float64 { return (a + b + c) / 3 }))
	expect(t, trace(t, r, "glob", "xv", T, 3), op(func(a, b, c float64) float64 { return math.Max(a, math.Max(b, c)) }))
	expect(t, trace(t, r, "glob", "nv", T, 3), op(func(a, b, c float64) float64 { return math.Min(a, math.Min(b, c)) }))
	expect(t, trace(t, r, "glob", "n1", T, 3), op(func(a, b, c float64) float64 { return math.Abs(a) + math.Abs(b) + math.Abs(c) }))
	expect(t, trace(t, r, "glob", "n2", T, 3), op(func(a, b, c float64) float64 { return math.Sqrt(a*a + b*b + c*c) }))
}

// TestMethods integrates dx/dt = -x + y + 1, dy/dt = -2x - 0.5y from
// (1, 0) with each numerical method; the expected values follow the method's
// update rule on the block (all from the values at the start of the step),
// written out here for this system. With A = [[-1, 1], [-2, -0.5]], b =
// (1, 0), f(z) = Az + b and h = dt:
func TestMethods(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	h := rateDt
	f := func(x, y float64) (float64, float64) { return -x + y + 1, -2*x - 0.5*y }
	rules := map[string]func(x, y float64) (float64, float64){
		// explicit: z + h f(z)
		"lin": func(x, y float64) (float64, float64) {
			fx, fy := f(x, y)
			return x + h*fx, y + h*fy
		},
		// semiimplicit: x + h fx/(1 - h dfx/dx), dfx/dx = -1, dfy/dy = -0.5
		"linsi": func(x, y float64) (float64, float64) {
			fx, fy := f(x, y)
			return x + h*fx/(1+h), y + h*fy/(1+0.5*h)
		},
		// implicit: (I - hA) z' = z + h b, solved by Cramer's rule:
		// [[1+h, -h], [2h, 1+0.5h]] z' = (x + h, y)
		"linim": func(x, y float64) (float64, float64) {
			a11, a12, a21, a22 := 1+h, -h, 2*h, 1+0.5*h
			b1, b2 := x+h, y
			det := a11*a22 - a12*a21
			return (b1*a22 - a12*b2) / det, (a11*b2 - a21*b1) / det
		},
		// exponential: x + (1 - exp(-h k)) f/k with k = -df/dx: 1 for x, 0.5 for y
		"linex": func(x, y float64) (float64, float64) {
			fx, fy := f(x, y)
			return x + (1-math.Exp(-h))*fx, y + (1-math.Exp(-0.5*h))*fy/0.5
		},
		// midpoint: z + h f(z + h/2 f(z))
		"linmid": func(x, y float64) (float64, float64) {
			fx, fy := f(x, y)
			mx, my := f(x+h/2*fx, y+h/2*fy)
			return x + h*mx, y + h*my
		},
		// rk4: z + h/6 (k1 + 2k2 + 2k3 + k4)
		"linrk": func(x, y float64) (float64, float64) {
			k1x, k1y := f(x, y)
			k2x, k2y := f(x+h/2*k1x, y+h/2*k1y)
			k3x, k3y := f(x+h/2*k2x, y+h/2*k2y)
			k4x, k4y := f(x+h*k3x, y+h*k3y)
			return x + h/6*(k1x+2*k2x+2*k3x+k4x), y + h/6*(k1y+2*k2y+2*k3y+k4y)
		},
	}
	for pop, rule := range rules {
		xs, ys := make([]float64, rateSteps), make([]float64, rateSteps)
		x, y := 1.0, 0.0
		for k := range xs {
			x, y = rule(x, y)
			xs[k], ys[k] = x, y
		}
		expect(t, trace(t, r, pop, "x", rateSteps, 1), func(k, _ int) float64 { return xs[k] })
		expect(t, trace(t, r, pop, "y", rateSteps, 1), func(k, _ int) float64 { return ys[k] })
	}
	// tau * dv/dt + v = I (tau 4, I 2), explicit: v' = v + h (I - v)/tau from 0,
	// so v_k = I (1 - (1 - h/tau)^(k+1)).
	expect(t, trace(t, r, "tau", "v", rateSteps, 1), func(k, _ int) float64 {
		return 2 * (1 - math.Pow(1-h/4, float64(k+1)))
	})
}

func TestRateProjections(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	T := rateSteps
	c := []float64{1, 4, 2}
	// src: r = c + t, so r = c + dt*k at the end of step k, and 0 before
	// the first step (r has no init).
	pre := func(k, j int) float64 {
		if k < 0 {
			return 0
		}
		return c[j] + rateDt*float64(k)
	}
	expect(t, trace(t, r, "src", "r", T, 3), pre)
	// Step k transmits pre values from the end of step k-1. Weights (post x pre):
	// [[0.5, 1, -], [2, -1, 0.25]]: post 0 has two synapses, post 1 three.
	terms := func(k, i int) []float64 {
		p0, p1, p2 := pre(k-1, 0), pre(k-1, 1), pre(k-1, 2)
		if i == 0 {
			return []float64{0.5 * p0, 1 * p1}
		}
		return []float64{2 * p0, -1 * p1, 0.25 * p2}
	}
	reduce := func(op func([]float64) float64) func(k, i int) float64 {
		return func(k, i int) float64 { return op(terms(k, i)) }
	}
	sum := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s
	}
	maxOf := func(v []float64) float64 {
		m := v[0]
		for _, x := range v {
			m = math.Max(m, x)
		}
		return m
	}
	minOf := func(v []float64) float64 {
		m := v[0]
		for _, x := range v {
			m = math.Min(m, x)
		}
		return m
	}
	mean := func(v []float64) float64 { return sum(v) / float64(len(v)) }
	expect(t, trace(t, r, "sink", "sum(s_sum)", T, 2), reduce(sum))
	expect(t, trace(t, r, "sink", "sum(s_max)", T, 2), reduce(maxOf))
	expect(t, trace(t, r, "sink", "sum(s_min)", T, 2), reduce(minOf))
	expect(t, trace(t, r, "sink", "sum(s_mean)", T, 2), reduce(mean))
	// pdel: src[0:2] -> sink one to one, w = 1, delay 1.5 ms = 3 steps:
	// step k sees pre r from the end of step k-3 (0 before the first step).
	dl := func(k, i int) float64 { return pre(k-3, i) }
	expect(t, trace(t, r, "sink", "sum(dl)", T, 2), dl)
	// ptr: all to all, w = 1, default psp w * pre.r.
	tr := func(k, _ int) float64 { return pre(k-1, 0) + pre(k-1, 1) + pre(k-1, 2) }
	expect(t, trace(t, r, "sink", "sum(tr)", T, 2), tr)
	post := func(k, i int) float64 {
		return reduce(sum)(k, i) + reduce(maxOf)(k, i) + reduce(minOf)(k, i) + reduce(mean)(k, i) + dl(k, i)
	}
	expect(t, trace(t, r, "sink", "r", T, 2), post)
	// Projection monitor of ptr: 6 synapses, post-major (post 0: pre 0, 1, 2;
	// post 1: pre 0, 1, 2). w stays 1; tau_q dq/dt = pre.r * post.r - q runs
	// after the populations update (values of this step), explicit from 0.
	expect(t, trace(t, r, "ptr", "w", T, 6), constant(1, 1, 1, 1, 1, 1))
	q := make([][]float64, T)
	cur := make([]float64, 6)
	for k := range q {
		for s := range cur {
			i, j := s/3, s%3
			cur[s] += rateDt / 2 * (pre(k, j)*post(k, i) - cur[s])
		}
		q[k] = append([]float64(nil), cur...)
	}
	expect(t, trace(t, r, "ptr", "q", T, 6), func(k, s int) float64 { return q[k][s] })
	// Monitors with a period record the steps 0, p, 2p, ... (p = 1.5 ms = 3
	// steps for sum(s_sum), 1 ms = 2 steps for q).
	expect(t, trace(t, r, "sum3", "sum(s_sum)", (T+2)/3, 2), func(k, i int) float64 { return reduce(sum)(3*k, i) })
	expect(t, trace(t, r, "q2", "q", T/2, 6), func(k, s int) float64 { return q[2*k][s] })
	// start: false records nothing.
	trace(t, r, "off", "tt", 0, 2)
}

func TestTimedArray(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	T := rateSteps
	// ta: rows [1, 2], [3, 4], [5, 6], one every 1 ms = 2 steps, no period:
	// the last row stays.
	rows := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	expect(t, trace(t, r, "ta", "r", T, 2), func(k, i int) float64 { return rows[min(k/2, 2)][i] })
	// tap: rows 1, 2, 3 every 2 steps, period 4 ms = 8 steps: the last row
	// holds until the period restarts the schedule.
	expect(t, trace(t, r, "tap", "r", T, 1), func(k, _ int) float64 { return float64(min((k%8)/2, 2) + 1) })
}

// TestRandomVariables: u = Uniform(-1, 3) and nr = Normal(2, 0.5) are drawn
// anew for each of 2000 neurons in each of 20 steps: 40000 samples each.
// Uniform(-1, 3): mean 1, variance 16/12, all in [-1, 3]; Normal(2, 0.5): mean
// 2, variance 0.25. Means and variances must lie within 5 standard errors
// (se of a variance: sqrt((mu4 - sigma^4)/n), mu4 = 256/80 for the uniform,
// 3 sigma^4 for the normal), and a neuron's draws in successive steps must
// be uncorrelated (lag-1 correlation within 5/sqrt(n) of 0).
func TestRandomVariables(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	const N = 2000
	t.Logf("seed %d", r.Manifest.Seed)
	u := trace(t, r, "rnd", "u", rateSteps, N)
	nr := trace(t, r, "rnd", "nr", rateSteps, N)
	check := func(tr [][]float64, name string, mean, variance, mu4 float64) {
		n := float64(len(tr) * len(tr[0]))
		var s, s2 float64
		for _, row := range tr {
			for _, x := range row {
				s += x
			}
		}
		m := s / n
		for _, row := range tr {
			for _, x := range row {
				s2 += (x - m) * (x - m)
			}
		}
		v := s2 / (n - 1)
		if se := math.Sqrt(variance / n); math.Abs(m-mean) > 5*se {
			t.Errorf("%s: mean %.5f, want %v +- 5 * %.5f", name, m, mean, se)
		}
		if se := math.Sqrt((mu4 - variance*variance) / n); math.Abs(v-variance) > 5*se {
			t.Errorf("%s: variance %.5f, want %v +- 5 * %.5f", name, v, variance, se)
		}
		// lag-1 correlation over time, pooled over neurons
		var c float64
		for k := 1; k < len(tr); k++ {
			for i := range tr[k] {
				c += (tr[k][i] - m) * (tr[k-1][i] - m)
			}
		}
		pairs := float64((len(tr) - 1) * len(tr[0]))
		rho := c / pairs / v
		if math.Abs(rho) > 5/math.Sqrt(pairs) {
			t.Errorf("%s: lag-1 correlation %.4f, want 0 +- 5 * %.4f", name, rho, 1/math.Sqrt(pairs))
		}
		t.Logf("%s: mean %.5f variance %.5f lag-1 correlation %.4f", name, m, v, rho)
	}
	rows := func(tr interface{ Column(int) []float64 }, T int) [][]float64 {
		out := make([][]float64, T)
		for k := range out {
			out[k] = make([]float64, N)
		}
		for i := 0; i < N; i++ {
			for k, x := range tr.Column(i) {
				out[k][i] = x
			}
		}
		return out
	}
	ur, nrr := rows(u, rateSteps), rows(nr, rateSteps)
	for _, row := range ur {
		for _, x := range row {
			if x < -1 || x > 3 {
				t.Fatalf("Uniform(-1, 3) drew %v", x)
			}
		}
	}
	check(ur, "Uniform(-1, 3)", 1, 16.0/12, 256.0/80)
	check(nrr, "Normal(2, 0.5)", 2, 0.25, 3*0.0625)
	// r = u + nr, computed from the same draws
	expect(t, trace(t, r, "rnd", "r", rateSteps, N), func(k, i int) float64 { return ur[k][i] + nrr[k][i] })
}

// TestViews: grid has geometry (3, 4) (rank = 4*row + column) with r = rank^2;
// grid[:, 1] is column 1, ranks 1, 5, 9: r = 1, 25, 81. Its monitor records
// those three, and gcol (all to all, w = 1) sums them into each col neuron:
// 107 from step 1 on (r = 0 before the first step).
func TestViews(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	tr := r.Trace("gmon", "r")
	if tr == nil || tr.Steps() != rateSteps || tr.Width() != 3 {
		t.Fatalf("gmon.r: %v", tr)
	}
	expect(t, tr, constant(1, 25, 81))
	expect(t, trace(t, r, "col", "sum(col)", rateSteps, 2), func(k, _ int) float64 {
		if k == 0 {
			return 0
		}
		return 107
	})
}

// rateDriver reads the delays of pdu for a seed and steps the network 20
// times, printing sum(du) of col after each step; then it checks the
// control functions: SimulateUntil with clk's stop condition, and a
// callback declared with Every that changes tau.I during Simulate.
const rateDriver = `package main

import (
	"encoding/json"
	"os"
	"strconv"

	model "IMPORT"
)

func main() {
	seed, _ := strconv.ParseInt(os.Args[1], 10, 64)
	n, err := model.New(model.WithSeed(seed))
	if err != nil {
		panic(err)
	}
	d, err := n.Get("pdu.delays")
	if err != nil {
		panic(err)
	}
	var du [][]float64
	for k := 0; k < 20; k++ {
		n.Step()
		du = append(du, []float64{n.Col.Sum_du[0], n.Col.Sum_du[1]})
	}
	if err := n.Reset(); err != nil {
		panic(err)
	}
	until := n.SimulateUntil(10)
	step := n.CurrentStep()
	if err := n.Reset(); err != nil {
		panic(err)
	}
	n.SetTime(0)
	var calls []float64
	n.Every(1.0, 0, 0, func(k int) {
		calls = append(calls, n.Time())
		if err := n.Set("tau.I", float64(k+1)); err != nil {
			panic(err)
		}
	})
	n.Simulate(5)
	v, _ := n.Get("tau.v")
	json.NewEncoder(os.Stdout).Encode(map[string]any{"delays": d, "du": du, "until": until, "step": step, "calls": calls, "v": v[0]})
}
`

// TestRateDrawnDelaysAndControl: pdu connects src (r = c + t, c = 1, 4, 2)
// to the two col neurons all to all with delays drawn from Uniform(0.5, 3)
// ms (1 to 6 steps, post-major synapse order). Step k sees pre j's r from
// the end of step k - d: sum(du)_i = sum_j pre(k - d_ij, j), 0 before the
// first step; the runner's recording with the same seed agrees.
//
// SimulateUntil(10) stops after the step in which clk's stop condition
// tt >= 3 first holds: step 6 (t = 3 ms), so 7 steps = 3.5 ms.
//
// Every(1 ms) runs before steps 0, 2, 4, 6, 8 of Simulate(5) and sets tau.I
// to 1, 2, 3, 4, 5, so v <- v + 0.125 (I_k - v) with I_k = k/2 + 1 (integer
// division) from v = 0 for 10 steps.
func TestRateDrawnDelaysAndControl(t *testing.T) {
	t.Parallel()
	var got struct {
		Delays []float64
		Du     [][]float64
		Until  float64
		Step   int64
		Calls  []float64
		V      float64
	}
	if err := json.Unmarshal(driver(t, rateModel, "ratedriver", rateDriver, "11"), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Delays) != 6 {
		t.Fatalf("pdu has %d delays, want 6", len(got.Delays))
	}
	d := make([]int, 6)
	for s, ms := range got.Delays {
		d[s] = int(math.Round(ms / rateDt))
		if !near(ms, float64(d[s])*rateDt) || d[s] < 1 || d[s] > 6 {
			t.Errorf("delay %d is %v ms, want a multiple of 0.5 in [0.5, 3]", s, ms)
		}
	}
	t.Logf("pdu delays %v ms", got.Delays)
	c := []float64{1, 4, 2}
	pre := func(k, j int) float64 {
		if k < 0 {
			return 0
		}
		return c[j] + rateDt*float64(k)
	}
	want := func(k, i int) float64 {
		s := 0.0
		for j := 0; j < 3; j++ {
			s += pre(k-d[3*i+j], j)
		}
		return s
	}
	for k, row := range got.Du {
		for i, x := range row {
			if !near(x, want(k, i)) {
				t.Errorf("driver: col sum(du)[step %d][%d] = %v, want %v", k, i, x, want(k, i))
			}
		}
	}
	r := run(t, rateModel, "-seed", "11")
	expect(t, trace(t, r, "col", "sum(du)", rateSteps, 2), want)

	if got.Until != 3.5 || got.Step != 7 {
		t.Errorf("SimulateUntil(10) = %v ms after %d steps, want 3.5 ms after 7", got.Until, got.Step)
	}
	if !slices.Equal(got.Calls, []float64{0, 1, 2, 3, 4}) {
		t.Errorf("Every(1 ms) ran at %v ms, want 0, 1, 2, 3, 4", got.Calls)
	}
	v := 0.0
	for k := 0; k < 10; k++ {
		v += 0.125 * (float64(k/2+1) - v)
	}
	if !near(got.V, v) {
		t.Errorf("tau.v after Simulate(5) with I set by the callback = %.12g, want %.12g", got.V, v)
	}
}

// TestFrozenTermsAndStageTime: the exponential and semi-implicit methods take
// a term in which the variable appears only inside a function at its old
// value: for tau dv/dt = -v + exp(v/10) + 1 (tau = 4), N = -v + exp(v/10) + 1
// and k = -dN/dv = 1 with exp frozen, so
//
//	exponential:  v' = v + (1 - exp(-h/tau)) N(v)
//	semiimplicit: u' = u + h N(u) / (tau + h)
//
// Midpoint and rk4 stages do not shift t: dy/dt = t gives y' = y + h t_k
// with both (a shifted stage would give y + h (t_k + h/2)).
func TestFrozenTermsAndStageTime(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	h, tau := rateDt, 4.0
	N := func(x float64) float64 { return -x + math.Exp(x/10) + 1 }
	v, u, y := make([]float64, rateSteps), make([]float64, rateSteps), make([]float64, rateSteps)
	vv, uu, yy := 0.0, 0.0, 0.0
	for k := range v {
		vv += (1 - math.Exp(-h/tau)) * N(vv)
		uu += h * N(uu) / (tau + h)
		yy += h * h * float64(k)
		v[k], u[k], y[k] = vv, uu, yy
	}
	expect(t, trace(t, r, "frz", "v", rateSteps, 1), func(k, _ int) float64 { return v[k] })
	expect(t, trace(t, r, "frz", "u", rateSteps, 1), func(k, _ int) float64 { return u[k] })
	expect(t, trace(t, r, "frz", "y", rateSteps, 1), func(k, _ int) float64 { return y[k] })
	expect(t, trace(t, r, "frz", "z", rateSteps, 1), func(k, _ int) float64 { return y[k] })
}

// TestDistanceConnectors: ga and dg connect grid (geometry (3, 4), r = rank^2,
// rank = 4 row + column) to gpost (same geometry). Positions are normalised
// per axis, (row/2, column/3), and d is the Euclidean distance:
//
//	gaussian: w = 2 exp(-d^2 / (2 * 0.4^2)), created when w > 0.05 * 2
//	dog:      w = 2 exp(-d^2/(2 * 0.3^2)) - exp(-d^2/(2 * 0.6^2)),
//	          created when |w| > 0.05 * |2 - 1|
//
// From step 1 on, sum(target) of post (a, b) = sum over pre (c, e) of w r.
func TestDistanceConnectors(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	sum := func(w func(d2 float64) float64, keep func(w float64) bool) func(k, i int) float64 {
		return func(k, i int) float64 {
			if k == 0 {
				return 0
			}
			a, b := float64(i/4)/2, float64(i%4)/3
			s := 0.0
			for j := 0; j < 12; j++ {
				c, e := float64(j/4)/2, float64(j%4)/3
				x := w((a-c)*(a-c) + (b-e)*(b-e))
				if keep(x) {
					s += x * float64(j*j)
				}
			}
			return s
		}
	}
	gauss := sum(func(d2 float64) float64 { return 2 * math.Exp(-d2/(2*0.16)) }, func(w float64) bool { return w > 0.1 })
	dog := sum(func(d2 float64) float64 { return 2*math.Exp(-d2/(2*0.09)) - math.Exp(-d2/(2*0.36)) },
		func(w float64) bool { return math.Abs(w) > 0.05 })
	expect(t, trace(t, r, "gpost", "sum(ga)", rateSteps, 12), gauss)
	expect(t, trace(t, r, "gpost", "sum(dg)", rateSteps, 12), dog)
}

// TestConnectors: the ten bits neurons have r = 2^rank, so from step 1 on a
// weighted sum with w = 1 is the bit mask of the presynaptic neurons a
// neuron receives from, and the whole connectivity can be read back:
//   - all_to_all of bits onto itself: 1023 - 2^i without self-connections
//     (the default within one population), 1023 with them;
//   - fixed_number_pre 4: every cpost neuron has exactly 4 distinct inputs;
//   - fixed_number_post 3: every bits neuron reaches exactly 3 cpost neurons;
//   - fixed_probability 0.3: the 120 possible synapses exist independently
//     with p = 0.3: 36 +- 5 * 5.02 synapses. The masks do not change over time.
func TestConnectors(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel, "-seed", "5")
	expect(t, trace(t, r, "bits", "sum(noself)", rateSteps, 10), func(k, i int) float64 {
		if k == 0 {
			return 0
		}
		return float64(1023 - int(1)<<i)
	})
	expect(t, trace(t, r, "bits", "sum(withself)", rateSteps, 10), func(k, _ int) float64 {
		if k == 0 {
			return 0
		}
		return 1023
	})
	masks := func(name string) []int {
		tr := trace(t, r, "cpost", name, rateSteps, 12)
		out := make([]int, 12)
		for i := range out {
			out[i] = int(at(tr, 1, i))
			if float64(out[i]) != at(tr, 1, i) || out[i] < 0 || out[i] > 1023 {
				t.Fatalf("%s[%d] = %v is not a bit mask", name, i, at(tr, 1, i))
			}
			for k := 1; k < rateSteps; k++ {
				if at(tr, k, i) != at(tr, 1, i) {
					t.Fatalf("%s[%d] changes over time", name, i)
				}
			}
			if at(tr, 0, i) != 0 {
				t.Errorf("%s[%d] = %v before any input", name, i, at(tr, 0, i))
			}
		}
		return out
	}
	bits := func(m int) int {
		n := 0
		for ; m > 0; m &= m - 1 {
			n++
		}
		return n
	}
	for i, m := range masks("sum(fnpre)") {
		if bits(m) != 4 {
			t.Errorf("fixed_number_pre 4: cpost %d receives from %d neurons (mask %b)", i, bits(m), m)
		}
	}
	per := make([]int, 10)
	for _, m := range masks("sum(fnpost)") {
		for j := range per {
			per[j] += m >> j & 1
		}
	}
	for j, n := range per {
		if n != 3 {
			t.Errorf("fixed_number_post 3: bits %d reaches %d neurons", j, n)
		}
	}
	total := 0
	for _, m := range masks("sum(fp)") {
		total += bits(m)
	}
	if sd := math.Sqrt(120 * 0.3 * 0.7); math.Abs(float64(total)-36) > 5*sd {
		t.Errorf("fixed_probability 0.3: %d of 120 synapses, want 36 +- 5 * %.2f", total, sd)
	}
	t.Logf("fixed_probability 0.3: %d of 120 synapses", total)
}

// TestSetValues: -set K0=2.5 (a constant) raises uf by 1; -set fn.x=... gives
// new inputs to every function; -set ta.rates=[[7, 8]] replaces the timed
// array's rows (one row: it holds); -set glob.k=Uniform(1, 1) draws the
// per-neuron slopes from a degenerate distribution (all 1).
func TestSetValues(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel, "-set", "K0=2.5", "-set", "fn.x=[1.5, -1.5, 0.25, 3.5]", "-set", "ta.rates=[[7, 8]]",
		"-set", "glob.k=Uniform(1, 1)")
	xs := []float64{1.5, -1.5, 0.25, 3.5}
	expect(t, trace(t, r, "fn", "uf", rateSteps, 4), func(_, i int) float64 { return xs[i]*xs[i] + 1 + math.Pi*math.E + 2.5 })
	expect(t, trace(t, r, "fn", "ro", rateSteps, 4), constant(2, -2, 0, 4))
	expect(t, trace(t, r, "fn", "fl", rateSteps, 4), constant(1, -2, 0, 3))
	expect(t, trace(t, r, "ta", "r", rateSteps, 2), constant(7, 8))
	expect(t, trace(t, r, "glob", "v", rateSteps, 3), func(k, _ int) float64 { return rateDt * float64(k+1) })
}

// TestGlobalOperationsInSynapses: pgo (src -> gpo, 6 synapses) computes
// q = mean(post.r) + max(pre.r) + 10 min(post.r) in its synapse equations,
// which run after the populations update and their global operations are
// recomputed (steps 5, 7, 8), so they see this step's values: gpo has
// r = c t (c = 1, 3), mean = 2t, min = t; src has r = c + t (c = 1, 4, 2),
// max = 4 + t. q = 2t + 4 + t + 10t = 13t + 4 with t = k dt.
func TestGlobalOperationsInSynapses(t *testing.T) {
	t.Parallel()
	r := run(t, rateModel)
	expect(t, trace(t, r, "pgo", "q", rateSteps, 6), func(k, _ int) float64 { return 13*rateDt*float64(k) + 4 })
}
