//go:build !linux

package runtime

// adviseHuge does nothing where huge pages cannot be requested.
func adviseHuge[T any](s []T) {}

// MakeLarge is make([]T, n) (huge pages are requested on Linux only).
func MakeLarge[T any](n int) []T { return make([]T, n) }

func makeHuge[T any](n, c int) []T { return make([]T, n, c) }

// prefault does nothing where pages cannot be populated in advance.
func prefault(bufs [][]byte) {}

func spareBytes[T any](s []T, n int) []byte { return nil }
