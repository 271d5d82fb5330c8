package runtime

// Segmented is a Simulate call whose callbacks are run by the caller: Next
// computes the steps up to the next step at which callbacks are due and
// hands them back instead of calling them. A caller that runs them and calls
// Next again until it reports the end gets exactly the calls and steps of
// Simulate with Every (same schedule, same argument n), which is how a
// foreign interpreter runs its own functions at ANNarchy's `every` times.
type Segmented struct {
	c    *Core
	step func()
	end  int64
	next int64 // step of the next due callbacks, noStep if none
	due  []DueCallback
}

// DueCallback is a callback due at the current step: its index in
// Callbacks() and the argument n Simulate would give it.
type DueCallback struct {
	Index int
	N     int
}

// BeginSimulate starts a segmented Simulate of ms (rounded to steps) from
// the current step. Callbacks declared with Every (their Fn is not called;
// it may be nil) are scheduled as Simulate schedules them, unless callbacks
// are disabled.
func (c *Core) BeginSimulate(ms float64, step func()) *Segmented {
	s := &Segmented{c: c, step: step, end: c.Step, next: noStep}
	if total := c.Steps(ms); total > 0 {
		s.end += total
		s.next = c.scheduleCallbacks(c.Step)
	}
	return s
}

// Next computes the steps before the next step at which callbacks are due
// and returns those callbacks in declaration order (the network is then at
// that step, which is not computed yet). It returns nil when the simulation
// is over: the end is reached, or the stop flag or the finiteness check
// ended it.
func (s *Segmented) Next() []DueCallback {
	c := s.c
	for {
		target := min(s.next, s.end)
		if c.Step < target {
			want := target - c.Step
			if c.advance(want, s.step, noStep, nil) < want {
				s.end = c.Step // interrupted or stopped by the check
				return nil
			}
		}
		if c.Step >= s.end {
			return nil
		}
		s.due = s.due[:0]
		next := int64(noStep)
		for i := range c.sched {
			cs := &c.sched[i]
			if cs.next == c.Step {
				s.due = append(s.due, DueCallback{Index: s.index(cs.cb), N: cs.n})
				cs.n++
				cs.next += cs.period
			}
			next = min(next, cs.next)
		}
		s.next = next
		if len(s.due) > 0 {
			return s.due
		}
		// Nothing due although the schedule said so: a callback moved the
		// clock past the due steps, after which Simulate calls none.
		s.next = noStep
	}
}

// Resync is called after the caller ran the due callbacks: when they moved
// the clock past the next due step, the schedule continues from now, as
// Simulate does.
func (s *Segmented) Resync() {
	if s.next < s.c.Step {
		s.next = s.c.Step
	}
}

// index is the position of cb among the declared callbacks.
func (s *Segmented) index(cb *Callback) int {
	for i, x := range s.c.callbacks {
		if x == cb {
			return i
		}
	}
	return -1
}
