/**
 * The `check` job: is the data fresh and plentiful enough, as of the run's scheduled time? A report built
 * on a stalled pipeline shows a collapse that did not happen; this job says so first. A failed check
 * fails the run (so it shows in `sightline runs` and is retried per the job) and tells its channels, once
 * per run through the ledger.
 */
import { parseDurationMs } from '../../analytics/anomalies/alert-rules.ts';
import type { AutomationDeps } from '../project.ts';
import type { ReportDocument } from '../reports/document.ts';
import type { JobAction, RunContext } from './job.ts';

export interface CheckFindings {
  /** The newest event at or before the scheduled time (ISO), or null when there is none. */
  readonly newest: string | null;
  /** Events in the window before the scheduled time. */
  readonly events: number;
  readonly problems: readonly string[];
}

/** What the check finds at `at` for `spec` (no side effects). */
export async function runCheck(
  deps: AutomationDeps,
  spec: { maxLag?: string | undefined; minEvents?: number | undefined; window: string },
  at: number,
): Promise<CheckFindings> {
  const windowMs = parseDurationMs(spec.window) ?? 3_600_000;
  const rows = await deps.warehouse.query<{ newest: string | null; recent: number }>(
    `SELECT max(ts) AS newest, count(*) FILTER (WHERE ts > ?)::BIGINT AS recent
     FROM events WHERE project_id = ? AND ts <= ?`,
    [new Date(at - windowMs), deps.project.project, new Date(at)],
  );
  const newest = rows[0]?.newest ?? null;
  const events = Number(rows[0]?.recent ?? 0);
  const problems: string[] = [];
  const maxLagMs = spec.maxLag === undefined ? undefined : parseDurationMs(spec.maxLag);
  if (maxLagMs !== undefined) {
    if (newest === null) problems.push('there are no events at all');
    else {
      const lag = at - Date.parse(newest);
      if (lag > maxLagMs)
        problems.push(`the newest event is ${duration(lag)} old (at most ${spec.maxLag} expected)`);
    }
  }
  if (spec.minEvents !== undefined && events < spec.minEvents)
    problems.push(
      `${events.toLocaleString('en-US')} events in the ${spec.window} before the check (at least ${spec.minEvents.toLocaleString('en-US')} expected)`,
    );
  return { newest, events, problems };
}

/** The action of `run: { check: … }` jobs. */
export function checkAction(deps: AutomationDeps): JobAction {
  return async (context) => {
    const spec = context.job.run;
    if (!('check' in spec)) throw new Error(`job ${context.job.name} does not run a check`);
    const findings = await runCheck(deps, spec.check, context.scheduledAt);
    const details = { newest: findings.newest, events: findings.events, problems: findings.problems };
    if (findings.problems.length === 0)
      return {
        summary: `data ok: ${findings.events.toLocaleString('en-US')} events in the last ${spec.check.window}`,
        details,
      };
    const notice = checkNotice(context, findings);
    for (const channel of spec.check.channels) await context.deliver(channel, notice);
    throw new Error(`data check failed: ${findings.problems.join('; ')}`);
  };
}

function checkNotice(context: RunContext, findings: CheckFindings): ReportDocument {
  const at = new Date(context.scheduledAt).toISOString();
  return {
    kind: 'report',
    name: context.job.name,
    title: `Data check ${context.job.name} failed`,
    subtitle: `as of ${at.slice(0, 16).replace('T', ' ')} UTC`,
    project: context.project,
    period: { from: at.slice(0, 10), to: at.slice(0, 10), timezone: 'UTC' },
    generatedAt: at,
    blocks: [
      ...findings.problems.map((text) => ({ kind: 'paragraph' as const, text, tone: 'bad' as const })),
      {
        kind: 'paragraph',
        text: `Newest event: ${findings.newest ?? 'none'}. Reports built before this is fixed may show a drop that did not happen.`,
      },
    ],
  };
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
