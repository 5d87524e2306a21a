/**
 * The job of an alert rule (`alert:<rule>`): at its scheduled time, read the metric up to the last
 * complete bucket, feed every group the evaluations it has not seen (`advanceGroup`), plan what each
 * channel must be told (`planNotifications`: grouping, repeat, silences, quiet hours), deliver, then
 * store the state and the notification history.
 *
 * Crash safety. The state is saved after the deliveries, in one transaction with the history:
 * - killed before the save: the stored state is the one the run started from, so the re-run of the same
 *   scheduled run reads the same data, derives the same notifications with the same keys, and the
 *   scheduler's delivery ledger (`ctx.deliver`, once per run, channel and key) sends none of them twice;
 * - killed after the save: the re-run finds every evaluation already seen and every channel told, and
 *   sends nothing.
 * A delivery the channel refuses leaves that channel's notice untold (the others advance), the state is
 * saved, and the run fails with the error: the retry, or the next run, tells that channel then.
 * Re-running a run after a crash is the scheduler's part (it re-runs an interrupted run before later
 * ones of the job, with the same run id); a later run of its own would send what a lost run had sent.
 */
import type { QuietHours } from '../../analytics/anomalies/alert-rules.ts';
import { DEFAULT_REPEAT_MS } from '../../analytics/anomalies/alert-rules.ts';
import { explainChange } from '../../analytics/anomalies/root-cause.ts';
import { MISSING_VALUE, type Segment } from '../../analytics/anomalies/root-cause-segment.ts';
import { initialGroupState } from '../../analytics/anomalies/rule-state.ts';
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import { SightlineError } from '../../errors/index.ts';
import { DeliveryError } from '../channels/channel.ts';
import type { AutomationDeps } from '../project.ts';
import type { ReportDocument } from '../reports/document.ts';
import type { JobAction, RunResult } from '../scheduler/job.ts';
import { advanceGroup } from './advance-group.ts';
import type { ActiveAlert, ResolvedAlert, StoredGroup } from './alert-state.ts';
import { emptyNotice } from './alert-state.ts';
import { alertDocument } from './notification.ts';
import { type NoticeRecord, type PlannedMessage, planNotifications } from './plan-notifications.ts';
import { isQuiet } from './quiet-hours.ts';
import { readRuleSeries } from './rule-series.ts';
import { listSilences, silences } from './silences.ts';
import { loadRuleState, saveRun } from './state-store.ts';

export interface AlertActionOptions {
  /** Reported days read per run (default `LOOKBACK_DAYS` of the rule's interval). */
  readonly lookbackDays?: number;
  /** Add the root-cause sentence to firing notifications (default true; one warehouse query set each). */
  readonly explain?: boolean;
}

/** The action of `alert:<rule>` jobs (see the module comment). */
export function alertAction(deps: AutomationDeps, options: AlertActionOptions = {}): JobAction {
  return async (ctx): Promise<RunResult> => {
    const spec = ctx.job.run;
    if (!('alert' in spec)) throw new Error(`job ${ctx.job.name} does not run an alert rule`);
    const rule = deps.project.alerts.get(spec.alert);
    if (!rule)
      throw new SightlineError(
        'SL_JOB_INVALID',
        `job ${ctx.job.name} runs an unknown alert rule "${spec.alert}"`,
      );
    const at = ctx.scheduledAt;
    const { warehouse } = deps;
    const project = deps.project.project;
    const insight = new InsightContext(warehouse, deps.project.layer, project);

    const read = await readRuleSeries(insight, rule, at, options.lookbackDays);
    ctx.signal.throwIfAborted();
    const stored = await loadRuleState(warehouse, project, rule.name);
    const groups = new Map<string, StoredGroup & { resolvedNow: readonly ResolvedAlert[] }>();
    for (const [key, group] of stored) groups.set(key, { ...group, resolvedNow: [] });
    let evaluated = 0;
    let fired = 0;
    let resolved = 0;
    for (const series of read) {
      const known = stored.get(series.key);
      // A group seen for the first time learns its state from the span read and tells only what is
      // true now (an alert firing now), not the alerts that began and ended before the rule ran.
      const group = known ?? { labels: series.labels, state: initialGroupState(), notice: emptyNotice() };
      const advance = advanceGroup(group, rule, series.key, series.evaluations, series.points);
      evaluated += advance.evaluated;
      if (known) {
        fired += advance.fired.length;
        resolved += advance.resolved.length;
      }
      groups.set(series.key, { ...group, resolvedNow: known ? advance.resolved : [] });
    }

    const active = await listSilences(warehouse, project, { activeAt: at });
    const plan = planNotifications({
      rule: rule.name,
      at,
      repeatMs: rule.repeatMs ?? DEFAULT_REPEAT_MS,
      channels: rule.channels.map((name) => ({
        name,
        quiet: isQuiet(rule.quietHours, at) || isQuiet(channelQuietHours(deps, name), at),
      })),
      groups,
      silencedBy: (labels) => active.find((s) => silences(s, rule.name, labels, at))?.id ?? null,
    });

    const metricLabel = labelOf(deps, rule.metric);
    const series = new Map(read.map((s) => [s.key, s.series]));
    // One explanation per group and bucket: groups firing together are each explained within their own
    // segment, and a notice sent to several channels reuses it.
    const causes = new Map<string, Promise<string>>();
    const rootCause = (alert: ActiveAlert, status: PlannedMessage['status']): Promise<string> => {
      const t = status === 'repeat' ? alert.latest.t : alert.firedAt;
      const key = `${alert.group}\u0000${t}`;
      let sentence = causes.get(key);
      if (!sentence) {
        sentence = explainAt(insight, rule.metric, rule.interval, t, groupSegment(alert.labels));
        causes.set(key, sentence);
      }
      return sentence;
    };
    const documents = new Map<string, ReportDocument>();
    const records: NoticeRecord[] = [...plan.records];
    const failures: DeliveryError[] = [];
    const sent: string[] = [];
    for (const message of plan.messages) {
      ctx.signal.throwIfAborted();
      let document = documents.get(message.key);
      if (!document) {
        const causeByAlert = new Map<string, string>();
        if (message.status !== 'resolved' && options.explain !== false)
          for (const alert of message.alerts)
            causeByAlert.set(alert.fingerprint, await rootCause(alert, message.status));
        document = alertDocument({
          project,
          rule,
          metricLabel,
          status: message.status,
          alerts: message.alerts,
          at,
          series,
          rootCause: causeByAlert,
          ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
        });
        documents.set(message.key, document);
      }
      try {
        await ctx.deliver(message.channel, document, message.key);
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        failures.push(error);
        ctx.log(`${message.status} to ${message.channel} not accepted: ${error.message}`);
        continue;
      }
      message.sent();
      sent.push(
        `${message.status} to ${message.channel} (${message.alerts.map((a) => a.group || rule.name).join(', ')})`,
      );
      for (const alert of message.alerts)
        records.push({
          group: alert.group,
          fingerprint: alert.fingerprint,
          status: message.status,
          channel: message.channel,
        });
    }
    for (const line of sent) ctx.log(`sent ${line}`);
    for (const r of plan.records)
      ctx.log(`${r.status}: ${r.group || rule.name} on ${r.channel}${r.detail ? ` (${r.detail})` : ''}`);

    await saveRun(warehouse, project, rule.name, { runId: ctx.runId, at }, groups, records);
    if (failures.length > 0) throw failures[0]!;
    const firing = [...groups.values()]
      .filter((g) => g.notice.firing !== null)
      .map((g) => g.notice.firing!.group || rule.name);
    const notSent = plan.records.length;
    return {
      summary:
        `${evaluated} evaluation(s) of ${groups.size} group(s): ${fired} fired, ${resolved} resolved, ` +
        `${firing.length} firing; ${sent.length} notification(s) sent${notSent > 0 ? `, ${notSent} held, silenced or folded` : ''}`,
      details: {
        rule: rule.name,
        evaluated,
        fired,
        resolved,
        firing,
        sent: plan.messages
          .filter((m) => sent.some((s) => s.startsWith(`${m.status} to ${m.channel} `)))
          .map((m) => ({ channel: m.channel, key: m.key })),
        notSent: plan.records,
      },
    };
  };
}

/**
 * The root-cause sentence of the bucket at `t` within the group's segment, or why there is none (a coded
 * error's message).
 */
async function explainAt(
  ctx: InsightContext,
  metric: string,
  interval: '15m' | 'hour' | 'day',
  t: number,
  where: Segment,
): Promise<string> {
  try {
    const result = await explainChange(ctx, { metric, at: new Date(t).toISOString(), interval, where });
    return result.sentence;
  } catch (error) {
    if (!(error instanceof SightlineError)) throw error;
    return `No root cause: ${error.message}.`;
  }
}

/**
 * A group's labels as the segment it is (`{ os: 'Android' }`; `{}` for a rule without grouping keys): a
 * missing value, labelled `(none)` by `readRuleSeries`, is the segment where the dimension is missing.
 */
function groupSegment(labels: Readonly<Record<string, string>>): Segment {
  return Object.fromEntries(
    Object.entries(labels).map(([dimension, value]) => [dimension, value === MISSING_VALUE ? null : value]),
  );
}

function labelOf(deps: AutomationDeps, metric: string): string {
  const definition = deps.project.layer.metric(metric) as { label?: string };
  return definition.label ?? metric;
}

/** A channel's own quiet hours (the `channels:` schema reads them with the rules' schema, so both mean the same). */
function channelQuietHours(deps: AutomationDeps, name: string): QuietHours | undefined {
  return deps.project.channels.get(name)?.quietHours;
}
