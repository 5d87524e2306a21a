"""Reference values for the resampling, ratio and variance-reduction code of src/math/stats
(bootstrap-interval.ts, bootstrap.ts, poisson-bootstrap.ts, bucket-method.ts, ratio.ts, cuped.ts,
post-stratification.ts), computed once with numpy/scipy and committed.

Run: python3 scripts/reference/resampling.py > test/fixtures/scipy/resampling.json \
     && npx biome format --write test/fixtures/scipy/resampling.json

scipy's bootstrap draws its resamples from numpy's generator, which the TypeScript code does not
reproduce; so each BCa case dumps scipy's own replicates (`bootstrap_distribution`) next to its
interval, its acceleration and its bias correction, and the tests feed those replicates to our interval
code. The other sections compute each method the way a user of numpy would (per-unit arrays, np.cov,
scipy's Welch t-test), a route independent of the sums and covariance algebra of the TypeScript code.
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.special import ndtri
from scipy.stats._resampling import _bca_interval, _percentile_of_score


def welch(a, b, alpha=0.05):
    """scipy's Welch t-test of b - a: statistic, p-value, df and the 1 - alpha interval."""
    res = stats.ttest_ind(b, a, equal_var=False)
    ci = res.confidence_interval(confidence_level=1 - alpha)
    return {"statistic": res.statistic, "pValue": res.pvalue, "df": res.df, "ci": [ci.low, ci.high],
            "effect": float(np.mean(b) - np.mean(a))}


def bca_case(name, data, statistic, n_resamples, seed, alternative="two-sided"):
    rng = np.random.default_rng(seed)
    res = stats.bootstrap(data, statistic, n_resamples=n_resamples, method="BCa", rng=rng,
                          alternative=alternative, confidence_level=0.95)
    dist = res.bootstrap_distribution
    pct = stats.bootstrap(data, statistic, n_resamples=0, method="percentile", bootstrap_result=res,
                          alternative=alternative, confidence_level=0.95, rng=rng)
    alpha = 0.025 if alternative == "two-sided" else 0.05
    data_np = [np.asarray(d) for d in data]
    a1, a2, a_hat = _bca_interval(data_np, statistic, axis=-1, alpha=alpha, theta_hat_b=dist, batch=None, xp=np)
    theta_hat = np.asarray(statistic(*data_np, axis=-1))[..., None]
    z0 = ndtri(_percentile_of_score(dist, theta_hat, axis=-1, xp=np))
    return {
        "name": name,
        "alternative": alternative,
        "data": [d.tolist() for d in data_np],
        "estimate": float(statistic(*data_np, axis=-1)),
        "replicates": dist.tolist(),
        "bca": {"ci": [res.confidence_interval.low, res.confidence_interval.high],
                "acceleration": float(a_hat), "z0": float(np.squeeze(z0)),
                "levels": [float(np.squeeze(a1)), float(np.squeeze(a2))]},
        "percentile": {"ci": [pct.confidence_interval.low, pct.confidence_interval.high]},
        "standardError": float(res.standard_error),
    }


def mean(x, axis=-1):
    return np.mean(x, axis=axis)


def sd(x, axis=-1):
    return np.std(x, axis=axis, ddof=1)


def mean_difference(c, t, axis=-1):
    return np.mean(t, axis=axis) - np.mean(c, axis=axis)


def relative_difference(c, t, axis=-1):
    mc = np.mean(c, axis=axis)
    return (np.mean(t, axis=axis) - mc) / np.abs(mc)


rng = np.random.default_rng(20240531)
skewed = rng.lognormal(0, 1, 40)
control = rng.lognormal(0, 0.8, 30)
treatment = rng.lognormal(0.2, 0.8, 35)
bca = [
    bca_case("mean of a lognormal sample", (skewed,), mean, 999, 1),
    bca_case("standard deviation (n - 1) of a lognormal sample", (skewed,), sd, 999, 2),
    bca_case("difference of two means", (control, treatment), mean_difference, 999, 3),
    bca_case("relative difference of two means", (control, treatment), relative_difference, 999, 4),
    bca_case("difference of two means, one-sided (greater)", (control, treatment), mean_difference, 999, 5,
             alternative="greater"),
]

# Ratio metric arms: views per user, clicks out of views with a user-level rate.
def ratio_arm(n, rate):
    views = rng.poisson(6, n) + rng.integers(0, 2, n)
    p = rng.beta(rate * 8, (1 - rate) * 8, n)
    clicks = rng.binomial(views, p)
    return clicks.astype(float), views.astype(float)


xc, yc = ratio_arm(200, 0.30)
xt, yt = ratio_arm(180, 0.33)
kappa = xc.sum() / yc.sum()
linearization = {"control": {"numerator": xc.tolist(), "denominator": yc.tolist()},
                 "treatment": {"numerator": xt.tolist(), "denominator": yt.tolist()},
                 "kappa": kappa, "welch": welch(xc - kappa * yc, xt - kappa * yt)}

beta = 5.0
kappa_all = (xc.sum() + xt.sum()) / (yc.sum() + yt.sum())
sc = (xc + beta * kappa_all) / (yc + beta)
st = (xt + beta * kappa_all) / (yt + beta)
smoothed = {"beta": beta, "kappa": kappa_all, "welch": welch(sc, st)}

# Bucket method on the index assignment (unit i in bucket i mod B): per-bucket means or ratios, then Welch.
def buckets_of(values, b, denominators=None):
    idx = np.arange(len(values)) % b
    num = np.bincount(idx, weights=values, minlength=b)
    den = np.bincount(idx, weights=denominators if denominators is not None else np.ones(len(values)), minlength=b)
    return num / den


bucket_c = rng.lognormal(0, 1, 1000)
bucket_t = rng.lognormal(0.05, 1, 900)
bucket = {"buckets": 20, "control": bucket_c.tolist(), "treatment": bucket_t.tolist(),
          "mean": welch(buckets_of(bucket_c, 20), buckets_of(bucket_t, 20)),
          "ratio": welch(buckets_of(xc, 20, yc), buckets_of(xt, 20, yt))}

# CUPED on per-unit values with missing pre-period values: covariates (pre or 0, has-pre indicator),
# theta by least squares over both arms pooled, then Welch on the adjusted values.
def cuped_arm(n, shift):
    pre = rng.normal(10, 3, n)
    post = 0.8 * pre + rng.normal(shift, 2, n)
    missing = rng.random(n) < 0.25
    post[missing] -= 3  # new users behave differently
    pre[missing] = np.nan
    return post, pre


def design(pre):
    present = ~np.isnan(pre)
    return np.column_stack([np.where(present, pre, 0.0), present.astype(float)])


post_c, pre_c = cuped_arm(300, 0.0)
post_t, pre_t = cuped_arm(280, 0.4)
X = np.vstack([design(pre_c), design(pre_t)])
Y = np.concatenate([post_c, post_t])
theta, *_ = np.linalg.lstsq(X - X.mean(0), Y - Y.mean(), rcond=None)
adj_c = post_c - design(pre_c) @ theta
adj_t = post_t - design(pre_t) @ theta
mc = post_c.mean()
ratio_ct = post_t.mean() / mc
var_rel = np.var(adj_t, ddof=1) / (len(adj_t) * mc ** 2) + \
    np.var(ratio_ct * post_c - design(pre_c) @ theta, ddof=1) / (len(adj_c) * mc ** 2)
cuped_missing = {
    "control": {"post": post_c.tolist(), "pre": [None if np.isnan(v) else v for v in pre_c]},
    "treatment": {"post": post_t.tolist(), "pre": [None if np.isnan(v) else v for v in pre_t]},
    "theta": theta.tolist(),
    "absolute": welch(adj_c, adj_t),
    "relative": {"effect": (adj_t.mean() - adj_c.mean()) / abs(mc), "se": float(np.sqrt(var_rel))},
}

# Post-stratification: three strata with different levels, stratum shares of the pooled units as weights.
strata_levels = {"de": 5.0, "us": 9.0, "in": 2.0}
def strat_arm(n, shift):
    keys = rng.choice(list(strata_levels), n, p=[0.3, 0.5, 0.2])
    values = np.array([strata_levels[k] for k in keys]) + shift + rng.normal(0, 1.5, n)
    return keys, values


keys_c, vals_c = strat_arm(250, 0.0)
keys_t, vals_t = strat_arm(240, 0.3)
n_all = len(keys_c) + len(keys_t)
T = C = VT = VC = den = 0.0
for k in sorted(strata_levels):
    a, b = vals_c[keys_c == k], vals_t[keys_t == k]
    w = (len(a) + len(b)) / n_all
    T += w * b.mean()
    C += w * a.mean()
    ac, at = w * w * a.var(ddof=1) / len(a), w * w * b.var(ddof=1) / len(b)
    VT += at
    VC += ac
    den += ac * ac / (len(a) - 1) + at * at / (len(b) - 1)
df = (VT + VC) ** 2 / den
se = np.sqrt(VT + VC)
half = stats.t.ppf(0.975, df) * se
post_strat = {
    "control": {"values": vals_c.tolist(), "strata": keys_c.tolist()},
    "treatment": {"values": vals_t.tolist(), "strata": keys_t.tolist()},
    "effect": T - C, "se": se, "df": df, "pValue": 2 * stats.t.sf(abs((T - C) / se), df),
    "ci": [T - C - half, T - C + half],
    "relative": {"effect": (T - C) / abs(C), "se": float(np.sqrt(VT / C ** 2 + T ** 2 * VC / C ** 4))},
}

cases = {
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "bca": bca,
    "poissonOnePmf": [stats.poisson.pmf(k, 1) for k in range(13)],
    "linearization": linearization,
    "smoothed": smoothed,
    "bucket": bucket,
    "cupedMissing": cuped_missing,
    "postStratification": post_strat,
}
def finite(value):
    """JSON has no infinity: an unbounded side of a one-sided interval is written as the string."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if isinstance(value, (float, np.floating)) and np.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


json.dump(finite(cases), sys.stdout, default=float, allow_nan=False)
print()
