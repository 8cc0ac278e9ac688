"""Reference for the Adult marginal benchmark: numpy bincount of all 364 3-way marginals of the
coded Adult in ../shared/data/adult (48,842 rows), or of uniform codes with Adult's domain sizes
when it is absent, as in DataBenchmarks. Median of 15 runs."""
import itertools
import json
import os
import time

import numpy as np

shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "adult")
if os.path.exists(os.path.join(shared, "adult.csv")):
    names = open(os.path.join(shared, "adult.csv")).readline().strip().split(",")
    sizes = json.load(open(os.path.join(shared, "adult-domain.json")))
    domain = [sizes[name] for name in names]
    data = np.loadtxt(os.path.join(shared, "adult.csv"), delimiter=",", skiprows=1, dtype=np.int64)
    source = "shared coded Adult"
else:
    domain = [85, 9, 100, 16, 7, 15, 6, 5, 2, 100, 100, 99, 42, 2]
    rng = np.random.default_rng(1)
    data = np.stack([rng.integers(0, size, 48842) for size in domain], axis=1)
    source = "uniform codes, Adult domain"
triples = list(itertools.combinations(range(14), 3))


def all_marginals():
    for a, b, c in triples:
        index = (data[:, a] * domain[b] + data[:, b]) * domain[c] + data[:, c]
        np.bincount(index, minlength=domain[a] * domain[b] * domain[c])


times = []
for _ in range(15):
    start = time.perf_counter()
    all_marginals()
    times.append(time.perf_counter() - start)
print("numpy bincount, all 364 3-way marginals (%s): median %.1f ms" % (source, 1000 * sorted(times)[7]))
