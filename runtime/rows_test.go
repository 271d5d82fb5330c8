package runtime

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// rowsConn is a post-major Conn of 3 pre and 3 post neurons whose
// presynaptic index puts the synapses in another order.
func rowsConn(t *testing.T) *Conn {
	t.Helper()
	// post 0 <- pre 1, 2; post 1 <- pre 0, 2; post 2 <- pre 0
	c := &Conn{NPre: 3, NPost: 3, PostPtr: []int32{0, 2, 4, 5}, Pre: []int32{1, 2, 0, 2, 0}, Post: []int32{0, 0, 1, 1, 2}, UniformDelay: 1}
	c.Finish()
	c.Index()
	return c
}

func TestRowStorage(t *testing.T) {
	t.Setenv("ANNC_ROWS", "")
	c := rowsConn(t)
	at, postAt := RowStorage(c)
	// Rows: pre 0 -> synapses 2, 4; pre 1 -> 0; pre 2 -> 1, 3.
	if want := []int32{2, 4, 0, 1, 3}; !slices.Equal(c.PreIdx, want) {
		t.Fatalf("PreIdx %v, want %v", c.PreIdx, want)
	}
	if want := []int32{2, 3, 0, 4, 1}; !slices.Equal(at, want) {
		t.Errorf("at %v, want %v", at, want)
	}
	if want := []int32{1, 2, 0, 0, 1}; !slices.Equal(postAt, want) {
		t.Errorf("postAt %v, want %v", postAt, want)
	}
	syn := []float64{10, 11, 12, 13, 14} // value 10+s for synapse s
	stored := Reorder(syn, nil, at)
	for p, s := range c.PreIdx {
		if stored[p] != syn[s] {
			t.Errorf("position %d holds %g, want synapse %d's %g", p, stored[p], s, syn[s])
		}
	}
	if back := InOrder(stored, at); !slices.Equal(back, syn) {
		t.Errorf("InOrder %v, want %v", back, syn)
	}
	got := make([]float64, 5)
	FromOrder(got, syn, at)
	if !slices.Equal(got, stored) {
		t.Errorf("FromOrder %v, want %v", got, stored)
	}
	t.Setenv("ANNC_ROWS", "off")
	if at, postAt := RowStorage(c); at != nil || postAt != nil {
		t.Errorf("ANNC_ROWS=off: %v %v, want nil", at, postAt)
	}
	if x := Reorder(syn, nil, nil); &x[0] != &syn[0] {
		t.Error("Reorder with no order copied")
	}
}

// TestCheckSynapsesAt: the error names the first synapse in synapse order,
// not the first position.
func TestCheckSynapsesAt(t *testing.T) {
	t.Setenv("ANNC_ROWS", "")
	c := rowsConn(t)
	at, _ := RowStorage(c)
	syn := []float64{0, math.Inf(1), 0, math.NaN(), 0}
	err := CheckSynapsesAt(nil, "p", "w", Reorder(syn, nil, at), at, c.PreIdx)
	var e *NonFiniteError
	if !errors.As(err, &e) || e.Index != 1 || !math.IsInf(e.Value, 1) {
		t.Fatalf("got %v, want synapse 1 (+Inf)", err)
	}
	if err := CheckSynapsesAt(nil, "p", "w", Reorder([]float64{1, 2, 3, 4, 5}, nil, at), at, c.PreIdx); err != nil {
		t.Errorf("finite values: %v", err)
	}
}

// TestRowsChoice: over each window of rowsWindow steps, the storage whose
// events would have cost less than 70 % of the current one's is chosen.
func TestRowsChoice(t *testing.T) {
	t.Setenv("ANNC_ROWS", "")
	run := func(pre, post int64, rows bool) (bool, int64) {
		var r RowsChoice
		for s := int64(1); s <= rowsWindow; s++ {
			next := r.Step(pre, post, rows)
			if s < rowsWindow && next != rows {
				t.Fatalf("moved within the window, at step %d", s)
			}
			if s == rowsWindow {
				return next, r.Pre + r.Post + r.Steps
			}
		}
		return rows, 0
	}
	for _, c := range []struct {
		pre, post  int64
		rows, want bool
	}{
		{15000, 0, true, true},        // presynaptic events only
		{15000, 500000, true, false},  // 20,000 outputs at 500 Hz, 50 synapses each: synapse order
		{15000, 500000, false, false}, // and it stays there
		{15000, 3000, false, true},    // outputs at 3 Hz: rows
		// Rows cost 10·(pre+post), synapse order 38·pre + 4·post: with
		// post = 4·pre they are 50 against 54, too close to move either way.
		{1000, 4000, true, true},
		{1000, 4000, false, false},
	} {
		got, left := run(c.pre, c.post, c.rows)
		if got != c.want || left != 0 {
			t.Errorf("pre %d, post %d, rows %v: %v (counts left %d), want %v", c.pre, c.post, c.rows, got, left, c.want)
		}
	}
	t.Setenv("ANNC_ROWS", "off")
	var r RowsChoice
	if r.Step(15000, 0, true) {
		t.Error("ANNC_ROWS=off kept rows")
	}
	t.Setenv("ANNC_ROWS", "flip")
	r = RowsChoice{}
	rows, moves := true, 0
	for range 9 {
		if next := r.Step(0, 0, rows); next != rows {
			rows, moves = next, moves+1
		}
	}
	if moves != 3 {
		t.Errorf("ANNC_ROWS=flip moved %d times in 9 steps, want 3", moves)
	}
}
