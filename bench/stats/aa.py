"""The NumPy/SciPy side of bench/stats.bench.ts: the A/A simulation as a competent NumPy user writes it.

Usage: python3 bench/stats/aa.py POOL.f64 SIMULATIONS SAMPLE_PER_ARM SEED ALPHA RUNS
POOL.f64 holds the pool's per-user values as little-endian float64 (written by the benchmark). Each run
draws SIMULATIONS samples of 2 * SAMPLE_PER_ARM distinct users (Generator.choice without replacement),
gathers them into one matrix, runs Welch's t-test on every row at once (scipy.stats.ttest_ind), and
computes the false-positive rate, its Wilson interval, the KS test of the p-values against U(0, 1) and a
20-bin histogram. One warm-up run, then RUNS timed runs; prints JSON with the median time and the results
of the first timed run.
"""
import json
import sys
import time

import numpy as np
from scipy import stats


def simulate(pool, k, n, seed, alpha):
    rng = np.random.default_rng(seed)
    m = pool.shape[0]
    idx = np.empty((k, 2 * n), dtype=np.int64)
    for i in range(k):
        idx[i] = rng.choice(m, 2 * n, replace=False)
    x = pool[idx]
    p = stats.ttest_ind(x[:, n:], x[:, :n], axis=1, equal_var=False).pvalue
    positives = int((p < alpha).sum())
    ci = stats.binomtest(positives, k).proportion_ci(0.95, method="wilson")
    ks = stats.kstest(p, "uniform")
    histogram, _ = np.histogram(p, bins=20, range=(0.0, 1.0))
    return {
        "falsePositiveRate": positives / k,
        "fprInterval": [ci.low, ci.high],
        "ksPValue": float(ks.pvalue),
        "histogram": histogram.tolist(),
    }


def main():
    path, k, n, seed, alpha, runs = sys.argv[1:7]
    k, n, seed, alpha, runs = int(k), int(n), int(seed), float(alpha), int(runs)
    pool = np.fromfile(path, dtype="<f8")
    simulate(pool, k, n, seed, alpha)
    times = []
    result = None
    for r in range(runs):
        start = time.perf_counter()
        out = simulate(pool, k, n, seed + r, alpha)
        times.append(time.perf_counter() - start)
        result = result or out
    times.sort()
    result["seconds"] = times[len(times) // 2]
    result["numpy"] = np.__version__
    result["scipy"] = __import__("scipy").__version__
    json.dump(result, sys.stdout)
    print()


main()
