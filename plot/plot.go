// Package plot draws the figures of an annc results directory with gonum
// plot: for every spiking monitor a raster with the population rate beneath,
// for every recorded variable its traces over time, and for a sweep one
// figure per summary metric against each swept value. The figures are written
// as PNG (or SVG) files next to the data they show.
package plot

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	_ "gonum.org/v1/plot/vg/vgimg" // registers png
	_ "gonum.org/v1/plot/vg/vgsvg" // registers svg

	"github.com/annc/annc/analysis"
	"github.com/annc/annc/runtime/results"
)

// Options controls Dir. The zero value gives PNG files with default binning.
type Options struct {
	// Format is "png" (also when empty) or "svg".
	Format string
	// Bin is the width in ms of the population-rate bins. Zero picks the
	// multiple of dt closest to 0.5 ms (at least dt).
	Bin float64
	// Sigma is the standard deviation in ms of the Gaussian that smooths the
	// population rate. Zero means 2 ms; a negative value disables smoothing.
	Sigma float64
	// MaxTraces is the largest number of single elements drawn per recorded
	// variable (default 5). With more elements than that, MaxTraces evenly
	// spaced ones are drawn together with the mean over all.
	MaxTraces int
	// SyncBin is the bin width in ms of the Fano factor and synchrony (κ)
	// figures of a sweep; zero means analysis.DefaultSyncBin.
	SyncBin float64
	// Units overrides the unit shown for a variable name ("v" → "mV").
	// Otherwise a variable has the unit the model declares for it (the
	// model's units:, recorded in the manifest), and none when it declares
	// none: units are never guessed from names.
	Units map[string]string
}

func (o Options) unit(tr *analysis.Trace) string {
	if u, ok := o.Units[tr.Variable]; ok {
		return u
	}
	return tr.Unit
}

func (o Options) format() (string, error) {
	switch strings.ToLower(o.Format) {
	case "", "png":
		return "png", nil
	case "svg":
		return "svg", nil
	}
	return "", fmt.Errorf("plot: unsupported format %q (want png or svg)", o.Format)
}

func (o Options) rateBin(dt float64) float64 {
	if o.Bin > 0 {
		return o.Bin
	}
	if !(dt > 0) {
		return 0.5
	}
	return dt * math.Max(1, math.Round(0.5/dt))
}

func (o Options) sigma() float64 {
	switch {
	case o.Sigma < 0:
		return 0
	case o.Sigma == 0:
		return 2
	}
	return o.Sigma
}

func (o Options) maxTraces() int {
	if o.MaxTraces > 0 {
		return o.MaxTraces
	}
	return 5
}

// Dir draws the figures of a results directory into that directory and
// returns the paths written, in order. For a run directory (manifest.json)
// it writes <monitor>.raster.<ext> per spiking monitor and, per recorded
// variable, a figure named as its .npy file (<monitor>.<variable>.<ext>); for a sweep directory
// (sweep.csv) it writes sweep.<metric>.<ext> per summary metric (with
// ".vs.<param>" added when several paths were swept).
func Dir(dir string, opt Options) ([]string, error) {
	format, err := opt.format()
	if err != nil {
		return nil, err
	}
	switch {
	case analysis.IsSweepDir(dir):
		s, err := analysis.LoadSweep(dir)
		if err != nil {
			return nil, err
		}
		return sweepFigures(s, opt, format)
	case analysis.IsRunDir(dir):
		r, err := analysis.LoadRun(dir)
		if err != nil {
			return nil, err
		}
		return runFigures(r, opt, format)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%s: not a results directory (no manifest.json or sweep.csv)", dir)
}

func runFigures(r *analysis.Run, opt Options, format string) ([]string, error) {
	var written []string
	for _, name := range r.Spiking {
		path := filepath.Join(r.Dir, results.FileStem(name)+".raster."+format)
		if err := rasterFigure(path, format, r, name, opt); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	for _, tr := range r.Traces {
		// Named as the data file: m.sum_exc.npy is drawn in m.sum_exc.png.
		base := strings.TrimSuffix(filepath.Base(tr.File), ".npy")
		if tr.File == "" {
			base = results.FileStem(tr.Monitor) + "." + results.FileStem(tr.Variable)
		}
		path := filepath.Join(r.Dir, base+"."+format)
		if err := traceFigure(path, format, r, tr, opt); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

func title(r *analysis.Run, what string) string {
	if r.Manifest.Model == "" {
		return what
	}
	return r.Manifest.Model + ": " + what
}

// rasterFigure draws the raster of one spiking monitor (top) and its
// population rate (bottom) on a shared time axis.
func rasterFigure(path, format string, r *analysis.Run, name string, opt Options) error {
	sp := r.Spikes[name]
	top := gplot.New()
	top.Title.Text = fmt.Sprintf("%s (%d neurons, %d spikes, %.3g Hz)", title(r, name), sp.N, sp.Count(), sp.MeanRate())
	top.Y.Label.Text = "neuron rank"
	t, rank := sp.Raster()
	if len(t) > 0 {
		sc, err := plotter.NewScatter(xys(t, rank))
		if err != nil {
			return err
		}
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Color = color.Black
		sc.GlyphStyle.Radius = glyphRadius(len(t))
		top.Add(sc)
	}
	top.X.Min, top.X.Max = 0, sp.Duration
	top.Y.Min, top.Y.Max = -0.5, float64(sp.N)-0.5

	bin := opt.rateBin(r.Manifest.Dt)
	rate, err := sp.PopulationRate(bin, opt.sigma())
	if err != nil {
		return err
	}
	centres, err := sp.BinCentres(bin)
	if err != nil {
		return err
	}
	bottom := gplot.New()
	bottom.X.Label.Text = "time (ms)"
	bottom.Y.Label.Text = "rate (Hz)"
	if s := opt.sigma(); s > 0 {
		bottom.Title.Text = fmt.Sprintf("population rate (bin %.3g ms, Gaussian σ %.3g ms)", bin, s)
	} else {
		bottom.Title.Text = fmt.Sprintf("population rate (bin %.3g ms)", bin)
	}
	ln, err := plotter.NewLine(xys(centres, rate))
	if err != nil {
		return err
	}
	ln.LineStyle.Width = vg.Points(1.2)
	ln.LineStyle.Color = plotutil.Color(0)
	bottom.Add(plotter.NewGrid(), ln)
	bottom.X.Min, bottom.X.Max = 0, sp.Duration
	bottom.Y.Min = 0
	if bottom.Y.Max <= 0 {
		bottom.Y.Max = 1
	}

	const w, h = 8 * vg.Inch, 7 * vg.Inch
	return render(path, format, w, h, func(dc draw.Canvas) {
		tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4),
			PadLeft: vg.Points(4), PadRight: vg.Points(10), PadY: vg.Points(8)}
		cs := gplot.Align([][]*gplot.Plot{{top}, {bottom}}, tiles, dc)
		top.Draw(cs[0][0])
		bottom.Draw(cs[1][0])
	})
}

// glyphRadius shrinks raster dots as the number of spikes grows, so that a
// dense raster stays readable.
func glyphRadius(n int) vg.Length {
	switch {
	case n > 50000:
		return vg.Points(0.35)
	case n > 5000:
		return vg.Points(0.6)
	}
	return vg.Points(1.2)
}

// traceFigure draws a recorded variable: every element when there are at
// most MaxTraces, else MaxTraces evenly spaced elements and the mean.
func traceFigure(path, format string, r *analysis.Run, tr *analysis.Trace, opt Options) error {
	p := gplot.New()
	p.Title.Text = title(r, tr.Monitor+"."+tr.Variable)
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = tr.Variable
	if u := opt.unit(tr); u != "" {
		p.Y.Label.Text += " (" + u + ")"
	}
	p.Add(plotter.NewGrid())
	// The legend gets a column of its own, right of the axes, so that it
	// never covers a curve.
	leg := gplot.NewLegend()
	entries := 0
	times := tr.Times()
	width := tr.Width()
	if tr.Steps() == 0 || width == 0 {
		p.Title.Text += " (no samples)"
	} else {
		picks := pick(width, opt.maxTraces())
		for i, k := range picks {
			ln, err := plotter.NewLine(decimate(times, tr.Column(k)))
			if err != nil {
				return err
			}
			ln.LineStyle.Width = vg.Points(1)
			ln.LineStyle.Color = plotutil.Color(i)
			p.Add(ln)
			if len(picks) > 1 || width > 1 {
				leg.Add(fmt.Sprintf("#%d", k), ln)
				entries++
			}
		}
		if len(picks) < width {
			ln, err := plotter.NewLine(decimate(times, tr.Mean()))
			if err != nil {
				return err
			}
			ln.LineStyle.Width = vg.Points(2)
			ln.LineStyle.Color = color.Black
			p.Add(ln)
			leg.Add(fmt.Sprintf("mean of %d", width), ln)
			entries++
		}
		if tr.Steps() == 1 {
			p.X.Min, p.X.Max = times[0]-1, times[0]+1
		}
	}
	leg.Top, leg.Left = true, true
	leg.Padding = vg.Points(1)
	return render(path, format, 8*vg.Inch, 4.5*vg.Inch, func(dc draw.Canvas) {
		if entries == 0 {
			p.Draw(pad(dc))
			return
		}
		const legendW = 1.3 * vg.Inch
		p.Draw(pad(draw.Crop(dc, 0, -legendW, 0, 0)))
		lc := draw.Crop(dc, dc.Max.X-dc.Min.X-legendW+vg.Points(8), 0, 0, -vg.Points(24))
		leg.Draw(lc)
	})
}

// pick returns min(n, k) evenly spaced indices in [0, n), first and last
// included.
func pick(n, k int) []int {
	if n <= k {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, k)
	for i := range out {
		if k == 1 {
			out[i] = 0
			continue
		}
		out[i] = int(math.Round(float64(i) * float64(n-1) / float64(k-1)))
	}
	return out
}

// maxPoints bounds the points of one drawn line; longer series are reduced
// to the minimum and maximum of each chunk, which keeps spikes and envelopes
// visible (plain striding would drop spikes).
const maxPoints = 4000

// decimate also drops non-finite samples (a diverging simulation), which
// gonum plot refuses to draw.
func decimate(t, y []float64) plotter.XYs {
	ft := make([]float64, 0, len(y))
	fy := make([]float64, 0, len(y))
	for i, v := range y {
		if finite(v) {
			ft = append(ft, t[i])
			fy = append(fy, v)
		}
	}
	t, y = ft, fy
	n := len(y)
	if n <= maxPoints {
		return xys(t, y)
	}
	chunk := (n + maxPoints/2 - 1) / (maxPoints / 2)
	out := make(plotter.XYs, 0, 2*(n/chunk+1))
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		imin, imax := lo, lo
		for i := lo; i < hi; i++ {
			if y[i] < y[imin] {
				imin = i
			}
			if y[i] > y[imax] {
				imax = i
			}
		}
		a, b := min(imin, imax), max(imin, imax)
		out = append(out, plotter.XY{X: t[a], Y: y[a]})
		if b != a {
			out = append(out, plotter.XY{X: t[b], Y: y[b]})
		}
	}
	return out
}

func xys(x, y []float64) plotter.XYs {
	out := make(plotter.XYs, len(x))
	for i := range out {
		out[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// metricLabel turns a metric name into an axis label with its unit
// ("pop_rate_hz" → "pop mean rate (Hz)").
func metricLabel(m string, syncBin float64) string {
	if s, ok := strings.CutSuffix(m, "_rate_hz"); ok {
		return s + " mean rate (Hz)"
	}
	if s, ok := strings.CutSuffix(m, "_mean"); ok {
		return s + " (mean over time and neurons)"
	}
	if s, ok := strings.CutSuffix(m, "_final"); ok {
		return s + " (final, mean over neurons)"
	}
	if s, ok := strings.CutSuffix(m, "_cv"); ok {
		return s + " mean ISI CV"
	}
	if s, ok := strings.CutSuffix(m, "_fano"); ok {
		return fmt.Sprintf("%s mean Fano factor (%.3g ms bins)", s, syncBin)
	}
	if s, ok := strings.CutSuffix(m, "_synchrony"); ok {
		return fmt.Sprintf("%s synchrony κ (%.3g ms bins)", s, syncBin)
	}
	return m
}

// sweepMetric is one summary value per sweep row.
type sweepMetric struct {
	name   string
	values []float64
}

// sweepMetrics returns the metrics of sweep.csv followed by, for every
// spiking monitor, the mean ISI CV, mean Fano factor and synchrony κ computed
// from each run's raster.
func sweepMetrics(s *analysis.Sweep, syncBin float64) ([]sweepMetric, error) {
	var out []sweepMetric
	for _, m := range s.Metrics {
		v, _ := s.Column(m)
		out = append(out, sweepMetric{m, v})
	}
	derived := map[string][]float64{}
	var order []string
	for i, row := range s.Rows {
		// A run that failed may have left nothing to read; its statistics
		// stay NaN and are left out of the figures. A run that has a
		// manifest must load.
		if row.Status == "error" || !analysis.IsRunDir(s.RunDir(row.Index)) {
			continue
		}
		r, err := s.LoadRun(i)
		if err != nil {
			return nil, err
		}
		sums, err := analysis.Summarize(r, syncBin)
		if err != nil {
			return nil, err
		}
		for _, sm := range sums {
			for _, kv := range []struct {
				suffix string
				v      float64
			}{{"_cv", sm.CV}, {"_fano", sm.Fano}, {"_synchrony", sm.Synchrony}} {
				name := sm.Monitor + kv.suffix
				col, ok := derived[name]
				if !ok {
					col = make([]float64, len(s.Rows))
					for k := range col {
						col[k] = math.NaN()
					}
					order = append(order, name)
				}
				col[i] = kv.v
				derived[name] = col
			}
		}
	}
	for _, name := range order {
		out = append(out, sweepMetric{name, derived[name]})
	}
	return out, nil
}

func sweepFigures(s *analysis.Sweep, opt Options, format string) ([]string, error) {
	syncBin := opt.SyncBin
	if syncBin == 0 {
		syncBin = analysis.DefaultSyncBin
	}
	metrics, err := sweepMetrics(s, syncBin)
	if err != nil {
		return nil, err
	}
	if len(metrics) == 0 {
		return nil, fmt.Errorf("%s: no metrics to plot (no metric columns and no spiking monitors)", filepath.Join(s.Dir, "sweep.csv"))
	}
	params := s.Params
	if len(params) == 0 {
		params = []string{"index"}
	}
	var written []string
	for _, m := range metrics {
		if !slices.ContainsFunc(m.values, finite) {
			continue // e.g. the CV of a monitor that never fired three times
		}
		for j, param := range params {
			x, _ := s.Column(param)
			var nominal []string
			if len(s.Params) > 0 && !s.Numeric(j) {
				// Values such as distributions: one slot per row, labelled
				// as written.
				for i, r := range s.Rows {
					x[i] = float64(i)
					nominal = append(nominal, r.Raw[j])
				}
			}
			name := "sweep." + results.FileStem(m.name)
			if len(params) > 1 {
				name += ".vs." + results.FileStem(param)
			}
			path := filepath.Join(s.Dir, name+"."+format)
			pts := overTrials(s, x, m.values)
			if err := sweepFigure(path, format, pts, nominal, param, metricLabel(m.name, syncBin), len(params) == 1 && nominal == nil); err != nil {
				return written, err
			}
			written = append(written, path)
		}
	}
	return written, nil
}

// trialPoint is the mean and standard deviation (divided by n) of a metric
// over the trials of one sweep point.
type trialPoint struct {
	x, mean, sd float64
	n           int // finite trials
}

// overTrials groups the rows of a sweep by point (the same swept values) and
// returns, per point in order of first appearance, the mean and spread of y
// over its trials; NaN values (a run without spikes for a ratio) are left
// out.
func overTrials(s *analysis.Sweep, x, y []float64) []trialPoint {
	var out []trialPoint
	at := map[string]int{}
	var vals [][]float64
	for i, r := range s.Rows {
		key := strings.Join(r.Raw, "\x00")
		k, ok := at[key]
		if !ok {
			k = len(out)
			at[key] = k
			out = append(out, trialPoint{x: x[i]})
			vals = append(vals, nil)
		}
		if finite(y[i]) {
			vals[k] = append(vals[k], y[i])
		}
	}
	for k, v := range vals {
		out[k].n = len(v)
		if len(v) == 0 {
			out[k].mean = math.NaN()
			continue
		}
		sum := 0.0
		for _, a := range v {
			sum += a
		}
		m := sum / float64(len(v))
		ss := 0.0
		for _, a := range v {
			ss += (a - m) * (a - m)
		}
		out[k].mean, out[k].sd = m, math.Sqrt(ss/float64(len(v)))
	}
	return out
}

// errPoints are points with symmetric vertical error bars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// sweepFigure plots the points' means against x, joined by a line when x is
// the only swept path, with ± one standard deviation over the trials when
// some point has several; nominal, when set, labels the x positions 0, 1, …
// instead of numbers.
func sweepFigure(path, format string, tps []trialPoint, nominal []string, param, label string, joined bool) error {
	sort.SliceStable(tps, func(i, j int) bool { return tps[i].x < tps[j].x })
	var kept plotter.XYs
	var errs plotter.YErrors
	trials := 0
	for _, tp := range tps {
		if tp.n > 0 {
			kept = append(kept, plotter.XY{X: tp.x, Y: tp.mean})
			errs = append(errs, struct{ Low, High float64 }{tp.sd, tp.sd})
			trials = max(trials, tp.n)
		}
	}
	p := gplot.New()
	p.Title.Text = label + " vs " + param
	if trials > 1 {
		p.Title.Text += fmt.Sprintf(" (mean ± SD over up to %d trials)", trials)
	}
	p.X.Label.Text = param
	p.Y.Label.Text = label
	p.Add(plotter.NewGrid())
	if nominal != nil {
		p.NominalX(nominal...)
	}
	if len(kept) > 0 {
		if joined {
			ln, err := plotter.NewLine(kept)
			if err != nil {
				return err
			}
			ln.LineStyle.Width = vg.Points(1.5)
			ln.LineStyle.Color = plotutil.Color(0)
			p.Add(ln)
		}
		sc, err := plotter.NewScatter(kept)
		if err != nil {
			return err
		}
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Radius = vg.Points(3)
		sc.GlyphStyle.Color = plotutil.Color(0)
		p.Add(sc)
		if trials > 1 {
			eb, err := plotter.NewYErrorBars(errPoints{kept, errs})
			if err != nil {
				return err
			}
			eb.LineStyle.Color = plotutil.Color(0)
			p.Add(eb)
		}
		// A margin of 5 % keeps the end points whole inside the axes.
		for _, ax := range []*gplot.Axis{&p.X, &p.Y} {
			if ax.Min == ax.Max {
				ax.Min, ax.Max = ax.Min-1, ax.Max+1
			}
			m := 0.05 * (ax.Max - ax.Min)
			ax.Min, ax.Max = ax.Min-m, ax.Max+m
		}
	}
	return render(path, format, 6*vg.Inch, 4.5*vg.Inch, func(dc draw.Canvas) { p.Draw(pad(dc)) })
}

// pad leaves a margin around a figure so that the last tick label and the
// legend are not cut at the edge.
func pad(dc draw.Canvas) draw.Canvas {
	return draw.Crop(dc, vg.Points(4), -vg.Points(12), vg.Points(4), -vg.Points(4))
}

// render draws onto a canvas of the format and writes it to path, via a
// temporary file so a failed write leaves no partial figure.
func render(path, format string, w, h vg.Length, drawFn func(draw.Canvas)) (err error) {
	c, err := draw.NewFormattedCanvas(w, h, format)
	if err != nil {
		return err
	}
	drawFn(draw.New(c))
	f, err := os.CreateTemp(filepath.Dir(path), ".plot-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = c.WriteTo(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// CreateTemp makes the file private; figures are shared as .npy are.
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
