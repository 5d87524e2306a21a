import { Cron } from 'croner';
import type { z } from 'zod';
import type { AlertRule } from '../../analytics/anomalies/alert-rules.ts';
import { parseDurationMs } from '../../analytics/anomalies/alert-rules.ts';
import { closest, SightlineError } from '../../errors/index.ts';
import type { ChannelDefinition } from '../channels/definitions.ts';
import type { ReportDefinition } from '../reports/definitions.ts';
import type { JobDefinition, jobDefinitionSchema } from './job.ts';

/** The cron schedule an alert rule is evaluated on: at the end of each of its intervals. */
export const RULE_SCHEDULES = { '15m': '*/15 * * * *', hour: '0 * * * *', day: '0 0 * * *' } as const;

interface Declared {
  readonly alerts: ReadonlyMap<string, AlertRule>;
  readonly reports: ReadonlyMap<string, ReportDefinition>;
  readonly channels: ReadonlyMap<string, ChannelDefinition>;
}

/**
 * The declared jobs, checked (the cron and the time zone by croner, durations, the report, rule and
 * channels they name), and one job per alert rule (`alert:<rule>`) unless a declared job already runs
 * that rule. Every problem is collected before failing with SL_JOB_INVALID.
 */
export function buildJobs(
  source: Readonly<Record<string, z.infer<typeof jobDefinitionSchema>>> | undefined,
  declared: Declared,
  origin: JobDefinition['origin'] = 'file',
): ReadonlyMap<string, JobDefinition> {
  const problems: string[] = [];
  const jobs = new Map<string, JobDefinition>();
  for (const [name, definition] of Object.entries(source ?? {})) {
    const at = `jobs.${name}`;
    const before = problems.length;
    try {
      new Cron(definition.schedule, { timezone: definition.timezone, paused: true });
    } catch (error) {
      problems.push(
        `${at}.schedule: "${definition.schedule}" (${definition.timezone}): ${(error as Error).message}`,
      );
    }
    const durations: Record<string, number | undefined> = {};
    for (const key of ['retryBackoff', 'timeout'] as const) {
      durations[key] = parseDurationMs(definition[key]);
      if (durations[key] === undefined)
        problems.push(`${at}.${key}: "${definition[key]}" is not a duration (30s, 5m, 2h)`);
    }
    const run = definition.run;
    if ('report' in run) named(problems, `${at}.run.report`, run.report, declared.reports, 'report');
    if ('alert' in run) named(problems, `${at}.run.alert`, run.alert, declared.alerts, 'alert rule');
    const told = 'check' in run ? run.check.channels : 'ingest' in run ? run.ingest.channels : [];
    for (const [i, channel] of told.entries())
      named(problems, `${at}.run.channels.${i}`, channel, declared.channels, 'channel');
    if (problems.length > before) continue;
    jobs.set(name, {
      name,
      description: definition.description,
      schedule: definition.schedule,
      timezone: definition.timezone,
      run,
      catchUp: definition.catchUp,
      retries: definition.retries,
      retryBackoffMs: durations['retryBackoff']!,
      timeoutMs: durations['timeout']!,
      enabled: definition.enabled,
      origin,
    });
  }
  for (const rule of declared.alerts.values())
    for (const [i, channel] of rule.channels.entries())
      named(problems, `alerts.${rule.name}.channels.${i}`, channel, declared.channels, 'channel');
  for (const report of declared.reports.values())
    for (const [i, channel] of report.channels.entries())
      named(problems, `reports.${report.name}.channels.${i}`, channel, declared.channels, 'channel');
  const scheduledRules = new Set([...jobs.values()].flatMap((j) => ('alert' in j.run ? [j.run.alert] : [])));
  for (const rule of declared.alerts.values()) {
    if (scheduledRules.has(rule.name)) continue;
    jobs.set(`alert:${rule.name}`, {
      name: `alert:${rule.name}`,
      description: `evaluates the alert rule ${rule.name} every ${rule.interval}`,
      schedule: RULE_SCHEDULES[rule.interval],
      timezone: 'UTC',
      run: { alert: rule.name },
      catchUp: 'all',
      retries: 2,
      retryBackoffMs: 60_000,
      timeoutMs: 10 * 60_000,
      enabled: true,
      origin: 'alert-rule',
    });
  }
  if (problems.length > 0)
    throw new SightlineError('SL_JOB_INVALID', problems.join('; '), { details: { problems } });
  return jobs;
}

function named(
  problems: string[],
  at: string,
  value: string,
  known: ReadonlyMap<string, unknown>,
  what: string,
): void {
  if (known.has(value)) return;
  const suggestion = closest(value, [...known.keys()]);
  problems.push(`${at}: unknown ${what} "${value}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
}
