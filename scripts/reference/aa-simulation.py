"""Reference values for src/math/stats/aa-simulation.ts, computed once with scipy and committed.

Run: python3 scripts/reference/aa-simulation.py > test/fixtures/scipy/aa-simulation.json && npx biome format --write test/fixtures/scipy/aa-simulation.json

- wilson: 95% (and 99%) Wilson score intervals of a proportion, scipy.stats.binomtest(...).proportion_ci.
- splitFpr: 2·Φ(−z₁₋α/₂/√(1 − f)), the false-positive rate of a real split with equal group means when
  each draw takes a fraction f of each group (scipy.stats.norm).
- welch: Welch p-values of small two-arm samples (scipy.stats.ttest_ind, equal_var=False), the per-draw
  test of the simulation, on arms taken from a fixed pool by fixed index lists.
"""
import json
import sys

import scipy
from scipy import stats

wilson = []
for k, n, confidence in [
    (500, 10000, 0.95),
    (0, 10000, 0.95),
    (10000, 10000, 0.95),
    (1, 7, 0.95),
    (263, 5000, 0.95),
    (3, 40, 0.99),
]:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    wilson.append([k, n, confidence, ci.low, ci.high])

pool = [round(0.37 * i * i % 11.3 + 0.01 * i, 6) for i in range(40)]
draws = [
    [[0, 3, 5, 7, 11, 13, 17, 19], [1, 2, 4, 6, 8, 9, 10, 12]],
    [[39, 38, 37, 36, 35, 34], [0, 1, 2, 3, 4, 5]],
]
welch = []
for a, b in draws:
    x = [pool[i] for i in a]
    y = [pool[i] for i in b]
    welch.append([a, b, stats.ttest_ind(y, x, equal_var=False).pvalue])

split_fpr = [[f, alpha, 2 * stats.norm.cdf(-stats.norm.ppf(1 - alpha / 2) / (1 - f) ** 0.5)] for f, alpha in [(0.02, 0.05), (0.1, 0.05), (0.25, 0.01)]]

json.dump({"scipy": scipy.__version__, "wilson": wilson, "splitFpr": split_fpr, "pool": pool, "welch": welch}, sys.stdout, indent=1, default=float)
print()
