package runtime

import "unsafe"

// HasAVX2 reports whether AVX2 can be used: the processor has it and FMA
// (CPUID) and the operating system saves the YMM registers (XCR0).
// Generated networks install their AVX2 kernels only then.
func HasAVX2() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	if c1&(1<<27) == 0 || c1&(1<<28) == 0 { // OSXSAVE, AVX
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state
		return false
	}
	if c1&(1<<12) == 0 { // FMA, which the kernels calling expPD use
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0 // AVX2
}

// HasAVX512 reports whether the generated AVX-512 kernels can be used: the
// processor has AVX-512F and AVX-512DQ (CPUID) besides AVX2 and FMA, and the
// operating system saves the opmask and ZMM registers (XCR0 bits 5 to 7).
func HasAVX512() bool {
	if !HasAVX2() {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&0xe0 != 0xe0 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<16) != 0 && b7&(1<<17) != 0 // AVX512F, AVX512DQ
}

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

// AddToAVX2 adds n values of src to dst (AVX2): dst[x] = dst[x] + src[x].
//
//go:noescape
func AddToAVX2(dst, src *float64, n int)

// MulAddAVX2 does dst[x] = dst[x] + src[x]*e for x < n (AVX2; a product
// then a sum, each rounded, as the scalar loop).
//
//go:noescape
func MulAddAVX2(dst, src *float64, e float64, n int)

// ScatterAdd does dst[idx[x]] = dst[idx[x]] + src[x] for x < n, in order,
// so repeated indices add up exactly as the scalar loop does (SSE2).
//
//go:noescape
func ScatterAdd(dst *float64, idx *int32, src *float64, n int)

// ScatterAddConst does dst[idx[x]] = dst[idx[x]] + w for x < n, in order
// (SSE2).
//
//go:noescape
func ScatterAddConst(dst *float64, idx *int32, w float64, n int)

// ScatterAddRows does ScatterAdd over the parts [parts[2q], parts[2q+1])
// of idx and src, q < n, one after the other (see RowCuts.Rows); it
// prefetches the parts a few rows ahead. The parts must lie within idx and
// src, and idx's values within dst.
//
//go:noescape
func ScatterAddRows(dst *float64, idx *int32, src *float64, parts *int32, n int)

// ScatterAddConstRows is ScatterAddRows with every weight w.
//
//go:noescape
func ScatterAddConstRows(dst *float64, idx *int32, w float64, parts *int32, n int)

// expPD computes Exp of each lane of Y0 into Y0, preserving every other
// register (simd_amd64.s). Generated vector kernels CALL it; it is not
// callable from Go.
func expPD()

// expPD4 runs expPD on four values (for the tests).
//
//go:noescape
func expPD4(dst, src *[4]float64)

// AddToAVX512, MulAddAVX512, AddTo32AVX512 and MulAdd32AVX512 are the
// AVX-512 twins of AddToAVX2, MulAddAVX2, AddTo32AVX2 and MulAdd32AVX2:
// eight (float32: sixteen) values per instruction, the last ones under a
// mask, each result rounded as the scalar loop rounds it.
//
//go:noescape
func AddToAVX512(dst, src *float64, n int)

//go:noescape
func MulAddAVX512(dst, src *float64, e float64, n int)

//go:noescape
func AddTo32AVX512(dst, src *float32, n int)

//go:noescape
func MulAdd32AVX512(dst, src *float32, e float32, n int)

// expPDZ is expPD on the eight lanes of Z0 (AVX-512): generated AVX-512
// kernels CALL it; it is not callable from Go.
func expPDZ()

// expPD8 runs expPDZ on eight values (for the tests).
//
//go:noescape
func expPD8(dst, src *[8]float64)

// expPS computes Exp32 of each of the eight single-precision lanes of Y0
// into Y0, preserving every other register (simd_amd64.s). Generated float32
// vector kernels CALL it; it is not callable from Go.
func expPS()

// expPS8 runs expPS on eight values (for the tests).
//
//go:noescape
func expPS8(dst, src *[8]float32)

// expPSZ is expPS on the sixteen lanes of Z0 (AVX-512): generated AVX-512
// float32 kernels CALL it; it is not callable from Go.
func expPSZ()

// expPS16 runs expPSZ on sixteen values (for the tests).
//
//go:noescape
func expPS16(dst, src *[16]float32)

// AddTo32AVX2 is AddToAVX2 for float32 values (eight lanes).
//
//go:noescape
func AddTo32AVX2(dst, src *float32, n int)

// MulAdd32AVX2 is MulAddAVX2 for float32 values (eight lanes; a product
// then a sum, each rounded to float32, as the scalar loop).
//
//go:noescape
func MulAdd32AVX2(dst, src *float32, e float32, n int)

// ScatterAdd32, ScatterAddConst32, ScatterAddRows32 and
// ScatterAddConstRows32 are the float32 twins of ScatterAdd,
// ScatterAddConst, ScatterAddRows and ScatterAddConstRows (SSE), adding in
// the same order with float32 rounding.
//
//go:noescape
func ScatterAdd32(dst *float32, idx *int32, src *float32, n int)

//go:noescape
func ScatterAddConst32(dst *float32, idx *int32, w float32, n int)

//go:noescape
func ScatterAddRows32(dst *float32, idx *int32, src *float32, parts *int32, n int)

//go:noescape
func ScatterAddConstRows32(dst *float32, idx *int32, w float32, parts *int32, n int)

// prefetchIdx issues a prefetch of every element idx[0:n] of the array at
// base (elements of 1<<shift bytes).
//
//go:noescape
func prefetchIdx(idx *int32, n int, base unsafe.Pointer, shift uint)
