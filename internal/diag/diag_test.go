package diag

import (
	"strings"
	"testing"
)

// A long source line is shown as a window around the caret.
func TestFormatLongLine(t *testing.T) {
	line := strings.Repeat("a", 5000) + "X" + strings.Repeat("b", 5000)
	src := map[string][]byte{"f": []byte("first\n" + line + "\n")}
	var l List
	l.Errorf(Pos{File: "f", Line: 2, Col: 5001}, "here")
	out := strings.Split(l.Format(src, 0), "\n")
	if len(out) < 3 || len(out[1]) > shownWidth+20 {
		t.Fatalf("not cut:\n%s", strings.Join(out, "\n"))
	}
	caret := strings.Index(out[2], "^")
	if caret < 0 || out[1][caret] != 'X' || !strings.HasPrefix(out[1], "    ...") || !strings.HasSuffix(out[1], "...") {
		t.Errorf("caret does not point at X:\n%s\n%s", out[1], out[2])
	}
	// short lines are shown whole
	l = nil
	l.Errorf(Pos{File: "f", Line: 1, Col: 3}, "short")
	if got := l.Format(src, 0); got != "f:1:3: short\n    first\n      ^\n" {
		t.Errorf("short line: %q", got)
	}
}
