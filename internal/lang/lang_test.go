package lang

import (
	"os"
	"regexp"
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
		args := map[string]bool{}
		for _, a := range c.Args() {
			if args[a] {
				t.Errorf("connector %s lists argument %q twice", c.Name, a)
			}
			args[a] = true
		}
		if c.SelfConnections != args["allow_self_connections"] {
			t.Errorf("connector %s: SelfConnections is %v but allow_self_connections accepted is %v", c.Name, c.SelfConnections, args["allow_self_connections"])
		}
	}
	ident := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, b := range Builtins {
		add("function", b.Name)
		for _, a := range b.Aliases {
			add("function", a)
		}
		if (b.Math == "") == (b.Helper == "") {
			t.Errorf("built-in %s needs exactly one of Math and Helper", b.Name)
		}
		if b.Math != "" && !b.Bool && b.Eval == nil {
			t.Errorf("built-in %s is computed by math.%s but has no Eval for constant folding", b.Name, b.Math)
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
	if c, ok := LookupConnector("fixed_probability"); !ok || c.Required[0] != "probability" {
		t.Errorf("fixed_probability: %v %v", c, ok)
	}
}

// The README documents the language: every method, connector and built-in
// function of the tables must appear there.
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
	for _, n := range names {
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(n) + `\b`).Match(readme) {
			t.Errorf("README.md does not mention %q", n)
		}
	}
}
