"""The 11-point HH gamma sweep (g_max = 0.05 ... 0.15) driven from Python with
annc.parallel_run, against the same sweep through the CLI, on the same
compiled model: the overhead of the Python layer in percent.

    make build && /usr/bin/python3 bench/python_sweep.py [-reps 5] [-workers N]

CLI: `annc run -d BUILD examples/hh_gamma/model.yaml -seed 1 -sweep gaba.w=...
-workers N` (wall time of the whole command: up-to-date check, the runner
process, results written), and the runner alone (BUILD/bin/hh_gamma with the
same flags). Python: parallel_run over 11 new networks with the same seed
and weights, each returning its spike raster (what the CLI writes), in one
interpreter in which the model is already loaded. The runs alternate; medians
of -reps repetitions. Both produce the same spikes (checked). The same
parallel_run on one worker shows the speed-up of running on Go's goroutines.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "python"))

import numpy as np  # noqa: E402

import annc  # noqa: E402

W = [0.0005, 0.0006, 0.0007000000000000001, 0.0008, 0.0009, 0.001, 0.0011, 0.0012, 0.0013,
     0.0014000000000000002, 0.0015]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-reps", type=int, default=5)
    ap.add_argument("-workers", type=int, default=os.cpu_count())
    a = ap.parse_args()
    binary = annc.model.annc_binary()
    model_file = os.path.join(REPO, "examples", "hh_gamma", "model.yaml")
    tmp = tempfile.mkdtemp(prefix="annc-pybench-")
    build = os.path.join(tmp, "build")
    model = annc.compile(model_file, build, annc=binary)
    runner = os.path.join(build, "bin", "hh_gamma")
    flags = ["-seed", "1", "-sweep", "gaba.w=" + ",".join(repr(w) for w in W), "-workers", str(a.workers)]

    def run(idx, net, w):
        net.gaba.w = w
        net.simulate(500.0)
        return net.monitors["P"].raster_plot()

    cpu = {}

    def timed(fn, key):
        # Wall time, and CPU time (user + system) of this process and of the
        # children it waited for: on a loaded machine CPU time shows the work
        # done, which wall time hides under waiting.
        def now():
            s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
        t0, c0 = time.perf_counter(), now()
        out = fn()
        cpu.setdefault(key, []).append(now() - c0)
        return time.perf_counter() - t0, out

    cli, alone, py, seq = [], [], [], []
    for rep in range(a.reps):
        out = os.path.join(tmp, "cli-%d" % rep)
        t, p = timed(lambda: subprocess.run([binary, "run", "-d", build, model_file] + flags + ["-out", out],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True), "cli")
        if p.returncode != 0:
            sys.exit("annc run failed:\n" + p.stderr)
        cli.append(t)
        t, p = timed(lambda: subprocess.run([runner] + flags + ["-out", os.path.join(tmp, "runner-%d" % rep)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True), "alone")
        if p.returncode != 0:
            sys.exit("runner failed:\n" + p.stderr)
        alone.append(t)
        t, res = timed(lambda: annc.parallel_run(run, number=len(W), model=model, seeds=1, same_seed=True, w=W,
                                                 max_processes=a.workers), "py")
        py.append(t)
        t, _ = timed(lambda: annc.parallel_run(run, number=len(W), model=model, seeds=1, same_seed=True, w=W,
                                               max_processes=1), "seq")
        seq.append(t)
        sweep = annc.load_sweep(out)
        for i, (times, ranks) in enumerate(res):
            r = sweep.run(i)
            if times.tobytes() != r["P.spike_times"].tobytes() or ranks.tobytes() != r["P.spike_ranks"].tobytes():
                sys.exit("run %d: Python and CLI spikes differ" % i)

    m_cli, m_alone, m_py, m_seq = (statistics.median(x) for x in (cli, alone, py, seq))
    spikes = sum(len(t) for t, _ in res)
    print("HH gamma sweep x%d, 500 ms each, %d workers, %d spikes in all (same in both), median of %d:"
          % (len(W), a.workers, spikes, a.reps))
    c = {k: statistics.median(v) for k, v in cpu.items()}
    for name, m, xs, k in (("CLI  annc run -sweep", m_cli, cli, "cli"), ("CLI  runner alone", m_alone, alone, "alone"),
                           ("Python parallel_run", m_py, py, "py"), ("Python, one worker", m_seq, seq, "seq")):
        print("  %-22s wall %7.3f s  cpu %7.3f s  (wall %s)" % (name, m, c[k], " ".join("%.3f" % x for x in xs)))
    print("parallel_run speed-up on %d workers: %.2f" % (a.workers, m_seq / m_py))
    print("Python overhead, wall: %+.1f %% against annc run, %+.1f %% against the runner alone"
          % (100 * (m_py - m_cli) / m_cli, 100 * (m_py - m_alone) / m_alone))
    print("Python overhead, cpu:  %+.1f %% against annc run, %+.1f %% against the runner alone"
          % (100 * (c["py"] - c["cli"]) / c["cli"], 100 * (c["py"] - c["alone"]) / c["alone"]))


if __name__ == "__main__":
    main()
