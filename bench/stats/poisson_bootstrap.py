"""The NumPy side of bench/stats.bench.ts: the Poisson bootstrap as a competent NumPy user writes it.

Usage: python3 bench/stats/poisson_bootstrap.py CONTROL.f64 TREATMENT.f64 REPLICATES SEED ALPHA
The files hold each arm's per-user values as little-endian float64. Every replicate gives every user an
independent Poisson(1) weight (Generator.poisson) and takes the weighted mean sum(w*x)/sum(w) per arm, in
blocks of replicates so that a block's weight matrix stays near 100 MB; the effect is treatment - control,
its interval the percentile interval of the replicate effects (numpy.quantile), its se their standard
deviation. One timed run (the job takes minutes); prints JSON.
"""
import json
import sys
import time

import numpy as np

BLOCK_CELLS = 12_500_000


def replicate_means(rng, x, replicates):
    block = max(1, BLOCK_CELLS // x.shape[0])
    means = np.empty(replicates)
    for start in range(0, replicates, block):
        rows = min(block, replicates - start)
        w = rng.poisson(1.0, size=(rows, x.shape[0]))
        means[start : start + rows] = (w @ x) / w.sum(axis=1)
    return means


def main():
    control_path, treatment_path, replicates, seed, alpha = sys.argv[1:6]
    replicates, seed, alpha = int(replicates), int(seed), float(alpha)
    control = np.fromfile(control_path, dtype="<f8")
    treatment = np.fromfile(treatment_path, dtype="<f8")
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    effects = replicate_means(rng, treatment, replicates) - replicate_means(rng, control, replicates)
    lo, hi = np.quantile(effects, [alpha / 2, 1 - alpha / 2])
    result = {
        "effect": float(treatment.mean() - control.mean()),
        "ci": [float(lo), float(hi)],
        "se": float(effects.std(ddof=1)),
        "seconds": time.perf_counter() - start,
        "numpy": np.__version__,
    }
    json.dump(result, sys.stdout)
    print()


main()
