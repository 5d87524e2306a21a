/**
 * What to tell each channel after a rule's evaluation, reconciled from the groups' notices rather than
 * from the evaluation's transitions alone (Alertmanager's model): a channel is told about every alert
 * that fires unless it is silenced or inside quiet hours, and is told later, when the silence or the
 * quiet hours end, if the alert still fires then. So a held or silenced alert needs no separate queue:
 * it is simply an alert the channel has not been told about yet.
 *
 * - firing: the group fires an alert the channel was not told about.
 * - repeat: it was told, and `repeatMs` have passed since it was last told.
 * - resolved: an alert the channel was told about has ended. Held in quiet hours and sent when they end;
 *   dropped (and recorded) when a silence matches, as Alertmanager does. An alert that ended before the
 *   channel was told about it (it fired and ended inside quiet hours or a silence) is folded: the channel
 *   hears nothing of it.
 *
 * Grouping: every alert of one rule with the same status in one evaluation goes to a channel as one
 * message (several OS groups firing together are one notification). Alertmanager's `group_wait` exists
 * to collect alerts that arrive at slightly different moments; here every group is evaluated at the same
 * scheduled instant on the same complete bucket, so there is nothing to wait for.
 *
 * The plan changes the notices only through `sent` and `failed`, called after the channel answered, so a
 * message the channel did not accept is planned again by the next run.
 */
import type { ActiveAlert, ChannelNotice, ResolvedAlert, StoredGroup } from './alert-state.ts';
import { channelNotice } from './alert-state.ts';

export type NoticeStatus = 'firing' | 'repeat' | 'resolved';

/** A message to one channel: the alerts of one status, in group order. */
export interface PlannedMessage {
  readonly channel: string;
  readonly status: NoticeStatus;
  readonly alerts: readonly (ActiveAlert | ResolvedAlert)[];
  /** The delivery key: status and the alerts' fingerprints (and the time, for a repeat). */
  readonly key: string;
  /** Updates the notices after the channel accepted it. */
  sent(): void;
}

/** A line of the notification history: what was sent or, with why, not sent. */
export interface NoticeRecord {
  readonly group: string;
  readonly fingerprint: string;
  readonly status: NoticeStatus | 'silenced' | 'held' | 'folded';
  readonly channel: string;
  readonly detail?: string;
}

export interface PlanInput {
  readonly rule: string;
  /** The run's scheduled time. */
  readonly at: number;
  readonly repeatMs: number;
  /** The rule's channels, each with whether it is in quiet hours at `at` (the rule's or its own). */
  readonly channels: readonly { readonly name: string; readonly quiet: boolean }[];
  /** Every stored group, by key, with the alerts that resolved in this run. */
  readonly groups: ReadonlyMap<string, StoredGroup & { readonly resolvedNow: readonly ResolvedAlert[] }>;
  /** The id of a silence matching the group at `at`, or null. */
  silencedBy(labels: Readonly<Record<string, string>>): string | null;
}

export interface NotificationPlan {
  readonly messages: readonly PlannedMessage[];
  /** Alerts recorded as not sent (silenced, held, folded). */
  readonly records: readonly NoticeRecord[];
}

/** Plans the messages of one run (see the module comment). */
export function planNotifications(input: PlanInput): NotificationPlan {
  const records: NoticeRecord[] = [];
  const messages: PlannedMessage[] = [];
  const keys = [...input.groups.keys()].sort();
  for (const channel of input.channels) {
    const byStatus: Record<NoticeStatus, { alert: ActiveAlert | ResolvedAlert; notice: ChannelNotice }[]> = {
      firing: [],
      repeat: [],
      resolved: [],
    };
    for (const key of keys) {
      const group = input.groups.get(key)!;
      const notice = channelNotice(group.notice, channel.name);
      const silence = input.silencedBy(group.labels);
      const once = (fp: string, status: 'silenced' | 'held' | 'folded', detail?: string) => {
        if (notice.recorded === `${fp}:${status}`) return;
        notice.recorded = `${fp}:${status}`;
        records.push({
          group: key,
          fingerprint: fp,
          status,
          channel: channel.name,
          ...(detail ? { detail } : {}),
        });
      };
      for (const alert of group.resolvedNow) {
        if (notice.told === alert.fingerprint) {
          notice.told = null;
          notice.pendingResolves.push(alert);
        } else if (notice.recorded?.startsWith(`${alert.fingerprint}:`)) once(alert.fingerprint, 'folded');
      }
      if (notice.pendingResolves.length > 0) {
        if (silence !== null) {
          for (const alert of notice.pendingResolves)
            once(alert.fingerprint, 'silenced', `silence ${silence}`);
          notice.pendingResolves = [];
        } else if (channel.quiet) {
          for (const alert of notice.pendingResolves) once(alert.fingerprint, 'held', 'quiet hours');
        } else for (const alert of notice.pendingResolves) byStatus.resolved.push({ alert, notice });
      }
      const firing = group.notice.firing;
      if (!firing) continue;
      const due =
        notice.told !== firing.fingerprint
          ? 'firing'
          : notice.lastSentAt === null || input.at - notice.lastSentAt >= input.repeatMs
            ? 'repeat'
            : null;
      if (due === null) continue;
      if (silence !== null) once(firing.fingerprint, 'silenced', `silence ${silence}`);
      else if (channel.quiet) once(firing.fingerprint, 'held', 'quiet hours');
      else byStatus[due].push({ alert: firing, notice });
    }
    for (const status of ['resolved', 'firing', 'repeat'] as const) {
      const items = byStatus[status];
      if (items.length === 0) continue;
      const fingerprints = items.map((i) => i.alert.fingerprint).join('+');
      messages.push({
        channel: channel.name,
        status,
        alerts: items.map((i) => i.alert),
        key: `${status}:${fingerprints}${status === 'repeat' ? `@${new Date(input.at).toISOString()}` : ''}`,
        sent: () => {
          for (const { alert, notice } of items) {
            if (status === 'resolved') {
              notice.pendingResolves = notice.pendingResolves.filter(
                (a) => a.fingerprint !== alert.fingerprint,
              );
            } else {
              notice.told = alert.fingerprint;
              notice.lastSentAt = input.at;
            }
          }
        },
      });
    }
  }
  return { messages, records };
}
