package results

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestManifestWriteFile: the manifest lands whole, with mode 0644, and
// replaces the previous one; no temporary file is left.
func TestManifestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.json")
	old := Manifest{Model: "old", Status: StatusOK}
	if err := old.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	m := Manifest{Model: "m", Seed: 3, Dt: 0.1, Status: StatusError, Error: "boom"}
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	want, _ := m.Marshal()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(want) {
		t.Errorf("manifest.json = %q, %v; want %q", got, err, want)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v; want 0644", st.Mode().Perm(), err)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only manifest.json", names)
	}
}

// TestManifestWriteFileDiskFull: a write that fails half-way (ENOSPC) keeps
// the previous manifest intact, or leaves no manifest at all, never an
// empty or truncated one, and removes its temporary file.
func TestManifestWriteFileDiskFull(t *testing.T) {
	orig := writeAll
	defer func() { writeAll = orig }()
	writeAll = func(f *os.File, b []byte) error {
		f.Write(b[:len(b)/2])
		return syscall.ENOSPC
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.json")
	m := Manifest{Model: "m", Status: StatusOK}
	err := m.WriteFile(path)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v, want ENOSPC", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("after a failed first write the directory holds %q, want nothing", names)
	}

	writeAll = orig
	old := Manifest{Model: "old", Status: StatusOK}
	if err := old.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	want, _ := old.Marshal()
	writeAll = func(f *os.File, b []byte) error { return syscall.ENOSPC }
	if err := m.WriteFile(path); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v, want ENOSPC", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != string(want) {
		t.Errorf("manifest.json after a failed rewrite = %q, want the previous %q", got, want)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only manifest.json", names)
	}
}

// TestMonitorFile: names become file names as the README says, and a name
// of underscores does not become a hidden file.
func TestMonitorFile(t *testing.T) {
	for _, c := range []struct{ mon, v, want string }{
		{"P", "v", "P.v.npy"},
		{"m", "sum(exc)", "m.sum_exc.npy"},
		{"a b", "g_exc", "a_b.g_exc.npy"},
		{"m_", "x__", "m.x.npy"},
		{"_", "r", "_.r.npy"},
		{"__", "t", "_.t.npy"},
	} {
		if got := MonitorFile(c.mon, c.v); got != c.want {
			t.Errorf("MonitorFile(%q, %q) = %q, want %q", c.mon, c.v, got, c.want)
		}
	}
}
