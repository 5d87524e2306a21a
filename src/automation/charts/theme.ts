/**
 * Colours and sizes shared by every chart. Bands are opaque colours (already blended with the white
 * background) rather than translucent fills: an 80% band drawn over a 95% band then shows exactly two
 * shades, the same in every renderer, and a PNG test can look for the exact pixel colours.
 */
export const PALETTE = {
  /** Observed history: dark slate, the reader's anchor. */
  history: '#334155',
  /** Forecast or counterfactual line, and its bands in two lighter shades of the same blue. */
  forecast: '#2563eb',
  band95: '#dbe5fb',
  band80: '#a8c0f5',
  /** The pointwise effect of a launch. */
  effect: '#c2410c',
  effectBand: '#f8d9c4',
  marker: '#64748b',
  text: '#0f172a',
  mutedText: '#475569',
  axis: '#94a3b8',
  grid: '#e2e8f0',
  background: '#ffffff',
} as const;

/** The colours a series without its own takes, in order (Tableau 10: distinct, colour-blind tolerant). */
export const SERIES_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export const TEXT_SIZE = { title: 16, subtitle: 12, axis: 11, legend: 12, marker: 11 } as const;

/** The size a chart is drawn at when none is given: a report image that reads at e-mail width. */
export const DEFAULT_SIZE = { width: 900, height: 400 } as const;

/** The one font family charts use; the server passes exactly these font files to resvg (fonts.ts). */
export const FONT_FAMILY = 'DejaVu Sans';
