package parser

import (
	"os"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/annc/annc/internal/diag"
)

// TestPositionsInBlockScalars: every '$' in the file is a syntax error, and
// every error must point at exactly one '$' (line and column in the file).
func TestPositionsInBlockScalars(t *testing.T) {
	src, err := os.ReadFile("testdata/positions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, line := range strings.Split(string(src), "\n") {
		for j := 0; j < len(line); j++ {
			if line[j] == '$' {
				want = append(want, diag.Pos{File: "positions.yaml", Line: i + 1, Col: utf8.RuneCountInString(line[:j]) + 1}.String())
			}
		}
	}
	_, diags := ParseModel("positions.yaml", src)
	var got []string
	for _, d := range diags {
		switch d.Msg {
		case "unexpected character '$'":
			got = append(got, d.Pos.String())
		case "unexpected character '\"'", "unexpected character '\\''":
			// the quotes escaped inside quoted scalars (lines 17 and 21) are
			// errors too; they must point at their escape in the file
			line := strings.Split(string(src), "\n")[d.Pos.Line-1]
			if c := line[d.Pos.Col-1]; c != '\\' && c != '\'' {
				t.Errorf("%v points at %q", d, c)
			}
		default:
			t.Errorf("unexpected message: %v", d)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("positions:\n got %v\nwant %v\n%s", got, want, diags.Format(map[string][]byte{"positions.yaml": src}, 0))
	}
}

func TestScalarMapper(t *testing.T) {
	src := []byte("a: |\n  x = 1\n    y\n\n  z\nb: plain text\nc: \"q\\\"w\"\nd:\n  long plain\n  folded\n")
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Content[0]
	at := func(key string) PosMapper {
		for i := 0; i < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return ScalarMapper("f", m.Content[i+1], src)
			}
		}
		t.Fatalf("no key %s", key)
		return nil
	}
	tests := []struct {
		key       string
		line, col int
		want      diag.Pos
	}{
		{"a", 1, 1, diag.Pos{File: "f", Line: 2, Col: 3}}, // x
		{"a", 1, 5, diag.Pos{File: "f", Line: 2, Col: 7}}, // 1
		{"a", 2, 3, diag.Pos{File: "f", Line: 3, Col: 5}}, // y (more indented)
		{"a", 4, 1, diag.Pos{File: "f", Line: 5, Col: 3}}, // z after a blank line
		{"b", 1, 7, diag.Pos{File: "f", Line: 6, Col: 10}},
		{"c", 1, 2, diag.Pos{File: "f", Line: 7, Col: 6}}, // the escaped quote
		{"c", 1, 3, diag.Pos{File: "f", Line: 7, Col: 8}}, // w
		{"d", 1, 12, diag.Pos{File: "f", Line: 10, Col: 3}},
	}
	for _, tt := range tests {
		if got := at(tt.key)(tt.line, tt.col); got != tt.want {
			t.Errorf("%s (%d,%d) = %v, want %v", tt.key, tt.line, tt.col, got, tt.want)
		}
	}
}
