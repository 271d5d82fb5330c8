"""Networks of a compiled model, driven the way ANNarchy scripts drive theirs."""

import ctypes
import json
import os
import random
from ctypes import byref, c_double, c_int, c_int32, c_int64, c_void_p

import numpy as np

from .errors import AnncError, InvalidValueError, UnknownNameError
from .stats import Spikes

last = None  # the network Model.network made last (annc.every's default)

_DTYPES = {"float64": np.float64, "float32": np.float32, "int64": np.int64, "bool": np.bool_}


def _take_floats(lib, ptr, n, dtype=np.float64):
    """Copies n float64 values from a malloc'd buffer into a new array and frees it."""
    try:
        if n == 0:
            out = np.empty(0, dtype=np.float64)
        else:
            out = np.ctypeslib.as_array(ctypes.cast(ptr, ctypes.POINTER(ctypes.c_double)), shape=(n,)).copy()
    finally:
        lib.annc_free_buffer(ptr)
    return out if dtype is np.float64 else out.astype(dtype)


class Network:
    """One independent instance of a compiled model: its own state, random
    streams and connectivity.

    Populations and projections are attributes (``net.P.v``, ``net.exc.w``),
    constants are ``net.constants.NAME``, monitors ``net.monitors["m"]``.
    """

    def __init__(self, model, handle, seed, owned=True):
        d = self.__dict__
        d["_model"] = model
        d["_lib"] = model._lib
        d["_h"] = handle
        d["_owned"] = owned
        d["seed"] = seed
        d["_callbacks"] = []
        d["_callbacks_on"] = True
        d["_monitors"] = None
        d["_objects"] = {}
        for kind, objs in (("population", model.info["populations"]), ("projection", model.info["projections"])):
            for o in objs:
                d["_objects"][o["name"]] = (_Projection if kind == "projection" else _Object)(self, o["name"], kind, o)
        d["constants"] = _Constants(self)

    # --- life cycle -------------------------------------------------------

    def free(self):
        """Releases the network (later calls raise)."""
        if self._owned and self._h:
            self._lib.annc_free(self._h)
        self.__dict__["_h"] = 0

    def __del__(self):
        try:
            self.free()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.free()

    @property
    def model(self):
        return self._model

    # --- attributes -------------------------------------------------------

    def __getattr__(self, name):
        objs = self.__dict__.get("_objects", {})
        if name in objs:
            return objs[name]
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnknownNameError(self._lib.unknown("population or projection: " + name, list(objs)))

    def __setattr__(self, name, value):
        if name in self._objects:
            raise AttributeError("%s is a %s of the model; set its attributes (net.%s.NAME = value)"
                                 % (name, self._objects[name].kind, name))
        if name in type(self).__dict__ and isinstance(type(self).__dict__[name], property) \
                and type(self).__dict__[name].fset is not None:
            return object.__setattr__(self, name, value)
        raise UnknownNameError(self._lib.unknown("population or projection: " + name, list(self._objects)))

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._objects))

    def get(self, path):
        """The value at path ("P.v", "exc.w", "E_exc"): a NumPy array shaped
        like the population (neurons), one value per synapse (projections), or
        a number (population- and projection-wide values, constants)."""
        info = self._model._path(path)
        ptr, n = c_void_p(), c_int64()
        err = self._lib.annc_get(self._h, path.encode(), byref(ptr), byref(n))
        data = _take_floats(self._lib, ptr, n.value)
        self._lib.check(err)
        dtype = _DTYPES[info["dtype"]]
        if info["kind"] == "scalar":
            return dtype(data[0]).item()
        if info["kind"] == "neuron":
            geo = self._model._geometry[info["object"]]
            if data.size == int(np.prod(geo)):
                data = data.reshape(geo)
        return data if dtype is np.float64 else data.astype(dtype)

    def set(self, path, value):
        """Sets path to a number (every element), an array (one value per
        element, in the order get returns), text as the runner's -set reads it
        ("Uniform(-60, -50)"), or nested lists for spike times and timed-array
        rows."""
        info = self._model._path(path)
        if isinstance(value, str):
            self._lib.check(self._lib.annc_set_text(self._h, path.encode(), value.encode()))
            return
        if info["kind"] == "rows":
            rows = [[float(x) for x in np.ravel(r)] for r in value]
            self._lib.check(self._lib.annc_set_text(self._h, path.encode(), json.dumps(rows).encode()))
            return
        try:
            arr = np.ascontiguousarray(value, dtype=np.float64).ravel()
        except (TypeError, ValueError) as e:
            raise InvalidValueError("%s: cannot use %r as a value: %s" % (path, value, e)) from None
        if arr.size == 0:
            raise InvalidValueError("%s: empty value" % path)
        self._lib.check(self._lib.annc_set(self._h, path.encode(), arr.ctypes.data, arr.size))

    def paths(self):
        """Every path of get and set: {path: {"kind", "dtype", "shape", "settable"}}."""
        out = {}
        for p in self._model.info["paths"]:
            if p["kind"] == "neuron":
                shape = tuple(self._model._geometry[p["object"]])
            elif p["kind"] == "scalar":
                shape = ()
            else:
                shape = (int(np.size(self.get(p["path"]))),)
            out[p["path"]] = {"kind": p["kind"], "dtype": p["dtype"], "shape": shape, "settable": p["settable"]}
        return out

    # --- simulation -------------------------------------------------------

    def simulate(self, duration):
        """Simulates duration ms (rounded to the nearest step), calling the
        functions declared with every at their steps."""
        if self._callbacks and self._callbacks_on:
            self._lib.check(self._lib.annc_begin_simulate(self._h, float(duration)))
            cap = len(self._callbacks)
            idx, ns, count = (c_int32 * cap)(), (c_int32 * cap)(), c_int()
            while True:
                self._lib.check(self._lib.annc_next_segment(self._h, idx, ns, cap, byref(count)))
                if count.value == 0:
                    return
                for k in range(count.value):
                    self._callbacks[idx[k]](ns[k])
        self._lib.check(self._lib.annc_simulate(self._h, float(duration)))

    def step(self):
        """Computes one step (no callbacks)."""
        self._lib.check(self._lib.annc_step(self._h))

    def simulate_until(self, max_duration, populations=None, operator="and"):
        """Simulates until the stop conditions of populations (names or
        population objects; default: the model's) hold, all of them ("and") or
        any ("or"), for at most max_duration ms. Returns the simulated ms."""
        if operator not in ("and", "or"):
            raise InvalidValueError('simulate_until: operator must be "and" or "or", got %r' % (operator,))
        if populations is None:
            names = ""
        else:
            if isinstance(populations, (str, _Object)):
                populations = [populations]
            names = ",".join(p.name if isinstance(p, _Object) else str(p) for p in populations)
        out = c_double()
        self._lib.check(self._lib.annc_simulate_until(self._h, float(max_duration), names.encode(),
                                                      1 if operator == "or" else 0, byref(out)))
        return out.value

    def reset(self, populations=True, projections=True, synapses=False, monitors=True):
        """Back to time 0: initial values, synaptic variables and monitors
        (connectivity too with synapses=True), drawn again from the seed."""
        self._lib.check(self._lib.annc_reset(self._h, int(populations), int(projections), int(synapses), int(monitors)))

    def _clock(self):
        t, s = c_double(), c_int64()
        self._lib.check(self._lib.annc_clock(self._h, byref(t), byref(s)))
        return t.value, s.value

    @property
    def time(self):
        """Current time in ms."""
        return self._clock()[0]

    @property
    def current_step(self):
        """Index of the next step to compute."""
        return self._clock()[1]

    @current_step.setter
    def current_step(self, step):
        self._lib.check(self._lib.annc_set_step(self._h, int(step)))

    @property
    def dt(self):
        return self._model.dt

    def set_time(self, t):
        """Sets the clock to t ms (rounded to a step)."""
        self.current_step = int(round(t / self._model.dt))

    def set_seed(self, seed):
        """Restarts the per-step random streams from seed; later resets draw from it."""
        self._lib.check(self._lib.annc_set_seed(self._h, int(seed)))
        self.__dict__["seed"] = int(seed)

    def set_threads(self, threads):
        """Goroutines computing each step (results do not depend on it)."""
        self._lib.check(self._lib.annc_set_threads(self._h, int(threads)))

    def _proj_names(self, projections):
        if projections is None:
            return ""
        if isinstance(projections, (str, _Object)):
            projections = [projections]
        return ",".join(p.name if isinstance(p, _Object) else str(p) for p in projections)

    def enable_learning(self, projections=None, period=None, offset=None):
        """Lets synapse equations run (of projections, or of all), every
        period ms from offset when given."""
        self._lib.check(self._lib.annc_learning(self._h, 1, self._proj_names(projections).encode(),
                                                float(period or 0), float(offset or 0)))

    def disable_learning(self, projections=None):
        """Freezes the weights (transmission continues) of projections, or of
        every projection, as in ANNarchy: a rate-coded projection stops its
        synapse equations, a spiking one only the statements writing w;
        enable_learning turns them on again, one by one or all at once."""
        names = self._proj_names(projections) if projections is not None else \
            ",".join(p["name"] for p in self._model.info["projections"])
        if names:
            self._lib.check(self._lib.annc_learning(self._h, 0, names.encode(), 0.0, 0.0))

    # --- structural plasticity ---------------------------------------------

    def _structural(self, creating, on, projections, period=None, offset=None):
        if "annc_structural" not in self._lib.optional:
            raise AnncError("%s: this library was built without structural plasticity support (recompile the model)"
                            % ("creating" if creating else "pruning"))
        self._lib.check(self._lib.annc_structural(self._h, int(creating), int(on), self._proj_names(projections).encode(),
                                                  float(period or 0), float(offset or 0)))

    def start_pruning(self, projections=None, period=None, offset=None):
        """Evaluates the pruning condition of projections (or of all that
        have one) after the steps at offset ms from now and every period ms
        after (every step when period is None or below dt), as ANNarchy's
        proj.start_pruning(period)."""
        self._structural(False, True, projections, period, offset)

    def stop_pruning(self, projections=None):
        """Stops the pruning of projections, or of all."""
        self._structural(False, False, projections)

    def start_creating(self, projections=None, period=None, offset=None):
        """As start_pruning, for the creating condition."""
        self._structural(True, True, projections, period, offset)

    def stop_creating(self, projections=None):
        """Stops the creating of projections, or of all."""
        self._structural(True, False, projections)

    # --- callbacks ------------------------------------------------------

    def every(self, period, offset=0.0, wait=0.0):
        """Decorator: calls the function f(n) before the step at each
        wait + offset + k*period ms from the start of every simulate call,
        with ANNarchy's timing (n counts the calls of that simulate call from 0)."""
        def decorate(fn):
            k = c_int()
            self._lib.check(self._lib.annc_every(self._h, float(period), float(offset), float(wait), byref(k)))
            if k.value != len(self._callbacks):
                raise AnncError("every: callbacks out of step with the network (%d vs %d)" % (k.value, len(self._callbacks)))
            self._callbacks.append(fn)
            return fn
        return decorate

    def enable_callbacks(self):
        self._lib.check(self._lib.annc_callbacks(self._h, 1, 0))
        self.__dict__["_callbacks_on"] = True

    def disable_callbacks(self):
        self._lib.check(self._lib.annc_callbacks(self._h, 0, 0))
        self.__dict__["_callbacks_on"] = False

    def clear_callbacks(self):
        self._lib.check(self._lib.annc_callbacks(self._h, int(self._callbacks_on), 1))
        self._callbacks.clear()

    # --- monitors and state -------------------------------------------

    @property
    def monitors(self):
        """The model's monitors by name."""
        if self._monitors is None:
            ptr = c_void_p()
            err = self._lib.annc_monitors(self._h, byref(ptr))
            text = self._lib.take_string(ptr.value)
            self._lib.check(err)
            self.__dict__["_monitors"] = _Monitors(self, json.loads(text))
        return self._monitors

    def save(self, path):
        """Writes the network's whole state (parameters, variables,
        connectivity, time, random streams, spikes in flight, monitor
        settings; not the recorded data) to path, a .npz that numpy.load
        reads and the runner's -load accepts."""
        if "annc_save" not in self._lib.optional:
            raise AnncError("save: this library was built without save/load support")
        self._lib.check(self._lib.annc_save(self._h, os.fspath(path).encode()))

    def load(self, path):
        """Reads a state written by save (or the runner's -save) into this
        network, which then continues exactly as the saved one would have."""
        if "annc_load" not in self._lib.optional:
            raise AnncError("load: this library was built without save/load support")
        self._lib.check(self._lib.annc_load(self._h, os.fspath(path).encode()))

    def __repr__(self):
        return "<annc.Network %s seed=%d t=%g ms>" % (self._model.name, self.seed, self.time if self._h else -1)


class _Object:
    """A population or projection: its variables and parameters are attributes."""

    def __init__(self, net, name, kind, info):
        d = self.__dict__
        d["_net"], d["name"], d["kind"], d["_info"] = net, name, kind, info
        d["_attrs"] = [p["name"] for p in net._model.info["paths"] if p["object"] == name]

    def __getattr__(self, attr):
        if attr in self._attrs:
            return self._net.get(self.name + "." + attr)
        if attr == "geometry" and self.kind == "population":
            return tuple(self._info["geometry"])
        if attr == "size":
            if self.kind == "population":
                return int(np.prod(self._info["geometry"]))
            return int(np.size(self._net.get(self.name + ".w")))
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise UnknownNameError(self._net._lib.unknown("attribute of %s %s: %s" % (self.kind, self.name, attr), self._attrs))

    def __setattr__(self, attr, value):
        if attr not in self._attrs:
            raise UnknownNameError(self._net._lib.unknown("attribute of %s %s: %s" % (self.kind, self.name, attr), self._attrs))
        self._net.set(self.name + "." + attr, value)

    def __dir__(self):
        extra = {"geometry"} if self.kind == "population" else \
            {"start_pruning", "stop_pruning", "start_creating", "stop_creating"}
        return sorted(set(self._attrs) | {"name", "kind", "size"} | extra)

    @property
    def attributes(self):
        return list(self._attrs)

    def __repr__(self):
        return "<%s %s: %s>" % (self.kind, self.name, ", ".join(self._attrs))


class _Projection(_Object):
    """A projection; also starts and stops its structural plasticity, as
    ANNarchy's proj.start_pruning(period) does (Network.start_pruning, ...)."""

    def start_pruning(self, period=None, offset=None):
        self._net.start_pruning(self, period, offset)

    def stop_pruning(self):
        self._net.stop_pruning(self)

    def start_creating(self, period=None, offset=None):
        self._net.start_creating(self, period, offset)

    def stop_creating(self):
        self._net.stop_creating(self)


class _Constants:
    """The model's constants as attributes."""

    def __init__(self, net):
        self.__dict__["_net"] = net

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name not in self._net._model.info["constants"]:
            raise UnknownNameError(self._net._lib.unknown("constant: " + name, self._net._model.info["constants"]))
        return self._net.get(name)

    def __setattr__(self, name, value):
        if name not in self._net._model.info["constants"]:
            raise UnknownNameError(self._net._lib.unknown("constant: " + name, self._net._model.info["constants"]))
        self._net.set(name, value)

    def __dir__(self):
        return list(self._net._model.info["constants"])


class _Monitors(dict):
    def __init__(self, net, infos):
        super().__init__((m["name"], Monitor(net, m)) for m in infos)
        self._net = net

    def __missing__(self, name):
        raise UnknownNameError(self._net._lib.unknown("monitor: " + str(name), list(self)))


class Monitor:
    """A monitor of the network. get empties what it returns, as ANNarchy's
    Monitor.get does; the statistics take the spikes get("spike") returned, or
    fetch them."""

    def __init__(self, net, info):
        self._net = net
        self.name = info["name"]
        self.target = info["target"]
        self.period = info["period"]
        self.neurons = info["neurons"]
        self._vars = {v["name"]: v for v in info["variables"]}
        self._spikes = info["spikes"]
        self._since = 0.0  # time from which the spikes held were recorded

    @property
    def variables(self):
        return list(self._vars) + (["spike"] if self._spikes else [])

    def _control(self, op):
        lib = self._net._lib
        lib.check(lib.annc_monitor_control(self._net._h, self.name.encode(), op.encode()))

    def start(self):
        self._control("start")
        self._since = self._net.time

    def pause(self):
        self._control("pause")

    def resume(self):
        self._control("resume")

    def reset(self):
        """Forgets what was recorded."""
        self._control("reset")
        self._since = self._net.time

    def get(self, variables=None):
        """The recorded frames of a variable as an array (T, *shape), or a
        dict of them for a list (default: every variable). "spike" gives
        {rank: spike times} as ANNarchy does (a Spikes, which the statistics
        accept)."""
        if variables is None:
            variables = self.variables
        if isinstance(variables, str):
            return self._get(variables)
        return {v: self._get(v) for v in variables}

    def _get(self, var):
        lib, h = self._net._lib, self._net._h
        if var == "spike" and self._spikes:
            return self._take_spikes()
        ptr, n, ndim = c_void_p(), c_int64(), c_int()
        shape = (c_int64 * 8)()
        err = lib.annc_monitor_get(h, self.name.encode(), var.encode(), byref(ptr), byref(n), shape, byref(ndim))
        data = _take_floats(lib, ptr, n.value)
        if err:
            msg = lib.take_string(err)
            if msg.startswith("monitor ") and "does not record" in msg:
                msg = lib.unknown("variable of monitor %s: %s" % (self.name, var), self.variables)
            raise UnknownNameError(msg) if "unknown" in msg else InvalidValueError(msg)
        dtype = _DTYPES[self._vars[var]["dtype"]]
        data = data.reshape(tuple(shape[:ndim.value]))
        return data if dtype is np.float64 else data.astype(dtype)

    def times(self, variable=None):
        """Times in ms of the frames get(variable) would return (default: the
        first recorded variable); what the runner writes as MONITOR.t.npy."""
        lib, h = self._net._lib, self._net._h
        ptr, n = c_void_p(), c_int64()
        err = lib.annc_monitor_times(h, self.name.encode(), (variable or "").encode(), byref(ptr), byref(n))
        data = _take_floats(lib, ptr, n.value)
        lib.check(err)
        return data

    def synapses(self):
        """(pre, post): the pre- and postsynaptic ranks of the recorded
        synapses of a projection's monitor (the columns of its variables)."""
        lib, h = self._net._lib, self._net._h
        p, q, n = c_void_p(), c_void_p(), c_int64()
        err = lib.annc_monitor_synapses(h, self.name.encode(), byref(p), byref(q), byref(n))
        pre = _take_floats(lib, p, n.value, np.int64)
        post = _take_floats(lib, q, n.value, np.int64)
        lib.check(err)
        return pre, post

    def _take_spikes(self):
        lib, h = self._net._lib, self._net._h
        tp, rp, n = c_void_p(), c_void_p(), c_int64()
        err = lib.annc_monitor_raster(h, self.name.encode(), byref(tp), byref(rp), byref(n))
        times = _take_floats(lib, tp, n.value)
        try:
            ranks = np.ctypeslib.as_array(ctypes.cast(rp, ctypes.POINTER(ctypes.c_int64)), shape=(n.value,)).copy() \
                if n.value else np.empty(0, dtype=np.int64)
        finally:
            lib.annc_free_buffer(rp)
        lib.check(err)
        t1 = self._net.time
        s = Spikes(times, ranks, self.neurons, self._since, t1, self._net.dt)
        self._since = t1
        return s

    def _spikes_arg(self, spikes):
        if spikes is None:
            return self._take_spikes()
        if isinstance(spikes, Spikes):
            return spikes
        if isinstance(spikes, tuple) and len(spikes) == 2:
            return Spikes(np.asarray(spikes[0], float), np.asarray(spikes[1], np.int64), self.neurons,
                          self._since, self._net.time, self._net.dt)
        raise InvalidValueError("spikes must be what get('spike') or raster_plot() returned")

    def raster_plot(self, spikes=None):
        """(times in ms, ranks), ordered by time then rank."""
        s = self._spikes_arg(spikes)
        return s.times, s.ranks

    def histogram(self, spikes=None, bins=None):
        """Spike counts per bin of bins ms (default dt) over the recording."""
        return self._spikes_arg(spikes).histogram(bins)

    def mean_fr(self, spikes=None):
        """Mean firing rate of the recorded neurons in Hz."""
        return self._spikes_arg(spikes).mean_fr()

    def population_rate(self, spikes=None, smooth=0.0, bins=None):
        """Population rate in Hz per bin (default dt), Gaussian-smoothed with
        standard deviation smooth ms."""
        return self._spikes_arg(spikes).population_rate(bins, smooth)

    def __repr__(self):
        return "<Monitor %s on %s: %s>" % (self.name, self.target, ", ".join(self.variables))


def random_seed():
    return random.SystemRandom().getrandbits(62)
