package runtime

import (
	"reflect"
	"strings"
	"testing"
)

// ProjectionMemory finds the projections of a network shaped as the
// generated ones and counts each array once.
func TestProjectionMemory(t *testing.T) {
	c, err := NewConn(3, 2, []int32{0, 0, 1}, []int32{0, 2, 1}, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	c.Index()
	type proj struct {
		Name    string
		C       *Conn
		W       []float64
		preW    []float64
		prePost []int32
	}
	type pop struct{ V []float64 }
	type network struct {
		Core
		P   *pop
		Exc *proj
		Inh *proj // left out
	}
	p := &proj{Name: "exc", C: c, W: c.W, preW: make([]float64, 3), prePost: make([]int32, 3)}
	got := ProjectionMemory(struct{ *network }{&network{P: &pop{V: make([]float64, 10)}, Exc: p}})
	// C: PostPtr 3, Pre 3, Post 3, PreIdx 3, DelayPtr 4 (also PrePtr: one
	// delay) and Delays (capacity as appended) int32; W 24 bytes (once),
	// preW 24, prePost 12.
	conn := int64(4 * (3 + 3 + 3 + 3 + 4 + cap(c.Delays)))
	want := []ProjMemory{{Name: "exc", Synapses: 3, Bytes: conn + 24 + 24 + 12, Layout: "post-major + pre index + pre-major copies"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ProjectionMemory = %+v, want %+v", got, want)
	}

	// Variables in presynaptic rows: the positions and post ranks (int32
	// per synapse each) besides W, which the projection alone holds.
	type rowProj struct {
		Name       string
		C          *Conn
		W          []float64
		at, postAt []int32
	}
	t.Setenv("ANNC_ROWS", "")
	rp := &rowProj{Name: "exc", C: c, W: c.W}
	rp.at, rp.postAt = RowStorage(c)
	c.W = nil
	got = ProjectionMemory(&struct{ Exc *rowProj }{rp})
	want = []ProjMemory{{Name: "exc", Synapses: 3, Bytes: conn + 24 + 12 + 12, Layout: "post-major + pre index, variables in pre rows"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ProjectionMemory = %+v, want %+v", got, want)
	}
	c.W = rp.W

	// The presynaptic-major layout: Post (pre-major) and DelayPtr, with the
	// weights held by the projection alone.
	c.Compact()
	p = &proj{Name: "exc", C: c, W: c.W}
	c.W = nil
	got = ProjectionMemory(&network{Exc: p})
	want = []ProjMemory{{Name: "exc", Synapses: 3, Bytes: int64(4*(3+4+cap(c.Delays))) + 24, Layout: "pre-major"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ProjectionMemory = %+v, want %+v", got, want)
	}

	// A rate-coded projection's delayed values: 5 frames of 3 values.
	type rateProj struct {
		Name   string
		C      *Conn
		W      []float64
		ring_r *RateRing
	}
	type rateNet struct{ Exc *rateProj }
	got = ProjectionMemory(&rateNet{&rateProj{Name: "exc", C: c, W: p.W, ring_r: NewRateRing(3, 5)}})
	if want := int64(4*(3+4+cap(c.Delays))) + 24 + 8*15; len(got) != 1 || got[0].Bytes != want {
		t.Errorf("ProjectionMemory with a rate ring = %+v, want %d bytes", got, want)
	}
	// The decay tables of the goroutines that used them (arrays of arrays).
	type plastic struct {
		Name      string
		C         *Conn
		W         []float64
		decayTabs [MaxChunks][2]DecayTable
	}
	pl := &plastic{Name: "exc", C: c, W: p.W}
	pl.decayTabs[0][1].For(0.1, 0.1)
	pl.decayTabs[1][0].For(0.1, 0.1)
	got = ProjectionMemory(&struct{ Exc *plastic }{pl})
	if want := int64(4*(3+4+cap(c.Delays))) + 24 + 2*8*DecayTableLen; len(got) != 1 || got[0].Bytes != want {
		t.Errorf("ProjectionMemory with two decay tables = %+v, want %d bytes", got, want)
	}
}

// A rate ring larger than the machine's memory is refused before it is
// filled (which would end the process).
func TestRateRingFits(t *testing.T) {
	if err := RateRingFits("p", 1000, 100); err != nil {
		t.Errorf("800 kB refused: %v", err)
	}
	if MemTotal("/proc/meminfo") <= 0 {
		t.Skip("no /proc/meminfo")
	}
	if err := RateRingFits("p", 1<<30, 1<<20); err == nil || !strings.Contains(err.Error(), "projection p: its delays keep 1073741824 values for each of 1048576 steps") {
		t.Errorf("8 PiB: %v", err)
	}
}

// -max-memory's estimate counts the synapses and lists each projection with
// its layout.
func TestCheckMemoryProjections(t *testing.T) {
	projs := []ProjMemory{
		{Name: "exc", Synapses: 1000, Bytes: 12100, Layout: "pre-major"},
		{Name: "plastic", Synapses: 100, Bytes: 4000, Layout: "post-major + pre index"},
	}
	if err := checkMemory(nil, projs, 10, 1, 16100, 1); err != nil {
		t.Fatalf("16100 bytes refused under a limit of 16100: %v", err)
	}
	err := checkMemory(nil, projs, 10, 2, 20000, 1)
	if err == nil {
		t.Fatal("two runs of 16100 bytes accepted under a limit of 20000")
	}
	for _, want := range []string{"the synapses 15.7 KiB, 15.7 KiB in all, per run for 1 ms, 31.4 KiB for 2 runs in parallel",
		"projection exc 11.8 KiB (1000 synapses, 12.1 bytes each, pre-major)",
		"projection plastic 3.9 KiB (100 synapses, 40.0 bytes each, post-major + pre index)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
}

// A projection whose rows outnumber its synapses counts, before its first
// step, the index DueSpikes builds then (2 bytes a synapse), and counts it
// once after.
func TestProjectionMemoryDueIndex(t *testing.T) {
	r, dr := NewRNG(3), NewRNG(4)
	c := manyDelayGroups(t, &r, &dr)
	type proj struct {
		Name string
		C    *Conn
		due  DueSpikes
	}
	type network struct{ Exc *proj }
	p := &proj{Name: "exc", C: c}
	before := ProjectionMemory(&network{Exc: p})[0].Bytes
	p.due.Sync(NewSpikeRing(int(c.MaxDelay)), c)
	after := ProjectionMemory(&network{Exc: p})[0].Bytes
	if idx := int64(2 * cap(p.due.group)); idx < int64(2*c.Len()) || before < idx {
		t.Errorf("index of %d bytes for %d synapses; counted before the first step: %d bytes in all", idx, c.Len(), before)
	}
	// After: the index once (no more than counted before), and the array
	// of slots and the scratch of the filing.
	slots := int64(cap(p.due.slots)) * int64(reflect.TypeOf(dueSlot{}).Size())
	if grown, want := after-before, slots+int64(4*cap(p.due.pos)+4*cap(p.due.step)); grown != want {
		t.Errorf("after the first step %d bytes more than before, want %d", grown, want)
	}
	// A projection that divides will not build one.
	c2, _ := fixedProbability(&r, whole(0, 10), whole(1, 10), 0.9, true)
	c2.Index()
	q := &proj{Name: "d", C: c2}
	if got := dueIndexBytes(reflect.ValueOf(q).Elem(), c2); got != 0 {
		t.Errorf("dividing projection: %d bytes of due index", got)
	}
}
