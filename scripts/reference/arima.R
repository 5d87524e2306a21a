# Reference values for src/math/forecast/arima (fixed-order ARIMA fits, forecasts and intervals, and
# auto.arima's chosen orders), computed once with R's stats::arima via forecast::Arima / auto.arima.
#
# Run: Rscript scripts/reference/arima.R > test/fixtures/forecast/arima.json
#      npx biome format --write test/fixtures/forecast/arima.json   (the lint checks fixtures' layout)
#
# Series: R's datasets (written into the JSON), seeded simulations (arima.sim, values written too) and
# the first 480 hourly points of NAB's ambient_temperature_system_failure.
suppressMessages(library(forecast))
library(jsonlite)

nab <- read.csv("../shared/data/nab/data/realKnownCause/ambient_temperature_system_failure.csv")
set.seed(20240501)
ar2 <- as.numeric(arima.sim(list(ar = c(0.6, -0.3)), n = 200)) + 10
set.seed(20240502)
ma1 <- as.numeric(arima.sim(list(ma = 0.5), n = 200)) + 3
set.seed(20240503)
ima <- as.numeric(cumsum(arima.sim(list(ma = -0.4), n = 300)))

series <- list(
  lynx = list(y = as.numeric(lynx), m = 1),
  usaccdeaths = list(y = as.numeric(USAccDeaths), m = 12),
  logair = list(y = log(as.numeric(AirPassengers)), m = 12),
  ar2 = list(y = ar2, m = 1),
  ma1 = list(y = ma1, m = 1),
  ima = list(y = ima, m = 1),
  nottem = list(y = as.numeric(nottem), m = 12),
  wwwusage = list(y = as.numeric(WWWusage), m = 1),
  nab = list(y = nab$value[1:480], m = 24)
)

fits <- list(
  list(series = "lynx", order = c(2, 0, 0), seasonal = c(0, 0, 0), mean = TRUE, drift = FALSE),
  list(series = "lynx", order = c(1, 0, 1), seasonal = c(0, 0, 0), mean = TRUE, drift = FALSE),
  list(series = "usaccdeaths", order = c(0, 1, 1), seasonal = c(0, 1, 1), mean = FALSE, drift = FALSE),
  list(series = "logair", order = c(0, 1, 1), seasonal = c(0, 1, 1), mean = FALSE, drift = FALSE),
  list(series = "logair", order = c(1, 1, 0), seasonal = c(1, 0, 0), mean = FALSE, drift = TRUE),
  list(series = "logair", order = c(2, 1, 1), seasonal = c(0, 1, 1), mean = FALSE, drift = FALSE),
  list(series = "ar2", order = c(2, 0, 0), seasonal = c(0, 0, 0), mean = TRUE, drift = FALSE),
  list(series = "ma1", order = c(0, 0, 1), seasonal = c(0, 0, 0), mean = TRUE, drift = FALSE),
  list(series = "ima", order = c(0, 1, 1), seasonal = c(0, 0, 0), mean = FALSE, drift = TRUE),
  list(series = "nab", order = c(1, 0, 1), seasonal = c(0, 1, 1), mean = FALSE, drift = FALSE)
)

h <- 24
out_fits <- lapply(fits, function(f) {
  s <- series[[f$series]]
  y <- ts(s$y, frequency = s$m)
  fit <- Arima(y, order = f$order, seasonal = list(order = f$seasonal, period = s$m),
               include.mean = f$mean, include.drift = f$drift)
  fc <- forecast(fit, h = h, level = c(80, 95))
  list(
    series = f$series, period = s$m, order = f$order, seasonal = f$seasonal,
    includeMean = f$mean, includeDrift = f$drift,
    coefNames = names(coef(fit)), coef = unname(coef(fit)),
    loglik = fit$loglik, aicc = fit$aicc, sigma2 = fit$sigma2, nobs = fit$nobs,
    mean = as.numeric(fc$mean),
    lower80 = as.numeric(fc$lower[, 1]), upper80 = as.numeric(fc$upper[, 1]),
    lower95 = as.numeric(fc$lower[, 2]), upper95 = as.numeric(fc$upper[, 2]),
    fitted = as.numeric(fitted(fit))
  )
})

autos <- lapply(names(series), function(name) {
  s <- series[[name]]
  y <- ts(s$y, frequency = s$m)
  fit <- auto.arima(y)
  a <- fit$arma # p, q, P, Q, m, d, D
  list(series = name, p = a[1], d = a[6], q = a[2], P = a[3], D = a[7], Q = a[4],
       constant = any(names(coef(fit)) %in% c("intercept", "drift")),
       model = as.character(fit), aicc = fit$aicc,
       ndiffs = ndiffs(y), nsdiffs = if (s$m > 1) nsdiffs(y) else 0)
})

kpss <- lapply(c("lynx", "logair", "ima", "wwwusage"), function(name) {
  y <- series[[name]]$y
  t <- urca::ur.kpss(y, type = "mu", use.lag = trunc(3 * sqrt(length(y)) / 13))
  list(series = name, statistic = t@teststat[1])
})

cat(toJSON(list(
  series = lapply(series, function(s) list(y = s$y, period = s$m)),
  horizon = h, fits = out_fits, auto = autos, kpss = kpss
), auto_unbox = TRUE, digits = NA))
