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

// MakeLarge is make([]T, n) for arrays that may be large (synapses, monitor
// buffers): those of 8 MiB or more are backed by huge pages where the
// system allows it (see adviseHuge).
func MakeLarge[T any](n int) []T { return makeHuge[T](n, n) }

func makeHuge[T any](n, c int) []T {
	s := make([]T, n, c)
	adviseHuge(s)
	return s
}
