package runtime

import (
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// FiniteChecker is implemented by generated networks whose state can blow up
// numerically. CheckFinite scans the state variables of every population and
// projection and returns a *NonFiniteError for the first NaN or ±Inf it
// finds, nil when all are finite. It must not allocate when all are finite.
//
// The runner discovers it through this interface and installs it with
// Core.SetCheck, so that a run stops soon after a blow-up instead of writing
// results full of NaN.
type FiniteChecker interface {
	CheckFinite() error
}

// FiniteVarsChecker is implemented by generated networks next to
// FiniteChecker: CheckFiniteVars checks only the variables, what a step can
// change (parameters, and weights no equation writes, change only when
// set). The runner checks everything before a run and then only the
// variables, so that a periodic check costs a small part of a step even in
// networks with many static synapses.
type FiniteVarsChecker interface {
	CheckFiniteVars() error
}

// NonFiniteError says where a NaN or infinity was found. Object is the
// population or projection, Variable the state variable, Index the neuron's
// rank (Synapse false) or the synapse's index in the projection (Synapse
// true; with Post, the rank of the postsynaptic neuron of a ": postsynaptic"
// variable), -1 for a population- or projection-wide variable. Core fills in the steps: Step is the step counter when the check
// ran (the value was computed by one of the steps since LastFinite, the step
// counter of the previous check that passed, -1 if none did), Dt converts
// them to ms.
type NonFiniteError struct {
	Object, Variable string
	Synapse          bool
	Post             bool
	Index            int
	Value            float64
	Step, LastFinite int64
	Dt               float64
	CheckedAt        bool // Step and Dt are known
}

func (e *NonFiniteError) Error() string {
	what := "neuron"
	kind := "population"
	if e.Synapse {
		what, kind = "synapse", "projection"
		if e.Post {
			what = "postsynaptic neuron"
		}
	}
	val := "NaN"
	switch {
	case math.IsInf(e.Value, 1):
		val = "+Inf"
	case math.IsInf(e.Value, -1):
		val = "-Inf"
	}
	msg := fmt.Sprintf("numerical blow-up: %s %s, variable %s of %s %d is %s", kind, e.Object, e.Variable, what, e.Index, val)
	if e.Index < 0 {
		msg = fmt.Sprintf("numerical blow-up: %s %s, %s-wide variable %s is %s", kind, e.Object, kind, e.Variable, val)
	}
	if e.CheckedAt {
		msg += fmt.Sprintf(" at t = %g ms (step %d", float64(e.Step)*e.Dt, e.Step)
		if e.LastFinite >= 0 {
			msg += fmt.Sprintf("; all state was finite at t = %g ms", float64(e.LastFinite)*e.Dt)
		}
		msg += ")"
	}
	return msg + "; try a smaller dt or a more stable numerical method (implicit, exponential, rk4)"
}

// Float is the element type of a state variable.
type Float interface{ ~float32 | ~float64 }

// FirstNonFinite returns the index of the first NaN or ±Inf in xs, or -1.
func FirstNonFinite[F Float](xs []F) int {
	for i, x := range xs {
		// x - x is 0 for finite x and NaN for NaN and ±Inf; the comparison
		// is a single branch the loop can predict.
		if d := x - x; d != d {
			return i
		}
	}
	return -1
}

// CheckNeurons returns a *NonFiniteError for the first non-finite value of
// the per-neuron (or, with one element, population-wide) variable xs of
// population pop, or nil. The scan is split over the goroutines of c's run
// (c may be nil: one goroutine).
func CheckNeurons[F Float](c *Core, pop, variable string, xs []F) error {
	if i := firstNonFiniteOn(c, xs); i >= 0 {
		return &NonFiniteError{Object: pop, Variable: variable, Index: i, Value: float64(xs[i])}
	}
	return nil
}

// CheckSynapses is CheckNeurons for the per-synapse variable xs of
// projection proj (index in the projection's synapse order).
func CheckSynapses[F Float](c *Core, proj, variable string, xs []F) error {
	if i := firstNonFiniteOn(c, xs); i >= 0 {
		return &NonFiniteError{Object: proj, Variable: variable, Synapse: true, Index: i, Value: float64(xs[i])}
	}
	return nil
}

// CheckSynapsesAt is CheckSynapses for a variable held in storage order
// (RowStorage): position p holds synapse order[p] (C.PreIdx). The error
// names the first synapse in synapse order whose value is not finite, as
// CheckSynapses does in that order. With at empty, xs is in synapse order.
//
// The scan stays on the calling goroutine: split by position, it would
// hand each goroutine whole rows, which the step's goroutines share out by
// postsynaptic range, and every line one of them reads would then cost the
// one writing it a transfer (1 M STDP synapses checked every 100 steps on
// two goroutines: 0.30 s instead of 0.17 s over 1000 steps).
func CheckSynapsesAt[F Float](c *Core, proj, variable string, xs []F, at, order []int32) error {
	if len(at) == 0 {
		return CheckSynapses(c, proj, variable, xs)
	}
	err := CheckSynapses(nil, proj, variable, xs)
	e, ok := err.(*NonFiniteError)
	if !ok {
		return err
	}
	first := e.Index // the first position: the first synapse may lie further
	e.Index = int(order[first])
	for p := first + 1; p < len(xs); p++ {
		if s := int(order[p]); s < e.Index && xs[p]-xs[p] != xs[p]-xs[p] {
			e.Index, e.Value = s, float64(xs[p])
		}
	}
	return err
}

// CheckPostNeurons is CheckNeurons for the variable xs of projection proj
// that has one value per postsynaptic neuron (": postsynaptic").
func CheckPostNeurons[F Float](c *Core, proj, variable string, xs []F) error {
	if i := firstNonFiniteOn(c, xs); i >= 0 {
		return &NonFiniteError{Object: proj, Variable: variable, Synapse: true, Post: true, Index: i, Value: float64(xs[i])}
	}
	return nil
}

// finiteScan is a Core's scratch for a scan split over its goroutines.
// The periodic check runs between steps, when the state a chunk of the
// step wrote is still in the cache of the core that computed it: one
// goroutine reading it all would fetch the others' parts (in a 200,000
// neuron network on two cores, the check then cost more than the rest of
// the step's serial part). It holds the slice untyped, so that a check
// allocates nothing.
type finiteScan struct {
	data unsafe.Pointer
	n    int
	wide bool // float64 elements (else float32)
	at   [MaxChunks]int
	fn   func(chunk, lo, hi int)
}

func (s *finiteScan) chunk(chunk, lo, hi int) {
	var i int
	if s.wide {
		i = FirstNonFinite(unsafe.Slice((*float64)(s.data), s.n)[lo:hi])
	} else {
		i = FirstNonFinite(unsafe.Slice((*float32)(s.data), s.n)[lo:hi])
	}
	if i >= 0 {
		i += lo
	}
	s.at[chunk] = i
}

// minScanSplit is the length below which a scan stays on one goroutine.
const minScanSplit = 1 << 14

// firstNonFiniteOn is FirstNonFinite split over the goroutines of c's run.
func firstNonFiniteOn[F Float](c *Core, xs []F) int {
	if c == nil || c.team == nil || len(c.team.active) == 0 || len(xs) < minScanSplit {
		return FirstNonFinite(xs)
	}
	s := &c.scan
	if s.fn == nil {
		s.fn = s.chunk
	}
	var zero F
	s.data, s.n, s.wide = unsafe.Pointer(unsafe.SliceData(xs)), len(xs), unsafe.Sizeof(zero) == 8
	k := c.Split(len(xs), 1, s.fn)
	s.data = nil
	for _, i := range s.at[:k] {
		if i >= 0 {
			return i
		}
	}
	return -1
}

// CheckScalar returns a *NonFiniteError (Index -1) if the population-wide
// (or, with synapse true, projection-wide) variable x of object is NaN or
// ±Inf, or nil.
func CheckScalar[F Float](object, variable string, synapse bool, x F) error {
	if d := x - x; d != d {
		return &NonFiniteError{Object: object, Variable: variable, Synapse: synapse, Index: -1, Value: float64(x)}
	}
	return nil
}

// DefaultCheckEvery is the number of steps between two finiteness checks in
// the runner: a check reads each state variable once, as a step does at
// least, so it costs at most about 1% of the simulation.
const DefaultCheckEvery = 100

// SetCheck makes Simulate, Run and SimulateUntil call fn every `every` steps
// (counted across calls; at least 1). When fn returns an error the run ends
// after that step, as with the stop flag, and CheckErr returns the error
// (a *NonFiniteError gets the step counter filled in). nil removes the check.
func (c *Core) SetCheck(every int64, fn func() error) {
	c.check = fn
	c.checkEvery = max(every, 1)
	c.checkCount = c.checkEvery
	c.checkErr = nil
	c.lastFinite = -1
}

// CheckErr is the error of the check that ended the last run early (or of
// Failf), or of the last CheckNow; nil if none failed.
func (c *Core) CheckErr() error { return c.checkErr }

// Failf ends the run after the current step with an error, as a failed
// check does, whether or not a check is installed: for what the model's
// code finds it cannot do during a step (creating synapses past
// MaxSynapses). CheckErr returns it once the run has ended.
func (c *Core) Failf(format string, args ...any) {
	if c.failErr == nil {
		c.failErr = fmt.Errorf(format, args...)
	}
}

// CheckNow runs the installed check at once (the runner does so when a run
// ends) and returns its error, also kept for CheckErr. Without a check it
// returns nil.
func (c *Core) CheckNow() error {
	if c.check == nil {
		return nil
	}
	if c.runCheck() {
		return c.checkErr
	}
	return nil
}

// tickCheck counts one step and runs the check when due; it reports whether
// the run must end.
func (c *Core) tickCheck() bool {
	c.checkCount--
	if c.checkCount > 0 {
		return false
	}
	return c.runCheck()
}

// runCheck calls the check and reports whether it failed.
func (c *Core) runCheck() bool {
	c.checkCount = c.checkEvery
	err := c.check()
	if err == nil {
		c.lastFinite = c.Step
		return false
	}
	var nf *NonFiniteError
	if errors.As(err, &nf) {
		nf.Step, nf.LastFinite, nf.Dt, nf.CheckedAt = c.Step, c.lastFinite, c.Dt, true
	}
	c.checkErr = err
	return true
}

// CheckRefractory reports the first neuron of population pop whose
// refractory period xs[i] (ms, the parameter named variable) the step's
// int32 counter of refractory steps cannot hold: negative, NaN, or more
// than MaxInt32 steps of dt. Such a period would silently give wrong
// dynamics (no refractory period at all), so networks check it with the
// initial state (CheckFinite), after -set and -load.
func CheckRefractory[F Float](c *Core, pop, variable string, xs []F) error {
	for i, x := range xs {
		if err := refractoryOK(float64(x), c.Dt); err != nil {
			return fmt.Errorf("population %s, refractory period %s of neuron %d: %v", pop, variable, i, err)
		}
	}
	return nil
}

// CheckRefractoryScalar is CheckRefractory for a period of the whole
// population (a parameter flagged population).
func CheckRefractoryScalar[F Float](c *Core, pop, variable string, x F) error {
	if err := refractoryOK(float64(x), c.Dt); err != nil {
		return fmt.Errorf("population %s, refractory period %s: %v", pop, variable, err)
	}
	return nil
}

// MaxRefractorySteps is the longest refractory period in steps: neurons
// count the steps left in an int32.
const MaxRefractorySteps = math.MaxInt32

func refractoryOK(ms, dt float64) error {
	switch {
	case math.IsNaN(ms) || ms < 0:
		return fmt.Errorf("%g ms is not a period (must be >= 0)", ms)
	case dt > 0 && math.Round(ms/dt) > MaxRefractorySteps:
		return fmt.Errorf("%g ms is more than %d steps of dt %g ms", ms, MaxRefractorySteps, dt)
	}
	return nil
}
