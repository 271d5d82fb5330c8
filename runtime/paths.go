package runtime

import (
	"fmt"
	"strings"

	"github.com/annc/annc/runtime/spelling"
)

// UnknownPathError is the error of a generated network's Set or Get for a
// path it does not have. Close are the settable paths a typo away from Path
// (closest first), or, when none is, the paths of the object Path names
// (Object true); nil when neither exists.
type UnknownPathError struct {
	Path   string
	Close  []string
	Object bool
}

func (e *UnknownPathError) Error() string {
	switch {
	case len(e.Close) > 0 && e.Object:
		obj, _, _ := strings.Cut(e.Path, ".")
		return fmt.Sprintf("unknown path %q; %s has %s", e.Path, obj, strings.Join(e.Close, ", "))
	case len(e.Close) > 0:
		return fmt.Sprintf("unknown path %q; did you mean %s?", e.Path, orList(e.Close))
	}
	return fmt.Sprintf("unknown path %q (Paths lists the settable paths)", e.Path)
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// UnknownPath returns the *UnknownPathError of path among the settable
// paths: the closest ones (up to three, at the smallest edit distance, which
// must be at most a third of the path's length, at least 1; letter case
// does not count), else those of the object before the first dot.
func UnknownPath(path string, paths []string) error {
	e := &UnknownPathError{Path: path}
	limit := max(len([]rune(path))/3, 1)
	best := limit + 1
	for _, p := range paths {
		d := spelling.Distance(strings.ToLower(path), strings.ToLower(p))
		switch {
		case d > limit || d > best:
		case d < best:
			best, e.Close = d, []string{p}
		case len(e.Close) < 3:
			e.Close = append(e.Close, p)
		}
	}
	if len(e.Close) > 0 {
		return e
	}
	if obj, _, ok := strings.Cut(path, "."); ok {
		for _, p := range paths {
			if strings.HasPrefix(p, obj+".") {
				e.Close = append(e.Close, p)
			}
		}
		e.Object = len(e.Close) > 0
	}
	return e
}
