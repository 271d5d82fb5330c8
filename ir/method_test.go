package ir_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/ir"
)

// evaluator runs IR assignments on scalar values: enough to check that a
// rewrite computes the discretisation it claims to.
type evaluator struct {
	vars  map[string]float64 // variables and parameters of the element
	temps map[string]float64
	t, dt float64
}

func (ev *evaluator) eval(e ir.Expr) float64 {
	b := func(x bool) float64 {
		if x {
			return 1
		}
		return 0
	}
	switch n := e.(type) {
	case *ir.Const:
		return n.Value
	case *ir.VarRef:
		v, ok := ev.vars[n.Name]
		if !ok {
			panic("unset variable " + n.Name)
		}
		return v
	case *ir.ConstRef:
		return n.C.Value
	case *ir.Temp:
		v, ok := ev.temps[n.Name]
		if !ok {
			panic("temporary read before it is set: " + n.Name)
		}
		return v
	case *ir.Special:
		switch n.Name {
		case "t":
			return ev.t
		case "dt":
			return ev.dt
		}
	case *ir.Unary:
		x := ev.eval(n.X)
		if n.Op == "!" {
			return b(x == 0)
		}
		return -x
	case *ir.Binary:
		x, y := ev.eval(n.X), ev.eval(n.Y)
		switch n.Op {
		case "+":
			return x + y
		case "-":
			return x - y
		case "*":
			return x * y
		case "/":
			return x / y
		case "pow":
			return math.Pow(x, y)
		case "<":
			return b(x < y)
		case ">":
			return b(x > y)
		case "<=":
			return b(x <= y)
		case ">=":
			return b(x >= y)
		case "==":
			return b(x == y)
		case "!=":
			return b(x != y)
		case "&&":
			return b(x != 0 && y != 0)
		case "||":
			return b(x != 0 || y != 0)
		}
	case *ir.Call:
		a := make([]float64, len(n.Args))
		for i, x := range n.Args {
			a[i] = ev.eval(x)
		}
		switch n.Fun {
		case "exp":
			return math.Exp(a[0])
		case "log":
			return math.Log(a[0])
		case "pos":
			return math.Max(a[0], 0)
		case "clip":
			return math.Min(math.Max(a[0], a[1]), a[2])
		case "max":
			return math.Max(a[0], a[1])
		case "min":
			return math.Min(a[0], a[1])
		}
	case *ir.Cond:
		if ev.eval(n.C) != 0 {
			return ev.eval(n.A)
		}
		return ev.eval(n.B)
	}
	panic(fmt.Sprintf("evaluator: unsupported %T %s", e, ir.ExprString(e)))
}

func (ev *evaluator) run(ss []ir.Stmt) {
	for _, s := range ss {
		a := s.(*ir.Assign)
		v := ev.eval(a.Value)
		switch l := a.LHS.(type) {
		case *ir.VarRef:
			ev.vars[l.Name] = v
		case *ir.Temp:
			ev.temps[l.Name] = v
		default:
			panic(fmt.Sprintf("assignment to %T", a.LHS))
		}
	}
}

// neuronModel builds a one-neuron-type rate model from its equations and
// parameters and returns that type.
func neuronType(t *testing.T, params, equations string) *ir.NeuronType {
	t.Helper()
	src := "name: m\ndt: 0.5\nneurons:\n  N:\n    parameters: |\n" + indent(params) + "    equations: |\n" + indent(equations) +
		"populations:\n  - {name: P, geometry: 1, neuron: N}\n"
	im, d := build(t, "model.yaml", []byte(src))
	if d.HasErrors() {
		t.Fatalf("%s\n%v", src, d)
	}
	return im.Neurons[0]
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		b.WriteString("      " + strings.TrimSpace(l) + "\n")
	}
	return b.String()
}

func close(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-13*math.Max(1, math.Abs(want)) {
		t.Errorf("%s: got %.17g, want %.17g (diff %g)", what, got, want, got-want)
	}
}

// The scalar linear ODE tau * dv/dt = A - v, written in several forms,
// against the hand-derived discretisation of every method.
func TestMethodsScalarLinear(t *testing.T) {
	const tau, A, v0, dt = 10.0, 2.0, -0.7, 0.5
	f := func(v float64) float64 { return (A - v) / tau }
	k1 := f(v0)
	k2 := f(v0 + dt/2*k1)
	k3 := f(v0 + dt/2*k2)
	k4 := f(v0 + dt*k3)
	want := map[string]float64{
		"explicit":     v0 + dt*(A-v0)/tau,
		"semiimplicit": (v0 + dt*A/tau) / (1 + dt/tau),
		"implicit":     (v0 + dt*A/tau) / (1 + dt/tau),
		"exponential":  v0 + (1-math.Exp(-dt/tau))*(A-v0),
		"midpoint":     v0 + dt*f(v0+dt/2*k1),
		"rk4":          v0 + dt/6*(k1+2*k2+2*k3+k4),
	}
	for _, name := range lang.MethodNames(false) {
		if _, ok := want[name]; !ok {
			t.Errorf("method %q of lang.Methods has no hand-derived discretisation in this test", name)
		}
	}
	forms := []string{
		"tau * dv/dt = A - v",
		"tau * dv/dt + v = A",
		"dv/dt = (A - v) / tau",
		"dv/dt * tau = A - v",
		"v + tau * dv/dt - A = 0",
		"A = v + tau * dv/dt",
	}
	for method, w := range want {
		for _, form := range forms {
			nt := neuronType(t, "tau = 10.0\nA = 2.0", form+" : "+method+"\nr = v")
			ev := &evaluator{vars: map[string]float64{"tau": tau, "A": A, "v": v0}, temps: map[string]float64{}, dt: dt}
			ev.run(nt.LocalUpdate)
			close(t, method+": "+form, ev.vars["v"], w)
			close(t, method+": r = v", ev.vars["r"], w)
		}
	}
}

// A coupled linear system dx/dt = J x + c integrated by backward Euler
// (compared with an LU solve of (I - dt J) x_new = x + dt c) and by RK4
// (compared with the four stages written out on vectors).
func TestMethodsCoupledLinear(t *testing.T) {
	const dt = 0.5
	J := [][]float64{{-0.5, 0.2, 0.1}, {0.3, -0.25, -0.4}, {0.05, 0.6, -1.2}}
	c := []float64{1.0, -1.0, 0.5}
	x0 := []float64{0.3, -0.2, 1.1}
	names := []string{"x", "y", "z"}
	params := ""
	for i := range J {
		for j := range J[i] {
			params += fmt.Sprintf("j%d%d = %g\n", i, j, J[i][j])
		}
		params += fmt.Sprintf("c%d = %g\n", i, c[i])
	}
	for _, n := range []int{2, 3} {
		for _, method := range []string{"implicit", "rk4", "midpoint", "explicit"} {
			eqs := ""
			for i := 0; i < n; i++ {
				eqs += fmt.Sprintf("d%s/dt = ", names[i])
				for j := 0; j < n; j++ {
					eqs += fmt.Sprintf("j%d%d * %s + ", i, j, names[j])
				}
				eqs += fmt.Sprintf("c%d : %s\n", i, method)
			}
			nt := neuronType(t, params, eqs+"r = x")
			ev := &evaluator{vars: map[string]float64{}, temps: map[string]float64{}, dt: dt}
			for i := range J {
				for j := range J[i] {
					ev.vars[fmt.Sprintf("j%d%d", i, j)] = J[i][j]
				}
				ev.vars[fmt.Sprintf("c%d", i)] = c[i]
			}
			for i := 0; i < n; i++ {
				ev.vars[names[i]] = x0[i]
			}
			ev.run(nt.LocalUpdate)

			deriv := func(x []float64) []float64 {
				d := make([]float64, n)
				for i := 0; i < n; i++ {
					d[i] = c[i]
					for j := 0; j < n; j++ {
						d[i] += J[i][j] * x[j]
					}
				}
				return d
			}
			axpy := func(x []float64, h float64, k []float64) []float64 {
				out := make([]float64, n)
				for i := range out {
					out[i] = x[i] + h*k[i]
				}
				return out
			}
			var want []float64
			switch method {
			case "implicit":
				M := mat.NewDense(n, n, nil)
				rhs := mat.NewVecDense(n, nil)
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						v := -dt * J[i][j]
						if i == j {
							v++
						}
						M.Set(i, j, v)
					}
					rhs.SetVec(i, x0[i]+dt*c[i])
				}
				var sol mat.VecDense
				if err := sol.SolveVec(M, rhs); err != nil {
					t.Fatal(err)
				}
				want = sol.RawVector().Data
			case "rk4":
				k1 := deriv(x0[:n])
				k2 := deriv(axpy(x0[:n], dt/2, k1))
				k3 := deriv(axpy(x0[:n], dt/2, k2))
				k4 := deriv(axpy(x0[:n], dt, k3))
				want = make([]float64, n)
				for i := range want {
					want[i] = x0[i] + dt/6*(k1[i]+2*k2[i]+2*k3[i]+k4[i])
				}
			case "midpoint":
				k1 := deriv(x0[:n])
				want = axpy(x0[:n], dt, deriv(axpy(x0[:n], dt/2, k1)))
			case "explicit":
				want = axpy(x0[:n], dt, deriv(x0[:n]))
			}
			for i := 0; i < n; i++ {
				close(t, fmt.Sprintf("%s n=%d %s", method, n, names[i]), ev.vars[names[i]], want[i])
			}
		}
	}
}

// Conductance-based membrane with the exponential method: the effective
// time constant and steady state depend on the conductances.
func TestExponentialConductances(t *testing.T) {
	nt := neuronType(t, "tau = 20.0\nEl = -60.0\nEe = 0.0\nEi = -80.0\nge = 0.3\ngi = 0.7",
		"tau * dv/dt = (El - v) + ge * (Ee - v) + gi * (Ei - v) : exponential\nr = v")
	const tau, El, Ee, Ei, ge, gi, v0, dt = 20.0, -60.0, 0.0, -80.0, 0.3, 0.7, -52.0, 0.5
	ev := &evaluator{vars: map[string]float64{"tau": tau, "El": El, "Ee": Ee, "Ei": Ei, "ge": ge, "gi": gi, "v": v0}, temps: map[string]float64{}, dt: dt}
	ev.run(nt.LocalUpdate)
	g := 1 + ge + gi
	want := v0 + (1-math.Exp(-dt*g/tau))*((El+ge*Ee+gi*Ei)/g-v0)
	close(t, "v", ev.vars["v"], want)
}

// Non-polynomial terms in the variable are frozen at the old value by the
// exponential and semi-implicit methods (as ANNarchy does).
func TestFrozenNonlinearTerms(t *testing.T) {
	const tau, El, delta, vt, v0, dt = 10.0, -70.0, 2.0, -50.0, -55.0, 0.5
	spike := delta * math.Exp((v0-vt)/delta)
	for method, want := range map[string]float64{
		"exponential":  v0 + (1-math.Exp(-dt/tau))*(El+spike-v0),
		"semiimplicit": v0 + dt*(El-v0+spike)/(tau+dt),
	} {
		nt := neuronType(t, "tau = 10.0\nEl = -70.0\ndelta = 2.0\nvt = -50.0",
			"tau * dv/dt = El - v + delta * exp((v - vt) / delta) : "+method+"\nr = v")
		ev := &evaluator{vars: map[string]float64{"tau": tau, "El": El, "delta": delta, "vt": vt, "v": v0}, temps: map[string]float64{}, dt: dt}
		ev.run(nt.LocalUpdate)
		close(t, method, ev.vars["v"], want)
	}
}

// A polynomial non-linearity makes semiimplicit fall back to explicit,
// with a warning.
func TestSemiimplicitFallback(t *testing.T) {
	src := "name: m\nneurons:\n  N:\n    equations: |\n      dv/dt = 0.04 * v^2 - v : semiimplicit\n      r = v\npopulations:\n  - {name: P, geometry: 1, neuron: N}\n"
	im, d := build(t, "model.yaml", []byte(src))
	if d.HasErrors() || len(d) != 1 || !strings.Contains(d[0].String(), "model.yaml:5:7: warning: equation for v is not linear in v; the semiimplicit method falls back to explicit") {
		t.Fatalf("diagnostics: %v", d)
	}
	ev := &evaluator{vars: map[string]float64{"v": 3}, temps: map[string]float64{}, dt: 1}
	ev.run(im.Neurons[0].LocalUpdate)
	close(t, "v", ev.vars["v"], 3+(0.04*9-3))
}

// Consecutive ODEs use the old values of each other; clamping follows the
// whole block; assignments then run in order with the new values.
func TestBlockOrder(t *testing.T) {
	nt := neuronType(t, "a = 0.02\nb = 0.2",
		"dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u : max = 30.0\ndu/dt = a * (b * v - u)\nr = v + u")
	const a, b, v0, u0, dt = 0.02, 0.2, -20.0, -14.0, 0.5
	ev := &evaluator{vars: map[string]float64{"a": a, "b": b, "v": v0, "u": u0}, temps: map[string]float64{}, dt: dt}
	ev.run(nt.LocalUpdate)
	v := math.Min(v0+dt*(0.04*v0*v0+5*v0+140-u0), 30)
	u := u0 + dt*a*(b*v0-u0)
	close(t, "v", ev.vars["v"], v)
	close(t, "u", ev.vars["u"], u)
	close(t, "r", ev.vars["r"], v+u)
}

// Event-driven synapse variables become exact decays.
func TestEventDriven(t *testing.T) {
	src := `name: m
neurons:
  N:
    equations: |
      dv/dt = -v + g_exc
    spike: v > 1.0
synapses:
  S:
    parameters: |
      tau = 20.0 : projection
      a = 0.5 : projection
    equations: |
      tau * dx/dt = -x : event-driven
      tau * dy/dt + y = a : event-driven
      dz/dt = (2.0 * a - z) / tau : event-driven
    pre_spike: |
      x += 1.0
populations:
  - {name: P, geometry: 2, neuron: N}
projections:
  - {pre: P, post: P, target: exc, synapse: S, connector: {all_to_all: {weights: 1.0}}}
`
	im, d := build(t, "model.yaml", []byte(src))
	if d.HasErrors() {
		t.Fatal(d)
	}
	st := im.Synapses[0]
	if len(st.Decays) != 3 || len(st.LocalUpdate) != 0 {
		t.Fatalf("decays %d, local update %d", len(st.Decays), len(st.LocalUpdate))
	}
	ev := &evaluator{vars: map[string]float64{"tau": 20, "a": 0.5}, temps: map[string]float64{}}
	for i, want := range [][2]float64{{1.0 / 20, 0}, {1.0 / 20, 0.5}, {1.0 / 20, 1.0}} {
		close(t, st.Decays[i].Var.Name+" rate", ev.eval(st.Decays[i].Rate), want[0])
		close(t, st.Decays[i].Var.Name+" inf", ev.eval(st.Decays[i].Inf), want[1])
	}
	if !st.Spiking || len(st.PreSpike) != 2 {
		t.Fatalf("pre_spike: %d statements", len(st.PreSpike))
	}
	if got := ir.ExprString(st.PreSpike[0].(*ir.Assign).Value); got != "g_target + w" {
		t.Errorf("implicit transmission: %s", got)
	}
}

// Refractoriness: conductances, unless_refractory variables and the
// temporaries they read keep running; the rest is frozen.
func TestRefractoryMarks(t *testing.T) {
	src := `name: m
neurons:
  N:
    parameters: |
      tau = 10.0
    equations: |
      tau * dv/dt = -v + g_exc : rk4
      tau * dg_exc/dt = -g_exc : rk4
      du/dt = -u : unless_refractory
      k = v
    spike: v > 1.0
    refractory: 2.0
populations:
  - {name: P, geometry: 2, neuron: N}
`
	im, d := build(t, "model.yaml", []byte(src))
	if d.HasErrors() {
		t.Fatal(d)
	}
	marks := map[string]bool{}
	for _, s := range im.Neurons[0].LocalUpdate {
		a := s.(*ir.Assign)
		marks[ir.ExprString(a.LHS)] = a.UnlessRefractory
	}
	want := map[string]bool{
		"_k1_v": false, "_k2_v": false, "_k3_v": false, "_k4_v": false, // v's stages read g_exc's, not the reverse
		"_k1_g_exc": true, "_k2_g_exc": true, "_k3_g_exc": true, "_k4_g_exc": true,
		"v": false, "g_exc": true, "u": true, "k": false,
	}
	for name, w := range want {
		if got, ok := marks[name]; !ok || got != w {
			t.Errorf("%s: unless refractory %v (present %v), want %v", name, got, ok, w)
		}
	}
}
