"""ANNarchy's parallel-simulation example with annc: Poisson input at 0, 10
and 20 Hz into 100 Izhikevich neurons, three networks simulated in parallel.

Run from a terminal (python3 examples/parallel/simulation.py) or paste into
Jupyter. It needs the annc program (on PATH, $ANNC_BIN, or bin/annc of the
source tree: make build) and the Python package (pip install ./python, or
python/ on sys.path as below). With matplotlib it also draws the rasters.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd()
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))  # the source tree's package

import numpy as np

import annc

# Compile once (cached: an unchanged model is not rebuilt).
model = annc.compile(os.path.join(HERE, "model.yaml"), os.path.join("annarchy", "izh_parallel"))


def simulation(idx, net):
    net.pop1.rates = 10.0 * idx
    net.simulate(1000.0)
    return net.monitors["m"].raster_plot()


# Three copies of the network, simulated at the same time on Go's goroutines.
results = annc.parallel_run(method=simulation, number=3, seeds=42)

t1, n1 = results[0]
t2, n2 = results[1]
t3, n3 = results[2]

for rate, (t, n) in zip((0, 10, 20), results):
    print("input %2d Hz: %5d spikes, %.2f Hz per Izhikevich neuron" % (rate, len(t), len(t) / 100 / 1.0))

try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
if plt is not None:
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 6))
    for ax, rate, (t, n) in zip(axes, (0, 10, 20), results):
        ax.plot(t, n, ".", markersize=1)
        ax.set_ylabel("%d Hz" % rate)
    axes[-1].set_xlabel("time (ms)")
    if "__file__" in globals() and not os.environ.get("DISPLAY"):
        fig.savefig("izh_parallel_rasters.png")
        print("wrote izh_parallel_rasters.png")
    else:
        plt.show()
