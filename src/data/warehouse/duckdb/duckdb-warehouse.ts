import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBValue,
  StatementType,
} from '@duckdb/node-api';
import { SightlineError } from '../../../errors/index.ts';
import type { ColumnInfo, Row, SqlValue, StreamOptions, TableInfo, Warehouse } from '../warehouse.ts';
import { ConnectionPool, Mutex } from './connection-pool.ts';
import { plainValueConverter } from './convert-value.ts';
import { quoteIdentifier, quoteQualified } from './quote.ts';

export interface DuckDBOpenOptions {
  /** Open without taking the write lock, so other processes can read (and one can write) alongside. */
  readOnly?: boolean;
  /** DuckDB's memory_limit, e.g. '1GB'. */
  memoryLimit?: string;
  threads?: number;
  /**
   * Refuse access to anything outside the database: no reading or writing files, no ATTACH, no
   * extensions, and settings locked so a query cannot turn this back on.
   */
  sandboxed?: boolean;
  /** Connections opened at most, for callers that overlap (default 4; one caller at a time uses one). */
  connections?: number;
}

function bindValue(value: SqlValue): DuckDBValue {
  if (value instanceof Date) return new DuckDBTimestampValue(BigInt(value.getTime()) * 1000n);
  return value;
}

function bindAll(params: readonly SqlValue[] | undefined): DuckDBValue[] | undefined {
  return params && params.length > 0 ? params.map(bindValue) : undefined;
}

/**
 * DuckDB reports another process's write lock as an IO error naming the lock; we turn it into a coded one.
 * A lock held for writing also refuses read-only opens from other processes (DuckDB locks the file for
 * one process, checked in the test that runs the CLI beside a server), so the hint points to the API.
 */
function translateOpenError(error: unknown, file: string): SightlineError {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock/i.test(message)) {
    return new SightlineError('SL_DB_LOCKED', `the database ${file} is in use by another process`, {
      hint: 'while `sightline serve` runs, go through its API (POST /api/v1/capture for events, /api/v1/keys for keys, the query endpoints to read), or stop it first',
      cause: error,
    });
  }
  return new SightlineError(
    'SL_DB_OPEN_FAILED',
    `cannot open the database ${file}: ${message.split('\n')[0]}`,
    {
      cause: error,
    },
  );
}

/**
 * The embedded default: one DuckDB file, opened once per process, and a small pool of connections of that
 * instance (see ConnectionPool for why a shared connection is unsafe under concurrent callers). Writes
 * outside a transaction and transactions are serialised by one mutex: DuckDB's optimistic concurrency
 * aborts the second of two transactions that change the same rows, and ingestion's MERGE into `users`
 * would do exactly that under two concurrent batches.
 */
export class DuckDBWarehouse implements Warehouse {
  readonly engine = 'duckdb' as const;
  /** The connection of the transaction the current async call chain is inside, if any. */
  private readonly inTransaction = new AsyncLocalStorage<DuckDBConnection>();
  /** The signal that cancels the queries of the current async call chain, if any. */
  private readonly cancelScope = new AsyncLocalStorage<AbortSignal>();
  private readonly writes = new Mutex();

  private constructor(
    readonly location: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    private readonly pool: ConnectionPool,
  ) {}

  static async open(file: string, options: DuckDBOpenOptions = {}): Promise<DuckDBWarehouse> {
    const location = file === ':memory:' ? file : path.resolve(file);
    if (location !== ':memory:') {
      const dir = path.dirname(location);
      if (!existsSync(dir)) {
        throw new SightlineError('SL_DB_OPEN_FAILED', `the directory ${dir} of the database does not exist`, {
          hint: 'create the directory or point --db / SIGHTLINE_DB elsewhere',
        });
      }
      if (options.readOnly && !existsSync(location)) {
        throw new SightlineError('SL_DB_OPEN_FAILED', `there is no database at ${location}`, {
          hint: 'run `sightline ingest` or `sightline demo` first, or pass --db',
        });
      }
    }
    const config: Record<string, string> = {};
    if (options.readOnly) config['access_mode'] = 'READ_ONLY';
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    if (options.threads) config['threads'] = String(options.threads);
    if (options.sandboxed) {
      config['enable_external_access'] = 'false';
      config['autoload_known_extensions'] = 'false';
      config['lock_configuration'] = 'true';
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(location, config);
    } catch (error) {
      throw translateOpenError(error, location);
    }
    const connection = await instance.connect();
    const pool = new ConnectionPool(instance, connection, options.connections ?? 4);
    return new DuckDBWarehouse(location, options.readOnly ?? false, instance, pool);
  }

  /** Connections opened so far; one until callers overlap. */
  get connections(): number {
    return this.pool.size;
  }

  /**
   * Runs `use` on the transaction's connection when inside one, else on a pooled connection of its own.
   * Under a cancel scope the connection is interrupted when the signal aborts, and the scope's reason is
   * thrown instead of the engine's "Interrupted" error.
   */
  private async withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const signal = this.cancelScope.getStore();
    if (signal?.aborted) throw signal.reason;
    const inside = this.inTransaction.getStore();
    const connection = inside ?? (await this.pool.acquire());
    const interrupt = (): void => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      // The signal may have aborted while a connection was awaited; a listener added now would never fire.
      if (signal?.aborted) throw signal.reason;
      return await use(connection);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener('abort', interrupt);
      if (!inside) this.pool.release(connection);
    }
  }

  /** Serialises a write with other writes, unless it belongs to a transaction (which already holds the turn). */
  private write<T>(work: () => Promise<T>): Promise<T> {
    return this.inTransaction.getStore() ? work() : this.writes.run(work);
  }

  async query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.withConnection(async (connection) => {
      const reader = await connection.runAndReadAll(sql, bindAll(params));
      return reader.convertRowObjects(plainValueConverter) as T[];
    });
  }

  async execute(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.write(() =>
      this.withConnection(async (connection) => (await connection.run(sql, bindAll(params))).rowsChanged),
    );
  }

  async *stream<T extends Row = Row>(
    sql: string,
    params?: readonly SqlValue[],
    options: StreamOptions = {},
  ): AsyncIterable<T[]> {
    const target = options.batchRows ?? 2048;
    const inside = this.inTransaction.getStore();
    const connection = inside ?? (await this.pool.acquire());
    try {
      const result = await connection.stream(sql, bindAll(params));
      const names = result.deduplicatedColumnNames();
      let batch: T[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const values of chunk.convertRows(plainValueConverter)) {
          const row: Row = {};
          for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
          batch.push(row as T);
        }
        if (batch.length >= target) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      if (!inside) this.pool.release(connection);
    }
  }

  async append(
    table: string,
    columns: readonly string[],
    rows: Iterable<readonly SqlValue[]>,
  ): Promise<number> {
    // The appender writes whole rows of a table, so rows go to a temporary table of exactly `columns`
    // and from there into the target with one INSERT (which also applies the target's defaults). Temporary
    // tables belong to a connection, so every step runs on the same one.
    return this.write(() =>
      this.withConnection(async (connection) => {
        const staging = `_append_${process.pid}_${Date.now()}`;
        const columnList = columns.map(quoteIdentifier).join(', ');
        await connection.run(
          `CREATE TEMP TABLE ${quoteIdentifier(staging)} AS SELECT ${columnList} FROM ${quoteQualified(table)} LIMIT 0`,
        );
        try {
          const appender = await connection.createAppender(staging, 'main', 'temp');
          const types = columns.map((_, i) => appender.columnType(i));
          let count = 0;
          for (const row of rows) {
            for (let i = 0; i < columns.length; i++) {
              const value = row[i];
              if (value === null || value === undefined) appender.appendNull();
              else appender.appendValue(bindValue(value), types[i]);
            }
            appender.endRow();
            count++;
          }
          appender.closeSync();
          await connection.run(
            `INSERT INTO ${quoteQualified(table)} (${columnList}) SELECT ${columnList} FROM temp.${quoteIdentifier(staging)}`,
          );
          return count;
        } finally {
          await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdentifier(staging)}`);
        }
      }),
    );
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) throw new Error('nested transactions are not supported');
    return this.writes.run(async () => {
      const connection = await this.pool.acquire();
      try {
        await connection.run('BEGIN TRANSACTION');
        try {
          const result = await this.inTransaction.run(connection, work);
          await connection.run('COMMIT');
          return result;
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        this.pool.release(connection);
      }
    });
  }

  /**
   * Runs `work` so that every query it starts on this warehouse is interrupted (`connection.interrupt()`,
   * which stops DuckDB's pipeline between vectors) once `signal` aborts; queries it starts after that fail
   * at once. Either way the error thrown is `signal.reason`.
   */
  interruptible<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    return this.cancelScope.run(signal, work);
  }

  /** The kinds of the statements in `sql` ('SELECT', 'INSERT', …), without running them. */
  async statementKinds(sql: string): Promise<string[]> {
    return this.withConnection(async (connection) => {
      const extracted = await connection.extractStatements(sql);
      const kinds: string[] = [];
      for (let i = 0; i < extracted.count; i++) {
        const prepared = await extracted.prepare(i);
        kinds.push(StatementType[prepared.statementType] ?? String(prepared.statementType));
      }
      return kinds;
    });
  }

  async describe(table: string): Promise<ColumnInfo[]> {
    const [schema, name] = table.includes('.') ? table.split('.', 2) : ['main', table];
    const rows = await this.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`,
      [schema!, name!],
    );
    return rows.map((r) => ({ name: r.column_name, type: r.data_type, nullable: r.is_nullable === 'YES' }));
  }

  async tables(): Promise<TableInfo[]> {
    const list = await this.query<{ schema_name: string; table_name: string }>(
      `SELECT schema_name, table_name FROM duckdb_tables()
       WHERE database_name = current_database() AND NOT temporary ORDER BY schema_name, table_name`,
    );
    if (list.length === 0) return [];
    // Exact row counts (duckdb_tables' estimated_size is not) in one query, and every column in another.
    const counts = await this.query<{ i: number; n: number }>(
      list
        .map(
          (t, i) =>
            `SELECT ${i} AS i, count(*) AS n FROM ${quoteQualified(`${t.schema_name}.${t.table_name}`)}`,
        )
        .join(' UNION ALL '),
    );
    const columns = await this.query<{
      table_schema: string;
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position`,
    );
    const rows = new Map(counts.map((c) => [c.i, c.n]));
    return list.map((t, i) => ({
      schema: t.schema_name,
      name: t.table_name,
      rows: rows.get(i) ?? 0,
      columns: columns
        .filter((c) => c.table_schema === t.schema_name && c.table_name === t.table_name)
        .map((c) => ({ name: c.column_name, type: c.data_type, nullable: c.is_nullable === 'YES' })),
    }));
  }

  async close(): Promise<void> {
    this.pool.closeAll();
    this.instance.closeSync();
  }
}
