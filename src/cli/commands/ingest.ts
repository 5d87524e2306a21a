import type { Command } from 'commander';
import { ingest } from '../../data/ingest/ingest.ts';
import type { IngestSummary } from '../../data/ingest/ingest-summary.ts';
import { INPUT_FORMATS, type InputFormat } from '../../data/ingest/readers/types.ts';
import { SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { commandContext, defaultDeadLetterPath, type GlobalOptions, openForCommand } from '../context.ts';
import { formatCount, formatDuration } from '../format.ts';
import { ProgressBar } from '../progress-bar.ts';

interface IngestFlags extends GlobalOptions {
  format?: string;
  project?: string;
  deadLetter?: string;
  json?: boolean;
  force?: boolean;
  batchRows?: string;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(
      'load events from NDJSON, JSON, CSV or Parquet files (gzip by .gz), directories, globs or - for stdin',
    )
    .argument('<paths...>', 'files, directories, quoted globs, or - for standard input')
    .option('--format <format>', `input format: ${INPUT_FORMATS.join('|')} (default: from the extension)`)
    .option('--project <id>', 'project the events belong to (default: the project file, else "default")')
    .option('--dead-letter <file>', 'where rejected records go (default: beside the database)')
    .option('--force', 're-read files an earlier run committed completely (duplicates are still not stored)')
    .option('--batch-rows <n>', 'rows per committed batch (default 200000)')
    .option('--json', 'print exactly one JSON object with the accounting on stdout')
    .action(
      action(async (paths: string[], flags: IngestFlags, command: Command) => {
        const global = command.optsWithGlobals<IngestFlags>();
        if (flags.format && !INPUT_FORMATS.includes(flags.format as InputFormat)) {
          throw new SightlineError('SL_INGEST_UNKNOWN_FORMAT', `unknown format "${flags.format}"`, {
            hint: `use one of ${INPUT_FORMATS.join(', ')}`,
          });
        }
        const context = commandContext(global);
        const { warehouse, events } = await openForCommand(context, 'load');
        const bar = new ProgressBar();
        try {
          const summary = await ingest({
            inputs: paths,
            ...(flags.format ? { format: flags.format as InputFormat } : {}),
            projectId: flags.project ?? context.project.project,
            deadLetterPath:
              flags.deadLetter ?? context.project.deadLetter ?? defaultDeadLetterPath(context.databasePath),
            store: events,
            limits: context.project.limits,
            ...(context.project.mapping ? { mapping: context.project.mapping } : {}),
            force: Boolean(flags.force),
            ...(flags.batchRows ? { batchRows: positiveInteger('batch-rows', flags.batchRows) } : {}),
            onProgress: (p) =>
              bar.update({
                label: `${p.fileIndex + 1}/${p.files} ${p.file}`,
                done: p.bytesDone,
                total: p.bytesTotal,
                records: p.read,
              }),
          });
          bar.finish();
          process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : describeSummary(summary));
        } finally {
          bar.finish();
          await warehouse.close();
        }
      }),
    );
}

function positiveInteger(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new SightlineError('SL_USAGE', `--${name} must be a positive integer, got "${value}"`);
  return n;
}

export function describeSummary(s: IngestSummary): string {
  const rate = s.durationMs > 0 ? Math.round((s.read / s.durationMs) * 1000) : 0;
  const reasons = Object.entries(s.rejectedByReason)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([reason, n]) => `${reason} ${formatCount(n ?? 0)}`)
    .join(', ');
  const width = formatCount(s.read).length;
  const row = (label: string, n: number, note = ''): string =>
    `  ${label.padEnd(11)}${formatCount(n).padStart(width)}${note ? `   ${note}` : ''}\n`;
  let out = `Ingested ${s.files - s.skippedFiles} of ${s.files} file(s) in ${formatDuration(s.durationMs)} (${formatCount(rate)} records/s)\n`;
  out += row('read', s.read);
  out += row('accepted', s.accepted);
  out += row('rejected', s.rejected, reasons);
  out += row('duplicates', s.duplicates);
  if (s.skippedFiles > 0)
    out += `  ${s.skippedFiles} file(s) skipped: already ingested completely (--force reads them again)\n`;
  for (const f of s.perFile.filter((f) => f.status === 'resumed')) {
    out += `  resumed ${f.file} after ${formatCount(f.resumedAfter)} records committed by an interrupted run\n`;
  }
  if (s.rejected > 0) out += `  dead letter ${s.deadLetter}\n`;
  for (const w of s.warnings) out += `  warning ${w.code}: ${w.file}: ${w.message}\n`;
  return out;
}
