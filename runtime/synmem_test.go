package runtime

import (
	"reflect"
	"testing"
)

// ProjectionMemory finds the projections of a network shaped as the
// generated ones and counts each array once.
func TestProjectionMemory(t *testing.T) {
	c, err := NewConn(3, 2, []int32{0, 0, 1}, []int32{0, 2, 1}, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	type proj struct {
		Name    string
		C       *Conn
		W       []float64
		preW    []float64
		prePost []int32
	}
	type pop struct{ V []float64 }
	type network struct {
		Core
		P   *pop
		Exc *proj
		Inh *proj // left out
	}
	p := &proj{Name: "exc", C: c, W: c.W, preW: make([]float64, 3), prePost: make([]int32, 3)}
	got := ProjectionMemory(struct{ *network }{&network{P: &pop{V: make([]float64, 10)}, Exc: p}})
	// C: PostPtr 3, Pre 3, Post 3, PrePtr 4, PreIdx 3, DelayPtr 4 and
	// Delays (capacity as appended) int32; W 24 bytes (once), preW 24,
	// prePost 12.
	conn := int64(4 * (3 + 3 + 3 + 4 + 3 + 4 + cap(c.Delays)))
	want := []ProjMemory{{Name: "exc", Synapses: 3, Bytes: conn + 24 + 24 + 12}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ProjectionMemory = %+v, want %+v", got, want)
	}
}
