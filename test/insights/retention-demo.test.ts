import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionResult } from '../../src/analytics/insights/retention/retention-result.ts';
import type { GroundTruth } from '../../src/demo/generate.ts';
import { cliDemo, runCli, tempDir } from '../helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-retention-demo-');
let db: string;
let truth: GroundTruth;

beforeAll(async () => {
  ({ db, truth } = await cliDemo(dir, { users: 3000, days: 30, end: '2026-10-31' }));
}, 120_000);
afterAll(cleanup);

/** Sign-up to any event by day, through the CLI and the repository's sightline.yaml (its cohorts). */
async function retention(from: string, where: string): Promise<RetentionResult> {
  const args = ['insight', 'retention', '--start-event', 'sign_up', '--return-event', '$any'];
  const r = await runCli([
    ...args,
    '--periods',
    '7',
    '--from',
    from,
    '--to',
    truth.period.endDate,
    '--where',
    where,
    '--db',
    db,
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RetentionResult;
}

describe('retention on the demo', () => {
  it("shows the campaign cohort's retention visibly lower on days 1-7, matching the planted ground truth", async () => {
    const campaign = await retention(truth.planted.campaign.date, "cohort = 'campaign_users'");
    const others = await retention(truth.period.startDate, "not cohort = 'campaign_users'");
    const planted = truth.retention.cohorts;
    for (const [result, cohort] of [
      [campaign, planted.campaign_burst],
      [others, planted.all_but_campaign_burst],
    ] as const)
      for (const n of [1, 7]) {
        const day = cohort.days[`day${n}`]!;
        const average = result.average[n]!;
        // The weighted average over the cohorts that reached day n is the ground truth's "eligible" rate.
        expect(average.retained).toBe(day.retained);
        expect(average.rate).toBeCloseTo(day.retained / day.eligible, 12);
      }
    expect(campaign.average[0]).toMatchObject({ retained: truth.planted.campaign.users, cohorts: 1 });
    for (let n = 1; n <= 7; n++)
      expect(campaign.average[n]!.rate!, `day ${n}`).toBeLessThan(0.75 * others.average[n]!.rate!);
  });
});
