//go:build !amd64

package runtime

// spinPause is one turn of a spinning wait (team.go); the PAUSE of amd64
// has no counterpart used here.
func spinPause() {}
