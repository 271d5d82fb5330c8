package runtime

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// callLog records, for a callback, the step before which it ran and its n.
type callLog struct {
	steps []int64
	ns    []int
}

func (l *callLog) fn(c *Core) func(int) {
	return func(n int) {
		l.steps = append(l.steps, c.Step)
		l.ns = append(l.ns, n)
	}
}

func seq(xs ...int) []int { return xs }

// TestEveryTiming checks the call steps of ANNarchy's `every` rule across two
// Simulate calls. dt = 1 ms, the first call covers steps 0..34 (t0 = 0), the
// second steps 35..59 (t0 = 35); a call is due before step
// t0 + wait + (offset mod period) + k·period while that step is inside the call.
func TestEveryTiming(t *testing.T) {
	cases := []struct {
		name                 string
		period, offset, wait float64
		steps                []int64
		ns                   []int
	}{
		// 0,10,20,30 | 35,45,55
		{"period", 10, 0, 0, []int64{0, 10, 20, 30, 35, 45, 55}, seq(0, 1, 2, 3, 0, 1, 2)},
		// offset 7: 7,17,27 | 42,52
		{"offset", 10, 7, 0, []int64{7, 17, 27, 42, 52}, seq(0, 1, 2, 0, 1)},
		// -3 mod 10 = 7: same as offset 7
		{"negative offset", 10, -3, 0, []int64{7, 17, 27, 42, 52}, seq(0, 1, 2, 0, 1)},
		// offset 23 > period: min(23, 10) = 10, 10 mod 10 = 0
		{"offset above period", 10, 23, 0, []int64{0, 10, 20, 30, 35, 45, 55}, seq(0, 1, 2, 3, 0, 1, 2)},
		// wait 15 + offset 4: 19,29 | 35+19 = 54
		{"wait", 10, 4, 15, []int64{19, 29, 54}, seq(0, 1, 0)},
		// wait 15, offset -2 (= 8): 23,33 | 58
		{"wait negative offset", 10, -2, 15, []int64{23, 33, 58}, seq(0, 1, 0)},
		// negative wait is 0
		{"negative wait", 20, 0, -5, []int64{0, 20, 35, 55}, seq(0, 1, 0, 1)},
		// period below dt: every step, after a wait of 33 counted from each
		// Simulate call: 33,34 | 35+33 = 68 is past the end
		{"tiny period", 0.25, 0, 33, []int64{33, 34}, seq(0, 1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &Core{Dt: 1}
			var l callLog
			c.Every(tc.period, tc.offset, tc.wait, l.fn(c))
			steps := 0
			c.Simulate(35, func() { steps++ })
			c.Simulate(25, func() { steps++ })
			if steps != 60 || c.Step != 60 {
				t.Fatalf("ran %d steps, clock at %d; want 60", steps, c.Step)
			}
			if !reflect.DeepEqual(l.steps, tc.steps) || !reflect.DeepEqual(l.ns, tc.ns) {
				t.Errorf("calls at %v n=%v; want %v n=%v", l.steps, l.ns, tc.steps, tc.ns)
			}
		})
	}
}

// TestEveryRounding checks that periods, offsets and durations are rounded to
// the nearest step: dt = 0.1, period 0.3 = 3 steps, offset 0.1 = 1 step,
// Simulate(1.0) = 10 steps (0..9): calls before steps 1, 4, 7.
func TestEveryRounding(t *testing.T) {
	c := &Core{Dt: 0.1}
	var l callLog
	c.Every(0.3, 0.1, 0, l.fn(c))
	c.Simulate(1.0, func() {})
	if c.Step != 10 {
		t.Fatalf("clock at %d, want 10", c.Step)
	}
	if want := []int64{1, 4, 7}; !reflect.DeepEqual(l.steps, want) {
		t.Errorf("calls at %v, want %v", l.steps, want)
	}
	// 0.29 ms is 3 steps, 0.24 ms is 2.
	if StepsOf(0.29, 0.1) != 3 || StepsOf(0.24, 0.1) != 2 || StepsOf(0.3, 0.1) != 3 {
		t.Errorf("StepsOf rounding wrong")
	}
	// Durations past MaxSteps saturate instead of overflowing int64 into
	// a negative count.
	if StepsOf(1e300, 1) != MaxSteps+1 || StepsOf(10, 1e-300) != MaxSteps+1 || StepsOf(math.Inf(-1), 1) != -MaxSteps-1 {
		t.Errorf("StepsOf of huge durations: %d %d %d", StepsOf(1e300, 1), StepsOf(10, 1e-300), StepsOf(math.Inf(-1), 1))
	}
}

// TestEveryOrder checks that callbacks run before the step, in declaration
// order when due together, started relative to the time Simulate is called.
func TestEveryOrder(t *testing.T) {
	c := &Core{Dt: 1}
	c.Step = 150
	var trace []string
	c.Every(4, 0, 0, func(n int) { trace = append(trace, fmt.Sprintf("a%d@%d", n, c.Step)) })
	c.Every(2, -1, 0, func(n int) { trace = append(trace, fmt.Sprintf("b%d@%d", n, c.Step)) })
	c.Every(4, 0, 0, func(n int) { trace = append(trace, fmt.Sprintf("c%d@%d", n, c.Step)) })
	c.Simulate(6, func() { trace = append(trace, fmt.Sprintf("s%d", c.Step)) })
	got := strings.Join(trace, " ")
	want := "a0@150 c0@150 s150 b0@151 s151 s152 b1@153 s153 a1@154 c1@154 s154 b2@155 s155"
	if got != want {
		t.Errorf("trace\n got %s\nwant %s", got, want)
	}
}

// TestCallbacksOnlyInSimulate checks that Run and SimulateUntil never call
// callbacks, and that Disable/Enable/Clear work.
func TestCallbacksOnlyInSimulate(t *testing.T) {
	c := &Core{Dt: 1}
	var l callLog
	c.Every(1, 0, 0, l.fn(c))
	c.Run(10, func() {})
	c.SimulateUntil(10, func() {}, func() bool { return false })
	if len(l.steps) != 0 {
		t.Fatalf("Run/SimulateUntil called callbacks at %v", l.steps)
	}
	c.DisableCallbacks()
	c.Simulate(5, func() {})
	if len(l.steps) != 0 || c.CallbacksEnabled() {
		t.Fatalf("disabled callbacks ran at %v", l.steps)
	}
	c.EnableCallbacks()
	c.Simulate(3, func() {})
	if want := []int64{25, 26, 27}; !reflect.DeepEqual(l.steps, want) {
		t.Fatalf("calls at %v, want %v", l.steps, want)
	}
	c.ClearCallbacks()
	c.Simulate(3, func() {})
	if len(l.steps) != 3 || c.Step != 31 {
		t.Fatalf("cleared callbacks ran: %v (clock %d)", l.steps, c.Step)
	}
}

// TestEveryDeclaredDuringSimulate checks that a callback declared by a
// callback waits for the next Simulate call.
func TestEveryDeclaredDuringSimulate(t *testing.T) {
	c := &Core{Dt: 1}
	var l callLog
	c.Every(5, 0, 0, func(n int) {
		if n == 0 {
			c.Every(1, 0, 0, l.fn(c))
		}
	})
	c.Simulate(3, func() {})
	if len(l.steps) != 0 {
		t.Fatalf("new callback ran during the Simulate that declared it: %v", l.steps)
	}
	c.Simulate(2, func() {})
	if want := []int64{3, 4}; !reflect.DeepEqual(l.steps, want) {
		t.Fatalf("calls at %v, want %v", l.steps, want)
	}
}

func TestSimulateUntil(t *testing.T) {
	c := &Core{Dt: 0.5}
	// Stops after the step during which the condition became true: the
	// condition sees the clock already advanced, Step >= 7 after 7 steps.
	got := c.SimulateUntil(10, func() {}, func() bool { return c.Step >= 7 })
	if got != 3.5 || c.Step != 7 {
		t.Errorf("SimulateUntil = %v ms at step %d; want 3.5 at 7", got, c.Step)
	}
	// Never true: the whole duration, 2 ms = 4 steps.
	c.Step = 0
	if got := c.SimulateUntil(2, func() {}, func() bool { return false }); got != 2 || c.Step != 4 {
		t.Errorf("SimulateUntil = %v ms at step %d; want 2 at 4", got, c.Step)
	}
	// True at once: one step.
	c.Step = 0
	if got := c.SimulateUntil(2, func() {}, func() bool { return true }); got != 0.5 || c.Step != 1 {
		t.Errorf("SimulateUntil = %v ms at step %d; want 0.5 at 1", got, c.Step)
	}
	// From a later time, the duration counts from there.
	c.Step = 100
	n := 0
	if got := c.SimulateUntil(5, func() { n++ }, func() bool { return n == 3 }); got != 1.5 || c.Step != 103 {
		t.Errorf("SimulateUntil = %v ms at step %d; want 1.5 at 103", got, c.Step)
	}
	if got := c.SimulateUntil(0, func() {}, func() bool { return true }); got != 0 {
		t.Errorf("SimulateUntil(0) = %v", got)
	}
}

func TestClock(t *testing.T) {
	c := &Core{Dt: 0.1}
	c.SetTime(12.34)
	if c.CurrentStep() != 123 {
		t.Errorf("SetTime(12.34) gives step %d, want 123", c.CurrentStep())
	}
	c.SetCurrentStep(250)
	if c.Time() != 25 {
		t.Errorf("Time = %v, want 25", c.Time())
	}
	c.Simulate(0.04, func() { t.Error("0.04 ms at dt 0.1 is 0 steps") })
	c.Simulate(0.06, func() {})
	if c.Step != 251 {
		t.Errorf("0.06 ms at dt 0.1 should be 1 step, clock %d", c.Step)
	}
}

func TestStopFlag(t *testing.T) {
	var flag atomic.Bool
	c := &Core{Dt: 1}
	c.SetStopFlag(&flag)
	c.Simulate(100, func() {
		if c.Step == 5 {
			flag.Store(true)
		}
	})
	if c.Step != 6 || !c.Interrupted() {
		t.Errorf("stopped at %d (interrupted %v), want 6 true", c.Step, c.Interrupted())
	}
	c.Run(3, func() {})
	if c.Step != 7 || !c.Interrupted() {
		t.Errorf("Run with flag set went to %d", c.Step)
	}
	flag.Store(false)
	if ms := c.SimulateUntil(3, func() {}, func() bool { return false }); ms != 3 || c.Interrupted() {
		t.Errorf("SimulateUntil after clearing the flag: %v ms, interrupted %v", ms, c.Interrupted())
	}
}

func TestProgress(t *testing.T) {
	c := &Core{Dt: 0.1}
	var calls int
	var last [3]float64
	c.SetProgress(func(done, total int64, simMs float64) {
		calls++
		last = [3]float64{float64(done), float64(total), simMs}
	})
	c.Simulate(100, func() {})
	if calls < 1 || last != [3]float64{1000, 1000, 100} {
		t.Errorf("%d calls, last %v; want final (1000, 1000, 100)", calls, last)
	}
	if calls > 3 {
		t.Errorf("%d progress calls for a run far shorter than a second", calls)
	}
}

func BenchmarkSimulateEmptyStep(b *testing.B) {
	c := &Core{Dt: 0.1}
	c.Simulate(float64(b.N)*0.1, func() {})
}

func BenchmarkSimulateEmptyStepProgress(b *testing.B) {
	c := &Core{Dt: 0.1}
	var flag atomic.Bool
	c.SetStopFlag(&flag)
	c.SetProgress(func(done, total int64, simMs float64) {})
	c.Simulate(float64(b.N)*0.1, func() {})
}

// TestSimulateThrough: Simulate(200) with period 50 calls at 0, 50, 100 and
// 150 (ANNarchy's rule); SimulateThrough(200) also at 200, the end time,
// without computing a step more; an offset that misses the end adds nothing.
func TestSimulateThrough(t *testing.T) {
	for _, tc := range []struct {
		through bool
		offset  float64
		steps   []int64
	}{
		{false, 0, []int64{0, 50, 100, 150}},
		{true, 0, []int64{0, 50, 100, 150, 200}},
		{true, 20, []int64{20, 70, 120, 170}},
	} {
		c := &Core{Dt: 1}
		var l callLog
		c.Every(50, tc.offset, 0, l.fn(c))
		steps := 0
		if tc.through {
			c.SimulateThrough(200, func() { steps++ })
		} else {
			c.Simulate(200, func() { steps++ })
		}
		if steps != 200 || c.Step != 200 || !reflect.DeepEqual(l.steps, tc.steps) {
			t.Errorf("through %v offset %v: %d steps, clock %d, calls at %v; want 200 steps and calls at %v",
				tc.through, tc.offset, steps, c.Step, l.steps, tc.steps)
		}
	}
	// SimulateThrough(0) runs what is due now.
	c := &Core{Dt: 1}
	var l callLog
	c.Every(10, 0, 0, l.fn(c))
	c.SimulateThrough(0, func() { t.Fatal("a step was computed") })
	if !reflect.DeepEqual(l.steps, []int64{0}) {
		t.Errorf("SimulateThrough(0): calls at %v, want [0]", l.steps)
	}
}
