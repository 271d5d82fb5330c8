package runtime

import "github.com/annc/annc/runtime/fmath"

// Exp is the language's exp as generated networks compute it: fmath.Exp,
// whose operations the AVX2 kernels (expPD, simd_amd64.s) repeat four lanes
// at a time, and with which the analysis folds constant arguments, so that
// exp(x) has the same bits whether x is constant or not and whether a loop
// runs in Go or in a vector kernel.
func Exp(x float64) float64 { return fmath.Exp(x) }

// Exp32 is the language's exp in float32 models: fmath.Exp32, whose
// operations the eight-lane AVX2 kernels (expPS, simd_amd64.s) repeat.
func Exp32(x float32) float32 { return fmath.Exp32(x) }
