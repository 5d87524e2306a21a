import type { Dialect } from '../../data/sql/dialect.ts';
import { dialectFor } from '../../data/sql/dialects.ts';
import type { Sql } from '../../data/sql/sql.ts';
import type { Row, Warehouse } from '../../data/warehouse/warehouse.ts';
import type { SemanticLayer } from '../metrics/semantic-layer.ts';

/**
 * What an insight runs against: the warehouse, its dialect, the metrics layer and the project. Every
 * query goes through `query`, which renders it with the dialect and keeps the SQL text, so each result
 * can show exactly the SQL that ran.
 */
export class InsightContext {
  readonly dialect: Dialect;
  private readonly log: string[] = [];

  constructor(
    readonly warehouse: Warehouse,
    readonly layer: SemanticLayer,
    readonly project: string,
    dialect?: Dialect,
  ) {
    this.dialect = dialect ?? dialectFor(warehouse.engine);
  }

  async query<T extends Row = Row>(fragment: Sql): Promise<T[]> {
    const text = this.dialect.render(fragment);
    this.log.push(text);
    return this.warehouse.query<T>(text);
  }

  /** The SQL of every query run so far, separated by `;` and a blank line. */
  sqlText(): string {
    return this.log.map((s) => `${s};`).join('\n\n');
  }
}
