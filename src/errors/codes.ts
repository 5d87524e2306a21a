/**
 * The catalogue of stable error codes. Each code is documented in docs/errors.md (a test checks that),
 * so a user who sees one can look it up; the hint is the default advice printed beside the message.
 */
export const ERROR_CODES = {
  SL_USAGE: {
    summary: 'A command was called with a missing or invalid argument.',
    hint: 'run the command with --help',
  },
  SL_CONFIG_INVALID: {
    summary: 'The project file sightline.yaml has an error.',
    hint: 'fix the listed keys in sightline.yaml',
  },
  SL_CONFIG_NOT_FOUND: {
    summary: 'A project file named with --config does not exist.',
    hint: 'check the path',
  },
  SL_DB_OPEN_FAILED: {
    summary: 'The database file could not be opened (missing directory, permissions, not a DuckDB file).',
    hint: 'check --db / SIGHTLINE_DB and the file permissions',
  },
  SL_DB_LOCKED: {
    summary: 'Another process (for example `sightline serve`) holds the database for writing.',
    hint: 'stop the other process, or send the data through the running server',
  },
  SL_DB_NEWER_SCHEMA: {
    summary: 'The database was written by a newer version of Sightline.',
    hint: 'upgrade Sightline to open this database',
  },
  SL_DB_MIGRATION_FAILED: {
    summary: 'A schema migration failed and was rolled back.',
    hint: 'report this with the message',
  },
  SL_INGEST_INPUT_NOT_FOUND: {
    summary: 'An input path or glob of `sightline ingest` matched no file.',
    hint: 'check the path; directories are read recursively, globs must be quoted',
  },
  SL_INGEST_UNKNOWN_FORMAT: {
    summary: 'The input format could not be inferred from the file name, or --format named an unknown one.',
    hint: 'pass --format ndjson|json|csv|parquet',
  },
  SL_INGEST_READ_FAILED: {
    summary: 'An input file could not be read.',
    hint: 'check that the file is readable',
  },
  SL_INGEST_DEAD_LETTER_FAILED: {
    summary: 'The dead-letter file could not be written.',
    hint: 'choose a writable path with --dead-letter',
  },
  SL_INGEST_TRUNCATED_INPUT: {
    summary:
      'Warning: an input ended early (a truncated or corrupt gzip stream, an unclosed JSON array); every record before the damage was processed.',
    hint: 'check the file; the partial record at the end is in the dead-letter file as `truncated`',
  },
  SL_INGEST_CSV_HEADER: {
    summary:
      'Warning: a CSV header had empty or repeated column names, which were renamed (column_N, name_2).',
    hint: 'give every CSV column a distinct name',
  },
  SL_SQL_READ_ONLY: {
    summary: '`sightline sql` refused a statement that writes, changes settings or reads files.',
    hint: 'only SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE and EXPLAIN over warehouse tables are allowed',
  },
  SL_SQL_ERROR: {
    summary: 'The database rejected a SQL query.',
    hint: 'check the query against `sightline status`',
  },
  SL_DEMO_INVALID: { summary: 'The demo options are out of range.', hint: 'see `sightline demo --help`' },
  SL_DIALECT_UNKNOWN: {
    summary: 'A warehouse engine was named that has no SQL dialect.',
    hint: 'use one of the engines listed in the message',
  },
  SL_DIALECT_CAPABILITY: {
    summary: 'A query needs a capability (for example time zones or ASOF joins) that this engine lacks.',
    hint: 'run the query on an engine that has it, or drop the option that needs it',
  },
  SL_METRICS_INVALID: {
    summary: 'The metrics layer (metrics, dimensions, filters, cohorts in sightline.yaml) has an error.',
    hint: 'fix the listed definitions in sightline.yaml',
  },
  SL_UNKNOWN_METRIC: {
    summary: 'A query named a metric the metrics layer does not define.',
    hint: 'list the metrics with `sightline metrics`',
  },
  SL_UNKNOWN_DIMENSION: {
    summary:
      'A breakdown or filter named a dimension that is neither an event column, a user column (user.x), a property (properties.x) nor a named dimension.',
    hint: 'list the dimensions with `sightline metrics`',
  },
  SL_UNKNOWN_COHORT: {
    summary: 'A filter named a cohort that is neither declared in sightline.yaml nor saved.',
    hint: 'list the cohorts with `sightline insight cohorts`',
  },
  SL_FILTER_SYNTAX: {
    summary: 'A filter expression (--where, or a filter in sightline.yaml) could not be parsed.',
    hint: "write comparisons such as country = 'US' and age >= 18, joined with and / or / not",
  },
  SL_INSIGHT_INVALID: {
    summary: 'An insight query (flags or --spec JSON) is missing a field or has an invalid value.',
    hint: 'run `sightline insight TYPE --help`',
  },
  SL_INSIGHT_TOO_LARGE: {
    summary: 'An insight would produce more buckets, steps or series than it allows.',
    hint: 'narrow the date range, use a coarser interval or fewer breakdown values',
  },
  SL_BREAKDOWN_OTHER: {
    summary:
      'Warning: a breakdown had more values than its limit; the smaller ones were merged into one group marked `other: true`.',
    hint: 'raise --breakdown-limit to see more values separately',
  },
  SL_VALUE_NOT_FINITE: {
    summary:
      'Warning: a value came out infinite or not a number (an overflow in a formula) and is shown as null.',
    hint: 'check the formula and the scale of its inputs',
  },
  SL_EMPTY_DENOMINATOR: {
    summary:
      'Warning: a rate or share had no users to divide by (an empty cohort, a period no cohort has reached yet, a range without active users) and is null rather than 0.',
    hint: 'widen the date range or loosen the filter',
  },
  SL_COHORT_INVALID: {
    summary:
      'A cohort to save has an invalid name or definition, or refers to itself; as a warning, a saved cohort that no longer checks against sightline.yaml is left out.',
    hint: 'fix the cohort with `sightline cohort save`, or delete it with `sightline cohort delete`',
  },
  SL_COHORT_SHADOWED: {
    summary: 'Warning: a saved cohort has the name of one declared in sightline.yaml, which is used instead.',
    hint: 'rename one of them: `sightline cohort delete NAME` and save it under another name',
  },
  SL_SESSIONS_CUT: {
    summary:
      'Warning: sessions that start in the range continue after its end; only their events up to the end are counted.',
    hint: 'extend --to to measure them whole',
  },
  SL_PATHS_TRANSITIONS_DROPPED: {
    summary: 'Warning: paths had more transitions than --top; the rest are left out of the result.',
    hint: 'raise --top to see more transitions',
  },
  SL_NO_DATA: {
    summary: 'Warning: no events in the range matched the query, so the result is empty.',
    hint: 'check the date range, the event names and the filter',
  },
  SL_FUNNEL_EXCLUDED: {
    summary:
      'Warning: users whose attempts that got furthest in a funnel all had an excluded event between the given steps were left out of the funnel (PostHog semantics).',
    hint: 'drop or narrow --exclude to count them',
  },
  SL_AA_SAMPLE_TOO_LARGE: {
    summary:
      'An A/A simulation was asked for more users per arm than the pool or a group of the split holds (each draw is without replacement).',
    hint: 'lower --sample to at most half the pool, or the size of the smaller group',
  },
  SL_AA_LARGE_SAMPLE_FRACTION: {
    summary:
      'Warning: each A/A draw takes more than 2% of the smaller group of a real split, so the draws share that split’s chance difference and even a sound split’s false-positive rate moves away from alpha.',
    hint: 'lower --sample to the number the message gives',
  },
  SL_AA_DISCRETE_PVALUES: {
    summary:
      'Warning: many A/A draws share one p-value (a discrete metric such as a conversion at a small sample), so the p-values cannot be exactly uniform and the KS condition of the verdict can fail on a sound split.',
    hint: 'judge the split by the false-positive rate, or raise --sample',
  },
  SL_STATS_EMPTY_ARM: {
    summary:
      'Warning: an arm has too few units (fewer than 2) for a test, so its p-value and interval are left out.',
    hint: 'wait for more traffic, or check the arm assignment',
  },
  SL_STATS_ZERO_BASELINE: {
    summary: 'Warning: the control mean is 0, so a relative effect (divided by it) is undefined.',
    hint: 'read the absolute effect instead',
  },
  SL_STATS_ZERO_VARIANCE: {
    summary: 'Warning: the values have no variance, so there is no standard error, p-value or interval.',
    hint: 'check that the metric varies between users (a constant metric cannot be tested)',
  },
  SL_STATS_ZERO_DENOMINATOR: {
    summary:
      'Warning: the denominator of a ratio metric sums to 0 in an arm (for example no views), so the ratio is undefined.',
    hint: 'check the denominator metric and the arm assignment',
  },
  SL_STATS_UNDEFINED_REPLICATES: {
    summary:
      'Warning: some bootstrap replicates were undefined (a resample whose denominator or control mean is 0) and were left out of the interval.',
    hint: 'use more units per arm, or the absolute effect',
  },
  SL_STATS_BCA_UNDEFINED: {
    summary:
      'Warning: the BCa bootstrap interval is undefined for this statistic and data (the estimate lies outside every replicate, or the jackknife does not vary), so the percentile interval is reported instead.',
    hint: 'use more replicates, or ask for the percentile interval',
  },
  SL_STATS_NO_COVARIATE: {
    summary:
      'Warning: the pre-period covariate does not vary (or is missing for every unit), so CUPED made no adjustment.',
    hint: 'check the pre-period window and the covariate metric',
  },
  SL_STATS_SPARSE_STRATUM: {
    summary:
      'Warning: some strata had fewer than 2 units in an arm and were left out of the post-stratified estimate; the weights of the others were renormalised.',
    hint: 'merge small strata, or stratify by a coarser dimension',
  },
  SL_STATS_INPUT_INVALID: {
    summary:
      'Input to a statistics command is malformed: a missing field, a non-number, or an unsupported combination.',
    hint: 'see `sightline stats compare --help` for the input format',
  },
  SL_EXPERIMENT_INVALID: {
    summary:
      'An experiment in sightline.yaml has an error: an unknown metric, variant or dimension, a control that is not a variant, a metric with no per-user form.',
    hint: 'fix the listed keys under experiments: in sightline.yaml',
  },
  SL_UNKNOWN_EXPERIMENT: {
    summary: 'A command named an experiment that sightline.yaml does not declare.',
    hint: 'declare it under experiments: in sightline.yaml, or check the spelling',
  },
  SL_EXPERIMENT_NO_EXPOSURES: {
    summary: 'No user of an experiment was exposed in its analysis window, so there is nothing to analyse.',
    hint: 'check the start and end dates and how the arms are assigned (exposures, an event field, a hash)',
  },
  SL_EXPERIMENT_SRM: {
    summary:
      'Warning: sample ratio mismatch: the users per variant differ from the expected split (chi-square p < 0.001), so the assignment or the logging is broken and the results cannot be trusted.',
    hint: 'look for a bug in assignment, redirects, bots or exposure logging before reading any effect',
  },
  SL_EXPERIMENT_MULTIPLE_ARMS: {
    summary: 'Warning: some users were seen in more than one variant and were left out of the analysis.',
    hint: 'check that the assignment is sticky per user (the same user id always gets the same variant)',
  },
  SL_EXPERIMENT_UNDECLARED_VARIANT: {
    summary:
      'Warning: some users were exposed to a variant the experiment does not declare and were left out.',
    hint: 'add the variant to the experiment in sightline.yaml, or fix the exposure logging',
  },
  SL_EXPERIMENT_AA_FAILED: {
    summary:
      'Warning: an A/A experiment (two identical arms) shows a significant difference or a sample ratio mismatch, so the split system cannot be trusted.',
    hint: 'run `sightline experiment aa NAME` and check the assignment before trusting A/B results',
  },
  SL_FORECAST_INPUT_INVALID: {
    summary:
      'A series to forecast could not be read: a missing column, a value or timestamp that does not parse, or too few points.',
    hint: 'give a CSV with timestamp,value (or value alone, or series_id,timestamp,value) and at least 3 numeric values',
  },
  SL_FORECAST_OPTION_INVALID: {
    summary:
      'A forecast option is out of range: a horizon below 1, a season shorter than 2, a level outside (0, 100), an unknown model.',
    hint: 'run the command with --help for the accepted values',
  },
  SL_FORECAST_SHORT_SERIES: {
    summary: 'Warning: the series is too short for the requested model or season, so a simpler one was used.',
    hint: 'give at least two full seasons of history for a seasonal model',
  },
  SL_FORECAST_CONSTANT_SERIES: {
    summary:
      'Warning: the series is constant, so the forecast is that constant and the intervals have no width.',
    hint: 'check that the right metric or column was chosen',
  },
  SL_FORECAST_FIT_FAILED: {
    summary:
      'Warning: a model could not be fitted (the likelihood was not finite or the search did not converge), so a simpler one was used.',
    hint: 'look for outliers or level shifts in the history, or choose another model',
  },
  SL_FORECAST_MISSING_FILLED: {
    summary:
      'Warning: the series had missing points, which were filled by linear interpolation before fitting.',
    hint: 'check the data source for gaps',
  },
  SL_FORECAST_IRREGULAR: {
    summary:
      'Warning: the timestamps were not equally spaced; the series was put on its most common step, averaging points that share a step.',
    hint: 'aggregate the data to a regular interval before forecasting',
  },
  SL_FORECAST_NON_POSITIVE: {
    summary: 'Warning: the series has zero or negative values, so multiplicative models were not considered.',
    hint: 'nothing to do unless the values should be positive',
  },
  SL_FORECAST_SEASON_UNSUPPORTED: {
    summary:
      'Warning: the model cannot use the seasonal period given (none was given, or it is longer than the model handles, such as ETS above 24), so it was fitted without a season.',
    hint: 'give --season, or use a model made for long or multiple seasons (STL/MSTL, Prophet-style)',
  },
  SL_FORECAST_METRIC_UNDEFINED: {
    summary:
      'Warning: an accuracy metric has a zero denominator (MAPE with a zero actual, sMAPE where actual and forecast are both 0, MASE or MSIS on a history without change at the seasonal lag), so it is reported as null.',
    hint: 'compare models on MAE, RMSE or another metric that is defined for this series',
  },
  SL_FORECAST_FEW_WINDOWS: {
    summary:
      "Warning: the series holds fewer backtest windows than asked, or too few for a conformal interval at the requested level, so fewer windows were used or the interval is the widest error seen (or the model's own).",
    hint: 'give a longer history, a shorter horizon, or fewer windows',
  },
  SL_CAUSAL_PERIOD_INVALID: {
    summary:
      'The pre- and post-periods of a causal impact analysis are empty, overlap, or lie outside the series.',
    hint: 'give --pre A:B and --post C:D with A <= B < C <= D inside the series (row numbers from 1 or dates)',
  },
  SL_CAUSAL_SHORT_PRE_PERIOD: {
    summary:
      'Warning: the pre-period is short, so the counterfactual and its interval rest on little history.',
    hint: 'use a longer pre-period (at least three times the post-period is a common rule)',
  },
  SL_FORECAST_OUTLIERS_SKIPPED: {
    summary:
      'Warning: some points lay far outside what the model predicted one step ahead (over 6 robust standard deviations) and were treated as missing when fitting.',
    hint: 'check those points in the data source; a real level shift shows as one skipped point at the shift',
  },
  SL_CHART_FONT_MISSING: {
    summary:
      'A font file charts are drawn with (DejaVu Sans) is missing, so a chart image cannot be rendered with its text.',
    hint: 'install the fonts-dejavu-core package (apt-get install fonts-dejavu-core)',
  },
  SL_CHART_SPEC_INVALID: {
    summary:
      'A chart could not be built: it has no panel, a timestamp does not parse, or an x value does not suit its axis.',
    hint: 'check the series passed to the chart; timestamps must be ISO 8601 or epoch milliseconds',
  },
  SL_DETECT_OPTION_INVALID: {
    summary:
      'An option of anomaly detection is invalid: an unknown detector, an interval other than 15m, hour or day, a sensitivity outside 0..1, or a range that ends before it starts.',
    hint: 'see `sightline detect --help`; detectors are listed there',
  },
  SL_DETECT_INPUT_INVALID: {
    summary:
      'A series given to `sightline detect --input` cannot be judged: too few numeric values, every row at one time, or a calendar-month step.',
    hint: 'give a timestamp,value file with a fixed step (15 minutes, an hour, a day)',
  },
  SL_JOB_INVALID: {
    summary:
      'A job in sightline.yaml has a schedule croner cannot read, a duration that is not one, or names a report, alert rule or channel that is not declared.',
    hint: 'fix the listed keys under jobs:, reports: or alerts: in sightline.yaml',
  },
  SL_JOB_NOT_FOUND: {
    summary:
      'A job named to `sightline run`, `sightline runs --job` or the jobs API is neither in sightline.yaml nor created through the API.',
    hint: 'list the jobs with GET /api/v1/jobs, or see jobs: in sightline.yaml',
  },
  SL_JOB_BUSY: {
    summary: 'A job was asked to run while a run of it is still in progress (a job never overlaps itself).',
    hint: 'wait for the running run to finish (`sightline runs --job NAME`)',
  },
  SL_REPORT_INVALID: {
    summary:
      'A report in sightline.yaml names a metric, dimension, experiment or segment filter that does not exist, a time zone that is not one, or a chart without what its kind needs (metrics for a line or bar chart, two steps for a funnel).',
    hint: 'fix the listed keys under reports: in sightline.yaml',
  },
  SL_REPORT_UNKNOWN: {
    summary:
      'A report name given to `sightline report` (or a job) is not declared under reports: in sightline.yaml.',
    hint: 'run `sightline report --list`, or declare it under reports:',
  },
  SL_REPORT_OPTION_INVALID: {
    summary:
      'An option of `sightline report` is invalid: a time that does not parse, or flags that exclude each other.',
    hint: 'see `sightline report --help`',
  },
  SL_ALERT_RULE_INVALID: {
    summary:
      'An alert rule in sightline.yaml names something that does not exist (a metric, a dimension to group by, a detector) or cannot be evaluated at its interval.',
    hint: 'fix the listed rules under alerts: in sightline.yaml',
  },
  SL_SILENCE_INVALID: {
    summary:
      'A silence cannot be created: it matches nothing (no rule and no group label), a group label is not name=value, or its duration is not positive.',
    hint: 'for example `sightline silences add --rule dau_hourly_drop --group os=Android --for 2h`',
  },
  SL_EXPLAIN_INVALID: {
    summary:
      'A root-cause request cannot be answered: an interval other than 15m, hour or day, a time that does not parse, no data before the time to learn the expected value from, or a metric type explain does not attribute (percentiles, minimums and maximums, new users, trailing-window users, formulas).',
    hint: 'explain a count, sum, average, unique_users (window 1) or ratio metric at a time with history before it',
  },
  SL_EXPLAIN_NO_CHANGE: {
    summary:
      'Warning: the metric equals its expected value (or a ratio has no denominator), so there is no change to attribute to segments.',
    hint: 'pick the time of the anomaly, for example from `sightline detect`',
  },
  SL_CHANNEL_INVALID: {
    summary:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${NAME} is the reference syntax being described
      'A channel in sightline.yaml has a malformed ${NAME} reference, a secret (token, Slack webhook URL, SMTP password, webhook secret) written in the file instead of as ${NAME}, or a literal URL, port, chat id or address that is not one.',
    hint: 'fix the listed keys under channels: in sightline.yaml; secrets go in environment variables',
  },
  SL_CHANNEL_CONFIG: {
    summary:
      'A delivery could not start: an environment variable a channel names is not set, or its value is not what the key needs (a URL, a port, an e-mail address).',
    hint: 'set the variables named in the message in the environment of the process that sends',
  },
  SL_AUTH_MISSING: {
    summary: 'An API request carried no key (`Authorization: Bearer KEY`).',
    hint: 'create a key with `sightline keys create --project P --role viewer` and send it as a bearer token',
  },
  SL_AUTH_INVALID: {
    summary: 'An API key is unknown, malformed or revoked.',
    hint: 'check the key, or create a new one with `sightline keys create`',
  },
  SL_AUTH_FORBIDDEN: {
    summary:
      "The key's role does not allow this request (viewers read; editors also write; admins also manage keys).",
    hint: 'use a key with the role named in the message',
  },
  SL_RATE_LIMITED: {
    summary: 'A key sent more requests than its per-minute limit.',
    hint: 'wait the seconds given in the Retry-After header',
  },
  SL_CAPTURE_BACKLOG: {
    summary:
      'Captured events arrive faster than the warehouse loads them, and the backlog is full: the batch was refused, nothing of it stored.',
    hint: 'send the batch again after the seconds given in the Retry-After header (SDKs retry on their own)',
  },
  SL_BODY_TOO_LARGE: {
    summary: 'A request body is larger than the server accepts.',
    hint: 'split the data into smaller batches',
  },
  SL_BAD_JSON: {
    summary: 'A request body is not valid JSON (or is empty where JSON is expected).',
    hint: 'send a JSON body with `Content-Type: application/json`',
  },
  SL_BAD_REQUEST: {
    summary: "A request body, query string or path parameter does not match the endpoint's schema.",
    hint: 'see the field named in the message and the OpenAPI document at /api/docs',
  },
  SL_UNSUPPORTED_MEDIA_TYPE: {
    summary: 'A request body has a Content-Type the endpoint does not read.',
    hint: 'send `Content-Type: application/json`',
  },
  SL_NOT_FOUND: {
    summary: 'No such API route, or no such object in this project.',
    hint: 'see the OpenAPI document at /api/docs',
  },
  SL_QUERY_TIMEOUT: {
    summary: "A query ran longer than the server's time limit and was cancelled.",
    hint: 'narrow the date range or the breakdown, or raise the limit with `sightline serve --query-timeout`',
  },
  SL_INTERNAL: {
    summary: 'The server failed in a way that is a bug; the server log has the details.',
    hint: 'report this with the server log',
  },
} as const satisfies Record<string, { summary: string; hint: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
