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
// exponential, with the same bits. It refills itself when the rate or the
// step changes; one goroutine uses it at a time.
type DecayTable struct {
	rate, dt float64
	f        []float64
}

// Factor returns Exp(-rate * el), el being float64(steps) * dt.
func (t *DecayTable) Factor(rate, dt float64, steps int64, el float64) float64 {
	if uint64(steps) < uint64(len(t.f)) && rate == t.rate && dt == t.dt {
		return t.f[steps]
	}
	return t.slow(rate, dt, steps, el)
}

func (t *DecayTable) slow(rate, dt float64, steps int64, el float64) float64 {
	if math.IsNaN(rate) || math.IsNaN(dt) {
		return fmath.Exp(-rate * el)
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
	if uint64(steps) < uint64(len(t.f)) {
		return t.f[steps]
	}
	return fmath.Exp(-rate * el)
}
