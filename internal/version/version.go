// Package version reports annc's version, from the build information when
// annc was installed as a module, else the development default.
package version

import "runtime/debug"

// Default is the version of this source tree.
const Default = "0.1.0-dev"

// String returns the version of the running annc.
func String() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		v := bi.Main.Version
		if v != "" && v != "(devel)" {
			return v
		}
	}
	return Default
}
