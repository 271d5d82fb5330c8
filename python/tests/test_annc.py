"""Tests of the Python package against the Go side of annc.

The model of testdata/model.yaml is compiled once (annc compile --python) into
a temporary build directory; the CLI runner of the same build is the
reference for monitor data, a Go program using the generated package's Every
the reference for callback steps. Needs annc ($ANNC_BIN, or bin/annc of the
source tree), Go and a C compiler.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import annc  # noqa: E402

MODEL = os.path.join(HERE, "testdata", "model.yaml")
TMP = None
BUILD = None
model = None


def setUpModule():
    global TMP, BUILD, model
    TMP = tempfile.mkdtemp(prefix="annc-pytest-")
    BUILD = os.path.join(TMP, "build")
    model = annc.compile(MODEL, BUILD)


def tearDownModule():
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


def annc_run(*args):
    p = subprocess.run([annc.model.annc_binary(), "run", "-d", BUILD, MODEL] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise AssertionError("annc run failed:\n" + p.stderr)


class TestCLIParity(unittest.TestCase):
    def test_monitor_data_byte_identical_to_runner(self):
        out = os.path.join(TMP, "cli")
        annc_run("-seed", "7", "-duration", "60", "-set", "P.tau=12", "-set", "inp.rates=40", "-out", out)
        run = annc.load(out)
        self.assertEqual(run.status, "ok")
        np.testing.assert_array_equal(run.times["m.v"], np.arange(60.0))
        self.assertAlmostEqual(run.spikes["m"].mean_fr(), len(run["m.spike_times"]) / (30 * 0.06), places=12)
        for threads in (1, 2):
            net = model.network(seed=7, threads=threads)
            net.P.tau = 12.0
            net.inp.rates = 40.0
            net.simulate(60)
            mons = net.monitors
            raster = mons["m"].raster_plot()
            times = {name: m.times() for name, m in mons.items()}
            checked = 0
            for fe in run.manifest["files"]:
                want = run.arrays[fe["monitor"] + "." + fe["variable"]]
                mon = mons[fe["monitor"]]
                if fe["variable"] == "spike_times":
                    got = raster[0]
                elif fe["variable"] == "spike_ranks":
                    got = raster[1]
                elif fe["variable"] == "t":
                    got = times[fe["monitor"]]
                elif fe["variable"] in ("pre", "post"):
                    got = mon.synapses()[fe["variable"] == "post"]
                else:
                    got = mon.get(fe["variable"])
                self.assertEqual(got.dtype, want.dtype, fe["file"])
                self.assertEqual(got.shape, want.shape, fe["file"])
                self.assertEqual(got.tobytes(), want.tobytes(), "%s differs (threads %d)" % (fe["file"], threads))
                checked += 1
            # spike times and ranks, m.t, m.v, m.count, w.t, w.pre, w.post, w.w
            self.assertEqual(checked, 9)
            self.assertGreater(len(raster[0]), 0)


EVERY_GO = r'''
package main

import (
	"fmt"

	model "%s/pytest_net"
)

func main() {
	n, err := model.New(model.WithSeed(3))
	if err != nil {
		panic(err)
	}
	for i, c := range [][3]float64{{7.5, 2, 0}, {10, -1.5, 4}, {0.2, 0, 50}, {3.3, 0.7, 1.2}, {20, 25, 0}} {
		i := i
		n.Every(c[0], c[1], c[2], func(k int) { fmt.Printf("%%d %%d %%d\n", i, k, n.CurrentStep()) })
	}
	n.Simulate(40.25)
	n.Simulate(30)
	n.Step()
	n.Simulate(12)
	n.DisableCallbacks()
	n.Simulate(20)
	n.EnableCallbacks()
	n.Simulate(15)
	fmt.Println("end", n.CurrentStep())
}
'''


class TestEvery(unittest.TestCase):
    def test_every_fires_at_the_steps_of_go_every(self):
        with open(os.path.join(BUILD, "go.mod")) as f:
            module = next(l.split()[1] for l in f if l.startswith("module "))
        d = os.path.join(BUILD, "everyref")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "main.go"), "w") as f:
            f.write(EVERY_GO % module)
        env = dict(os.environ, GOWORK="off", GOPROXY="off")
        p = subprocess.run(["go", "run", "./everyref"], cwd=BUILD, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        want = p.stdout.split("\n")

        net = model.network(seed=3)
        got = []
        for i, (period, offset, wait) in enumerate([(7.5, 2, 0), (10, -1.5, 4), (0.2, 0, 50), (3.3, 0.7, 1.2), (20, 25, 0)]):
            def cb(k, i=i):
                got.append("%d %d %d" % (i, k, net.current_step))
            if i % 2:
                annc.every(period, offset, wait, net=net)(cb)
            else:
                net.every(period, offset=offset, wait=wait)(cb)
        net.simulate(40.25)
        net.simulate(30)
        net.step()
        net.simulate(12)
        net.disable_callbacks()
        net.simulate(20)
        net.enable_callbacks()
        net.simulate(15)
        got.append("end %d" % net.current_step)
        self.assertEqual(got, [l for l in want if l])
        self.assertGreater(len(got), 30)

    def test_callback_sees_and_changes_the_network(self):
        net = model.network(seed=4)
        seen = []

        @net.every(10.0)
        def drive(n):
            seen.append(net.time)
            net.P.I = 5.0 * n

        net.simulate(35)
        self.assertEqual(seen, [0.0, 10.0, 20.0, 30.0])
        np.testing.assert_array_equal(net.P.I, np.full((6, 5), 15.0))

    def test_exception_in_callback_propagates(self):
        net = model.network(seed=4)

        @net.every(5.0, wait=10.0)
        def boom(n):
            raise RuntimeError("stop here")

        with self.assertRaisesRegex(RuntimeError, "stop here"):
            net.simulate(50)
        self.assertEqual(net.time, 10.0)


def run_one(idx, net, rate, scale):
    net.inp.rates = rate
    net.exc.w = net.exc.w * scale
    net.simulate(50)
    t, r = net.monitors["m"].raster_plot()
    return t, r, net.monitors["m"].get("v"), net.exc.w, net.time


class TestParallelRun(unittest.TestCase):
    def assertSameResults(self, a, b):
        self.assertEqual(len(a), len(b))
        for x, y in zip(a, b):
            for u, v in zip(x[:4], y[:4]):
                self.assertEqual(u.tobytes(), v.tobytes())
            self.assertEqual(x[4], y[4])

    def test_eight_networks_equal_eight_sequential_runs(self):
        seeds = [100 + i for i in range(8)]
        rates = [10.0 + 5 * i for i in range(8)]
        par = annc.parallel_run(run_one, number=8, model=model, seeds=seeds, rate=rates, scale=0.9, max_processes=3)
        seq = [run_one(i, model.network(seed=seeds[i]), rates[i], 0.9) for i in range(8)]
        self.assertSameResults(par, seq)
        self.assertGreater(sum(len(p[0]) for p in par), 0)
        # Any number of workers, and threads per network, give the same.
        par1 = model.parallel_run(run_one, number=8, seeds=seeds, rate=rates, scale=0.9, max_processes=1, threads=2)
        self.assertSameResults(par1, seq)

    def test_settings_are_set_in_go(self):
        seeds = [300 + i for i in range(4)]
        sets = [{"inp.rates": 10.0 * (i + 1), "P.tau": "12.5", "P.I": np.full(30, float(i))} for i in range(4)]

        def read(i, net):
            return net.inp.rates[0], net.P.tau, net.P.I[0, 0]

        res = annc.parallel_run(read, number=4, model=model, seeds=seeds, settings=sets)
        self.assertEqual(res, [(10.0 * (i + 1), 12.5, float(i)) for i in range(4)])
        with self.assertRaisesRegex(annc.AnncError, 'network 1: .*did you mean P.tau'):
            annc.parallel_run(read, number=2, model=model, seeds=1, settings=[{}, {"P.tauu": 1}])

    def test_given_networks_keep_their_state(self):
        nets = [model.network(seed=200 + i) for i in range(4)]
        res = annc.parallel_run(run_one, networks=nets, rate=[20.0] * 4, scale=1.0)
        seq = [run_one(i, model.network(seed=200 + i), 20.0, 1.0) for i in range(4)]
        self.assertSameResults(res, seq)
        self.assertEqual([n.time for n in nets], [50.0] * 4)

    def test_same_seed_is_a_cli_sweep(self):
        out = os.path.join(TMP, "sweep")
        annc_run("-seed", "5", "-duration", "40", "-sweep", "inp.rates=10,30,50", "-out", out, "-workers", "2")
        sw = annc.load_sweep(out)
        self.assertEqual(len(sw), 3)
        cols = sw.columns
        np.testing.assert_array_equal(cols["inp.rates"], [10, 30, 50])

        def rate(i, net, r):
            net.inp.rates = r
            net.simulate(40)
            return net.seed, net.monitors["m"].mean_fr()

        res = annc.parallel_run(rate, number=3, model=model, seeds=5, same_seed=True, r=[10.0, 30.0, 50.0])
        self.assertEqual([s for s, _ in res], list(cols["seed"]))
        np.testing.assert_allclose([fr for _, fr in res], cols["m_rate_hz"], rtol=1e-9)
        run1 = sw.run(1)
        self.assertEqual(run1.seed, res[1][0])
        self.assertIn("m.v", run1)

    def test_swept_seed_is_one_column(self):
        # sweep.csv has one seed column, the run's, also when the seed is
        # swept with trials (where a point's seed and its runs' differ).
        out = os.path.join(TMP, "seedsweep")
        annc_run("-duration", "20", "-sweep", "seed=3,4", "-trials", "2", "-out", out, "-workers", "2")
        sw = annc.load_sweep(out)
        self.assertEqual(sw.fields.count("seed"), 1)
        self.assertEqual(sw.fields[:4], ["index", "seed", "trial", "status"])
        seeds = [sw.run(i).seed for i in range(4)]
        self.assertEqual(list(sw.columns["seed"]), seeds)
        self.assertEqual(seeds[0], 3)
        self.assertEqual(seeds[2], 4)
        self.assertNotIn(seeds[1], (3, 4))

    def test_exception_in_method_is_raised_after_the_runs(self):
        def bad(i, net):
            if i == 2:
                raise ValueError("bad network")
            net.simulate(5)
            return i

        with self.assertRaisesRegex(annc.AnncError, "network 2: ValueError: bad network"):
            annc.parallel_run(bad, number=4, model=model, seeds=1)

    def test_trial_seeds(self):
        res = annc.parallel_run(lambda i, net: net.seed, number=3, model=model, seeds=11)
        self.assertEqual(res[0], 11)
        self.assertEqual(len(set(res)), 3)


class TestErrors(unittest.TestCase):
    def setUp(self):
        self.net = model.network(seed=1)

    def test_unknown_names_raise_with_did_you_mean(self):
        net = self.net
        cases = [
            (lambda: net.P.tauu, AttributeError, 'unknown attribute of population P "tauu"; did you mean tau?'),
            (lambda: setattr(net.P, "tauu", 1.0), AttributeError, "did you mean tau?"),
            (lambda: net.get("P.tauu"), KeyError, 'unknown path "P.tauu"; did you mean P.tau?'),
            (lambda: net.PP, AttributeError, 'unknown population or projection "PP"; did you mean P?'),
            (lambda: net.exc.ww, AttributeError, "did you mean w?"),
            (lambda: net.constants.E_inhh, AttributeError, 'unknown constant "E_inhh"; did you mean E_inh?'),
            (lambda: net.monitors["mm"], KeyError, 'unknown monitor "mm"; did you mean m?'),
            (lambda: net.monitors["m"].get("vv"), KeyError, "did you mean v?"),
            (lambda: net.enable_learning(["exx"]), annc.AnncError, 'unknown projection "exx"; did you mean exc?'),
            (lambda: net.simulate_until(10, populations=["Q"]), annc.AnncError, 'unknown population "Q"'),
        ]
        for fn, exc, msg in cases:
            with self.assertRaises(exc) as cm:
                fn()
            self.assertIsInstance(cm.exception, annc.UnknownNameError)
            self.assertIn(msg, str(cm.exception))

    def test_wrong_sizes_and_values_raise(self):
        net = self.net
        cases = [
            (lambda: setattr(net.P, "v", np.zeros(7)), "P.v: 7 values for 30 elements"),
            (lambda: setattr(net.P, "tau", [1.0, 2.0]), "P.tau: one value expected, got 2"),
            (lambda: setattr(net.exc, "w", np.ones(3)), "exc.w: 3 values for"),
            (lambda: setattr(net.P, "v", "Uniform(1)"), "P.v"),
            (lambda: setattr(net.P, "v", []), "P.v: empty value"),
            (lambda: setattr(net.P, "v", "abc"), "P.v"),
            (lambda: net.simulate(float("nan")), "duration must be finite"),
            (lambda: net.simulate_until(10, populations=["inp"]), "population inp has no stop_condition"),
            (lambda: net.simulate_until(10, operator="xor"), "operator"),
            (lambda: net.every(0.0)(print), "period must be positive"),
        ]
        for fn, msg in cases:
            with self.assertRaises(ValueError) as cm:
                fn()
            self.assertIsInstance(cm.exception, annc.AnncError)
            self.assertIn(msg, str(cm.exception))
        # The network is intact after every failure.
        np.testing.assert_array_equal(net.P.v, np.full((6, 5), -60.0))
        net.simulate(5)
        self.assertEqual(net.time, 5.0)

    def test_freed_network(self):
        net = model.network(seed=1)
        net.free()
        with self.assertRaisesRegex(annc.AnncError, "network was freed"):
            net.simulate(1)

    def test_compile_error_has_position(self):
        bad = os.path.join(TMP, "bad.yaml")
        with open(MODEL) as f:
            src = f.read()
        with open(bad, "w") as f:
            f.write(src.replace("spike: v > v_th", "spike: v > v_thh"))
        with self.assertRaises(annc.CompileError) as cm:
            annc.compile(bad, os.path.join(TMP, "badbuild"))
        self.assertIn("bad.yaml:", str(cm.exception))
        self.assertIn("v_thh", str(cm.exception))


class TestStatistics(unittest.TestCase):
    def test_reference_raster(self):
        # The raster and numpy-computed values the Go analysis package is
        # checked against (50 neurons, 200 ms).
        ref = os.path.join(HERE, "..", "..", "analysis", "testdata", "reference")
        with open(os.path.join(ref, "expected.json")) as f:
            want = __import__("json").load(f)
        s = annc.Spikes(np.load(os.path.join(ref, "times.npy")), np.load(os.path.join(ref, "ranks.npy")),
                        50, 0.0, 200.0, 0.1)
        self.assertEqual(len(s.times), want["spikes"])
        self.assertAlmostEqual(s.mean_fr(), want["rate_hz"], delta=1e-12 * want["rate_hz"])
        for b in (1, 2, 7):
            k = want["kappa_%dms" % b]
            self.assertAlmostEqual(s.cross_correlation(b), k, delta=1e-12)
        self.assertEqual(s.histogram(10.0).sum(), want["spikes"])
        self.assertEqual(len(s.histogram(10.0)), 20)

    def test_gaussian_smooth(self):
        x = np.zeros(41)
        x[20] = 1.0
        y = annc.gaussian_smooth(x, 1.0, 2.0)
        w = np.exp(-0.5 * (np.arange(-8, 9) / 2.0) ** 2)
        np.testing.assert_allclose(y[12:29], w / w.sum(), rtol=1e-12)
        self.assertEqual(y[11], 0.0)
        np.testing.assert_allclose(annc.gaussian_smooth(np.ones(5), 1.0, 3.0), np.ones(5), rtol=1e-12)


class TestNetwork(unittest.TestCase):
    def test_attributes(self):
        net = model.network(seed=2)
        self.assertEqual(net.P.v.shape, (6, 5))
        self.assertEqual(net.P.geometry, (6, 5))
        self.assertEqual(net.P.size, 30)
        self.assertEqual(net.P.count.dtype, np.int64)
        self.assertEqual(net.P.tau, 10.0)
        net.P.tau = 20.0
        self.assertEqual(net.P.tau, 20.0)
        v = np.random.default_rng(0).uniform(-60, -50, (6, 5))
        net.P.v = v
        np.testing.assert_array_equal(net.P.v, v)
        net.P.I = np.arange(30.0)
        np.testing.assert_array_equal(net.P.I.ravel(), np.arange(30.0))
        self.assertEqual(net.constants.E_inh, -80.0)
        net.constants.E_inh = -75.0
        self.assertEqual(net.constants.E_inh, -75.0)
        w = net.exc.w
        self.assertEqual(w.shape, (net.exc.size,))
        self.assertTrue(np.all((w >= 0.05) & (w < 0.15)))
        net.inp.rates = 20.0
        np.testing.assert_array_equal(net.inp.rates, np.full(40, 20.0))
        net.P.v = "Uniform(-70, -60)"
        self.assertTrue(np.all((net.P.v >= -70) & (net.P.v < -60)))
        paths = net.paths()
        self.assertEqual(paths["P.v"]["shape"], (6, 5))
        self.assertEqual(paths["exc.w"]["shape"], (net.exc.size,))
        self.assertEqual(paths["E_inh"]["shape"], ())
        self.assertEqual(paths["P.count"]["dtype"], "int64")

    def test_reset_repeats_and_seed_changes(self):
        net = model.network(seed=9)
        w0 = net.exc.w
        net.simulate(30)
        a = net.monitors["m"].get("v")
        learned = net.exc.w
        self.assertTrue(np.any(learned != w0))
        net.reset()  # keeps the learned weights, as ANNarchy's reset does
        self.assertEqual(net.time, 0.0)
        np.testing.assert_array_equal(net.exc.w, learned)
        net.reset(synapses=True)  # connectivity and weights drawn again: the first run again
        np.testing.assert_array_equal(net.exc.w, w0)
        net.simulate(30)
        b = net.monitors["m"].get("v")
        self.assertEqual(a.tobytes(), b.tobytes())
        net.reset(synapses=True)
        net.set_seed(10)
        net.simulate(30)
        self.assertNotEqual(net.monitors["m"].get("v").tobytes(), a.tobytes())
        self.assertEqual(net.seed, 10)

    def test_save_and_load_continue_exactly(self):
        path = os.path.join(TMP, "state.npz")
        net = model.network(seed=21)
        net.P.I = 10.0
        net.simulate(20)
        net.monitors["m"].get()
        net.save(path)
        net.simulate(20)
        want = net.monitors["m"].get(["v", "spike"])
        other = model.network(seed=99)
        other.load(path)
        self.assertEqual(other.time, 20.0)
        np.testing.assert_array_equal(other.P.I, np.full((6, 5), 10.0))
        other.simulate(20)
        got = other.monitors["m"].get(["v", "spike"])
        net.save(path)
        self.assertEqual(got["v"].tobytes(), want["v"].tobytes())
        self.assertEqual(got["spike"].times.tobytes(), want["spike"].times.tobytes())
        self.assertEqual(int(np.load(path)["Step"]), 80)  # a .npz NumPy reads: 40 ms of 0.5 ms steps
        with self.assertRaises(annc.AnncError):
            other.load(os.path.join(TMP, "missing.npz"))

    def test_step_time_and_simulate_until(self):
        net = model.network(seed=3)
        net.step()
        self.assertEqual((net.time, net.current_step), (0.5, 1))
        net.P.I = 40.0
        ms = net.simulate_until(500.0, populations=["P"])
        self.assertLess(ms, 500.0)
        self.assertEqual(ms % 0.5, 0.0)
        self.assertGreater(net.P.count.max(), 2)
        self.assertEqual(model.network(seed=3).simulate_until(20.0, populations=[], operator="or"), 20.0)

    def test_learning_switch(self):
        net = model.network(seed=4)
        net.inp.rates = 100.0
        w0 = net.exc.w
        net.disable_learning()
        net.simulate(20)
        np.testing.assert_array_equal(net.exc.w, w0)
        net.enable_learning([net.exc])
        net.simulate(20)
        self.assertTrue(np.any(net.exc.w != w0))

    def test_monitor_statistics(self):
        net = model.network(seed=5)
        net.P.I = 20.0
        m = net.monitors["m"]
        net.simulate(100)
        spikes = m.get("spike")
        t, n = m.raster_plot(spikes)
        self.assertEqual(sum(len(v) for v in spikes.values()), len(t))
        for rank, times in spikes.items():
            np.testing.assert_array_equal(times, t[n == rank])
        h = m.histogram(spikes, bins=10.0)
        self.assertEqual(h.shape, (10,))
        self.assertEqual(h.sum(), len(t))
        self.assertEqual(m.mean_fr(spikes), len(t) / (30 * 0.1))
        r = m.population_rate(spikes)
        self.assertEqual(r.shape, (200,))
        self.assertAlmostEqual(r.mean(), m.mean_fr(spikes), places=9)
        smooth = m.population_rate(spikes, smooth=5.0)
        self.assertAlmostEqual(smooth.mean(), r.mean(), delta=0.2 * r.mean())
        # What get returned is gone; pause and resume.
        self.assertEqual(len(m.raster_plot()[0]), 0)
        self.assertEqual(m.get("v").shape, (100, 6, 5))
        m.pause()
        net.simulate(10)
        self.assertEqual(m.get("v").shape, (0, 6, 5))
        m.resume()
        net.simulate(10)
        self.assertEqual(m.get("v").shape, (10, 6, 5))
        self.assertEqual(net.monitors["w"].get("w").shape[1], net.exc.size)

    def test_compile_is_cached(self):
        again = annc.compile(MODEL, BUILD)
        self.assertIn("up to date", again.compile_log)
        self.assertIs(again._lib, model._lib)


if __name__ == "__main__":
    unittest.main()


class TestStructural(unittest.TestCase):
    """Structural plasticity started and stopped from Python: synapses are
    pruned and created only while started, and the same calls give the same
    synapses as the runner's schedule of testdata/structural.yaml."""

    @classmethod
    def setUpClass(cls):
        cls.model_path = os.path.join(HERE, "testdata", "structural.yaml")
        cls.build = os.path.join(TMP, "structural")
        cls.model = annc.compile(cls.model_path, cls.build)

    def test_start_and_stop(self):
        net = self.model.network()
        n0 = net.proj.size
        net.simulate(30)
        self.assertEqual(net.proj.size, n0)  # nothing evaluated before start_pruning
        net.proj.start_pruning(period=10.0)
        net.simulate(30)
        n1 = net.proj.size
        self.assertLess(n1, n0)
        net.stop_pruning()
        net.simulate(20)
        self.assertEqual(net.proj.size, n1)
        net.start_creating(period=5.0, offset=2.0)
        net.simulate(20)
        n2 = net.proj.size
        self.assertGreater(n2, n1)
        net.proj.stop_creating()
        net.simulate(10)
        self.assertEqual(net.proj.size, n2)

        # The runner's schedule makes the same calls: the same synapses.
        mine, theirs = os.path.join(TMP, "structural_py.npz"), os.path.join(TMP, "structural_go.npz")
        net.save(mine)
        p = subprocess.run([annc.model.annc_binary(), "run", "-d", self.build, self.model_path,
                            "-save", theirs, "-out", os.path.join(TMP, "structural_res")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        a, b = np.load(mine), np.load(theirs)
        for key in ("Step", "Proj.C.Pre", "Proj.C.Post", "Proj.W", "Proj.Age"):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        self.assertEqual(a["Proj.C.Pre"].size, n2)

    def test_errors(self):
        net = self.model.network()
        with self.assertRaisesRegex(annc.UnknownNameError, 'pruning: unknown projection "porj"; did you mean proj'):
            net.start_pruning("porj")
        other = model.network(seed=1)
        with self.assertRaisesRegex(annc.AnncError, "creating: the model has no structural plasticity"):
            other.exc.start_creating()
