/**
 * The dashboard's global date range and filters, applied to every tile. They become the insight spec's
 * `from`, `to` and `where` (the filter language of `--where`), so a tile under a filter asks exactly
 * what `sightline insight … --where "os = 'Android'"` asks, and shows the same numbers.
 */

export interface GlobalFilters {
  from: string;
  to: string;
  /** Dimension name → value; an empty value is no filter. */
  values: Record<string, string>;
}

/** The filters a product manager slices by, and the dimension each reads (`user.source`: acquisition). */
export const FILTER_DIMENSIONS = [
  { key: 'country', label: 'Country', dimension: 'country' },
  { key: 'os', label: 'OS', dimension: 'os' },
  { key: 'source', label: 'Source', dimension: 'user.source' },
] as const;

/** A value as a string literal of the filter language: single quotes, doubled inside. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Returns the `where` expression of the filters (`os = 'Android' and user.source = 'ads'`), or ''. */
export function whereOf(filters: GlobalFilters): string {
  return FILTER_DIMENSIONS.filter((f) => filters.values[f.key])
    .map((f) => `${f.dimension} = ${quote(filters.values[f.key]!)}`)
    .join(' and ');
}

/**
 * Returns a tile's spec under the global filters: the range replaces the tile's own when set, and the
 * filters are and-ed with the tile's own `where` (a tile of Android users stays Android-only).
 */
export function applyFilters(spec: Record<string, unknown>, filters: GlobalFilters): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec };
  if (filters.from) out['from'] = filters.from;
  if (filters.to) out['to'] = filters.to;
  const global = whereOf(filters);
  const own = typeof spec['where'] === 'string' ? spec['where'].trim() : '';
  if (global) out['where'] = own ? `(${own}) and ${global}` : global;
  return out;
}

type Listener = (filters: GlobalFilters) => void;

/** The one filter state of the app; screens subscribe and re-run their tiles when it changes. */
export class FilterState {
  private current: GlobalFilters = { from: '', to: '', values: {} };
  private readonly listeners = new Set<Listener>();

  get(): GlobalFilters {
    return this.current;
  }

  set(change: Partial<Omit<GlobalFilters, 'values'>> & { values?: Record<string, string> }): void {
    this.current = {
      from: change.from ?? this.current.from,
      to: change.to ?? this.current.to,
      values: { ...this.current.values, ...(change.values ?? {}) },
    };
    for (const listener of this.listeners) listener(this.current);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const filters = new FilterState();
