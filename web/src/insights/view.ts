import type { Drawable } from '../charts/chart-view.ts';

/** A headline number with what it rests on: `sub` carries the sample size or interval where there is one. */
export interface Stat {
  /** Stable within its tile or page, used as `data-testid="stat-<key>"`. */
  key: string;
  label: string;
  /** The exact number the API returned (kept in `data-value` for the end-to-end tests). */
  value: number | null;
  display: string;
  sub?: string;
}

/** A cell keeps the API's exact value; `display` is what people read. */
export interface Cell {
  value: string | number | null;
  display: string;
  /** A background shade in [0, 1] (retention heatmaps). */
  shade?: number;
}

export interface Table {
  title?: string;
  columns: string[];
  rows: Cell[][];
}

/** How any insight result is shown: headline numbers, one chart, tables, its warnings and its SQL. */
export interface InsightView {
  stats: Stat[];
  chart: Drawable | null;
  tables: Table[];
  warnings: { code: string; message: string }[];
  sql: string;
  /** True when the result holds no data at all (the tile shows its empty state). */
  empty: boolean;
}

export function cell(value: string | number | null, display?: string): Cell {
  return { value, display: display ?? (value === null ? '–' : String(value)) };
}
