package runtime

import (
	"reflect"
	"testing"
)

func TestSpikeRing(t *testing.T) {
	q := NewSpikeRing(3)
	if q.Depth() != 3 || q.Ago(1) != nil {
		t.Fatalf("new ring: depth %d, Ago(1) = %v", q.Depth(), q.Ago(1))
	}
	in := []int32{1, 2}
	q.Push(in)
	in[0] = 99 // the ring keeps its own copy
	q.Push(nil)
	q.Push([]int32{5})
	cases := []struct {
		d    int
		want []int32
	}{{1, []int32{5}}, {2, []int32{}}, {3, []int32{1, 2}}, {0, []int32{5}}, {-2, []int32{5}}, {4, nil}}
	for _, c := range cases {
		got := q.Ago(c.d)
		if len(got) != len(c.want) || (len(got) > 0 && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("Ago(%d) = %v, want %v", c.d, got, c.want)
		}
	}
	q.Push([]int32{7})
	if got := q.Ago(1); !reflect.DeepEqual(got, []int32{7}) {
		t.Errorf("after wrap Ago(1) = %v", got)
	}
	if got := q.Ago(2); !reflect.DeepEqual(got, []int32{5}) {
		t.Errorf("after wrap Ago(2) = %v", got)
	}
	if got := q.Ago(3); len(got) != 0 {
		t.Errorf("after wrap Ago(3) = %v, want the empty push", got)
	}
	// Only two pushes after Reset: Ago(3) is nil again.
	q.Reset()
	q.Push([]int32{1})
	q.Push([]int32{2})
	if len(q.Ago(3)) != 0 || !reflect.DeepEqual(q.Ago(2), []int32{1}) {
		t.Errorf("after Reset: Ago(2) = %v, Ago(3) = %v", q.Ago(2), q.Ago(3))
	}
	// Delay 0 keeps one step.
	z := NewSpikeRing(0)
	z.Push([]int32{4})
	if z.Depth() != 1 || !reflect.DeepEqual(z.Ago(1), []int32{4}) {
		t.Errorf("depth-0 ring: %d %v", z.Depth(), z.Ago(1))
	}
	// No allocation once the slots have grown.
	spikes := []int32{1, 2, 3, 4, 5}
	for i := 0; i < 3; i++ {
		q.Push(spikes)
	}
	if a := testing.AllocsPerRun(100, func() { q.Push(spikes); _ = q.Ago(2) }); a != 0 {
		t.Errorf("Push allocates %g times", a)
	}
}

func TestRateRing(t *testing.T) {
	q := NewRateRing(2, 3)
	q.Fill([]float64{9, 9})
	q.Push([]float64{1, 1})
	want := map[int][]float64{1: {1, 1}, 2: {9, 9}, 3: {9, 9}}
	for d, w := range want {
		if got := q.Ago(d); !reflect.DeepEqual(got, w) {
			t.Errorf("Ago(%d) = %v, want %v", d, got, w)
		}
	}
	q.Push([]float64{2, 2})
	q.Push([]float64{3, 3})
	if got := q.Ago(1); !reflect.DeepEqual(got, []float64{3, 3}) {
		t.Errorf("Ago(1) = %v", got)
	}
	if got := q.Ago(3); !reflect.DeepEqual(got, []float64{1, 1}) {
		t.Errorf("Ago(3) = %v", got)
	}
	q.Push([]float64{4, 4})
	if got := q.Ago(3); !reflect.DeepEqual(got, []float64{2, 2}) {
		t.Errorf("after wrap Ago(3) = %v", got)
	}
	if got := q.Ago(7); !reflect.DeepEqual(got, []float64{2, 2}) {
		t.Errorf("Ago(7) clamps to the depth: %v", got)
	}
	if got := q.Ago(0); !reflect.DeepEqual(got, []float64{4, 4}) {
		t.Errorf("Ago(0) clamps to 1: %v", got)
	}
	// The returned slice cannot be appended into the next frame.
	if cap(q.Ago(2)) != 2 {
		t.Errorf("cap(Ago) = %d, want 2", cap(q.Ago(2)))
	}
	if a := testing.AllocsPerRun(100, func() { q.Push([]float64{5, 5}); _ = q.Ago(2) }); a != 0 {
		t.Errorf("Push allocates %g times", a)
	}
}
