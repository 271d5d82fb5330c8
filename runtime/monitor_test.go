package runtime

import (
	"bytes"
	"github.com/annc/annc/runtime/results"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// record runs steps [from, to) of a fake population whose variable at step s
// is (s, -s), asking Due twice per step as the generated code may.
func record(m *Monitor, i int, from, to int64) {
	for s := from; s < to; s++ {
		if m.Due(s) && m.Due(s) {
			m.Append(i, []float64{float64(s), -float64(s)})
		}
	}
}

func TestMonitorPeriodAndGet(t *testing.T) {
	m := NewMonitor("m", "P", 3, true)
	m.Dt = 0.5
	v := m.AddVar("v", []int{2})
	record(m, v, 0, 10)
	if got := m.Times("v"); !reflect.DeepEqual(got, []float64{0, 1.5, 3, 4.5}) {
		t.Errorf("Times = %v", got)
	}
	data, shape := m.Get("v")
	if !reflect.DeepEqual(data, []float64{0, 0, 3, -3, 6, -6, 9, -9}) || !reflect.DeepEqual(shape, []int{4, 2}) {
		t.Errorf("Get = %v %v", data, shape)
	}
	// Get drains.
	data, shape = m.Get("v")
	if len(data) != 0 || !reflect.DeepEqual(shape, []int{0, 2}) {
		t.Errorf("second Get = %v %v, want empty (0, 2)", data, shape)
	}
	record(m, v, 10, 13)
	if got := m.Times("v"); !reflect.DeepEqual(got, []float64{6}) {
		t.Errorf("Times after Get = %v, want [6]", got)
	}
	if data, shape = m.Get("v"); !reflect.DeepEqual(data, []float64{12, -12}) || !reflect.DeepEqual(shape, []int{1, 2}) {
		t.Errorf("Get after more steps = %v %v", data, shape)
	}
	if data, shape := m.Get("nope"); data != nil || shape != nil {
		t.Errorf("unknown variable gave %v %v", data, shape)
	}
}

// TestMonitorTwoVarsGet checks that draining one variable keeps the frames
// (and their times) of the other.
func TestMonitorTwoVarsGet(t *testing.T) {
	m := NewMonitor("m", "P", 2, true)
	a := m.AddVar("a", []int{1})
	b := m.AddVar("b", []int{1})
	for s := int64(0); s < 5; s++ {
		if m.Due(s) {
			m.Append(a, []float64{float64(s)})
			m.Append(b, []float64{10 * float64(s)})
		}
	}
	if d, _ := m.Get("a"); !reflect.DeepEqual(d, []float64{0, 2, 4}) {
		t.Errorf("a = %v", d)
	}
	for s := int64(5); s < 7; s++ {
		if m.Due(s) {
			m.Append(a, []float64{float64(s)})
			m.Append(b, []float64{10 * float64(s)})
		}
	}
	if got := m.Times("b"); !reflect.DeepEqual(got, []float64{0, 2, 4, 6}) {
		t.Errorf("Times(b) = %v", got)
	}
	if got := m.Times("a"); !reflect.DeepEqual(got, []float64{6}) {
		t.Errorf("Times(a) = %v", got)
	}
	if d, sh := m.Get("b"); !reflect.DeepEqual(d, []float64{0, 20, 40, 60}) || sh[0] != 4 {
		t.Errorf("b = %v %v", d, sh)
	}
}

func TestMonitorStartPauseResume(t *testing.T) {
	m := NewMonitor("m", "P", 2, false)
	v := m.AddVar("v", []int{2})
	record(m, v, 0, 5) // not started: nothing
	m.Start()          // grid anchored at step 5: 5, 7, 9
	record(m, v, 5, 10)
	if got := m.Times("v"); !reflect.DeepEqual(got, []float64{5, 7, 9}) {
		t.Fatalf("after Start: %v", got)
	}
	m.Pause()
	record(m, v, 10, 14)
	m.Resume() // the grid of the last Start continues: 15, 17
	record(m, v, 14, 18)
	if got := m.Times("v"); !reflect.DeepEqual(got, []float64{5, 7, 9, 15, 17}) {
		t.Fatalf("after Pause/Resume: %v", got)
	}
	data, _ := m.Get("v")
	if want := []float64{5, -5, 7, -7, 9, -9, 15, -15, 17, -17}; !reflect.DeepEqual(data, want) {
		t.Errorf("data %v, want %v", data, want)
	}
	m.Reset()
	record(m, v, 20, 23) // re-anchored at 20
	if got := m.Times("v"); !reflect.DeepEqual(got, []float64{20, 22}) {
		t.Errorf("after Reset: %v", got)
	}
}

func TestMonitorGather(t *testing.T) {
	m := NewMonitor("m", "P[3,1]", 1, true)
	a := m.AddVar("a", []int{2})
	b := m.AddVar32("b", []int{2})
	c := m.AddVar32("c", []int{3})
	m.Due(0)
	m.AppendGather(a, []float64{10, 11, 12, 13}, []int{3, 1})
	m.AppendGather32(b, []float32{0.5, 1.5, 2.5, 3.5}, []int{3, 1})
	m.Append32(c, []float32{0.25, 0.5, 0.75})
	if d, _ := m.Get("a"); !reflect.DeepEqual(d, []float64{13, 11}) {
		t.Errorf("a = %v", d)
	}
	if d, _ := m.Get("b"); !reflect.DeepEqual(d, []float64{3.5, 1.5}) {
		t.Errorf("b = %v", d)
	}
	if d, _ := m.Get("c"); !reflect.DeepEqual(d, []float64{0.25, 0.5, 0.75}) {
		t.Errorf("c = %v", d)
	}
}

func TestMonitorRaster(t *testing.T) {
	m := NewMonitor("m", "P[1,3]", 1, true)
	m.Dt = 0.1
	m.EnableSpikes([]int{1, 3})
	if m.Neurons != 2 {
		t.Errorf("Neurons = %d, want 2", m.Neurons)
	}
	m.Spike(5, 3)
	m.Spike(5, 1)
	m.Spike(2, 3)
	m.Spike(5, 0)  // not recorded
	m.Spike(4, 10) // outside the view
	m.Spike(7, 1)
	m.Pause()
	m.Spike(8, 1)
	m.Resume()
	if m.SpikeCount() != 4 {
		t.Errorf("SpikeCount = %d", m.SpikeCount())
	}
	if fr := m.MeanFR(10); fr != 200 { // 4 spikes / (2 neurons × 0.01 s)
		t.Errorf("MeanFR = %v, want 200", fr)
	}
	// Given as (5,3) (5,1) (2,3) (7,1); ordered by time then rank.
	// Raster changes nothing; TakeRaster forgets what it returns.
	if t1, _ := m.Raster(); len(t1) != 4 || m.SpikeCount() != 4 || m.MeanFR(10) != 200 {
		t.Errorf("Raster drained the spikes: %v, %d held", t1, m.SpikeCount())
	}
	times, ranks := m.TakeRaster()
	dt := m.Dt
	if want := []float64{2 * dt, 5 * dt, 5 * dt, 7 * dt}; !reflect.DeepEqual(times, want) {
		t.Errorf("times %v, want %v", times, want)
	}
	if want := []int64{3, 1, 3, 1}; !reflect.DeepEqual(ranks, want) {
		t.Errorf("ranks %v, want %v", ranks, want)
	}
	if times, ranks := m.Raster(); len(times) != 0 || len(ranks) != 0 || m.SpikeCount() != 0 {
		t.Errorf("Raster after TakeRaster not empty: %v %v", times, ranks)
	}
	if !math.IsNaN(MeanRate(3, 0, 10)) {
		t.Errorf("MeanRate with no neurons should be NaN")
	}
}

func TestMonitorFileName(t *testing.T) {
	m := NewMonitor("m1", "P", 1, true)
	for v, want := range map[string]string{"v": "m1.v.npy", "sum(exc)": "m1.sum_exc.npy", "g_exc": "m1.g_exc.npy", "a b": "m1.a_b.npy"} {
		if got := m.FileName(v); got != want {
			t.Errorf("FileName(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestMonitorStreamEqualsMemory records the same data with a streaming and an
// in-memory monitor; the streamed files must be byte-identical to the
// in-memory data written at the end.
func TestMonitorStreamEqualsMemory(t *testing.T) {
	dir := t.TempDir()
	sdir, mdir := filepath.Join(dir, "s"), filepath.Join(dir, "m")
	if err := os.MkdirAll(mdir, 0o755); err != nil {
		t.Fatal(err)
	}
	mk := func() *Monitor {
		m := NewMonitor("m", "P", 2, true)
		m.Dt = 0.25
		m.AddVar("v", []int{2, 2})
		m.AddVar32("w", []int{2})
		m.EnableSpikes(nil)
		m.Neurons = 4
		return m
	}
	ms, mm := mk(), mk()
	rec := func(m *Monitor, from, to int64) {
		for s := from; s < to; s++ {
			if m.Due(s) {
				f := float64(s)
				m.Append(0, []float64{f, f + 0.5, f * f, -f})
				m.AppendGather32(1, []float32{float32(f) / 3, 1, float32(f) / 7}, []int{2, 0})
			}
			// two spikes per step, given in decreasing rank order
			m.Spike(s, int(3-s%4))
			m.Spike(s, int(s%2))
		}
	}
	rec(ms, 0, 5) // some frames in memory before streaming starts
	rec(mm, 0, 5)
	if err := ms.StreamTo(sdir); err != nil {
		t.Fatal(err)
	}
	rec(ms, 5, 40)
	rec(mm, 5, 40)
	if ms.StreamFrames(0) != 20 || ms.StreamSpikes() != 80 {
		t.Errorf("streamed %d frames, %d spikes; want 20, 80", ms.StreamFrames(0), ms.StreamSpikes())
	}
	if d, _ := ms.Get("v"); len(d) != 0 {
		t.Errorf("streaming monitor kept %d values in memory", len(d))
	}
	if err := ms.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"v", "w"} {
		data, shape := mm.Get(name)
		var payload any = data
		if name == "w" {
			f32 := make([]float32, len(data))
			for i, x := range data {
				f32[i] = float32(x)
			}
			payload = f32
		}
		if err := results.WriteNpyFile(filepath.Join(mdir, mm.FileName(name)), shape, payload); err != nil {
			t.Fatal(err)
		}
	}
	times, ranks := mm.Raster()
	if err := results.WriteNpyFile(filepath.Join(mdir, "m.spike_times.npy"), []int{len(times)}, times); err != nil {
		t.Fatal(err)
	}
	if err := results.WriteNpyFile(filepath.Join(mdir, "m.spike_ranks.npy"), []int{len(ranks)}, ranks); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"m.v.npy", "m.w.npy", "m.spike_times.npy", "m.spike_ranks.npy"} {
		a, err1 := os.ReadFile(filepath.Join(sdir, f))
		b, err2 := os.ReadFile(filepath.Join(mdir, f))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: streamed file (%d bytes) differs from the in-memory one (%d bytes)", f, len(a), len(b))
		}
	}
	// The raster of the in-memory monitor is ordered by time then rank.
	if ranks[0] != 0 || ranks[1] != 3 || times[2] != 0.25 {
		t.Errorf("raster starts %v %v", times[:4], ranks[:4])
	}
}

func TestMonitorNoAllocPerFrame(t *testing.T) {
	m := NewMonitor("m", "P", 1, true)
	v := m.AddVar("v", []int{100})
	g := m.AddVar("g", []int{10})
	m.EnableSpikes(nil)
	vals := make([]float64, 100)
	ranks := []int{0, 5, 10, 15, 20, 25, 30, 35, 40, 45}
	step := int64(0)
	allocs := testing.AllocsPerRun(5000, func() {
		if m.Due(step) {
			m.Append(v, vals)
			m.AppendGather(g, vals, ranks)
		}
		m.Spike(step, 3)
		step++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per recorded frame on average", allocs)
	}
}

func BenchmarkMonitorFrame(b *testing.B) {
	m := NewMonitor("m", "P", 1, true)
	v := m.AddVar("v", []int{1000})
	vals := make([]float64, 1000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if m.Due(int64(i)) {
			m.Append(v, vals)
		}
		if len(m.Vars[v].Data) > 1<<22 {
			m.Get("v")
		}
	}
}

func TestMonitorRasterOrder(t *testing.T) {
	m := NewMonitor("m", "P", 1, true)
	m.EnableSpikes(nil)
	m.Spike(3, 1)
	m.Spike(3, 0)
	if ts, rs := m.Raster(); !reflect.DeepEqual(ts, []float64{3, 3}) || !reflect.DeepEqual(rs, []int64{0, 1}) {
		t.Errorf("RasterKeep = %v %v", ts, rs)
	}
	if m.SpikeCount() != 2 {
		t.Errorf("RasterKeep drained the monitor")
	}
}

// A run sizes its monitors once: recording the frames it announced reuses
// the buffers Reserve made (no copy), whatever the period and anchor, and
// the recorded data are those of a monitor left to grow.
func TestMonitorReserveRun(t *testing.T) {
	for _, period := range []int64{1, 3, 7} {
		grown := NewMonitor("g", "P", period, true)
		m := NewMonitor("m", "P", period, true)
		for _, x := range []*Monitor{grown, m} {
			x.AddVar("v", []int{2})
		}
		c := &Core{Dt: 0.1}
		c.SetMonitors([]*Monitor{m})
		c.Step = 5 // the grid is anchored at the first recorded step
		var first *float64
		c.Run(100, func() {
			if m.Due(c.Step) {
				m.Append(0, []float64{float64(c.Step), -float64(c.Step)})
				if first == nil {
					first = &m.Vars[0].Data[0]
				}
				if &m.Vars[0].Data[0] != first {
					t.Fatalf("period %d: the buffer moved at step %d", period, c.Step)
				}
			}
		})
		if want := (100 + period - 1) / period; int64(cap(m.Vars[0].Data)) != 2*want || int64(cap(m.frameSteps)) != want {
			t.Errorf("period %d: capacities %d, %d, want %d, %d", period, cap(m.Vars[0].Data), cap(m.frameSteps), 2*want, want)
		}
		record(grown, 0, 5, 105)
		if !reflect.DeepEqual(m.Vars[0].Data, grown.Vars[0].Data) || !reflect.DeepEqual(m.Times("v"), grown.Times("v")) {
			t.Errorf("period %d: reserved and grown monitors differ", period)
		}
	}
}

// Single steps (Run(1) each) still grow the buffers geometrically.
func TestMonitorReserveSingleSteps(t *testing.T) {
	m := NewMonitor("m", "P", 1, true)
	m.AddVar("v", []int{10})
	c := &Core{Dt: 0.1}
	c.SetMonitors([]*Monitor{m})
	vals := make([]float64, 10)
	grows := 0
	for s := 0; s < 10000; s++ {
		before := cap(m.Vars[0].Data)
		c.Run(1, func() {
			if m.Due(c.Step) {
				m.Append(0, vals)
			}
		})
		if cap(m.Vars[0].Data) != before {
			grows++
		}
	}
	if m.Frames(0) != 10000 || grows > 50 {
		t.Errorf("%d frames, %d reallocations for 10000 single steps", m.Frames(0), grows)
	}
}

// Spikes (a step's ranks at once) records what Spike does one rank at a
// time, held at 4 bytes a spike and 16 a step; a step met twice (the clock
// set back) merges into one step of the raster.
func TestMonitorSpikesBulk(t *testing.T) {
	one, bulk := NewMonitor("a", "P", 1, true), NewMonitor("b", "P", 1, true)
	one.EnableSpikes(nil)
	bulk.EnableSpikes(nil)
	steps := []int64{1, 2, 2, 4, 2}
	ranks := [][]int32{{0, 5, 7}, {3}, {1, 9}, {6}, {2}}
	for k, s := range steps {
		for _, r := range ranks[k] {
			one.Spike(s, int(r))
		}
		bulk.Spikes(s, ranks[k])
	}
	if got := MonitorHeldBytes([]*Monitor{bulk}); got != 8*4+4*16 {
		t.Errorf("held %d bytes, want %d (8 spikes at steps 1, 2, 4, 2)", got, 8*4+4*16)
	}
	t1, r1 := one.TakeRaster()
	t2, r2 := bulk.TakeRaster()
	wantT := []float64{1, 1, 1, 2, 2, 2, 2, 4} // Dt is 1
	wantR := []int64{0, 5, 7, 1, 2, 3, 9, 6}
	for _, got := range [][]any{{t1, r1}, {t2, r2}} {
		if !reflect.DeepEqual(got[0], wantT) || !reflect.DeepEqual(got[1], wantR) {
			t.Errorf("raster %v %v, want %v %v", got[0], got[1], wantT, wantR)
		}
	}
	// A view's mask applies to Spikes too.
	v := NewMonitor("v", "P[1:3]", 1, true)
	v.EnableSpikes([]int{1, 2})
	v.Spikes(3, []int32{0, 1, 2, 3})
	if _, r := v.Raster(); !reflect.DeepEqual(r, []int64{1, 2}) {
		t.Errorf("view raster ranks %v, want [1 2]", r)
	}
}
