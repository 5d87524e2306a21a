import { sql } from '../../data/sql/sql.ts';
import { addDays } from '../insights/date-range.ts';
import { type AnalysisWindow, assignmentSql, withAssignment } from './assignment-sql.ts';
import type { Experiment } from './experiment.ts';
import type { ExperimentQueries } from './experiment-queries.ts';

/** Who was exposed: the counts SRM, traffic and the exclusions are computed from. */
export interface ExposureSummary {
  /** Analysed users per variant, in the experiment's order (control first). */
  readonly users: readonly number[];
  /** Users seen in more than one variant (left out). */
  readonly multipleArms: number;
  /** Users exposed to a variant the experiment does not declare (left out), by variant. */
  readonly undeclared: readonly { readonly variant: string; readonly users: number }[];
  /** Analysed users by the UTC day of their first exposure, every day of the window (zeros included). */
  readonly daily: readonly { readonly date: string; readonly users: number }[];
  readonly firstExposure: string | null;
  readonly lastExposure: string | null;
}

interface SummaryRow extends Record<string, unknown> {
  variant: string;
  multiple: boolean;
  day: string;
  users: number;
  first: string;
  last: string;
}

/** One query: exposed users by variant, exclusion and day. */
export async function exposureSummary(
  queries: ExperimentQueries,
  experiment: Experiment,
  window: AnalysisWindow,
): Promise<ExposureSummary> {
  const { ctx } = queries;
  const day = ctx.dialect.truncate('day', sql`a.first_exposure`);
  const rows = await queries.rows<SummaryRow>(
    withAssignment(
      ctx,
      assignmentSql(ctx, experiment, window),
      (a) =>
        sql`SELECT a.variant AS variant, a.arms > 1 AS multiple, ${day} AS day, count(*) AS users, min(a.first_exposure) AS first, max(a.first_exposure) AS last FROM ${a('a')} GROUP BY 1, 2, 3 ORDER BY 3, 1, 2`,
    ),
  );
  const users = experiment.variants.map(() => 0);
  const undeclared = new Map<string, number>();
  const daily = new Map<string, number>();
  for (let date = window.from; date <= window.to; date = addDays(date, 1)) daily.set(date, 0);
  let multipleArms = 0;
  let first: string | null = null;
  let last: string | null = null;
  for (const row of rows) {
    const n = Number(row.users);
    if (row.multiple) {
      multipleArms += n;
      continue;
    }
    const index = experiment.variants.indexOf(row.variant);
    if (index < 0) {
      undeclared.set(row.variant, (undeclared.get(row.variant) ?? 0) + n);
      continue;
    }
    users[index]! += n;
    const date = String(row.day).slice(0, 10);
    daily.set(date, (daily.get(date) ?? 0) + n);
    if (first === null || row.first < first) first = row.first;
    if (last === null || row.last > last) last = row.last;
  }
  return {
    users,
    multipleArms,
    undeclared: [...undeclared].map(([variant, n]) => ({ variant, users: n })),
    daily: [...daily].map(([date, n]) => ({ date, users: n })),
    firstExposure: first,
    lastExposure: last,
  };
}
