package e2e

import (
	"strconv"
	"testing"
)

// BenchmarkHHSweep runs the 11-point sweep of examples/hh_gamma (gaba.w =
// g_max/100, g_max = 0.05 ... 0.15, 500 ms each) b.N times sequentially and
// b.N times with ParallelRunArgs (GOMAXPROCS workers) in the program built
// for the tests, and reports the wall and CPU seconds per sweep of each and
// the speed-up; ns/op is the parallel sweep. The rates of both must agree.
func BenchmarkHHSweep(b *testing.B) {
	program(b)
	var got struct {
		SeqS, ParS     float64
		SeqCPU, ParCPU float64
		Same           bool
		Rates          []float64
		Gomaxprocs     int
	}
	b.ResetTimer()
	run(b, &got, nil, "sweep", "-n", strconv.Itoa(b.N))
	if !got.Same {
		b.Fatalf("parallel and sequential sweeps differ: %v", got.Rates)
	}
	b.ReportMetric(got.ParS*1e9, "ns/op")
	b.ReportMetric(got.SeqS, "seq-s/sweep")
	b.ReportMetric(got.ParS, "par-s/sweep")
	b.ReportMetric(got.SeqS/got.ParS, "speedup")
	// CPU seconds of each: equal values mean the parallel sweep does no
	// extra work. With whole runs only, 11 runs on 2 workers could not go
	// beyond 11/6 = 1.83; the worker left without a run helps with the
	// steps of the last one (Core.Split).
	b.ReportMetric(got.SeqCPU, "seq-cpu-s/sweep")
	b.ReportMetric(got.ParCPU, "par-cpu-s/sweep")
	b.ReportMetric(float64(got.Gomaxprocs), "procs")
	b.Logf("mean rates (Hz) for g_max 0.05 ... 0.15: %.2f", got.Rates)
}

// BenchmarkRepeatRuns makes b.N runs of one compiled network (Reset, new
// Poisson rates, 20 ms of testdata/api.yaml, monitors drained) and reports
// the time and allocations per run and the heap growth (after GC) over all
// runs; New is called once.
func BenchmarkRepeatRuns(b *testing.B) {
	program(b)
	var got repeatOut
	b.ResetTimer()
	run(b, &got, nil, "repeat", "-runs", strconv.Itoa(max(b.N, 1000)))
	if !got.SameConn {
		b.Fatal("the connectivity was rebuilt")
	}
	b.ReportMetric(got.MsPerRun*1e6, "ns/op")
	b.ReportMetric(got.AllocsPerRun, "allocs/run")
	b.ReportMetric(float64(got.HeapAfter-got.HeapBefore), "heap-growth-B")
	b.ReportMetric(float64(got.Runs), "runs")
	b.ReportMetric(got.NewMs*1e6, "New-ns")
}

// BenchmarkHHThreads runs 500 ms of examples/hh_gamma on one network with
// its steps on 1 goroutine and on 2 (WithThreads), b.N times each, and
// reports the seconds per run of each and the speed-up; ns/op is the run
// on 2 goroutines. Both must give the same spikes.
func BenchmarkHHThreads(b *testing.B) {
	program(b)
	var got struct {
		OneS, TwoS     float64
		OneCPU, TwoCPU float64
		Same           bool
	}
	b.ResetTimer()
	run(b, &got, nil, "threads", "-n", strconv.Itoa(b.N))
	if !got.Same {
		b.Fatal("1 and 2 goroutines give different results")
	}
	b.ReportMetric(got.TwoS*1e9, "ns/op")
	b.ReportMetric(got.OneS, "1thread-s/run")
	b.ReportMetric(got.TwoS, "2threads-s/run")
	b.ReportMetric(got.OneS/got.TwoS, "speedup")
	b.ReportMetric(got.OneCPU, "1thread-cpu-s/run")
	b.ReportMetric(got.TwoCPU, "2threads-cpu-s/run")
}
