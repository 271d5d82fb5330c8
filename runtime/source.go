// Package runtime is what annc-generated networks link to: keyed random
// streams and distributions, parameter values, .npy files, connectivity
// builders and delay queues, the simulation clock with callbacks, monitors,
// parallel runs and the command-line runner.
//
// It uses the standard library only, because annc copies these sources
// verbatim into every build directory (see Source), where they must build
// without network access.
package runtime

import "embed"

// Source holds the Go and assembly files of this package so that annc can copy the runtime
// verbatim into each build directory. The copy leaves out this file and the
// tests, which only make sense inside the annc module.
//
//go:embed *.go *.s
var Source embed.FS
