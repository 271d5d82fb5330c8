package codegen

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// featProgram drives the generated package of featModel.
const featProgram = `package main

import (
	"encoding/json"
	"os"

	"annarchy/feat"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	n, err := feat.New()
	must(err)
	var out struct {
		Acc, W, X, Y []float64
		R, C, U, Ta, Tb, Rd, Pr2, Hw [][]float64
		On [][]bool
		Sp [][]float64
		Gsum []float64
		Poi int
		PoiAfter int
		MonW, MonOn []float64
		Until float64
		UntilPops float64
	}
	cp := func(x []float64) []float64 { return append([]float64(nil), x...) }
	for s := 0; s < 14; s++ {
		n.Step()
		out.Acc = append(out.Acc, n.Out.Acc[0])
		out.W = append(out.W, n.Stdp.W[0])
		out.X = append(out.X, n.Stdp.X[0])
		out.Y = append(out.Y, n.Stdp.Y[0])
		out.R = append(out.R, cp(n.Pr.R))
		out.On = append(out.On, append([]bool(nil), n.Pr.On...))
		out.C = append(out.C, cp(n.Pr.C))
		out.U = append(out.U, cp(n.Pr.U))
		out.Ta = append(out.Ta, cp(n.Ta.R))
		out.Tb = append(out.Tb, cp(n.Tb.R))
		out.Rd = append(out.Rd, cp(n.Rd.R))
		out.Pr2 = append(out.Pr2, cp(n.Pr2.R))
		out.Hw = append(out.Hw, cp(n.Hebb.W))
		out.Sp = append(out.Sp, cp(n.Hebb.Sp))
		out.Gsum = append(out.Gsum, n.Hebb.Gsum)
		out.Poi += len(n.Poi.Spiked)
	}
	out.MonW, _ = n.Mw.Get("w")
	out.MonOn, _ = n.Mpr.Get("on")
	must(n.Set("poi.rates", "0"))
	n.Step()
	out.PoiAfter = len(n.Poi.Spiked)
	n2, err := feat.New()
	must(err)
	out.Until = n2.SimulateUntil(100)
	n3, err := feat.New()
	must(err)
	out.UntilPops = n3.SimulateUntilPops(100, true, n3.Pr)
	json.NewEncoder(os.Stdout).Encode(out)
}
`

type featOut struct {
	Acc, W, X, Y                 []float64
	R, C, U, Ta, Tb, Rd, Pr2, Hw [][]float64
	On                           [][]bool
	Sp                           [][]float64
	Gsum                         []float64
	Poi, PoiAfter                int
	MonW, MonOn                  []float64
	Until, UntilPops             float64
}

// featExpected iterates featModel by hand.
func featExpected(steps int) featOut {
	var e featOut
	// STDP state. As ANNarchy 5 (the default), a presynaptic event decays
	// the event-driven variables to the step before it, a postsynaptic one
	// to its own step; the last event starts far in the past.
	w, x, y := 0.5, 0.0, 0.0
	last := -10000
	h1, h2 := 1.0/10, 1.0/20
	decay := func(now int) {
		el := float64(now-last) * 1.0
		x = 0.0 + (x-0.0)*math.Exp(-h1*el)
		y = 0.0 + (y-0.0)*math.Exp(-h2*el)
	}
	acc, g := 0.0, 0.0
	// Rate part.
	r := []float64{0, 0, 0}
	c := []float64{0, 0, 0}
	mean := 0.0
	hist := [][]float64{{0, 0, 0}} // r at the end of each step, after the initial state
	hw := []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	r2 := []float64{0, 0}
	sp := []float64{0, 0}
	gsum := 0.0
	rows := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	for s := 0; s < steps; s++ {
		t := float64(s)
		// 2. Transmission.
		if s == 3 || s == 11 {
			decay(s - 1)
			g += w
			x += 1
			w = min(max(w-0.1*y, 0), 1)
			last = s
		}
		rd := hist[max(0, len(hist)-2)]
		var sum2 []float64
		for j := 0; j < 2; j++ {
			a := math.Inf(-1)
			for i := 0; i < 3; i++ {
				a = max(a, hw[j*3+i]*r[i])
			}
			sum2 = append(sum2, 0+a)
		}
		// 5. Updates.
		acc += g
		g = 0
		spiked := t == 5 || t == 12
		base := []float64{0.0 / 2.0, 1, 4}
		on := make([]bool, 3)
		for i := range r {
			r[i] = base[i] + mean
			on[i] = r[i] > 1
			if on[i] {
				c[i] = c[i] + 1
			}
		}
		hist = append(hist, append([]float64(nil), r...))
		rdv := make([]float64, 3)
		for j := range rdv {
			rdv[j] = 0 + (0 + 1*rd[j])
		}
		copy(r2, sum2)
		// 7. Global operations.
		m := 0.0
		for _, v := range r {
			m += v
		}
		mean = m / 3
		// 8. Synapse equations.
		gsum++
		for j := 0; j < 2; j++ {
			sp[j] = r2[j] * 2
			for i := 0; i < 3; i++ {
				hw[j*3+i] = hw[j*3+i] + 0.01*math.Exp(r[i]*0.01)*r2[j]
			}
		}
		// 9. post_spike.
		if spiked {
			decay(s)
			y += 1
			w = min(max(w+0.2*x, 0), 1)
			last = s
		}
		e.Acc = append(e.Acc, acc)
		e.W = append(e.W, w)
		e.X = append(e.X, x)
		e.Y = append(e.Y, y)
		e.R = append(e.R, append([]float64(nil), r...))
		e.On = append(e.On, on)
		e.C = append(e.C, append([]float64(nil), c...))
		e.Ta = append(e.Ta, rows[(s%4)/2])
		e.Tb = append(e.Tb, rows[min(s/2, 2)])
		e.Rd = append(e.Rd, rdv)
		e.Pr2 = append(e.Pr2, append([]float64(nil), r2...))
		e.Hw = append(e.Hw, append([]float64(nil), hw...))
		e.Sp = append(e.Sp, append([]float64(nil), sp...))
		e.Gsum = append(e.Gsum, gsum)
		e.Poi += 10
		e.MonW = append(e.MonW, w)
		for _, o := range on {
			if o {
				e.MonOn = append(e.MonOn, 1)
			} else {
				e.MonOn = append(e.MonOn, 0)
			}
		}
	}
	return e
}

func TestGeneratedFeatures(t *testing.T) {
	var got featOut
	decode(t, buildOutput(t, "checkfeat"), &got)
	want := featExpected(14)
	// Random draws: only their range is known.
	for _, row := range got.U {
		for _, u := range row {
			if u < 0 || u >= 1 {
				t.Errorf("Uniform(0, 1) drew %v", u)
			}
		}
	}
	if len(got.U) != 14 || got.U[0][0] == got.U[1][0] {
		t.Errorf("random variable not drawn every step: %v", got.U)
	}
	want.U = got.U
	// SimulateUntil: c >= 3 for all neurons after the step in which it
	// first holds (step 3, so 4 steps of 1 ms); the any/or variant the same.
	want.Until, want.UntilPops = 4, 4
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("generated network differs from the hand iteration (-want +got):\n%s", d)
	}
	if got.PoiAfter != 0 {
		t.Errorf("Poisson with rates 0 spiked %d times", got.PoiAfter)
	}
}

// check32Program runs the float32 variant of testModel.
const check32Program = `package main

import (
	"encoding/json"
	"os"

	m "annarchy/tmodel32"
)

func f64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func main() {
	n, err := m.New()
	if err != nil {
		panic(err)
	}
	var out struct {
		Rate      [][]float64
		LifV      []float64
		LifSpikes []int
		Acc       [][]float64
		Rsum      []float64
	}
	for s := 0; s < 20; s++ {
		n.Step()
		out.Rate = append(out.Rate, f64(n.Rate.R))
		out.LifV = append(out.LifV, float64(n.Lif.V[0]))
		if len(n.Lif.Spiked) > 0 {
			out.LifSpikes = append(out.LifSpikes, s)
		}
		out.Acc = append(out.Acc, f64(n.Tgt.Acc))
		out.Rsum = append(out.Rsum, float64(n.Rsum.R[0]))
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
`

// TestGeneratedFloat32 checks the float32 variant against the float64 hand
// iteration at float32 accuracy.
func TestGeneratedFloat32(t *testing.T) {
	var got checkOut
	decode(t, buildOutput(t, "check32"), &got)
	want := expected(20)
	want.LifG, want.Mon = nil, got.Mon
	near := cmpopts.EquateApprox(1e-5, 1e-5)
	if d := cmp.Diff(want, got, near, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("float32 network differs from the hand iteration (-want +got):\n%s", d)
	}
}
