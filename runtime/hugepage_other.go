//go:build !linux

package runtime

// adviseHuge does nothing where huge pages cannot be requested.
func adviseHuge[T any](s []T) {}
