package runtime

import (
	"io/fs"
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
		if len(src) < len("package runtime") || string(src[:15]) != "package runtime" {
			t.Errorf("%s does not start with the package clause", want)
		}
	}
}
