package parser

import (
	"slices"
	"testing"
)

// TestFailedNames checks what lines with errors are recorded to declare.
func TestFailedNames(t *testing.T) {
	for _, tt := range []struct {
		src          string
		param        bool
		params, vars []string
		unsure       bool
	}{
		{src: "tau * dv/dt = -v + (g_exc\nu = v *\nw = 1", vars: []string{"v", "u"}},
		{src: "x += A +\npost.y = (1", vars: []string{"x"}},
		{src: "dx/dt + dy/dt = 0", vars: []string{"x", "y"}},
		{src: "(u = v", unsure: true},
		{src: "u v w", unsure: true},
		{src: "a = 1 *\nb = (2\nc = 3", param: true, params: []string{"a", "b"}},
		{src: "a += 1", param: true, params: []string{"a"}},
		{src: "f(x) = 2", param: true, unsure: true},
	} {
		var f Failed
		if tt.param {
			parseParams(tt.src, nil, &f, anyOwner)
		} else {
			parseEquations(tt.src, nil, &f, true, anyOwner)
		}
		if !slices.Equal(f.Params, tt.params) || !slices.Equal(f.Vars, tt.vars) || f.Unsure != tt.unsure {
			t.Errorf("%q: params %q vars %q unsure %v; want %q %q %v", tt.src, f.Params, f.Vars, f.Unsure, tt.params, tt.vars, tt.unsure)
		}
	}
	// Statements that declare nothing record only the names they mention.
	var f Failed
	parseEquations("g_target += w\nx += A +", nil, &f, false, anyOwner)
	if f.Vars != nil || f.Unsure || !slices.Contains(f.Mentioned, "A") {
		t.Errorf("pre_spike: %+v", f)
	}
}
