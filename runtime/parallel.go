package runtime

import (
	"fmt"
	goruntime "runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// ParallelRun calls fn(i, nets[i]) for every i on a pool of workers
// (workers <= 0: GOMAXPROCS) and returns the results in index order. A panic
// in one call becomes errs[i] (a *PanicError) and leaves the other calls
// running; errs[i] is nil for a call that returned. Results do not depend on
// the number of workers as long as fn(i, ·) depends only on i and its network
// (derive seeds with DeriveSeed, never from scheduling).
//
// When nets[i] is a network (it has a Base() *Core method), workers left
// without a run of their own help the networks still running with their
// steps (see Core.Split), so the last runs of a series do not leave cores
// idle; this changes no result.
func ParallelRun[N any, T any](nets []N, workers int, fn func(i int, net N) T) ([]T, []error) {
	return ParallelRunShared(nets, workers, func(i int, net N, share func(*Core)) T {
		if b, ok := any(net).(interface{ Base() *Core }); ok {
			share(b.Base())
		}
		return fn(i, net)
	})
}

// ParallelRunShared is ParallelRun where fn calls share(core) with the Core
// of the network it runs (for networks it builds itself) to let idle
// workers help with its steps until fn returns.
func ParallelRunShared[N any, T any](nets []N, workers int, fn func(i int, net N, share func(*Core)) T) ([]T, []error) {
	n := len(nets)
	results := make([]T, n)
	errs := make([]error, n)
	if workers <= 0 {
		workers = goruntime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	var next atomic.Int64
	var inflight atomic.Int64
	var c crew
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				inflight.Add(1)
				i := int(next.Add(1) - 1)
				if i < n {
					var shared *Core
					share := func(core *Core) {
						if shared == nil && core != nil && workers > 1 {
							core.openLending()
							c.add(core)
							shared = core
						}
					}
					results[i], errs[i] = protect(i, nets[i], share, fn)
					if shared != nil {
						c.remove(shared)
						shared.withdraw()
					}
					inflight.Add(-1)
					continue
				}
				inflight.Add(-1)
				if !c.help(&inflight) {
					return
				}
			}
		}()
	}
	wg.Wait()
	return results, errs
}

// crew is the list of networks of a ParallelRun that take helpers.
type crew struct {
	mu      sync.Mutex
	running []*Core
}

func (c *crew) add(core *Core) {
	c.mu.Lock()
	c.running = append(c.running, core)
	c.mu.Unlock()
}

func (c *crew) remove(core *Core) {
	c.mu.Lock()
	for i, x := range c.running {
		if x == core {
			c.running = append(c.running[:i], c.running[i+1:]...)
			break
		}
	}
	c.mu.Unlock()
}

// help lends the calling worker to the running network with the fewest
// helpers until that run ends; it reports false when no run is left.
func (c *crew) help(inflight *atomic.Int64) bool {
	for {
		c.mu.Lock()
		var best *Core
		bestN := 0
		for _, core := range c.running {
			if k := core.lentCount(); best == nil || k < bestN {
				best, bestN = core, k
			}
		}
		c.mu.Unlock()
		if best != nil {
			h := newHelper()
			if best.lend(h) {
				h.run()
				return true
			}
		}
		if inflight.Load() == 0 {
			return false
		}
		// A run is starting (building its network) or will not share.
		time.Sleep(50 * time.Microsecond)
	}
}

// protect runs one call, turning a panic into a *PanicError.
func protect[N any, T any](i int, net N, share func(*Core), fn func(int, N, func(*Core)) T) (res T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Index: i, Value: r, Stack: debug.Stack()}
		}
	}()
	return fn(i, net, share), nil
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
