# Reference values for the ETS models (src/math/forecast/ets), computed once with R's forecast package
# and committed as test/fixtures/forecast/ets.json; the tests never call R.
#
# Run: Rscript scripts/reference/ets.R > test/fixtures/forecast/ets.json
#      npx biome format --write test/fixtures/forecast/ets.json   (the lint checks fixtures' layout)
#
# For each series: every form forecast::ets admits under restrict = TRUE (no multiplicative trend), fitted
# with the package defaults (bounds "both", opt.crit "lik", AICc), with R's parameters, full initial state
# (l, b, s1..sm; s1 the most recent season), loglik, aicc, sigma2 and forecast(fit, h, level = c(80, 95));
# the form ets() picks; and forecast:::initstate, the heuristic start of the optimisation.
# The NAB series are the first 30 days of nyc_taxi summed to hours (m = 24) and all of it summed to days
# (m = 7), read from ../shared/data/nab (the repository's parent holds shared/).
suppressMessages(library(forecast))
suppressMessages(library(jsonlite))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("--file=", "", args[grep("--file=", args)])
root <- normalizePath(file.path(dirname(script), "..", ".."))
taxi <- read.csv(file.path(root, "..", "shared", "data", "nab", "data", "realKnownCause", "nyc_taxi.csv"))
hourly <- colSums(matrix(taxi$value, nrow = 2))
daily <- colSums(matrix(taxi$value[1:(48 * floor(nrow(taxi) / 48))], nrow = 48))
set.seed(20240605)
walk <- cumsum(rnorm(120, 0.15, 1))

series <- list(
  list(name = "AirPassengers", y = as.numeric(AirPassengers), m = 12, h = 24),
  list(name = "USAccDeaths", y = as.numeric(USAccDeaths), m = 12, h = 24),
  list(name = "nottem", y = as.numeric(nottem), m = 12, h = 24),
  list(name = "lynx", y = as.numeric(lynx), m = 1, h = 10),
  list(name = "walk", y = walk, m = 1, h = 10),
  list(name = "nyc_taxi_hourly", y = hourly[1:720], m = 24, h = 48),
  list(name = "nyc_taxi_daily", y = daily, m = 7, h = 14)
)

forms <- list()
for (e in c("A", "M")) for (t in c("N", "A", "Ad")) for (s in c("N", "A", "M")) {
  if (e == "A" && s == "M") next
  forms[[length(forms) + 1]] <- list(error = e, trend = substr(t, 1, 1), damped = t == "Ad", season = s)
}

fit_form <- function(y, f, h) {
  fit <- try(ets(y, model = paste0(f$error, f$trend, f$season), damped = f$damped), silent = TRUE)
  if (inherits(fit, "try-error")) return(NULL)
  fc <- forecast(fit, h = h, level = c(80, 95))
  par <- as.list(fit$par[intersect(names(fit$par), c("alpha", "beta", "gamma", "phi"))])
  list(
    form = list(error = f$error, trend = if (f$damped) "Ad" else f$trend, season = f$season),
    method = fit$method, par = par, initstate = I(unname(as.numeric(fit$states[1, ]))),
    loglik = fit$loglik, aicc = fit$aicc, sigma2 = fit$sigma2,
    forecast = list(
      mean = as.numeric(fc$mean),
      lower80 = as.numeric(fc$lower[, 1]), upper80 = as.numeric(fc$upper[, 1]),
      lower95 = as.numeric(fc$lower[, 2]), upper95 = as.numeric(fc$upper[, 2])
    )
  )
}

out <- list(forecastVersion = as.character(packageVersion("forecast")), series = list())
for (s in series) {
  y <- ts(s$y, frequency = s$m)
  positive <- min(y) > 0
  fits <- list()
  for (f in forms) {
    if (s$m == 1 && f$season != "N") next
    if (!positive && f$error == "M") next
    r <- fit_form(y, f, s$h)
    if (!is.null(r)) fits[[length(fits) + 1]] <- r
  }
  auto <- ets(y)
  inits <- list()
  for (tt in c("N", "A")) for (ss in if (s$m > 1) c("N", "A", "M") else "N") {
    if (ss == "M" && !positive) next
    inits[[length(inits) + 1]] <- list(trend = tt, season = ss,
      state = I(unname(as.numeric(forecast:::initstate(y, tt, ss)))))
  }
  out$series[[length(out$series) + 1]] <- list(
    name = s$name, m = s$m, h = s$h, y = s$y, fits = fits,
    auto = list(method = auto$method, loglik = auto$loglik, aicc = auto$aicc),
    initstate = inits
  )
}
cat(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE))
cat("\n")
