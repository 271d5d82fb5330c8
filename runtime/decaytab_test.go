package runtime

import (
	"math"
	"math/rand"
	"testing"
)

// TestDecayTableExact: the factor is Exp(-rate * el) bit for bit, within
// the table and beyond it, when the rate or the step changes (the table is
// refilled), for rates of either sign, zero and NaN.
func TestDecayTableExact(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var tab DecayTable
	for _, c := range []struct{ rate, dt float64 }{
		{0.05, 0.1}, {0.05, 1.0}, {1.0 / 3, 0.1}, {-0.01, 0.25}, {0, 0.1}, {math.Copysign(0, -1), 0.1}, {math.NaN(), 0.1}, {0.05, 0.1},
	} {
		for range 2000 {
			steps := int64(r.Intn(3 * DecayTableLen))
			if r.Intn(10) == 0 {
				steps = -int64(r.Intn(5)) // a state loaded with events ahead of the clock
			}
			el := float64(steps) * c.dt
			got, want := DecayFactor(tab.For(c.rate, c.dt), c.rate, steps, el), Exp(-c.rate*el)
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("rate %v dt %v, %d steps: %v, want %v", c.rate, c.dt, steps, got, want)
			}
		}
	}
}
