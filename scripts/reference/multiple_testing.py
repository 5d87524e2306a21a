"""Reference values for src/math/stats/multiple-testing.ts, computed once with scipy and committed.

Benjamini-Hochberg adjusted p-values from scipy.stats.false_discovery_control on seeded random vectors,
some rounded to two decimals so that they contain ties.

Run: python3 scripts/reference/multiple_testing.py > test/fixtures/scipy/multiple-testing.json && npx biome format --write test/fixtures/scipy/multiple-testing.json
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20240611)
cases = []
for size, decimals in [(5, None), (12, 2), (40, None), (40, 2), (200, 3)]:
    # A mixture of nulls (uniform) and signals (small p-values), as in a real family of tests.
    p = np.concatenate([rng.uniform(size=size - size // 4), rng.uniform(0, 0.01, size=size // 4)])
    rng.shuffle(p)
    if decimals is not None:
        p = np.round(p, decimals)
    cases.append({"p": p.tolist(), "bh": stats.false_discovery_control(p, method="bh").tolist()})

json.dump({"scipy": scipy.__version__, "benjaminiHochberg": cases}, sys.stdout, indent=1)
print()
