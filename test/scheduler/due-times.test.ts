import { describe, expect, it } from 'vitest';
import { dueTimes, nextDueAt, planDue } from '../../src/automation/scheduler/due-times.ts';
import { job } from './helpers.ts';

const T = (iso: string) => new Date(iso).getTime();
const isos = (times: readonly number[]) => times.map((t) => new Date(t).toISOString());

describe('cron in a time zone (croner)', () => {
  it('09:00 Moscow is 06:00 UTC', () => {
    const moscow = { schedule: '0 9 * * *', timezone: 'Europe/Moscow' };
    expect(isos(dueTimes(moscow, T('2026-10-30T12:00:00Z'), T('2026-11-01T12:00:00Z'), 10).times)).toEqual([
      '2026-10-31T06:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
    ]);
  });

  it('a time skipped by the spring DST change runs once, at the first minute after the gap', () => {
    // Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that day.
    const berlin = { schedule: '30 2 * * *', timezone: 'Europe/Berlin' };
    expect(isos(dueTimes(berlin, T('2026-03-27T12:00:00Z'), T('2026-03-30T12:00:00Z'), 10).times)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('a time repeated by the autumn DST change runs once', () => {
    // New York, 1 November 2026: 01:30 happens in EDT and again in EST; one run, the first.
    const newYork = { schedule: '30 1 * * *', timezone: 'America/New_York' };
    expect(isos(dueTimes(newYork, T('2026-10-31T00:00:00Z'), T('2026-11-02T12:00:00Z'), 10).times)).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('the next due time is strictly after now', () => {
    const hourly = { schedule: '0 * * * *', timezone: 'UTC' };
    expect(nextDueAt(hourly, T('2026-03-01T10:00:00Z'))).toBe(T('2026-03-01T11:00:00Z'));
    expect(nextDueAt(hourly, T('2026-03-01T10:00:00.001Z'))).toBe(T('2026-03-01T11:00:00Z'));
  });
});

describe('planDue', () => {
  const since = T('2026-03-01T10:00:00Z');
  it('none runs a time only within a minute of it', () => {
    const none = job('j', { catchUp: 'none' });
    expect(planDue(none, since, T('2026-03-01T11:00:59Z'), false)).toEqual({
      run: [T('2026-03-01T11:00:00Z')],
      skip: [],
      consideredThrough: T('2026-03-01T11:00:00Z'),
      dropped: 0,
    });
    expect(planDue(none, since, T('2026-03-01T11:01:01Z'), false)).toEqual({
      run: [],
      skip: [],
      consideredThrough: T('2026-03-01T11:00:00Z'),
      dropped: 1,
    });
  });

  it('a busy job: latest and all wait without moving the cursor, none skips', () => {
    const now = T('2026-03-01T12:00:00Z');
    expect(planDue(job('j', { catchUp: 'latest' }), since, now, true)).toEqual({
      run: [],
      skip: [],
      consideredThrough: null,
      dropped: 0,
    });
    expect(planDue(job('j', { catchUp: 'all' }), since, now, true).consideredThrough).toBeNull();
    expect(planDue(job('j', { catchUp: 'none' }), since, now, true)).toEqual({
      run: [],
      skip: [now],
      consideredThrough: now,
      dropped: 1,
    });
  });
});
