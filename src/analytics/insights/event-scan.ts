import { and, ident, join, type Sql, sql } from '../../data/sql/sql.ts';
import { compileFilter } from '../metrics/compile-filter.ts';
import { type FilterNode, parseFilter } from '../metrics/filter-expression.ts';
import { QueryScope } from '../metrics/query-scope.ts';
import type { DateRange } from './date-range.ts';
import type { InsightContext } from './insight-context.ts';

/** `$any` stands for every event name. */
export const ANY_EVENT = '$any';

/** Parses a --where expression and checks its names against the metrics layer. */
export function parseWhere(ctx: InsightContext, where: string | undefined): FilterNode | undefined {
  if (where === undefined) return undefined;
  const node = parseFilter(where);
  ctx.layer.checkFilter(node);
  return node;
}

/** A scope over `events e` for one query, ending where the range ends. */
export function scopeFor(ctx: InsightContext, range: DateRange): QueryScope {
  return new QueryScope(ctx.dialect, ctx.layer, ctx.project, range.end);
}

export interface EventScan {
  /** The columns to select (expressions aliased by the caller). */
  columns: readonly Sql[];
  /** Event names to keep; undefined or containing `$any` keeps every event. */
  events?: readonly string[] | undefined;
  /** Filters, all of which must hold. */
  filters?: readonly (FilterNode | undefined)[];
  /** Extra conditions already compiled in the scope. */
  conditions?: readonly Sql[];
}

/**
 * `SELECT columns FROM events e [LEFT JOIN users u] WHERE project AND time in range AND events AND
 * filters`. Compile every expression that reads the scope (columns, conditions) before calling, so the
 * users join is added when any of them needed it.
 */
export function eventScan(ctx: InsightContext, scope: QueryScope, range: DateRange, scan: EventScan): Sql {
  const names = scan.events && !scan.events.includes(ANY_EVENT) ? [...new Set(scan.events)] : undefined;
  const conditions = [
    sql`${scope.column('project_id')} = ${ctx.project}`,
    sql`${scope.column('ts')} >= ${range.start}`,
    sql`${scope.column('ts')} < ${range.end}`,
    // The dialect's fastest membership test: on DuckDB list_contains is about 3x faster than IN over the
    // VARCHAR column (measured on the 18M-event demo).
    names ? ctx.dialect.oneOf(scope.column('event'), names) : sql``,
    ...(scan.filters ?? [])
      .filter((f): f is FilterNode => f !== undefined)
      .map((f) => compileFilter(scope, f)),
    ...(scan.conditions ?? []),
  ];
  const where = and(conditions);
  return sql`SELECT ${join(scan.columns)} FROM events ${ident(scope.eventsAlias)}${scope.usersJoin()} WHERE ${where}`;
}
