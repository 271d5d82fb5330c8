package lang

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every name a model file can use must mean one thing: no row may share a
// name or an alias with another.
func TestNamesUnique(t *testing.T) {
	seen := map[string]string{}
	add := func(kind, name string) {
		if prev, ok := seen[kind+" "+name]; ok {
			t.Errorf("%s %q declared twice (%s)", kind, name, prev)
		}
		seen[kind+" "+name] = name
	}
	for _, m := range Methods {
		add("method", m.Name)
	}
	for _, c := range Connectors {
		add("connector", c.Name)
		checkConnectorRow(t, c)
	}
	for k, mk := range MonitorKinds {
		add("monitor kind", mk.Name)
		if mk.Match == nil || mk.Name == "" || len(mk.Files) == 0 {
			t.Errorf("monitor kind %d (%q) needs a name, a Match and its files", k, mk.Name)
			continue
		}
		// Each row's own syntax must be read as that row.
		if got, _ := MatchMonitorVar(mk.Syntax); got != MonKind(k) {
			t.Errorf("monitor kind %s: its syntax %q is matched as %s", mk.Name, mk.Syntax, MonitorKinds[got].Name)
		}
	}
	ident := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, b := range Builtins {
		add("function", b.Name)
		for _, a := range b.Aliases {
			add("function", a)
		}
		set := 0
		for _, f := range []string{b.Math, b.Helper, b.Runtime} {
			if f != "" {
				set++
			}
		}
		if set != 1 {
			t.Errorf("built-in %s needs exactly one of Math, Helper and Runtime", b.Name)
		}
		if (b.Math != "" || b.Runtime != "") && !b.Bool && b.Eval == nil {
			t.Errorf("built-in %s is computed by math.%s%s but has no Eval for constant folding", b.Name, b.Math, b.Runtime)
		}
		if b.Arity < 1 || !ident.MatchString(b.Name) {
			t.Errorf("built-in %s: bad name or arity %d", b.Name, b.Arity)
		}
	}
}

func TestLookups(t *testing.T) {
	if b, ok := LookupBuiltin("ln"); !ok || b.Name != "log" {
		t.Errorf("ln: got %v %v, want the row of log", b, ok)
	}
	if _, ok := LookupBuiltin("nosuch"); ok {
		t.Error("nosuch found")
	}
	if m, ok := LookupMethod("event-driven"); !ok || !m.SynapseOnly {
		t.Errorf("event-driven: %v %v", m, ok)
	}
	for _, n := range MethodNames(false) {
		if n == "event-driven" {
			t.Error("MethodNames(false) lists event-driven")
		}
	}
	if len(MethodNames(true)) != len(Methods) {
		t.Error("MethodNames(true) leaves methods out")
	}
	if c, ok := LookupConnector("fixed_probability"); !ok || c.RequiredNames()[0] != "probability" {
		t.Errorf("fixed_probability: %v %v", c, ok)
	}
}

func TestMatchMonitorVar(t *testing.T) {
	for _, c := range []struct {
		name string
		kind MonKind
		arg  string
	}{
		{"spike", MonSpike, ""},
		{"sum(exc)", MonSum, "exc"},
		{" sum( exc ) ", MonSum, "exc"},
		{"sum()", MonSum, ""},
		{"v", MonVar, ""},
		{"g_exc", MonVar, ""},
		{"spikes", MonVar, ""},
		{"sum(1x)", MonVar, ""},   // not a target name: an unknown variable
		{"sum (exc)", MonVar, ""}, // sum( is one token, as in equations
	} {
		k, arg := MatchMonitorVar(c.name)
		if k != c.kind || arg != c.arg {
			t.Errorf("MatchMonitorVar(%q) = %s %q, want %s %q", c.name, MonitorKinds[k].Name, arg, MonitorKinds[c.kind].Name, c.arg)
		}
	}
}

// The README documents the language: every method, connector, built-in
// function and monitor kind of the tables must appear there, with the files
// a monitor kind writes.
func TestREADMEListsEveryRow(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range Methods {
		names = append(names, m.Name)
	}
	for _, c := range Connectors {
		names = append(names, c.Name)
	}
	for _, b := range Builtins {
		names = append(names, b.Name)
		names = append(names, b.Aliases...)
	}
	for _, mk := range MonitorKinds {
		if !strings.Contains(string(readme), "`"+mk.Syntax+"`") {
			t.Errorf("README.md does not mention `%s`, monitor kind %s", mk.Syntax, mk.Name)
		}
		for _, f := range append(mk.Files, mk.ProjFiles...) {
			if !strings.Contains(string(readme), "`"+f+"`") {
				t.Errorf("README.md does not describe the file %s that monitor kind %s writes", f, mk.Name)
			}
		}
	}
	for _, n := range names {
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(n) + `\b`).Match(readme) {
			t.Errorf("README.md does not mention %q", n)
		}
	}
}
