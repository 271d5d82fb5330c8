"""Writes first_half.npy and second_half.npy: the baselines of the 20 trials
of ANNarchy's structural plasticity notebook (pop[:25].baseline =
ann.Uniform(0.5, 1.5), then pop[25:].baseline = ...), one row per trial,
0 for the neurons that are not activated. Standard library only; the draws
are Python's, seeded, so the files are reproducible."""
import random
import struct


def save(path, rows):
    n, m = len(rows), len(rows[0])
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }" % (n, m)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        for row in rows:
            f.write(struct.pack("<%dd" % m, *row))


rng = random.Random(2025)
first, second = [], []
for trial in range(20):
    first.append([rng.uniform(0.5, 1.5) for _ in range(25)] + [0.0] * 25)
    second.append([0.0] * 25 + [rng.uniform(0.5, 1.5) for _ in range(25)])
save("first_half.npy", first)
save("second_half.npy", second)
