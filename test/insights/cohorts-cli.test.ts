import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

/**
 * The CLI end to end on a small warehouse: cohorts saved, listed, used in an insight's --where and
 * deleted; the paths, sessions and cohorts insights from flags and from --spec.
 */
const { dir, cleanup } = tempDir('sl-cohorts-cli-');
afterAll(cleanup);
const db = path.join(dir, 'shop.duckdb');

const record = (user_id: string, event: string, timestamp: string, os: string) => ({
  user_id,
  event,
  timestamp,
  os,
});
const EVENTS = [
  record('u1', 'open', '2026-09-02T10:00:00Z', 'iOS'),
  record('u1', 'view', '2026-09-02T10:05:00Z', 'iOS'),
  record('u1', 'like', '2026-09-02T10:10:00Z', 'iOS'),
  record('u1', 'like', '2026-09-03T09:00:00Z', 'iOS'),
  record('u2', 'open', '2026-09-02T11:00:00Z', 'Android'),
  record('u2', 'view', '2026-09-02T11:30:00Z', 'Android'),
  record('u3', 'open', '2026-09-03T08:00:00Z', 'iOS'),
];

const cli = (...args: string[]) => runCli([...args, '--db', db], { cwd: dir });
const json = async (...args: string[]) => {
  const r = await cli(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

beforeAll(async () => {
  const file = path.join(dir, 'events.ndjson');
  writeFileSync(file, EVENTS.map((e) => JSON.stringify(e)).join('\n'));
  // The project file declares one cohort; the test saves others beside it.
  writeFileSync(
    path.join(dir, 'sightline.yaml'),
    'cohorts:\n  android_users:\n    description: Used Android\n    where: "os = \'Android\'"\n',
  );
  const r = await cli('ingest', file);
  expect(r.code, r.stderr).toBe(0);
});

describe('sightline cohort and the insights that use cohorts (CLI)', () => {
  it('saves a cohort, lists it, filters sessions by it and deletes it', async () => {
    const saved = await cli(
      'cohort',
      'save',
      'ios_fans',
      '--where',
      "os = 'iOS'",
      '--description',
      'On iPhones',
    );
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toBe('saved cohort ios_fans\n');

    const listed = await json('cohort', 'list');
    expect(listed.cohorts.map((c: { name: string; source: string }) => [c.name, c.source])).toEqual([
      ['android_users', 'project-file'],
      ['ios_fans', 'saved'],
    ]);
    expect(listed.cohorts[1]).toMatchObject({
      description: 'On iPhones',
      definition: { where: "os = 'iOS'" },
      inUse: true,
    });

    const sessions = await json(
      'insight',
      'sessions',
      '--from',
      '2026-09-02',
      '--to',
      '2026-09-03',
      '--where',
      "cohort = 'ios_fans'",
    );
    // u1: one session on each day; u3: one session.
    expect(sessions.summary).toMatchObject({ sessions: 3, users: 2 });
    expect(sessions.points.map((p: { t: string; sessions: number }) => [p.t, p.sessions])).toEqual([
      ['2026-09-02', 1],
      ['2026-09-03', 2],
    ]);
    expect(Object.keys(sessions).sort()).toEqual(
      ['durationHistogram', 'eventsHistogram', 'points', 'sql', 'summary', 'warnings'].sort(),
    );

    const deleted = await cli('cohort', 'delete', 'ios_fans');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await json('cohort', 'list')).cohorts).toHaveLength(1);
    const gone = await cli('insight', 'sessions', '--where', "cohort = 'ios_fans'", '--json');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/^error SL_UNKNOWN_COHORT: unknown cohort "ios_fans"/);
  });

  it('saves a behaviour cohort from flags and sizes every cohort', async () => {
    const saved = await cli(
      'cohort',
      'save',
      'likers',
      '--behavior-event',
      'like',
      '--at-least',
      '2',
      '--days',
      '7',
    );
    expect(saved.code, saved.stderr).toBe(0);
    const sizes = await json('insight', 'cohorts', '--from', '2026-09-01', '--to', '2026-09-03');
    expect(sizes.cohorts).toEqual([
      { name: 'android_users', source: 'project-file', description: 'Used Android', users: 1 },
      { name: 'likers', source: 'saved', description: null, users: 1 },
    ]);
    expect(sizes.sql).toMatch(/INTERSECT|HAVING count\(\*\) >= 2/);
    const table = await cli('cohort', 'list');
    expect(table.stdout).toMatch(/likers\s+saved\s+like at least 2× in 7 days/);
    await cli('cohort', 'delete', 'likers');
  });

  it('warns when a saved cohort has the name of one in sightline.yaml, which wins', async () => {
    const saved = await cli('cohort', 'save', 'android_users', '--where', "os = 'iOS'");
    expect(saved.stdout).toMatch(/warning SL_COHORT_SHADOWED/);
    const sessions = await json(
      'insight',
      'sessions',
      '--from',
      '2026-09-02',
      '--to',
      '2026-09-03',
      '--where',
      "cohort = 'android_users'",
    );
    expect(sessions.summary.users).toBe(1);
    expect(sessions.warnings.map((w: { code: string }) => w.code)).toContain('SL_COHORT_SHADOWED');
    await cli('cohort', 'delete', 'android_users');
  });

  it('refuses behaviour flags without --behavior-event and an invalid definition, with codes', async () => {
    const usage = await cli('cohort', 'save', 'x', '--days', '3');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error SL_USAGE: /);
    const invalid = await cli('cohort', 'save', 'x', '--behavior-event', 'like', '--days', 'many');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^error SL_COHORT_INVALID: cohort "x": behavior.days/);
    const empty = await cli('cohort', 'save', 'x');
    expect(empty.stderr).toMatch(/^error SL_COHORT_INVALID: /);
  });

  it('runs paths from flags and from --spec with the same answer', async () => {
    const fromFlags = await json(
      'insight',
      'paths',
      '--start-event',
      'open',
      '--steps',
      '3',
      '--from',
      '2026-09-02',
      '--to',
      '2026-09-03',
      '--collapse-repeats',
    );
    expect(fromFlags.transitions).toEqual([
      { step: 1, from: 'open', to: 'view', users: 2 },
      { step: 2, from: 'view', to: 'like', users: 1 },
    ]);
    expect(Object.keys(fromFlags).sort()).toEqual(['nodes', 'sql', 'topPaths', 'transitions', 'warnings']);
    const spec = path.join(dir, 'paths.json');
    writeFileSync(
      spec,
      JSON.stringify({
        startEvent: 'open',
        steps: 3,
        from: '2026-09-02',
        to: '2026-09-03',
        collapseRepeats: true,
      }),
    );
    const fromSpec = await json('insight', 'paths', '--spec', spec);
    expect(fromSpec).toEqual(fromFlags);
    const endFlags = await json(
      'insight',
      'paths',
      '--end-event',
      'like',
      '--session-gap',
      '1h',
      '--top',
      '1',
    );
    expect(endFlags.nodes[0]).toEqual({ step: 1, event: 'like', users: 1 });
  });

  it('runs sessions from --spec with a breakdown, and prints tables without --json', async () => {
    const spec = path.join(dir, 'sessions.json');
    writeFileSync(
      spec,
      JSON.stringify({ from: '2026-09-02', to: '2026-09-03', gap: '10m', breakdown: 'os', interval: 'week' }),
    );
    const r = await json('insight', 'sessions', '--spec', spec);
    // A 10-minute gap splits u2's open and view (30 minutes apart).
    expect(r.summary.sessions).toBe(5);
    expect(r.points).toEqual([
      {
        t: '2026-08-31',
        breakdown: 'iOS',
        sessions: 3,
        users: 2,
        meanDurationSeconds: 200,
        eventsPerSession: 5 / 3,
      },
      {
        t: '2026-08-31',
        breakdown: 'Android',
        sessions: 2,
        users: 1,
        meanDurationSeconds: 0,
        eventsPerSession: 1,
      },
    ]);
    const table = await cli('insight', 'sessions', '--spec', spec);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Summary\n/);
    expect(table.stdout).toMatch(/Events per session\n/);
  });
});
