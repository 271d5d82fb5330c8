package runtime

import (
	"errors"
	"strings"
	"testing"
)

// fakeNet is an Embedded with one per-neuron variable "P.v" (3 neurons),
// one population-wide "P.tau", and a Step that panics when asked.
type fakeNet struct {
	core  Core
	v     []float64
	tau   float64
	panic bool
}

func (n *fakeNet) Base() *Core                                                { return &n.core }
func (n *fakeNet) Simulate(ms float64)                                        { n.core.Simulate(ms, n.step) }
func (n *fakeNet) BeginSimulate(ms float64) *Segmented                        { return n.core.BeginSimulate(ms, n.step) }
func (n *fakeNet) Step()                                                      { n.core.Run(1, n.step) }
func (n *fakeNet) Monitors() []*Monitor                                       { return nil }
func (n *fakeNet) ResetParts(_, _, _, _ bool) error                           { n.core.Step = 0; return nil }
func (n *fakeNet) SetSeed(seed int64)                                         { n.core.Seed = seed }
func (n *fakeNet) SetLearning(bool, []string, float64, float64) error         { return nil }
func (n *fakeNet) SetStructural(bool, bool, []string, float64, float64) error { return nil }
func (n *fakeNet) SimulateUntilNamed(maxMs float64, _ bool, _ []string) (float64, error) {
	return n.core.SimulateUntil(maxMs, n.step, nil), nil
}

func (n *fakeNet) Save(path string) error { return errors.New("fake: no state") }
func (n *fakeNet) Load(path string) error { return errors.New("fake: no state") }

func (n *fakeNet) step() {
	if n.panic {
		var s []int
		_ = s[3]
	}
	for i := range n.v {
		n.v[i]++
	}
}

func (n *fakeNet) SetAny(path string, value any) error {
	v, err := ValueOf(value)
	if err != nil {
		return err
	}
	switch path {
	case "P.v":
		r := NewRNG(1, 1, 0, 1)
		return v.Fill(n.v, &r)
	case "P.tau":
		n.tau, err = v.Scalar()
		return err
	}
	return errors.New("no such path")
}

func (n *fakeNet) Get(path string) ([]float64, error) {
	switch path {
	case "P.v":
		return append([]float64(nil), n.v...), nil
	case "P.tau":
		return []float64{n.tau}, nil
	}
	return nil, errors.New("no such path")
}

func newFakeForeign() *Foreign {
	return &Foreign{
		Model: ForeignModel{Name: "fake", Dt: 1, Paths: []PathInfo{
			{Path: "P.v", Object: "P", Name: "v", Kind: "neuron", Dtype: "float64", Settable: true},
			{Path: "P.tau", Object: "P", Name: "tau", Kind: "scalar", Dtype: "float64", Settable: true},
			{Path: "P.sum(exc)", Object: "P", Name: "sum(exc)", Kind: "neuron", Dtype: "float64"},
		}},
		New: func(seed int64, threads int) (Embedded, error) {
			n := &fakeNet{v: make([]float64, 3)}
			n.core.Dt, n.core.Seed = 1, seed
			return n, nil
		},
	}
}

func TestForeign(t *testing.T) {
	f := newFakeForeign()
	id, err := f.Create(5, 1)
	if err != nil || id <= 0 {
		t.Fatal(id, err)
	}
	if err := f.Set(id, "P.v", []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := f.Simulate(id, 2); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get(id, "P.v"); v[0] != 3 || v[2] != 5 {
		t.Errorf("P.v = %v after 2 steps", v)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{f.Set(id, "P.tauu", []float64{1}), `unknown path "P.tauu"; did you mean P.tau?`},
		{f.Set(id, "P.v", []float64{1, 2}), "P.v: 2 values for 3 elements"},
		{f.Set(id, "P.tau", []float64{1, 2}), "P.tau: one value expected, got 2"},
		{f.Set(id, "P.sum(exc)", []float64{1}), "cannot be set"},
		{f.SetText(id, "P.v", "Uniform(1)"), "Uniform"},
		{f.Simulate(id, -0.0/zero()), "finite"},
		{f.MonitorControl(id, "m", "start"), `unknown monitor "m"; the network has none`},
		{f.Simulate(id+100, 1), "network was freed"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
	// A panic in the network is an error, and the handle stays usable.
	f.Do(id, func(net Embedded) error { net.(*fakeNet).panic = true; return nil })
	if err := f.Simulate(id, 1); err == nil || !strings.Contains(err.Error(), "internal error: panic") {
		t.Errorf("panic gave %v", err)
	}
	f.Do(id, func(net Embedded) error { net.(*fakeNet).panic = false; return nil })
	if err := f.Simulate(id, 1); err != nil {
		t.Error(err)
	}
	// Callbacks of the caller through segments.
	if _, err := f.Every(id, 2, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.BeginSimulate(id, 5); err != nil {
		t.Fatal(err)
	}
	var calls []int
	for {
		due, err := f.NextSegment(id)
		if err != nil {
			t.Fatal(err)
		}
		if due == nil {
			break
		}
		calls = append(calls, due[0].N)
	}
	if len(calls) != 3 {
		t.Errorf("calls %v, want 3 (steps 0, 2, 4 of 5)", calls)
	}
	if _, err := f.NextSegment(id); err == nil {
		t.Error("NextSegment after the end did not fail")
	}
	f.Free(id)
	if _, err := f.Get(id, "P.v"); !errors.Is(err, ErrFreed) {
		t.Errorf("Get after Free: %v", err)
	}
}

func zero() float64 { return 0 }
