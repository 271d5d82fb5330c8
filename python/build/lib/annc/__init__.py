"""annc from Python: compile an ANNarchy-language model once with annc, then
create, set, simulate and read its networks from Python and Jupyter.

    import annc, numpy as np
    model = annc.compile("model.yaml")        # annc compile --python (cached)
    net = model.network(seed=1)
    net.P.tau = 20.0
    net.P.v = np.random.uniform(-60, -50, net.P.size)
    net.simulate(1000)
    t, n = net.monitors["m"].raster_plot()

The compiled model is a shared library loaded with ctypes; no compiler is
needed to install this package, only numpy.
"""

from .errors import AnncError, CompileError, InvalidValueError, UnknownNameError
from .model import Model, compile, parallel_run
from .network import Monitor, Network
from .results import Run, Sweep, load, load_sweep
from .stats import Spikes, gaussian_smooth


def every(period, offset=0.0, wait=0.0, net=None):
    """Decorator: calls f(n) during simulate of net (default: the network
    created last) at ANNarchy's every times (see Network.every)."""
    from . import network
    if net is None:
        net = network.last
    if net is None:
        raise AnncError("every: no network (create one with model.network(), or give net=)")
    return net.every(period, offset, wait)


__all__ = ["AnncError", "CompileError", "InvalidValueError", "UnknownNameError", "Model", "compile",
           "parallel_run", "Monitor", "Network", "Run", "Sweep", "load", "load_sweep", "Spikes",
           "gaussian_smooth", "every"]
