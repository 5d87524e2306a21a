"""Reference values for src/math/forecast/stl: statsmodels' STL (its own port of the Fortran of
Cleveland et al. 1990), computed once and committed. It checks the robust outer loop on an even-length
series (log AirPassengers, 144 months), where R's stl takes a different "median" (see stl.R), and
statsmodels' own defaults (every jump 1, low-pass window nextodd(period + 1), 5 inner passes).

Run (Debian's python with statsmodels 0.13.5, from the repo root):
  /usr/bin/python3 scripts/reference/stl.py > test/fixtures/forecast/stl-statsmodels.json && npx biome format --write test/fixtures/forecast/stl-statsmodels.json
"""
import json

import numpy as np
import statsmodels
from statsmodels.tsa.seasonal import STL

# log(AirPassengers), R's datasets::AirPassengers, 1949-1960.
AIR = [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166, 171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194, 196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201, 204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229, 242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278, 284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306, 315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336, 340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337, 360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405, 417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432]
y = np.log(np.array(AIR, dtype=float))


def case(name, y, period, options, fit):
    r = STL(y, period=period, **options).fit(**fit)
    return {
        "name": name,
        "period": period,
        "options": options,
        "fit": fit,
        "y": list(y),
        "seasonal": list(r.seasonal),
        "trend": list(r.trend),
        "remainder": list(r.resid),
        "weights": list(r.weights),
    }


cases = [
    # R's stl(log(AirPassengers), s.window = 13, robust = TRUE) settings, spelled out.
    case(
        "log AirPassengers robust, R's settings",
        y,
        12,
        dict(seasonal=13, trend=21, low_pass=13, seasonal_deg=0, trend_deg=1, low_pass_deg=1,
             robust=True, seasonal_jump=2, trend_jump=3, low_pass_jump=2),
        dict(inner_iter=1, outer_iter=15),
    ),
    # statsmodels' defaults: seasonal=7, trend and low_pass from the period, jumps 1, robust.
    case("log AirPassengers statsmodels defaults robust", y, 12, dict(seasonal=7, robust=True), {}),
]
print(json.dumps({"generatedWith": "statsmodels " + statsmodels.__version__, "cases": cases}))
