import { and, ident, join, type Sql, sql } from '../../data/sql/sql.ts';
import { compileFilter, dimensionSql, numericDimensionSql } from '../metrics/compile-filter.ts';
import { QueryScope } from '../metrics/query-scope.ts';
import { type AnalysisWindow, assignmentSql, withAssignment } from './assignment-sql.ts';
import type { Experiment } from './experiment.ts';
import type { ExperimentQueries } from './experiment-queries.ts';
import type { MetricKind, MetricPlan, UserMeasure } from './metric-plan.ts';

/** One breakdown dimension's value per user, dictionary-encoded. */
export interface BreakdownColumn {
  readonly dimension: string;
  /** Distinct values in first-seen order; null is a value of its own (the dimension was missing). */
  readonly labels: readonly (string | null)[];
  /** Per user, an index into `labels`. */
  readonly codes: Uint32Array;
}

/**
 * One metric's value for every exposed user of an experiment, as columns (the i-th entry of each array
 * is the i-th user, users in user-id order). Users exposed but inactive have zeros; users seen in more
 * than one variant, or in an undeclared one, are not here.
 */
export interface UserValues {
  readonly metric: string;
  readonly kind: MetricKind;
  /** Control first; `arm` indexes into it. */
  readonly variants: readonly string[];
  readonly n: number;
  readonly arm: Uint16Array;
  /** The per-user value (a ratio metric's numerator). */
  readonly value: Float64Array;
  /** A ratio metric's per-user denominator. */
  readonly denominator: Float64Array | undefined;
  /** The same measure over the `preDays` days before the user's first exposure (the CUPED covariate). */
  readonly pre: Float64Array | undefined;
  readonly preDenominator: Float64Array | undefined;
  readonly breakdowns: readonly BreakdownColumn[];
}

export interface UserValuesOptions {
  readonly preDays?: number | undefined;
  readonly breakdowns?: readonly string[];
}

/**
 * The one set-based query behind `UserValues`: the assignment, a left join of each user's aggregated
 * events (so inactive users get zeros), and, for breakdowns, each user's first present value of each dimension at or after exposure. Columns: arm, v0 [, v1] [, p0 [, p1]], b0, b1, ….
 */
export function userValuesSql(
  queries: ExperimentQueries,
  experiment: Experiment,
  plan: MetricPlan,
  window: AnalysisWindow,
  options: UserValuesOptions = {},
): Sql {
  const { ctx } = queries;
  const d = ctx.dialect;
  const measures = plan.denominator ? [plan.numerator, plan.denominator] : [plan.numerator];
  const preDays = options.preDays;
  const scope = new QueryScope(d, ctx.layer, ctx.project, window.end, 'e', 'u');
  const ts = scope.column('ts');
  const exposure = sql`a2.first_exposure`;
  const preStart = preDays ? d.addUnits('day', exposure, -preDays) : undefined;
  const post = sql`${ts} >= ${exposure}`;
  const pre = preStart ? sql`${ts} >= ${preStart} AND ${ts} < ${exposure}` : undefined;

  const aggregates: Sql[] = [];
  measures.forEach((m, i) => {
    aggregates.push(sql`${measureSql(scope, m, 'post', post, exposure, preStart)} AS ${ident(`v${i}`)}`);
  });
  if (pre)
    measures.forEach((m, i) => {
      aggregates.push(sql`${measureSql(scope, m, 'pre', pre, exposure, preStart)} AS ${ident(`p${i}`)}`);
    });
  const names = measures.some((m) => m.event === '$any')
    ? undefined
    : [...new Set(measures.map((m) => m.event))];
  // A user's first event ever (new_users) may lie long before the window, so that scan has no lower bound.
  const lower = measures.some((m) => m.aggregate === 'first')
    ? sql``
    : sql`${ts} >= ${preDays ? d.addUnits('day', window.start, -preDays) : window.start}`;
  const where = and([
    sql`${scope.column('project_id')} = ${ctx.project}`,
    lower,
    sql`${ts} < ${window.end}`,
    names ? d.oneOf(scope.column('event'), names) : sql``,
  ]);

  const breakdownScope = new QueryScope(d, ctx.layer, ctx.project, window.end, 'be', 'bu');
  // The first value that is present: an exposure event often carries no dimensions of its own.
  const breakdowns = (options.breakdowns ?? []).map((ref, i) => {
    const value = dimensionSql(breakdownScope, ref);
    const order = [
      sql`(CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END)`,
      breakdownScope.column('ts'),
      breakdownScope.column('event_id'),
    ];
    return sql`${d.argMin(value, order)} AS ${ident(`b${i}`)}`;
  });
  const variants = experiment.variants;
  const armCase = sql`(CASE a.variant ${join(
    variants.map((v, i) => sql`WHEN ${v} THEN ${i}`),
    ' ',
  )} END)`;
  const columns = [
    sql`${armCase} AS arm`,
    ...measures.map((_, i) => sql`CAST(coalesce(m.${ident(`v${i}`)}, 0) AS DOUBLE) AS ${ident(`v${i}`)}`),
    ...(pre
      ? measures.map((_, i) => sql`CAST(coalesce(m.${ident(`p${i}`)}, 0) AS DOUBLE) AS ${ident(`p${i}`)}`)
      : []),
    ...breakdowns.map((_, i) => sql`b.${ident(`b${i}`)} AS ${ident(`b${i}`)}`),
  ];

  return withAssignment(ctx, assignmentSql(ctx, experiment, window), (a) => {
    const scan = sql`SELECT ${scope.column('user_id')} AS user_id, ${join(aggregates)} FROM events ${ident('e')}${scope.usersJoin()} JOIN ${a('a2')} ON a2.user_id = ${scope.column('user_id')} WHERE ${where} GROUP BY ${scope.column('user_id')}, a2.first_exposure`;
    const breakdownScan =
      breakdowns.length === 0
        ? sql``
        : sql` LEFT JOIN (SELECT ${breakdownScope.column('user_id')} AS user_id, ${join(breakdowns)} FROM events ${ident('be')}${breakdownScope.usersJoin()} JOIN ${a('ba')} ON ba.user_id = ${breakdownScope.column('user_id')} WHERE ${breakdownScope.column('project_id')} = ${ctx.project} AND ${breakdownScope.column('ts')} >= ${window.start} AND ${breakdownScope.column('ts')} >= ba.first_exposure AND ${breakdownScope.column('ts')} < ${window.end} GROUP BY ${breakdownScope.column('user_id')}) b ON b.user_id = a.user_id`;
    return sql`SELECT ${join(columns)} FROM ${a('a')} LEFT JOIN (${scan}) m ON m.user_id = a.user_id${breakdownScan} WHERE a.arms = 1 AND ${d.oneOf(sql`a.variant`, variants)} ORDER BY a.user_id`;
  });
}

/** The aggregate of one measure over a user's events in the period (`post` or `pre` exposure). */
function measureSql(
  scope: QueryScope,
  measure: UserMeasure,
  period: 'post' | 'pre',
  inPeriod: Sql,
  exposure: Sql,
  preStart: Sql | undefined,
): Sql {
  const match = and([
    measure.event === '$any' ? sql`` : sql`${scope.column('event')} = ${measure.event}`,
    measure.where ? compileFilter(scope, measure.where) : sql``,
  ]);
  const when = and([match, inPeriod]);
  switch (measure.aggregate) {
    case 'count':
      return sql`sum(CASE WHEN ${when} THEN 1 ELSE 0 END)`;
    case 'sum':
      return sql`sum(CASE WHEN ${when} THEN ${numericDimensionSql(scope, measure.property!)} END)`;
    case 'present':
      return sql`sum(CASE WHEN ${when} AND ${numericDimensionSql(scope, measure.property!)} IS NOT NULL THEN 1 ELSE 0 END)`;
    case 'any':
      return sql`max(CASE WHEN ${when} THEN 1 ELSE 0 END)`;
    case 'first': {
      // The scan ends at the window's end, so a first occurrence at or after exposure lies in the window.
      const first = sql`min(CASE WHEN ${match} THEN ${scope.column('ts')} END)`;
      return period === 'post'
        ? sql`(CASE WHEN ${first} >= ${exposure} THEN 1 ELSE 0 END)`
        : sql`(CASE WHEN ${first} >= ${preStart!} AND ${first} < ${exposure} THEN 1 ELSE 0 END)`;
    }
  }
}

/** Runs `userValuesSql` and reads the result into columns. */
export async function loadUserValues(
  queries: ExperimentQueries,
  experiment: Experiment,
  plan: MetricPlan,
  window: AnalysisWindow,
  options: UserValuesOptions = {},
): Promise<UserValues> {
  const fragment = userValuesSql(queries, experiment, plan, window, options);
  const ratio = plan.denominator !== undefined;
  const withPre = options.preDays !== undefined;
  const dimensions = options.breakdowns ?? [];
  let capacity = 1024;
  let n = 0;
  let arm = new Uint16Array(capacity);
  const columns = {
    value: new Float64Array(capacity),
    denominator: ratio ? new Float64Array(capacity) : undefined,
    pre: withPre ? new Float64Array(capacity) : undefined,
    preDenominator: ratio && withPre ? new Float64Array(capacity) : undefined,
  };
  let codes = dimensions.map(() => new Uint32Array(capacity));
  const dictionaries = dimensions.map(() => new Map<string | null, number>());
  const grow = <T extends Float64Array | Uint16Array | Uint32Array>(a: T): T => {
    const bigger = new (a.constructor as new (n: number) => T)(capacity);
    bigger.set(a);
    return bigger;
  };
  for await (const batch of queries.batches(fragment)) {
    for (const row of batch) {
      if (n === capacity) {
        capacity *= 2;
        arm = grow(arm);
        columns.value = grow(columns.value);
        if (columns.denominator) columns.denominator = grow(columns.denominator);
        if (columns.pre) columns.pre = grow(columns.pre);
        if (columns.preDenominator) columns.preDenominator = grow(columns.preDenominator);
        codes = codes.map(grow);
      }
      arm[n] = row['arm'] as number;
      columns.value[n] = row['v0'] as number;
      if (columns.denominator) columns.denominator[n] = row['v1'] as number;
      if (columns.pre) columns.pre[n] = row['p0'] as number;
      if (columns.preDenominator) columns.preDenominator[n] = row['p1'] as number;
      for (let j = 0; j < dimensions.length; j++) {
        const raw = row[`b${j}`];
        const label = raw === null || raw === undefined ? null : String(raw);
        const dictionary = dictionaries[j]!;
        let code = dictionary.get(label);
        if (code === undefined) {
          code = dictionary.size;
          dictionary.set(label, code);
        }
        codes[j]![n] = code;
      }
      n++;
    }
  }
  return {
    metric: plan.metric,
    kind: plan.kind,
    variants: experiment.variants,
    n,
    arm: arm.subarray(0, n),
    value: columns.value.subarray(0, n),
    denominator: columns.denominator?.subarray(0, n),
    pre: columns.pre?.subarray(0, n),
    preDenominator: columns.preDenominator?.subarray(0, n),
    breakdowns: dimensions.map((dimension, j) => ({
      dimension,
      labels: [...dictionaries[j]!.keys()],
      codes: codes[j]!.subarray(0, n),
    })),
  };
}
