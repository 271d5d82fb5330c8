"""Compiling a model with annc and creating its networks."""

import json
import os
import shutil
import subprocess
import sys
import traceback
from ctypes import byref, c_int64, c_void_p

import numpy as np

from . import _lib
from .errors import AnncError, CompileError, InvalidValueError, UnknownNameError
from . import network as _network
from .network import Network, random_seed

_current = None  # the model compile returned last (parallel_run's default)


def annc_binary():
    """The annc program: $ANNC_BIN, annc on PATH, or bin/annc of the source
    tree this package lies in."""
    env = os.environ.get("ANNC_BIN")
    if env:
        return env
    found = shutil.which("annc")
    if found:
        return found
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    local = os.path.join(here, "bin", "annc")
    if os.path.exists(local):
        return local
    raise AnncError("annc not found: put it on PATH, set ANNC_BIN, or run `make build` in the annc source tree")


def compile(model, directory="annarchy", force=False, annc=None, quiet=True):
    """Compiles model.yaml with `annc compile --python` into directory (the
    CLI's default build directory) and loads it. An unchanged model is
    neither regenerated nor rebuilt. Errors in the model raise CompileError
    with annc's diagnostics."""
    global _current
    cmd = [annc or annc_binary(), "compile", os.fspath(model), "-d", os.fspath(directory), "--python"]
    if force:
        cmd.append("--force")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise CompileError(p.stderr.strip() or "annc compile failed with status %d" % p.returncode)
    if not quiet:
        sys.stderr.write(p.stderr)
    lib = None
    for line in p.stderr.splitlines():
        if line.startswith("annc: library "):
            lib = line[len("annc: library "):].strip()
    if lib is None:
        raise AnncError("annc did not build a library:\n" + p.stderr)
    m = Model(lib)
    m.source = os.fspath(model)
    m.compile_log = p.stderr
    _current = m
    return m


class Model:
    """A compiled model: makes networks (instances) of it."""

    def __init__(self, library):
        self._lib = _lib.open_library(os.path.abspath(library))
        self.info = json.loads(self._lib.take_string(self._lib.annc_model()))
        self.name = self.info["name"]
        self.dt = self.info["dt"]
        self.library = library
        self.source = None
        self._paths = {p["path"]: p for p in self.info["paths"]}
        self._geometry = {p["name"]: tuple(p["geometry"]) for p in self.info["populations"]}

    @property
    def populations(self):
        return [p["name"] for p in self.info["populations"]]

    @property
    def projections(self):
        return [p["name"] for p in self.info["projections"]]

    @property
    def paths(self):
        return list(self._paths)

    def _path(self, path):
        info = self._paths.get(path)
        if info is None:
            raise UnknownNameError(self._lib.unknown("path: " + path, list(self._paths)))
        return info

    def default_seed(self):
        return self.info["seed"] if self.info["has_seed"] else random_seed()

    def network(self, seed=None, threads=1):
        """A new network: its own state, random streams and connectivity, drawn
        from seed (default: the model's seed, else a random one), computing
        each step on threads goroutines (results do not depend on it)."""
        if seed is None:
            seed = self.default_seed()
        h = c_int64()
        self._lib.check(self._lib.annc_new(int(seed), int(threads), byref(h)))
        net = Network(self, h.value, int(seed))
        _network.last = net
        return net

    def trial_seed(self, seed, k):
        """Seed of trial k of seed (seed itself for k = 0), as annc's
        ParallelRun and the runner's -trials derive it."""
        return self._lib.annc_trial_seed(int(seed), int(k))

    def parallel_run(self, method, number=0, networks=None, seeds=None, same_seed=False, threads=1,
                     max_processes=-1, **args):
        """parallel_run with this model (see annc.parallel_run)."""
        return parallel_run(method, networks=networks, number=number, seeds=seeds, same_seed=same_seed,
                            model=self, threads=threads, max_processes=max_processes, **args)

    def __repr__(self):
        return "<annc.Model %s (%s)>" % (self.name, self.library)


def parallel_run(method, networks=None, number=0, max_processes=-1, seeds=None, same_seed=False, model=None,
                 threads=1, settings=None, **args):
    """Runs method(idx, net, **kwargs) for number new networks (or for the
    given networks) in parallel on Go's goroutines, and returns the results
    in index order, as ANNarchy's parallel_run does.

    seeds: one seed per new network, or one seed s: network i gets the seed
    of trial i of s (s itself for network 0, as annc's ParallelRun derives
    them), or s for every network with same_seed=True (as every point of a
    CLI sweep has); None is the model's seed, else a random one; "same" and
    "sequential" (seed, seed+1, ...) start from that seed too. Other
    keyword arguments are given to method: a list, tuple or
    array of one value per network gives each its own, anything else is given
    to all. max_processes: workers (-1: one per core). model: the model of
    the new networks (default: the one annc.compile returned last). The
    networks made here are freed when method returns. An exception in method
    is raised here, after every run has finished. settings: one dict
    {path: value} per network, set in Go before method is called (values as
    net.set takes them: numbers, arrays, text such as "Uniform(0, 1)").
    """
    if networks is not None:
        networks = list(networks)
        n = len(networks)
        if n == 0:
            return []
        model = networks[0].model
        if any(net.model is not model for net in networks):
            raise InvalidValueError("parallel_run: the networks must be of one model")
    else:
        if model is None:
            model = _current
        if model is None:
            raise AnncError("parallel_run: no model (give model=, or call annc.compile first)")
        n = int(number)
        if n <= 0:
            raise InvalidValueError("parallel_run: number must be positive (or give networks=)")
    per = {}
    for k, v in args.items():
        if isinstance(v, (list, tuple, np.ndarray)):
            if len(v) != n:
                raise InvalidValueError("parallel_run: %s has %d values for %d networks" % (k, len(v), n))
            per[k] = v
    if networks is not None and seeds is not None:
        raise InvalidValueError("parallel_run: seeds are for new networks (number=), not networks=")
    lib = model._lib
    seed_arr = None
    if networks is None:
        if seeds is None or isinstance(seeds, str):
            base = model.default_seed()
            if seeds == "same":
                same_seed = True
            elif seeds == "sequential":
                seeds = [base + i for i in range(n)]
            elif seeds is not None:
                raise InvalidValueError('parallel_run: seeds must be a list, a number, "same" or "sequential", got %r'
                                        % (seeds,))
            if not isinstance(seeds, list):
                seeds = base
        if np.isscalar(seeds):
            seeds = [int(seeds) if same_seed else model.trial_seed(int(seeds), i) for i in range(n)]
        if len(seeds) != n:
            raise InvalidValueError("parallel_run: %d seeds for %d networks" % (len(seeds), n))
        seed_arr = (c_int64 * n)(*[int(s) for s in seeds])
    settings_json = None
    if settings is not None:
        if len(settings) != n:
            raise InvalidValueError("parallel_run: %d settings for %d networks" % (len(settings), n))
        settings_json = json.dumps([[[p, _text(v)] for p, v in (s or {}).items()] for s in settings]).encode()
    results = [None] * n
    failures = [None] * n

    def run(i, h):
        try:
            net = networks[i] if networks is not None else Network(model, h, int(seed_arr[i]), owned=False)
            kw = {k: (per[k][i] if k in per else v) for k, v in args.items()}
            results[i] = method(i, net, **kw)
        except BaseException as e:  # noqa: B902 -- reported after the run
            failures[i] = (e, traceback.format_exc())
        return 0

    cb = _lib.RUN_FN(run)
    errs = (c_void_p * n)()
    handles = (c_int64 * n)(*[net._h for net in networks]) if networks is not None else None
    lib.check(lib.annc_parallel_run(n, seed_arr, handles, int(threads), int(max_processes), settings_json, cb, errs))
    go_errs = [lib.take_string(e) if e else None for e in errs]
    for i in range(n):
        if failures[i] is not None:
            e, tb = failures[i]
            raise AnncError("parallel_run: network %d: %s: %s\n%s" % (i, type(e).__name__, e, tb)) from e
        if go_errs[i]:
            raise AnncError("parallel_run: network %d: %s" % (i, go_errs[i]))
    return results


def _text(value):
    """value as the runner's -set reads it."""
    if isinstance(value, str):
        return value
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return repr(float(arr))
    return json.dumps([float(x) for x in arr.ravel()])
