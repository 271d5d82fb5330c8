package ir_test

import (
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/parser"
	annrt "github.com/annc/annc/runtime"
)

func buildSrc(t *testing.T, src string) (*ir.Model, diag.List) {
	t.Helper()
	lib, _ := models.Load()
	ast, ds := parser.ParseModel("m.yaml", []byte(src))
	if ds.HasErrors() {
		t.Fatalf("parse: %v", ds)
	}
	return ir.Build(ast, lib)
}

const viewModel = `name: m
neurons:
  N:
    equations: r = 1.0
populations:
  - {name: P, geometry: GEO, neuron: N}
monitors:
  - {name: M, target: "VIEW", variables: [r]}
`

// A view of a hundred million neurons is kept as ranges: checking it costs
// neither time nor memory in proportion to its size.
func TestHugeViewIsRanges(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	src := strings.NewReplacer("GEO", "100000000", "VIEW", "P[0:100000000]").Replace(viewModel)
	m, ds := buildSrc(t, src)
	runtime.ReadMemStats(&after)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	v := m.Monitors[0].View
	if v.Len() != 100000000 || len(v.Dims) != 1 || v.Dims[0] != (ir.Range{Start: 0, Len: 100000000}) {
		t.Errorf("view %+v, len %d", v.Dims, v.Len())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
		t.Errorf("building the model allocated %d MB", alloc>>20)
	}
	// out of range is an error at the slice
	src = strings.NewReplacer("GEO", "100", "VIEW", "P[0:101]").Replace(viewModel)
	_, ds = buildSrc(t, src)
	if len(ds) != 1 || !strings.Contains(ds[0].Msg, "slice 0:101 is out of range") || ds[0].Pos.Line != 8 {
		t.Errorf("out of range: %v", ds)
	}
}

// The ranges of a view give the ranks of the coordinates in row-major
// order, the same in the analysis (Runs) and at run time (RangeRanks).
func TestViewRanks(t *testing.T) {
	for _, tc := range []struct {
		geo, view, want string
	}{
		{"[4, 5]", "P[0:2, 1:3]", "1 2 6 7"},
		{"[4, 5]", "P[:, 4]", "4 9 14 19"},
		{"[4, 5]", "P[1]", "5 6 7 8 9"},
		{"[2, 3, 4]", "P[1, 1:3, 2:4]", "18 19 22 23"},
		{"[2, 3, 4]", "P[:, 2]", "8 9 10 11 20 21 22 23"},
		{"10", "P[-3:]", "7 8 9"},
	} {
		m, ds := buildSrc(t, strings.NewReplacer("GEO", tc.geo, "VIEW", tc.view).Replace(viewModel))
		if ds.HasErrors() {
			t.Fatalf("%s: %v", tc.view, ds)
		}
		v := m.Monitors[0].View
		var fromRuns []string
		v.Runs(func(lo, hi int) {
			for r := lo; r < hi; r++ {
				fromRuns = append(fromRuns, itoa(r))
			}
		})
		starts, lens := make([]int, len(v.Dims)), make([]int, len(v.Dims))
		for d, r := range v.Dims {
			starts[d], lens[d] = r.Start, r.Len
		}
		var fromRuntime []string
		for _, r := range annrt.RangeRanks(v.Pop.Geometry, starts, lens) {
			fromRuntime = append(fromRuntime, itoa(r))
		}
		if got := strings.Join(fromRuns, " "); got != tc.want || v.Len() != len(fromRuns) {
			t.Errorf("%s of %s: Runs %s (Len %d), want %s", tc.view, tc.geo, got, v.Len(), tc.want)
		}
		if got := strings.Join(fromRuntime, " "); got != tc.want {
			t.Errorf("%s of %s: RangeRanks %s, want %s", tc.view, tc.geo, got, tc.want)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
