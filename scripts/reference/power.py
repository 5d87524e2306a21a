"""Reference values for src/math/stats/power.ts, computed once with scipy and committed.

Sample sizes per control arm (before rounding up) from the textbook formulas with scipy's normal
quantiles; for proportions the Fleiss-Levin-Paik form with allocation ratio r = n_t/n_c (without the
continuity correction), which for r = 1 is the issue's formula
    n = (z_{1-a/2} sqrt(2 pbar (1-pbar)) + z_{1-b} sqrt(p1(1-p1) + p2(1-p2)))^2 / (p2 - p1)^2.
MDEs for proportions are solved with scipy.optimize.brentq, power with scipy.stats.norm.

Run: python3 scripts/reference/power.py > test/fixtures/scipy/power.json && npx biome format --write test/fixtures/scipy/power.json
"""
import json
import math
import sys

import scipy
from scipy import optimize, stats


def z(p):
    return stats.norm.ppf(p)


def n_means(sd, delta, alpha, power, r):
    return (1 + 1 / r) * sd**2 * (z(1 - alpha / 2) + z(power)) ** 2 / delta**2


def n_props(p1, p2, alpha, power, r):
    pbar = (p1 + r * p2) / (1 + r)
    a = z(1 - alpha / 2) * math.sqrt(pbar * (1 - pbar) * (1 + 1 / r))
    b = z(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / r)
    return (a + b) ** 2 / (p2 - p1) ** 2


def power_props(p1, p2, alpha, n1, r):
    n2 = r * n1
    pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
    se0 = math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    se1 = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    d = abs(p2 - p1)
    za = z(1 - alpha / 2)
    return stats.norm.cdf((d - za * se0) / se1) + stats.norm.cdf((-d - za * se0) / se1)


def power_means(sd, delta, alpha, n1, r):
    se = sd * math.sqrt(1 / n1 + 1 / (r * n1))
    za = z(1 - alpha / 2)
    return stats.norm.cdf(abs(delta) / se - za) + stats.norm.cdf(-abs(delta) / se - za)


means = []
for sd, delta, alpha, power, r in [(1, 0.2, 0.05, 0.8, 1), (2, 0.5, 0.05, 0.8, 1), (3.5, -0.4, 0.01, 0.9, 1),
                                   (1, 0.2, 0.05, 0.8, 2), (10, 1.5, 0.1, 0.95, 0.5)]:
    means.append({"sd": sd, "delta": delta, "alpha": alpha, "power": power, "ratio": r,
                  "n": n_means(sd, delta, alpha, power, r),
                  "powerAt1000": power_means(sd, delta, alpha, 1000, r)})

proportions = []
for p1, p2, alpha, power, r in [(0.10, 0.12, 0.05, 0.8, 1), (0.5, 0.45, 0.05, 0.8, 1), (0.02, 0.025, 0.05, 0.9, 1),
                                (0.10, 0.12, 0.05, 0.8, 2), (0.3, 0.33, 0.01, 0.8, 0.25)]:
    proportions.append({"p1": p1, "p2": p2, "alpha": alpha, "power": power, "ratio": r,
                        "n": n_props(p1, p2, alpha, power, r),
                        "powerAt1000": power_props(p1, p2, alpha, 1000, r)})

# The smallest p2 > p1 (or < p1) detectable with n1 control units at the given power.
mde = []
for p1, n1, alpha, power, r, up in [(0.10, 3841, 0.05, 0.8, 1, True), (0.10, 500, 0.05, 0.8, 1, True),
                                    (0.6, 2000, 0.05, 0.9, 2, False), (0.03, 20000, 0.01, 0.8, 1, True)]:
    f = lambda p2: n_props(p1, p2, alpha, power, r) - n1
    p2 = optimize.brentq(f, p1 + 1e-9, 1 - 1e-12, xtol=1e-15, rtol=1e-15) if up else \
        optimize.brentq(f, 1e-12, p1 - 1e-9, xtol=1e-15, rtol=1e-15)
    mde.append({"p1": p1, "n1": n1, "alpha": alpha, "power": power, "ratio": r, "increase": up, "p2": p2})

json.dump({"scipy": scipy.__version__, "means": means, "proportions": proportions, "proportionMde": mde},
          sys.stdout, indent=1)
print()
