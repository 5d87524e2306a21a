// npm run bench:server [-- --users N] [--rate EVENTS_PER_S] [--seconds S]
//
// The real server on 127.0.0.1 over a copy of the demo warehouse (default the 500k-user, 90-day demo,
// built on first use into bench/.out and shared with bench:insights), driven by a load generator in a
// child process so that it does not share the server's event loop. Prints:
// - capture: open loop at --rate events/s (default 20,000) in batches of 100 for --seconds (default 20):
//   achieved rate, latency percentiles measured from each request's scheduled send time (so a server
//   that falls behind is charged for the queue it builds), and errors; then a closed loop (32 requests
//   in flight) for the most the server takes. Beside them the reference: the same events through
//   `sightline ingest` from a file into another copy of the same warehouse, the engine's own best.
// - dashboard tiles over /api/v1/insights/{type} (DAU trend, retention, funnel): cold (the result cache
//   invalidated by one captured event before each request) and cached, p50 and p95.
// Targets (issue 7): capture 20,000 events/s sustained with p99 < 200 ms and no errors; tiles p95
// < 100 ms cached. It prints; it never fails on time.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatCount } from '../src/cli/format.ts';
import { loadProjectFile } from '../src/config/project-file.ts';
import { createKey } from '../src/server/keys.ts';
import { startServer } from '../src/server/server.ts';
import { type LoadPlan, type LoadResult, runLoad } from './server-load.ts';
import { printTable } from './table.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench/.out');
const END = '2026-10-31';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv.includes('--child')) {
  // The load generator: reads its plan from stdin, prints its result as one JSON line.
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const result = await runLoad(JSON.parse(input) as LoadPlan);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

const users = Number(arg('--users') ?? 500_000);
const rate = Number(arg('--rate') ?? 20_000);
const seconds = Number(arg('--seconds') ?? 20);
const CLI = path.join(ROOT, 'bin/sightline.mjs');

/** The demo warehouse for `users`, built once with the CLI (the 500k one is bench:insights' too). */
function demoDatabase(): string {
  const name = users === 500_000 ? 'demo-500k' : `demo-${users}`;
  const db = path.join(OUT, `${name}.duckdb`);
  if (!existsSync(db)) {
    mkdirSync(OUT, { recursive: true });
    process.stderr.write(`building the ${formatCount(users)}-user, 90-day demo in ${db}...\n`);
    execFileSync(
      process.execPath,
      [
        CLI,
        'demo',
        '--users',
        String(users),
        '--days',
        '90',
        '--end',
        END,
        '--out',
        path.join(OUT, name),
      ].concat(['--db', db, '--fresh']),
      { stdio: 'inherit' },
    );
  }
  return db;
}

/** A scratch copy of the demo, so that captured events never change the cached demo. */
function copyOf(db: string, name: string): string {
  const copy = path.join(OUT, name);
  for (const suffix of ['', '.wal']) rmSync(copy + suffix, { force: true });
  rmSync(copy.replace(/\.duckdb$/, '.dead-letter.ndjson'), { force: true });
  copyFileSync(db, copy);
  if (existsSync(`${db}.wal`)) copyFileSync(`${db}.wal`, `${copy}.wal`);
  return copy;
}

function child(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--child'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as LoadResult);
      else reject(new Error(`the load generator exited with ${code}`));
    });
    proc.stdin.end(JSON.stringify(plan));
  });
}

const demo = demoDatabase();
const project = loadProjectFile(path.join(ROOT, 'sightline.yaml'));
const served = copyOf(demo, 'server-bench.duckdb');
const server = await startServer({
  databasePath: served,
  project,
  port: 0,
  staticDir: null,
  // The load is one key's; the per-key limit (600/min by default) would cap it at 1,000 events/s.
  rateLimitPerMinute: 100_000_000,
});
const eventsFile = path.join(OUT, 'server-bench-events.ndjson');
let result: LoadResult;
let range: { first: string; last: string; events: number };
try {
  const warehouse = server.context.warehouse;
  [range] = (await warehouse.query(
    `SELECT CAST(min(ts) AS DATE)::VARCHAR AS first, CAST(max(ts) AS DATE)::VARCHAR AS last, count(*) AS events
     FROM events WHERE project_id = ?`,
    [project.project],
  )) as [{ first: string; last: string; events: number }];
  const userIds = (
    await warehouse.query<{ user_id: string }>(
      'SELECT user_id FROM users WHERE project_id = ? USING SAMPLE 20000 ROWS',
      [project.project],
    )
  ).map((r) => r.user_id);
  const { key } = await createKey(warehouse, { projectId: project.project, role: 'editor' });
  process.stdout.write(
    `server bench: ${formatCount(users)}-user demo (${formatCount(Number(range.events))} events, ${range.first} to ${range.last}), ` +
      `${os.cpus().length} cores, load generator in a child process\n`,
  );
  result = await child({
    url: server.url,
    key,
    userIds,
    day: range.last,
    rate,
    seconds,
    closedLoop: { inFlight: 32, seconds: 10 },
    eventsFile,
    tiles: tiles(range.first, range.last),
  });
} finally {
  await server.close();
}

// The reference: the open loop's events through `sightline ingest` into a fresh copy of the same demo.
const reference = copyOf(demo, 'server-bench-reference.duckdb');
const summary = JSON.parse(
  execFileSync(process.execPath, [CLI, 'ingest', eventsFile, '--db', reference, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }),
) as { read: number; accepted: number; durationMs: number };
const referenceRate = summary.read / (summary.durationMs / 1000);

const ms = (n: number) => `${n.toFixed(1)} ms`;
const open = result.openLoop;
const closed = result.closedLoop;
printTable([
  {
    measure: `capture, open loop at ${formatCount(rate)} events/s, batches of 100, ${seconds} s`,
    'events/s': formatCount(Math.round(open.eventsPerSecond)),
    p50: ms(open.p50),
    p99: ms(open.p99),
    max: ms(open.max),
    errors: open.errors,
    target: '20,000/s, p99 < 200 ms, 0 errors',
  },
  {
    measure: `capture, closed loop, ${closed.inFlight} requests in flight, batches of 100`,
    'events/s': formatCount(Math.round(closed.eventsPerSecond)),
    p50: ms(closed.p50),
    p99: ms(closed.p99),
    max: ms(closed.max),
    errors: closed.errors,
    target: 'what 32 senders get',
  },
  {
    measure: `reference: sightline ingest of the same ${formatCount(summary.read)} events from a file`,
    'events/s': formatCount(Math.round(referenceRate)),
    p50: '',
    p99: '',
    max: '',
    errors: 0,
    target: `capture open loop / reference = ${(open.eventsPerSecond / referenceRate).toFixed(2)}`,
  },
]);
process.stdout.write('\n');
printTable(
  result.tiles.map((t) => ({
    'dashboard tile': t.name,
    'cold p50': ms(t.cold.p50),
    'cold p95': ms(t.cold.p95),
    'cached p50': ms(t.cached.p50),
    'cached p95': ms(t.cached.p95),
    'cache header cold/cached': `${t.cold.header}/${t.cached.header}`,
    target: 'cached p95 < 100 ms',
  })),
);
writeFileSync(
  path.join(OUT, 'server-bench.json'),
  `${JSON.stringify({ users, rate, seconds, result, referenceRate }, null, 2)}\n`,
);
for (const f of [served, reference]) {
  for (const suffix of ['', '.wal']) rmSync(f + suffix, { force: true });
  rmSync(f.replace(/\.duckdb$/, '.dead-letter.ndjson'), { force: true });
}

/** The product dashboard's main tiles, as the web app asks for them: the last 28 days of the demo. */
function tiles(first: string, last: string): LoadPlan['tiles'] {
  const from28 = new Date(Date.parse(`${last}T00:00:00Z`) - 27 * 86_400_000).toISOString().slice(0, 10);
  return [
    {
      name: 'DAU trend, 90 days',
      type: 'trends',
      spec: { event: '$any', math: 'dau', interval: 'day', from: first, to: last },
    },
    {
      name: 'retention sign_up -> any, 28 cohorts x 14 days',
      type: 'retention',
      spec: {
        startEvent: 'sign_up',
        returnEvent: '$any',
        period: 'day',
        periods: 14,
        from: from28,
        to: last,
      },
    },
    {
      name: 'funnel sign_up > view > like > message, 28 days',
      type: 'funnel',
      spec: { steps: 'sign_up,view,like,message', window: '1d', from: from28, to: last },
    },
  ];
}
