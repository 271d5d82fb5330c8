package runtime

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/annc/annc/runtime/results"
)

// Save writes what the monitor recorded into dir and describes the files:
// FileName(variable) with shape (T, frame...) for each variable and
// FileName("t") with the time in ms of each of the T frames; for a
// projection's monitor FileName("pre") and FileName("post"), the pre- and
// postsynaptic population rank of each recorded synapse (the columns of
// the variables); for spikes "<monitor>.spike_times.npy" (float64 ms) and
// "<monitor>.spike_ranks.npy" (int64), ordered by time then rank. Every file
// is written under a temporary name and renamed into place. Recorded data
// is drained (as Get and Raster do). A streaming monitor's files are
// finished where StreamTo put them, which should be dir.
func (m *Monitor) Save(dir string) ([]results.File, error) {
	period := float64(m.PeriodSteps) * m.Dt
	var files []results.File
	timesFile := m.FileName(results.VarSpikeTimes)
	ranksFile := m.FileName(results.VarSpikeRanks)
	entry := func(file, variable string, shape []int, dtype string, period float64, t0 *float64) {
		files = append(files, results.File{File: file, Monitor: m.Name, Variable: variable,
			Shape: shape, Dtype: dtype, PeriodMs: period, T0Ms: t0})
		if file == timesFile || file == ranksFile {
			files[len(files)-1].Size = m.Neurons
		} else if i := m.Var(variable); i >= 0 {
			files[len(files)-1].Unit = m.Vars[i].Unit
		}
	}
	fail := func(err error) ([]results.File, error) {
		return files, fmt.Errorf("monitor %s: %w", m.Name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if m.Synapses != nil && len(m.Vars) > 0 {
		pre, post := m.Synapses()
		for _, side := range []struct {
			name  string
			ranks []int32
		}{{results.VarPre, pre}, {results.VarPost, post}} {
			r := make([]int64, len(side.ranks))
			for k, x := range side.ranks {
				r[k] = int64(x)
			}
			if err := results.WriteNpyFile(filepath.Join(dir, m.FileName(side.name)), []int{len(r)}, r); err != nil {
				return fail(err)
			}
			entry(m.FileName(side.name), side.name, []int{len(r)}, "int64", 0, nil)
		}
	}
	if m.Streaming() {
		if len(m.Vars) > 0 {
			entry(m.FileName(results.VarTimes), results.VarTimes, []int{m.timesStream.Frames()}, "float64", period, nil)
		}
		for i := range m.Vars {
			v := &m.Vars[i]
			entry(m.FileName(v.Name), v.Name, append([]int{m.StreamFrames(i)}, v.Shape...), dtypeOf(v), period, m.streamT0)
		}
		if m.spikes {
			n := m.StreamSpikes()
			entry(timesFile, results.VarSpikeTimes, []int{n}, "float64", 0, nil)
			entry(ranksFile, results.VarSpikeRanks, []int{n}, "int64", 0, nil)
		}
		if err := m.Close(); err != nil {
			return files, err
		}
		return files, nil
	}
	if len(m.Vars) > 0 {
		times := m.Times(m.Vars[0].Name)
		name := m.FileName(results.VarTimes)
		if err := results.WriteNpyFile(filepath.Join(dir, name), []int{len(times)}, times); err != nil {
			return fail(err)
		}
		entry(name, results.VarTimes, []int{len(times)}, "float64", period, nil)
		var t0 *float64
		if len(times) > 0 {
			t0 = &times[0]
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
			if err := results.WriteNpyFile(filepath.Join(dir, name), shape, payload); err != nil {
				return fail(err)
			}
			entry(name, v.Name, shape, dtypeOf(v), period, t0)
		}
	}
	if m.spikes {
		// One array at a time: a large raster is held compactly, and
		// widened to float64 times and int64 ranks only while written.
		n := []int{m.SpikeCount()}
		if err := results.WriteNpyFile(filepath.Join(dir, timesFile), n, m.spikeTimes()); err != nil {
			return fail(err)
		}
		entry(timesFile, results.VarSpikeTimes, n, "float64", 0, nil)
		if err := results.WriteNpyFile(filepath.Join(dir, ranksFile), n, m.spikeRanks64()); err != nil {
			return fail(err)
		}
		entry(ranksFile, results.VarSpikeRanks, n, "int64", 0, nil)
		m.dropSpikes()
	}
	return files, nil
}

// FileNames lists the files Save (or StreamTo and Save) writes, in order,
// with their variables: what a run announces before it starts writing.
func (m *Monitor) FileNames() []results.File {
	var out []results.File
	add := func(variable, file string) {
		out = append(out, results.File{File: file, Monitor: m.Name, Variable: variable})
	}
	if len(m.Vars) > 0 {
		if m.Synapses != nil {
			add(results.VarPre, m.FileName(results.VarPre))
			add(results.VarPost, m.FileName(results.VarPost))
		}
		add(results.VarTimes, m.FileName(results.VarTimes))
	}
	for _, v := range m.Vars {
		add(v.Name, m.FileName(v.Name))
	}
	if m.spikes {
		add(results.VarSpikeTimes, m.FileName(results.VarSpikeTimes))
		add(results.VarSpikeRanks, m.FileName(results.VarSpikeRanks))
	}
	return out
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
