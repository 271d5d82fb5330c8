//go:build linux

package runtime

import (
	"testing"
	"unsafe"
)

// pageAligned keeps the whole pages of a range and nothing outside it.
func TestPageAligned(t *testing.T) {
	b := make([]byte, 5<<20)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	for _, c := range []struct{ lo, hi int }{{0, 2 << 20}, {1, 3 << 20}, {4097, 8191}, {100, 90}, {4 << 20, 6 << 20}} {
		lo, hi := pageAligned(b, c.lo, c.hi)
		if lo == hi {
			continue
		}
		if (p+uintptr(lo))%4096 != 0 || (p+uintptr(hi))%4096 != 0 || lo < c.lo || hi > min(c.hi, len(b)) || hi-lo < min(c.hi, len(b))-c.lo-2*4096 {
			t.Errorf("pageAligned(%d, %d) = %d, %d (base %#x)", c.lo, c.hi, lo, hi, p)
		}
	}
	if s := spareBytes(make([]float64, 3, 10), 5); len(s) != 40 {
		t.Errorf("spareBytes: %d bytes, want 40", len(s))
	}
}

// A monitor whose reservation is prefaulted (more than 8 MiB) records the
// same frames as one that is not: the pages are populated while it writes.
func TestMonitorPrefaultedFrames(t *testing.T) {
	const size, steps = 3000, 800 // 19 MB
	m := NewMonitor("m", "P", 1, true)
	m.AddVar("v", []int{size})
	m.Reserve(steps)
	frame := make([]float64, size)
	for s := int64(0); s < steps; s++ {
		for i := range frame {
			frame[i] = float64(s)*1e4 + float64(i)
		}
		if m.Due(s) {
			m.Append(0, frame)
		}
	}
	data, shape := m.Get("v")
	if shape[0] != steps || len(data) != size*steps {
		t.Fatalf("shape %v, %d values", shape, len(data))
	}
	for k, x := range data {
		if want := float64(k/size)*1e4 + float64(k%size); x != want {
			t.Fatalf("value %d = %g, want %g", k, x, want)
		}
	}
}
