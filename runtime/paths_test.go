package runtime

import (
	"errors"
	"fmt"
	"testing"
)

func TestUnknownPath(t *testing.T) {
	paths := []string{"P.tau", "P.tau_e", "P.Vt", "P.v", "inp.rates", "ee.w", "ee.delays", "E_exc"}
	for _, c := range []struct {
		path, want string
		suggests   bool
	}{
		{"P.tua", `unknown path "P.tua"; did you mean P.tau?`, true},              // transposition
		{"P.vt", `unknown path "P.vt"; did you mean P.Vt?`, true},                 // case only
		{"P.tau_i", `unknown path "P.tau_i"; did you mean P.tau_e?`, true},        // one substitution
		{"P.tau_", `unknown path "P.tau_"; did you mean P.tau or P.tau_e?`, true}, // both one edit away
		{"Q.tau", `unknown path "Q.tau"; did you mean P.tau?`, true},              // the object misspelt
		{"inp.rate", `unknown path "inp.rate"; did you mean inp.rates?`, true},    // deletion
		{"P.nope", `unknown path "P.nope"; P has P.tau, P.tau_e, P.Vt, P.v`, true},
		{"m.period", `unknown path "m.period" (Paths lists the settable paths)`, false},
		{"zzz", `unknown path "zzz" (Paths lists the settable paths)`, false},
	} {
		err := UnknownPath(c.path, paths)
		if err.Error() != c.want || hasSuggestion(err) != c.suggests {
			t.Errorf("UnknownPath(%q) = %q (suggests %t), want %q (%t)", c.path, err, hasSuggestion(err), c.want, c.suggests)
		}
		if !hasSuggestion(fmt.Errorf("-set x=1: %w", err)) == c.suggests {
			t.Errorf("%q: HasSuggestion does not see through wrapping", c.path)
		}
	}
}

// hasSuggestion reports whether err is an *UnknownPathError that names the
// paths the user probably meant.
func hasSuggestion(err error) bool {
	var e *UnknownPathError
	return errors.As(err, &e) && len(e.Close) > 0
}
