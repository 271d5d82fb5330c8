package spelling

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"tau", "tau", 0}, {"tua", "tau", 1}, {"", "abc", 3}, {"abc", "", 3},
		{"g_ex", "g_exc", 1}, {"kitten", "sitting", 3}, {"ca", "abc", 3}, {"paramters", "parameters", 1},
		{"exponentail", "exponential", 1}, {"Vtt", "Vt", 1}, {"ä", "a", 1},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Distance(c.b, c.a); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetry)", c.b, c.a, got, c.want)
		}
	}
}
