"""Reference values for the structural time-series model (src/math/forecast/sts), computed once with
statsmodels' UnobservedComponents (0.13.5) and committed as test/fixtures/forecast/sts.json.

Run: /usr/bin/python3 scripts/reference/sts.py > test/fixtures/forecast/sts.json
     npx biome format --write test/fixtures/forecast/sts.json   (the lint checks fixtures' layout)
(Debian's /usr/bin/python3 has statsmodels; R's datasets are read through Rscript.)

Every model uses use_exact_diffuse=True (so statsmodels' llf is the diffuse likelihood of Durbin &
Koopman 2012 eq. 7.4, with no loglikelihood_burn), stochastic components, the dummy seasonal
(`seasonal=m`) or the trigonometric one (`freq_seasonal`), and regressors as states (mle_regression=False).
For each case: the series (NaN written as null), statsmodels' fitted variances and llf at its optimum,
the smoothed states at those variances, and forecasts with 80% and 95% intervals.
The NAB series is the first 25 days of nyc_taxi summed from half-hours to hours (m = 24), read from
../shared/data/nab (the repository's parent holds shared/).
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
from statsmodels.tsa.statespace.structural import UnobservedComponents

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))


def r_dataset(name):
    out = subprocess.run(
        ["Rscript", "-e", f"cat(format(as.numeric({name}), digits = 17), sep = '\\n')"],
        check=True, capture_output=True, text=True,
    ).stdout
    return np.array([float(v) for v in out.split()])


def nyc_taxi_hourly(days):
    path = os.path.join(HERE, "../../../shared/data/nab/data/realKnownCause/nyc_taxi.csv")
    values = []
    with open(path) as f:
        next(f)
        for line in f:
            values.append(float(line.strip().split(",")[1]))
    v = np.array(values[: days * 48])
    return v.reshape(-1, 2).sum(axis=1)


def build(y, trend, period=0, form="dummy", harmonics=0, exog=None):
    kwargs = dict(level="llevel" if trend == "level" else "lltrend", use_exact_diffuse=True)
    if period >= 2 and form == "dummy":
        kwargs.update(seasonal=period, stochastic_seasonal=True)
    elif period >= 2:
        kwargs.update(freq_seasonal=[{"period": period, "harmonics": harmonics}],
                      stochastic_freq_seasonal=[True])
    if exog is not None:
        kwargs.update(exog=exog.T, mle_regression=False)
    return UnobservedComponents(y, **kwargs)


def fit_best(model):
    """statsmodels' fit from its own start (L-BFGS), refined with Nelder-Mead and again L-BFGS; best llf."""
    best = model.fit(disp=False, maxiter=2000)
    try:
        nm = model.fit(start_params=best.params, method="nm", disp=False, maxiter=20000)
        again = model.fit(start_params=nm.params, disp=False, maxiter=2000)
        for r in (nm, again):
            if r.llf > best.llf:
                best = r
    except Exception:  # noqa: BLE001 - keep the first fit if a refinement fails
        pass
    return best


def variances(model, params):
    names = model.param_names
    get = lambda key: float(params[names.index(key)]) if key in names else 0.0  # noqa: E731
    seasonal = get("sigma2.seasonal")
    if seasonal == 0.0:
        seasonal = next((float(params[i]) for i, n in enumerate(names) if n.startswith("sigma2.freq_seasonal")), 0.0)
    return {"irregular": get("sigma2.irregular"), "level": get("sigma2.level"),
            "slope": get("sigma2.trend"), "seasonal": seasonal}


def finite_or_none(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a).ravel()]


def case(name, y, trend, period=0, form="dummy", harmonics=0, exog=None, future_exog=None, horizon=12):
    model = build(y, trend, period, form, harmonics, exog)
    res = fit_best(model)
    fc = res.get_forecast(horizon, exog=None if future_exog is None else future_exog.T)
    intervals = []
    for level in (80, 95):
        ci = np.asarray(fc.conf_int(alpha=1 - level / 100))
        intervals.append({"level": level, "lower": finite_or_none(ci[:, 0]), "upper": finite_or_none(ci[:, 1])})
    smoothed = np.asarray(res.smoothed_state)
    return {
        "name": name,
        "trend": trend,
        "period": period,
        "seasonalForm": form,
        "harmonics": harmonics,
        "y": finite_or_none(y),
        "xreg": None if exog is None else [finite_or_none(r) for r in exog],
        "futureXreg": None if future_exog is None else [finite_or_none(r) for r in future_exog],
        "variances": variances(model, res.params),
        "llf": float(res.llf),
        "smoothedLevel": finite_or_none(smoothed[0]),
        "smoothedLastState": finite_or_none(smoothed[:, -1]),
        "horizon": horizon,
        "forecastMean": finite_or_none(fc.predicted_mean),
        "intervals": intervals,
    }


def main():
    cases = []
    nile = r_dataset("Nile")
    cases.append(case("Nile, local level", nile, "level", horizon=10))
    cases.append(case("Nile, local linear trend", nile, "local-linear", horizon=10))
    gappy = nile.copy()
    gappy[[20, 21, 22, 60, 61, 90]] = np.nan
    cases.append(case("Nile with six missing points, local level", gappy, "level", horizon=10))
    air = np.log(r_dataset("AirPassengers"))
    cases.append(case("log AirPassengers, local linear trend + dummy season 12", air, "local-linear", 12, horizon=24))
    deaths = r_dataset("USAccDeaths")
    cases.append(case("USAccDeaths, local level + dummy season 12", deaths, "level", 12, horizon=12))
    cases.append(case("USAccDeaths, local level + trigonometric season 12 (2 harmonics)", deaths, "level", 12,
                      "trigonometric", 2, horizon=12))
    taxi = nyc_taxi_hourly(25)
    cases.append(case("nyc_taxi hourly (25 days), local level + dummy season 24", taxi, "level", 24, horizon=48))
    # A regression case: y = 2 x1 - x2 + local level + noise, seeded.
    rng = np.random.default_rng(20240605)
    n, h = 120, 10
    x = rng.normal(size=(2, n + h)).cumsum(axis=1) * 0.3 + rng.normal(size=(2, n + h))
    level = 10 + rng.normal(scale=0.3, size=n + h).cumsum()
    yr = level + 2 * x[0] - x[1] + rng.normal(scale=0.5, size=n + h)
    cases.append(case("seeded local level + 2 regressors (coefficients 2, -1)", yr[:n], "level", exog=x[:, :n],
                      future_exog=x[:, n:], horizon=h))
    json.dump({"generator": "scripts/reference/sts.py, statsmodels UnobservedComponents, use_exact_diffuse=True",
               "cases": cases}, sys.stdout)


if __name__ == "__main__":
    main()
