import { z } from 'zod';
import { join, sql } from '../../../data/sql/sql.ts';
import { cohortMembers } from '../../metrics/compile-filter.ts';
import { dateSchema, timeZoneSchema } from '../common-spec.ts';
import { resolveRange } from '../date-range.ts';
import { scopeFor } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { defineInsight, type InsightResultBase } from '../insight-type.ts';
import { rangeFlags } from '../sessions/range-flags.ts';

export const cohortsSpecSchema = z.strictObject({
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  timeZone: timeZoneSchema,
  name: z.string().min(1).optional(),
});

export type CohortsSpec = z.infer<typeof cohortsSpecSchema>;

export interface CohortSize {
  name: string;
  source: 'project-file' | 'saved';
  description: string | null;
  /** Members as of the end of the range: the users `cohort = 'name'` lets through in a query ending there. */
  users: number;
}

export interface CohortsResult extends InsightResultBase {
  cohorts: CohortSize[];
}

export const cohortsInsight = defineInsight<CohortsSpec, CohortsResult>({
  name: 'cohorts',
  summary: 'the cohorts of sightline.yaml and the saved ones, with their sizes at the end of the range',
  schema: cohortsSpecSchema,
  flags: [{ flags: '--name <cohort>', description: 'one cohort (default: every cohort)' }, ...rangeFlags],
  run: runCohorts,
  tables: (result) => [{ rows: result.cohorts.map((c) => ({ ...c })) }],
});

/**
 * One statement: a count per cohort over the same member subquery a `cohort = 'name'` filter uses, so
 * the size shown is exactly the set such a filter selects for a range ending at `to`.
 */
async function runCohorts(ctx: InsightContext, spec: CohortsSpec): Promise<CohortsResult> {
  const cohorts = spec.name
    ? [ctx.layer.cohort(spec.name)]
    : [...ctx.layer.cohorts.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (cohorts.length === 0) return { cohorts: [], sql: ctx.sqlText(), warnings: [] };
  const range = await resolveRange(ctx, spec);
  const scope = scopeFor(ctx, range);
  const counts = cohorts.map(
    (c) => sql`SELECT ${c.name} AS name, count(*) AS users FROM (${cohortMembers(scope, c.name)}) AS members`,
  );
  const rows = await ctx.query<{ name: string; users: number }>(join(counts, ' UNION ALL '));
  const sizes = new Map(rows.map((r) => [r.name, Number(r.users)]));
  return {
    cohorts: cohorts.map((c) => ({
      name: c.name,
      source: c.source ?? 'project-file',
      description: c.definition.description ?? null,
      users: sizes.get(c.name) ?? 0,
    })),
    sql: ctx.sqlText(),
    warnings: [],
  };
}
