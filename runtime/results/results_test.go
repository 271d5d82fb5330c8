package results

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// A stream is a valid .npy of the frames in its file after every buffer
// write, not only after Close: what a killed run leaves is readable.
func TestNpyStreamValidWhileWriting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.npy")
	s, err := CreateNpyStream(path, []int{100}, "float64")
	if err != nil {
		t.Fatal(err)
	}
	frame := make([]float64, 100)
	written := 0
	for k := range 300 {
		for i := range frame {
			frame[i] = float64(k*100 + i)
		}
		if err := s.Append(frame); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		a, err := ReadNpy(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("after %d frames: %v", k+1, err)
		}
		n := a.Shape[0]
		if n < written || n > k+1 || !slices.Equal(a.Shape, []int{n, 100}) {
			t.Fatalf("after %d frames the file says %v (had %d)", k+1, a.Shape, written)
		}
		for i, x := range a.Float {
			if x != float64(i) {
				t.Fatalf("after %d frames: value %d is %g", k+1, i, x)
			}
		}
		written = n
	}
	if written == 0 || written == 300 {
		t.Errorf("the buffer never reached the file, or never held frames back: %d", written)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if info, err := ReadNpyFileHeader(path); err != nil || info.Shape[0] != 300 {
		t.Errorf("after Flush: %+v %v", info, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// Begin marks the directory running and removes the previous run's files;
// Check accepts only a finished run whose files match their entries.
func TestBeginAndCheck(t *testing.T) {
	dir := t.TempDir()
	old := Manifest{Model: "m", Status: StatusOK, Files: []File{
		{File: "a.v.npy", Monitor: "a", Variable: "v", Shape: []int{2}, Dtype: "float64"},
		{File: "a.t.npy", Monitor: "a", Variable: "t", Shape: []int{2}, Dtype: "float64"},
	}}
	for _, f := range old.Files {
		if err := WriteNpyFile(filepath.Join(dir, f.File), []int{2}, []float64{1, 2}); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.WriteFile(filepath.Join(dir, ManifestName)); err != nil {
		t.Fatal(err)
	}
	if m, err := ReadComplete(dir); err != nil || m.Model != "m" {
		t.Fatalf("complete run: %v", err)
	}
	// Change a file behind the manifest's back: Check sees it.
	WriteNpyFile(filepath.Join(dir, "a.v.npy"), []int{3}, []float64{1, 2, 3})
	if _, err := ReadComplete(dir); err == nil || !strings.Contains(err.Error(), "shape [3], manifest.json says [2]") {
		t.Errorf("changed shape: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "a.v.npy"), []byte("\x93NUMPY"), 0o644)
	if _, err := ReadComplete(dir); err == nil {
		t.Error("truncated file accepted")
	}
	os.WriteFile(filepath.Join(dir, ".a.v.npy.tmp-123"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)

	next := Manifest{Model: "m", Status: StatusOK, Files: []File{{File: "b.v.npy", Monitor: "b", Variable: "v"}}}
	if err := Begin(dir, &next); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(dir)
	if err != nil || m.Status != StatusRunning {
		t.Fatalf("after Begin: %+v %v", m, err)
	}
	var names []string
	for _, f := range m.Files {
		names = append(names, f.File)
	}
	if !reflect.DeepEqual(names, []string{"a.v.npy", "a.t.npy", "b.v.npy"}) {
		t.Errorf("running manifest lists %v", names)
	}
	if _, err := ReadComplete(dir); err == nil || !strings.Contains(err.Error(), "has not finished") {
		t.Errorf("running: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if !reflect.DeepEqual(left, []string{"manifest.json", "notes.txt"}) {
		t.Errorf("after Begin the directory holds %v", left)
	}
	os.Remove(filepath.Join(dir, ManifestName))
	if _, err := ReadComplete(dir); err == nil || !strings.Contains(err.Error(), "no manifest.json") {
		t.Errorf("no manifest: %v", err)
	}
}

func TestNpzRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.npz")
	w, err := CreateNpz(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Add("x", []int{2, 2}, []float64{1, 2, 3, 4})
	w.Add("r", []int{3}, []uint64{1, 1 << 63, 7})
	w.Add("i", []int{1}, []int32{-4})
	w.AddBytes("manifest.json", []byte(`{"a": 1}`))
	if err := w.Add("x", []int{1}, []float64{1}); err == nil {
		t.Error("a member written twice must fail")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed Add must fail")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a failed archive was put in place")
	}
	w, _ = CreateNpz(path)
	w.Add("x", []int{2, 2}, []float64{1, 2, 3, 4})
	w.Add("r", []int{3}, []uint64{1, 1 << 63, 7})
	w.AddBytes("manifest.json", []byte(`{"a": 1}`))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	z, err := ReadNpz(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(z.Names, []string{"x", "r"}) || !slices.Equal(z.Arrays["x"].Float, []float64{1, 2, 3, 4}) ||
		!slices.Equal(z.Arrays["r"].Uint, []uint64{1, 1 << 63, 7}) || string(z.Other["manifest.json"]) != `{"a": 1}` {
		t.Errorf("read back %+v", z)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestHumanNumbers(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{FormatMs(9999 * 0.1), "999.9"},
		{FormatMs(0.30000000000000004), "0.3"},
		{FormatMs(1000), "1000"},
		{FormatSeconds(7.54e-05), "75.4 µs"},
		{FormatSeconds(0.0106), "10.6 ms"},
		{FormatSeconds(0.9999), "1000 ms"},
		{FormatSeconds(12.345), "12.3 s"},
		{FormatSeconds(1234.5), "1230 s"},
		{Sig3(12345), "12300"},
		{Sig3(0.0754321), "0.0754"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	m := Manifest{SimulatedMs: 9999 * 0.1, WallS: WallTimes{Simulate: 7.54321e-05}}
	b, _ := m.Marshal()
	if s := string(b); !strings.Contains(s, `"simulated_ms": 999.9,`) || !strings.Contains(s, `"simulate": 0.000075`) {
		t.Errorf("manifest numbers not rounded:\n%s", s)
	}
}
