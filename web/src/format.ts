/**
 * Numbers as people read them. The dashboard shows what the API returns, rounded only for display; the
 * exact value stays in each element's `data-value` so the end-to-end tests compare it with the CLI's.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** `1,234` for whole numbers, `12.35` otherwise, `–` for a missing value (null: nothing to divide by). */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

/** `82.3%` for a rate in [0, 1]. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return percent.format(value);
}

/** A signed percent (`+4.6%`) for relative effects, where the sign is the news. */
export function formatSignedPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value > 0 ? '+' : ''}${percent.format(value)}`;
}

/** `[−4.6%, +13.9%]`: a confidence interval of a relative effect. */
export function formatInterval(ci: readonly [number, number] | null | undefined, asPercent = true): string {
  if (!ci) return '–';
  const f = asPercent ? formatSignedPercent : formatNumber;
  return `[${f(ci[0])}, ${f(ci[1])}]`;
}

/** A p-value to three decimals, or `< 0.001`. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
