//go:build unix

package runtime

import "syscall"

// processCPU returns the CPU seconds (user + system) used by this process so
// far, or -1 when the system cannot tell.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
