package runtime

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type toyPop struct {
	V      []float64
	refr   []int32
	rng    RNG
	ring   *SpikeRing `state:"optional"`
	fn     func()
	Name   string
	scrap  []float64 `state:"-"`
	Geo    [2]int
	active bool
}

type toyProj struct {
	C    *Conn
	W    []float64 // shares C.W
	pre  *toyPop
	Tau  float64
	last []int64
}

type toyNet struct {
	Core
	P   *toyPop
	Q   *toyProj
	Mon *Monitor
}

func newToy(seed int64, n int) *toyNet {
	r := NewRNG(seed, 1)
	p := &toyPop{V: make([]float64, n), refr: make([]int32, n), rng: r, ring: NewSpikeRing(3), Name: "P", Geo: [2]int{n, 1}}
	for i := range p.V {
		p.V[i] = r.Float64()
	}
	c := &Conn{W: []float64{1, 2, 3}, Pre: []int32{0, 1, 2}, Post: []int32{0, 0, 1}}
	net := &toyNet{P: p, Q: &toyProj{C: c, W: c.W, pre: p, Tau: 5, last: []int64{-1, -1, -1}}}
	net.Dt, net.Seed = 0.1, seed
	net.Mon = NewMonitor("m", "P", 2, true)
	net.Mon.AddVar("v", []int{n})
	return net
}

// A state saved from one network and loaded into another makes them equal
// in every saved field, keeps shared slices shared and leaves unsaved fields
// and recorded data alone.
func TestStateRoundTrip(t *testing.T) {
	a := newToy(1, 5)
	a.Step = 42
	a.P.refr[3] = 7
	a.P.rng.Uint64()
	a.P.ring.Push([]int32{2, 4})
	a.P.active = true
	a.Q.C.W = append(a.Q.C.W, 4) // 4 synapses now
	a.Q.C.Pre, a.Q.C.Post = append(a.Q.C.Pre, 4), append(a.Q.C.Post, 1)
	a.Q.W = a.Q.C.W
	a.Q.last = append(a.Q.last, 9)
	a.Mon.Due(42)
	a.Mon.Append(0, a.P.V)
	path := filepath.Join(t.TempDir(), "s.npz")
	if err := SaveState(path, a, &a.Core, "toy", "h1", "v"); err != nil {
		t.Fatal(err)
	}
	b := newToy(2, 5)
	b.P.scrap = []float64{9}
	if err := LoadState(path, b, "toy", "h1"); err != nil {
		t.Fatal(err)
	}
	if b.Step != 42 || b.Seed != 1 || !reflect.DeepEqual(b.P.V, a.P.V) || b.P.refr[3] != 7 || b.P.rng != a.P.rng ||
		!b.P.active || !reflect.DeepEqual(b.Q.C.W, []float64{1, 2, 3, 4}) || !reflect.DeepEqual(b.Q.last, a.Q.last) {
		t.Errorf("loaded %+v %+v %+v", b.Core, *b.P, *b.Q)
	}
	if &b.Q.W[0] != &b.Q.C.W[0] {
		t.Error("W and C.W no longer share their memory")
	}
	if got, want := b.P.ring.Ago(1), a.P.ring.Ago(1); !reflect.DeepEqual(got, want) {
		t.Errorf("ring: %v, want %v", got, want)
	}
	// Saving the loaded network gives the same file.
	path2 := filepath.Join(t.TempDir(), "s.npz")
	if err := SaveState(path2, b, &b.Core, "toy", "h1", "v"); err != nil {
		t.Fatal(err)
	}
	f1, _ := os.ReadFile(path)
	f2, _ := os.ReadFile(path2)
	if !bytes.Equal(f1, f2) {
		t.Error("the loaded network saves another file")
	}
	if b.P.scrap[0] != 9 || b.Mon.Frames(0) != 0 || !b.Mon.Due(44) {
		t.Error("unsaved fields or recorded data changed, or the monitor's grid was lost")
	}
	x, _ := stateNames(a)
	y, _ := stateNames(b)
	if !reflect.DeepEqual(x, y) || !strings.Contains(strings.Join(x, " "), "P.ring.slots.data") {
		t.Errorf("names %v vs %v", x, y)
	}
}

// Files of another model or of a structurally different version are
// refused, saying what differs, and change nothing.
func TestStateRefusals(t *testing.T) {
	a := newToy(1, 5)
	path := filepath.Join(t.TempDir(), "s.npz")
	if err := SaveState(path, a, &a.Core, "toy", "h1", "v"); err != nil {
		t.Fatal(err)
	}
	b := newToy(2, 5)
	if err := LoadState(path, b, "other", "h1"); err == nil || !strings.Contains(err.Error(), `holds the state of model "toy", not of "other"`) {
		t.Errorf("other model: %v", err)
	}
	// A population of another size in another version of the model.
	c := newToy(2, 6)
	v0 := c.P.V[0]
	err := LoadState(path, c, "toy", "h2")
	if err == nil || !strings.Contains(err.Error(), "P.V has 5 values in the file, 6 here") || !strings.Contains(err.Error(), "model hash h2") {
		t.Errorf("other size: %v", err)
	}
	if c.P.V[0] != v0 || c.Step != 0 {
		t.Error("a refused load changed the network")
	}
	// A field the file does not have, and one it has that the network lacks.
	type otherPop struct {
		V []float64
		U []float64
	}
	type otherNet struct {
		Core
		P *otherPop
	}
	o := &otherNet{P: &otherPop{V: make([]float64, 5), U: make([]float64, 5)}}
	err = LoadState(path, o, "toy", "h1")
	if err == nil || !strings.Contains(err.Error(), "P.U is not in the file") || !strings.Contains(err.Error(), "is in the file, not in this network") {
		t.Errorf("other structure: %v", err)
	}
	// A file holding a field this network tags state:"-" (scratch that an
	// earlier version saved) loads, the field left as it is.
	type savedPop struct {
		V     []float64
		scrap []float64
	}
	type savedNet struct {
		Core
		P *savedPop
	}
	type scratchPop struct {
		V     []float64
		scrap []float64 `state:"-"`
	}
	type scratchNet struct {
		Core
		P *scratchPop
	}
	old := filepath.Join(t.TempDir(), "old.npz")
	if err := SaveState(old, &savedNet{P: &savedPop{V: []float64{1, 2}, scrap: []float64{7, 8}}}, &a.Core, "toy", "h1", "v"); err != nil {
		t.Fatal(err)
	}
	sn := &scratchNet{P: &scratchPop{V: make([]float64, 2), scrap: []float64{3, 4}}}
	if err := LoadState(old, sn, "toy", "h1"); err != nil {
		t.Fatalf("a saved field tagged state:\"-\" here: %v", err)
	}
	if sn.P.V[1] != 2 || sn.P.scrap[0] != 3 {
		t.Errorf("loaded %v, scratch %v", sn.P.V, sn.P.scrap)
	}
}

// A spike ring (an optional pointer) follows the file: a state saved
// with a ring loads into a network without one (the ring is allocated and
// equal), one saved without a ring drops the network's; a refused load
// leaves the ring as it was.
func TestStateOptionalRing(t *testing.T) {
	dir := t.TempDir()
	a := newToy(1, 5)
	a.P.ring.Push([]int32{1, 3})
	a.P.ring.Push([]int32{4})
	with := filepath.Join(dir, "with.npz")
	if err := SaveState(with, a, &a.Core, "toy", "h1", "v"); err != nil {
		t.Fatal(err)
	}
	b := newToy(2, 5)
	b.P.ring = nil
	if err := LoadState(with, b, "toy", "h1"); err != nil {
		t.Fatal(err)
	}
	if b.P.ring == nil || b.P.ring.Depth() != 3 || !reflect.DeepEqual(b.P.ring.Ago(1), a.P.ring.Ago(1)) || !reflect.DeepEqual(b.P.ring.Ago(2), a.P.ring.Ago(2)) {
		t.Errorf("ring loaded into a network without one: %+v, want %+v", b.P.ring, a.P.ring)
	}
	a.P.ring = nil
	without := filepath.Join(dir, "without.npz")
	if err := SaveState(without, a, &a.Core, "toy", "h1", "v"); err != nil {
		t.Fatal(err)
	}
	if err := LoadState(without, b, "toy", "h1"); err != nil {
		t.Fatal(err)
	}
	if b.P.ring != nil {
		t.Error("a state saved without a ring left the network's")
	}
	// Refused (another population size): the ring is not touched.
	c := newToy(2, 6)
	ring := c.P.ring
	if err := LoadState(without, c, "toy", "h2"); err == nil {
		t.Fatal("a file of another size was loaded")
	}
	if c.P.ring != ring {
		t.Error("a refused load changed the ring")
	}
}

// stateNames lists the arrays SaveState writes for net.
func stateNames(net any) ([]string, error) {
	leaves, err := stateLeaves(net)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range leaves {
		if l.ragged {
			out = append(out, l.name+".data", l.name+".len")
		} else {
			out = append(out, l.name)
		}
	}
	return out, nil
}
