import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSightlineError } from '../errors/index.ts';
import { type DemoEvent, type DemoRead, readDemo } from './demo-reader.ts';
import { type DemoOptions, type DemoResult, defaultEndDate, generateDemo } from './generate.ts';

const root = mkdtempSync(join(tmpdir(), 'sightline-demo-'));
const base = { users: 1500, days: 21, seed: 7, endDate: '2026-03-31' };
let result: DemoResult;
let read: DemoRead;
const progress: { day: number; days: number; events: number }[] = [];

beforeAll(async () => {
  result = await generateDemo({ ...base, outDir: join(root, 'a'), onProgress: (p) => progress.push(p) });
  read = readDemo(join(root, 'a'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('ground-truth.json', readFileSync(join(dir, 'ground-truth.json')));
  for (const name of readdirSync(join(dir, 'events')))
    files.set(name, readFileSync(join(dir, 'events', name)));
  return files;
}

describe('generateDemo determinism', () => {
  it('writes byte-identical files for the same options, and different ones for another seed', async () => {
    await generateDemo({ ...base, outDir: join(root, 'b') });
    await generateDemo({ ...base, seed: 8, outDir: join(root, 'c') });
    const a = snapshot(join(root, 'a'));
    const b = snapshot(join(root, 'b'));
    const c = snapshot(join(root, 'c'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);
    expect(a.get('2026-03-31.ndjson')!.equals(c.get('2026-03-31.ndjson')!)).toBe(false);
  });
});

describe('generateDemo output', () => {
  it('writes one file per day of the period, ending on endDate, and reports progress for each', () => {
    expect(result.files).toHaveLength(21);
    expect(result.files[0]).toBe(join(root, 'a', 'events', '2026-03-11.ndjson'));
    expect(result.files[20]).toBe(join(root, 'a', 'events', '2026-03-31.ndjson'));
    expect(progress.map((p) => p.day)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(progress.at(-1)!.events).toBe(result.events);
    expect(result.users).toBe(1500);
    expect(result.groundTruthPath).toBe(join(root, 'a', 'ground-truth.json'));
  });

  it('ground truth counts lines, valid events, duplicates and each malformed kind exactly as the files hold them', () => {
    const gt = read.groundTruth;
    const sum = (f: (x: (typeof read.files)[number]) => number) => read.files.reduce((a, x) => a + f(x), 0);
    expect(gt.totals.lines).toBe(sum((f) => f.lines));
    expect(gt.totals.validEvents).toBe(sum((f) => f.validEvents));
    expect(gt.totals.duplicateLines).toBe(sum((f) => f.duplicateLines));
    expect(gt.totals.malformed.truncated_json.lines).toBe(sum((f) => f.malformed.truncated_json));
    expect(gt.totals.malformed.missing_user_id.lines).toBe(sum((f) => f.malformed.missing_user_id));
    expect(gt.totals.malformed.invalid_timestamp.lines).toBe(sum((f) => f.malformed.invalid_timestamp));
    expect(gt.totals.malformedLines).toBe(14);
    expect(gt.totals.lines).toBe(gt.totals.validEvents + gt.totals.duplicateLines + gt.totals.malformedLines);
    expect(gt.totals.duplicateLines).toBeGreaterThan(0);
    read.files.forEach((f, d) => {
      const truth = gt.files[d]!;
      expect({ path: f.path, lines: f.lines, valid: f.validEvents, dup: f.duplicateLines }).toEqual({
        path: truth.path,
        lines: truth.lines,
        valid: truth.validEvents,
        dup: truth.duplicateLines,
      });
      expect(f.malformedLines.length).toBe(truth.malformedLines);
      expect(f.duplicatesDiffering).toBe(0);
    });
    expect(result.events).toBe(gt.totals.validEvents);
    expect(result.lines).toBe(gt.totals.lines);
    expect(gt.totals.malformed.truncated_json.rejectReason).toBe('invalid_json');
  });

  it('ground truth daily DAU and event counts match the files', () => {
    const gt = read.groundTruth;
    gt.daily.forEach((day) => {
      const events = read.events.filter((e) => e.timestamp.startsWith(day.date));
      expect(new Set(events.map((e) => e.user_id)).size, day.date).toBe(day.dau);
      const byName: Record<string, number> = {};
      for (const e of events) byName[e.event] = (byName[e.event] ?? 0) + 1;
      for (const [name, count] of Object.entries(day.events))
        expect(byName[name] ?? 0, `${day.date} ${name}`).toBe(count);
    });
  });

  it('every valid line has the required fields with the right types and a timestamp inside its file day', () => {
    const required = [
      'event_id',
      'user_id',
      'event',
      'timestamp',
      'session_id',
      'os',
      'device',
      'app_version',
      'country',
      'city',
      'source',
      'gender',
      'age',
      'exp_group',
    ];
    const names = new Set(['sign_up', 'app_open', 'view', 'like', 'message', '$exposure']);
    const start = Date.parse('2026-03-11T00:00:00.000Z');
    const end = Date.parse('2026-04-01T00:00:00.000Z');
    // Collected first and asserted once: an expect per field of every event takes seconds.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, e: DemoEvent) => {
      if (!ok && problems.length < 20) problems.push(`${what}: ${JSON.stringify(e)}`);
    };
    for (const e of read.events) {
      for (const key of required) check(e[key] !== undefined && e[key] !== null, `missing ${key}`, e);
      check(names.has(e.event), 'event name', e);
      check(e.ms >= start && e.ms < end, 'outside the period', e);
      check(new Date(e.ms).toISOString() === e.timestamp, 'timestamp format', e);
      check(typeof e['age'] === 'number', 'age type', e);
      check(['1', '2', '3', '4'].includes(e['exp_group'] as string), 'exp_group', e);
      check(['Android', 'iOS'].includes(e['os'] as string), 'os', e);
      check((e['source'] === 'ads') === (typeof e['campaign'] === 'string'), 'campaign iff ads', e);
      if (e.event === 'view') {
        check(typeof e['post_id'] === 'string' && Number.isInteger(e['latency_ms']), 'view fields', e);
      }
      if (e.event === 'like') check(typeof e['post_id'] === 'string', 'like post_id', e);
      if (e.event === 'message') check(typeof e['receiver_id'] === 'string', 'message receiver_id', e);
    }
    expect(problems).toEqual([]);
    // Each file holds its own day only.
    for (const file of read.groundTruth.files) {
      const text = readFileSync(join(root, 'a', file.path), 'utf8');
      const dates = new Set(text.split('\n').map((l) => /"timestamp":"(\d{4}-\d\d-\d\d)T/.exec(l)?.[1]));
      dates.delete(undefined);
      expect([...dates]).toEqual([file.date]);
    }
  });

  it('event ids and session ids are unique per event and per session', () => {
    const ids = new Set(read.events.map((e) => e.event_id));
    expect(ids.size).toBe(read.events.length);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const owner = new Map<string, string>();
    for (const e of read.events) {
      const sid = e['session_id'] as string;
      expect(owner.get(sid) ?? e.user_id).toBe(e.user_id);
      owner.set(sid, e.user_id);
    }
  });

  it('each user has exactly one sign_up, and it is their first event', () => {
    const first = new Map<string, (typeof read.events)[number]>();
    const signUps = new Map<string, number>();
    for (const e of read.events) {
      const f = first.get(e.user_id);
      if (f === undefined || e.ms < f.ms) first.set(e.user_id, e);
      if (e.event === 'sign_up') signUps.set(e.user_id, (signUps.get(e.user_id) ?? 0) + 1);
    }
    expect(signUps.size).toBe(1500);
    expect([...signUps.values()].every((n) => n === 1)).toBe(true);
    for (const [, e] of first) expect(e.event).toBe('sign_up');
  });

  it('message receivers are other users who had signed up before the message', () => {
    const signedUp = new Map<string, number>();
    for (const e of read.events) if (e.event === 'sign_up') signedUp.set(e.user_id, e.ms);
    const messages = read.events.filter((e) => e.event === 'message');
    expect(messages.length).toBeGreaterThan(100);
    for (const m of messages) {
      const receiver = m['receiver_id'] as string;
      expect(receiver).not.toBe(m.user_id);
      expect(signedUp.get(receiver)).toBeLessThanOrEqual(m.ms);
    }
  });

  it('exposes each user once, to their exp_group arm, at their first view after the start', () => {
    const start = Date.parse(read.groundTruth.planted.experiments[0]!.start);
    // The logging drop loses views but not exposures (logged server-side): there the first written
    // view may come after the exposure.
    const drop = read.groundTruth.planted.anomalies.find((a) => a.id === 'logging_drop')!;
    const [dropStart, dropEnd] = [Date.parse(drop.start), Date.parse(drop.end)];
    const arms: Record<string, [string, string]> = {
      '1': ['aa_test', 'a1'],
      '2': ['aa_test', 'a2'],
      '3': ['feed_ranking_v2', 'control'],
      '4': ['feed_ranking_v2', 'treatment'],
    };
    const exposures = new Map<string, (typeof read.events)[number]>();
    const firstView = new Map<string, number>();
    for (const e of read.events) {
      if (e.event === '$exposure') {
        expect(exposures.has(e.user_id)).toBe(false);
        exposures.set(e.user_id, e);
        expect([e['experiment'], e['variant']]).toEqual(arms[e['exp_group'] as string]);
        expect(e.ms).toBeGreaterThanOrEqual(start);
      }
      if (e.event === 'view' && e.ms >= start && !firstView.has(e.user_id)) firstView.set(e.user_id, e.ms);
    }
    expect(exposures.size).toBeGreaterThan(500);
    const mismatched = [...firstView].filter(([user, ms]) => {
      const exposure = exposures.get(user)?.ms;
      if (exposure !== undefined && exposure >= dropStart && exposure < dropEnd) return exposure > ms;
      return exposure !== ms;
    });
    expect(mismatched).toEqual([]);
    expect(firstView.size).toBe(exposures.size);
  });

  it('duplicate lines repeat a valid line of the same file; truncated lines are prefixes of the next line', () => {
    for (const f of read.files) {
      for (const m of f.malformedLines) {
        if (m.kind !== 'truncated_json') continue;
        expect(m.next).toBeDefined();
        expect(m.next!.startsWith(m.text)).toBe(true);
        expect(m.text.length).toBeLessThan(m.next!.length);
      }
    }
    const missing = read.files.flatMap((f) => f.malformedLines.filter((m) => m.kind === 'missing_user_id'));
    for (const m of missing) expect(JSON.parse(m.text)).not.toHaveProperty('user_id');
  });
});

describe('generateDemo options', () => {
  const valid: DemoOptions = {
    users: 100,
    days: 14,
    seed: 1,
    endDate: '2026-01-31',
    outDir: join(root, 'x'),
  };

  it.each([
    [{ users: 99 }, 'users'],
    [{ users: 100.5 }, 'users'],
    [{ days: 13 }, 'days'],
    [{ seed: 1.5 }, 'seed'],
    [{ endDate: '2026-02-30' }, 'endDate'],
    [{ endDate: '31.01.2026' }, 'endDate'],
    [{ endDate: '2000-01-05' }, '2000-01-01'],
    [{ outDir: '' }, 'outDir'],
  ])('rejects %o with SL_DEMO_INVALID naming %s', async (patch, word) => {
    const error = await generateDemo({ ...valid, ...patch }).catch((e: unknown) => e);
    expect(isSightlineError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('SL_DEMO_INVALID');
    expect((error as Error).message).toContain(word);
  });

  it('lists every problem at once', async () => {
    const error = await generateDemo({ ...valid, users: 1, days: 2 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/users.*days/);
  });

  it('accepts the smallest valid run: 100 users over 14 days', async () => {
    const small = await generateDemo(valid);
    expect(small.files).toHaveLength(14);
    expect(small.groundTruth.totals.users).toBe(100);
    expect(small.groundTruth.totals.malformedLines).toBe(14);
  });
});

describe('defaultEndDate', () => {
  it('is the UTC date of yesterday', () => {
    expect(defaultEndDate(new Date('2026-11-22T00:43:17Z'))).toBe('2026-11-21');
    expect(defaultEndDate(new Date('2026-03-01T23:59:59.999Z'))).toBe('2026-02-28');
    expect(defaultEndDate(new Date('2024-01-01T00:00:00Z'))).toBe('2023-12-31');
  });
});
