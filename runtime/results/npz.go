package results

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// NpzWriter writes a .npz archive as numpy.savez lays it out: a zip of
// uncompressed members, arrays named "<name>.npy" (numpy.load strips the
// suffix) and other members, such as a JSON description, read back by NumPy
// as bytes. The archive is written to a temporary file renamed into place by
// Close, so a failed or interrupted write never leaves a truncated archive.
type NpzWriter struct {
	path  string
	f     *os.File
	bw    *bufio.Writer
	zw    *zip.Writer
	names map[string]bool
	err   error
}

// CreateNpz starts an archive that Close will put at path.
func CreateNpz(path string) (*NpzWriter, error) {
	f, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	return &NpzWriter{path: path, f: f, bw: bw, zw: zip.NewWriter(bw), names: map[string]bool{}}, nil
}

func (w *NpzWriter) create(member string) (io.Writer, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.names[member] {
		w.err = fmt.Errorf("%s: member %q written twice", w.path, member)
		return nil, w.err
	}
	w.names[member] = true
	out, err := w.zw.CreateHeader(&zip.FileHeader{Name: member, Method: zip.Store})
	if err != nil {
		w.err = err
	}
	return out, err
}

// Add writes an array (see WriteNpy) as member name + ".npy".
func (w *NpzWriter) Add(name string, shape []int, data any) error {
	out, err := w.create(name + ".npy")
	if err != nil {
		return err
	}
	if err := WriteNpy(out, shape, data); err != nil {
		w.err = fmt.Errorf("%s: %s: %w", w.path, name, err)
		return w.err
	}
	return nil
}

// AddBytes writes a member that is not an array, under its full name.
func (w *NpzWriter) AddBytes(member string, b []byte) error {
	out, err := w.create(member)
	if err != nil {
		return err
	}
	if _, err := out.Write(b); err != nil {
		w.err = err
		return err
	}
	return nil
}

// AddFile copies the .npy file at path as member name + ".npy", after
// checking that it is a complete array.
func (w *NpzWriter) AddFile(name, path string) error {
	if _, err := ReadNpyFileHeader(path); err != nil {
		return err
	}
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := w.create(name + ".npy")
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, src); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Close finishes the archive and renames it into place; after an error of
// any Add it removes the temporary file and returns that error.
func (w *NpzWriter) Close() error {
	if w.f == nil {
		return fmt.Errorf("%s: archive already closed", w.path)
	}
	err := w.err
	if err == nil {
		err = w.zw.Close()
	}
	if err == nil {
		err = w.bw.Flush()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	tmp := w.f.Name()
	w.f = nil
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, w.path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Abort discards the archive.
func (w *NpzWriter) Abort() {
	if w.f != nil {
		w.f.Close()
		os.Remove(w.f.Name())
		w.f = nil
	}
}

// Npz is a .npz archive read into memory: its arrays by name (without
// ".npy") and its other members as bytes.
type Npz struct {
	Names  []string          // arrays, in archive order
	Arrays map[string]*Array // by name
	Other  map[string][]byte // members that are not .npy files, by full name
}

// ReadNpz reads a .npz archive (members stored or deflated, as
// numpy.savez and numpy.savez_compressed write them).
func ReadNpz(path string) (*Npz, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	z := &Npz{Arrays: map[string]*Array{}, Other: map[string][]byte{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
		}
		if name, ok := strings.CutSuffix(f.Name, ".npy"); ok {
			a, err := readNpy(bufio.NewReader(rc), int64(f.UncompressedSize64))
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
			}
			if _, dup := z.Arrays[name]; dup {
				return nil, fmt.Errorf("%s: %s appears twice", path, f.Name)
			}
			z.Names = append(z.Names, name)
			z.Arrays[name] = a
			continue
		}
		b, err := io.ReadAll(io.LimitReader(rc, 1<<30))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
		}
		z.Other[f.Name] = b
	}
	return z, nil
}

// WriteRunNpz bundles the arrays of the results directory dir into one .npz
// file at out: every .npy file the manifest lists, under its own name, so
// numpy.load(out)["pop.v"] is the array of pop.v.npy, and the manifest
// itself as the member "manifest.json". The directory must hold a finished
// run (ReadComplete).
func WriteRunNpz(dir, out string) error {
	m, err := ReadComplete(dir)
	if err != nil {
		return err
	}
	w, err := CreateNpz(out)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		name, ok := strings.CutSuffix(f.File, ".npy")
		if !ok {
			w.Abort()
			return fmt.Errorf("%s: %q is not a .npy file", filepath.Join(dir, ManifestName), f.File)
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		if err := w.AddFile(name, filepath.Join(dir, f.File)); err != nil {
			w.Abort()
			return err
		}
	}
	b, err := m.Marshal()
	if err == nil {
		err = w.AddBytes(ManifestName, b)
	}
	if err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}
