package analysis

import (
	"encoding/csv"
	"fmt"
	"github.com/annc/annc/runtime/spikestats"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/annc/annc/runtime/results"
)

// Trace is one recorded variable: Data has shape (T, *geometry) in C order,
// one row of Width values per sample.
type Trace struct {
	Monitor  string
	Variable string
	File     string // the .npy file, as the manifest names it ("m.sum_exc.npy")
	Unit     string // the unit the model declares for it, "" if none
	PeriodMs float64
	Shape    []int // (T, *geometry)
	Data     []float64
	// T holds the time (ms) of each sample when the run wrote the monitor's
	// "t" file; nil otherwise.
	T []float64
	// T0Ms is the time of the first sample, from the manifest (0 when it
	// does not say).
	T0Ms float64
}

// Steps is the number of samples T.
func (tr *Trace) Steps() int {
	if len(tr.Shape) == 0 {
		return 0
	}
	return tr.Shape[0]
}

// Width is the number of values per sample (neurons or synapses).
func (tr *Trace) Width() int {
	if len(tr.Shape) == 0 {
		return 0
	}
	n := 1
	for _, d := range tr.Shape[1:] {
		n *= d
	}
	return n
}

// Column returns the time series of element i (a flat index into the
// geometry).
func (tr *Trace) Column(i int) []float64 {
	T, w := tr.Steps(), tr.Width()
	out := make([]float64, T)
	for t := range out {
		out[t] = tr.Data[t*w+i]
	}
	return out
}

// Mean returns the mean over all elements at each sample.
func (tr *Trace) Mean() []float64 {
	T, w := tr.Steps(), tr.Width()
	out := make([]float64, T)
	if w == 0 {
		return out
	}
	for t := range out {
		var s float64
		for _, v := range tr.Data[t*w : (t+1)*w] {
			s += v
		}
		out[t] = s / float64(w)
	}
	return out
}

// Times returns the time (ms) of each sample: the monitor's "t" file when
// the run wrote one, else T0Ms + k·PeriodMs for sample k.
func (tr *Trace) Times() []float64 {
	if len(tr.T) == tr.Steps() && tr.T != nil {
		return tr.T
	}
	out := make([]float64, tr.Steps())
	for k := range out {
		out[k] = tr.T0Ms + float64(k)*tr.PeriodMs
	}
	return out
}

// Run is one results directory loaded into memory.
type Run struct {
	Dir      string
	Manifest results.Manifest
	// Traces are the recorded variables in manifest order.
	Traces []*Trace
	// Spiking lists the spiking monitors in manifest order; Spikes holds
	// their rasters.
	Spiking []string
	Spikes  map[string]*Spikes
}

// Trace returns the recorded variable of a monitor, or nil.
func (r *Run) Trace(monitor, variable string) *Trace {
	for _, t := range r.Traces {
		if t.Monitor == monitor && t.Variable == variable {
			return t
		}
	}
	return nil
}

// IsRunDir reports whether dir holds a manifest.json.
func IsRunDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, results.ManifestName))
	return err == nil && st.Mode().IsRegular()
}

// IsSweepDir reports whether dir holds a sweep.csv.
func IsSweepDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "sweep.csv"))
	return err == nil && st.Mode().IsRegular()
}

// LoadRun reads a results directory: the manifest and every array it lists.
// The manifest must describe a finished run (not "running": a run still
// going, or killed), each array must exist and match the shape and dtype the
// manifest gives, and each spiking monitor must have both spike_times and
// spike_ranks, forming a valid raster (see NewSpikes) over the run. Spikes
// keep the network's time, as the files do: the window of a run that loaded
// a saved state starts at its start_ms.
func LoadRun(dir string) (*Run, error) {
	m, err := results.ReadComplete(dir)
	if err != nil {
		return nil, err
	}
	run := &Run{Dir: dir, Manifest: *m, Spikes: map[string]*Spikes{}}
	type raster struct {
		times []float64
		ranks []int64
		size  int
		seen  int
	}
	rasters := map[string]*raster{}
	times := map[string][]float64{}
	for _, f := range m.Files {
		path := filepath.Join(dir, f.File)
		a, err := results.ReadNpyFile(path)
		if err != nil {
			return nil, err
		}
		switch f.Variable {
		case results.VarTimes:
			if a.Float == nil || len(a.Shape) != 1 {
				return nil, fmt.Errorf("%s: frame times must be a 1-d float array, got %s %v", path, a.Dtype, a.Shape)
			}
			times[f.Monitor] = a.Float
			continue
		case results.VarPre, results.VarPost:
			continue // synapse ranks: read them with results.ReadNpyFile
		}
		switch f.Variable {
		case "spike_times", "spike_ranks":
			if len(a.Shape) != 1 {
				return nil, fmt.Errorf("%s: %s must be one-dimensional, shape is %v", path, f.Variable, a.Shape)
			}
			rs := rasters[f.Monitor]
			if rs == nil {
				rs = &raster{}
				rasters[f.Monitor] = rs
				run.Spiking = append(run.Spiking, f.Monitor)
			}
			if f.Size > 0 {
				rs.size = f.Size
			}
			if f.Variable == "spike_times" {
				if a.Float == nil {
					return nil, fmt.Errorf("%s: spike times must be floating point, dtype is %s", path, a.Dtype)
				}
				rs.times = a.Float
				rs.seen |= 1
			} else {
				if a.Int == nil {
					return nil, fmt.Errorf("%s: spike ranks must be integers, dtype is %s", path, a.Dtype)
				}
				rs.ranks = a.Int
				rs.seen |= 2
			}
		default:
			if a.Float == nil {
				return nil, fmt.Errorf("%s: recorded variable must be floating point, dtype is %s", path, a.Dtype)
			}
			if len(a.Shape) < 1 {
				return nil, fmt.Errorf("%s: recorded variable must have a time axis, shape is %v", path, a.Shape)
			}
			tr := &Trace{Monitor: f.Monitor, Variable: f.Variable, File: f.File, Unit: f.Unit, PeriodMs: f.PeriodMs,
				Shape: a.Shape, Data: a.Float}
			if f.T0Ms != nil {
				tr.T0Ms = *f.T0Ms
			}
			run.Traces = append(run.Traces, tr)
		}
	}
	for _, tr := range run.Traces {
		if t, ok := times[tr.Monitor]; ok {
			if len(t) != tr.Steps() {
				return nil, fmt.Errorf("%s: monitor %q has %d frame times for %d frames of %s", dir, tr.Monitor, len(t), tr.Steps(), tr.Variable)
			}
			tr.T = t
		}
	}
	for _, name := range run.Spiking {
		rs := rasters[name]
		if rs.seen != 3 {
			missing := "spike_ranks"
			if rs.seen&1 == 0 {
				missing = "spike_times"
			}
			return nil, fmt.Errorf("%s: monitor %q has no %s file in the manifest", dir, name, missing)
		}
		n := rs.size
		if n == 0 {
			for _, tr := range run.Traces {
				if tr.Monitor == name {
					n = tr.Width()
					break
				}
			}
		}
		dur := m.SimulatedMs
		if !(dur > 0) && m.Steps > 0 {
			dur = float64(m.Steps) * m.Dt
		}
		// A run resumed from a saved state records the network's time:
		// its window starts there. A view's ranks are its population's.
		sp, err := spikestats.NewRecorded(rs.times, rs.ranks, n, n, m.StartMs, m.StartMs+dur)
		if err != nil {
			return nil, fmt.Errorf("%s: monitor %q: %w", dir, name, err)
		}
		run.Spikes[name] = sp
	}
	return run, nil
}

// Sweep is a sweep directory: sweep.csv and its run directories.
type Sweep struct {
	Dir string
	// Params are the swept paths (the columns between index and seed). A
	// swept seed has no column of its own (its runs are replicates, as
	// trials are); files written before that have one before the run's.
	Params []string
	// Metrics are the numeric summary columns after seed (<monitor>_rate_hz);
	// "status" and "trial" columns there are read into SweepRow instead.
	Metrics []string
	// Rows holds one row per run, sorted by index.
	Rows []SweepRow
}

// SweepRow is one line of sweep.csv.
type SweepRow struct {
	Index int
	// Raw are the swept values as written; Values the same as numbers (NaN
	// for a value that is not a number, e.g. a distribution).
	Raw    []string
	Values []float64
	Seed   int64
	// Trial is the run's trial of its point (0 when the file has no trial
	// column): rows with the same Raw values are trials of one point.
	Trial int
	// Status is the run's status ("ok", "interrupted", "error"), "" when the
	// file has no status column.
	Status string
	// Metrics are in the order of Sweep.Metrics; an empty cell is NaN.
	Metrics []float64
}

// Numeric reports whether every value of swept path j is a number.
func (s *Sweep) Numeric(j int) bool {
	for _, r := range s.Rows {
		if math.IsNaN(r.Values[j]) {
			return false
		}
	}
	return true
}

// RunDir is the directory of run i (run-0000, run-0001, …).
func (s *Sweep) RunDir(i int) string {
	return filepath.Join(s.Dir, fmt.Sprintf("run-%04d", i))
}

// LoadRun loads the run of row i (Rows[i]) of the sweep.
func (s *Sweep) LoadRun(i int) (*Run, error) { return LoadRun(s.RunDir(s.Rows[i].Index)) }

// Column returns the values of one column of sweep.csv over the rows, by
// name: a swept path, "seed" (the run's, unless an older file lists a
// swept seed among the swept paths),
// "trial", "index" or a metric.
func (s *Sweep) Column(name string) ([]float64, bool) {
	out := make([]float64, len(s.Rows))
	switch {
	case name == "trial":
		for i, r := range s.Rows {
			out[i] = float64(r.Trial)
		}
	case name == "seed" && !slices.Contains(s.Params, "seed"):
		for i, r := range s.Rows {
			out[i] = float64(r.Index)
		}
		for i, r := range s.Rows {
			out[i] = float64(r.Seed)
		}
	default:
		if j := slices.Index(s.Params, name); j >= 0 {
			for i, r := range s.Rows {
				out[i] = r.Values[j]
			}
		} else if j := slices.Index(s.Metrics, name); j >= 0 {
			for i, r := range s.Rows {
				out[i] = r.Metrics[j]
			}
		} else {
			return nil, false
		}
	}
	return out, true
}

// LoadSweep reads dir/sweep.csv (header: index, one column per swept path,
// seed, optionally trial and status, then one column per summary metric). Rows are
// returned sorted by index. The run directories are not read: a run that
// failed may have none (see Sweep.LoadRun).
func LoadSweep(dir string) (*Sweep, error) {
	path := filepath.Join(dir, "sweep.csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := parseSweepCSV(f, path)
	if err != nil {
		return nil, err
	}
	s.Dir = dir
	return s, nil
}

func parseSweepCSV(r io.Reader, path string) (*Sweep, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading header: %w", path, err)
	}
	if len(header) < 2 || header[0] != "index" {
		return nil, fmt.Errorf("%s:1: header must start with \"index\", got %q", path, strings.Join(header, ","))
	}
	// The last "seed" is the run's: in older files a swept seed comes
	// before it.
	seedCol := -1
	for c, h := range header {
		if h == "seed" {
			seedCol = c
		}
	}
	if seedCol < 0 {
		return nil, fmt.Errorf("%s:1: header has no \"seed\" column", path)
	}
	s := &Sweep{Params: append([]string(nil), header[1:seedCol]...)}
	statusCol, trialCol := -1, -1
	for c := seedCol + 1; c < len(header); c++ {
		if header[c] == "status" {
			statusCol = c
		} else if header[c] == "trial" {
			trialCol = c
		} else {
			s.Metrics = append(s.Metrics, header[c])
		}
	}
	seen := map[int]bool{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		num := func(col int) (float64, error) {
			cell := strings.TrimSpace(rec[col])
			if cell == "" {
				return math.NaN(), nil
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				return 0, fmt.Errorf("%s:%d: column %q: %q is not a number", path, line, header[col], rec[col])
			}
			return v, nil
		}
		idx, err := strconv.Atoi(strings.TrimSpace(rec[0]))
		if err != nil || idx < 0 {
			return nil, fmt.Errorf("%s:%d: index %q is not a non-negative integer", path, line, rec[0])
		}
		if seen[idx] {
			return nil, fmt.Errorf("%s:%d: index %d appears twice", path, line, idx)
		}
		seen[idx] = true
		row := SweepRow{Index: idx}
		for c := 1; c < seedCol; c++ {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[c]), 64)
			if err != nil {
				v = math.NaN()
			}
			row.Raw = append(row.Raw, rec[c])
			row.Values = append(row.Values, v)
		}
		seed, err := strconv.ParseInt(strings.TrimSpace(rec[seedCol]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: seed %q is not an integer", path, line, rec[seedCol])
		}
		row.Seed = seed
		for c := seedCol + 1; c < len(rec); c++ {
			if c == statusCol {
				row.Status = strings.TrimSpace(rec[c])
				continue
			}
			if c == trialCol {
				k, err := strconv.Atoi(strings.TrimSpace(rec[c]))
				if err != nil || k < 0 {
					return nil, fmt.Errorf("%s:%d: trial %q is not a non-negative integer", path, line, rec[c])
				}
				row.Trial = k
				continue
			}
			v, err := num(c)
			if err != nil {
				return nil, err
			}
			row.Metrics = append(row.Metrics, v)
		}
		s.Rows = append(s.Rows, row)
	}
	sort.Slice(s.Rows, func(i, j int) bool { return s.Rows[i].Index < s.Rows[j].Index })
	return s, nil
}
