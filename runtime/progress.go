package runtime

import (
	"fmt"
	"io"
	"time"

	"github.com/annc/annc/runtime/results"
)

// ProgressPrinter shows the progress of a run on one terminal line: percent
// done, simulated ms per wall second and the estimated time left. Its Report
// method is a Core progress function (Core.SetProgress).
type ProgressPrinter struct {
	W     io.Writer
	Label string  // printed first, e.g. the program name
	Dt    float64 // ms per step

	start   time.Time
	printed bool
}

// NewProgressPrinter returns a printer writing to w; the rate is measured
// from now.
func NewProgressPrinter(w io.Writer, label string, dt float64) *ProgressPrinter {
	return &ProgressPrinter{W: w, Label: label, Dt: dt, start: time.Now()}
}

// Report prints the state after done of total steps.
func (p *ProgressPrinter) Report(done, total int64, simMs float64) {
	elapsed := time.Since(p.start).Seconds()
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	rate, eta := 0.0, "?"
	if elapsed > 0 && done > 0 {
		rate = float64(done) * p.Dt / elapsed
		left := time.Duration(float64(total-done) * elapsed / float64(done) * float64(time.Second))
		eta = left.Round(100 * time.Millisecond).String()
	}
	fmt.Fprintf(p.W, "\r%s: %5.1f%%  t = %s ms  %s ms/s  ETA %s   ", p.Label, pct, results.FormatMs(simMs), results.Sig3(rate), eta)
	p.printed = true
}

// Done ends the progress line.
func (p *ProgressPrinter) Done() {
	if p.printed {
		fmt.Fprintln(p.W)
		p.printed = false
	}
}
