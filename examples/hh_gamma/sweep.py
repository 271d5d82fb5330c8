"""The HH gamma network's g_max sweep from Python: 11 values of the total
GABA_A conductance g_max = 0.05 ... 0.15 (weight g_max / N per synapse), run in
parallel, with the mean firing rate and the synchrony of each run (the
coherence index kappa of Wang & Buzsaki 1996, BrainPy's cross_correlation,
2 ms bins).

Run from a terminal (python3 examples/hh_gamma/sweep.py) or paste into
Jupyter. It needs the annc program (on PATH, $ANNC_BIN, or bin/annc of the
source tree: make build) and the Python package (pip install ./python, or
python/ on sys.path as below). The same sweep through the CLI:

    annc run examples/hh_gamma/model.yaml -sweep gaba.w=0.0005,0.0006,...,0.0015 -out sweep
    python3 -c "import annc; print(annc.load_sweep('sweep').columns)"
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd()
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))  # the source tree's package

import numpy as np

import annc

model = annc.compile(os.path.join(HERE, "model.yaml"), os.path.join("annarchy", "hh_gamma"))
N = model.info["populations"][0]["geometry"][0]  # 100 neurons


def run(idx, net, g_max):
    net.gaba.w = g_max / N
    net.simulate(500.0)
    spikes = net.monitors["P"].get("spike")
    return spikes.mean_fr(), spikes.cross_correlation(2.0)


g_max = np.round(np.linspace(0.05, 0.15, 11), 6)
# Every run has the same (fixed) initial state: only g_max differs.
results = annc.parallel_run(run, number=len(g_max), model=model, seeds=1, same_seed=True, g_max=g_max)
rate, kappa = np.array(results).T

print(" g_max   rate (Hz)   kappa (2 ms)")
for g, r, k in zip(g_max, rate, kappa):
    print("%6.3f   %9.2f   %12.4f" % (g, r, k))

try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
if plt is not None:
    fig, (a1, a2) = plt.subplots(2, 1, sharex=True, figsize=(6, 5))
    a1.plot(g_max, rate, "o-")
    a1.set_ylabel("rate (Hz)")
    a2.plot(g_max, kappa, "o-")
    a2.set_ylabel("synchrony kappa")
    a2.set_xlabel("g_max (mS/cm2)")
    if "__file__" in globals() and not os.environ.get("DISPLAY"):
        fig.savefig("hh_gamma_sweep.png")
        print("wrote hh_gamma_sweep.png")
    else:
        plt.show()
