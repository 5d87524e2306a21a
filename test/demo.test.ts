import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReadOnlySql } from '../src/cli/commands/sql.ts';
import type { GroundTruth } from '../src/demo/generate.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-demo-');
afterAll(cleanup);

describe('sightline demo', () => {
  it('writes raw logs, loads them through ingestion, and the warehouse agrees with the planted ground truth', async () => {
    const db = path.join(dir, 'demo.duckdb');
    const out = path.join(dir, 'logs');
    const args = [
      'demo',
      '--users',
      '800',
      '--days',
      '21',
      '--end',
      '2026-10-31',
      '--out',
      out,
      '--db',
      db,
      '--json',
    ];
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.mismatches).toEqual([]);
    const truth = JSON.parse(readFileSync(path.join(out, 'ground-truth.json'), 'utf8')) as GroundTruth;
    expect(result.ingest).toMatchObject({
      read: truth.totals.lines,
      accepted: truth.totals.validEvents,
      duplicates: truth.totals.duplicateLines,
      rejected: truth.totals.malformedLines,
    });

    const daily = await runReadOnlySql(
      db,
      `SELECT day::VARCHAR AS date, count(DISTINCT user_id) AS dau FROM user_daily GROUP BY day ORDER BY day`,
    );
    expect(daily).toEqual(truth.daily.map((d) => ({ date: d.date, dau: d.dau })));
    const [users] = await runReadOnlySql(db, 'SELECT count(*) AS n FROM users');
    expect(users).toEqual({ n: truth.totals.users });
    const exposures = await runReadOnlySql(
      db,
      'SELECT experiment, count(*) AS n FROM exposures GROUP BY 1 ORDER BY 1',
    );
    expect(exposures.map((e) => e.experiment)).toEqual(['aa_test', 'feed_ranking_v2']);

    const again = await runCli(args);
    // The files are written anew (same bytes, new modification times), so they are read again: nothing is added.
    expect(JSON.parse(again.stdout).ingest).toMatchObject({
      accepted: 0,
      duplicates: truth.totals.validEvents + truth.totals.duplicateLines,
    });
  }, 120_000);
});
