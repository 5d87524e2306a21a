import type { Sql } from '../../data/sql/sql.ts';
import type { Row } from '../../data/warehouse/warehouse.ts';
import type { InsightContext } from '../insights/insight-context.ts';

/**
 * The queries of one analysis: each is rendered through the dialect and kept, so the report shows
 * exactly the SQL that ran. Per-user results are streamed in batches (half a million users would not
 * fit the CLI's heap as row objects).
 */
export class ExperimentQueries {
  private readonly log: string[] = [];

  constructor(readonly ctx: InsightContext) {}

  rows<T extends Row = Row>(fragment: Sql): Promise<T[]> {
    const text = this.ctx.dialect.render(fragment);
    this.log.push(text);
    return this.ctx.warehouse.query<T>(text);
  }

  batches<T extends Row = Row>(fragment: Sql): AsyncIterable<T[]> {
    const text = this.ctx.dialect.render(fragment);
    this.log.push(text);
    return this.ctx.warehouse.stream<T>(text, [], { batchRows: 8192 });
  }

  /** The SQL of every query run so far, separated by `;` and a blank line. */
  sqlText(): string {
    return this.log.map((s) => `${s};`).join('\n\n');
  }
}
