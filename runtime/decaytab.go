package runtime

import (
	"math"

	"github.com/annc/annc/runtime/fmath"
)

// DecayTableLen is the number of elapsed steps a DecayTable holds.
const DecayTableLen = 2048

// DecayTable holds the decay factors Exp(-rate * el) of an event-driven
// variable for the elapsed times el = n·dt, n < DecayTableLen, of one rate
// and step: an event then reads its factor instead of computing an
// exponential, with the same bits. For refills the table when the rate or
// the step changes; one goroutine uses it at a time.
type DecayTable struct {
	rate, dt float64
	f        []float64
}

// For returns the factors of rate and dt, for DecayFactor: refilled when
// either changed since the last call, nil when either is NaN.
func (t *DecayTable) For(rate, dt float64) []float64 {
	if math.IsNaN(rate) || math.IsNaN(dt) {
		return nil
	}
	if t.f == nil || rate != t.rate || dt != t.dt {
		if t.f == nil {
			t.f = make([]float64, DecayTableLen)
		}
		for n := range t.f {
			t.f[n] = fmath.Exp(-rate * (float64(n) * dt))
		}
		t.rate, t.dt = rate, dt
	}
	return t.f
}

// DecayFactor returns Exp(-rate * el), el being float64(steps) * dt: from
// tab, the factors For(rate, dt) returned, when it holds that many steps.
// It is small enough to be inlined into an event's loop, where the table
// was fetched once before the loop.
func DecayFactor(tab []float64, rate float64, steps int64, el float64) float64 {
	if uint64(steps) < uint64(len(tab)) {
		return tab[steps]
	}
	return fmath.Exp(-rate * el)
}
