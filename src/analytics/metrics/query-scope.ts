import type { Dialect } from '../../data/sql/dialect.ts';
import { ident, type Sql, sql } from '../../data/sql/sql.ts';
import type { SemanticLayer } from './semantic-layer.ts';

/**
 * What compiling a dimension or a filter needs to know about the query around it: the dialect, the
 * metrics layer, the project, the aliases of `events` and (when joined) `users`, and the end of the
 * query's range (behavioural cohorts count back from it).
 */
export class QueryScope {
  /** Set when a compiled expression read a `users` column, so the query must join `users`. */
  usesUsers = false;

  constructor(
    readonly dialect: Dialect,
    readonly layer: SemanticLayer,
    readonly project: string,
    /** The exclusive end of the query range, a UTC timestamp expression. */
    readonly rangeEnd: Sql,
    readonly eventsAlias = 'e',
    readonly usersAlias = 'u',
    /** Nesting depth, so that subqueries of cohorts get aliases of their own. */
    readonly depth = 0,
  ) {}

  column(name: string): Sql {
    return sql`${ident(this.eventsAlias, name)}`;
  }

  userColumn(name: string): Sql {
    this.usesUsers = true;
    return sql`${ident(this.usersAlias, name)}`;
  }

  /** `LEFT JOIN users u ON …` when a users column was used, else nothing. Call after compiling. */
  usersJoin(): Sql {
    if (!this.usesUsers) return sql``;
    const e = this.eventsAlias;
    const u = this.usersAlias;
    return sql` LEFT JOIN users ${ident(u)} ON ${ident(u, 'project_id')} = ${ident(e, 'project_id')} AND ${ident(u, 'user_id')} = ${ident(e, 'user_id')}`;
  }

  /** A scope for a subquery over events, with fresh aliases. */
  nested(): QueryScope {
    const depth = this.depth + 1;
    return new QueryScope(
      this.dialect,
      this.layer,
      this.project,
      this.rangeEnd,
      `e${depth}`,
      `u${depth}`,
      depth,
    );
  }
}
