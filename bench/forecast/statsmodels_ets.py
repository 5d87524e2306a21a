"""The reference of bench/forecast.bench.ts: statsmodels' ETS on the same series, in the same run.

Reads {"series": [{"id", "train": [...], "h": H, "m": M}]} on stdin and prints, per series, the
forecast mean and 80%/95% intervals of the AutoETS a statsmodels user would write by hand (ETSModel
fitted for each of the additive-error forms with and without a damped trend and an additive season,
the lowest AICc kept), with the seconds it took. Needs Debian's python3-statsmodels (0.13):
  /usr/bin/python3 bench/forecast/statsmodels_ets.py < series.json
"""
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

warnings.filterwarnings("ignore")
data = json.load(sys.stdin)
out = []
for s in data["series"]:
    # A pandas Series: statsmodels 0.13's get_prediction fails on a bare array.
    y = pd.Series(np.asarray(s["train"], dtype=float))
    h, m = s["h"], s["m"]
    start = time.perf_counter()
    best = None
    forms = [(None, False, None), ("add", False, None), ("add", True, None)]
    if m and m > 1 and len(y) >= 2 * m + 2:
        forms += [(t, d, "add") for (t, d, _) in list(forms)]
    for trend, damped, seasonal in forms:
        try:
            fit = ETSModel(y, error="add", trend=trend, damped_trend=damped, seasonal=seasonal,
                           seasonal_periods=m if seasonal else None).fit(disp=False, maxiter=200)
        except Exception:
            continue
        if np.isfinite(fit.aicc) and (best is None or fit.aicc < best.aicc):
            best = fit
    seconds = time.perf_counter() - start
    if best is None:
        out.append({"id": s["id"], "ok": False, "seconds": seconds})
        continue
    pred = best.get_prediction(start=len(y), end=len(y) + h - 1)
    frame80 = pred.summary_frame(alpha=0.2)
    frame95 = pred.summary_frame(alpha=0.05)
    out.append({
        "id": s["id"], "ok": True, "seconds": seconds,
        "mean": frame95["mean"].tolist(),
        "lower80": frame80["pi_lower"].tolist(), "upper80": frame80["pi_upper"].tolist(),
        "lower95": frame95["pi_lower"].tolist(), "upper95": frame95["pi_upper"].tolist(),
    })
json.dump({"results": out}, sys.stdout)
