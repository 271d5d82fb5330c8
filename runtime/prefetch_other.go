//go:build !amd64

package runtime

import "unsafe"

// prefetchIdx reads one byte of every element idx[0:n] of the array at base
// (elements of 1<<shift bytes): loads that nothing depends on, which bring
// the lines in as a prefetch would. Not inlined, so that they are not
// dropped.
//
//go:noinline
func prefetchIdx(idx *int32, n int, base unsafe.Pointer, shift uint) (s byte) {
	for _, k := range unsafe.Slice(idx, n) {
		s += *(*byte)(unsafe.Add(base, uintptr(k)<<shift))
	}
	return s
}
