"""Reference values for src/math/forecast/prophet, computed once and committed.

Prophet itself is not installed here, so this checks the two things our model must share with it by
construction, independently of our code:
  1. the changepoint grid of Prophet's `set_changepoints` (numpy linspace over the first 80% of the
     history, rounded half to even, the first dropped), for several lengths;
  2. the MAP of Prophet's model (prophet.stan, additive, linear growth) on a simulated daily series
     with a changepoint, a weekly season and a regressor, by another route than ours: the Laplace
     prior's |delta| split as u - v with u, v >= 0 so each fixed-sigma problem is a smooth bounded QP,
     solved by scipy's interior-point trust-constr, alternated with sigma's closed form. (A plain
     L-BFGS-B on the joint posterior stalls on the near-collinear changepoint ramps: it stopped 4.5
     log-posterior units short.)

Run (Debian's python with numpy/scipy, from the repo root):
  /usr/bin/python3 scripts/reference/prophet.py > test/fixtures/forecast/prophet.json && npx biome format --write test/fixtures/forecast/prophet.json
"""
import json

import numpy as np
import scipy
from scipy.optimize import minimize


def changepoint_indices(n, n_changepoints=25, changepoint_range=0.8):
    hist_size = int(np.floor(n * changepoint_range))
    if n_changepoints + 1 > hist_size:
        n_changepoints = hist_size - 1
    if n_changepoints <= 0:
        return []
    return [int(i) for i in np.linspace(0, hist_size - 1, n_changepoints + 1).round().astype(int)[1:]]


def design(n, seasons, regressors):
    t = np.arange(n) / (n - 1)
    cps = np.array(changepoint_indices(n)) / (n - 1)
    cols = [np.ones(n), t] + [np.where(t >= s, t - s, 0.0) for s in cps]
    priors = [("normal", 5.0), ("normal", 5.0)] + [("laplace", 0.05)] * len(cps)
    step = np.arange(n)
    for period, order in seasons:
        for k in range(1, order + 1):
            cols.append(np.sin(2 * np.pi * k * step / period))
            cols.append(np.cos(2 * np.pi * k * step / period))
            priors += [("normal", 10.0)] * 2
    for x in regressors:
        cols.append((x - x.mean()) / x.std(ddof=1))
        priors.append(("normal", 10.0))
    return np.column_stack(cols), priors


def map_fit(X, y, priors):
    """The MAP by alternating an exact convex solve over the coefficients at fixed sigma (trust-constr,
    an interior-point method, with the exact Hessian of the smooth u - v form) with sigma's closed form
    (the root of 4 s^2 + n s - RSS = 0), until sigma settles."""
    n, p = X.shape
    lap = np.array([k == "laplace" for k, _ in priors])
    scale = np.array([s for _, s in priors])
    gi = np.where(~lap)[0]
    li = np.where(lap)[0]
    # z = (gaussian coefficients, u, v); theta = B z.
    B = np.zeros((p, len(gi) + 2 * len(li)))
    B[gi, np.arange(len(gi))] = 1
    B[li, len(gi) + np.arange(len(li))] = 1
    B[li, len(gi) + len(li) + np.arange(len(li))] = -1
    XB = X @ B
    H0 = XB.T @ XB
    ridge = np.zeros(B.shape[1])
    ridge[: len(gi)] = 1 / scale[gi] ** 2
    lin = np.zeros(B.shape[1])
    lin[len(gi):] = 1 / 0.05
    bounds = [(-np.inf, np.inf)] * len(gi) + [(0, np.inf)] * (2 * len(li))
    from scipy.optimize import Bounds
    lb = np.array([b[0] for b in bounds])
    ub = np.array([b[1] for b in bounds])
    s2 = 0.01 * y.var()
    z = np.zeros(B.shape[1])
    for _ in range(100):
        H = H0 + s2 * np.diag(ridge)
        c = -XB.T @ y + s2 * lin
        res = minimize(lambda z: 0.5 * z @ H @ z + c @ z, z, jac=lambda z: H @ z + c, hess=lambda z: H,
                       method="trust-constr", bounds=Bounds(lb, ub),
                       options=dict(gtol=1e-14, xtol=1e-16, maxiter=20000))
        z = res.x
        r = y - XB @ z
        rss = r @ r
        s2_new = (-n + np.sqrt(n * n + 16 * rss)) / 8
        done = abs(s2_new - s2) <= 1e-12 * s2
        s2 = s2_new
        if done:
            break
    theta = B @ z
    sigma = np.sqrt(s2)
    r = y - X @ theta
    objective = (r @ r) / (2 * s2) + n * np.log(sigma) + np.abs(theta[li]).sum() / 0.05 \
        + (theta[gi] ** 2 / (2 * scale[gi] ** 2)).sum() + s2 / (2 * 0.25)
    return theta, sigma, objective


rng = np.random.default_rng(20240605)
n = 240
step = np.arange(n)
promo = rng.normal(10, 3, n)
y = (200 + 0.5 * step + np.where(step >= 120, -1.2 * (step - 120), 0.0)
     + 8 * np.sin(2 * np.pi * step / 7) + 3 * np.cos(4 * np.pi * step / 7)
     + 2.0 * promo + rng.normal(0, 4, n))
y_scale = np.abs(y).max()
X, priors = design(n, [(7, 3)], [promo])
theta, sigma, objective = map_fit(X, y / y_scale, priors)

print(json.dumps({
    "generatedWith": f"numpy {np.__version__}, scipy {scipy.__version__}",
    "changepointGrids": [{"n": m, "indices": changepoint_indices(m)} for m in (3, 10, 31, 100, 240, 730, 1000)],
    "map": {
        "name": "240 daily points: slope 0.5 turning to -0.7 at step 120, weekly season, a regressor of coefficient 2, noise sd 4",
        "y": list(y), "xreg": list(promo), "seasonPeriods": [7], "fourierOrder": 3,
        "yScale": y_scale, "thetaScaled": list(theta), "sigmaScaled": sigma,
        "objective": objective,
    },
}))
