/**
 * Alert rule state in `meta.alert_state` (one row per rule and group) and the notification history in
 * `meta.alert_notifications`. `saveRun` writes both in one transaction, so a run's state and its history
 * are stored together or not at all.
 */
import type { GroupState } from '../../analytics/anomalies/rule-state.ts';
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import { decodeState, encodeState, type GroupNotice, type StoredGroup } from './alert-state.ts';
import type { NoticeRecord } from './plan-notifications.ts';

interface StateRow {
  group_key: string;
  state: string;
  notice: string;
}

/** The rule's stored groups by key (empty before its first run). */
export async function loadRuleState(
  warehouse: Warehouse,
  project: string,
  rule: string,
): Promise<Map<string, StoredGroup>> {
  const rows = await warehouse.query<StateRow & Record<string, unknown>>(
    `SELECT group_key, CAST(state AS VARCHAR) AS state, CAST(notice AS VARCHAR) AS notice
     FROM meta.alert_state WHERE project_id = ? AND rule = ? ORDER BY group_key`,
    [project, rule],
  );
  return new Map(
    rows.map((r) => {
      const stored = decodeState<{ labels: Record<string, string>; group: GroupState }>(r.state);
      return [
        r.group_key,
        { labels: stored.labels, state: stored.group, notice: decodeState<GroupNotice>(r.notice) },
      ];
    }),
  );
}

/** A line of `meta.alert_notifications` as read back. */
export interface NotificationRow extends NoticeRecord {
  readonly rule: string;
  readonly runId: string;
  readonly at: string;
}

/** Writes every group's state and the run's history lines in one transaction. */
export async function saveRun(
  warehouse: Warehouse,
  project: string,
  rule: string,
  run: { runId: string; at: number },
  groups: ReadonlyMap<string, StoredGroup>,
  records: readonly NoticeRecord[],
): Promise<void> {
  await warehouse.transaction(async () => {
    for (const [key, group] of groups) {
      await warehouse.execute(
        `INSERT INTO meta.alert_state (project_id, rule, group_key, state, notice, last_evaluated_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (project_id, rule, group_key) DO UPDATE SET state = excluded.state,
           notice = excluded.notice, last_evaluated_at = excluded.last_evaluated_at, updated_at = excluded.updated_at`,
        [
          project,
          rule,
          key,
          encodeState({ labels: group.labels, group: group.state }),
          encodeState(group.notice),
          Number.isFinite(group.state.lastT) ? new Date(group.state.lastT) : null,
          new Date(run.at),
        ],
      );
    }
    for (const r of records)
      await warehouse.execute(
        `INSERT INTO meta.alert_notifications (project_id, rule, group_key, fingerprint, status, channel, run_id, notified_at, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          project,
          rule,
          r.group,
          r.fingerprint,
          r.status,
          r.channel,
          run.runId,
          new Date(run.at),
          r.detail ?? null,
        ],
      );
  });
}

/** The notification history of a project (optionally one rule), oldest first. */
export async function listNotifications(
  warehouse: Warehouse,
  project: string,
  rule?: string,
): Promise<NotificationRow[]> {
  const rows = await warehouse.query<{
    rule: string;
    group_key: string;
    fingerprint: string;
    status: NoticeRecord['status'];
    channel: string;
    run_id: string;
    at: string;
    detail: string | null;
  }>(
    `SELECT rule, group_key, fingerprint, status, channel, run_id, notified_at AS at, detail FROM meta.alert_notifications
     WHERE project_id = ?${rule === undefined ? '' : ' AND rule = ?'} ORDER BY notified_at, rule, group_key, channel, status`,
    rule === undefined ? [project] : [project, rule],
  );
  return rows.map((r) => ({
    rule: r.rule,
    group: r.group_key,
    fingerprint: r.fingerprint,
    status: r.status,
    channel: r.channel,
    runId: r.run_id,
    at: r.at,
    ...(r.detail === null ? {} : { detail: r.detail }),
  }));
}
