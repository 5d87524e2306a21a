// npm run bench:reports [-- --db PATH] [--runs N] [--jobs N]
//
// (a) The demo's `daily` report (and `weekly`, which adds the retention heatmap, the funnel, an
// experiment, a forecast and anomalies) built on the 500k-user, 90-day demo and rendered for every
// medium with all its charts, beside the trends insights the daily report runs, called directly (the
// report layer's own cost is the difference). (b) The scheduler's overhead with 1,000 no-op jobs due in
// the same minute, claimed and recorded through the real run store on a fresh DuckDB file, beside a
// bare insert of as many rows into a table like meta.job_runs, one statement each and in one batch.
// Warm: each case runs once, then --runs times (default 3); medians. It prints; it never fails on time.
// The demo database is the insights bench's (bench/.out/demo-500k.duckdb), built there when missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays } from '../src/analytics/insights/date-range.ts';
import { InsightContext } from '../src/analytics/insights/insight-context.ts';
import { runInsight } from '../src/analytics/insights/registry.ts';
import { buildReport } from '../src/automation/reports/build-report.ts';
import type { ReportDocument } from '../src/automation/reports/document.ts';
import { renderEmail } from '../src/automation/reports/render/email.ts';
import { renderHtmlPage } from '../src/automation/reports/render/html-page.ts';
import { renderChartImages } from '../src/automation/reports/render/images.ts';
import { renderPdf } from '../src/automation/reports/render/pdf.ts';
import { renderSlack } from '../src/automation/reports/render/slack.ts';
import { renderTelegram } from '../src/automation/reports/render/telegram.ts';
import { measureSchedulerOverhead } from '../src/automation/scheduler/overhead.ts';
import { loadProjectFile } from '../src/config/project-file.ts';
import { DuckDBWarehouse } from '../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { MIGRATIONS } from '../src/data/warehouse/migrations/index.ts';
import { migrate } from '../src/data/warehouse/migrations/migration.ts';
import { median, printTable, warmMedianMs } from './table.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 3);
const JOBS = Number(arg('--jobs') ?? 1000);
const db = arg('--db') ?? path.join(ROOT, 'bench/.out/demo-500k.duckdb');

if (!existsSync(db)) {
  process.stderr.write(`no demo at ${db}: building it through the insights bench's first run\n`);
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/insights.bench.ts'), '--only', 'none', '--runs', '0'],
    {
      stdio: 'inherit',
    },
  );
}

const time = (run: () => Promise<unknown>) => warmMedianMs(run, RUNS);

const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;

// (a) Reports.
const project = loadProjectFile(path.join(ROOT, 'sightline.yaml'));
const warehouse = await DuckDBWarehouse.open(db, { readOnly: true });
const [{ last } = { last: '' }] = await warehouse.query<{ last: string }>(
  'SELECT CAST(CAST(max(ts) AS DATE) AS VARCHAR) AS last FROM events',
);
// The morning after the demo's last day: the daily report covers that day.
const at = Date.parse(`${addDays(last, 1)}T06:00:00Z`);
const deps = { warehouse, project, variables: {} };
process.stdout.write(`reports on ${db} (last day ${last}), ${RUNS} warm runs each\n`);

const rows: Record<string, string | number>[] = [];
for (const name of ['daily', 'weekly']) {
  let document: ReportDocument;
  try {
    document = await buildReport(deps, name, { at });
  } catch (error) {
    rows.push({
      case: `${name}: build`,
      ours: `failed: ${(error as Error).message.slice(0, 80)}`,
      reference: '',
      ratio: '',
    });
    continue;
  }
  const charts = document.blocks.filter((b) => b.kind === 'chart').length;
  const build = await time(() => buildReport(deps, name, { at }));
  const images = await renderChartImages(document);
  const draw = await time(() => renderChartImages(document));
  const text = await time(async () => {
    renderTelegram(document, images);
    renderSlack(document, new Map());
    renderEmail(document, images);
    renderHtmlPage(document, images);
  });
  rows.push({
    case: `${name}: build (${document.blocks.length} blocks)`,
    ours: ms(build),
    reference: '',
    ratio: '',
  });
  rows.push({
    case: `${name}: ${charts} charts to SVG + PNG (scale 2)`,
    ours: ms(draw),
    reference: '',
    ratio: '',
  });
  rows.push({ case: `${name}: Telegram, Slack, e-mail, page`, ours: ms(text), reference: '', ratio: '' });
  if (name === 'daily') {
    // The insights the daily report runs, called directly: the metrics' trends over the history its
    // changes are judged against (35 days: metric-block.ts), and each chart's 7-day trends.
    const ctx = new InsightContext(warehouse, project.layer, project.project);
    const series = (metrics: string[]) => metrics.map((metric) => ({ metric }));
    const direct = await time(async () => {
      await runInsight(ctx, 'trends', {
        series: series(['dau', 'views', 'likes', 'ctr', 'messages_sent']),
        interval: 'day',
        from: addDays(last, -35),
        to: last,
      });
      for (const metrics of [['dau'], ['views', 'likes'], ['ctr'], ['messages_sent']]) {
        await runInsight(ctx, 'trends', {
          series: series(metrics),
          interval: 'day',
          from: addDays(last, -6),
          to: last,
        });
      }
    });
    const total = build + draw + text;
    rows.push({
      case: 'daily: build + draw + render',
      ours: ms(total),
      reference: ms(direct),
      ratio: `${(total / direct).toFixed(2)}x`,
    });
  }
  const pdfStart = performance.now();
  const pdf = await renderPdf(renderHtmlPage(document, images));
  rows.push({
    case: `${name}: PDF (chromium launch included, once)`,
    ours: pdf ? ms(performance.now() - pdfStart) : 'no chromium',
    reference: '',
    ratio: '',
  });
}
await warehouse.close();

// (b) The scheduler.
const dir = mkdtempSync(path.join(tmpdir(), 'sightline-bench-scheduler-'));
try {
  const fresh = await DuckDBWarehouse.open(path.join(dir, 'scheduler.duckdb'));
  await migrate(fresh, MIGRATIONS);
  const overheads = [];
  await measureSchedulerOverhead(fresh, { jobs: JOBS, project: 'warm' });
  for (let i = 0; i < RUNS; i++)
    overheads.push(await measureSchedulerOverhead(fresh, { jobs: JOBS, project: `run-${i}` }));
  const total = median(overheads.map((o) => o.totalMs));
  const claim = median(overheads.map((o) => o.claimMs));
  const succeeded = overheads.map((o) => o.succeeded).join('/');
  await fresh.execute(
    'CREATE TABLE bare_runs (project_id VARCHAR, job VARCHAR, scheduled_at TIMESTAMP, status VARCHAR, PRIMARY KEY (project_id, job, scheduled_at))',
  );
  let round = 0;
  const single = await time(async () => {
    round++;
    for (let i = 0; i < JOBS; i++) {
      await fresh.execute('INSERT INTO bare_runs VALUES (?, ?, ?, ?)', [
        `single-${round}`,
        `job_${i}`,
        '2026-03-01 09:00:00',
        'succeeded',
      ]);
    }
  });
  const batch = await time(async () => {
    round++;
    const values = Array.from(
      { length: JOBS },
      (_, i) => `('batch-${round}', 'job_${i}', TIMESTAMP '2026-03-01 09:00:00', 'succeeded')`,
    );
    await fresh.execute(`INSERT INTO bare_runs VALUES ${values.join(', ')}`);
  });
  rows.push({
    case: `scheduler: ${JOBS} jobs due at once, claim tick`,
    ours: ms(claim),
    reference: '',
    ratio: '',
  });
  rows.push({
    case: `scheduler: ${JOBS} runs claimed, run, recorded (${succeeded} succeeded)`,
    ours: `${ms(total)} (${ms(total / JOBS)}/run)`,
    reference: `${ms(single)} one INSERT each`,
    ratio: `${(total / single).toFixed(2)}x`,
  });
  rows.push({
    case: `scheduler: bare insert of ${JOBS} rows in one statement`,
    ours: '',
    reference: ms(batch),
    ratio: `${(total / batch).toFixed(0)}x`,
  });
  await fresh.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
printTable(rows);
