package ir

import (
	"fmt"
	"github.com/annc/annc/runtime/spelling"
	"sort"
	"strings"
)

// suggest returns up to three candidates close to name, nearest first.
// A candidate qualifies when it differs by at most a third of the name's
// length (at least one edit), or only by case.
func suggest(name string, candidates []string) []string {
	type cand struct {
		s string
		d int
	}
	limit := max(1, len(name)/3)
	seen := map[string]bool{}
	var cs []cand
	for _, c := range candidates {
		if c == name || seen[c] || strings.HasPrefix(c, "_") {
			continue
		}
		seen[c] = true
		d := spelling.Distance(name, c)
		if strings.EqualFold(name, c) {
			d = 0
		}
		if d <= limit {
			cs = append(cs, cand{c, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].s < cs[j].s
	})
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].s)
	}
	return out
}

// didYouMean formats suggestions as a message suffix ("" when none).
func didYouMean(name string, candidates []string) string {
	s := suggest(name, candidates)
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	if len(q) == 1 {
		return "; did you mean " + q[0] + "?"
	}
	return "; did you mean " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1] + "?"
}
