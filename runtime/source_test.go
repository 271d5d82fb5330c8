package runtime

import (
	"strings"
	"testing"
)

// The build directory's copy carries every runtime file and the results
// package, with the runtime's import of results pointing into the build
// directory.
func TestBuildFiles(t *testing.T) {
	files, err := BuildFiles("example.com/sim")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rng.go", "dist.go", "value.go", "connect.go", "delay.go", "core.go", "runner.go", "results/npy.go", "results/manifest.go", "fmath/exp.go", "spelling/spelling.go", "spikestats/spikes.go"} {
		src, ok := files["runtime/"+want]
		if !ok {
			t.Errorf("BuildFiles lacks runtime/%s", want)
			continue
		}
		pkg := "runtime"
		if sub, _, ok := strings.Cut(want, "/"); ok {
			pkg = sub
		}
		if !strings.Contains(string(src), "\npackage "+pkg+"\n") && !strings.HasPrefix(string(src), "package "+pkg+"\n") {
			t.Errorf("%s has no package %s clause", want, pkg)
		}
	}
	for name, src := range files {
		if strings.HasSuffix(name, "_test.go") || name == "runtime/source.go" {
			t.Errorf("BuildFiles copies %s", name)
		}
		if strings.Contains(string(src), `"`+modulePath) {
			t.Errorf("%s still imports from the annc module", name)
		}
	}
	if !strings.Contains(string(files["runtime/runner.go"]), `"example.com/sim/runtime/results"`) {
		t.Error("runner.go does not import the build directory's results package")
	}
	if !strings.Contains(string(files["runtime/exp.go"]), `"example.com/sim/runtime/fmath"`) {
		t.Error("exp.go does not import the build directory's fmath package")
	}
}
