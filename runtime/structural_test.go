package runtime

import (
	"slices"
	"strings"
	"testing"
)

// TestRewire: removing and adding synapses keeps rows post-major, inserts
// each added synapse before the first of a higher presynaptic rank, moves
// weights and delays with their synapses and rebuilds the presynaptic index.
func TestRewire(t *testing.T) {
	// post 0: pre 1, 3; post 1: pre 0; post 2: none.
	c, err := NewConn(4, 3, []int32{0, 0, 1}, []int32{1, 3, 0}, []float64{10, 30, 100})
	if err != nil {
		t.Fatal(err)
	}
	c.UniformDelay = 2
	c.Finish()
	src := c.Rewire([]bool{false, true, false}, []int32{0, 0, 2}, []int32{0, 2, 3}, 0.5, 4)
	if want := []int32{-1, 0, -2, 2, -3}; !slices.Equal(src, want) {
		t.Errorf("src %v, want %v", src, want)
	}
	if want := []int32{0, 1, 2, 0, 3}; !slices.Equal(c.Pre, want) {
		t.Errorf("pre %v, want %v", c.Pre, want)
	}
	if want := []int32{0, 0, 0, 1, 2}; !slices.Equal(c.Post, want) {
		t.Errorf("post %v, want %v", c.Post, want)
	}
	if want := []int32{0, 3, 4, 5}; !slices.Equal(c.PostPtr, want) {
		t.Errorf("post pointers %v, want %v", c.PostPtr, want)
	}
	if want := []float64{0.5, 10, 0.5, 100, 0.5}; !slices.Equal(c.W, want) {
		t.Errorf("w %v, want %v", c.W, want)
	}
	if want := []int32{4, 2, 4, 2, 4}; !slices.Equal(c.Delay, want) || c.MaxDelay != 4 {
		t.Errorf("delays %v (max %d), want %v (max 4)", c.Delay, c.MaxDelay, want)
	}
	// Pre-major index: synapses of pre 0 are 0 (delay 4) and 3 (delay 2).
	if got := c.PreIdx[c.PrePtr[0]:c.PrePtr[1]]; len(got) != 2 || !slices.Contains(got, 0) || !slices.Contains(got, 3) {
		t.Errorf("synapses of pre 0: %v, want 0 and 3", got)
	}
	if got := Remap([]float64{1, 2, 3}, src, -1); !slices.Equal(got, []float64{-1, 1, -1, 3, -1}) {
		t.Errorf("Remap gives %v", got)
	}
	var d Due
	d.Begin(10, 4, 2)
	for s, want := range map[int64]bool{11: false, 12: true, 13: false, 16: true, 20: true} {
		if d.Now(s) != want {
			t.Errorf("Due(start 12, period 4).Now(%d) = %v", s, !want)
		}
	}
}

// TestCreatingPastMaxSynapses: adding synapses that would bring a
// projection over MaxSynapses is an error (GrowthError) that ends the run
// after the step where it happens (Failf), reported by CheckErr and by the
// runner's final check even without a state check; the steps after it are
// not computed.
func TestCreatingPastMaxSynapses(t *testing.T) {
	c, err := NewConn(4, 3, []int32{0, 0, 1}, []int32{1, 3, 0}, []float64{10, 30, 100})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.GrowthError(MaxSynapses - 3); err != nil {
		t.Errorf("up to the limit: %v", err)
	}
	want := "3 synapses and 2147483645 created would be 2147483648, more than the 2147483647 (2^31-1) one projection can hold"
	if err := c.GrowthError(MaxSynapses - 2); err == nil || err.Error() != want {
		t.Errorf("past the limit: %v, want %s", err, want)
	}
	core := &Core{Dt: 1}
	steps := 0
	core.Simulate(10, func() {
		steps++
		if core.Step == 3 {
			if err := c.GrowthError(MaxSynapses); err != nil {
				core.Failf("projection p: creating: %v", err)
			}
		}
	})
	if steps != 4 || core.Step != 4 || !core.Halted() {
		t.Errorf("ran %d steps to step %d (halted %t), want the 4 up to the failing one", steps, core.Step, core.Halted())
	}
	if err := finalCheck(core); err == nil || !strings.HasPrefix(err.Error(), "projection p: creating: 3 synapses and 2147483647 created") {
		t.Errorf("final check: %v", err)
	}
}
