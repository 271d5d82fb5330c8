package runtime

import "github.com/annc/annc/runtime/fmath"

// Modulo is the language's modulo as generated networks compute it:
// fmath.Modulo, with which the analysis folds constant arguments.
func Modulo(a, b float64) float64 { return fmath.Modulo(a, b) }

// Modulo32 is the language's modulo in float32 models.
func Modulo32(a, b float32) float32 { return fmath.Modulo32(a, b) }
