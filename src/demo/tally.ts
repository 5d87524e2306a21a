import { EVENT_KINDS } from './event-buffer.ts';

/** Days after sign-up whose activity is recorded per user, for the realised retention in the ground truth. */
export const RETENTION_DAYS = [1, 7, 14, 30] as const;

/**
 * Counters the simulation and the writer fill while they run, from which ground-truth.ts reports the
 * realised size of every planted effect. Three hourly tables (day x hour x event kind):
 * - `intended`: ordinary events the users meant to produce, before any planted loss (outage, messaging
 *   outage, logging drop). Planted extra events are not in it.
 * - `planted`: extra events that only exist because of a plant (push sessions, viral views).
 * - `written`: valid, unique events in the files.
 * So for a window, written / intended is the realised multiplier of whatever was planted there.
 */
export class Tally {
  readonly intended: Int32Array;
  readonly planted: Int32Array;
  readonly written: Int32Array;

  /** Per day, from the files. */
  readonly dau: Int32Array;
  readonly lines: Int32Array;
  readonly validEvents: Int32Array;
  readonly duplicates: Int32Array;
  readonly malformed: Int32Array;

  /** Per user: the day they were last seen in the files, and bit k set when active on RETENTION_DAYS[k]. */
  readonly lastSeen: Int32Array;
  readonly retained: Uint8Array;

  /** By exp_group (index 1..4): exposures, and views and likes at or after the experiment start. */
  readonly exposures = new Int32Array(5);
  readonly viewsAfterStart = new Float64Array(5);
  readonly likesAfterStart = new Float64Array(5);

  readonly outage = {
    intendedUsers: 0,
    actualUsers: 0,
    segmentIntendedUsers: 0,
    segmentActualUsers: 0,
    sessionsLost: 0,
    viewsLost: 0,
    likesLost: 0,
  };
  readonly push = { opens: 0, usersNotOtherwiseActive: 0 };
  /** Views and likes of the viral post inside its window. */
  readonly viral = { views: 0, likes: 0 };
  readonly latency = { intendedSum: 0, intendedViews: 0, writtenSum: 0, writtenViews: 0 };
  readonly malformedByKind: Record<string, number> = {};

  constructor(days: number, users: number) {
    const cells = days * 24 * EVENT_KINDS;
    this.intended = new Int32Array(cells);
    this.planted = new Int32Array(cells);
    this.written = new Int32Array(cells);
    this.dau = new Int32Array(days);
    this.lines = new Int32Array(days);
    this.validEvents = new Int32Array(days);
    this.duplicates = new Int32Array(days);
    this.malformed = new Int32Array(days);
    this.lastSeen = new Int32Array(users).fill(-1);
    this.retained = new Uint8Array(users);
  }

  static cell(day: number, hour: number, kind: number): number {
    return (day * 24 + hour) * EVENT_KINDS + kind;
  }

  /** Sum of a table over [startHour, endHour) of a day for the given kinds. */
  sum(table: Int32Array, day: number, startHour: number, endHour: number, kinds: readonly number[]): number {
    let total = 0;
    for (let h = startHour; h < endHour; h++) for (const k of kinds) total += table[Tally.cell(day, h, k)]!;
    return total;
  }
}
