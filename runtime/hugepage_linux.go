//go:build linux

package runtime

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks the kernel to back a large buffer with huge pages, where
// transparent huge pages are enabled on request (madvise): a buffer of
// hundreds of MB filled in one run then costs a few hundred page faults
// instead of one per 4 KiB. It is only advice: failure changes nothing.
func adviseHuge[T any](s []T) {
	var zero T
	n := uintptr(cap(s)) * unsafe.Sizeof(zero)
	if n < 8<<20 {
		return
	}
	const huge = 2 << 20
	base := unsafe.Pointer(unsafe.SliceData(s))
	p := uintptr(base)
	lo := (p + huge - 1) &^ (huge - 1)
	hi := (p + n) &^ (huge - 1)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(base, lo-p)), hi-lo)
	_ = syscall.Madvise(b, 14) // MADV_HUGEPAGE
}

// prefault has the kernel map, in a goroutine, the pages of the spare
// capacity a run is about to fill: s[len(s):len(s)+n] of each buffer, at
// least 8 MiB in all. The kernel zeroes a fresh page when it is first
// written, which on a buffer of hundreds of MB costs more than the copies
// that fill it; done on another core ahead of the writer, it leaves the step
// loop only the copies. MADV_POPULATE_WRITE maps the pages writable without
// touching their contents, so the writer may overtake it; it is advice, and
// stops at the first failure (kernels before 5.14 do not know it).
func prefault(bufs [][]byte) {
	total := 0
	for _, b := range bufs {
		total += len(b)
	}
	if total < 8<<20 {
		return
	}
	go func() {
		// 2 MiB of each buffer in turn, so that all keep ahead of their
		// writers, which fill them at the same pace.
		const chunk = 2 << 20
		for off := 0; ; off += chunk {
			more := false
			for _, b := range bufs {
				lo, hi := pageAligned(b, off, off+chunk)
				if lo >= hi {
					more = more || off < len(b)
					continue
				}
				more = true
				if syscall.Madvise(b[lo:hi], 23) != nil { // MADV_POPULATE_WRITE
					return
				}
			}
			if !more {
				return
			}
		}
	}()
}

// pageAligned narrows b[lo:hi] (clipped to b) to whole 4 KiB pages: the
// offsets in b of the first page boundary at or after lo and the last at or
// before hi.
func pageAligned(b []byte, lo, hi int) (int, int) {
	const page = 4 << 10
	hi = min(hi, len(b))
	if lo >= hi {
		return 0, 0
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	a := (p + uintptr(lo) + page - 1) &^ (page - 1)
	z := (p + uintptr(hi)) &^ (page - 1)
	if z <= a {
		return 0, 0
	}
	return int(a - p), int(z - p)
}

// spareBytes is the memory of s[len(s):len(s)+n], n at most cap(s)-len(s).
func spareBytes[T any](s []T, n int) []byte {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if n <= 0 || size == 0 {
		return nil
	}
	base := unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), len(s)*size)
	return unsafe.Slice((*byte)(base), n*size)
}

// MakeLarge is make([]T, n) for arrays that may be large (synapses, monitor
// buffers): those of 8 MiB or more are backed by huge pages where the
// system allows it (see adviseHuge).
func MakeLarge[T any](n int) []T { return makeHuge[T](n, n) }

func makeHuge[T any](n, c int) []T {
	s := make([]T, n, c)
	adviseHuge(s)
	return s
}
