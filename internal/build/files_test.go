package build

import (
	"bytes"
	"strings"
	"testing"

	"github.com/annc/annc/codegen"
	"github.com/annc/annc/runtime"
)

// TestGenerateFiles checks what a build directory holds besides go.mod,
// go.work and the stamp: the generated model and the runtime's copy, with
// the runtime's imports of its subpackages pointing into the directory.
func TestGenerateFiles(t *testing.T) {
	l := mustLoad(t, writeModel(t, t.TempDir(), smallModel))
	files, err := GenerateFiles(l.Model, codegen.Options{ImportBase: "example.com/sim", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"main.go", "small/network.go", "runtime/core.go", "runtime/results/npy.go"} {
		if len(files[name]) == 0 {
			t.Errorf("no %s", name)
		}
	}
	for name, src := range files {
		if name == "runtime/source.go" || strings.HasSuffix(name, "_test.go") {
			t.Errorf("%s copied", name)
		}
		if bytes.Contains(src, []byte(`"github.com/annc/annc/`)) {
			t.Errorf("%s imports from the annc module", name)
		}
	}
	if !bytes.Contains(files["small/network.go"], []byte(`"example.com/sim/runtime"`)) {
		t.Error("the model package does not import the copied runtime")
	}
}

// The generated code asserts at compile time that it was written for the
// runtime it is built with; both sides must move together.
func TestGenVersion(t *testing.T) {
	if codegen.GenVersion != runtime.GenVersion {
		t.Errorf("codegen writes for runtime interface version %d, the runtime is at %d", codegen.GenVersion, runtime.GenVersion)
	}
}
