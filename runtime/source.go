// Package runtime is what annc-generated networks link to: keyed random
// streams and distributions, parameter values, connectivity builders and
// delay queues, the simulation clock with callbacks, monitors, parallel runs
// and the command-line runner. Its subpackage results owns the files a run
// writes (.npy, .npz, manifest.json); fmath the numerical kernels annc's
// analysis computes too (exp, modulo).
//
// It uses the standard library only, because annc copies these sources
// verbatim into every build directory (see BuildFiles), where they must
// build without network access.
package runtime

import (
	"bytes"
	"embed"
	"io/fs"
	"path"
	"strings"
)

// source holds the Go and assembly files of this package and the Go files of
// its subpackages so that annc can copy the runtime into each build
// directory.
//
//go:embed *.go *.s results/*.go fmath/*.go spelling/*.go spikestats/*.go
var source embed.FS

// modulePath is the import path of this package inside the annc module.
const modulePath = "github.com/annc/annc/runtime"

// BuildFiles returns the runtime's sources as a build directory holds them,
// by path relative to that directory ("runtime/core.go",
// "runtime/results/npy.go"), for a build directory whose import path is
// importBase: the runtime's own imports of its subpackages are rewritten to
// importBase + "/runtime/...". This file and the tests, which only make
// sense inside the annc module, are left out.
func BuildFiles(importBase string) (map[string][]byte, error) {
	files := map[string][]byte{}
	from := []byte(`"` + modulePath + `/`)
	to := []byte(`"` + importBase + `/runtime/`)
	err := fs.WalkDir(source, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || (path.Ext(p) != ".go" && path.Ext(p) != ".s") || p == "source.go" || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := fs.ReadFile(source, p)
		if err != nil {
			return err
		}
		files[path.Join("runtime", p)] = bytes.ReplaceAll(b, from, to)
		return nil
	})
	return files, err
}
