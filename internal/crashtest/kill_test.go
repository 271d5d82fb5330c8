package crashtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/annc/annc/runtime/results"
)

const killDuration = "1000" // ms simulated by each run

// TestKillAtRandomInstants SIGKILLs the runner at random instants of runs
// that record variables, spikes and a projection, with and without -stream,
// over a results directory that holds a complete run. After every kill the
// directory must either hold a finished run whose manifest lists exactly
// the files present, with the bytes of an uninterrupted run, or a manifest
// saying "running" (or none) beside files that are each a valid .npy whose frames
// are a prefix of the uninterrupted run's. ANNC_KILL_POINTS sets the number
// of kills (default 24, 8 with -short).
func TestKillAtRandomInstants(t *testing.T) {
	setup(t)
	points := 24
	if testing.Short() {
		points = 8
	}
	if s := os.Getenv("ANNC_KILL_POINTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ANNC_KILL_POINTS=%q", s)
		}
		points = n
	}
	ref := filepath.Join(t.TempDir(), "ref")
	t0 := time.Now()
	if out, err := exec.Command(runnerBin, "-out", ref, "-duration", killDuration).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	wall := time.Since(t0)
	refMan, err := results.ReadComplete(ref)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	if out, err := exec.Command(runnerBin, "-out", dir, "-duration", killDuration, "-stream").CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	if state, err := checkDir(dir, ref, refMan); err != nil || state != "finished" {
		t.Fatalf("a complete streamed run: %s, %v", state, err)
	}

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("%d kill points over runs of about %v (seed %d)", points, wall.Round(time.Millisecond), seed)
	counts := map[string]int{}
	for i := range points {
		args := []string{"-out", dir, "-duration", killDuration}
		mode := "memory"
		if i%2 == 1 {
			args, mode = append(args, "-stream"), "stream"
		}
		cmd := exec.Command(runnerBin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Float64() * 1.2 * float64(wall))
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		state, err := checkDir(dir, ref, refMan)
		if err != nil {
			t.Fatalf("kill %d (%s, after %v): %v", i, mode, delay.Round(time.Millisecond), err)
		}
		counts[mode+" "+state]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var summary bytes.Buffer
	for _, k := range keys {
		fmt.Fprintf(&summary, " %s: %d;", k, counts[k])
	}
	t.Logf("after %d kills:%s", points, summary.String())

	// A run after all that leaves exactly a complete run again.
	if out, err := exec.Command(runnerBin, "-out", dir, "-duration", killDuration).CombinedOutput(); err != nil {
		t.Fatalf("last run: %v\n%s", err, out)
	}
	if state, err := checkDir(dir, ref, refMan); err != nil || state != "finished" {
		t.Fatalf("last run: %s, %v", state, err)
	}
}

// checkDir checks the results directory dir against the uninterrupted run
// in ref and says whether it holds a "finished" run or a "running" one.
func checkDir(dir, ref string, refMan *results.Manifest) (string, error) {
	m, err := results.ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		// Killed between removing the previous manifest and writing the
		// running one: nothing claims to be complete.
		m = &results.Manifest{Status: results.StatusRunning}
	} else if err != nil {
		return "", fmt.Errorf("no readable manifest: %v", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var present []string
	for _, e := range ents {
		if e.Name() != results.ManifestName {
			present = append(present, e.Name())
		}
	}
	if m.Status == results.StatusRunning {
		for _, name := range present {
			if results.IsTemp(name) {
				continue
			}
			if err := samePrefix(filepath.Join(dir, name), filepath.Join(ref, name)); err != nil {
				return "", fmt.Errorf("running, %v", err)
			}
		}
		return "running", nil
	}
	if m.Status != results.StatusOK {
		return "", fmt.Errorf("status %q after a kill", m.Status)
	}
	if err := m.Check(dir); err != nil {
		return "", err
	}
	var listed []string
	for _, f := range m.Files {
		listed = append(listed, f.File)
	}
	slices.Sort(listed)
	if !slices.Equal(listed, present) {
		return "", fmt.Errorf("status ok, manifest lists %v, directory holds %v", listed, present)
	}
	if len(m.Files) != len(refMan.Files) {
		return "", fmt.Errorf("%d files, the uninterrupted run wrote %d", len(m.Files), len(refMan.Files))
	}
	for _, name := range present {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(ref, name))
		if !bytes.Equal(a, b) {
			return "", fmt.Errorf("status ok, %s differs from the uninterrupted run's", name)
		}
	}
	return "finished", nil
}

// samePrefix checks that path is a .npy readable as NumPy reads it (a
// header, and at least the data it announces) whose frames are the first
// frames of the same array in ref.
func samePrefix(path, ref string) error {
	info, data, err := npyData(path)
	if err != nil {
		return err
	}
	rinfo, rdata, err := npyData(ref)
	if err != nil {
		return err
	}
	if info.Dtype != rinfo.Dtype || !slices.Equal(info.Shape[1:], rinfo.Shape[1:]) || info.Shape[0] > rinfo.Shape[0] {
		return fmt.Errorf("%s: %s %v, the uninterrupted run's is %s %v", path, info.Dtype, info.Shape, rinfo.Dtype, rinfo.Shape)
	}
	if !bytes.Equal(data, rdata[:len(data)]) {
		return fmt.Errorf("%s: its %d frames differ from the uninterrupted run's", path, info.Shape[0])
	}
	return nil
}

// npyData returns the header of a .npy file and the data it announces,
// which must all be there (more may follow, as NumPy allows).
func npyData(path string) (*results.NpyInfo, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := results.ReadNpyHeader(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	data := make([]byte, info.DataBytes)
	if _, err := f.ReadAt(data, info.DataOffset); err != nil && !(err == io.EOF && info.DataBytes == 0) {
		return nil, nil, fmt.Errorf("%s: header announces %v, data: %v", path, info.Shape, err)
	}
	return info, data, nil
}
