package runtime

import (
	"flag"
	"fmt"
	"os"
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
	fs.Func("max-memory", "refuse runs whose monitors and synapses would hold more than `SIZE` in memory, e.g. 4GiB or 500MB; 0 for no limit (default "+def+")", func(s string) error {
		n, err := ParseBytes(s)
		if err != nil {
			return err
		}
		g.maxMemory = n
		return nil
	})
	fs.Int64Var(&g.checkEvery, "check-every", DefaultCheckEvery, "check the state for NaN and infinity every `N` steps and at the end, stopping a run that blew up (0: never); the memory the monitors hold is checked as often")
}

// guardRun prepares one run: it refuses it when its monitors would need more
// memory than -max-memory, and installs the periodic checks: the finiteness
// check of networks that implement FiniteChecker (checking the initial state
// at once) and a check of the memory the monitors hold, which catches what
// the estimate cannot know in advance (spikes).
func (r *runner) guardRun(inst Instance, mons []*Monitor) error {
	f := r.flags
	core := inst.Base()
	limit := f.guard.maxMemory
	parallel := r.inFlight()
	if !f.stream {
		if err := checkMemory(mons, ProjectionMemory(inst), core.Steps(f.duration), parallel, limit, f.duration); err != nil {
			return err
		}
	}
	// The initial check reads all the state (first), the periodic ones
	// what a step can change (then).
	var first, then []func() error
	if fc, ok := inst.(FiniteChecker); ok && f.guard.checkEvery > 0 {
		first = append(first, fc.CheckFinite)
		if vc, ok := inst.(FiniteVarsChecker); ok {
			then = append(then, vc.CheckFiniteVars)
		} else {
			then = append(then, fc.CheckFinite)
		}
	}
	if limit > 0 {
		perRun := max(limit/int64(parallel), 1)
		held := func() error { return checkHeld(mons, core, perRun, limit, parallel) }
		first, then = append(first, held), append(then, held)
	}
	every := f.guard.checkEvery
	if every <= 0 {
		every = DefaultCheckEvery
	}
	if len(first) == 0 {
		core.SetCheck(0, nil)
		return nil
	}
	core.SetCheck(every, allOf(first))
	if err := core.CheckNow(); err != nil {
		return fmt.Errorf("%w (in the initial state, before simulating)", err)
	}
	core.check = allOf(then)
	return nil
}

// allOf is a check running checks in order, failing with the first error.
func allOf(checks []func() error) func() error {
	if len(checks) == 1 {
		return checks[0]
	}
	return func() error {
		for _, c := range checks {
			if err := c(); err != nil {
				return err
			}
		}
		return nil
	}
}

// MonitorHeldBytes is what the monitors hold now, counted as MonitorBytes
// estimates it: 8 bytes per recorded value and frame step; and the spikes,
// 4 bytes each and 16 per step that had some (the buffers' spare capacity
// is not counted).
func MonitorHeldBytes(mons []*Monitor) int64 {
	var n, n4 int
	for _, m := range mons {
		if m == nil {
			continue
		}
		for i := range m.Vars {
			n += len(m.Vars[i].Data)
		}
		n += len(m.frameSteps) + 2*len(m.spikeRuns)
		n4 += m.heldSpikes()
	}
	return 8*int64(n) + 4*int64(n4)
}

// checkHeld stops a run whose monitors hold more than perRun bytes.
func checkHeld(mons []*Monitor, core *Core, perRun, limit int64, parallel int) error {
	held := MonitorHeldBytes(mons)
	if held <= perRun {
		return nil
	}
	share := ""
	if parallel > 1 {
		share = fmt.Sprintf(" (%s per run for %d runs in parallel)", FormatBytes(perRun), parallel)
	}
	return fmt.Errorf("the monitors hold %s at t = %g ms, more than -max-memory %s%s; the run stopped there and what was recorded is written: "+
		"record spikes of fewer neurons, record every few steps with a monitor's period, run with -stream to write the records to disk while simulating, "+
		"or raise -max-memory (0 for no limit)", FormatBytes(held), core.Time(), FormatBytes(limit), share)
}

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
	if err := core.CheckErr(); err != nil {
		return err // also Failf's, without a check
	}
	return core.CheckNow()
}

// prepareOut creates the results directory dir and makes sure files can be
// written in it, so that a run does not simulate for hours and then fail to
// save.
func prepareOut(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the results directory %s: %v", dir, err)
	}
	f, err := os.CreateTemp(dir, ".annc-write-test-*")
	if err != nil {
		return fmt.Errorf("cannot write into the results directory %s: %v", dir, err)
	}
	name := f.Name()
	_, err = f.Write([]byte{0})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	os.Remove(name)
	if err != nil {
		return fmt.Errorf("cannot write into the results directory %s: %v", dir, err)
	}
	return nil
}
