"""ctypes bindings of the C API that `annc compile --python` builds.

Every function that can fail returns NULL or a malloc'd error message; arrays
come back in malloc'd buffers. ctypes releases the GIL during each call, so
networks simulated from several Python threads run in parallel.
"""

import ctypes
import hashlib
import os
import shutil
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_void_p

from .errors import error_from_message

RUN_FN = ctypes.CFUNCTYPE(c_int, c_int, c_int64)

_SIGNATURES = {
    "annc_free_string": (None, [c_void_p]),
    "annc_free_buffer": (None, [c_void_p]),
    "annc_model": (c_void_p, []),
    "annc_unknown": (c_void_p, [c_char_p, c_char_p]),
    "annc_trial_seed": (c_int64, [c_int64, c_int]),
    "annc_new": (c_void_p, [c_int64, c_int, POINTER(c_int64)]),
    "annc_free": (None, [c_int64]),
    "annc_simulate": (c_void_p, [c_int64, c_double]),
    "annc_step": (c_void_p, [c_int64]),
    "annc_simulate_until": (c_void_p, [c_int64, c_double, c_char_p, c_int, POINTER(c_double)]),
    "annc_begin_simulate": (c_void_p, [c_int64, c_double]),
    "annc_next_segment": (c_void_p, [c_int64, POINTER(c_int32), POINTER(c_int32), c_int, POINTER(c_int)]),
    "annc_every": (c_void_p, [c_int64, c_double, c_double, c_double, POINTER(c_int)]),
    "annc_callbacks": (c_void_p, [c_int64, c_int, c_int]),
    "annc_clock": (c_void_p, [c_int64, POINTER(c_double), POINTER(c_int64)]),
    "annc_set_step": (c_void_p, [c_int64, c_int64]),
    "annc_set_threads": (c_void_p, [c_int64, c_int]),
    "annc_get": (c_void_p, [c_int64, c_char_p, POINTER(c_void_p), POINTER(c_int64)]),
    "annc_set": (c_void_p, [c_int64, c_char_p, c_void_p, c_int64]),
    "annc_set_text": (c_void_p, [c_int64, c_char_p, c_char_p]),
    "annc_reset": (c_void_p, [c_int64, c_int, c_int, c_int, c_int]),
    "annc_set_seed": (c_void_p, [c_int64, c_int64]),
    "annc_learning": (c_void_p, [c_int64, c_int, c_char_p, c_double, c_double]),
    "annc_monitors": (c_void_p, [c_int64, POINTER(c_void_p)]),
    "annc_monitor_get": (c_void_p, [c_int64, c_char_p, c_char_p, POINTER(c_void_p), POINTER(c_int64),
                                    POINTER(c_int64), POINTER(c_int)]),
    "annc_monitor_raster": (c_void_p, [c_int64, c_char_p, POINTER(c_void_p), POINTER(c_void_p), POINTER(c_int64)]),
    "annc_monitor_control": (c_void_p, [c_int64, c_char_p, c_char_p]),
    "annc_monitor_times": (c_void_p, [c_int64, c_char_p, c_char_p, POINTER(c_void_p), POINTER(c_int64)]),
    "annc_monitor_synapses": (c_void_p, [c_int64, c_char_p, POINTER(c_void_p), POINTER(c_void_p), POINTER(c_int64)]),
    "annc_parallel_run": (c_void_p, [c_int, POINTER(c_int64), POINTER(c_int64), c_int, c_int, c_char_p, RUN_FN,
                                     POINTER(c_void_p)]),
}

# Optional functions (a library built by an annc that has them).
_OPTIONAL = {
    "annc_save": (c_void_p, [c_int64, c_char_p]),
    "annc_load": (c_void_p, [c_int64, c_char_p]),
    "annc_structural": (c_void_p, [c_int64, c_int, c_int, c_char_p, c_double, c_double]),
}

_loaded = {}


class Library:
    """One loaded shared library of a compiled model."""

    def __init__(self, path):
        self.path = path
        self.dll = ctypes.CDLL(path)
        for name, (res, args) in _SIGNATURES.items():
            f = getattr(self.dll, name)
            f.restype, f.argtypes = res, args
        self.optional = set()
        for name, (res, args) in _OPTIONAL.items():
            f = getattr(self.dll, name, None)
            if f is not None:
                f.restype, f.argtypes = res, args
                self.optional.add(name)

    def __getattr__(self, name):
        return getattr(self.dll, name)

    def take_string(self, ptr):
        """Returns the malloc'd C string ptr as str and frees it."""
        if not ptr:
            return ""
        try:
            return ctypes.string_at(ptr).decode("utf-8", "replace")
        finally:
            self.dll.annc_free_string(ptr)

    def check(self, ptr):
        """Raises the error ptr carries (freeing it), if any."""
        if ptr:
            raise error_from_message(self.take_string(ptr))

    def unknown(self, name, candidates):
        """annc's unknown-name message (with its did-you-mean) for name among candidates."""
        return self.take_string(self.dll.annc_unknown(name.encode(), ",".join(candidates).encode()))


def open_library(path):
    """Loads the library at path. A changed library (the model was compiled
    again) is loaded from a copy named after its content, since a process
    cannot load a new version of a file it has already loaded."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    lib = _loaded.get(digest)
    if lib is not None:
        return lib
    load_path = path
    if any(l.path == path or l.source == path for l in _loaded.values()):
        d = os.path.join(os.path.dirname(path), ".loaded")
        os.makedirs(d, exist_ok=True)
        load_path = os.path.join(d, digest + "-" + os.path.basename(path))
        if not os.path.exists(load_path):
            shutil.copyfile(path, load_path)
    lib = Library(load_path)
    lib.source = path
    _loaded[digest] = lib
    return lib
