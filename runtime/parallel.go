package runtime

import (
	"fmt"
	goruntime "runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// ParallelRun calls fn(i, nets[i]) for every i on a pool of workers
// (workers <= 0: GOMAXPROCS) and returns the results in index order. A panic
// in one call becomes errs[i] (a *PanicError) and leaves the other calls
// running; errs[i] is nil for a call that returned. Results do not depend on
// the number of workers as long as fn(i, ·) depends only on i and its network
// (derive seeds with DeriveSeed, never from scheduling).
func ParallelRun[N any, T any](nets []N, workers int, fn func(i int, net N) T) ([]T, []error) {
	n := len(nets)
	results := make([]T, n)
	errs := make([]error, n)
	if workers <= 0 {
		workers = goruntime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				results[i], errs[i] = protect(i, nets[i], fn)
			}
		}()
	}
	wg.Wait()
	return results, errs
}

// protect runs one call, turning a panic into a *PanicError.
func protect[N any, T any](i int, net N, fn func(int, N) T) (res T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Index: i, Value: r, Stack: debug.Stack()}
		}
	}()
	return fn(i, net), nil
}

// PanicError is a panic that happened in run Index of ParallelRun.
type PanicError struct {
	Index int
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("run %d: panic: %v", e.Index, e.Value) }

// Unwrap gives the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// DeriveSeed returns the seed of run i of a series started from base: a
// well-mixed, non-negative function of (base, i), so that every run has its
// own random streams and a run can be repeated alone with its seed.
func DeriveSeed(base int64, i int) int64 {
	x := uint64(base)*0x9e3779b97f4a7c15 ^ (uint64(i)+1)*0xd1b54a32d192ed03
	// splitmix64 finaliser, twice, for avalanche of both inputs
	for range 2 {
		x ^= x >> 30
		x *= 0xbf58476d1ce4e5b9
		x ^= x >> 27
		x *= 0x94d049bb133111eb
		x ^= x >> 31
	}
	return int64(x >> 1)
}
