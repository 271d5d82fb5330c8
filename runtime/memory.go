package runtime

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// MonitorBytes estimates the memory the monitors will hold after recording
// for steps more steps: each recording monitor keeps one float64 per
// recorded value per frame plus the frame's step (8 bytes), on top of what
// it already holds. Spikes are not counted (their number is not known in
// advance) and streaming monitors hold nothing.
func MonitorBytes(mons []*Monitor, steps int64) int64 {
	var total float64
	for _, m := range mons {
		if m == nil || m.Streaming() || len(m.Vars) == 0 {
			continue
		}
		per := 0
		held := 0
		for i := range m.Vars {
			per += m.Vars[i].size
			held += len(m.Vars[i].Data)
		}
		total += 8 * float64(held+len(m.frameSteps))
		if m.recording && steps > 0 {
			frames := float64((steps + m.PeriodSteps - 1) / m.PeriodSteps)
			total += frames * 8 * float64(per+1)
		}
	}
	if total > math.MaxInt64/2 {
		return math.MaxInt64 / 2
	}
	return int64(total)
}

// monitorBreakdown describes what each recording monitor would hold, largest
// first, for the -max-memory message.
func monitorBreakdown(mons []*Monitor, steps int64) string {
	type part struct {
		name  string
		bytes int64
		per   int
	}
	var parts []part
	for _, m := range mons {
		b := MonitorBytes([]*Monitor{m}, steps)
		if b == 0 {
			continue
		}
		per := 0
		for i := range m.Vars {
			per += m.Vars[i].size
		}
		parts = append(parts, part{m.Name, b, per})
	}
	// insertion sort, largest first (few monitors)
	for i := 1; i < len(parts); i++ {
		for j := i; j > 0 && parts[j].bytes > parts[j-1].bytes; j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	var b strings.Builder
	for i, p := range parts {
		if i == 3 {
			fmt.Fprintf(&b, ", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s (%d values per frame)", p.name, FormatBytes(p.bytes), p.per)
	}
	return b.String()
}

// FormatBytes prints a byte count with a binary unit: "512 B", "1.5 KiB",
// "3.2 GiB".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	x := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		x /= unit
		if x < unit || u == "PiB" {
			return strconv.FormatFloat(x, 'f', 1, 64) + " " + u
		}
	}
	return fmt.Sprintf("%d B", n)
}

// ParseBytes reads a memory size: a number of bytes, optionally with a unit
// (B, K/KB = 1000, KiB = 1024, and likewise M, G, T; case-insensitive, "K",
// "M", "G" and "T" alone are binary as in ulimit). "0", "off" and "none"
// mean no limit and give 0.
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "off" || t == "none" || t == "unlimited" {
		return 0, nil
	}
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	x, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" {
		return 0, fmt.Errorf("%q is not a memory size (examples: 4GiB, 500MB, 0 for no limit)", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
		"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("%q: unknown unit %q (use B, KB, MB, GB, TB or KiB, MiB, GiB, TiB)", s, unit)
	}
	v := x * mult
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return int64(v), nil
}

// MemTotal reads the machine's RAM in bytes from a /proc/meminfo-style file;
// 0 when it cannot be read.
func MemTotal(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kb <= 0 {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// DefaultMaxMemory is the default of -max-memory: half the machine's RAM
// (from /proc/meminfo), or 0 (no limit) where that is not known.
func DefaultMaxMemory() int64 { return MemTotal("/proc/meminfo") / 2 }

// checkMemory refuses a run whose monitors and synapses (projs, as
// ProjectionMemory lists them) would hold more than limit bytes (0: no
// limit) while `parallel` runs like it are held at once.
func checkMemory(mons []*Monitor, projs []ProjMemory, steps int64, parallel int, limit int64, durationMs float64) error {
	if limit <= 0 {
		return nil
	}
	mon := MonitorBytes(mons, steps)
	var syn int64
	for _, p := range projs {
		syn += p.Bytes
	}
	per := mon + syn
	total := per
	if parallel > 1 {
		total = per * int64(parallel)
		if total/int64(parallel) != per {
			total = math.MaxInt64
		}
	}
	if total <= limit {
		return nil
	}
	what := "the monitors would hold about " + FormatBytes(mon)
	if syn > 0 {
		what += fmt.Sprintf(" and the synapses %s, %s in all,", FormatBytes(syn), FormatBytes(per))
	}
	if parallel > 1 {
		what += fmt.Sprintf(" per run for %g ms, %s for %d runs in parallel", durationMs, FormatBytes(total), parallel)
	} else {
		what += fmt.Sprintf(" for %g ms", durationMs)
	}
	parts := monitorBreakdown(mons, steps)
	if s := projBreakdown(projs); s != "" {
		if parts != "" {
			parts += "; "
		}
		parts += s
	}
	return fmt.Errorf("%s (%s), more than -max-memory %s: record every few steps with a monitor's period, "+
		"record fewer variables or neurons, run with -stream to write the records to disk while simulating, "+
		"or raise -max-memory (0 for no limit)", what, parts, FormatBytes(limit))
}

// projBreakdown lists what each projection holds and its storage layout,
// for the -max-memory message.
func projBreakdown(projs []ProjMemory) string {
	var b strings.Builder
	for i, p := range projs {
		if i > 0 {
			b.WriteString(", ")
		}
		per := 0.0
		if p.Synapses > 0 {
			per = float64(p.Bytes) / float64(p.Synapses)
		}
		fmt.Fprintf(&b, "projection %s %s (%d synapses, %.1f bytes each, %s)", p.Name, FormatBytes(p.Bytes), p.Synapses, per, p.Layout)
	}
	return b.String()
}
