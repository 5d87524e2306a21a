# Reference forecasts for src/math/forecast/baselines and src/math/forecast/theta, computed once with
# R's forecast package and committed; the tests never call R.
#
# Run: Rscript scripts/reference/baselines.R > test/fixtures/forecast/baselines.json
#      npx biome format --write test/fixtures/forecast/baselines.json
#
# Series: R's built-in datasets (written into the JSON) and the first 672 half-hours of NAB's nyc_taxi
# (read by the tests from ../shared/data/nab, period 48). Naive2 follows the M4 competition's
# Benchmarks.R (SeasonalityTest, multiplicative decompose, naive on the adjusted series), its intervals
# being naive's on the adjusted series times the same indices.
suppressMessages(library(forecast))
suppressMessages(library(jsonlite))

nab_path <- "../shared/data/nab/data/realKnownCause/nyc_taxi.csv"
nab <- read.csv(nab_path)$value[1:672]

series <- list(
  AirPassengers = AirPassengers,
  USAccDeaths = USAccDeaths,
  nottem = nottem,
  lynx = lynx,
  WWWusage = WWWusage,
  Nile = Nile,
  nyc_taxi = ts(nab, frequency = 48)
)

SeasonalityTest <- function(input, ppy) {
  tcrit <- 1.645
  if (length(input) < 3 * ppy) {
    test_seasonal <- FALSE
  } else {
    xacf <- acf(input, plot = FALSE, lag.max = ppy)$acf[-1, 1, 1]
    clim <- tcrit / sqrt(length(input)) * sqrt(cumsum(c(1, 2 * xacf^2)))
    test_seasonal <- (abs(xacf[ppy]) > clim[ppy])
    if (is.na(test_seasonal) == TRUE) test_seasonal <- FALSE
  }
  test_seasonal
}

naive2 <- function(input, fh) {
  ppy <- frequency(input)
  ST <- FALSE
  if (ppy > 1) ST <- SeasonalityTest(input, ppy)
  if (ST) {
    Dec <- decompose(input, type = "multiplicative")
    des_input <- input / Dec$seasonal
    SIout <- head(rep(Dec$seasonal[(length(Dec$seasonal) - ppy + 1):length(Dec$seasonal)], fh), fh)
  } else {
    des_input <- input
    SIout <- rep(1, fh)
  }
  f <- naive(des_input, h = fh, level = c(80, 95))
  list(mean = f$mean * SIout, lower = f$lower * SIout, upper = f$upper * SIout, seasonal = ST)
}

case <- function(name, method, h, f, extra = list()) {
  c(list(
    dataset = name, method = method, horizon = h,
    mean = as.numeric(f$mean),
    lower80 = as.numeric(f$lower[, 1]), upper80 = as.numeric(f$upper[, 1]),
    lower95 = as.numeric(f$lower[, 2]), upper95 = as.numeric(f$upper[, 2])
  ), extra)
}

cases <- list()
for (name in names(series)) {
  y <- series[[name]]
  m <- frequency(y)
  h <- if (m > 1) 2 * m else 10
  cases[[length(cases) + 1]] <- case(name, "naive", h, naive(y, h = h, level = c(80, 95)))
  cases[[length(cases) + 1]] <- case(name, "drift", h, rwf(y, h = h, drift = TRUE, level = c(80, 95)))
  if (m > 1) cases[[length(cases) + 1]] <- case(name, "snaive", h, snaive(y, h = h, level = c(80, 95)))
  n2 <- naive2(y, h)
  cases[[length(cases) + 1]] <- case(name, "naive2", h, n2, list(seasonal = n2$seasonal))

  th <- thetaf(y, h = h, level = c(80, 95))
  # thetaf's own seasonal decision and adjusted series, to fit R's SES on it for the parameters.
  n <- length(y)
  seasonal <- FALSE
  x <- y
  if (m > 1 && !is.constant(y) && n > 2 * m) {
    r <- as.numeric(acf(y, lag.max = m, plot = FALSE)$acf)[-1]
    stat <- sqrt((1 + 2 * sum(r[-m]^2)) / n)
    seasonal <- (abs(r[m]) / stat > qnorm(0.95))
  }
  if (seasonal) x <- seasadj(decompose(y, type = "multiplicative"))
  fit <- ets(x, "ANN", opt.crit = "mse")
  se1 <- sqrt(th$model$sigma)
  cases[[length(cases) + 1]] <- case(name, "thetaf", h, th, list(
    seasonal = seasonal, alpha = as.numeric(th$model$alpha), drift = as.numeric(th$model$drift),
    sigma2 = as.numeric(th$model$sigma), l0 = as.numeric(fit$par["l"]), mse = as.numeric(fit$mse),
    se = as.numeric(se1 * sqrt((0:(h - 1)) * th$model$alpha^2 + 1))
  ))
}

datasets <- list()
for (name in names(series)) {
  if (name == "nyc_taxi") next
  datasets[[name]] <- list(frequency = frequency(series[[name]]), values = as.numeric(series[[name]]))
}

out <- list(
  generator = paste("R", getRversion(), "forecast", packageVersion("forecast")),
  datasets = datasets,
  nab = list(nyc_taxi = list(path = "data/nab/data/realKnownCause/nyc_taxi.csv", rows = 672, frequency = 48)),
  cases = cases
)
cat(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE))
