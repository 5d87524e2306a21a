import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDurationMs, ruleEvaluations } from '../../src/analytics/anomalies/alert-rules.ts';
import type { DetectedPoint } from '../../src/analytics/anomalies/detect.ts';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { DEFAULT_DETECTOR } from '../../src/math/anomaly/registry.ts';
import { ROOT } from '../helpers/cli.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-alert-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const METRICS = `metrics:
  dau: { type: unique_users, event: $any }
  wau: { type: unique_users, event: $any, window: 7 }
  views: { type: count, event: view }
  wau_share: { type: formula, formula: dau / wau }
`;

function load(alerts: string) {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `${METRICS}alerts:\n${alerts}`);
  return loadProjectFile(file, dir);
}

function problemsOf(alerts: string): { code: string; problems: string[] } {
  try {
    load(alerts);
  } catch (error) {
    const e = error as { code: string; details: { problems: string[] } };
    return { code: e.code, problems: e.details.problems };
  }
  throw new Error('expected the rules to be rejected');
}

describe('alert rules in sightline.yaml', () => {
  it("the demo's project file declares a valid rule", () => {
    const project = loadProjectFile(path.join(ROOT, 'sightline.yaml'));
    const rule = project.alerts.get('dau_hourly_drop');
    expect(rule).toMatchObject({
      metric: 'dau',
      interval: 'hour',
      intervalMs: 3_600_000,
      direction: 'down',
      detector: DEFAULT_DETECTOR,
      sensitivity: 0.5,
      policy: { for: { kind: 'evaluations', count: 1 }, cooldownMs: 21_600_000, recovery: 2 },
      groupBy: ['os'],
      channels: ['oncall'],
    });
  });

  it('fills defaults: the default detector and sensitivity, hourly, both sides, fire at the first breach', () => {
    const rule = load('  views_any:\n    metric: views\n').alerts.get('views_any');
    expect(rule).toEqual({
      name: 'views_any',
      description: undefined,
      metric: 'views',
      detector: DEFAULT_DETECTOR,
      sensitivity: 0.5,
      interval: 'hour',
      intervalMs: 3_600_000,
      direction: 'both',
      policy: { for: { kind: 'evaluations', count: 1 }, cooldownMs: 0, recovery: 1 },
      groupBy: [],
      channels: [],
    });
    const counted = load(
      '  r:\n    metric: views\n    interval: 15m\n    for: 3\n    cooldown: 0\n',
    ).alerts.get('r');
    expect(counted?.policy.for).toEqual({ kind: 'evaluations', count: 3 });
    expect(counted?.intervalMs).toBe(900_000);
  });

  it('a misspelt key gets a did-you-mean, like every key of the project file', () => {
    const { code, problems } = problemsOf('  r:\n    metric: views\n    grupBy: [os]\n    cooldwn: 1h\n');
    expect(code).toBe('SL_CONFIG_INVALID');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('unknown key "alerts.r.grupBy" (did you mean "groupBy"?)'),
        expect.stringContaining('unknown key "alerts.r.cooldwn" (did you mean "cooldown"?)'),
      ]),
    );
  });

  it('rejects bad durations, intervals, sensitivities and counts, each with its location', () => {
    const { code, problems } = problemsOf(
      '  r:\n    metric: views\n    for: soon\n    cooldown: 5x\n    interval: minute\n    sensitivity: 2\n    recovery: 0\n',
    );
    expect(code).toBe('SL_CONFIG_INVALID');
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/alerts\.r\.for: "soon" is not a duration \(30m, 2h\) or a number/);
    expect(problems.join('\n')).toMatch(/alerts\.r\.cooldown: "5x" is not a cooldown/);
    expect(problems.join('\n')).toMatch(/alerts\.r\.interval: /);
    expect(problems.join('\n')).toMatch(/alerts\.r\.sensitivity: /);
    expect(problems.join('\n')).toMatch(/alerts\.r\.recovery: /);
  });

  it('checks names against the metrics layer and the detectors, collecting every problem', () => {
    const { code, problems } = problemsOf(
      [
        '  a:',
        '    metric: veiws',
        '  b:',
        '    metric: views',
        '    detector: zscor',
        '    groupBy: [os, contry]',
        '  c:',
        '    metric: wau_share',
        '    interval: hour',
        '',
      ].join('\n'),
    );
    expect(code).toBe('SL_ALERT_RULE_INVALID');
    expect(problems).toEqual([
      expect.stringMatching(/^.*\.yaml: alerts\.a\.metric: unknown metric "veiws" .*did you mean "views"/),
      expect.stringMatching(/alerts\.b\.detector: unknown detector "zscor" \(did you mean "zscore"\?\)/),
      expect.stringMatching(/alerts\.b\.groupBy\.1: unknown dimension "contry" .*did you mean "country"/),
      expect.stringMatching(/alerts\.c\.metric: "wau_share" counts users over trailing days.*interval: day/),
    ]);
  });

  it('durations: units, zero, and what is not one', () => {
    expect(parseDurationMs('30m')).toBe(1_800_000);
    expect(parseDurationMs('2h')).toBe(7_200_000);
    expect(parseDurationMs('1w')).toBe(604_800_000);
    expect(parseDurationMs('0')).toBe(0);
    expect(parseDurationMs('1.5h')).toBeUndefined();
    expect(parseDurationMs('90')).toBeUndefined();
  });
});

describe('rule evaluations from detected points', () => {
  const points: DetectedPoint[] = [
    { t: 'a', value: 50, score: 0.9, flag: true, expected: 100, lower: 80, upper: 120 },
    { t: 'b', value: 150, score: 0.9, flag: true, expected: 100, lower: 80, upper: 120 },
    { t: 'c', value: 100, score: 0.1, flag: false, expected: 100, lower: 80, upper: 120 },
    { t: 'd', value: null, score: 0, flag: false },
    // A one-sided detector without an expectation: the crossed edge tells the side.
    { t: 'e', value: 5, score: 0.7, flag: true, lower: 10 },
  ];
  const times = [1, 2, 3, 4, 5];

  it('a down rule breaches only below the band, an up rule only above, both on either side', () => {
    const breaches = (direction: 'up' | 'down' | 'both') =>
      ruleEvaluations({ direction }, points, times).map((e) => e.breach);
    expect(breaches('down')).toEqual([true, false, false, false, true]);
    expect(breaches('up')).toEqual([false, true, false, false, false]);
    expect(breaches('both')).toEqual([true, true, false, false, true]);
  });

  it('holds a flagged breach while the score stays at 0.6 of the flag score or more, or the value beyond half the band, on the same side', () => {
    const at = (value: number | null, score: number, flag = false): DetectedPoint => ({
      t: 'x',
      value,
      score,
      flag,
      expected: 100,
      lower: 80,
      upper: 120,
    });
    const series = [
      at(90, 0.3), // not held: nothing was flagged before
      at(40, 0.9, true),
      at(60, 0.3), // 0.3 = 0.6 × 0.5: held
      at(null, 0), // missing: no evidence, the hold goes on
      at(70, 0.35),
      at(130, 0.4), // the other side: not held, and the hold ends
      at(60, 0.45), // below again, but no flag since the hold ended
    ];
    const down = ruleEvaluations({ direction: 'down' }, series, [1, 2, 3, 4, 5, 6, 7], '', 0.5);
    expect(down.map((e) => e.breach)).toEqual([false, true, true, false, true, false, false]);
    // Scores just under the hold level end it, unless the value is beyond half the band (below 90 here).
    const under = ruleEvaluations(
      { direction: 'both' },
      [at(40, 0.9, true), at(89, 0.29), at(91, 0.29), at(60, 0.4)],
      [1, 2, 3, 4],
      '',
      0.5,
    );
    expect(under.map((e) => e.breach)).toEqual([true, true, false, false]);
    // Above the expected value the half band is 110.
    const up = ruleEvaluations(
      { direction: 'up' },
      [at(140, 0.9, true), at(111, 0.1), at(109, 0.1)],
      [1, 2, 3],
      '',
      0.5,
    );
    expect(up.map((e) => e.breach)).toEqual([true, true, false]);
  });

  it('a step without a value is a missing evaluation (NaN value and expectation)', () => {
    const [, , , missing] = ruleEvaluations({ direction: 'both' }, points, times, 'os=iOS');
    expect(missing).toMatchObject({ t: 4, group: 'os=iOS', breach: false, score: 0 });
    expect(missing!.value).toBeNaN();
    expect(missing!.expected).toBeNaN();
  });
});
