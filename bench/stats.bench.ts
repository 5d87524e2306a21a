// npm run bench:stats [-- --runs N] [--replicates R] [--no-numpy]
//
// The statistics engine beside NumPy/SciPy doing the same job in the same run (issue 4):
// (a) an A/A simulation: 10,000 draws of 500 users per arm from a pool of 50,000 (Welch's t per draw, the
//     false-positive rate with its Wilson interval, the KS test of the p-values, their histogram);
// (b) a Poisson bootstrap of treatment − control with 10,000 replicates on 100,000 users per arm.
// Both sides read the same pool (written to a temporary file as float64) and use the same sizes and
// seeds; the generators differ (xoshiro128** here, PCG64 in NumPy), so results agree within Monte Carlo
// error, which the table states. The A/A job runs once to warm up, then --runs times (default 3) on
// each side, and the median is printed; the bootstrap runs once per side (NumPy takes minutes).
// NumPy comes from $SIGHTLINE_PYTHON when set, else Debian's /usr/bin/python3, else the python3 on
// PATH: the first that imports numpy and scipy; without one the NumPy column is left out with a note.
// It prints; it never fails on time.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatTable } from '../src/cli/format.ts';
import { createRng } from '../src/math/random.ts';
import { simulateAa } from '../src/math/stats/aa-simulation.ts';
import { poissonBootstrap } from '../src/math/stats/poisson-bootstrap.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 3);
const REPLICATES = Number(arg('--replicates') ?? 10_000);
const AA = { pool: 50_000, simulations: 10_000, samplePerArm: 500, alpha: 0.05, seed: 1 };
const BOOT = { users: 100_000, replicates: REPLICATES, alpha: 0.05, seed: 1 };

const python = process.argv.includes('--no-numpy') ? undefined : findPython();
const dir = mkdtempSync(path.join(tmpdir(), 'sightline-bench-stats-'));

/** The first interpreter that imports numpy and scipy, with their versions. */
function findPython(): { command: string; versions: string } | undefined {
  const candidates = [process.env.SIGHTLINE_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string =>
    Boolean(c),
  );
  for (const command of candidates) {
    const probe = spawnSync(
      command,
      ['-c', 'import numpy, scipy; print(numpy.__version__, scipy.__version__)'],
      {
        encoding: 'utf8',
      },
    );
    if (probe.status === 0) {
      const [numpy, scipy] = probe.stdout.trim().split(' ');
      return { command, versions: `numpy ${numpy}, scipy ${scipy} (${command})` };
    }
  }
  return undefined;
}

function writeFloat64(name: string, values: Float64Array): string {
  const file = path.join(dir, name);
  // Float64Array is little-endian on every platform Node runs on here (x86-64, arm64).
  writeFileSync(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return file;
}

function runPython<T>(script: string, args: (string | number)[]): T {
  const out = execFileSync(
    python!.command,
    [path.join(import.meta.dirname, 'stats', script), ...args.map(String)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out) as T;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (seconds: number) => Math.round(seconds * 1000);

function lognormalPool(seed: number, size: number, mu = 0): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: size }, () => rng.lognormal(mu, 1));
}

try {
  process.stdout.write(
    `bench:stats — ${python ? python.versions : 'no python3 with numpy and scipy found: the NumPy column is left out'}\n\n`,
  );
  const rows: Record<string, unknown>[] = [];
  const agreement: string[] = [];

  // (a) A/A simulation.
  const pool = lognormalPool(2024, AA.pool);
  process.stderr.write('  A/A simulation, Sightline...\n');
  simulateAa({ values: pool }, { ...AA, seed: 0 });
  const aaTimes: number[] = [];
  let aa: ReturnType<typeof simulateAa> | undefined;
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    const result = simulateAa({ values: pool }, { ...AA, seed: AA.seed + r });
    aaTimes.push((performance.now() - start) / 1000);
    aa ??= result;
  }
  const aaOurs = median(aaTimes);
  let aaNumpy:
    | { seconds: number; falsePositiveRate: number; fprInterval: [number, number]; ksPValue: number }
    | undefined;
  if (python) {
    process.stderr.write('  A/A simulation, NumPy/SciPy...\n');
    const file = writeFloat64('aa-pool.f64', pool);
    aaNumpy = runPython('aa.py', [file, AA.simulations, AA.samplePerArm, AA.seed, AA.alpha, RUNS]);
  }
  rows.push(
    row('A/A: 10,000 draws of 500 per arm from 50k users (Welch, KS, histogram)', aaOurs, aaNumpy?.seconds),
  );
  const fprSe = Math.sqrt((2 * AA.alpha * (1 - AA.alpha)) / AA.simulations);
  const fprLine = `A/A false-positive rate: Sightline ${aa!.falsePositiveRate!.toFixed(4)} [${aa!.fprInterval!.map((x) => x.toFixed(4)).join(', ')}], KS p ${aa!.ks!.pValue.toFixed(3)}`;
  if (aaNumpy) {
    const gap = Math.abs(aa!.falsePositiveRate! - aaNumpy.falsePositiveRate);
    agreement.push(
      `${fprLine}; NumPy ${aaNumpy.falsePositiveRate.toFixed(4)} [${aaNumpy.fprInterval.map((x) => x.toFixed(4)).join(', ')}], KS p ${aaNumpy.ksPValue.toFixed(3)}; difference ${gap.toFixed(4)} = ${(gap / fprSe).toFixed(1)} Monte Carlo s.e. (${fprSe.toFixed(4)}): ${gap <= 3 * fprSe ? 'agree' : 'DISAGREE'}`,
    );
  } else agreement.push(fprLine);

  // (b) Poisson bootstrap.
  const control = lognormalPool(7, BOOT.users);
  const treatment = lognormalPool(8, BOOT.users, 0.02);
  process.stderr.write('  Poisson bootstrap, Sightline...\n');
  poissonBootstrap(control.subarray(0, 10_000), treatment.subarray(0, 10_000), { seed: 0, replicates: 200 });
  const bootStart = performance.now();
  const boot = poissonBootstrap(control, treatment, {
    seed: BOOT.seed,
    replicates: BOOT.replicates,
    alpha: BOOT.alpha,
  });
  const bootOurs = (performance.now() - bootStart) / 1000;
  let bootNumpy: { seconds: number; ci: [number, number]; se: number } | undefined;
  if (python) {
    process.stderr.write('  Poisson bootstrap, NumPy (a few minutes)...\n');
    const c = writeFloat64('boot-control.f64', control);
    const t = writeFloat64('boot-treatment.f64', treatment);
    bootNumpy = runPython('poisson_bootstrap.py', [c, t, BOOT.replicates, BOOT.seed, BOOT.alpha]);
  }
  rows.push(
    row(
      `Poisson bootstrap: ${BOOT.replicates.toLocaleString('en-US')} replicates, 100k users per arm`,
      bootOurs,
      bootNumpy?.seconds,
    ),
  );
  // The Monte Carlo s.e. of a 2.5% quantile of R replicates is √(p(1 − p)/R)/f(q), f the density of the
  // (near-normal) replicate distribution at q: about 0.027·se at R = 10,000; two independent runs
  // differ by √2 times that.
  const se = boot.se!;
  const quantileSe =
    Math.sqrt((0.025 * 0.975) / BOOT.replicates) /
    (Math.exp(-0.5 * 1.96 * 1.96) / Math.sqrt(2 * Math.PI) / se);
  const ciText = (ci: readonly [number, number]) => `[${ci.map((x) => x.toFixed(5)).join(', ')}]`;
  const bootLine = `Poisson bootstrap: effect ${boot.effect!.toFixed(5)}, Sightline CI ${ciText(boot.ci!)}, se ${se.toFixed(5)}`;
  if (bootNumpy) {
    const gap = Math.max(Math.abs(boot.ci![0] - bootNumpy.ci[0]), Math.abs(boot.ci![1] - bootNumpy.ci[1]));
    const pairSe = Math.SQRT2 * quantileSe;
    agreement.push(
      `${bootLine}; NumPy CI ${ciText(bootNumpy.ci)}, se ${bootNumpy.se.toFixed(5)}; largest bound difference ${gap.toExponential(2)} = ${(gap / pairSe).toFixed(1)} Monte Carlo s.e. (${pairSe.toExponential(2)}): ${gap <= 3 * pairSe ? 'agree' : 'DISAGREE'}`,
    );
  } else agreement.push(bootLine);

  process.stdout.write(`${formatTable(rows)}\n\n${agreement.join('\n')}\n`);
  if (!python)
    process.stdout.write(
      '\nnote: install python3-numpy and python3-scipy (or set SIGHTLINE_PYTHON) for the NumPy/SciPy column\n',
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function row(job: string, ours: number, numpy: number | undefined): Record<string, unknown> {
  return {
    job,
    'Sightline ms': ms(ours),
    ...(python
      ? {
          'NumPy/SciPy ms': numpy === undefined ? '' : ms(numpy),
          'NumPy / Sightline': numpy === undefined ? '' : Number((numpy / ours).toFixed(2)),
          target: '>= 1 (as fast or faster)',
        }
      : {}),
  };
}
