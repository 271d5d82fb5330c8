package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ManifestName is the manifest's file name in a results directory.
const ManifestName = "manifest.json"

// Manifest is the content of manifest.json, written next to the results of
// every run. Its keys are stable (tools read them):
//
//	model          model name
//	model_hash     content hash of the model file
//	annc_version   version of annc that generated the program
//	seed           seed of the network
//	dt             step in ms
//	steps          steps simulated by this run
//	simulated_ms   steps × dt
//	start_ms       the network's time t when the run started (0 unless a
//	               state was loaded), end_ms its time when the run ended
//	stopped_by_condition  true when the model's stop condition ended the run
//	               (at end_ms) before its duration
//	status         "running" (the run has not finished: the files present
//	               are not described), "ok", "interrupted" (a signal stopped
//	               the run; what was recorded up to then is written) or
//	               "error"
//	error          the error message, "" unless status is "error"
//	wall_s         wall-clock seconds: generate and build (from the environment
//	               variables ANNC_GENERATE_S and ANNC_BUILD_S, 0 when unset),
//	               setup (building the network and applying -set), simulate
//	cpu_s          CPU seconds of setup and simulate (single runs only)
//	set            {path: value} of every -set and swept value, as given
//	loaded         the state file loaded before the run (-load), if any
//	saved          the state file saved after the run (-save), if any
//	projections    per projection: name, synapses and the bytes its arrays
//	               hold, connectivity included (single runs only)
//	files          one entry per results file (see File)
type Manifest struct {
	Model              string            `json:"model"`
	ModelHash          string            `json:"model_hash"`
	AnncVersion        string            `json:"annc_version"`
	Seed               int64             `json:"seed"`
	Dt                 float64           `json:"dt"`
	Steps              int64             `json:"steps"`
	SimulatedMs        float64           `json:"simulated_ms"`
	StartMs            float64           `json:"start_ms"`
	EndMs              float64           `json:"end_ms"`
	StoppedByCondition bool              `json:"stopped_by_condition"`
	Status             string            `json:"status"`
	Error              string            `json:"error"`
	WallS              WallTimes         `json:"wall_s"`
	CPUS               *CPUTimes         `json:"cpu_s,omitempty"`
	Set                map[string]string `json:"set"`
	Loaded             string            `json:"loaded,omitempty"`
	Saved              string            `json:"saved,omitempty"`
	Projections        []ProjMemory      `json:"projections,omitempty"`
	Files              []File            `json:"files"`
}

// ProjMemory is what one projection of a network holds: its synapses and
// the bytes of every array it keeps per synapse or per neuron (connectivity
// included), counted by capacity.
type ProjMemory struct {
	Name     string `json:"name"`
	Synapses int    `json:"synapses"`
	Bytes    int64  `json:"bytes"`
	// Layout is how the synapses are stored: "pre-major" (post rank and
	// weight per synapse), or "post-major + pre index" (with
	// " + pre-major copies" of weights and post ranks for transmission).
	Layout string `json:"layout,omitempty"`
}

// The values of Manifest.Status.
const (
	StatusRunning     = "running"
	StatusOK          = "ok"
	StatusInterrupted = "interrupted"
	StatusError       = "error"
)

// Finished reports whether the manifest describes a run that finished
// writing (ok, interrupted or error), so that every file it lists is
// present as described.
func (m *Manifest) Finished() bool {
	switch m.Status {
	case StatusOK, StatusInterrupted, StatusError:
		return true
	}
	return false
}

// CPUTimes are the CPU seconds (user + system) the process spent setting up
// and simulating a single run: unlike wall time they hardly change when other
// programs share the machine, and they are what Brian2's standalone mode
// reports as its run time. A sweep runs networks in parallel, so its
// manifests have none.
type CPUTimes struct {
	Setup    float64 `json:"setup"`
	Simulate float64 `json:"simulate"`
}

// WallTimes are the wall-clock seconds spent in each phase of a run.
type WallTimes struct {
	Generate float64 `json:"generate"`
	Build    float64 `json:"build"`
	Setup    float64 `json:"setup"`
	Simulate float64 `json:"simulate"`
}

// The variables of the files that are not recorded model variables.
const (
	VarSpikeTimes = "spike_times" // float64 ms, ordered by time then rank
	VarSpikeRanks = "spike_ranks" // int64 population ranks
	VarTimes      = "t"           // float64 ms: the time of each recorded frame
	VarPre        = "pre"         // int64: presynaptic rank of each recorded synapse
	VarPost       = "post"        // int64: postsynaptic rank of each recorded synapse
)

// MonitorFile is the name of the .npy file of a monitor's variable (one of
// the Var constants, or a recorded name): "<monitor>.<variable>.npy", where
// characters other than letters, digits, '_', '-' and '.' become '_' and
// trailing '_' are dropped ("sum(exc)" gives "sum_exc"; a name of only
// '_' gives "_", not a hidden file). Different names can give the same
// file: annc refuses models where two recordings would.
func MonitorFile(monitor, variable string) string {
	return FileStem(monitor) + "." + FileStem(variable) + ".npy"
}

// FileStem is a name as MonitorFile writes it in file names; plots are
// named with it too.
func FileStem(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !ok {
			b[i] = '_'
		}
	}
	if t := strings.TrimRight(string(b), "_"); t != "" {
		return t
	}
	return "_"
}

// File describes one results file: its name in the directory, the monitor
// and variable it holds, its shape and dtype ("float64", "float32",
// "int64"), and for recorded variables the recording period and the time of
// the first frame (t0_ms; the times of all frames are in the monitor's "t"
// file, which differs from t0_ms + k·period_ms only when recording was
// paused). Size is, for spike files, the number of neurons the monitor
// covers.
type File struct {
	File     string   `json:"file"`
	Monitor  string   `json:"monitor"`
	Variable string   `json:"variable"`
	Shape    []int    `json:"shape"`
	Dtype    string   `json:"dtype"`
	PeriodMs float64  `json:"period_ms"`
	T0Ms     *float64 `json:"t0_ms,omitempty"`
	Size     int      `json:"size,omitempty"`
	Unit     string   `json:"unit,omitempty"` // the unit the model's units: gives the variable
}

// Marshal encodes the manifest as indented JSON ending with a newline; set is
// sorted by path, and empty set/files are {} and [], never null.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	if c.Set == nil {
		c.Set = map[string]string{}
	}
	if c.Files == nil {
		c.Files = []File{}
	}
	// Rounded for people (human.go).
	c.SimulatedMs, c.StartMs, c.EndMs = RoundMs(c.SimulatedMs), RoundMs(c.StartMs), RoundMs(c.EndMs)
	w := &c.WallS
	w.Generate, w.Build, w.Setup, w.Simulate = RoundSeconds(w.Generate), RoundSeconds(w.Build), RoundSeconds(w.Setup), RoundSeconds(w.Simulate)
	if c.CPUS != nil {
		cpu := *c.CPUS
		cpu.Setup, cpu.Simulate = RoundSeconds(cpu.Setup), RoundSeconds(cpu.Simulate)
		c.CPUS = &cpu
	}
	return MarshalJSON(&c)
}

// MarshalJSON is the JSON of the files annc writes (manifests, plans):
// indented by two spaces, with no HTML escaping, ending in a newline.
func MarshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFile writes the manifest to path, through a temporary file renamed
// over it: a failed write (a full disk) leaves the previous manifest or none,
// never an empty or truncated one.
func (m *Manifest) WriteFile(path string) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, b)
}

// ReadManifest reads and checks dir/manifest.json: it must be valid JSON
// (errors give line:column), and every file entry needs a file, a monitor
// and a variable, the file being a plain name inside dir.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestName)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(b, se.Offset)
			return nil, fmt.Errorf("%s:%d:%d: %v", path, line, col, err)
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for i, f := range m.Files {
		if f.File == "" || f.Monitor == "" || f.Variable == "" {
			return nil, fmt.Errorf("%s: files[%d] needs file, monitor and variable", path, i)
		}
		if filepath.Base(f.File) != f.File || strings.HasPrefix(f.File, ".") {
			return nil, fmt.Errorf("%s: files[%d]: %q is not a plain file name", path, i, f.File)
		}
	}
	return &m, nil
}

func lineCol(b []byte, off int64) (int, int) {
	line, col := 1, 1
	for i := int64(0); i < off && i < int64(len(b)); i++ {
		if b[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// ReadComplete reads the manifest of dir and checks that it describes a
// finished run whose files are all present as described (see Check): what
// readers call before trusting a results directory.
func ReadComplete(dir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no %s: not a results directory, or a run that has not finished", dir, ManifestName)
	}
	if err != nil {
		return nil, err
	}
	if err := m.Check(dir); err != nil {
		return nil, err
	}
	return m, nil
}

// Check verifies that the manifest describes a finished run and that every
// file it lists is in dir with exactly the shape and dtype it gives (the
// file's length included). It reads headers only.
func (m *Manifest) Check(dir string) error {
	if m.Status == StatusRunning {
		return fmt.Errorf("%s: the run has not finished (status %q in %s): it is still going or was killed; its files are incomplete",
			dir, m.Status, ManifestName)
	}
	if !m.Finished() {
		return fmt.Errorf("%s: unknown status %q in %s", dir, m.Status, ManifestName)
	}
	for _, f := range m.Files {
		path := filepath.Join(dir, f.File)
		info, err := ReadNpyFileHeader(path)
		if err != nil {
			return err
		}
		if f.Shape != nil && !slices.Equal(f.Shape, info.Shape) {
			return fmt.Errorf("%s: shape %v, %s says %v", path, info.Shape, ManifestName, f.Shape)
		}
		if f.Dtype != "" {
			if d, _, err := Descr(f.Dtype); err != nil || d != info.Dtype {
				return fmt.Errorf("%s: dtype %s, %s says %s", path, info.Dtype, ManifestName, f.Dtype)
			}
		}
	}
	return nil
}

// Begin marks dir as holding a run in progress. m describes the run, its
// Files the files the run will write (names suffice). Begin creates dir if
// needed, removes its manifest and writes a copy of m of status "running" that
// lists the files of the previous manifest and of m, the files that may be
// in dir until the run ends; then it removes the previous manifest's files
// and the temporary files interrupted writes left. So a finished run's
// directory holds exactly what its manifest lists, and whatever happens
// after Begin, until the final manifest is written, readers see an
// unfinished run whose files the next Begin removes.
func Begin(dir string, m *Manifest) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := ReadManifest(dir)
	run := *m
	run.Status, run.Files = StatusRunning, nil
	seen := map[string]bool{}
	var stale []string
	add := func(fs []File, remove bool) {
		for _, f := range fs {
			if !seen[f.File] {
				seen[f.File] = true
				run.Files = append(run.Files, File{File: f.File, Monitor: f.Monitor, Variable: f.Variable})
				if remove {
					stale = append(stale, f.File)
				}
			}
		}
	}
	if old != nil {
		add(old.Files, true)
	}
	add(m.Files, false)
	// Removed first: while the running manifest is written, the directory
	// holds no manifest rather than a finished one beside a temporary file.
	path := filepath.Join(dir, ManifestName)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := run.WriteFile(path); err != nil {
		return err
	}
	for _, name := range stale {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return RemoveTemps(dir)
}
