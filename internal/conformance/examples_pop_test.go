package conformance

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/annc/annc/runtime/results"
)

// TestSTDPWindowExample: examples/stdp_window, 101 trials of 105 steps. The
// weight change of trial k (t_pre = 100 - k ms, t_post = 50 ms, Δt = t_post
// - t_pre) is the STDP window of the notebook: the presynaptic spike acts at
// t_pre + 1 (one step after it is emitted); an event-driven trace set to
// 0.02 there decays by exp(-1/20) per step. LTD (Δt <= 0): the post spike
// sets y = 0.02 at 50, the pre spike at t_pre + 1 subtracts y decayed over
// the steps in between, as ANNarchy steps event-driven variables (one step
// less than elapsed): 0.02 exp(-|Δt|/20). LTP (Δt >= 1): x = 0.02 set at
// t_pre + 1, added at 50: 0.02 exp(-(Δt - 1)/20).
func TestSTDPWindowExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("stdp_window"))
	tr := trace(t, r, "weight", "w", 101*105, 1)
	prev := 1.0
	for k := 0; k < 101; k++ {
		w := at(tr, 105*(k+1)-1, 0)
		dt := 50 - (100 - float64(k))
		want := -0.02 * math.Exp(-math.Abs(dt)/20)
		if dt >= 1 {
			want = 0.02 * math.Exp(-(dt-1)/20)
		}
		if got := w - prev; math.Abs(got-want) > 1e-12 {
			t.Errorf("Δt = %g ms: Δw = %.12g, want %.12g", dt, got, want)
		}
		prev = w
	}
}

// TestHybridExample: examples/hybrid, 4 periods of 250 ms (2500 steps) with
// input rates 0, 10, 50, 100 Hz. The neuron decoding all 1000 Poisson
// neurons has a mean decoded rate within 6 % of the input after the first
// 10 ms of each period (about 2400 spikes at 10 Hz: 2 % standard error),
// and the notebook's normalized error mean |r - F|/F over each period
// falls with the number of decoded neurons (1, 10, 100, 1000).
func TestHybridExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("hybrid"))
	tr := trace(t, r, "m3", "r", 10000, 4)
	for p, rate := range []float64{0, 10, 50, 100} {
		lo, hi := 2500*p, 2500*(p+1)
		if rate == 0 {
			for k := lo; k < hi; k++ {
				if at(tr, k, 3) != 0 {
					t.Fatalf("decoded rate %v at step %d with no input", at(tr, k, 3), k)
				}
			}
			continue
		}
		mean := 0.0
		for k := lo + 100; k < hi; k++ {
			mean += at(tr, k, 3)
		}
		mean /= float64(hi - lo - 100)
		if math.Abs(mean-rate)/rate > 0.06 {
			t.Errorf("input %g Hz: decoded %g Hz", rate, mean)
		}
		errs := make([]float64, 4)
		for j := range errs {
			for k := lo; k < hi; k++ {
				errs[j] += math.Abs(at(tr, k, j)-rate) / rate
			}
			errs[j] /= float64(hi - lo)
		}
		if !(errs[0] > errs[1] && errs[1] > errs[2] && errs[2] > errs[3]) {
			t.Errorf("input %g Hz: normalized errors %v do not fall with the number of decoded neurons", rate, errs)
		}
	}
}

// TestAdExExample: examples/adex. An independent explicit-Euler loop of the
// eight neurons (v and w from the values at the start of the step, spike at
// v >= 0, reset, 20 frozen steps) gives the same spike steps; then the
// patterns of the notebook's figure are checked on the intervals.
func TestAdExExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("adex"))
	type params struct{ C, gL, EL, vT, dT, a, tw, b, vr, I float64 }
	ps := []params{
		{200, 10, -70, -50, 2, 2, 30, 0, -58, 500}, {200, 12, -70, -50, 2, 2, 300, 60, -58, 500},
		{130, 18, -58, -50, 2, 4, 150, 120, -50, 400}, {200, 10, -58, -50, 2, 2, 120, 100, -46, 210},
		{200, 12, -70, -50, 2, -10, 300, 0, -58, 300}, {200, 12, -70, -50, 2, -6, 300, 0, -58, 110},
		{100, 10, -65, -50, 2, -10, 90, 30, -47, 350}, {100, 12, -60, -50, 2, -11, 130, 30, -48, 160},
	}
	got := make([][]int, 8)
	sp := r.Spikes["m"]
	for k, tm := range sp.Times {
		got[sp.Ranks[k]] = append(got[sp.Ranks[k]], int(math.Round(tm/0.1)))
	}
	isi := func(s []int) []float64 {
		var out []float64
		for i := 1; i < len(s); i++ {
			out = append(out, 0.1*float64(s[i]-s[i-1]))
		}
		return out
	}
	for n, p := range ps {
		v, w, refr := p.EL, 0.0, 0
		var want []int
		for k := 0; k < 5500; k++ {
			I := p.I
			if k >= 5000 {
				I = 0
			}
			if refr > 0 {
				refr--
				continue
			}
			dv := (-p.gL*(v-p.EL) + p.gL*p.dT*math.Exp((v-p.vT)/p.dT) + I - w) / p.C
			dw := (p.a*(v-p.EL) - w) / p.tw
			v, w = v+0.1*dv, w+0.1*dw
			if v >= 0 {
				want = append(want, k)
				v, w, refr = p.vr, w+p.b, 20
			}
		}
		if !slices.Equal(got[n], want) {
			t.Errorf("neuron %d: spike steps %v, want %v", n, got[n], want)
		}
		if len(want) > 0 && want[len(want)-1] >= 5100 {
			t.Errorf("neuron %d fires 10 ms after the current is off", n)
		}
	}
	a, b, c, d, e := isi(got[0]), isi(got[1]), isi(got[2]), isi(got[3]), isi(got[4])
	if len(a) < 30 || math.Abs(a[len(a)-1]-a[len(a)-10]) > 0.25 {
		t.Errorf("a) tonic spiking: intervals %v do not settle", a)
	}
	if len(b) < 5 || !(b[len(b)-1] > 4*b[0]) || !slices.IsSorted(b[:5]) {
		t.Errorf("b) adaptation: intervals %v do not grow", b)
	}
	if len(c) < 5 || !(c[0] < 10 && c[1] < 10 && c[len(c)-1] > 50) {
		t.Errorf("c) initial burst: intervals %v", c)
	}
	for i := 2; i+1 < len(d); i += 2 {
		if !(d[i] > 100 && d[i+1] < 10) {
			t.Errorf("d) regular bursting: intervals %v do not alternate", d)
			break
		}
	}
	if len(e) < 5 || !(e[len(e)-1] < e[0]) || got[4][0] < 300 {
		t.Errorf("e) delayed accelerating: first spike at step %d, intervals %v", got[4][0], e)
	}
}

// TestInputPresentationExample: examples/input_presentation, dt = 1 ms. For
// 10 s the every block sets I to row n of images.npy before steps 1000 n;
// then 10 trials of 1000 steps set I = Uniform(0, 1). r follows explicit
// Euler, r <- r + (I - r) / 10, from the values recorded.
func TestInputPresentationExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("input_presentation"))
	in := trace(t, r, "m", "I", 20000, 48)
	out := trace(t, r, "m", "r", 20000, 48)
	img, err := results.ReadNpyFile(filepath.Join("..", "..", "examples", "input_presentation", "images.npy"))
	if err != nil {
		t.Fatal(err)
	}
	data := img.Floats()
	prev := make([]float64, 48)
	for k := 0; k < 20000; k++ {
		for i := 0; i < 48; i++ {
			I := at(in, k, i)
			if k < 10000 {
				if want := data[(k/1000)*48+i]; I != want {
					t.Fatalf("step %d: I[%d] = %v, want image %d's %v", k, i, I, k/1000, want)
				}
			} else if I < 0 || I >= 1 || (k%1000 != 0 && I != at(in, k-1, i)) || (k%1000 == 0 && I == at(in, k-1, i)) {
				t.Fatalf("step %d: I[%d] = %v is not a new Uniform(0, 1) draw per trial", k, i, I)
			}
			want := prev[i] + (I-prev[i])/10
			if !near(at(out, k, i), want) {
				t.Fatalf("step %d: r[%d] = %.12g, want %.12g", k, i, at(out, k, i), want)
			}
			prev[i] = at(out, k, i)
		}
	}
}

// TestRampExample: examples/ramp for 50 s of its 1000 s. From 20 s on, the
// firing rates over 5 s are those the notebook reports: about 55 Hz without
// homeostasis, 35 Hz (the target) with it. The plain-STDP weights saturate
// at w_max = 0.03; the homeostatic ones stay lower (they become
// proportional to the input rates only over the full 1000 s, which the
// README reports).
func TestRampExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("ramp"), "-duration", "50000")
	mean := func(tr []float64) float64 {
		s := 0.0
		for _, x := range tr {
			s += x
		}
		return s / float64(len(tr))
	}
	r1 := trace(t, r, "m1", "r", 50, 1).Data[20:]
	r2 := trace(t, r, "m2", "r", 50, 1).Data[20:]
	if m := mean(r1); m < 52 || m > 59 {
		t.Errorf("without homeostasis: %.2f Hz, want about 55", m)
	}
	if m := mean(r2); m < 33 || m > 37 {
		t.Errorf("with homeostasis: %.2f Hz, want about 35", m)
	}
	w3 := trace(t, r, "m3", "w", 50, 100).Data[49*100:]
	w4 := trace(t, r, "m4", "w", 50, 100).Data[49*100:]
	for i, w := range w3 {
		if w < 0.025 {
			t.Errorf("plain STDP: weight %d is %v, not saturated", i, w)
		}
	}
	if mean(w4) > 0.8*mean(w3) {
		t.Errorf("homeostatic weights: mean %.4f, plain STDP %.4f", mean(w4), mean(w3))
	}
}

// TestCallbacksExample: examples/callbacks, dt = 1 ms, simulate(7000) then
// simulate(2500). In each call (start s, local time k - s), the manual's
// call times: I = 1 at 0, 1000, ..., I = 0 at 500, 1500, ... (declared
// later, so it wins when both are due); J takes rows [1, 0] at 900, 1900,
// ...; K takes rows [10, 20, 30] at 5000, 6000, ... (n from 0 in each
// call).
func TestCallbacksExample(t *testing.T) {
	t.Parallel()
	r := run(t, example("callbacks"))
	I := trace(t, r, "m", "I", 9500, 1)
	J := trace(t, r, "m", "J", 9500, 1)
	K := trace(t, r, "m", "K", 9500, 1)
	var wi, wj, wk float64
	for k := 0; k < 9500; k++ {
		s := 0
		if k >= 7000 {
			s = 7000
		}
		l := k - s
		switch {
		case l%1000 == 0:
			wi = 1
		case l%1000 == 500:
			wi = 0
		}
		if l%1000 == 900 {
			wj = []float64{1, 0}[(l/1000)%2]
		}
		if l >= 5000 && l%1000 == 0 {
			wk = []float64{10, 20, 30}[((l-5000)/1000)%3]
		}
		if at(I, k, 0) != wi || at(J, k, 0) != wj || at(K, k, 0) != wk {
			t.Fatalf("step %d: I, J, K = %v, %v, %v, want %v, %v, %v", k, at(I, k, 0), at(J, k, 0), at(K, k, 0), wi, wj, wk)
		}
	}
}
