package runtime

import (
	"flag"
	"fmt"
	goruntime "runtime"
)

// guardFlags are the runner's safety limits.
type guardFlags struct {
	maxMemory  int64 // bytes the monitors may hold, 0: no limit
	checkEvery int64 // steps between two finiteness checks, 0: none
}

// addGuardFlags declares -max-memory and -check-every.
func addGuardFlags(fs *flag.FlagSet, g *guardFlags) {
	g.maxMemory = DefaultMaxMemory()
	g.checkEvery = DefaultCheckEvery
	def := "no limit: the machine's RAM is unknown"
	if g.maxMemory > 0 {
		def = "half the machine's RAM, " + FormatBytes(g.maxMemory)
	}
	fs.Func("max-memory", "refuse runs whose monitors would hold more than `SIZE` in memory, e.g. 4GiB or 500MB; 0 for no limit (default "+def+")", func(s string) error {
		n, err := ParseBytes(s)
		if err != nil {
			return err
		}
		g.maxMemory = n
		return nil
	})
	fs.Int64Var(&g.checkEvery, "check-every", DefaultCheckEvery, "check the state for NaN and infinity every `N` steps and at the end, stopping a run that blew up (0: never)")
}

// guardRun prepares one run: it refuses it when its monitors would need more
// memory than -max-memory, and installs the finiteness check of networks
// that implement FiniteChecker, checking the initial state at once.
func (r *runner) guardRun(inst Instance, mons []*Monitor) error {
	f := r.flags
	core := inst.Base()
	if f.checkEvery() > 0 {
		if fc, ok := inst.(FiniteChecker); ok {
			core.SetCheck(f.guard.checkEvery, fc.CheckFinite)
			if err := core.CheckNow(); err != nil {
				return fmt.Errorf("%w (in the initial state, before simulating)", err)
			}
		} else {
			core.SetCheck(0, nil)
		}
	}
	if f.stream {
		return nil
	}
	return checkMemory(mons, core.Steps(f.duration), r.inFlight(), f.guard.maxMemory, f.duration)
}

func (f *runnerFlags) checkEvery() int64 { return f.guard.checkEvery }

// inFlight is the number of runs held in memory at once.
func (r *runner) inFlight() int {
	f := r.flags
	if len(f.sweeps) == 0 {
		return 1
	}
	w := f.workers
	if w <= 0 {
		w = goruntime.GOMAXPROCS(0)
	}
	return max(1, min(w, len(sweepPoints(f.sweeps, f.grid))))
}

// finalCheck reports the error of the check that ended a run, or checks the
// final state once more.
func finalCheck(core *Core) error {
	if core.check == nil {
		return nil
	}
	if err := core.CheckErr(); err != nil {
		return err
	}
	return core.CheckNow()
}
