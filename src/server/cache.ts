/**
 * The result cache: least recently used entries first out, bounded by a count and by approximate bytes
 * (the length of each result's JSON, which is what the route sends anyway). Keys carry the project's
 * data version, so an ingestion makes the old entries unreachable; they age out as new ones arrive.
 */

export interface CacheOptions {
  /** Entries kept at most (default 1,000). */
  maxEntries?: number;
  /** Approximate bytes kept at most: the sum of the entries' JSON lengths (default 64 MB). */
  maxBytes?: number;
}

export type CacheOutcome = 'hit' | 'miss';

/**
 * A JSON text of `value` with object keys sorted at every level, so `{a, b}` and `{b, a}` name the same
 * query. Arrays keep their order (a funnel's steps are ordered); undefined members are dropped as JSON does.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export class ResultCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  /** Computations under way, so identical requests arriving together run the query once. */
  private readonly pending = new Map<string, Promise<unknown>>();
  private bytes = 0;
  hits = 0;
  misses = 0;
  readonly maxEntries: number;
  readonly maxBytes: number;

  constructor(options: CacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  static key(projectId: string, version: number, cacheKey: unknown): string {
    return `${projectId}\u0000${version}\u0000${stableStringify(cacheKey)}`;
  }

  get size(): number {
    return this.entries.size;
  }

  get approximateBytes(): number {
    return this.bytes;
  }

  /**
   * The cached value of `key`, else `compute()`'s (stored when it fits). A value larger than the whole
   * budget is returned but not kept. Failures are not cached.
   */
  async getOrCompute<T>(
    key: string,
    compute: () => Promise<T>,
  ): Promise<{ value: T; outcome: CacheOutcome }> {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.hits++;
      return { value: entry.value as T, outcome: 'hit' };
    }
    this.misses++;
    const running = this.pending.get(key);
    if (running) return { value: (await running) as T, outcome: 'miss' };
    const promise = compute();
    this.pending.set(key, promise);
    try {
      const value = await promise;
      this.store(key, value);
      return { value, outcome: 'miss' };
    } finally {
      this.pending.delete(key);
    }
  }

  private store(key: string, value: unknown): void {
    const bytes = (JSON.stringify(value) ?? '').length;
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, old] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.bytes;
    }
  }
}
