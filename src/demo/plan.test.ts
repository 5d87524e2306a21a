import { describe, expect, it } from 'vitest';
import { createRng } from '../math/random.ts';
import { BURST_CAMPAIGN, SIGN_UPS_BY_WEEKDAY } from './catalogue.ts';
import { MALFORMED_COUNTS, planDemo } from './plan.ts';
import { createPopulation, signUpsPerDay } from './population.ts';

const plan = (users: number, days: number, endDate = '2026-10-31') =>
  planDemo({ users, days, seed: 1, endDate }, createRng(1));

describe('planDemo', () => {
  it('puts every planted effect on its own day for every period length from 14 to 400 days', () => {
    for (let days = 14; days <= 400; days++) expect(() => plan(1000, days)).not.toThrow();
  });

  it('ends the period on endDate and ships 5.2 before the outage and 5.3 after it', () => {
    const p = plan(20_000, 60);
    expect(p.dates[0]).toBe('2026-09-02');
    expect(p.dates.at(-1)).toBe('2026-10-31');
    expect(p.releaseDay[2]!).toBeLessThan(p.outage.day);
    expect(p.releaseDay[3]!).toBeGreaterThan(p.outage.day);
    expect(p.outage.appVersion).toBe('5.2');
  });

  it('plans exactly the configured number of malformed lines, in file order', () => {
    const p = plan(1000, 30);
    const total = Object.values(MALFORMED_COUNTS).reduce((a, b) => a + b, 0);
    expect(p.logRealism.malformed).toHaveLength(total);
    expect(total).toBeGreaterThanOrEqual(5);
    expect(total).toBeLessThanOrEqual(20);
    const keys = p.logRealism.malformed.map((m) => m.day + m.position);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
  });
});

describe('sign-ups and population', () => {
  it('spreads exactly `users` sign-ups over the days, growing, with the burst on the campaign day', () => {
    const p = plan(20_000, 60);
    const counts = signUpsPerDay(p);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(counts[p.campaign.day]!).toBeGreaterThan(3 * counts[p.campaign.day - 7]!);
    // Growth: the last week signs up more than twice the first, weekday mix being equal.
    const week = (from: number) => counts.slice(from, from + 7).reduce((a, b) => a + b, 0);
    expect(week(53)).toBeGreaterThan(2 * week(0));
    expect(Math.max(...SIGN_UPS_BY_WEEKDAY)).toBeGreaterThan(1.2);
  });

  it('numbers users in sign-up order, marks the burst cohort, and assigns exp groups 1..4', () => {
    const p = plan(5000, 30);
    const pop = createPopulation(p, createRng(2));
    for (let i = 1; i < pop.size; i++) expect(pop.signupMs[i]!).toBeGreaterThanOrEqual(pop.signupMs[i - 1]!);
    let burst = 0;
    for (let i = 0; i < pop.size; i++) {
      if (pop.campaign[i] === BURST_CAMPAIGN) {
        burst++;
        expect(pop.signupDay[i]).toBe(p.campaign.day);
        expect(pop.source[i]).toBe(1);
      }
      expect(pop.expGroup[i]).toBeGreaterThanOrEqual(1);
      expect(pop.expGroup[i]).toBeLessThanOrEqual(4);
    }
    expect(burst).toBe(p.campaign.users);
    expect(pop.firstOfDay[30]).toBe(5000);
  });
});
