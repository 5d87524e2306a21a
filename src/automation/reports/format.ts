/**
 * How numbers are written in reports, once for every renderer (Telegram, Slack, e-mail, the page) and the
 * executive summary, so the same value reads the same everywhere. Thousands are separated by commas,
 * negatives take the minus sign (U+2212, which Telegram and e-mail clients do not break from the digits
 * the way they may a hyphen), and percentages keep the digits that tell changes apart: 18% and 4.3%,
 * 0.42%.
 */
import type { Change, NumberFormat } from './document.ts';

export const MINUS = '\u2212';

/** `1234567.8` → `1,234,568` with `digits` = 0; the minus sign for negatives. */
export function groupDigits(value: number, digits = 0): string {
  const fixed = Math.abs(value).toFixed(digits);
  const [whole, fraction] = fixed.split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? MINUS : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/**
 * Digits after the point that keep about three significant figures without writing noise: 1,234 and
 * 123; 12.3; 1.23; 0.123.
 */
function decimalsFor(magnitude: number): number {
  if (magnitude >= 100) return 0;
  if (magnitude >= 10) return 1;
  if (magnitude >= 1) return 2;
  return 3;
}

/** A percentage of a fraction (`0.2143` → `21.4%`): one decimal from 1%, two below, none from 100%. */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  const a = Math.abs(p);
  return `${groupDigits(p, a >= 100 ? 0 : a >= 1 ? 1 : 2)}%`;
}

/** A value in its format; `null` (no data, nothing to divide by) is an en dash. */
export function formatValue(value: number | null | undefined, format: NumberFormat): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (format) {
    case 'integer':
      return groupDigits(Math.round(value));
    case 'percent':
      return formatPercent(value);
    case 'currency':
      return `${value < 0 ? MINUS : ''}$${groupDigits(Math.abs(value), 2)}`;
    case 'duration_ms':
      return Math.abs(value) >= 1000
        ? `${groupDigits(value / 1000, Math.abs(value) >= 10_000 ? 1 : 2)} s`
        : `${groupDigits(value, Math.abs(value) >= 100 ? 0 : 1)} ms`;
    case 'decimal':
      return groupDigits(value, decimalsFor(Math.abs(value)));
  }
}

/** `+` for positive, the minus for negative, nothing for zero. */
function sign(value: number): string {
  return value > 0 ? '+' : value < 0 ? MINUS : '';
}

/**
 * A relative change with its sign (`+6.2%`, `−18%`, `+0.42%`): whole percent from 10%, where a decimal
 * is noise next to the size of the move.
 */
export function formatRelativeChange(relative: number, signed = true): string {
  const p = Math.abs(relative * 100);
  const digits = p >= 10 ? 0 : p >= 1 ? 1 : 2;
  const text = `${groupDigits(p, digits)}%`;
  return signed && Number(p.toFixed(digits)) !== 0 ? `${sign(relative)}${text}` : text;
}

/**
 * An absolute change in the value's own format, signed: `+1,234`, `−3,120`; a change of a percentage is
 * in percentage points (`+0.4 pp`), since `+0.4%` would read as a relative change.
 */
export function formatAbsoluteChange(absolute: number, format: NumberFormat): string {
  if (format === 'percent') {
    const pp = absolute * 100;
    const a = Math.abs(pp);
    const text = groupDigits(a, a >= 10 ? 0 : a >= 1 ? 1 : 2);
    return `${/[1-9]/.test(text) ? sign(absolute) : ''}${text} pp`;
  }
  const text = formatValue(Math.abs(absolute), format);
  // A change that rounds to zero in its format (`0`, `0.0 ms`) takes no sign.
  return /[1-9]/.test(text) ? `${sign(absolute)}${text}` : text;
}

/** A 95% interval of a relative change: `+2.1% to +10%`. */
export function formatRelativeInterval(interval: readonly [number, number]): string {
  return `${formatRelativeChange(interval[0])} to ${formatRelativeChange(interval[1])}`;
}

/** An interval of a value in its format: `20.8%–22.0%`. */
export function formatValueInterval(interval: readonly [number, number], format: NumberFormat): string {
  return `${formatValue(interval[0], format)}–${formatValue(interval[1], format)}`;
}

/** A change as one short cell: `+6.2% (+1,234)`, or the absolute change alone when there is no base. */
export function formatChange(change: Change, format: NumberFormat): string {
  const absolute = formatAbsoluteChange(change.absolute, format);
  if (change.relative === null) return absolute;
  return `${formatRelativeChange(change.relative)} (${absolute})`;
}

/** A count with its noun, singular for one: `1 user`, `3,120 users`. */
export function formatCount(count: number, noun: string): string {
  const singular = noun.endsWith('s') ? noun.slice(0, -1) : noun;
  return `${groupDigits(count)} ${Math.abs(count) === 1 ? singular : noun}`;
}
