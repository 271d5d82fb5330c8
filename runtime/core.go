package runtime

import (
	"fmt"
	"math"
	"sync/atomic"
	"time"
)

// Core is the clock and control state every generated network embeds (by
// value). It owns the step counter, the periodic callbacks declared with
// Every, the progress report and the interruption flag; the generated code
// supplies the body of one step as a closure.
//
// The zero value plus a positive Dt is ready to use: callbacks are enabled,
// no progress is reported and nothing can interrupt a run.
// Core's fields tagged state:"-" are settings of a run (callbacks, progress,
// checks, threads), not state saved by SaveState.
type Core struct {
	Dt       float64 // ms per step
	Step     int64   // index of the next step to compute (t = Step*Dt)
	Seed     int64   // seed the network's random streams were derived from
	Learning bool    // synapse equations run when true

	callbacks    []*Callback  `state:"-"`
	callbacksOff bool         `state:"-"`
	sched        []cbSchedule `state:"-"` // per-Simulate schedule, reused

	progress      func(done, total int64, simMs float64) `state:"-"`
	progEvery     int64                                  `state:"-"` // steps between two clock reads
	progCount     int64                                  `state:"-"` // steps left before the next clock read
	progLastCheck time.Time                              `state:"-"`
	progLastCall  time.Time                              `state:"-"`

	stop               *atomic.Bool `state:"-"`
	interrupted        bool         `state:"-"`
	stoppedByCondition bool         `state:"-"`

	// finiteness check (see SetCheck in finite.go)
	check      func() error `state:"-"`
	checkEvery int64        `state:"-"`
	checkCount int64        `state:"-"`
	checkErr   error        `state:"-"`
	failErr    error        `state:"-"` // Failf's, until the step loop ends the run with it
	lastFinite int64        `state:"-"`

	done int64 `state:"-"` // steps computed, for StepsDone

	threads int        `state:"-"` // goroutines per run (SetThreads)
	team    *team      `state:"-"` // helpers of the steps, nil until needed
	splits  uint64     `state:"-"` // splits made with SetMinChunkWork(0)
	scan    finiteScan `state:"-"`

	monitors []*Monitor `state:"-"` // sized before each run (Monitor.Reserve)
	// syncOut and syncIn (SetSync) bring state that the steps keep in a
	// compact form in line with the network's fields.
	syncOut, syncIn func()
}

// SetSync gives what writes state the steps keep in a compact form into
// the network's fields (out: before callbacks and at the end of a run, when
// code outside the steps may read them) and adopts what such code wrote
// there (in: at the start of a run and after callbacks). The generated New
// sets them for variables stored per presynaptic neuron.
func (c *Core) SetSync(out, in func()) { c.syncOut, c.syncIn = out, in }

// SetMonitors gives the monitors whose buffers each run sizes in advance
// for the frames it will record (the generated New does it).
func (c *Core) SetMonitors(mons []*Monitor) { c.monitors = mons }

// Callback is a function declared with Core.Every. Its fields are the values
// given at declaration, in ms.
type Callback struct {
	Period, Offset, Wait float64
	Fn                   func(n int)
}

// cbSchedule is where one callback stands during the current Simulate.
type cbSchedule struct {
	cb     *Callback
	next   int64 // absolute step of the next call
	period int64 // in steps, >= 1
	n      int   // argument of the next call
}

const noStep = math.MaxInt64

// StepsOf converts a duration in ms to a number of steps of dt ms, rounding to
// the nearest step (0.3 ms at dt = 0.1 ms is 3 steps). Every ms→steps
// conversion of the control code goes through it.
func StepsOf(ms, dt float64) int64 {
	if dt <= 0 || math.IsNaN(ms) {
		return 0
	}
	// Beyond MaxSteps the conversion to int64 could overflow into a
	// negative count; saturating keeps such a duration too long, as asked
	// (the runner refuses it: CheckDuration).
	s := math.Round(ms / dt)
	switch {
	case s > MaxSteps:
		return MaxSteps + 1
	case s < -MaxSteps:
		return -MaxSteps - 1
	}
	return int64(s)
}

// MaxSteps is the most steps one duration may take: steps are counted in an
// int64 and times computed as steps × dt, exact in float64 up to 2^53.
// annc check refuses longer durations of the model (limits.Steps).
const MaxSteps = 1 << 53

// CheckDuration reports a duration in ms that is not a finite, non-negative
// number of at most MaxSteps steps of dt.
func CheckDuration(ms, dt float64) error {
	switch {
	case math.IsNaN(ms) || math.IsInf(ms, 0):
		return fmt.Errorf("%g: must be a finite number of ms", ms)
	case ms < 0:
		return fmt.Errorf("%g: must not be negative", ms)
	case StepsOf(ms, dt) > MaxSteps:
		return fmt.Errorf("%g: more than 2^53 steps of dt %g ms", ms, dt)
	}
	return nil
}

// Steps converts a duration in ms to steps of this network's dt (rounded to
// the nearest step).
func (c *Core) Steps(ms float64) int64 { return StepsOf(ms, c.Dt) }

// Time is the current time in ms (Step × Dt).
func (c *Core) Time() float64 { return float64(c.Step) * c.Dt }

// SetTime sets the clock to ms, rounded to the nearest step.
func (c *Core) SetTime(ms float64) { c.Step = c.Steps(ms) }

// CurrentStep is the index of the next step to compute.
func (c *Core) CurrentStep() int64 { return c.Step }

// SetCurrentStep sets the step counter.
func (c *Core) SetCurrentStep(step int64) { c.Step = step }

// Every declares fn to be called periodically during Simulate, with the
// timing of ANNarchy's `every` decorator:
//
//   - fn(n) runs before the step that starts at t0 + wait + offset + k·period
//     (k = 0, 1, ...), t0 being the time at which Simulate was called, for
//     every such step inside that Simulate call; n counts the calls from 0
//     within each Simulate call.
//   - period is at least one step; offset is at most period, is taken modulo
//     the period, and a negative offset counts from the end of the period
//     (period 100, offset -10 means 90, 190, ...); a negative wait is 0.
//   - Each value is converted to steps by rounding to the nearest step.
//   - Callbacks due at the same step run in declaration order.
//   - Only Simulate (and SimulateThrough) run callbacks; Run (single steps)
//     and SimulateUntil never do.
//   - As in ANNarchy, Simulate(T) computes the steps that start at t0, ...,
//     t0 + T - dt, so a callback due at t0 + T, the end time, is not called:
//     with period 50, Simulate(200) calls it at 0, 50, 100 and 150. The
//     next Simulate starts the schedule anew and calls it first, at its own
//     t0. SimulateThrough(T) also calls the callbacks due at the end time,
//     which is what the last Simulate of an experiment usually wants (the
//     measurement of the last window), without Simulate(T + dt) tricks.
//
// Callbacks declared while a Simulate call is running take effect at the next
// call.
func (c *Core) Every(period, offset, wait float64, fn func(n int)) *Callback {
	cb := &Callback{Period: period, Offset: offset, Wait: wait, Fn: fn}
	c.callbacks = append(c.callbacks, cb)
	return cb
}

// Callbacks lists the declared callbacks in declaration order.
func (c *Core) Callbacks() []*Callback { return c.callbacks }

// EnableCallbacks lets Simulate run the declared callbacks (the default).
func (c *Core) EnableCallbacks() { c.callbacksOff = false }

// DisableCallbacks stops Simulate from running callbacks until EnableCallbacks.
func (c *Core) DisableCallbacks() { c.callbacksOff = true }

// CallbacksEnabled reports whether Simulate runs callbacks.
func (c *Core) CallbacksEnabled() bool { return !c.callbacksOff }

// ClearCallbacks forgets every declared callback.
func (c *Core) ClearCallbacks() { c.callbacks = nil }

// SetProgress installs fn (nil removes it), called during Simulate, Run and
// SimulateUntil with the steps done and to do in this call and the network
// time in ms. It is called at most about ten times per wall second, and once
// more when the call ends; the clock is read only every few steps, the
// interval adapting so that reads happen a few dozen times per second.
func (c *Core) SetProgress(fn func(done, total int64, simMs float64)) { c.progress = fn }

// SetStopFlag makes every run (Simulate, Run, SimulateUntil) return after the
// step during which flag becomes true; Interrupted then reports it. One flag
// may be shared by many networks. nil removes the flag.
func (c *Core) SetStopFlag(flag *atomic.Bool) { c.stop = flag }

// Interrupted reports whether the last run ended early because the stop flag
// was set.
func (c *Core) Interrupted() bool { return c.interrupted }

// StoppedByCondition reports whether the last SimulateUntil ended because
// its stop condition held.
func (c *Core) StoppedByCondition() bool { return c.stoppedByCondition }

// scheduleCallbacks fills c.sched for a Simulate call starting at step start
// and returns the first step at which a callback is due (noStep if none).
func (c *Core) scheduleCallbacks(start int64) int64 {
	c.sched = c.sched[:0]
	if c.callbacksOff {
		return noStep
	}
	first := int64(noStep)
	for _, cb := range c.callbacks {
		period := math.Max(cb.Period, c.Dt)
		p := c.Steps(period)
		if p < 1 {
			p = 1
		}
		off := c.Steps(math.Min(cb.Offset, period)) % p
		if off < 0 {
			off += p
		}
		w := c.Steps(math.Max(cb.Wait, 0))
		if w < 0 {
			w = 0
		}
		s := cbSchedule{cb: cb, next: start + w + off, period: p}
		c.sched = append(c.sched, s)
		first = min(first, s.next)
	}
	return first
}

// runDue calls, in declaration order, the callbacks due at the current step
// and returns the next step at which one is due.
func (c *Core) runDue() int64 {
	next := int64(noStep)
	for i := range c.sched {
		s := &c.sched[i]
		if s.next == c.Step {
			if s.cb.Fn != nil {
				s.cb.Fn(s.n)
			}
			s.n++
			s.next += s.period
		}
		next = min(next, s.next)
	}
	return next
}

// Simulate runs ms of simulation (rounded to the nearest number of steps).
// Before each step it runs the callbacks due at that step (see Every), then
// step(), then advances the clock.
func (c *Core) Simulate(ms float64, step func()) {
	total := c.Steps(ms)
	if total <= 0 {
		return
	}
	c.advance(total, step, c.scheduleCallbacks(c.Step), nil)
}

// SimulateThrough is Simulate followed by the callbacks due at its end time
// (see Every), when the run was not interrupted. A Simulate called after it
// starts its schedule anew and calls them again at that time, so use it for
// the last call of a series.
func (c *Core) SimulateThrough(ms float64, step func()) {
	total := c.Steps(ms)
	if total < 0 {
		return
	}
	due := c.scheduleCallbacks(c.Step)
	if total > 0 {
		c.advance(total, step, due, nil)
		if c.Halted() {
			return
		}
		// advance ran the callbacks of the steps it computed; find those due
		// now from where their schedules stand.
		due = noStep
		for _, s := range c.sched {
			due = min(due, s.next)
		}
	}
	if due == c.Step {
		c.runDue()
	}
}

// Run computes steps steps without callbacks (what a single Step uses).
func (c *Core) Run(steps int64, step func()) {
	if steps <= 0 {
		return
	}
	c.advance(steps, step, noStep, nil)
}

// SimulateUntil computes at most maxMs of simulation (rounded to steps),
// checking stop() after each step and ending after the step during which it
// became true. It runs no callbacks and returns the simulated time in ms
// (steps done × Dt).
func (c *Core) SimulateUntil(maxMs float64, step func(), stop func() bool) float64 {
	total := c.Steps(maxMs)
	if total <= 0 {
		return 0
	}
	return float64(c.advance(total, step, noStep, stop)) * c.Dt
}

// advance is the step loop of every run: at most total steps, running the
// callbacks scheduled from due (noStep: none) before their steps; after each
// step it checks until (when not nil), the stop flag and the finiteness check,
// and reports progress. It returns the number of steps done.
func (c *Core) advance(total int64, step func(), due int64, until func() bool) int64 {
	start := c.Step
	end := start + total
	// Counted on the way out, so that steps done before a panic of the
	// model's code are counted too.
	defer func() { c.done += c.Step - start }()
	c.interrupted, c.stoppedByCondition = false, false
	if until == nil {
		// A run stopped by a condition may end long before total: its
		// monitors grow as they go instead.
		for _, m := range c.monitors {
			m.Reserve(total)
		}
	}
	if c.syncIn != nil {
		c.syncIn()
		defer c.syncOut()
	}
	c.progressBegin()
	if c.threads > 1 {
		c.startThreads()
		defer c.stopThreads()
	}
	for c.Step < end {
		if c.Step == due {
			if c.syncOut != nil {
				c.syncOut()
			}
			due = c.runDue()
			if c.syncIn != nil {
				c.syncIn()
			}
			// A callback may have moved the clock; never wait for a step
			// already passed.
			if due < c.Step {
				due = c.Step
			}
		}
		step()
		c.Step++
		if c.failErr != nil {
			c.checkErr, c.failErr = c.failErr, nil
			break
		}
		if until != nil && until() {
			c.stoppedByCondition = true
			break
		}
		if c.stop != nil && c.stop.Load() {
			c.interrupted = true
			break
		}
		if c.check != nil && c.tickCheck() {
			break
		}
		if c.progress != nil {
			c.progCount--
			if c.progCount <= 0 {
				c.progressTick(c.Step-start, total, false)
			}
		}
	}
	done := c.Step - start
	c.progressEnd(done, total)
	return done
}

// StepsDone is the number of steps computed since the network was built,
// whatever the clock says (Reset and SetTime move the clock, not this).
func (c *Core) StepsDone() int64 { return c.done }

// Halted reports whether the last run was interrupted, a state check failed
// or the stop flag is set: a sequence of runs (a schedule) should end.
func (c *Core) Halted() bool {
	return c.interrupted || c.checkErr != nil || (c.stop != nil && c.stop.Load())
}

// progressBegin resets the progress clock at the start of a run.
func (c *Core) progressBegin() {
	if c.progress == nil {
		return
	}
	now := time.Now()
	c.progLastCheck = now
	c.progLastCall = now
	if c.progEvery <= 0 {
		c.progEvery = 16
	}
	c.progCount = c.progEvery
}

// Limits of the progress report: the callback runs at most every
// progressCall; the clock is read about every progressCheck.
const (
	progressCall     = 100 * time.Millisecond
	progressCheck    = 20 * time.Millisecond
	progressMaxEvery = 1 << 24
)

// progressTick reads the clock, adapts the number of steps between two reads
// and calls the progress function if enough wall time has passed.
func (c *Core) progressTick(done, total int64, force bool) {
	now := time.Now()
	since := now.Sub(c.progLastCheck)
	c.progLastCheck = now
	switch {
	case since < progressCheck/2 && c.progEvery < progressMaxEvery:
		c.progEvery *= 2
	case since > progressCheck*2 && c.progEvery > 1:
		c.progEvery /= 2
	}
	c.progCount = c.progEvery
	if force || now.Sub(c.progLastCall) >= progressCall {
		c.progLastCall = now
		c.progress(done, total, c.Time())
	}
}

// progressEnd reports the final state of a run.
func (c *Core) progressEnd(done, total int64) {
	if c.progress == nil {
		return
	}
	c.progressTick(done, total, true)
}
