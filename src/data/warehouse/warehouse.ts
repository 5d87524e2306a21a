/**
 * The one interface every engine implements. The analytics layer builds SQL through a dialect and hands it
 * here with bound values; nothing above this interface knows which engine runs.
 */

/** A value bound to a `?` placeholder. Dates bind as timestamps. */
export type SqlValue = string | number | bigint | boolean | null | Date;

/**
 * A result row. Integers come back as numbers when they are safe integers (else as decimal strings),
 * timestamps as ISO 8601 strings in UTC with microseconds, dates as `YYYY-MM-DD`, JSON as its text.
 */
export type Row = Record<string, unknown>;

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  rows: number;
  columns: ColumnInfo[];
}

export interface StreamOptions {
  /** Rows per yielded batch (default 2048). */
  batchRows?: number;
}

export type EngineName = 'duckdb' | 'clickhouse';

export interface Warehouse {
  readonly engine: EngineName;
  /** Where the data lives: a file path for DuckDB, a URL for ClickHouse. */
  readonly location: string;
  readonly readOnly: boolean;

  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Streams a large result in batches without materialising it. */
  stream<T extends Row = Row>(
    sql: string,
    params?: readonly SqlValue[],
    options?: StreamOptions,
  ): AsyncIterable<T[]>;
  /** Appends rows in bulk, in column order; returns the number appended. */
  append(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]>): Promise<number>;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Calls on this warehouse from inside `work` belong to the transaction; nesting is not supported.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` so that the queries it starts are cancelled in the engine when `signal` aborts (and
   * fail with `signal.reason`). Engines that cannot cancel a running query leave this out.
   */
  interruptible?<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T>;
  describe(table: string): Promise<ColumnInfo[]>;
  tables(): Promise<TableInfo[]>;
  close(): Promise<void>;
}
