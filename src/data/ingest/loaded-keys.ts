/**
 * The keys (`eventKey`) of the events a server loaded into one project with a timestamp above a
 * horizon, so that live capture's duplicate check of such an event needs no read of the warehouse.
 *
 * This is exact because a running server is the only writer of its database (it holds the file's lock;
 * `sightline ingest` stops with SL_DB_LOCKED) and its capture loader the only writer of `events`: the
 * horizon starts at the latest timestamp the project stored when the server began capturing into it, so
 * every stored event above it was loaded since, and recorded here when its load committed.
 *
 * Bounded: past `capacity` keys, the oldest minutes of timestamps are forgotten and the horizon rises to
 * their end, so events at or below it are checked with a read again. Live traffic is stamped close to
 * now, so the horizon trails it by `capacity` events (25 s at 20,000 events/s with the default 500,000);
 * an event stamped far in the future is forgotten last, not first.
 */

import { type EventRow, eventKey } from '../events/event.ts';

const MINUTE_US = 60_000_000;

export class LoadedKeys {
  private readonly keys = new Set<string>();
  /** Keys by the minute of their timestamp, to forget the oldest first. */
  private readonly byMinute = new Map<number, string[]>();

  constructor(
    /** Microseconds: events stamped at or before it are not covered. */
    private horizon: number,
    private readonly capacity = 500_000,
  ) {}

  get horizonUs(): number {
    return this.horizon;
  }

  get size(): number {
    return this.keys.size;
  }

  /** Whether this set answers the stored check of an event stamped `tsUs`. */
  covers(tsUs: number): boolean {
    return tsUs > this.horizon;
  }

  /** Whether an event is stored; only meaningful when `covers(event.ts_us)`. */
  has(event: Pick<EventRow, 'event_id' | 'ts_us'>): boolean {
    return this.keys.has(eventKey(event));
  }

  /** Records events whose load committed. */
  add(events: Iterable<Pick<EventRow, 'event_id' | 'ts_us'>>): void {
    for (const event of events) {
      if (!this.covers(event.ts_us)) continue;
      const key = eventKey(event);
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      const minute = Math.floor(event.ts_us / MINUTE_US);
      const bucket = this.byMinute.get(minute);
      if (bucket) bucket.push(key);
      else this.byMinute.set(minute, [key]);
    }
    if (this.keys.size > this.capacity) this.forgetOldest(Math.floor(this.capacity * 0.9));
  }

  private forgetOldest(target: number): void {
    const minutes = [...this.byMinute.keys()].sort((a, b) => a - b);
    for (const minute of minutes) {
      if (this.keys.size <= target) break;
      for (const key of this.byMinute.get(minute)!) this.keys.delete(key);
      this.byMinute.delete(minute);
      this.horizon = Math.max(this.horizon, (minute + 1) * MINUTE_US - 1);
    }
  }
}
