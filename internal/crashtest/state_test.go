package crashtest

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/annc/annc/runtime/results"
)

// TestSaveLoadRoundTrip: for the STDP example (Poisson input, plastic
// synapses) and testdata/state.yaml (STDP with delays of up to 20 ms, so
// spikes are in flight, recurrent delayed synapses, and a noisy rate-coded
// population with delayed coupling), a run of 2T that saves its state gives
// the same file, byte for byte, as a run of T that saves, then a new process
// that loads it and runs T more; and the second process records exactly
// the frames and spikes of the second half of the 2T run, also when the
// two processes store plastic synapses differently (ANNC_ROWS).
func TestSaveLoadRoundTrip(t *testing.T) {
	setup(t)
	stdp, err := os.ReadFile("../../examples/stdp/model.yaml")
	if err != nil {
		t.Fatal(err)
	}
	state, err := os.ReadFile("testdata/state.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bins := map[string]string{}
	for _, m := range []struct {
		name string
		src  []byte
	}{{"stdp", stdp}, {"statenet", state}} {
		dir := filepath.Join(tmpRoot, "state-"+m.name)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "model.yaml"), m.src, 0o644)
		cmd := exec.Command(anncBin, "compile", "model.yaml", "-d", "b")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("compile %s: %v\n%s", m.name, err, out)
		}
		bins[m.name] = filepath.Join(dir, "b", "bin", m.name)
	}
	for _, c := range []struct {
		name, half string
	}{{"stdp", "1000"}, {"statenet", "100"}} {
		bin, dir := bins[c.name], t.TempDir()
		at := func(p string) string { return filepath.Join(dir, p) }
		run := func(args ...string) {
			t.Helper()
			if out, err := exec.Command(bin, append([]string{"-seed", "3"}, args...)...).CombinedOutput(); err != nil {
				t.Fatalf("%s %v: %v\n%s", c.name, args, err, out)
			}
		}
		run("-duration", double(c.half), "-out", at("whole"), "-save", at("whole.npz"))
		run("-duration", c.half, "-out", at("first"), "-save", at("half.npz"))
		run("-duration", c.half, "-out", at("second"), "-load", at("half.npz"), "-save", at("resumed.npz"))
		a, _ := os.ReadFile(at("whole.npz"))
		b, _ := os.ReadFile(at("resumed.npz"))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: the state after 2T differs from the state after T, save, load, T", c.name)
		}
		whole, err := results.ReadComplete(at("whole"))
		if err != nil {
			t.Fatal(err)
		}
		second, err := results.ReadComplete(at("second"))
		if err != nil {
			t.Fatal(err)
		}
		if second.Loaded != at("half.npz") || second.StartMs != whole.EndMs/2 || second.EndMs != whole.EndMs {
			t.Errorf("%s: resumed run's manifest: loaded %q, %g to %g ms", c.name, second.Loaded, second.StartMs, second.EndMs)
		}
		checkSecondHalf(t, c.name, at("whole"), at("second"), whole, second.StartMs)
		// A state saved with the plastic synapses' variables in presynaptic
		// rows carries their order: a process keeping them in synapse
		// order (ANNC_ROWS=off) continues it alike, and the other way round.
		for _, m := range []struct{ save, load []string }{{nil, []string{"ANNC_ROWS=off"}}, {[]string{"ANNC_ROWS=off"}, nil}} {
			envRun := func(env []string, args ...string) {
				t.Helper()
				cmd := exec.Command(bin, append([]string{"-seed", "3"}, args...)...)
				cmd.Env = append(os.Environ(), env...)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s %v %v: %v\n%s", c.name, env, args, err, out)
				}
			}
			os.RemoveAll(at("cross"))
			envRun(m.save, "-duration", c.half, "-out", at("first"), "-save", at("cross.npz"))
			envRun(m.load, "-duration", c.half, "-out", at("cross"), "-load", at("cross.npz"))
			checkSecondHalf(t, c.name+" saved with "+strings.Join(m.save, "")+", loaded with "+strings.Join(m.load, ""), at("whole"), at("cross"), whole, second.StartMs)
		}
	}
	// A state of one model is refused by another.
	out, err := exec.Command(bins["statenet"], "-duration", "1", "-out", filepath.Join(t.TempDir(), "x"),
		"-load", filepath.Join(tmpRoot, "nonexistent.npz")).CombinedOutput()
	if err == nil {
		t.Errorf("loading a missing file succeeded: %s", out)
	}
	dir := t.TempDir()
	if out, err := exec.Command(bins["stdp"], "-duration", "1", "-out", filepath.Join(dir, "r"), "-save", filepath.Join(dir, "s.npz")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err = exec.Command(bins["statenet"], "-duration", "1", "-out", filepath.Join(dir, "x"), "-load", filepath.Join(dir, "s.npz")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), `holds the state of model "stdp", not of "statenet"`) {
		t.Errorf("loading another model's state: %v\n%s", err, out)
	}
}

func double(ms string) string {
	if ms == "1000" {
		return "2000"
	}
	return "200"
}

// checkSecondHalf compares every recorded array of the resumed run with the
// frames (and spikes) of the whole run from t0 on.
func checkSecondHalf(t *testing.T, name, wholeDir, secondDir string, whole *results.Manifest, t0 float64) {
	t.Helper()
	read := func(dir, file string) *results.Array {
		a, err := results.ReadNpyFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	times := map[string][]float64{}
	for _, f := range whole.Files {
		if f.Variable == results.VarTimes {
			times[f.Monitor] = read(wholeDir, f.File).Float
		}
	}
	compared := 0
	for _, f := range whole.Files {
		w, s := read(wholeDir, f.File), read(secondDir, f.File)
		var want []float64
		switch f.Variable {
		case results.VarPre, results.VarPost:
			if !slices.Equal(w.Int, s.Int) {
				t.Errorf("%s: %s differs", name, f.File)
			}
			continue
		case results.VarSpikeTimes:
			k, _ := slices.BinarySearch(w.Float, t0)
			want = w.Float[k:]
		case results.VarSpikeRanks:
			k := -1
			for _, g := range whole.Files {
				if g.Monitor == f.Monitor && g.Variable == results.VarSpikeTimes {
					tw := read(wholeDir, g.File).Float
					k, _ = slices.BinarySearch(tw, t0)
				}
			}
			if !slices.Equal(w.Int[k:], s.Int) {
				t.Errorf("%s: %s after %g ms differs", name, f.File, t0)
			}
			compared++
			continue
		default:
			tm := times[f.Monitor]
			k, _ := slices.BinarySearch(tm, t0)
			width := 1
			for _, d := range w.Shape[1:] {
				width *= d
			}
			want = w.Floats()[k*width:]
		}
		if got := s.Floats(); !slices.Equal(got, want) {
			first := 0
			for first < min(len(got), len(want)) && got[first] == want[first] {
				first++
			}
			t.Errorf("%s: %s after %g ms: %d values, want %d; the first difference at value %d", name, f.File, t0, len(got), len(want), first)
		}
		compared++
	}
	if compared < 3 {
		t.Errorf("%s: compared only %d arrays", name, compared)
	}
}

// TestLoadRefusesRefractory: a state file whose refractory period (a
// parameter, tref) the neurons' step counter cannot hold, negative here,
// is refused by -load before any step, even with -check-every 0, as -set
// refuses it.
func TestLoadRefusesRefractory(t *testing.T) {
	setup(t)
	dir := t.TempDir()
	model := `name: rf
dt: 0.1
neurons:
  LIF:
    parameters: |
      tref = 2.0 : population
    equations: |
      dv/dt = (1.5 - v) / 10.0
    spike: v > 1.0
    reset: v = 0.0
    refractory: tref
populations:
  - {name: P, geometry: 3, neuron: LIF}
monitors:
  - {name: P, target: P, variables: [spike]}
simulation: {duration: 5.0}
`
	os.WriteFile(filepath.Join(dir, "model.yaml"), []byte(model), 0o644)
	cmd := exec.Command(anncBin, "compile", "model.yaml", "-d", "b")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, out)
	}
	bin, good, bad := filepath.Join(dir, "b", "bin", "rf"), filepath.Join(dir, "good.npz"), filepath.Join(dir, "bad.npz")
	if out, err := exec.Command(bin, "-out", filepath.Join(dir, "r1"), "-save", good).CombinedOutput(); err != nil {
		t.Fatalf("save: %v\n%s", err, out)
	}
	// The same file with P.Tref = -2.
	zr, err := zip.OpenReader(good)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "P.Tref.npy" {
			found = true
			if err := results.WriteNpy(w, nil, []float64{-2}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, r)
		r.Close()
	}
	if !found {
		t.Fatal("the state has no P.Tref.npy")
	}
	zw.Close()
	os.WriteFile(bad, buf.Bytes(), 0o644)
	if out, err := exec.Command(bin, "-out", filepath.Join(dir, "r2"), "-load", good, "-check-every", "0").CombinedOutput(); err != nil {
		t.Fatalf("the saved state is refused: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "r2", "P.spike_times.npy")); err != nil {
		t.Fatalf("the run from the saved state wrote no spikes: %v", err)
	}
	out, err := exec.Command(bin, "-out", filepath.Join(dir, "r3"), "-load", bad, "-check-every", "0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "tref") || !strings.Contains(string(out), "-2") {
		t.Fatalf("a state with tref = -2 was not refused: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "r3", "P.spike_times.npy")); err == nil {
		t.Error("the refused run wrote results")
	}
}
