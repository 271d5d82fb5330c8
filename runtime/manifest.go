package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

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
//	status         "ok", "interrupted" (a signal stopped the run; what was
//	               recorded up to then is written) or "error"
//	error          the error message, "" unless status is "error"
//	wall_s         wall-clock seconds: generate and build (from the environment
//	               variables ANNC_GENERATE_S and ANNC_BUILD_S, 0 when unset),
//	               setup (building the network and applying -set), simulate
//	set            {path: value} of every -set and swept value, as given
//	files          one entry per results file: file (name in the directory),
//	               monitor, variable ("spike_times"/"spike_ranks" for spikes),
//	               shape, dtype ("float64", "float32", "int64"), period_ms
//	               (recording period; 0 for spikes, which are events), unit
//	               (when the model's units: gives one)
type Manifest struct {
	Model       string            `json:"model"`
	ModelHash   string            `json:"model_hash"`
	AnncVersion string            `json:"annc_version"`
	Seed        int64             `json:"seed"`
	Dt          float64           `json:"dt"`
	Steps       int64             `json:"steps"`
	SimulatedMs float64           `json:"simulated_ms"`
	Status      string            `json:"status"`
	Error       string            `json:"error"`
	WallS       WallTimes         `json:"wall_s"`
	CPUS        *CPUTimes         `json:"cpu_s,omitempty"` // single runs only
	Set         map[string]string `json:"set"`
	Files       []ManifestFile    `json:"files"`
}

// The values of Manifest.Status.
const (
	StatusOK          = "ok"
	StatusInterrupted = "interrupted"
	StatusError       = "error"
)

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

// ManifestFile describes one results file.
type ManifestFile struct {
	File     string  `json:"file"`
	Monitor  string  `json:"monitor"`
	Variable string  `json:"variable"`
	Shape    []int   `json:"shape"`
	Dtype    string  `json:"dtype"`
	PeriodMs float64 `json:"period_ms"`
	Size     int     `json:"size,omitempty"` // spike files: number of neurons the monitor covers
	Unit     string  `json:"unit,omitempty"` // the unit the model declares for the variable (units:)
}

// Marshal encodes the manifest as indented JSON ending with a newline; set is
// sorted by path, and empty set/files are {} and [], never null.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	if c.Set == nil {
		c.Set = map[string]string{}
	}
	if c.Files == nil {
		c.Files = []ManifestFile{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
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
	return writeFileAtomic(path, b)
}

// ReadManifest reads a manifest.json.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// Save writes what the monitor recorded into dir and describes the files:
// FileName(variable) with shape (T, frame...) for each variable, and for
// spikes "<monitor>.spike_times.npy" (float64 ms) and
// "<monitor>.spike_ranks.npy" (int64), ordered by time then rank. Recorded
// data is drained (as Get and Raster do). A streaming monitor's files are
// finished where StreamTo put them, which should be dir.
func (m *Monitor) Save(dir string) ([]ManifestFile, error) {
	period := float64(m.PeriodSteps) * m.Dt
	var files []ManifestFile
	timesFile := fileSafe(m.Name) + ".spike_times.npy"
	ranksFile := fileSafe(m.Name) + ".spike_ranks.npy"
	entry := func(file, variable string, shape []int, dtype string, period float64) {
		files = append(files, ManifestFile{File: file, Monitor: m.Name, Variable: variable,
			Shape: shape, Dtype: dtype, PeriodMs: period})
		if file == timesFile || file == ranksFile {
			files[len(files)-1].Size = m.Neurons
		} else if i := m.Var(variable); i >= 0 {
			files[len(files)-1].Unit = m.Vars[i].Unit
		}
	}
	if m.Streaming() {
		for i := range m.Vars {
			v := &m.Vars[i]
			entry(m.FileName(v.Name), v.Name, append([]int{m.StreamFrames(i)}, v.Shape...), dtypeOf(v), period)
		}
		if m.spikes {
			n := m.StreamSpikes()
			entry(timesFile, "spike_times", []int{n}, "float64", 0)
			entry(ranksFile, "spike_ranks", []int{n}, "int64", 0)
		}
		if err := m.Close(); err != nil {
			return files, err
		}
		return files, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for i := range m.Vars {
		v := &m.Vars[i]
		data, shape := m.Get(v.Name)
		var payload any = data
		if v.Float32 {
			f := make([]float32, len(data))
			for k, x := range data {
				f[k] = float32(x)
			}
			payload = f
		}
		if data == nil {
			payload = emptyOf(v)
		}
		name := m.FileName(v.Name)
		if err := WriteNpyFile(filepath.Join(dir, name), shape, payload); err != nil {
			return files, fmt.Errorf("monitor %s: %w", m.Name, err)
		}
		entry(name, v.Name, shape, dtypeOf(v), period)
	}
	if m.spikes {
		times, ranks := m.Raster()
		n := []int{len(times)}
		if err := WriteNpyFile(filepath.Join(dir, timesFile), n, times); err != nil {
			return files, fmt.Errorf("monitor %s: %w", m.Name, err)
		}
		entry(timesFile, "spike_times", n, "float64", 0)
		if err := WriteNpyFile(filepath.Join(dir, ranksFile), n, ranks); err != nil {
			return files, fmt.Errorf("monitor %s: %w", m.Name, err)
		}
		entry(ranksFile, "spike_ranks", []int{len(ranks)}, "int64", 0)
	}
	return files, nil
}

func dtypeOf(v *MonitorVar) string {
	if v.Float32 {
		return "float32"
	}
	return "float64"
}

func emptyOf(v *MonitorVar) any {
	if v.Float32 {
		return []float32{}
	}
	return []float64{}
}
