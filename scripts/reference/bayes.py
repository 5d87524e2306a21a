"""Reference values for src/math/stats/bayes.ts, computed once with scipy and committed.

The risks are integrated numerically (scipy.integrate.quad of max(theta, 0) and max(-theta, 0) against the
normal density) rather than taken from the closed forms the code uses, so the two are independent.

Run: python3 scripts/reference/bayes.py > test/fixtures/scipy/bayes.json && npx biome format --write test/fixtures/scipy/bayes.json
"""
import json
import sys

import numpy as np
import scipy
from scipy import integrate, stats


def risks(mu, sigma):
    pdf = lambda x: stats.norm.pdf(x, mu, sigma)
    lo, hi = mu - 40 * sigma, mu + 40 * sigma
    ctrl = integrate.quad(lambda x: x * pdf(x), max(0.0, lo), max(0.0, hi), epsabs=1e-15, epsrel=1e-13, limit=200)[0] if hi > 0 else 0.0
    trt = integrate.quad(lambda x: -x * pdf(x), min(0.0, lo), min(0.0, hi), epsabs=1e-15, epsrel=1e-13, limit=200)[0] if lo < 0 else 0.0
    return [ctrl, trt]


risk_cases = [(0.1, 0.05), (-0.074074074, 0.0506570451), (0.0, 1.0), (2.5, 0.3), (-3.0, 1.7), (0.001, 0.2)]

# Normal-normal updates: (effect, variance, prior mean, prior variance or None for flat, alpha).
posterior_cases = [
    (0.05, 0.0012, None, None, 0.05),
    (0.05, 0.0012, 0.1, 0.1, 0.05),
    (-0.3, 0.04, 0.0, 0.01, 0.1),
    (1.7, 2.5, -1.0, 4.0, 0.01),
]


def posterior(effect, variance, m0, v0, alpha):
    if v0 is None:
        mean, var = effect, variance
    else:
        prec = 1 / variance + 1 / v0
        mean, var = (effect / variance + m0 / v0) / prec, 1 / prec
    sd = np.sqrt(var)
    return {
        "inputs": {"effect": effect, "variance": variance, "priorMean": m0, "priorVariance": v0, "alpha": alpha},
        "mean": mean,
        "sd": sd,
        "ci": list(stats.norm.ppf([alpha / 2, 1 - alpha / 2], mean, sd)),
        "chanceToWin": stats.norm.sf(0, mean, sd),
        "risk": risks(mean, sd),
    }


out = {
    "scipy": scipy.__version__,
    "risk": [{"mu": mu, "sigma": s, "risk": risks(mu, s)} for mu, s in risk_cases],
    "posterior": [posterior(*c) for c in posterior_cases],
}
json.dump(out, sys.stdout, indent=1, default=float)
print()
