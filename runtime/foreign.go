package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
)

// Embedded is a network as a foreign caller drives it: the C API that
// `annc compile --python` builds adapts the model's Network to it, and
// Foreign does the rest, so that the C layer only converts arguments.
type Embedded interface {
	Base() *Core
	Simulate(ms float64)
	BeginSimulate(ms float64) *Segmented
	Step()
	// SimulateUntilNamed is SimulateUntilPops with populations by name
	// (none: the model's default stop conditions).
	SimulateUntilNamed(maxMs float64, or bool, pops []string) (float64, error)
	SetAny(path string, value any) error
	Get(path string) ([]float64, error)
	Monitors() []*Monitor
	ResetParts(populations, projections, synapses, monitors bool) error
	SetSeed(seed int64)
	// SetLearning enables (with a period and offset in ms) or disables
	// learning of the named projections, or of all when none is named.
	SetLearning(on bool, projs []string, period, offset float64) error
	// SetStructural starts (on, every period ms from offset ms from now) or
	// stops the creating (creating) or pruning of the named projections, or
	// of all that have the condition when none is named.
	SetStructural(creating, on bool, projs []string, period, offset float64) error
	// Save and Load write and read the network's whole state (SaveState).
	Save(path string) error
	Load(path string) error
}

// PathInfo describes one path of Set and Get for a foreign caller.
type PathInfo struct {
	Path   string `json:"path"`
	Object string `json:"object"` // population, projection or "" for a constant
	Name   string `json:"name"`   // variable name in the object
	// Kind says what the shape is: "neuron" (the population's geometry),
	// "synapse" (one per synapse), "post" (one per postsynaptic neuron),
	// "scalar" (one value) or "rows" (nested lists, set as text).
	Kind     string `json:"kind"`
	Dtype    string `json:"dtype"` // float64, int64 or bool
	Settable bool   `json:"settable"`
}

// ForeignModel is what the C API knows of the model without a network.
type ForeignModel struct {
	Name        string          `json:"name"`
	Dt          float64         `json:"dt"`
	Seed        int64           `json:"seed"`
	HasSeed     bool            `json:"has_seed"`
	Duration    float64         `json:"duration"`
	Until       bool            `json:"until"`
	MaxDuration float64         `json:"max_duration"`
	Populations []ForeignObject `json:"populations"`
	Projections []ForeignObject `json:"projections"`
	Constants   []string        `json:"constants"`
	Paths       []PathInfo      `json:"paths"`
	Version     string          `json:"version"`
	ModelHash   string          `json:"model_hash"`
}

// ForeignObject is a population (Geometry, Stop) or projection (Pre, Post,
// Target) of ForeignModel.
type ForeignObject struct {
	Name     string `json:"name"`
	Geometry []int  `json:"geometry,omitempty"`
	Stop     bool   `json:"stop_condition,omitempty"`
	Pre      string `json:"pre,omitempty"`
	Post     string `json:"post,omitempty"`
	Target   string `json:"target,omitempty"`
}

// Foreign holds the networks of a foreign caller by handle. Each handle's
// calls are serialised (a network is not safe for concurrent use); calls on
// different handles run in parallel. Every method turns a panic into an
// error, so the caller's process never crashes.
type Foreign struct {
	Model ForeignModel
	New   func(seed int64, threads int) (Embedded, error)

	mu   sync.Mutex
	next int64
	nets map[int64]*handle
}

type handle struct {
	mu  sync.Mutex
	net Embedded
	seg *Segmented // the segmented Simulate in progress
}

// ErrFreed is the error of a call on a handle that was freed or never existed.
var ErrFreed = errors.New("network was freed (or never created)")

// Register adds a network and returns its handle (> 0).
func (f *Foreign) Register(net Embedded) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.nets == nil {
		f.nets = map[int64]*handle{}
	}
	f.next++
	f.nets[f.next] = &handle{net: net}
	return f.next
}

// Free forgets a handle; freeing an unknown handle does nothing.
func (f *Foreign) Free(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.nets, id)
}

// Create builds a network and registers it.
func (f *Foreign) Create(seed int64, threads int) (id int64, err error) {
	defer recoverErr(&err)
	net, err := f.New(seed, threads)
	if err != nil {
		return 0, err
	}
	return f.Register(net), nil
}

// Do runs fn on the network of handle id, holding its lock and turning a
// panic into an error.
func (f *Foreign) Do(id int64, fn func(net Embedded) error) error {
	return f.do(id, func(h *handle) error { return fn(h.net) })
}

func (f *Foreign) do(id int64, fn func(h *handle) error) (err error) {
	f.mu.Lock()
	h := f.nets[id]
	f.mu.Unlock()
	if h == nil {
		return ErrFreed
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	defer recoverErr(&err)
	return fn(h)
}

func recoverErr(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("internal error: panic: %v", p)
	}
}

// ModelJSON is Model as JSON.
func (f *Foreign) ModelJSON() string {
	b, _ := json.Marshal(f.Model)
	return string(b)
}

// pathInfo returns the description of path, or annc's unknown-path error
// with its suggestions.
func (f *Foreign) pathInfo(path string) (PathInfo, error) {
	for _, p := range f.Model.Paths {
		if p.Path == path {
			return p, nil
		}
	}
	all := make([]string, len(f.Model.Paths))
	for i, p := range f.Model.Paths {
		all[i] = p.Path
	}
	return PathInfo{}, UnknownPath(path, all)
}

// Get returns the values at path.
func (f *Foreign) Get(id int64, path string) (out []float64, err error) {
	if _, err := f.pathInfo(path); err != nil {
		return nil, err
	}
	err = f.Do(id, func(net Embedded) error {
		out, err = net.Get(path)
		return err
	})
	return out, err
}

// Set sets path to the values of data: one value sets every element, n
// values set one element each and must match the size at path.
func (f *Foreign) Set(id int64, path string, data []float64) error {
	info, err := f.pathInfo(path)
	if err != nil {
		return err
	}
	if !info.Settable {
		return fmt.Errorf("%s is computed by the network at every step and cannot be set", path)
	}
	return f.Do(id, func(net Embedded) error {
		if len(data) == 1 {
			return net.SetAny(path, Num(data[0]))
		}
		if info.Kind == "scalar" {
			return fmt.Errorf("%s: one value expected, got %d", path, len(data))
		}
		cur, err := net.Get(path)
		if err != nil {
			return err
		}
		if info.Kind != "rows" && len(cur) != len(data) {
			return fmt.Errorf("%s: %d values for %d elements", path, len(data), len(cur))
		}
		return net.SetAny(path, List(append([]float64(nil), data...)))
	})
}

// SetText sets path from text as the runner's -set reads it ("20",
// "Uniform(-60, -50)", "[[10, 20], [15]]").
func (f *Foreign) SetText(id int64, path, text string) error {
	info, err := f.pathInfo(path)
	if err != nil {
		return err
	}
	if !info.Settable {
		return fmt.Errorf("%s is computed by the network at every step and cannot be set", path)
	}
	return f.Do(id, func(net Embedded) error { return net.SetAny(path, text) })
}

// Simulate runs ms of simulation without callbacks of the caller (use
// BeginSimulate/Next when it has some).
func (f *Foreign) Simulate(id int64, ms float64) error {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return fmt.Errorf("simulate: duration must be finite, got %v", ms)
	}
	return f.Do(id, func(net Embedded) error {
		net.Simulate(ms)
		return net.Base().checkErr
	})
}

// BeginSimulate starts a segmented Simulate (see Core.BeginSimulate).
func (f *Foreign) BeginSimulate(id int64, ms float64) error {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return fmt.Errorf("simulate: duration must be finite, got %v", ms)
	}
	return f.do(id, func(h *handle) error {
		h.seg = h.net.BeginSimulate(ms)
		return nil
	})
}

// NextSegment advances a segmented Simulate to the next due callbacks (nil
// at the end).
func (f *Foreign) NextSegment(id int64) (due []DueCallback, err error) {
	err = f.do(id, func(h *handle) error {
		if h.seg == nil {
			return errors.New("no simulation in progress")
		}
		h.seg.Resync()
		due = h.seg.Next()
		if due == nil {
			h.seg = nil
		}
		return nil
	})
	return due, err
}

// Every declares a callback whose calls the caller makes (see Segmented) and
// returns its index.
func (f *Foreign) Every(id int64, period, offset, wait float64) (idx int, err error) {
	err = f.Do(id, func(net Embedded) error {
		if !(period > 0) || math.IsInf(period, 0) {
			return fmt.Errorf("every: period must be positive and finite, got %v ms", period)
		}
		c := net.Base()
		c.Every(period, offset, wait, nil)
		idx = len(c.Callbacks()) - 1
		return nil
	})
	return idx, err
}

// monitor finds a monitor by name, with the names there are in the error.
func monitor(net Embedded, name string) (*Monitor, error) {
	var names []string
	for _, m := range net.Monitors() {
		if m.Name == name {
			return m, nil
		}
		names = append(names, m.Name)
	}
	return nil, fmt.Errorf("unknown monitor %q; the network has %s", name, orNone(names))
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// MonitorGet returns what Monitor.Get returns for a variable (and forgets it).
func (f *Foreign) MonitorGet(id int64, mon, variable string) (data []float64, shape []int, err error) {
	err = f.Do(id, func(net Embedded) error {
		m, err := monitor(net, mon)
		if err != nil {
			return err
		}
		if m.Var(variable) < 0 {
			var names []string
			for _, v := range m.Vars {
				names = append(names, v.Name)
			}
			if m.RecordsSpikes() {
				names = append(names, "spike")
			}
			return fmt.Errorf("monitor %s does not record %q; it records %s", mon, variable, orNone(names))
		}
		if m.Streaming() {
			return fmt.Errorf("monitor %s streams %s to disk", mon, variable)
		}
		data, shape = m.Get(variable)
		if data == nil {
			data = []float64{}
		}
		return nil
	})
	return data, shape, err
}

// MonitorRaster returns the spikes recorded (and forgets them).
func (f *Foreign) MonitorRaster(id int64, mon string) (times []float64, ranks []int64, err error) {
	err = f.Do(id, func(net Embedded) error {
		m, err := monitor(net, mon)
		if err != nil {
			return err
		}
		if !m.RecordsSpikes() {
			return fmt.Errorf("monitor %s does not record spikes", mon)
		}
		times, ranks = m.TakeRaster()
		return nil
	})
	return times, ranks, err
}

// MonitorControl starts, pauses, resumes or resets a monitor.
func (f *Foreign) MonitorControl(id int64, mon, op string) error {
	return f.Do(id, func(net Embedded) error {
		m, err := monitor(net, mon)
		if err != nil {
			return err
		}
		switch op {
		case "start":
			m.Start()
		case "pause":
			m.Pause()
		case "resume":
			m.Resume()
		case "reset":
			m.Reset()
		default:
			return fmt.Errorf("unknown monitor operation %q", op)
		}
		return nil
	})
}

// MonitorsJSON describes the monitors of a network: name, target, recorded
// variables with their frame shapes and dtypes, period, spikes, neurons.
func (f *Foreign) MonitorsJSON(id int64) (s string, err error) {
	type varInfo struct {
		Name  string `json:"name"`
		Shape []int  `json:"shape"`
		Dtype string `json:"dtype"`
	}
	type monInfo struct {
		Name      string    `json:"name"`
		Target    string    `json:"target"`
		Variables []varInfo `json:"variables"`
		PeriodMs  float64   `json:"period"`
		Spikes    bool      `json:"spikes"`
		Neurons   int       `json:"neurons"`
		Recording bool      `json:"recording"`
	}
	err = f.Do(id, func(net Embedded) error {
		out := []monInfo{}
		for _, m := range net.Monitors() {
			mi := monInfo{Name: m.Name, Target: m.Target, PeriodMs: float64(m.PeriodSteps) * m.Dt,
				Spikes: m.RecordsSpikes(), Neurons: m.Neurons, Recording: m.Recording(), Variables: []varInfo{}}
			for i := range m.Vars {
				v := &m.Vars[i]
				mi.Variables = append(mi.Variables, varInfo{v.Name, append([]int{}, v.Shape...), dtypeOf(v)})
			}
			out = append(out, mi)
		}
		b, err := json.Marshal(out)
		s = string(b)
		return err
	})
	return s, err
}

// UnknownName is the error of a name that is not among names, with the
// suggestions of UnknownPath: `unknown monitor "m1"; did you mean m?`.
// kind says what the name is ("monitor", "attribute of population P").
func UnknownName(kind, name string, names []string) error {
	var e *UnknownPathError
	if !errors.As(UnknownPath(name, names), &e) || len(e.Close) == 0 || e.Object {
		return fmt.Errorf("unknown %s %q; there are %s", kind, name, orNone(names))
	}
	return fmt.Errorf("unknown %s %q; did you mean %s?", kind, name, orList(e.Close))
}

// MonitorTimes returns the times in ms of the frames of variable (the
// first recorded variable when empty) that MonitorGet would return.
func (f *Foreign) MonitorTimes(id int64, mon, variable string) (times []float64, err error) {
	err = f.Do(id, func(net Embedded) error {
		m, err := monitor(net, mon)
		if err != nil {
			return err
		}
		if len(m.Vars) == 0 {
			return fmt.Errorf("monitor %s records no variable", mon)
		}
		if variable == "" {
			variable = m.Vars[0].Name
		}
		if m.Var(variable) < 0 {
			return fmt.Errorf("monitor %s does not record %q", mon, variable)
		}
		times = m.Times(variable)
		if times == nil {
			times = []float64{}
		}
		return nil
	})
	return times, err
}

// MonitorSynapses returns the pre- and postsynaptic ranks of the synapses a
// projection's monitor records (the columns of its variables).
func (f *Foreign) MonitorSynapses(id int64, mon string) (pre, post []float64, err error) {
	err = f.Do(id, func(net Embedded) error {
		m, err := monitor(net, mon)
		if err != nil {
			return err
		}
		if m.Synapses == nil {
			return fmt.Errorf("monitor %s does not record a projection", mon)
		}
		p, q := m.Synapses()
		pre, post = make([]float64, len(p)), make([]float64, len(q))
		for i := range p {
			pre[i] = float64(p[i])
		}
		for i := range q {
			post[i] = float64(q[i])
		}
		return nil
	})
	return pre, post, err
}
