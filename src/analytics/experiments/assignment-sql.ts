import { and, ident, join, type Sql, sql } from '../../data/sql/sql.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import { dimensionSql } from '../metrics/compile-filter.ts';
import { QueryScope } from '../metrics/query-scope.ts';
import type { Experiment } from './experiment.ts';
import { hashBucketSql, variantOfBucketSql } from './hash-bucket.ts';

/** The analysis window as UTC timestamps: exposures in [start, end) count, and metric events before end. */
export interface AnalysisWindow {
  /** First day, YYYY-MM-DD. */
  readonly from: string;
  /** Last day, inclusive. */
  readonly to: string;
  readonly start: Sql;
  /** Exclusive. */
  readonly end: Sql;
}

/**
 * Event names whose `experiment` and `variant` properties record an exposure, and the property keys
 * read for them, as ingestion reads them when it fills `exposures` (src/data/warehouse/duckdb/
 * duckdb-event-store.ts): ours, Segment's and PostHog's. Used to find users exposed to two variants,
 * which the one-row-per-user `exposures` table cannot show.
 */
export const EXPOSURE_EVENTS = [
  '$exposure',
  'experiment_exposure',
  'Experiment Viewed',
  '$feature_flag_called',
];
const EXPERIMENT_KEYS = ['experiment', 'experiment_id', '$feature_flag'];
const VARIANT_KEYS = ['variant', 'variation_id', '$feature_flag_response'];

/**
 * A subquery with one row per user exposed in the window: `user_id`, `variant`, `first_exposure`, and
 * `arms`, the number of distinct variants the user was seen in (more than 1: to be excluded).
 */
export function assignmentSql(ctx: InsightContext, experiment: Experiment, window: AnalysisWindow): Sql {
  const arms = experiment.arms;
  const scope = new QueryScope(ctx.dialect, ctx.layer, ctx.project, window.end, 'xe', 'xu');
  const e = (column: string): Sql => scope.column(column);
  const inWindow = [
    sql`${e('project_id')} = ${ctx.project}`,
    sql`${e('ts')} >= ${window.start}`,
    sql`${e('ts')} < ${window.end}`,
  ];
  switch (arms.from) {
    case 'exposures': {
      const name = arms.experiment ?? experiment.name;
      const props = e('properties');
      const first = (keys: readonly string[]): Sql =>
        sql`coalesce(${join(keys.map((k) => ctx.dialect.jsonText(props, k)))})`;
      const variant = first(VARIANT_KEYS);
      const conflicts = sql`SELECT ${e('user_id')} AS user_id, count(DISTINCT ${variant}) AS arms FROM events ${ident('xe')} WHERE ${and(
        [
          sql`${e('project_id')} = ${ctx.project}`,
          ctx.dialect.oneOf(e('event'), EXPOSURE_EVENTS),
          sql`${first(EXPERIMENT_KEYS)} = ${name}`,
          sql`${e('ts')} < ${window.end}`,
        ],
      )} GROUP BY ${e('user_id')} HAVING count(DISTINCT ${variant}) > 1`;
      return sql`SELECT x.user_id AS user_id, x.variant AS variant, x.first_exposure AS first_exposure, coalesce(c.arms, 1) AS arms FROM exposures x LEFT JOIN (${conflicts}) c ON c.user_id = x.user_id WHERE x.project_id = ${ctx.project} AND x.experiment = ${name} AND x.first_exposure >= ${window.start} AND x.first_exposure < ${window.end}`;
    }
    case 'event_field': {
      const value = dimensionSql(scope, arms.field);
      const mapped = Object.entries(arms.values);
      const variant = sql`(CASE ${value} ${join(
        mapped.map(([from, to]) => sql`WHEN ${from} THEN ${to}`),
        ' ',
      )} END)`;
      const conditions = [
        ...inWindow,
        ctx.dialect.oneOf(
          value,
          mapped.map(([from]) => from),
        ),
        arms.event ? sql`${e('event')} = ${arms.event}` : sql``,
      ];
      return sql`SELECT ${e('user_id')} AS user_id, min(${variant}) AS variant, min(${e('ts')}) AS first_exposure, count(DISTINCT ${variant}) AS arms FROM events ${ident('xe')}${scope.usersJoin()} WHERE ${and(conditions)} GROUP BY ${e('user_id')}`;
    }
    case 'hash': {
      const conditions = [...inWindow, arms.event ? sql`${e('event')} = ${arms.event}` : sql``];
      const exposed = sql`SELECT ${e('user_id')} AS user_id, min(${e('ts')}) AS first_exposure FROM events ${ident('xe')} WHERE ${and(conditions)} GROUP BY ${e('user_id')}`;
      // Buckets follow the order the arms list the variants in, so choosing another control never
      // moves a user to another variant.
      const shares = arms.variants.map((v) => experiment.weights[experiment.variants.indexOf(v)]!);
      const bucket = hashBucketSql(ctx.dialect, arms.salt ?? experiment.name, sql`h.user_id`);
      return sql`SELECT h.user_id AS user_id, ${variantOfBucketSql(bucket, arms.variants, shares)} AS variant, h.first_exposure AS first_exposure, 1 AS arms FROM (${exposed}) h`;
    }
  }
}

/**
 * `SELECT … AS day`: the UTC day of the experiment's first exposure ever (the first event with a mapped
 * value for an event field, the first matching event for a hash), NULL when there is none; the default
 * start of the analysis window.
 */
export function firstExposureSql(ctx: InsightContext, experiment: Experiment): Sql {
  const arms = experiment.arms;
  const d = ctx.dialect;
  const scope = new QueryScope(d, ctx.layer, ctx.project, d.timestamp('9999-12-31 00:00:00'), 'xe', 'xu');
  const day = (ts: Sql): Sql => sql`CAST(${d.truncate('day', sql`min(${ts})`)} AS DATE) AS day`;
  if (arms.from === 'exposures')
    return sql`SELECT ${day(sql`first_exposure`)} FROM exposures WHERE project_id = ${ctx.project} AND experiment = ${arms.experiment ?? experiment.name}`;
  const conditions = [
    sql`${scope.column('project_id')} = ${ctx.project}`,
    arms.from === 'event_field' ? d.oneOf(dimensionSql(scope, arms.field), Object.keys(arms.values)) : sql``,
    arms.event ? sql`${scope.column('event')} = ${arms.event}` : sql``,
  ];
  return sql`SELECT ${day(scope.column('ts'))} FROM events ${ident('xe')}${scope.usersJoin()} WHERE ${and(conditions)}`;
}

/** `WITH a AS (assignment) body` where the engine has CTEs, else the body with `a` inlined. */
export function withAssignment(
  ctx: InsightContext,
  assignment: Sql,
  body: (a: (alias: string) => Sql) => Sql,
): Sql {
  if (ctx.dialect.capabilities.cte)
    return sql`WITH a AS (${assignment}) ${body((alias) => sql`a ${ident(alias)}`)}`;
  return body((alias) => sql`(${assignment}) ${ident(alias)}`);
}
