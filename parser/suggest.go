package parser

import (
	"github.com/annc/annc/runtime/spelling"
	"slices"
	"strings"
)

// methodAliases are names other simulators and textbooks give the numerical
// methods (Brian2's euler and exponential_euler, backward Euler, RK2, ...),
// with the method of the equation language they mean.
var methodAliases = map[string]string{
	"euler": "explicit", "forward_euler": "explicit", "forward-euler": "explicit", "explicit_euler": "explicit",
	"exponential_euler": "exponential", "exponential-euler": "exponential", "exp_euler": "exponential",
	"backward_euler": "implicit", "backward-euler": "implicit", "implicit_euler": "implicit",
	"semi_implicit": "semiimplicit", "semi-implicit": "semiimplicit",
	"rk2": "midpoint", "runge_kutta": "rk4", "runge-kutta": "rk4", "rk": "rk4",
	"event_driven": "event-driven", "eventdriven": "event-driven",
}

// suggest returns the candidate closest to word when it is close enough to be
// a plausible typo (a few edits, transpositions counting as one, case
// ignored), or the method word means under another name, else "".
func suggest(word string, candidates []string) string {
	for _, c := range candidates {
		if c != word && strings.EqualFold(c, word) {
			return c
		}
	}
	if m, ok := methodAliases[strings.ToLower(word)]; ok && slices.Contains(candidates, m) {
		return m
	}
	best, bestD := "", 0
	for _, c := range candidates {
		d := spelling.Distance(word, c)
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	limit := len(word) / 3
	if limit < 1 {
		limit = 1
	}
	if best == "" || bestD > limit || bestD == 0 {
		return ""
	}
	return best
}
