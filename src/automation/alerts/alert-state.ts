/**
 * What an alert rule keeps between scheduled runs, per group: the state machine's `GroupState`
 * (`rule-state.ts`) and the `GroupNotice`, which says which alert is firing (with the evaluation it fired
 * at and its peak) and what each channel has been told. Plain data, stored as JSON by `state-store.ts`.
 */
import { createHash } from 'node:crypto';
import type { GroupState } from '../../analytics/anomalies/rule-state.ts';

/** One evaluation as a notification shows it. NaN where there was no value or no expectation. */
export interface AlertPoint {
  /** Epoch ms: the start of the evaluated bucket. */
  readonly t: number;
  readonly value: number;
  readonly expected: number;
  readonly lower?: number;
  readonly upper?: number;
  readonly score: number;
}

/** An alert that fired: one breach of one group, from its first breaching evaluation. */
export interface ActiveAlert {
  /** rule + group + start, hashed: the same in every notification about this alert. */
  readonly fingerprint: string;
  /** `os=Android`; '' for a rule without grouping keys. */
  readonly group: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The first breaching evaluation (the breach's start, before `for` had held). */
  readonly startsAt: number;
  readonly firedAt: number;
  /** The evaluation it fired at. */
  readonly fired: AlertPoint;
  /** The most surprising evaluation of the breach so far. */
  peak: AlertPoint;
  /** The newest evaluation seen while it fires. */
  latest: AlertPoint;
}

/** An alert that ended: `recovery` normal evaluations after firing. */
export interface ResolvedAlert extends ActiveAlert {
  /** The evaluation that resolved it. */
  readonly endsAt: number;
}

/** What one channel has been told about one group. */
export interface ChannelNotice {
  /** The fingerprint of the firing alert this channel was told about, else null. */
  told: string | null;
  /** When it was last told (firing or repeat), for the repeat interval. */
  lastSentAt: number | null;
  /** Resolves not sent yet: held in quiet hours, or not accepted by the channel. */
  pendingResolves: ResolvedAlert[];
  /** `fingerprint:status` last written to the history as not sent (silenced, held), to write it once. */
  recorded: string | null;
}

export interface GroupNotice {
  /** The breach being watched (pending or firing): its most surprising evaluation so far. */
  episodePeak: AlertPoint | null;
  firing: ActiveAlert | null;
  channels: Record<string, ChannelNotice>;
}

export interface StoredGroup {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: GroupState;
  readonly notice: GroupNotice;
}

export function emptyNotice(): GroupNotice {
  return { episodePeak: null, firing: null, channels: {} };
}

export function channelNotice(notice: GroupNotice, channel: string): ChannelNotice {
  let found = notice.channels[channel];
  if (!found) {
    found = { told: null, lastSentAt: null, pendingResolves: [], recorded: null };
    notice.channels[channel] = found;
  }
  return found;
}

/** rule, group and start hashed to 16 hex digits (Alertmanager fingerprints its label sets the same way). */
export function fingerprint(rule: string, group: string, startsAt: number): string {
  return createHash('sha256').update(`${rule}\0${group}\0${startsAt}`).digest('hex').slice(0, 16);
}

/** `os=Android, country=DE` from the rule's grouping keys and a series' values ('' without keys). */
export function groupKey(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/**
 * JSON that keeps NaN and ±Infinity (GroupState uses both: NaN for "no breach", -Infinity for "no
 * cooldown"), which JSON.stringify would turn into null.
 */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v,
  );
}

export function decodeState<T>(text: string): T {
  return JSON.parse(text, (_, v: unknown) =>
    v !== null && typeof v === 'object' && '$number' in v && Object.keys(v).length === 1
      ? Number((v as { $number: string }).$number)
      : v,
  ) as T;
}
