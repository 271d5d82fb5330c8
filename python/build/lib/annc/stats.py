"""Spike statistics on NumPy arrays, with the definitions of annc's analysis package."""

import math

import numpy as np


class Spikes(dict):
    """Spikes of a monitor: a dict {rank: times in ms} as ANNarchy's
    get("spike") returns, that also keeps the raster (times, ranks ordered
    by time then rank), the number of recorded neurons and the window
    [t0, t1) in ms they were recorded in."""

    def __init__(self, times, ranks, neurons, t0, t1, dt):
        times = np.asarray(times, dtype=np.float64)
        ranks = np.asarray(ranks, dtype=np.int64)
        order = np.argsort(ranks, kind="stable")
        bounds = np.flatnonzero(np.diff(ranks[order])) + 1
        super().__init__((int(ranks[g[0]]), times[g]) for g in np.split(order, bounds) if g.size)
        self.times, self.ranks = times, ranks
        self.neurons, self.t0, self.t1, self.dt = neurons, t0, t1, dt

    @property
    def duration(self):
        return self.t1 - self.t0

    def _bins(self, width):
        """Number of bins of width ms covering the window (a ratio within
        1e-9 of an integer counts as that integer)."""
        if width is None:
            width = self.dt
        if not width > 0 or math.isinf(width):
            raise ValueError("bin width must be positive and finite, got %r ms" % (width,))
        q = self.duration / width
        k = round(q)
        nb = max(int(k), 1) if abs(q - k) <= 1e-9 * max(1.0, q) else int(math.ceil(q))
        return width, nb

    def histogram(self, bins=None):
        """Spike counts per bin of bins ms (default dt) over the window."""
        width, nb = self._bins(bins)
        q = (self.times - self.t0) / width
        k = np.floor(q + 1e-9 * np.maximum(1.0, q)).astype(np.int64)
        k = np.minimum(k, nb - 1)
        k = k[k >= 0]
        return np.bincount(k, minlength=nb)[:nb]

    def mean_fr(self):
        """Spikes / (neurons × window in s), in Hz (NaN without neurons or time)."""
        if self.neurons <= 0 or self.duration <= 0:
            return float("nan")
        return len(self.times) / (self.neurons * self.duration / 1000.0)

    def population_rate(self, bins=None, smooth=0.0):
        """Rate of the population in Hz per bin, Gaussian-smoothed (standard
        deviation smooth ms; kernel cut at 4 sigma and normalised at the edges)."""
        width, _ = self._bins(bins)
        r = self.histogram(width) * (1000.0 / (width * max(self.neurons, 1)))
        return gaussian_smooth(r, width, smooth)

    def cross_correlation(self, bin):
        """Synchrony of the recorded neurons (BrainPy's cross_correlation):
        the mean over pairs of the normalised overlap of their binary spike
        trains in bins of bin ms, between 0 and 1."""
        n = self.neurons
        if n < 2:
            return float("nan")
        width, nb = self._bins(bin)
        q = (self.times - self.t0) / width
        k = np.minimum(np.floor(q + 1e-9 * np.maximum(1.0, q)).astype(np.int64), nb - 1)
        mark = np.zeros((n, nb), dtype=bool)
        mark[self.ranks, k] = True
        active = mark.sum(axis=1)
        on = active > 0
        u = mark[on] / np.sqrt(active[on])[:, None]
        s = u.sum(axis=0)
        kappa = (s @ s - on.sum()) / 2 / (n * (n - 1) / 2)
        return max(float(kappa), 0.0)


def gaussian_smooth(x, step, sigma):
    """x smoothed by a Gaussian of standard deviation sigma (same unit as step)."""
    x = np.asarray(x, dtype=np.float64)
    if sigma < 0 or math.isnan(sigma) or math.isinf(sigma):
        raise ValueError("smoothing width must be zero or positive, got %r ms" % (sigma,))
    if sigma == 0 or x.size == 0:
        return x
    m = min(int(math.ceil(4 * sigma / step)), x.size)
    w = np.exp(-0.5 * (np.arange(-m, m + 1) * step / sigma) ** 2)
    acc = np.convolve(x, w)[m:m + x.size]
    norm = np.convolve(np.ones_like(x), w)[m:m + x.size]
    return acc / norm
