"""Reference statistics for analysis/reference_test.go, computed with numpy
the way ANNarchy (per-neuron ISI CV: std/mean over neurons with at least two
intervals) and BrainPy (measure.cross_correlation on a dense spike matrix)
define them. Input: the spikes of neurons 0..49 during the first 200 ms of a
noisy LIF run of annc's runtime (dt 0.1 ms), in times.npy / ranks.npy.

Run with Debian's interpreter: /usr/bin/python3 make.py > expected.json
"""
import json
import numpy as np

dt, T, N = 0.1, 200.0, 50
t = np.load('times.npy')
r = np.load('ranks.npy')
steps = int(round(T / dt))

cvs = []
for n in range(N):
    s = t[r == n]
    if len(s) >= 3:
        isi = np.diff(s)
        cvs.append(isi.std() / isi.mean())

dense = np.zeros((steps, N))
dense[np.round(t / dt).astype(int), r] = 1


def kappa(bin_ms):
    bs = int(bin_ms / dt + 0.5)
    nb = int(np.ceil(steps / bs))
    sp = np.vstack([dense, np.zeros((nb * bs - steps, N))])
    st = (sp.T.reshape(N, nb, bs).sum(2) > 0).astype(float)
    out = []
    for i in range(N):
        for j in range(i):
            d = np.sqrt(st[i].sum() * st[j].sum())
            out.append(0.0 if d == 0 else (st[i] * st[j]).sum() / d)
    return float(np.mean(out))


def fano(bin_ms):
    bs = int(bin_ms / dt + 0.5)
    nb = int(np.ceil(steps / bs))
    sp = np.vstack([dense, np.zeros((nb * bs - steps, N))])
    c = sp.T.reshape(N, nb, bs).sum(2)
    m = c.mean(1)
    f = c.var(1)[m > 0] / m[m > 0]
    return float(f.mean())


print(json.dumps({
    'spikes': int(len(t)),
    'rate_hz': len(t) / N / (T / 1000),
    'mean_cv': float(np.mean(cvs)),
    'kappa_1ms': kappa(1.0),
    'kappa_2ms': kappa(2.0),
    'kappa_7ms': kappa(7.0),
    'fano_5ms': fano(5.0),
}, indent=1))
