//go:build !unix

package runtime

// processCPU returns -1: CPU time is measured on Unix systems only.
func processCPU() float64 { return -1 }
