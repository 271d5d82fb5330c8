package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlasticSplit: testdata/plastic_split.yaml's projection split delivers
// through its plastic synapses and runs post_spike range by range of
// postsynaptic neurons, and whole (a projection-wide sum in pre_spike and
// post_spike) on one goroutine; run checks
// that every split over goroutines gives the same bytes. The model must
// exercise what it tests: input spikes reach the synapses, the weights
// learn, post.u and c grow, and Out spikes.
func TestPlasticSplit(t *testing.T) {
	t.Parallel()
	const path = "testdata/plastic_split.yaml"
	src, err := os.ReadFile(filepath.Join(compile(t, path).Dir, "cf_plastic_split", "network.go"))
	if err != nil {
		t.Fatal(err)
	}
	code := string(src)
	for _, m := range []string{"transmitRange", "postSpikeRange"} {
		if !strings.Contains(code, "func (pj *SplitProj) "+m+"(") {
			t.Errorf("split has no %s", m)
		}
		if strings.Contains(code, "func (pj *WholeProj) "+m+"(") {
			t.Errorf("whole, whose pre_spike and post_spike sum over every synapse, has %s", m)
		}
	}
	r := run(t, path)
	if sp := r.Spikes["out"]; sp == nil || len(sp.Ranks) == 0 {
		t.Fatal("Out never spikes")
	}
	u := r.Trace("out", "u")
	w := r.Trace("ws", "w")
	c := r.Trace("ws", "c")
	tot := r.Trace("tot", "total")
	if u == nil || w == nil || c == nil || tot == nil {
		t.Fatal("a recording is missing")
	}
	last := func(data []float64) float64 { return data[len(data)-1] }
	if last(u.Data) <= 0 || last(tot.Data) == 0 {
		t.Errorf("post.u ends at %g and total at %g: the events did not arrive", last(u.Data), last(tot.Data))
	}
	changed := 0
	width := w.Width()
	for i := range width {
		if w.Data[i] != w.Data[len(w.Data)-width+i] {
			changed++
		}
	}
	if changed < width/2 {
		t.Errorf("%d of %d weights changed", changed, width)
	}
	if last(c.Data) <= 0 {
		t.Errorf("c ends at %g", last(c.Data))
	}
}
