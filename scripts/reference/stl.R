# Reference values for src/math/forecast/stl (STL, MSTL and the MSTL forecaster), computed once with
# R's stats::stl (the Fortran of Cleveland et al. 1990) and forecast::mstl / forecast.mstl, and committed.
#
# Series: R's nottem, co2 and log(AirPassengers), and the first 1,000 hours of NAB's nyc_taxi
# (realKnownCause/nyc_taxi.csv, half-hourly passenger counts summed to hours), all written into the JSON.
#
# Run (from the repo root):
#   Rscript scripts/reference/stl.R > test/fixtures/forecast/stl.json && npx biome format --write test/fixtures/forecast/stl.json
suppressMessages(library(forecast))
library(jsonlite)

taxi <- read.csv("../shared/data/nab/data/realKnownCause/nyc_taxi.csv")$value
hourly <- taxi[seq(1, 2000, by = 2)] + taxi[seq(2, 2000, by = 2)]

stl_case <- function(name, x, period, s.window, robust = FALSE, ...) {
  fit <- stl(ts(x, frequency = period), s.window = s.window, robust = robust, ...)
  ts <- fit$time.series
  list(
    name = name, period = period, sWindow = if (is.character(s.window)) "periodic" else s.window,
    robust = robust, args = list(...), y = as.numeric(x),
    seasonal = as.numeric(ts[, "seasonal"]), trend = as.numeric(ts[, "trend"]),
    remainder = as.numeric(ts[, "remainder"]), weights = as.numeric(fit$weights)
  )
}

stlCases <- list(
  stl_case("nottem periodic", as.numeric(nottem), 12, "periodic"),
  stl_case("nottem s.window=7", as.numeric(nottem), 12, 7),
  stl_case("co2 s.window=21", as.numeric(co2), 12, 21),
  # 143 points, not 144: for an even length R's Fortran asks its partial sort (psort) for the two middle
  # order statistics in descending order (n/2+1, n/2), which it does not support, and the "median" of
  # the robustness weights is then not the median (statsmodels, and src/math/forecast/stl, take the true
  # one; stl.py checks the full 144 there). With an odd length both indices are the same and R is exact.
  stl_case("log AirPassengers[1:143] s.window=13 robust", as.numeric(log(AirPassengers))[1:143], 12, 13, robust = TRUE),
  stl_case("nyc_taxi hourly s.window=11 t.window=31 jumps 1", hourly, 24, 11,
           t.window = 31, s.jump = 1, t.jump = 1, l.jump = 1)
)

m <- mstl(msts(hourly, seasonal.periods = c(24, 168)))
mstlCase <- list(
  name = "nyc_taxi hourly mstl(24,168)", periods = c(24, 168), y = hourly,
  trend = as.numeric(m[, "Trend"]), seasonal24 = as.numeric(m[, "Seasonal24"]),
  seasonal168 = as.numeric(m[, "Seasonal168"]), remainder = as.numeric(m[, "Remainder"])
)

# forecast.mstl with a random walk on the seasonally adjusted series: rwf's sigma is the root mean
# square of the first differences (no degrees-of-freedom correction), sd_h = sigma sqrt(h).
f <- forecast(m, method = "naive", h = 48, level = c(80, 95))
mstlForecast <- list(
  name = "nyc_taxi hourly mstl(24,168) + naive, h=48", horizon = 48, levels = c(80, 95),
  mean = as.numeric(f$mean), lower80 = as.numeric(f$lower[, 1]), upper80 = as.numeric(f$upper[, 1]),
  lower95 = as.numeric(f$lower[, 2]), upper95 = as.numeric(f$upper[, 2])
)

# A short series: 300 hours has two full days but not two weeks, so mstl drops 168.
m2 <- suppressWarnings(mstl(msts(hourly[1:300], seasonal.periods = c(24, 168))))
mstlShort <- list(
  name = "nyc_taxi first 300 hours mstl(24,168) drops 168", periods = c(24, 168), y = hourly[1:300],
  trend = as.numeric(m2[, "Trend"]), seasonal24 = as.numeric(m2[, "Seasonal24"]),
  remainder = as.numeric(m2[, "Remainder"])
)

cat(toJSON(list(
  generatedWith = paste("R", R.version$major, R.version$minor, "forecast", as.character(packageVersion("forecast"))),
  stl = stlCases, mstl = mstlCase, mstlShort = mstlShort, mstlForecast = mstlForecast
), auto_unbox = TRUE, digits = I(15)))
