// npm run bench:nab — the anomaly detectors on the Numenta Anomaly Benchmark.
//
// Every detector of the registry (and the default's settings moved one step each way) runs over all 58
// series of ../shared/data/nab with one configuration for the whole corpus: the step and seasons come
// from each file's timestamps, nothing else is per file. NAB's own rules score it (bench/nab/scorer.ts):
// the standard, reward-low-FP and reward-low-FN profiles, each at its best corpus threshold, printed
// beside NAB's published scoreboard. Target: standard above 52 (Random Cut Forest); the goal is 70+.
//
// Flags: --detectors a,b (default: every registered detector), --filter TEXT (a subset of files),
//        --no-neighbours (skip the robustness table).

import { createLikelihoodDetector, LIKELIHOOD_DEFAULTS } from '../src/math/anomaly/likelihood.ts';
import {
  createDetector,
  DEFAULT_DETECTOR,
  DETECTOR_NAMES,
  type DetectorName,
  type NamedDetectorOptions,
} from '../src/math/anomaly/registry.ts';
import { readNabCorpus } from './nab/corpus.ts';
import { type DetectorMaker, runCorpus } from './nab/run-corpus.ts';
import { NAB_PROFILES, scoreCorpus } from './nab/scorer.ts';
import { printTable } from './table.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** NAB's published standard-profile scores, as ../shared/data/README.md lists them. */
const PUBLISHED: [string, number][] = [
  ['Numenta HTM', 70.5],
  ['CAD OSE', 69.9],
  ['earthgecko Skyline', 58.2],
  ['KNN CAD', 58.0],
  ['Relative Entropy', 54.6],
  ['Random Cut Forest', 51.7],
  ['Twitter ADVec', 47.1],
  ['Windowed Gaussian', 39.6],
  ['Etsy Skyline', 35.7],
  ['Bayesian Changepoint', 17.7],
  ['Random', 11.0],
];

const corpus = readNabCorpus(undefined, flag('--filter'));
const names = (flag('--detectors')?.split(',') ?? [...DETECTOR_NAMES]) as DetectorName[];
console.log(
  `NAB: ${corpus.length} series, ${corpus.reduce((n, s) => n + s.values.length, 0).toLocaleString('en-US')} rows, ${corpus.reduce((n, s) => n + s.windows.length, 0)} windows\n`,
);

function evaluate(label: string, make: DetectorMaker): Record<string, string | number> {
  const run = runCorpus(corpus, make);
  const [standard, lowFp, lowFn] = NAB_PROFILES.map((p) => scoreCorpus(run.files, p));
  return {
    detector: label,
    standard: standard!.score.toFixed(1),
    'low FP': lowFp!.score.toFixed(1),
    'low FN': lowFn!.score.toFixed(1),
    threshold: standard!.threshold.toFixed(3),
    'TP/FN/FP': `${standard!.truePositives}/${standard!.falseNegatives}/${standard!.falsePositives}`,
    'ns/row': Math.round((run.ms * 1e6) / run.points),
  };
}

const rows: Record<string, string | number>[] = [];
for (const name of names) {
  try {
    const row = evaluate(name === DEFAULT_DETECTOR ? `${name} (default)` : name, (o) =>
      createDetector(name, { ...o } as NamedDetectorOptions),
    );
    rows.push(row);
    console.error(`  ${name}: ${row.standard}`);
  } catch (e) {
    rows.push({
      detector: name,
      standard: `failed: ${(e as Error).message}`,
      'low FP': '',
      'low FN': '',
      threshold: '',
      'TP/FN/FP': '',
      'ns/row': '',
    });
  }
}
for (const [who, s] of PUBLISHED)
  rows.push({
    detector: `published: ${who}`,
    standard: s.toFixed(1),
    'low FP': '',
    'low FN': '',
    threshold: '',
    'TP/FN/FP': '',
    'ns/row': '',
  });
rows.sort((a, b) => Number(b.standard) - Number(a.standard));
printTable(rows);

if (!args.includes('--no-neighbours')) {
  // The default's settings were chosen on this corpus; a setting that only works at one exact value
  // would be fitted to it. Each setting halved and doubled (the others at their defaults):
  console.log(
    '\nThe likelihood detector with one setting halved or doubled (robustness of the chosen setting):\n',
  );
  const neighbours: Record<string, string | number>[] = [
    evaluate('defaults', (o) => createLikelihoodDetector(o)),
  ];
  for (const key of Object.keys(LIKELIHOOD_DEFAULTS) as (keyof typeof LIKELIHOOD_DEFAULTS)[]) {
    for (const factor of [0.5, 2]) {
      let v = LIKELIHOOD_DEFAULTS[key] * factor;
      if (key === 'cycles' || key === 'window' || key === 'averaging' || key === 'history')
        v = Math.max(1, Math.round(v));
      neighbours.push(evaluate(`${key}=${v}`, (o) => createLikelihoodDetector({ ...o, [key]: v })));
    }
  }
  printTable(neighbours);
}
