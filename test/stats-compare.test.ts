import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareArms } from '../src/analytics/stats-compare/compare-arms.ts';
import { parseCompareInput } from '../src/analytics/stats-compare/compare-input.ts';
import { golden, toleranceOf } from './fixtures/experiments/golden.ts';
import reference from './fixtures/scipy/classical.json' with { type: 'json' };
import { runCli, tempDir } from './helpers/cli.ts';
import { expectClose } from './helpers/expect-close.ts';

/**
 * `sightline stats compare` end to end: the real CLI on JSON files, its numbers checked against scipy
 * (scripts/reference/classical.py) and the golden vectors.
 */
const { dir, cleanup } = tempDir('sl-stats-compare-');
afterAll(cleanup);

let files = 0;
async function compare(input: unknown, ...flags: string[]) {
  const file = path.join(dir, `input-${files++}.json`);
  writeFileSync(file, JSON.stringify(input));
  return runCli(['stats', 'compare', '--input', file, ...flags]);
}

async function compareJson(input: unknown) {
  const result = await compare(input, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

type Result = { effect: number; ci: [number, number]; pValue: number; [key: string]: unknown };

const skewed = reference.tTest.datasets.skewed;
const meanInput = {
  type: 'mean',
  arms: [
    { name: 'control', values: skewed.control },
    { name: 'treatment', values: skewed.treatment },
  ],
};

describe('stats compare, mean metric', () => {
  it('welch, student and mannwhitney agree with scipy; srm with scipy chisquare', async () => {
    const output = await compareJson(meanInput);
    const expected = reference.compare;
    for (const kind of ['welch', 'student'] as const) {
      const result = output.results[kind] as Result;
      expectClose(result.effect, expected[kind].effect, 1e-12);
      expectClose(result.ci[0], expected[kind].ci[0]!);
      expectClose(result.ci[1], expected[kind].ci[1]!);
      expectClose(result.pValue, expected[kind].pValue);
    }
    expect(output.results.mannwhitney.u).toBe(expected.mannwhitney.u);
    expectClose(output.results.mannwhitney.pValue, expected.mannwhitney.pValue);
    expectClose(output.srm.pValue, expected.srm.pValue);
    expect(output.srm.mismatch).toBe(false);
    expect(output.arms.map((a: { name: string; n: number }) => [a.name, a.n])).toEqual([
      ['control', 60],
      ['treatment', 35],
    ]);
    // The Bayesian (flat prior) and sequential views and the bootstrap are there by default, seeded.
    expect(Object.keys(output.results)).toEqual([
      'welch',
      'student',
      'mannwhitney',
      'bootstrap',
      'bayesian',
      'sequential',
    ]);
    expect(output.results.bootstrap).toMatchObject({ seed: 1, replicates: 10_000, kind: 'multinomial' });
    expectClose(output.results.bootstrap.effect, expected.welch.effect, 1e-12);
    expect(output.results.sequential.ci[0]).toBeLessThan(output.results.welch.ci[0]);
  });

  it('sums give the t-tests of the values, and say why the rank and resampling tests are not run', async () => {
    const sums = (values: number[]) => ({
      n: values.length,
      sum: values.reduce((a, b) => a + b, 0),
      sumSquares: values.reduce((a, b) => a + b * b, 0),
    });
    const output = await compareJson({
      type: 'mean',
      arms: [
        { name: 'control', ...sums(skewed.control) },
        { name: 'treatment', ...sums(skewed.treatment) },
      ],
    });
    expectClose(output.results.welch.pValue, reference.compare.welch.pValue, 1e-10);
    expectClose(output.results.student.ci[1], reference.compare.student.ci[1]!, 1e-10);
    expect(Object.keys(output.skipped)).toEqual(['mannwhitney', 'bootstrap']);
    expect(output.skipped.mannwhitney).toMatch(/values/);
  });

  it('the bootstrap is reproducible from its seed (in process: the CLI prints what compareArms returns)', () => {
    const input = parseCompareInput({
      ...meanInput,
      tests: ['bootstrap'],
      bootstrap: { seed: 42, replicates: 2000 },
    });
    const first = compareArms(input);
    const second = compareArms(input);
    const other = compareArms({ ...input, bootstrap: { ...input.bootstrap, seed: 43 } });
    expect(first.results.bootstrap).toEqual(second.results.bootstrap);
    expect(first.results.bootstrap!.ci).not.toEqual(other.results.bootstrap!.ci);
    expect(Object.keys(first.results)).toEqual(['bootstrap']);
  });

  it('prints a compact table for people', async () => {
    const result = await compare(meanInput);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('mean, absolute effect = treatment - control, two-sided, alpha 0.05');
    expect(result.stdout).toMatch(/^test\s+effect\s+95% interval\s+p-value\s+notes$/m);
    const welch = lines.find((l) => l.startsWith('welch'))!;
    expect(welch).toContain(String(Number(reference.compare.welch.pValue.toPrecision(6))));
    expect(result.stdout).toContain(
      `sample-ratio check: p = ${Number(reference.compare.srm.pValue.toPrecision(6))}`,
    );
  });
});

describe('stats compare, proportion metric', () => {
  it('ztest and chisquare agree with the reference; the SRM check with GrowthBook (GB-TS-01)', async () => {
    // 310 and 98 users planned 75/25: GrowthBook's vector gives p = 0.647434186.
    const output = await compareJson({
      type: 'proportion',
      arms: [
        { name: 'a', n: 310, sum: 31, weight: 0.75 },
        { name: 'b', values: [...Array(12).fill(1), ...Array(86).fill(0)], weight: 0.25 },
      ],
    });
    const srm = golden<unknown, { users: number[]; weights: number[]; p: number }[]>('GB-TS-01');
    const planned = srm.expected.find((c) => c.users[0] === 310)!;
    expect(Math.abs(output.srm.pValue - planned.p)).toBeLessThanOrEqual(toleranceOf(srm));
    expect(Object.keys(output.results)).toEqual(['ztest', 'chisquare', 'bayesian', 'sequential']);
    // 31/310 = 0.1 against 12/98: pooled p̄ = 43/408.
    const pooled = 43 / 408;
    const z = (12 / 98 - 0.1) / Math.sqrt(pooled * (1 - pooled) * (1 / 310 + 1 / 98));
    expectClose(output.results.ztest.statistic, z, 1e-12);
    expectClose(output.results.ztest.effect, 12 / 98 - 0.1, 1e-14);
  });

  it('counts from the scipy fixture', async () => {
    const fixture = reference.proportion[0]!;
    const output = await compareJson({
      type: 'proportion',
      tests: ['ztest', 'chisquare', 'welch'],
      arms: [
        { name: 'control', n: fixture.control.n, sum: fixture.control.successes },
        { name: 'treatment', n: fixture.treatment.n, sum: fixture.treatment.successes },
      ],
    });
    expectClose(output.results.ztest.pValue, fixture.pValue['two-sided']);
    expectClose(output.results.ztest.ci[0], fixture.ci95['two-sided'][0]!);
    expectClose(output.results.chisquare.statistic, fixture.chi2Yates.statistic);
    expectClose(output.results.chisquare.pValue, fixture.chi2Yates.pValue);
    expect(output.results.welch.df).toBeGreaterThan(1000);
  });
});

describe('stats compare, ratio metric (golden vector SC-02: clicks over views)', () => {
  it('delta agrees with gbstats, linearization with scipy Welch on the linearized values', async () => {
    const vector = golden<
      Record<'control_clicks' | 'control_views' | 'treatment_clicks' | 'treatment_views', number[]>,
      Record<string, number | number[]>
    >('SC-02');
    const { inputs, expected } = vector;
    const output = await compareJson({
      type: 'ratio',
      arms: [
        { name: 'control', numerator: inputs.control_clicks, denominator: inputs.control_views },
        { name: 'treatment', numerator: inputs.treatment_clicks, denominator: inputs.treatment_views },
      ],
    });
    const delta = output.results.delta as Result;
    expectClose(delta.effect, expected['ratio_abs_diff'] as number, 1e-12);
    expectClose(delta.ci[0], (expected['gbstats_abs_ratio_ci'] as number[])[0]!, 1e-9);
    expectClose(delta.ci[1], (expected['gbstats_abs_ratio_ci'] as number[])[1]!, 1e-9);
    expectClose(delta.pValue, expected['gbstats_abs_ratio_p_welch_t'] as number, 1e-9);
    expectClose(output.results.linearization.statistic, expected['welch_t'] as number, 1e-12);
    expectClose(output.results.linearization.pValue, expected['welch_p'] as number, 1e-9);
    expectClose(output.results.linearization.kappa, expected['kappa_control_ratio'] as number, 1e-14);
    expect(output.results.bootstrap).toMatchObject({ kind: 'poisson', seed: 1 });
    expectClose(output.results.bootstrap.effect, expected['ratio_abs_diff'] as number, 1e-12);
  });
});

describe('stats compare, bad input', () => {
  it('names the bad field in a coded error, with a "did you mean"', async () => {
    const result = await compare({
      type: 'mean',
      alhpa: 0.1,
      arms: [
        { name: 'a', n: 3, sum: 2 },
        { name: 'b', valuez: [1, 2] },
      ],
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error SL_STATS_INPUT_INVALID: /);
    expect(result.stderr).toContain('alhpa: unknown field (did you mean "alpha"?)');
    expect(result.stderr).toContain('arms.1.valuez: unknown field (did you mean "values"?)');
    expect(result.stderr).toContain('(fix "alhpa"');
  });

  it('refuses a test that does not apply, and a proportion that is not 0/1, saying why', () => {
    expect(() => compareArms(parseCompareInput({ ...meanInput, tests: ['welch', 'ztest'] }))).toThrow(
      'tests.1: ztest is for type "proportion"',
    );
    const notBinary = {
      type: 'proportion',
      arms: [
        { name: 'a', values: [0, 1, 1] },
        { name: 'b', values: [1, 0.5] },
      ],
    };
    expect(() => parseCompareInput(notBinary)).toThrow('arms.1.values.1: a proportion takes 0/1 values');
    try {
      parseCompareInput(notBinary);
    } catch (error) {
      expect(error).toMatchObject({ code: 'SL_STATS_INPUT_INVALID' });
    }
  });

  it('refuses a file that is not JSON', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"type": ');
    const broken = await runCli(['stats', 'compare', '--input', file]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error SL_STATS_INPUT_INVALID: .*is not JSON/);
  });
});
