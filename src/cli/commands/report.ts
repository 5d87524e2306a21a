import type { Command } from 'commander';
import { addDays } from '../../analytics/insights/date-range.ts';
import { createAutomation } from '../../automation/automation.ts';
import { buildReport, findReport } from '../../automation/reports/build-report.ts';
import type { ReportDefinition } from '../../automation/reports/definitions.ts';
import type { ReportDocument } from '../../automation/reports/document.ts';
import { formatChange, formatValue } from '../../automation/reports/format.ts';
import { localDayStart } from '../../automation/reports/period.ts';
import { renderChartImages } from '../../automation/reports/render/images.ts';
import { renderTelegram } from '../../automation/reports/render/telegram.ts';
import { writeReportFiles } from '../../automation/reports/render/write-files.ts';
import { ManualClock } from '../../automation/scheduler/clock.ts';
import type { JobDefinition } from '../../automation/scheduler/job.ts';
import { runJson } from '../../automation/scheduler/run-store.ts';
import { readEnvironment } from '../../config/env.ts';
import { parseTimestamp } from '../../data/events/timestamp.ts';
import { dialectFor } from '../../data/sql/dialects.ts';
import { sql } from '../../data/sql/sql.ts';
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import { SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';

interface ReportFlags {
  at?: string;
  date?: string;
  dryRun?: boolean;
  out?: string;
  send?: boolean;
  json?: boolean;
  list?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'build a report of sightline.yaml: print it, write it as files (--out), or deliver it to its channels (--send)',
    )
    .argument('[name]', 'a report declared under reports: in sightline.yaml')
    .option('--at <time>', 'as if run at this time (ISO 8601): the report covers the day or week before it')
    .option('--date <date>', 'the day (or a day of the week) to report on, YYYY-MM-DD in the report’s zone')
    .option('--dry-run', 'print the Telegram messages it would send, without sending')
    .option('--out <dir>', 'write the HTML page, PDF, chart PNG/SVG, Telegram, Slack and e-mail renderings')
    .option('--send', 'deliver to the report’s channels now (recorded as a manual run of its job)')
    .option('--json', 'print the report document as JSON')
    .option('--list', 'list the declared reports')
    .action(
      action(async (name: string | undefined, flags: ReportFlags, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        const context = commandContext(globals);
        const { project } = context;
        if (flags.list || name === undefined) {
          process.stdout.write(listReports(project.reports));
          return;
        }
        const definition = findReport(project.reports, name);
        if (flags.at !== undefined && flags.date !== undefined)
          throw new SightlineError('SL_REPORT_OPTION_INVALID', 'give --at or --date, not both');
        // Only --send writes (the run and the delivery ledger); everything else reads.
        const { warehouse } = await openForCommand(context, flags.send ? 'write' : 'read');
        try {
          const at = await runTime(warehouse, project.project, definition, flags);
          const deps = { warehouse, project, variables: readEnvironment().variables };
          if (flags.send) {
            const run = await sendReport(deps, definition, at);
            process.stdout.write(
              flags.json
                ? `${JSON.stringify(runJson(run))}\n`
                : `${run.status === 'succeeded' ? '' : 'failed: '}${run.summary ?? run.error ?? run.status}\n`,
            );
            if (run.status !== 'succeeded')
              throw new SightlineError(
                'SL_REPORT_OPTION_INVALID',
                `report ${name} was not delivered: ${run.error ?? run.status}`,
                {
                  hint: `see \`sightline runs --job ${run.job}\``,
                },
              );
            return;
          }
          const document = await buildReport(deps, name, { at });
          if (flags.out !== undefined) {
            const files = await writeReportFiles(document, flags.out);
            if (!flags.json && !flags.dryRun) process.stdout.write(`${files.join('\n')}\n`);
          }
          if (flags.json) process.stdout.write(`${JSON.stringify(document)}\n`);
          else if (flags.dryRun) process.stdout.write(await telegramText(document));
          else if (flags.out === undefined) process.stdout.write(plainText(document));
        } finally {
          await warehouse.close();
        }
      }),
    );
}

function listReports(reports: ReadonlyMap<string, ReportDefinition>): string {
  if (reports.size === 0) return 'no reports in sightline.yaml (declare them under reports:)\n';
  return `${[...reports.values()]
    .map(
      (r) =>
        `${r.name}: ${r.title} (${r.period === 'day' ? 'daily' : 'weekly'}, ${r.timezone}) → ${r.channels.length > 0 ? r.channels.join(', ') : 'no channels'}`,
    )
    .join('\n')}\n`;
}

/**
 * The run time the report is built as of: `--at`; else the start (in the report's zone) of the day
 * after `--date`, or for a weekly report of the Monday after `--date`'s ISO week, so the period is that
 * day or week; by default `--date` is the day of the latest event, so `sightline report daily` right
 * after `sightline demo` reports on the demo's last day, and a weekly report the last complete week.
 */
async function runTime(
  warehouse: Warehouse,
  project: string,
  definition: ReportDefinition,
  flags: ReportFlags,
): Promise<number> {
  if (flags.at !== undefined) {
    // parseTimestamp gives microseconds; reports take milliseconds.
    const micros = parseTimestamp(flags.at);
    const at = micros === null ? null : Math.floor(micros / 1000);
    if (at === null)
      throw new SightlineError('SL_REPORT_OPTION_INVALID', `--at ${JSON.stringify(flags.at)} is not a time`, {
        hint: 'write an ISO 8601 time such as 2026-09-28T09:00:00Z',
      });
    return at;
  }
  let day = flags.date;
  if (day !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
      throw new SightlineError(
        'SL_REPORT_OPTION_INVALID',
        `--date ${JSON.stringify(day)} is not a YYYY-MM-DD date`,
      );
  } else {
    day = await latestEventDay(warehouse, project, definition.timezone);
    // By default a weekly report covers the latest complete week: the week of a latest event before
    // Sunday has days with no data yet, which would read as a collapse (and as anomalies) in its last days.
    const sunday = new Date(`${day}T00:00:00Z`).getUTCDay() === 0;
    if (definition.period === 'week' && !sunday) day = addDays(day, -7);
  }
  // A weekly report run on the Monday after the day's week covers that week.
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const next = definition.period === 'week' ? addDays(day, weekday === 0 ? 1 : 8 - weekday) : addDays(day, 1);
  return localDayStart(next, definition.timezone);
}

async function latestEventDay(warehouse: Warehouse, project: string, timezone: string): Promise<string> {
  const dialect = dialectFor(warehouse.engine);
  const local = dialect.localTime(sql`max(ts)`, timezone);
  const rows = await warehouse.query<{ day: string | null }>(
    dialect.render(
      sql`SELECT CAST(CAST(${local} AS DATE) AS VARCHAR) AS day FROM events WHERE project_id = ${project}`,
    ),
  );
  const day = rows[0]?.day;
  if (!day)
    throw new SightlineError('SL_REPORT_OPTION_INVALID', 'the warehouse has no events to report on', {
      hint: 'ingest events first (or run `sightline demo`), or give --at',
    });
  return day;
}

/** The MarkdownV2 messages and photo captions a Telegram channel would send, as plain output. */
async function telegramText(document: ReportDocument): Promise<string> {
  const images = await renderChartImages(document);
  const plan = renderTelegram(document, images);
  const parts = [...plan.messages];
  for (const photo of plan.photos) parts.push(`[photo ${photo.filename}]\n${photo.caption}`);
  return `${parts.join('\n\n----- next message -----\n\n')}\n`;
}

/** A short plain-text view for the terminal: the summary and the metric tiles. */
function plainText(document: ReportDocument): string {
  const out = [`${document.title}: ${document.subtitle ?? ''}`.trim(), ''];
  for (const block of document.blocks) {
    if (block.kind === 'summary') {
      for (const s of block.sentences) out.push(`- ${s.text}`);
      out.push('');
    } else if (block.kind === 'metrics') {
      for (const m of block.items) {
        const changes = [
          m.previousPeriod ? `${formatChange(m.previousPeriod, m.format)} vs previous` : '',
          m.previousWeek ? `${formatChange(m.previousWeek, m.format)} vs a week before` : '',
        ].filter((s) => s !== '');
        out.push(
          `${m.label}: ${formatValue(m.value, m.format)}${changes.length > 0 ? ` (${changes.join(', ')})` : ''}`,
        );
      }
      out.push('');
    } else if (block.kind === 'heading') out.push(block.text);
    else if (block.kind === 'paragraph') out.push(block.text, '');
    else if (block.kind === 'chart') out.push(`[chart] ${block.alt}`, '');
  }
  out.push('(--dry-run prints the Telegram messages, --out DIR writes every rendering, --json the document)');
  return `${out.join('\n')}\n`;
}

/**
 * Delivers the report through the scheduler's manual-run path, as of `at`: a run of the project file's
 * job for this report (or `report:NAME` when none runs it) recorded in the run history, each channel
 * through the delivery ledger.
 */
async function sendReport(deps: Parameters<typeof buildReport>[0], definition: ReportDefinition, at: number) {
  const declared = [...deps.project.jobs.values()].find(
    (j) => 'report' in j.run && j.run.report === definition.name,
  );
  const job: JobDefinition = declared ?? {
    name: `report:${definition.name}`,
    description: `sightline report ${definition.name} --send`,
    schedule: '0 9 * * *',
    timezone: definition.timezone,
    run: { report: definition.name },
    catchUp: 'none',
    retries: 0,
    retryBackoffMs: 60_000,
    timeoutMs: 10 * 60_000,
    enabled: false,
    origin: 'api',
  };
  const { scheduler } = await createAutomation(deps, {
    clock: new ManualClock(at),
    apiJobs: false,
    ...(declared ? {} : { extraJobs: [job] }),
  });
  return scheduler.runNow(job.name);
}
