import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeExperiment } from '../../src/analytics/experiments/analyze-experiment.ts';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import { type PowerFlags, powerPlan } from '../../src/cli/commands/experiment.ts';
import { SightlineError } from '../../src/errors/index.ts';
import { normalQuantile } from '../../src/math/stats/distributions.ts';
import { runCli } from '../helpers/cli.ts';
import { projectFrom, warehouseFromEvents } from './fixtures.ts';
import { plantedEvents, WINDOW } from './planted.ts';

const YAML = `
metrics:
  views: { type: count, event: view }
  likes: { type: count, event: like }
  ctr: { type: ratio, numerator: likes, denominator: views }
experiments:
  planted:
    arms: { from: exposures }
    variants: [control, treatment]
    control: control
    primary: ctr
    secondary: [views]
    start: ${WINDOW.from}
    end: ${WINDOW.to}
    mde: 0.5
    breakdowns: [os]
  later:
    arms: { from: exposures, experiment: planted }
    variants: [control, treatment]
    control: control
    primary: views
    start: 2027-01-01
`;

let dir: string;
let db: string;
let config: string;
let dispose: () => Promise<void>;
let expected: unknown;

beforeAll(async () => {
  const store = await warehouseFromEvents(plantedEvents({ users: 400, seed: 3 }));
  ({ dir } = store);
  db = path.join(dir, 'wh.duckdb');
  config = path.join(dir, 'sightline.yaml');
  writeFileSync(config, YAML);
  const project = projectFrom(YAML);
  expected = JSON.parse(
    JSON.stringify(
      await analyzeExperiment(
        new InsightContext(store.warehouse, project.layer, 'default'),
        project.experiments,
        'planted',
      ),
    ),
  );
  await store.warehouse.close();
  dispose = store.dispose;
});
afterAll(async () => dispose());

const cli = (...args: string[]) => runCli([...args, '--db', db, '--config', config]);

describe('sightline experiment analyze', () => {
  it('--json prints the report analyzeExperiment returns', async () => {
    const r = await cli('experiment', 'analyze', 'planted', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  it('prints the recommendation first, then the metrics, the tests and the primary metric’s breakdowns', async () => {
    const r = await cli('experiment', 'analyze', 'planted');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Experiment planted (A/B), ${WINDOW.from} to ${WINDOW.to} (7 days)`);
    expect(lines).toContain('Recommendation: SHIP treatment');
    expect(r.stdout).toMatch(/\nctr +primary +treatment +0\.\d{4} +0\.\d{4} +\+\d+\.\d\d%/);
    expect(r.stdout).toContain('ctr: delta method.');
    expect(r.stdout).toContain('ctr by os (exploratory, not corrected)');
  });

  it('an unknown experiment is a coded one-line error with the closest name, before the database is opened', async () => {
    const r = await runCli([
      'experiment',
      'analyze',
      'plantd',
      '--db',
      path.join(dir, 'none.duckdb'),
      '--config',
      config,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error SL_UNKNOWN_EXPERIMENT: unknown experiment "plantd" (did you mean "planted"?); declared: planted, later (declare it under experiments: in sightline.yaml, or check the spelling)\n',
    );
  });

  it('an experiment without exposures in its window is a coded error', async () => {
    const r = await cli('experiment', 'analyze', 'later');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error SL_EXPERIMENT_NO_EXPOSURES: experiment "later" has no exposed users from 2027-01-01/,
    );
  });
});

describe('sightline experiment power', () => {
  const z = (p: number) => normalQuantile(p);

  it('proportions: the issue’s unpooled formula, rounded up, and the days at a daily traffic', async () => {
    const r = await runCli([
      'experiment',
      'power',
      '--baseline-rate',
      '0.1',
      '--mde',
      '0.02',
      '--daily-users',
      '1000',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [p1, p2] = [0.1, 0.12];
    const pooled = (p1 + p2) / 2;
    const n = Math.ceil(
      (z(0.975) * Math.sqrt(2 * pooled * (1 - pooled)) + z(0.8) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) **
        2 /
        (p2 - p1) ** 2,
    );
    expect(n).toBe(3841);
    expect(JSON.parse(r.stdout)).toEqual({
      sampleSizePerArm: n,
      treatmentSampleSize: n,
      totalSampleSize: 2 * n,
      days: Math.ceil((2 * n) / 1000),
    });
  });

  const defaults = { alpha: '0.05', power: '0.8', ratio: '1', simulations: '10000', seed: '1' };

  it('means: 2σ²(z₁₋α/₂ + z₁₋β)²/δ², with a relative MDE as a fraction of the baseline', () => {
    const n = Math.ceil((2 * 25 * (z(0.975) + z(0.8)) ** 2) / 0.25);
    expect(n).toBe(1570);
    const absolute = powerPlan({ ...defaults, baselineMean: '10', sd: '5', mde: '0.5' });
    const relative = powerPlan({ ...defaults, baselineMean: '10', sd: '5', mde: '0.05', relative: true });
    for (const plan of [absolute, relative])
      expect(plan).toEqual({ sampleSizePerArm: n, treatmentSampleSize: n, totalSampleSize: 2 * n });
  });

  it('--simulate searches the size by simulating the test, seeded: the CLI prints what the same seed gives', async () => {
    const r = await runCli([
      'experiment',
      'power',
      '--baseline-rate',
      '0.1',
      '--mde',
      '0.02',
      '--simulate',
      '--simulations',
      '2000',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toEqual(
      powerPlan({ ...defaults, baselineRate: '0.1', mde: '0.02', simulate: true, simulations: '2000' }),
    );
    expect(plan).toMatchObject({ simulations: 2000, seed: 1 });
    expect(plan.simulatedPower).toBeGreaterThanOrEqual(0.8);
    expect(Math.abs(plan.sampleSizePerArm / 3841 - 1)).toBeLessThan(0.06);
  });

  it('rejects contradictory, missing or malformed flags with a coded error', () => {
    const cases: [Partial<PowerFlags>, string][] = [
      [{ baselineRate: '0.1' }, 'SL_USAGE: give the effect to detect with --mde'],
      [{ baselineRate: '0.1', baselineMean: '3', mde: '1' }, 'SL_USAGE: give either --baseline-rate'],
      [{ baselineMean: '3', mde: '1' }, 'SL_USAGE: a mean needs both --baseline-mean and --sd'],
      [{ baselineRate: 'x', mde: '1' }, 'SL_USAGE: --baseline-rate must be a number, got "x"'],
      [
        { baselineRate: '0.1', mde: '0.02', simulate: true, simulations: '10' },
        'SL_USAGE: --simulations must be an integer of at least 100',
      ],
      [
        { baselineRate: '1.5', mde: '0.1' },
        'SL_STATS_INPUT_INVALID: the baseline rate must lie in (0, 1), got 1.5',
      ],
    ];
    for (const [flags, message] of cases) {
      let line = '';
      try {
        powerPlan({ ...defaults, ...flags });
      } catch (error) {
        line = error instanceof SightlineError ? error.toLine() : String(error);
      }
      expect(line.startsWith(message), line).toBe(true);
    }
  });

  it('prints the plan for people, and a flag mistake as one coded line', async () => {
    const [human, bad] = await Promise.all([
      runCli(['experiment', 'power', '--baseline-rate', '0.1', '--mde', '0.02']),
      runCli(['experiment', 'power', '--baseline-rate', '0.1']),
    ]);
    expect(human.stdout).toBe('users per arm: 3,841\nusers in all:  7,682\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error SL_USAGE: give the effect to detect with --mde (run the command with --help)\n',
    );
  });
});
