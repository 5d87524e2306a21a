"""Reference values for src/math/stats/distributions.ts, computed once with scipy and committed.

Run: python3 scripts/reference/distributions.py > test/fixtures/scipy/distributions.json
"""
import json
import sys

import scipy
from scipy import stats

cases = {
    "scipy": scipy.__version__,
    "normalCdf": [[x, stats.norm.cdf(x)] for x in [-8.5, -1.96, 0, 0.3, 2.5758293035489]],
    "normalSf": [[x, stats.norm.sf(x)] for x in [1.96, 6, 12]],
    "normalQuantile": [[p, stats.norm.ppf(p)] for p in [1e-10, 0.025, 0.5, 0.8, 0.975]],
    "tCdf": [[x, df, stats.t.cdf(x, df)] for x, df in [(-2.1, 3), (0.7, 12.5), (1.5, 5841.742032093565), (-30, 40)]],
    "tQuantile": [[p, df, stats.t.ppf(p, df)] for p, df in [(0.975, 1), (0.975, 10), (0.95, 57.3), (0.025, 5841.742032093565)]],
    "chiSquareSf": [[x, k, stats.chi2.sf(x, k)] for x, k in [(3.84, 1), (0.5, 2), (150, 3), (400, 1)]],
    "betaCdf": [[x, a, b, stats.beta.cdf(x, a, b)] for x, a, b in [(0.3, 2, 5), (0.51, 52, 50)]],
    "betaQuantile": [[p, a, b, stats.beta.ppf(p, a, b)] for p, a, b in [(0.025, 50, 52), (0.9, 0.5, 0.5)]],
}
json.dump(cases, sys.stdout, indent=1, default=float)
print()
