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
	stored := ToStorage(syn, at)
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
	if x := ToStorage(syn, nil); &x[0] != &syn[0] {
		t.Error("ToStorage with no order copied")
	}
}

// TestCheckSynapsesAt: the error names the first synapse in synapse order,
// not the first position.
func TestCheckSynapsesAt(t *testing.T) {
	t.Setenv("ANNC_ROWS", "")
	c := rowsConn(t)
	at, _ := RowStorage(c)
	syn := []float64{0, math.Inf(1), 0, math.NaN(), 0}
	err := CheckSynapsesAt(nil, "p", "w", ToStorage(syn, at), at, c.PreIdx)
	var e *NonFiniteError
	if !errors.As(err, &e) || e.Index != 1 || !math.IsInf(e.Value, 1) {
		t.Fatalf("got %v, want synapse 1 (+Inf)", err)
	}
	if err := CheckSynapsesAt(nil, "p", "w", ToStorage([]float64{1, 2, 3, 4, 5}, at), at, c.PreIdx); err != nil {
		t.Errorf("finite values: %v", err)
	}
}
