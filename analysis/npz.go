package analysis

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// WriteNpz bundles the arrays of the results directory dir into one .npz file
// at out: a zip archive of every .npy file the manifest lists, stored
// uncompressed under its own file name, as numpy.savez lays it out. numpy.load
// strips the .npy suffix, so numpy.load(out)["pop.v"] is the array of
// pop.v.npy. Each array is validated first, and the archive is written to a
// temporary file and renamed, so a failed write never leaves a truncated out.
func WriteNpz(dir, out string) (err error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".npz-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	zw := zip.NewWriter(tmp)
	seen := map[string]bool{}
	for _, f := range m.Files {
		if !strings.HasSuffix(f.File, ".npy") {
			return fmt.Errorf("%s: %q is not a .npy file", filepath.Join(dir, "manifest.json"), f.File)
		}
		if seen[f.File] {
			continue
		}
		seen[f.File] = true
		path := filepath.Join(dir, f.File)
		// Validate before bundling: an .npz of corrupt arrays helps no one.
		if _, err := ReadNpyFile(path); err != nil {
			return err
		}
		if err := addFile(zw, path, f.File); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file private; results are shared as .npy are.
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func addFile(zw *zip.Writer, path, name string) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		return err
	}
	_, err = io.Copy(w, src)
	return err
}
