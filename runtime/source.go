package runtime

import "embed"

// Source holds the Go files of this package so that annc can copy the runtime
// verbatim into each build directory. The copy leaves out this file and the
// tests, which only make sense inside the annc module.
//
//go:embed *.go
var Source embed.FS
