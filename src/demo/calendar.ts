/**
 * Dates and timestamps for the demo, all in UTC. The timestamp formatter is on the hot path (one call
 * per event), so it assembles `HH:MM:SS.mmm` from lookup tables instead of going through Date.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds since the epoch at 00:00 UTC of a `YYYY-MM-DD` date, or undefined if it is not a real date. */
export function parseDate(date: string): number | undefined {
  const match = DATE_PATTERN.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return ms;
}

/** The `YYYY-MM-DD` UTC date of an instant. */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO 8601 with milliseconds, UTC (what `Date.prototype.toISOString` gives for years 0..9999). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** The UTC weekday of an instant, 0 = Sunday. */
export function weekday(ms: number): number {
  return new Date(ms).getUTCDay();
}

/** The UTC date of the day before `now`: the default last simulated day, so no event lies in the future. */
export function defaultEndDate(now: Date): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return formatDate(today - DAY_MS);
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * A formatter for instants inside one UTC day, given as milliseconds since that day's midnight.
 * `formatter(offset)` equals `new Date(dayStart + offset).toISOString()` for 0 <= offset < DAY_MS.
 */
export function dayTimestampFormatter(dayStartMs: number): (offsetMs: number) => string {
  const prefix = `${formatDate(dayStartMs)}T`;
  return (offsetMs) => {
    const ms = offsetMs % 1000;
    const totalSeconds = (offsetMs - ms) / 1000;
    const s = totalSeconds % 60;
    const totalMinutes = (totalSeconds - s) / 60;
    const m = totalMinutes % 60;
    const h = (totalMinutes - m) / 60;
    return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${PAD3[ms]}Z`;
  };
}
