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
  /** Breakdown columns from `loadBreakdowns` for the same experiment and window, attached as they are. */
  readonly breakdowns?: readonly BreakdownColumn[];
}

/**
 * The one set-based query behind `UserValues`: the assignment and a left join of each user's aggregated
 * events, so inactive users get zeros. Columns: arm, v0 [, v1] [, p0 [, p1]], in user-id order.
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

  const armCase = armSql(experiment);
  const columns = [
    sql`${armCase} AS arm`,
    ...measures.map((_, i) => sql`CAST(coalesce(m.${ident(`v${i}`)}, 0) AS DOUBLE) AS ${ident(`v${i}`)}`),
    ...(pre
      ? measures.map((_, i) => sql`CAST(coalesce(m.${ident(`p${i}`)}, 0) AS DOUBLE) AS ${ident(`p${i}`)}`)
      : []),
  ];

  return withAssignment(ctx, assignmentSql(ctx, experiment, window), (a) => {
    const scan = sql`SELECT ${scope.column('user_id')} AS user_id, ${join(aggregates)} FROM events ${ident('e')}${scope.usersJoin()} JOIN ${a('a2')} ON a2.user_id = ${scope.column('user_id')} WHERE ${where} GROUP BY ${scope.column('user_id')}, a2.first_exposure`;
    return sql`SELECT ${join(columns)} FROM ${a('a')} LEFT JOIN (${scan}) m ON m.user_id = a.user_id WHERE ${analysedSql(queries, experiment)} ORDER BY a.user_id`;
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

/** `CASE a.variant WHEN control THEN 0 …`: the variant's index in the experiment's order. */
function armSql(experiment: Experiment): Sql {
  return sql`(CASE a.variant ${join(
    experiment.variants.map((v, i) => sql`WHEN ${v} THEN ${i}`),
    ' ',
  )} END)`;
}

/** The users analysed: in one declared variant only. */
function analysedSql(queries: ExperimentQueries, experiment: Experiment): Sql {
  return sql`a.arms = 1 AND ${queries.ctx.dialect.oneOf(sql`a.variant`, experiment.variants)}`;
}

/** Columns that grow by doubling while a result streams in. */
class Columns {
  private capacity = 1024;
  n = 0;
  arm = new Uint16Array(this.capacity);
  readonly values: Float64Array[];
  readonly codes: Uint32Array[];

  constructor(values: number, codes: number) {
    this.values = Array.from({ length: values }, () => new Float64Array(this.capacity));
    this.codes = Array.from({ length: codes }, () => new Uint32Array(this.capacity));
  }

  /** Makes room for one more user and returns its index. */
  next(): number {
    if (this.n === this.capacity) {
      this.capacity *= 2;
      this.arm = grow(this.arm, this.capacity);
      for (let i = 0; i < this.values.length; i++) this.values[i] = grow(this.values[i]!, this.capacity);
      for (let i = 0; i < this.codes.length; i++) this.codes[i] = grow(this.codes[i]!, this.capacity);
    }
    return this.n++;
  }
}

function grow<T extends Float64Array | Uint16Array | Uint32Array>(a: T, capacity: number): T {
  const bigger = new (a.constructor as new (n: number) => T)(capacity);
  bigger.set(a);
  return bigger;
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
  const names = ['v0'];
  if (plan.denominator) names.push('v1');
  if (options.preDays !== undefined) names.push(...(plan.denominator ? ['p0', 'p1'] : ['p0']));
  const columns = new Columns(names.length, 0);
  for await (const batch of queries.batches(fragment)) {
    for (const row of batch) {
      const i = columns.next();
      columns.arm[i] = row['arm'] as number;
      for (let j = 0; j < names.length; j++) columns.values[j]![i] = row[names[j]!] as number;
    }
  }
  const { n } = columns;
  const column = (name: string) => {
    const j = names.indexOf(name);
    return j < 0 ? undefined : columns.values[j]!.subarray(0, n);
  };
  const breakdowns = options.breakdowns ?? [];
  for (const b of breakdowns)
    if (b.codes.length !== n)
      throw new Error(`breakdown ${b.dimension} has ${b.codes.length} users, the metric ${plan.metric} ${n}`);
  return {
    metric: plan.metric,
    kind: plan.kind,
    variants: experiment.variants,
    n,
    arm: columns.arm.subarray(0, n),
    value: column('v0')!,
    denominator: column('v1'),
    pre: column('p0'),
    preDenominator: column('p1'),
    breakdowns,
  };
}

/**
 * One query for the breakdowns of every metric: each analysed user's first present value of each
 * dimension at or after exposure (an exposure event often carries no dimensions of its own), in the
 * user-id order of `userValuesSql`, so its columns line up with every metric's users.
 */
export function breakdownValuesSql(
  queries: ExperimentQueries,
  experiment: Experiment,
  window: AnalysisWindow,
  dimensions: readonly string[],
): Sql {
  const { ctx } = queries;
  const d = ctx.dialect;
  const scope = new QueryScope(d, ctx.layer, ctx.project, window.end, 'be', 'bu');
  const firsts = dimensions.map((ref, i) => {
    const value = dimensionSql(scope, ref);
    const order = [
      sql`(CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END)`,
      scope.column('ts'),
      scope.column('event_id'),
    ];
    return sql`${d.argMin(value, order)} AS ${ident(`b${i}`)}`;
  });
  const ts = scope.column('ts');
  return withAssignment(ctx, assignmentSql(ctx, experiment, window), (a) => {
    const scan = sql`SELECT ${scope.column('user_id')} AS user_id, ${join(firsts)} FROM events ${ident('be')}${scope.usersJoin()} JOIN ${a('ba')} ON ba.user_id = ${scope.column('user_id')} WHERE ${scope.column('project_id')} = ${ctx.project} AND ${ts} >= ${window.start} AND ${ts} >= ba.first_exposure AND ${ts} < ${window.end} GROUP BY ${scope.column('user_id')}`;
    const columns = dimensions.map((_, i) => sql`b.${ident(`b${i}`)} AS ${ident(`b${i}`)}`);
    return sql`SELECT ${armSql(experiment)} AS arm, ${join(columns)} FROM ${a('a')} LEFT JOIN (${scan}) b ON b.user_id = a.user_id WHERE ${analysedSql(queries, experiment)} ORDER BY a.user_id`;
  });
}

/** Runs `breakdownValuesSql` and dictionary-encodes each dimension. */
export async function loadBreakdowns(
  queries: ExperimentQueries,
  experiment: Experiment,
  window: AnalysisWindow,
  dimensions: readonly string[],
): Promise<BreakdownColumn[]> {
  if (dimensions.length === 0) return [];
  const columns = new Columns(0, dimensions.length);
  const dictionaries = dimensions.map(() => new Map<string | null, number>());
  for await (const batch of queries.batches(breakdownValuesSql(queries, experiment, window, dimensions))) {
    for (const row of batch) {
      const i = columns.next();
      for (let j = 0; j < dimensions.length; j++) {
        const raw = row[`b${j}`];
        const label = raw === null || raw === undefined ? null : String(raw);
        const dictionary = dictionaries[j]!;
        let code = dictionary.get(label);
        if (code === undefined) {
          code = dictionary.size;
          dictionary.set(label, code);
        }
        columns.codes[j]![i] = code;
      }
    }
  }
  return dimensions.map((dimension, j) => ({
    dimension,
    labels: [...dictionaries[j]!.keys()],
    codes: columns.codes[j]!.subarray(0, columns.n),
  }));
}
