import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentReport } from '../../src/analytics/experiments/experiment-report.ts';
import type { GroundTruth } from '../../src/demo/generate.ts';
import { cliDemo, runCli, tempDir } from '../helpers/cli.ts';

/**
 * The demo's planted experiments, analysed through the CLI with the repository's sightline.yaml. 40,000
 * users over 28 days give each arm of feed_ranking_v2 about 10,000 exposed users and 100,000 views: the
 * standard error of the relative CTR lift is about 1.1%, so the planted +5% stands at about 4.7 standard
 * errors (power above 0.95 after the correction) while the demo takes about 20 s on this machine.
 */
const { dir, cleanup } = tempDir('sl-exp-demo-');
let db: string;
let truth: GroundTruth;

beforeAll(async () => {
  ({ db, truth } = await cliDemo(dir, { users: 40000, days: 28, end: '2026-10-31' }));
}, 180_000);
afterAll(cleanup);

async function analyze(name: string): Promise<ExperimentReport> {
  const r = await runCli(['experiment', 'analyze', name, '--db', db, '--json']);
  if (r.code !== 0) throw new Error(`analyze ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ExperimentReport;
}

const planted = (name: string) => truth.planted.experiments.find((e) => e.name === name)!;

describe('the demo’s experiments', () => {
  it('feed_ranking_v2: the planted CTR uplift is detected, its true value lies in the interval, and the arms match the ground truth', async () => {
    const report = await analyze('feed_ranking_v2');
    const experiment = planted('feed_ranking_v2');
    const ctr = report.metrics[0]!;
    expect(ctr.metric).toBe('ctr');
    // Exposed users, and the views and likes after each one's exposure, are exactly what was planted.
    expect(ctr.arms.map((a) => [a.variant, a.n, a.numerator, a.denominator])).toEqual(
      experiment.realised.arms.map((a) => [a.variant, a.exposures, a.likes, a.views]),
    );
    const [control, treatment] = ctr.arms;
    expect(treatment!.mean! / control!.mean! - 1).toBeCloseTo(experiment.realised.relativeUplift, 5);
    // The effect is CUPED-adjusted by each user's CTR in the 14 days before exposure: near the raw one.
    expect(ctr.test.name).toBe('delta method + CUPED');
    const v = ctr.variants[0]!;
    expect(Math.abs(v.relative.effect! - experiment.realised.relativeUplift)).toBeLessThan(v.relative.se!);
    expect(v).toMatchObject({ variant: 'treatment', significant: true, direction: 'better' });
    const [lo, hi] = v.relative.ci!;
    expect(lo).toBeLessThan(experiment.trueRelativeUplift);
    expect(hi).toBeGreaterThan(experiment.trueRelativeUplift);
    expect(report.srm.mismatch).toBe(false);
    expect(report.recommendation).toMatchObject({ decision: 'ship', variant: 'treatment' });
    expect(report.warnings.map((w) => w.code)).not.toContain('SL_EXPERIMENT_AA_FAILED');
  });

  it('aa_test: no metric differs between the identical arms and the split passes the SRM check', async () => {
    const report = await analyze('aa_test');
    expect(report.kind).toBe('aa');
    expect(report.srm.mismatch).toBe(false);
    expect(report.srm.pValue).toBeGreaterThan(0.001);
    for (const m of report.metrics) expect(m.variants[0]!.significant, m.metric).toBe(false);
    expect(report.recommendation.decision).toBe('do not ship');
    expect(report.recommendation.reasons[0]).toMatch(/^A\/A test passed/);
    expect(planted('aa_test').trueRelativeUplift).toBe(0);
  });
});
