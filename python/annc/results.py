"""Reading what the CLI wrote: a results directory and a sweep directory."""

import csv
import json
import os

import numpy as np

from .errors import AnncError
from .stats import Spikes


class Run:
    """A results directory: manifest (dict), arrays by "monitor.variable"
    (monitor.t the frame times, monitor.pre/post the synapses of a
    projection's monitor), spikes by monitor (a Spikes: {rank: times},
    raster, window), times in ms of the recorded frames by "monitor.variable"."""

    def __init__(self, path, manifest, arrays, spikes, times):
        self.path, self.manifest, self.arrays, self.spikes, self.times = path, manifest, arrays, spikes, times

    @property
    def status(self):
        return self.manifest.get("status")

    @property
    def seed(self):
        return self.manifest.get("seed")

    def __getitem__(self, key):
        return self.arrays[key]

    def __contains__(self, key):
        return key in self.arrays

    def keys(self):
        return self.arrays.keys()

    def __repr__(self):
        return "<annc.Run %s: %s, %s>" % (self.path, self.status, ", ".join(sorted(self.arrays)))


def load(path):
    """Reads a results directory written by `annc run` (manifest.json and its
    .npy files, checked against each other)."""
    mpath = os.path.join(path, "manifest.json")
    try:
        with open(mpath) as f:
            man = json.load(f)
    except OSError as e:
        raise AnncError("%s: not a results directory: %s" % (path, e)) from None
    arrays, times, spikes = {}, {}, {}
    raster = {}
    for fe in man.get("files") or []:
        a = np.load(os.path.join(path, fe["file"]))
        if list(a.shape) != list(fe["shape"]) or a.dtype != np.dtype(fe["dtype"]):
            raise AnncError("%s: %s is %s %s, the manifest says %s %s"
                            % (path, fe["file"], a.dtype, list(a.shape), fe["dtype"], fe["shape"]))
        key = fe["monitor"] + "." + fe["variable"]
        arrays[key] = a
        if fe["variable"] in ("spike_times", "spike_ranks"):
            raster.setdefault(fe["monitor"], {})[fe["variable"]] = (a, fe.get("size", 0))
    for fe in man.get("files") or []:
        key = fe["monitor"] + "." + fe["variable"]
        if fe["variable"] not in ("t", "pre", "post", "spike_times", "spike_ranks") and fe.get("period_ms"):
            t = arrays.get(fe["monitor"] + ".t")
            if t is None:  # results written before frame times were
                t0 = fe.get("t0_ms") or 0.0
                t = t0 + np.arange(arrays[key].shape[0]) * fe["period_ms"]
            times[key] = t
    t0 = man.get("start_ms", 0.0)
    t1 = man.get("end_ms", t0 + man.get("simulated_ms", 0.0))
    for mon, r in raster.items():
        if "spike_times" in r and "spike_ranks" in r:
            t, size = r["spike_times"]
            spikes[mon] = Spikes(t, r["spike_ranks"][0], size, t0, t1, man.get("dt", 1.0))
    return Run(path, man, arrays, spikes, times)


class Sweep:
    """A sweep directory: rows of sweep.csv (dicts, numbers converted),
    columns (name -> array), and each run (load(run-NNNN)) on demand."""

    def __init__(self, path, rows, fields):
        self.path, self.rows, self.fields = path, rows, fields

    @property
    def columns(self):
        out = {}
        for f in self.fields:
            vals = [r[f] for r in self.rows]
            try:
                out[f] = np.array(vals, dtype=np.float64) if f not in ("status",) else np.array(vals)
            except (TypeError, ValueError):
                out[f] = np.array(vals, dtype=object)
        if "index" in out:
            out["index"] = out["index"].astype(np.int64)
        if "seed" in out:
            out["seed"] = np.array([int(r["seed"]) for r in self.rows], dtype=np.int64)
        return out

    def run(self, i):
        return load(os.path.join(self.path, "run-%04d" % int(i)))

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __repr__(self):
        return "<annc.Sweep %s: %d runs, columns %s>" % (self.path, len(self.rows), ", ".join(self.fields))


def _number(s):
    try:
        return int(s)
    except ValueError:
        try:
            return float(s)
        except ValueError:
            return s


def load_sweep(path):
    """Reads a sweep directory written by `annc run -sweep` or `annc sweep`
    (sweep.csv: index, swept values, seed, status, mean rate per monitor)."""
    try:
        with open(os.path.join(path, "sweep.csv"), newline="") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames or []
            rows = [{k: (v if k == "status" else _number(v)) for k, v in r.items()} for r in reader]
    except OSError as e:
        raise AnncError("%s: not a sweep directory: %s" % (path, e)) from None
    return Sweep(path, rows, fields)
