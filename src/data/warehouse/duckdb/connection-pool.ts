import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * Connections of one DuckDB instance, handed out one caller at a time. A DuckDB connection is one
 * session: a transaction begun on it takes in every statement sent on it, so two HTTP requests sharing a
 * connection would see each other's work committed or rolled back together (measured: an INSERT sent
 * while another caller's transaction was open was undone by that caller's ROLLBACK). Separate connections
 * of the same instance are isolated sessions over the same data (MVCC), so readers never wait for a
 * writer's transaction. The first connection is opened eagerly; the others on demand, up to `max`.
 */
export class ConnectionPool {
  private readonly idle: DuckDBConnection[];
  private readonly all: DuckDBConnection[];
  private readonly waiting: ((connection: DuckDBConnection) => void)[] = [];
  private opening = 0;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    first: DuckDBConnection,
    private readonly max: number,
  ) {
    this.idle = [first];
    this.all = [first];
  }

  /** Connections opened so far (at most `max`). */
  get size(): number {
    return this.all.length;
  }

  /** A connection for the caller alone until it is released; waits when `max` are in use. */
  async acquire(): Promise<DuckDBConnection> {
    const free = this.idle.pop();
    if (free) return free;
    if (this.all.length + this.opening < this.max) {
      this.opening++;
      try {
        const connection = await this.instance.connect();
        this.all.push(connection);
        return connection;
      } finally {
        this.opening--;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(connection: DuckDBConnection): void {
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  closeAll(): void {
    this.closed = true;
    for (const connection of this.all) connection.closeSync();
  }
}

/** A promise-chain mutex: `run` calls execute one after another, in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
