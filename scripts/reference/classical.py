"""Reference values for the classical two-sample tests (src/math/stats/{t-test,proportion-test,
mann-whitney,chi-square,ks-test}.ts), computed once with scipy and committed.

Run: python3 scripts/reference/classical.py > test/fixtures/scipy/classical.json
     npx biome format --write test/fixtures/scipy/classical.json   (the lint checks fixtures' layout)

Conventions: every two-sample call puts the TREATMENT first (scipy's x / a), so scipy's "a - b" is our
treatment - control and its alternative 'greater' is ours. Large samples are not stored: they are drawn
from `Rng`, a port of the uniform stream of src/math/random.ts (xoshiro128** seeded by splitmix32), so
the tests regenerate the same values with createRng(seed).next(). Infinite interval bounds are written as
the strings "Infinity" / "-Infinity" (JSON has no infinity).
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy import stats

M32 = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & M32


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def _splitmix32(state):
    nxt = (state + 0x9E3779B9) & M32
    z = nxt
    z = _imul(z ^ (z >> 16), 0x85EBCA6B)
    z = _imul(z ^ (z >> 13), 0xC2B2AE35)
    z ^= z >> 16
    return nxt, z


class Rng:
    """createRng(seed).next() of src/math/random.ts."""

    def __init__(self, seed):
        sm = (seed & M32) ^ _imul((seed // 2**32) & M32, 0x27D4EB2D)
        self.s = []
        for _ in range(4):
            sm, out = _splitmix32(sm)
            self.s.append(out)

    def next(self):
        a, b, c, d = self.s
        result = _imul(_rotl(_imul(b, 5), 7), 9)
        t = (b << 9) & M32
        c ^= a
        d ^= b
        b ^= c
        a ^= d
        c ^= t
        d = _rotl(d, 11)
        self.s = [a, b, c, d]
        return result / 4294967296

    def uniforms(self, n):
        return [self.next() for _ in range(n)]


def num(x):
    x = float(x)
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


ALTERNATIVES = ["two-sided", "greater", "less"]
gen = np.random.default_rng(20240604)

# --- t-tests ------------------------------------------------------------------------------------
t_datasets = {
    "normal": (gen.normal(10, 2, 40).round(4), gen.normal(10.8, 3, 55).round(4)),
    "skewed": (gen.lognormal(0, 1, 60).round(4), gen.lognormal(0.3, 1.2, 35).round(4)),
    "small": (np.array([3.1, 2.4, 5.0, 4.4, 3.9]), np.array([4.2, 6.1, 5.5, 3.8, 7.0, 6.6, 5.9, 4.8])),
    "integers": (gen.poisson(3, 120).astype(float), gen.poisson(3.4, 80).astype(float)),
}
t_cases = []
for name, (control, treatment) in t_datasets.items():
    for equal_var in (False, True):
        for alternative in ALTERNATIVES:
            for confidence in (0.95, 0.9):
                r = stats.ttest_ind(treatment, control, equal_var=equal_var, alternative=alternative)
                ci = r.confidence_interval(confidence_level=confidence)
                t_cases.append({
                    "dataset": name,
                    "kind": "student" if equal_var else "welch",
                    "alternative": alternative,
                    "alpha": round(1 - confidence, 10),
                    "statistic": num(r.statistic),
                    "pValue": num(r.pvalue),
                    "df": num(r.df),
                    "ci": [num(ci.low), num(ci.high)],
                })

# --- proportions: pooled z-test, Wald interval, 2x2 chi-square ------------------------------------
# The z-test is computed from its textbook formulas (no statsmodels here); chi2_contingency without
# Yates' correction is an independent check of the two-sided p-value (z^2 = chi-square on 1 df).
prop_inputs = [
    (120, 1000, 150, 1000),
    (14, 28, 16, 30),
    (5, 40, 1, 35),
    (4800, 50000, 5100, 50000),
    (0, 100, 3, 120),
]
prop_cases = []
for sc, nc, st, nt in prop_inputs:
    pc, pt = sc / nc, st / nt
    pooled = (sc + st) / (nc + nt)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt))
    se = math.sqrt(pc * (1 - pc) / nc + pt * (1 - pt) / nt)
    z = (pt - pc) / se0
    table = np.array([[sc, nc - sc], [st, nt - st]])
    case = {
        "control": {"n": nc, "successes": sc},
        "treatment": {"n": nt, "successes": st},
        "effect": pt - pc,
        "statistic": z,
        "se": se,
        "pValue": {
            "two-sided": float(2 * stats.norm.sf(abs(z))),
            "greater": float(stats.norm.sf(z)),
            "less": float(stats.norm.cdf(z)),
        },
        "ci95": {
            "two-sided": [pt - pc - stats.norm.ppf(0.975) * se, pt - pc + stats.norm.ppf(0.975) * se],
            "greater": [pt - pc - stats.norm.ppf(0.95) * se, "Infinity"],
            "less": ["-Infinity", pt - pc + stats.norm.ppf(0.95) * se],
        },
    }
    for correction in (False, True):
        r = stats.chi2_contingency(table, correction=correction)
        case["chi2" + ("Yates" if correction else "")] = {"statistic": float(r.statistic), "pValue": float(r.pvalue)}
    prop_cases.append(case)

contingency_tables = [
    [[30, 70], [45, 55], [20, 80]],
    [[12, 5, 9], [7, 14, 3]],
    [[3, 9], [8, 2]],
]
contingency_cases = []
for table in contingency_tables:
    for correction in (False, True):
        r = stats.chi2_contingency(np.array(table), correction=correction)
        contingency_cases.append({
            "table": table,
            "correction": correction,
            "statistic": float(r.statistic),
            "df": int(r.dof),
            "pValue": float(r.pvalue),
        })

# --- chi-square goodness of fit -----------------------------------------------------------------
gof_cases = []
for observed, weights in [
    ([1000, 1200], [0.5, 0.5]),
    ([310, 98], [0.75, 0.25]),
    ([500, 500, 600], [0.34, 0.33, 0.33]),
    ([5021, 4890, 10102], [1, 1, 2]),
    ([18, 22, 25, 35], None),
]:
    total = sum(observed)
    expected = None if weights is None else [w / sum(weights) * total for w in weights]
    r = stats.chisquare(observed, expected)
    gof_cases.append({
        "observed": observed,
        "weights": weights,
        "statistic": float(r.statistic),
        "pValue": float(r.pvalue),
    })

# --- Mann-Whitney U, asymptotic -----------------------------------------------------------------
def zero_heavy(n):
    values = np.where(gen.random(n) < 0.8, 0.0, gen.lognormal(2, 1, n).round(2))
    return values


big = Rng(7)
mw_datasets = {
    "continuous": (gen.normal(0, 1, 30).round(6), gen.normal(0.4, 1, 25).round(6)),
    "ties": (gen.integers(0, 6, 40).astype(float), gen.integers(0, 7, 37).astype(float)),
    "zero-heavy": (zero_heavy(80), zero_heavy(90)),
    "small": (np.array([1.5, 2.0, 3.5]), np.array([2.0, 4.0, 5.5, 6.0])),
}
mw_cases = []
for name, (control, treatment) in mw_datasets.items():
    for continuity in (True, False):
        for alternative in ALTERNATIVES:
            r = stats.mannwhitneyu(treatment, control, use_continuity=continuity,
                                   alternative=alternative, method="asymptotic")
            mw_cases.append({
                "dataset": name,
                "continuity": continuity,
                "alternative": alternative,
                "u": float(r.statistic),
                "pValue": float(r.pvalue),
            })
# 500 + 500 values with heavy ties, drawn from Rng(7): control floor(20u), treatment floor(21u).
big_control = np.floor(20 * np.array(big.uniforms(500)))
big_treatment = np.floor(21 * np.array(big.uniforms(500)))
for continuity in (True, False):
    for alternative in ALTERNATIVES:
        r = stats.mannwhitneyu(big_treatment, big_control, use_continuity=continuity,
                               alternative=alternative, method="asymptotic")
        mw_cases.append({
            "dataset": "rng7-500x500",
            "continuity": continuity,
            "alternative": alternative,
            "u": float(r.statistic),
            "pValue": float(r.pvalue),
        })

# --- Kolmogorov-Smirnov against Uniform(0, 1) ---------------------------------------------------
# The distribution of D_n at points chosen in every region of Simard & L'Ecuyer's method selection
# (scipy.stats._ksstats._kolmogn): Ruben-Gambino ends, Durbin/MTW, Pomeranz, Smirnov, Pelz-Good.
kstwo_points = [
    (20, 0.04), (500, 0.0015), (20, 0.96), (20, 0.6), (7, 0.55),
    (20, 0.15), (100, 0.08), (5, 0.3),
    (20, 0.3), (100, 0.15), (140, 0.16), (37, 0.2),
    (20, 0.47), (100, 0.25), (140, 0.3),
    (10000, 0.2), (500, 0.08), (20000, 0.012), (10000, 0.05), (141, 0.35),
    (500, 0.0098), (10000, 0.0025),
    (500, 0.04), (20000, 0.006), (10000, 0.012), (1000, 0.03), (100000, 0.004),
]
kstwo_cases = [{"n": n, "d": d, "sf": float(stats.kstwo.sf(d, n))} for n, d in kstwo_points]
kolmogorov_points = [0.03, 0.1, 0.5, 0.82, 0.83, 1.0, 1.36, 2.0, 4.0, 8.0]
kolmogorov_cases = [{"x": x, "sf": float(scipy.special.kolmogorov(x))} for x in kolmogorov_points]

ks_samples = []
for seed, n, power in [(1, 20, 1.0), (2, 500, 1.0), (3, 10000, 1.0), (4, 20000, 1.0),
                       (5, 500, 1.3), (6, 100, 1.15), (8, 60, 2.0)]:
    u = np.array(Rng(seed).uniforms(n)) ** power
    exact = stats.kstest(u, "uniform")
    asymp = stats.kstest(u, "uniform", method="asymp")
    ks_samples.append({
        "seed": seed,
        "n": n,
        "power": power,
        "statistic": float(exact.statistic),
        "pValue": float(exact.pvalue),
        "pValueAsymptotic": float(asymp.pvalue),
    })
explicit = [0.02, 0.11, 0.13, 0.4, 0.41, 0.42, 0.77, 0.9]
r = stats.kstest(explicit, "uniform")
ks_samples.append({"values": explicit, "n": len(explicit), "statistic": float(r.statistic), "pValue": float(r.pvalue)})

# --- `sightline stats compare` on the "skewed" t-test dataset: every scipy test of a mean metric ------
compare_control, compare_treatment = t_datasets["skewed"]
compare = {"dataset": "skewed"}
for kind, equal_var in (("welch", False), ("student", True)):
    r = stats.ttest_ind(compare_treatment, compare_control, equal_var=equal_var)
    ci = r.confidence_interval(0.95)
    compare[kind] = {"effect": float(compare_treatment.mean() - compare_control.mean()),
                     "ci": [float(ci.low), float(ci.high)], "pValue": float(r.pvalue)}
r = stats.mannwhitneyu(compare_treatment, compare_control, method="asymptotic")
compare["mannwhitney"] = {"u": float(r.statistic), "pValue": float(r.pvalue)}
n_c, n_t = len(compare_control), len(compare_treatment)
compare["srm"] = {"pValue": float(stats.chisquare([n_c, n_t]).pvalue)}

json.dump({
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "tTest": {"datasets": {k: {"control": c.tolist(), "treatment": t.tolist()} for k, (c, t) in t_datasets.items()},
              "cases": t_cases},
    "proportion": prop_cases,
    "contingency": contingency_cases,
    "goodnessOfFit": gof_cases,
    "mannWhitney": {"datasets": {k: {"control": c.tolist(), "treatment": t.tolist()} for k, (c, t) in mw_datasets.items()},
                    "cases": mw_cases},
    "kstwo": kstwo_cases,
    "kolmogorov": kolmogorov_cases,
    "ks": ks_samples,
    "compare": compare,
}, sys.stdout, indent=1, allow_nan=False)
print()
