import { and, ident, join, or, raw, type Sql, sql } from '../../data/sql/sql.ts';
import type { ResolvedDimension } from './dimensions.ts';
import type { FilterNode, Literal } from './filter-expression.ts';
import type { QueryScope } from './query-scope.ts';

/** The SQL of a dimension's value in the scope's event row (text, or a number for numeric columns). */
export function dimensionSql(scope: QueryScope, ref: string): Sql {
  return resolvedSql(scope, scope.layer.dimension(ref), 'text');
}

function resolvedSql(scope: QueryScope, dimension: ResolvedDimension, want: 'text' | 'number'): Sql {
  const d = scope.dialect;
  switch (dimension.kind) {
    case 'event':
    case 'user': {
      const column =
        dimension.kind === 'event' ? scope.column(dimension.column) : scope.userColumn(dimension.column);
      if (want === 'number' && !dimension.numeric) return d.toNumber(column);
      if (want === 'text' && dimension.numeric) return d.toText(column);
      return column;
    }
    case 'property':
      return want === 'number'
        ? d.jsonNumber(scope.column('properties'), dimension.key)
        : d.jsonText(scope.column('properties'), dimension.key);
  }
}

/** A numeric dimension (for sum/avg/percentile metrics): the column, or the property as a number. */
export function numericDimensionSql(scope: QueryScope, ref: string): Sql {
  return resolvedSql(scope, scope.layer.dimension(ref), 'number');
}

/**
 * Compiles a filter to a two-valued condition (never NULL), so `not` of a comparison includes rows where
 * the value is missing, as `!=` does.
 */
export function compileFilter(scope: QueryScope, node: FilterNode): Sql {
  switch (node.kind) {
    case 'and':
      return and(node.items.map((item) => compileFilter(scope, item)));
    case 'or':
      return or(node.items.map((item) => compileFilter(scope, item)));
    case 'not':
      return sql`(NOT ${compileFilter(scope, node.item)})`;
    case 'named':
      return compileFilter(scope, scope.layer.filter(node.name));
    case 'cohort': {
      const members = cohortMembers(scope, node.name);
      return node.negated
        ? sql`(${scope.column('user_id')} NOT IN (${members}))`
        : sql`(${scope.column('user_id')} IN (${members}))`;
    }
    case 'null': {
      const value = dimensionSql(scope, node.ref);
      return node.negated ? sql`(${value} IS NOT NULL)` : sql`(${value} IS NULL)`;
    }
    case 'compare': {
      const value = operand(scope, node.ref, node.value);
      const literal = literalValue(node.value);
      if (node.op === '!=') return sql`(${value} IS DISTINCT FROM ${literal})`;
      return sql`COALESCE(${value} ${raw(node.op)} ${literal}, FALSE)`;
    }
    case 'in': {
      const first = node.values[0] as Literal;
      const value = operand(scope, node.ref, first);
      const list = join(node.values.map(literalValue));
      return node.negated
        ? sql`(${value} IS NULL OR ${value} NOT IN (${list}))`
        : sql`COALESCE(${value} IN (${list}), FALSE)`;
    }
    case 'contains': {
      const value = dimensionSql(scope, node.ref);
      const test = scope.dialect.containsText(value, sql`${node.value}`);
      return node.negated ? sql`(${value} IS NULL OR NOT ${test})` : sql`COALESCE(${test}, FALSE)`;
    }
  }
}

/** The dimension read as a number when compared with a number, else as text. */
function operand(scope: QueryScope, ref: string, literal: Literal): Sql {
  return resolvedSql(scope, scope.layer.dimension(ref), typeof literal === 'number' ? 'number' : 'text');
}

/** Booleans compare as the text JSON gives them ('true' / 'false'). */
function literalValue(literal: Literal): Sql {
  return typeof literal === 'boolean' ? sql`${String(literal)}` : sql`${literal}`;
}

/**
 * The user ids of a cohort, as a subquery. `where` cohorts: users with at least one matching event
 * (user columns are joined); `behavior` cohorts: users who did the
 * event at least N times in the D days before the end of the query range. Both: users in both.
 */
export function cohortMembers(scope: QueryScope, name: string): Sql {
  const cohort = scope.layer.cohort(name);
  const parts: Sql[] = [];
  if (cohort.where) {
    const inner = scope.nested();
    const condition = compileFilter(inner, cohort.where);
    parts.push(
      sql`SELECT DISTINCT ${inner.column('user_id')} FROM events ${ident(inner.eventsAlias)}${inner.usersJoin()} WHERE ${inner.column('project_id')} = ${scope.project} AND ${condition}`,
    );
  }
  const behavior = cohort.definition.behavior;
  if (behavior) {
    const inner = scope.nested();
    const d = scope.dialect;
    const conditions = [
      sql`${inner.column('project_id')} = ${scope.project}`,
      behavior.event === '$any' ? sql`` : sql`${inner.column('event')} = ${behavior.event}`,
      sql`${inner.column('ts')} >= ${d.addUnits('day', scope.rangeEnd, -behavior.days)}`,
      sql`${inner.column('ts')} < ${scope.rangeEnd}`,
      cohort.behaviorWhere ? compileFilter(inner, cohort.behaviorWhere) : sql``,
    ];
    parts.push(
      sql`SELECT ${inner.column('user_id')} FROM events ${ident(inner.eventsAlias)}${inner.usersJoin()} WHERE ${and(conditions)} GROUP BY ${inner.column('user_id')} HAVING count(*) >= ${behavior.atLeast}`,
    );
  }
  return join(parts, ' INTERSECT ');
}
