package results

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// tmpMarker is in the name of every temporary file this package creates
// next to its destination: ".<name>.tmp-<random>".
const tmpMarker = ".tmp-"

// createTemp creates the temporary file for path in path's directory.
func createTemp(path string) (*os.File, error) {
	return os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+tmpMarker+"*")
}

// IsTemp reports whether name (a base name) is a temporary file left by this
// package, such as a write interrupted by a kill.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tmpMarker)
}

// RemoveTemps removes the temporary files that interrupted writes left in
// dir.
func RemoveTemps(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.IsDir() && IsTemp(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}

// WriteFileAtomic replaces path with b (mode 0644) through a temporary file
// in the same directory, synced and then renamed over path: a reader sees
// the old file or the new one, and a write that fails (a full disk) leaves
// the old file, or none, but never a truncated one, nor the temporary file.
func WriteFileAtomic(path string, b []byte) error {
	return writeAtomic(path, true, func(f *os.File) error { return writeAll(f, b) })
}

// writeAtomic creates a temporary file next to path, lets write fill it,
// syncs it if asked and renames it over path. Arrays are not synced: the
// rename already protects readers from a killed process, and syncing
// hundreds of megabytes would cost more than the run.
func writeAtomic(path string, sync bool, write func(*os.File) error) (err error) {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// writeAll writes b to f; tests replace it to simulate a full disk.
var writeAll = func(f *os.File, b []byte) error {
	_, err := f.Write(b)
	return err
}
