package runtime

import (
	"fmt"
	"slices"
	"testing"
)

// TestSegmentedMatchesEvery checks that running the callbacks Segmented
// hands back gives the calls (callback, n, step) and the steps of Simulate
// with Every, for ANNarchy's timing cases, callbacks disabled, and clocks
// moved by a callback.
func TestSegmentedMatchesEvery(t *testing.T) {
	type cb struct{ period, offset, wait float64 }
	cases := []struct {
		dt, ms float64
		cbs    []cb
		jump   bool // the first callback moves the clock 3 steps ahead at its first call
		off    bool
	}{
		{dt: 1, ms: 100, cbs: []cb{{10, 0, 0}}},
		{dt: 0.1, ms: 50, cbs: []cb{{10, 2, 0}, {5, -1, 3}, {0.3, 0, 40}}},
		{dt: 1, ms: 30, cbs: []cb{{100, 0, 0}, {7, 7, 0}, {1, 0, 0}}},
		{dt: 0.25, ms: 20, cbs: []cb{{2, 0.5, 1}, {2, 0.5, 1}}},
		{dt: 1, ms: 40, cbs: []cb{{10, 0, 0}, {4, 1, 0}}, jump: true},
		{dt: 1, ms: 40, cbs: []cb{{10, 0, 0}}, off: true},
		{dt: 1, ms: 0, cbs: []cb{{10, 0, 0}}},
	}
	for k, tc := range cases {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			var want, got []string
			var wantSteps, gotSteps []int64
			ref := &Core{Dt: tc.dt, Step: 17}
			for i, c := range tc.cbs {
				ref.Every(c.period, c.offset, c.wait, func(n int) {
					want = append(want, fmt.Sprintf("%d:%d@%d", i, n, ref.Step))
					if tc.jump && i == 0 && n == 0 {
						ref.Step += 3
					}
				})
			}
			if tc.off {
				ref.DisableCallbacks()
			}
			for range 2 { // a second call restarts n and the schedule
				ref.Simulate(tc.ms, func() { wantSteps = append(wantSteps, ref.Step) })
			}

			seg := &Core{Dt: tc.dt, Step: 17}
			for _, c := range tc.cbs {
				seg.Every(c.period, c.offset, c.wait, nil)
			}
			if tc.off {
				seg.DisableCallbacks()
			}
			for range 2 {
				s := seg.BeginSimulate(tc.ms, func() { gotSteps = append(gotSteps, seg.Step) })
				for due := s.Next(); due != nil; due = s.Next() {
					for _, d := range due {
						got = append(got, fmt.Sprintf("%d:%d@%d", d.Index, d.N, seg.Step))
						if tc.jump && d.Index == 0 && d.N == 0 {
							seg.Step += 3
						}
					}
					s.Resync()
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("calls\n got %v\nwant %v", got, want)
			}
			if !slices.Equal(gotSteps, wantSteps) {
				t.Errorf("steps\n got %v\nwant %v", gotSteps, wantSteps)
			}
			if seg.Step != ref.Step {
				t.Errorf("ends at step %d, want %d", seg.Step, ref.Step)
			}
		})
	}
}

func TestUnknownName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		names []string
		want  string
	}{
		{"Pp", []string{"P", "exc"}, `unknown monitor "Pp"; did you mean P?`},
		{"zzzz", []string{"P", "exc"}, `unknown monitor "zzzz"; there are P, exc`},
		{"m", nil, `unknown monitor "m"; there are none`},
	} {
		if got := UnknownName("monitor", tc.name, tc.names).Error(); got != tc.want {
			t.Errorf("UnknownName(%q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}
