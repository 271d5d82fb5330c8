package main

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"github.com/annc/annc/runtime"
)

// TestRunnerFlagsDocumented: every flag the generated runner declares is
// named in this package's documentation (main.go) and in README.md.
func TestRunnerFlagsDocumented(t *testing.T) {
	var help bytes.Buffer
	if code := runtime.RunMain(runtime.Program{Name: "m"}, []string{"-help"}, &help, nil); code != 0 {
		t.Fatalf("-help: exit %d\n%s", code, help.String())
	}
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(help.String(), -1)
	if len(flags) < 10 {
		t.Fatalf("found %d runner flags in:\n%s", len(flags), help.String())
	}
	doc, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range flags {
		name := "-" + f[1]
		if !regexp.MustCompile(`(?m)^//.*` + regexp.QuoteMeta(name) + `\b`).Match(doc) {
			t.Errorf("runner flag %s is not in the package doc of cmd/annc", name)
		}
		if !regexp.MustCompile("[` (]" + regexp.QuoteMeta(name) + `\b`).Match(readme) {
			t.Errorf("runner flag %s is not in README.md", name)
		}
	}
	// The guard flags have rows of their own in README's runner flag table.
	for _, name := range []string{"-max-memory", "-check-every", "-stream", "-plot"} {
		if !regexp.MustCompile("(?m)^\\| `" + name + "[ `]").Match(readme) {
			t.Errorf("README's runner flag table has no row for %s", name)
		}
	}
}
