// npm run bench:ingest [-- --events N | --file PATH]
//
// A demo-generated NDJSON file of N events (default 2,000,000) is ingested by Sightline's CLI (validation,
// dedup, users, exposures and the daily rollup all on) and, in the same run, inserted into the same schema
// by DuckDB's own read_ndjson. Prints both rates, their ratio and Sightline's peak RSS, the CLI run with the
// node flags of its shebang as `npx sightline` runs it. Targets: at least 0.6 of the reference rate, peak
// RSS under 500 MB. It prints; it never fails on time.
//
// A second row, "DuckDB SQL, set work only" (bench/reference-sql-job.ts), has DuckDB do in SQL alone what
// an ingest does in sets (checks without reasons, dedup within the file and against stored events, events,
// users, the rollup), with no dead letters and its default memory: the engine's best for the job, which
// shows how much of the gap to read_ndjson the job itself accounts for.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { formatBytes, formatCount, formatTable } from '../src/cli/format.ts';
import { generateDemo } from '../src/demo/generate.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench/.out');
const argEvents = process.argv.indexOf('--events');
const target = argEvents > 0 ? Number(process.argv[argEvents + 1]) : 2_000_000;

async function benchFile(events: number): Promise<string> {
  const file = path.join(OUT, `demo-${events}.ndjson`);
  if (existsSync(file)) return file;
  mkdirSync(OUT, { recursive: true });
  // About 30 events per user over 60 days at the demo's engagement; generate generously, keep the first N lines.
  const users = Math.max(1000, Math.ceil(events / 25));
  process.stderr.write(`generating ${formatCount(events)} demo events (${formatCount(users)} users)...\n`);
  const demoDir = path.join(OUT, 'demo-source');
  rmSync(demoDir, { recursive: true, force: true });
  const demo = await generateDemo({ users, days: 60, seed: 7, endDate: '2026-10-31', outDir: demoDir });
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let written = 0;
  for (const f of demo.files) {
    for await (const line of createInterface({
      input: createReadStream(f),
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      if (written >= events) break;
      if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      written++;
    }
    if (written >= events) break;
  }
  await new Promise<void>((r) => out.end(() => r()));
  rmSync(demoDir, { recursive: true, force: true });
  if (written < events) throw new Error(`the demo produced only ${written} lines`);
  renameSync(partial, file);
  return file;
}

function freshDb(name: string): string {
  const db = path.join(OUT, name);
  for (const f of [db, `${db}.wal`, db.replace(/\.duckdb$/, '.dead-letter.ndjson')])
    rmSync(f, { force: true });
  return db;
}

const argFile = process.argv.indexOf('--file');
const file = argFile > 0 ? path.resolve(process.argv[argFile + 1]!) : await benchFile(target);
const size = statSync(file).size;

/** Runs one of the references (a script printing {"ms","rows","maxRss"}) on a fresh database. */
function reference(script: string, dbName: string): { ms: number; rows: number; maxRss: number } {
  return JSON.parse(
    execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench', script), file, freshDb(dbName)],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    ),
  ) as { ms: number; rows: number; maxRss: number };
}

const ref = reference('reference-read-ndjson.ts', 'reference.duckdb');
const sqlJob = reference('reference-sql-job.ts', 'reference-sql-job.duckdb');

const slDb = freshDb('sightline.duckdb');
const rssFile = path.join(OUT, 'sightline.rss');
const started = performance.now();
const run = spawnSync(
  process.execPath,
  [
    ...shebangFlags(path.join(ROOT, 'bin/sightline.mjs')),
    path.join(ROOT, 'bench/with-peak-rss.mjs'),
    'ingest',
    file,
    '--db',
    slDb,
    '--json',
  ],
  {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SIGHTLINE_BENCH_RSS_FILE: rssFile },
  },
);
const wallMs = performance.now() - started;
if (run.status !== 0) throw new Error(`sightline ingest failed: ${run.stderr}`);
const summary = JSON.parse(run.stdout) as {
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  durationMs: number;
};
const peakRss = Number(readFileSync(rssFile, 'utf8'));

const refRate = ref.rows / (ref.ms / 1000);
const slRate = summary.read / (summary.durationMs / 1000);
const rows = [
  {
    engine: 'DuckDB read_ndjson (reference)',
    records: ref.rows,
    seconds: (ref.ms / 1000).toFixed(2),
    'records/s': Math.round(refRate),
    ratio: '1.00',
    'peak RSS': formatBytes(ref.maxRss),
  },
  {
    engine: 'DuckDB SQL, set work only',
    records: sqlJob.rows,
    seconds: (sqlJob.ms / 1000).toFixed(2),
    'records/s': Math.round(sqlJob.rows / (sqlJob.ms / 1000)),
    ratio: (sqlJob.rows / (sqlJob.ms / 1000) / refRate).toFixed(2),
    'peak RSS': formatBytes(sqlJob.maxRss),
  },
  {
    engine: 'sightline ingest',
    records: summary.read,
    seconds: (summary.durationMs / 1000).toFixed(2),
    'records/s': Math.round(slRate),
    ratio: (slRate / refRate).toFixed(2),
    'peak RSS': formatBytes(peakRss),
  },
];
process.stdout.write(
  `\ningest: ${formatCount(target)} demo events, ${formatBytes(size)} of NDJSON, ${ROOT}\n\n`,
);
process.stdout.write(`${formatTable(rows)}\n\n`);
process.stdout.write(
  `sightline: accepted ${formatCount(summary.accepted)}, rejected ${formatCount(summary.rejected)}, duplicates ${formatCount(summary.duplicates)}; ` +
    `process wall time ${(wallMs / 1000).toFixed(2)} s including start-up\n`,
);
process.stdout.write(
  `targets: ratio >= 0.60 (${slRate / refRate >= 0.6 ? 'met' : 'NOT met'}), peak RSS < 500 MB (${peakRss < 500 * 1024 * 1024 ? 'met' : 'NOT met'})\n`,
);

/** The node flags of a script's `#!/usr/bin/env -S node …` line: what `npx sightline` runs with. */
function shebangFlags(script: string): string[] {
  const first = readFileSync(script, 'utf8').split('\n', 1)[0] ?? '';
  const words = first.replace(/^#!\S*env -S\s+/, '').split(/\s+/);
  if (words[0] !== 'node') throw new Error(`${script}: expected a "#!/usr/bin/env -S node" line`);
  return words.slice(1).filter((w) => w.startsWith('--'));
}
