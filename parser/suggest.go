package parser

import (
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
		d := editDistance(word, c)
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

// editDistance is the optimal-string-alignment distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
