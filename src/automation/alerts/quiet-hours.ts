/**
 * Quiet hours: a daily window in a time zone in which a rule's (or a channel's) notifications are held.
 * The window is read on the local wall clock, so 22:00–08:00 in Europe/Berlin stays 22:00–08:00 across
 * the daylight-saving changes.
 */
import type { QuietHours } from '../../analytics/anomalies/alert-rules.ts';

/** The minutes after local midnight at `t` (epoch ms) in `timezone`. */
export function localMinutes(t: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(t));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute');
}

/** True when `t` lies in the quiet window [from, to), which wraps past midnight when `to` < `from`. */
export function isQuiet(quiet: QuietHours | undefined, t: number): boolean {
  if (!quiet) return false;
  const m = localMinutes(t, quiet.timezone);
  return quiet.from < quiet.to ? m >= quiet.from && m < quiet.to : m >= quiet.from || m < quiet.to;
}

/** `22:00–08:00 Europe/Berlin`, for logs and the notification history. */
export function describeQuietHours(quiet: QuietHours): string {
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hhmm(quiet.from)}–${hhmm(quiet.to)} ${quiet.timezone}`;
}
