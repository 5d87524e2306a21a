/**
 * Every failure of the API becomes `{ "error": { "code", "message", "hint"? } }` with a status from one
 * table: a user's mistake is a 4xx with its stable code, a problem of the server's own (its database,
 * its fonts) keeps its code with a 5xx, and anything that is not a SightlineError is a bug: 500
 * `SL_INTERNAL`, logged with its stack, its message not shown (it may hold SQL or paths).
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { type ErrorCode, isSightlineError, SightlineError } from '../errors/index.ts';

/**
 * The HTTP status of each code. 404 is for names that do not exist in the project (a metric, an
 * experiment, a saved object); 422 for well-formed requests the analysis cannot answer on this data
 * (too few points, an empty arm); 400 for malformed ones. Codes added later fall back by name (see
 * `statusOf`).
 */
export const STATUS: Partial<Record<ErrorCode, number>> = {
  SL_AUTH_MISSING: 401,
  SL_AUTH_INVALID: 401,
  SL_AUTH_FORBIDDEN: 403,
  SL_RATE_LIMITED: 429,
  SL_BODY_TOO_LARGE: 413,
  SL_BAD_JSON: 400,
  SL_BAD_REQUEST: 400,
  SL_UNSUPPORTED_MEDIA_TYPE: 415,
  SL_NOT_FOUND: 404,
  // Not 408, which says the client was too slow to send its request (and which browsers retry on their
  // own); the server's upstream, the query engine, did not answer in time, which is what 504 says.
  SL_QUERY_TIMEOUT: 504,
  SL_INTERNAL: 500,
  SL_USAGE: 400,
  // The server's own environment: the caller cannot fix these.
  SL_CONFIG_INVALID: 500,
  SL_CONFIG_NOT_FOUND: 500,
  SL_DB_OPEN_FAILED: 500,
  SL_DB_LOCKED: 503,
  // The capture log's backlog is full: the client retries (Retry-After), as for any overloaded server.
  SL_CAPTURE_BACKLOG: 503,
  SL_DB_NEWER_SCHEMA: 500,
  SL_DB_MIGRATION_FAILED: 500,
  SL_INGEST_READ_FAILED: 500,
  SL_INGEST_DEAD_LETTER_FAILED: 500,
  SL_DIALECT_UNKNOWN: 500,
  SL_CHART_FONT_MISSING: 500,
  // Malformed input.
  SL_INGEST_INPUT_NOT_FOUND: 400,
  SL_INGEST_UNKNOWN_FORMAT: 400,
  SL_INGEST_TRUNCATED_INPUT: 400,
  SL_INGEST_CSV_HEADER: 400,
  SL_SQL_READ_ONLY: 400,
  SL_SQL_ERROR: 400,
  SL_DEMO_INVALID: 400,
  SL_METRICS_INVALID: 400,
  SL_FILTER_SYNTAX: 400,
  SL_INSIGHT_INVALID: 400,
  SL_COHORT_INVALID: 400,
  SL_STATS_INPUT_INVALID: 400,
  SL_EXPERIMENT_INVALID: 400,
  SL_FORECAST_INPUT_INVALID: 400,
  SL_FORECAST_OPTION_INVALID: 400,
  SL_CAUSAL_PERIOD_INVALID: 400,
  SL_CHART_SPEC_INVALID: 400,
  SL_DETECT_OPTION_INVALID: 400,
  SL_DETECT_INPUT_INVALID: 400,
  SL_ALERT_RULE_INVALID: 400,
  SL_EXPLAIN_INVALID: 400,
  SL_JOB_INVALID: 400,
  SL_REPORT_INVALID: 400,
  SL_REPORT_OPTION_INVALID: 400,
  SL_SILENCE_INVALID: 400,
  SL_CHANNEL_INVALID: 400,
  // A job asked to run while its previous run is still going.
  SL_JOB_BUSY: 409,
  // Names that do not exist in the project.
  SL_UNKNOWN_METRIC: 404,
  SL_UNKNOWN_DIMENSION: 404,
  SL_UNKNOWN_COHORT: 404,
  SL_UNKNOWN_EXPERIMENT: 404,
  SL_JOB_NOT_FOUND: 404,
  SL_REPORT_UNKNOWN: 404,
  // A channel needs an environment variable the server was started without.
  SL_CHANNEL_CONFIG: 503,
  // Well-formed, but not answerable on this data.
  SL_DIALECT_CAPABILITY: 422,
  SL_INSIGHT_TOO_LARGE: 422,
  SL_BREAKDOWN_OTHER: 422,
  SL_VALUE_NOT_FINITE: 422,
  SL_EMPTY_DENOMINATOR: 422,
  SL_COHORT_SHADOWED: 422,
  SL_SESSIONS_CUT: 422,
  SL_PATHS_TRANSITIONS_DROPPED: 422,
  SL_NO_DATA: 422,
  SL_FUNNEL_EXCLUDED: 422,
  SL_AA_SAMPLE_TOO_LARGE: 422,
  SL_AA_LARGE_SAMPLE_FRACTION: 422,
  SL_AA_DISCRETE_PVALUES: 422,
  SL_STATS_EMPTY_ARM: 422,
  SL_STATS_ZERO_BASELINE: 422,
  SL_STATS_ZERO_VARIANCE: 422,
  SL_STATS_ZERO_DENOMINATOR: 422,
  SL_STATS_UNDEFINED_REPLICATES: 422,
  SL_STATS_BCA_UNDEFINED: 422,
  SL_STATS_NO_COVARIATE: 422,
  SL_STATS_SPARSE_STRATUM: 422,
  SL_EXPERIMENT_NO_EXPOSURES: 422,
  SL_EXPERIMENT_SRM: 422,
  SL_EXPERIMENT_MULTIPLE_ARMS: 422,
  SL_EXPERIMENT_UNDECLARED_VARIANT: 422,
  SL_EXPERIMENT_AA_FAILED: 422,
  SL_FORECAST_SHORT_SERIES: 422,
  SL_FORECAST_CONSTANT_SERIES: 422,
  SL_FORECAST_FIT_FAILED: 422,
  SL_FORECAST_MISSING_FILLED: 422,
  SL_FORECAST_IRREGULAR: 422,
  SL_FORECAST_NON_POSITIVE: 422,
  SL_FORECAST_SEASON_UNSUPPORTED: 422,
  SL_FORECAST_METRIC_UNDEFINED: 422,
  SL_FORECAST_FEW_WINDOWS: 422,
  SL_FORECAST_OUTLIERS_SKIPPED: 422,
  SL_CAUSAL_SHORT_PRE_PERIOD: 422,
  SL_EXPLAIN_NO_CHANGE: 422,
};

/**
 * The status of a code: from the table, else by its name for codes added after it (`…NOT_FOUND` and
 * `SL_UNKNOWN_…` are 404, other codes 400, since a SightlineError is by definition something the user
 * can fix; server-side codes belong in the table).
 */
export function statusOf(code: ErrorCode): number {
  const listed = STATUS[code];
  if (listed !== undefined) return listed;
  if (/NOT_FOUND$|^SL_UNKNOWN_/.test(code)) return 404;
  return 400;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; hint?: string; details?: Record<string, unknown> };
}

function body(error: SightlineError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(error.details ? { details: error.details } : {}),
    },
  };
}

/** Fastify's own request errors (parsing, limits, schema validation) as our codes; null for anything else. */
function fromFastify(error: FastifyError): SightlineError | null {
  if (error.validation) {
    const first = error.validation[0];
    const where = `${error.validationContext ?? 'body'}${first?.instancePath ? first.instancePath.replaceAll('/', '.') : ''}`;
    return new SightlineError('SL_BAD_REQUEST', `${where}: ${first?.message ?? error.message}`, {
      details: { field: where },
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SightlineError('SL_BODY_TOO_LARGE', error.message);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SightlineError('SL_BAD_JSON', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new SightlineError('SL_UNSUPPORTED_MEDIA_TYPE', error.message);
  }
  // The JSON parser's SyntaxError carries a 400 status and no code.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new SightlineError('SL_BAD_JSON', `the body is not valid JSON: ${error.message}`);
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new SightlineError('SL_BAD_REQUEST', error.message);
  }
  return null;
}

/** A zod failure at a route's boundary: the first issue, with the path of the field. */
function fromZod(error: ZodError): SightlineError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  return new SightlineError('SL_BAD_REQUEST', `${field}: ${issue?.message ?? 'invalid'}`, {
    details: { field, issues: error.issues.length },
  });
}

/** The coded form of any error a request raised. */
export function toSightlineError(error: unknown): SightlineError | null {
  if (isSightlineError(error)) return error;
  if (error instanceof ZodError) return fromZod(error);
  if (error instanceof Error) return fromFastify(error as FastifyError);
  return null;
}

/** The app's error handler. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const coded = toSightlineError(error);
  if (!coded) {
    request.log.error({ err: error }, 'unexpected error');
    const internal = new SightlineError('SL_INTERNAL', 'the server failed; this is a bug');
    return reply.status(500).send(body(internal));
  }
  const status = statusOf(coded.code);
  if (status >= 500 && coded.code !== 'SL_CAPTURE_BACKLOG') request.log.error({ err: error }, coded.toLine());
  const retryAfter = coded.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after'))
    reply.header('retry-after', retryAfter);
  return reply.status(status).send(body(coded));
}

export function sendNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = new SightlineError('SL_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
  return reply.status(404).send(body(error));
}
