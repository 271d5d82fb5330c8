package runtime

import (
	"io/fs"
	"strings"
	"testing"
)

// Source must carry every runtime file annc copies into a build directory.
func TestSourceEmbedsRuntimeFiles(t *testing.T) {
	for _, want := range []string{"rng.go", "dist.go", "value.go", "npy.go", "connect.go", "delay.go", "core.go"} {
		src, err := fs.ReadFile(Source, want)
		if err != nil {
			t.Errorf("Source lacks %s: %v", want, err)
			continue
		}
		if !strings.Contains(string(src), "\npackage runtime\n") && !strings.HasPrefix(string(src), "package runtime\n") {
			t.Errorf("%s has no package runtime clause", want)
		}
	}
}
