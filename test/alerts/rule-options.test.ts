import { describe, expect, it } from 'vitest';
import { alertRuleDefinitionSchema, quietHoursSchema } from '../../src/analytics/anomalies/alert-rules.ts';
import { isQuiet } from '../../src/automation/alerts/quiet-hours.ts';
import { silences } from '../../src/automation/alerts/silences.ts';

describe('repeat and quietHours on alert rules', () => {
  it('reads repeat as a duration and quiet hours as minutes after local midnight', () => {
    const rule = alertRuleDefinitionSchema.parse({
      metric: 'dau',
      repeat: '3h',
      quietHours: { from: '22:00', to: '08:30', timezone: 'Europe/Berlin' },
    });
    expect(rule.repeat).toBe(3 * 3_600_000);
    expect(rule.quietHours).toEqual({ from: 22 * 60, to: 8 * 60 + 30, timezone: 'Europe/Berlin' });
    expect(alertRuleDefinitionSchema.parse({ metric: 'dau' }).repeat).toBeUndefined();
  });

  it('refuses a time that is not HH:MM, an empty window and an unknown time zone', () => {
    const issues = (value: unknown) =>
      quietHoursSchema.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ from: '24:00', to: '08:00' })).toEqual(['from: a time of day as HH:MM (22:00)']);
    expect(issues({ from: '08:00', to: '08:00' })).toEqual([
      ': from and to are the same time: quiet hours would be empty',
    ]);
    expect(issues({ from: '22:00', to: '08:00', timezone: 'Mars/Olympus' })).toEqual([
      'timezone: unknown time zone "Mars/Olympus"',
    ]);
  });

  it('is quiet on the local wall clock, across midnight and across a daylight-saving change', () => {
    const quiet = quietHoursSchema.parse({ from: '22:00', to: '08:00', timezone: 'Europe/Berlin' });
    // Winter (UTC+1): 21:00 UTC is 22:00 in Berlin; summer (UTC+2): 20:00 UTC is.
    expect(isQuiet(quiet, Date.parse('2026-01-15T20:59:00Z'))).toBe(false);
    expect(isQuiet(quiet, Date.parse('2026-01-15T21:00:00Z'))).toBe(true);
    expect(isQuiet(quiet, Date.parse('2026-07-15T20:00:00Z'))).toBe(true);
    expect(isQuiet(quiet, Date.parse('2026-07-16T05:59:00Z'))).toBe(true);
    expect(isQuiet(quiet, Date.parse('2026-07-16T06:00:00Z'))).toBe(false);
    const day = quietHoursSchema.parse({ from: '09:00', to: '17:00' });
    expect([8, 9, 16, 17].map((h) => isQuiet(day, Date.UTC(2026, 0, 1, h)))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(isQuiet(undefined, 0)).toBe(false);
  });
});

describe('silence matching', () => {
  const silence = {
    id: 'a',
    matchers: { rule: 'drop', group: { os: 'Android' } },
    startsAt: 1000,
    endsAt: 2000,
    createdBy: null,
    comment: null,
  };
  it('matches the rule and every label it names, in [startsAt, endsAt)', () => {
    expect(silences(silence, 'drop', { os: 'Android', country: 'DE' }, 1000)).toBe(true);
    expect(silences(silence, 'drop', { os: 'Android' }, 2000)).toBe(false);
    expect(silences(silence, 'drop', { os: 'iOS' }, 1500)).toBe(false);
    expect(silences(silence, 'spike', { os: 'Android' }, 1500)).toBe(false);
    expect(
      silences({ ...silence, matchers: { group: { os: 'Android' } } }, 'spike', { os: 'Android' }, 1500),
    ).toBe(true);
  });
});
