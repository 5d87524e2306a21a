import { SightlineError } from '../../errors/index.ts';
import { type PowerMetric, type SampleSizeQuery, sampleSize } from '../../math/stats/power.ts';
import { simulateSampleSize } from '../../math/stats/power-simulation.ts';

/** The flags of `experiment power`, as commander gives them (strings). */
export interface PowerFlags {
  baselineRate?: string;
  baselineMean?: string;
  sd?: string;
  mde?: string;
  relative?: boolean;
  alpha: string;
  power: string;
  ratio: string;
  dailyUsers?: string;
  simulate?: boolean;
  simulations: string;
  seed: string;
  json?: boolean;
}

/** What `experiment power` prints with --json. */
export interface PowerOutput {
  sampleSizePerArm: number;
  treatmentSampleSize: number;
  totalSampleSize: number;
  days?: number;
  /** The simulated power at the sample size found (with --simulate). */
  simulatedPower?: number;
  simulations?: number;
  seed?: number;
}

/** The plan `experiment power` prints, from its flags; flag mistakes are SL_USAGE. */
export function powerPlan(flags: PowerFlags): PowerOutput {
  const number = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new SightlineError('SL_USAGE', `--${flag} must be a number, got "${value}"`);
    return n;
  };
  const rate = number('baseline-rate', flags.baselineRate);
  const mean = number('baseline-mean', flags.baselineMean);
  const sd = number('sd', flags.sd);
  const mde = number('mde', flags.mde);
  if (mde === undefined) throw new SightlineError('SL_USAGE', 'give the effect to detect with --mde');
  let metric: PowerMetric;
  if (rate !== undefined) {
    if (mean !== undefined || sd !== undefined)
      throw new SightlineError(
        'SL_USAGE',
        'give either --baseline-rate, or --baseline-mean with --sd, not both',
      );
    metric = { type: 'proportion', baselineRate: rate };
  } else if (mean !== undefined && sd !== undefined) {
    metric = { type: 'mean', baselineMean: mean, sd };
  } else {
    throw new SightlineError(
      'SL_USAGE',
      mean === undefined && sd === undefined
        ? 'give --baseline-rate P for a conversion rate, or --baseline-mean M --sd S for a mean'
        : 'a mean needs both --baseline-mean and --sd',
    );
  }
  const dailyUsers = number('daily-users', flags.dailyUsers);
  const query: SampleSizeQuery = {
    metric,
    mde,
    relative: flags.relative ?? false,
    alpha: number('alpha', flags.alpha)!,
    power: number('power', flags.power)!,
    ratio: number('ratio', flags.ratio)!,
    ...(dailyUsers === undefined ? {} : { dailyUsers }),
  };
  if (!flags.simulate) {
    const plan = sampleSize(query);
    return {
      sampleSizePerArm: plan.sampleSizePerArm,
      treatmentSampleSize: plan.treatmentSampleSize,
      totalSampleSize: plan.totalSampleSize,
      ...(plan.days === undefined ? {} : { days: plan.days }),
    };
  }
  const simulations = number('simulations', flags.simulations)!;
  const seed = number('seed', flags.seed)!;
  if (!Number.isInteger(simulations) || simulations < 100)
    throw new SightlineError(
      'SL_USAGE',
      `--simulations must be an integer of at least 100, got ${simulations}`,
    );
  if (!Number.isInteger(seed)) throw new SightlineError('SL_USAGE', `--seed must be an integer, got ${seed}`);
  const plan = simulateSampleSize(query, { seed, simulations });
  return {
    sampleSizePerArm: plan.sampleSizePerArm,
    treatmentSampleSize: plan.treatmentSampleSize,
    totalSampleSize: plan.totalSampleSize,
    ...(plan.days === undefined ? {} : { days: plan.days }),
    simulatedPower: plan.simulation.power,
    simulations,
    seed,
  };
}
