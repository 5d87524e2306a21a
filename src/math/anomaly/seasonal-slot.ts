/**
 * The same-slot seasonal baseline: a point is compared with what the same slot of the season (the same
 * hour of the day, the same hour of the week) usually holds, as analysts do by eye ("is Monday 9:00 low
 * for a Monday 9:00?") and as Datadog's "agile" and "robust" algorithms do with medians of past seasons.
 *
 * Model: x_t = level_t + shape[slot(t)] + noise. The shape of a slot is the median of its last `cycles`
 * de-levelled values (x − level at the time), the level is the median of the last `levelWindow`
 * de-seasonalised values (x − shape at the time), and expected = level + shape. Why this makes a level
 * shift the new normal after a while, and only once: after a shift by d every de-seasonalised value is
 * about d higher, so the level's rolling median moves by d once the shifted points fill half its window
 * (half a day of points by default) and the flags stop. The shape is stored net of the level, so the
 * shift does not also enter the slot medians: only the points judged before the level caught up store a
 * shape off by d, one value per slot out of `cycles`, which a median ignores. (Adjusting a median of raw
 * slot values by the median recent residual instead counts the shift twice while the slot medians absorb
 * it, producing a second wave of flags a few cycles later.) A dip that repeats every period sits in every
 * stored value of its slots, so it is part of the shape and is not flagged; a one-off dip is.
 *
 * Spread: the mean absolute residual |x − expected| of the slot and its three neighbours on each side
 * over the last eight cycles (56 residuals), each clipped at 3σ when stored and divided by E[min(|Z|, 3)]
 * to estimate σ: local enough that a quiet night and a busy afternoon of a count metric get bands of their
 * own width, bounded in what one anomaly can add, and kept as running sums per slot, so it costs O(7)
 * per point where a median of the pool would cost a selection (measured: ~1 µs for 56 values). A residual
 * is read as Student's t with 0.87 × the pool size degrees of freedom (see `zVerdict`).
 */
import { defaultWindow, RollingQuantiles } from './rolling.ts';
import { flagScore, normalBandZ } from './score.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';
import { noExpectation, resolveLearning, zVerdict } from './zscore.ts';

export interface SeasonalSlotOptions extends DetectorOptions {
  /** How many past cycles of a slot its median baseline takes; default 4. */
  readonly cycles?: number;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Default number of past cycles per slot: the median of 4 ignores one odd cycle (a holiday, an outage). */
const DEFAULT_CYCLES = 4;
/** Neighbouring slots on each side pooled into the spread. */
const NEIGHBOURS = 3;
/** Residuals the spread is the mean of, once enough cycles are in: 7 slots × 8 cycles by default. */
const POOL_TARGET = 56;
/** Residuals are clipped at this many σ before they enter the spread. */
const CLIP = 3;
/** E[min(|Z|, 3)] for a standard normal Z: √(2/π)(1 − e^(−9/2)) + 6·Φ(−3) (numerically checked). */
const CLIPPED_MEAN_ABS_Z = 0.7971202521687699;
/**
 * The clipped mean absolute residual's efficiency as a normal scale estimate: var(min(|Z|, 3)) / 0.7971²
 * = 0.572/n against 0.5/n for the sd, so m residuals are worth an sd from 0.87·m points (the mean
 * absolute deviation's classic 88%, Fisher 1920); the degrees of freedom of the t that reads a residual.
 */
const CLIPPED_SCALE_EFFICIENCY = 0.87;
/** Fewest residuals in the pool to judge by. */
const MIN_POOL = 8;
/** Longest period (in steps) kept as slots: a week of minutes is 10,080, so this leaves room without unbounded memory. */
const MAX_PERIOD = 100_000;

/**
 * The seasonal periods (in steps) used when the caller gives none: the day and the week for a sub-daily
 * step that divides them (24 and 168 hourly, 96 and 672 at 15 minutes), the week for daily data, none
 * otherwise. The same rule as `inferSeasonPeriods` in forecasting, without its length check, which a
 * streaming detector cannot make.
 */
export function defaultSlotPeriods(stepMs: number): number[] {
  if (stepMs > 0 && stepMs < DAY_MS) {
    const out: number[] = [];
    if (DAY_MS % stepMs === 0) out.push(DAY_MS / stepMs);
    if (WEEK_MS % stepMs === 0) out.push(WEEK_MS / stepMs);
    return out;
  }
  return stepMs === DAY_MS ? [7] : [];
}

/**
 * The slot of time `t` (epoch ms) in a season of `period` steps of `stepMs`: its step's position within
 * the period counted from the epoch, floor((t mod period·stepMs) / stepMs). Computed from the time, not
 * from the point's index, so gaps and irregular timestamps land in the slot of the step that holds them
 * (10:37 is hour 10 for hourly data). The epoch (a Thursday, 00:00 UTC) is slot 0, so with [24, 168] at
 * one hour the slots are the UTC hour of the day and the hour of the week counted from Thursday.
 */
export function slotOf(t: number, stepMs: number, period: number): number {
  const span = period * stepMs;
  const r = t % span;
  const s = Math.floor((r < 0 ? r + span : r) / stepMs);
  return s >= period ? period - 1 : s;
}

/**
 * A same-slot seasonal detector (see the file comment for the model). With several periods it keeps one
 * model per period and judges each point by the longest one ready at its slot, so a series starts on the
 * hour-of-day baseline and moves to the hour-of-week one once `cycles` weeks are in. Defaults: periods
 * from `defaultSlotPeriods(stepMs)` when `seasonPeriods` is absent (with none, one slot: a rolling-median
 * baseline); `cycles` 4; level window the shortest period capped at `defaultWindow(stepMs)` (one day of
 * points); learning (`learningPoints`) `cycles` shortest periods, the history the first model needs.
 * A model is ready at a slot once the slot holds more than half of `cycles` values and the pool eight
 * residuals; until then the point scores 0 with no expectation.
 */
export function createSeasonalSlotDetector(options: SeasonalSlotOptions): StreamingDetector {
  const cycles = options.cycles ?? DEFAULT_CYCLES;
  if (!(Number.isInteger(cycles) && cycles >= 1))
    throw new Error(`cycles must be an integer >= 1, got ${cycles}`);
  const given = options.seasonPeriods ?? defaultSlotPeriods(options.stepMs);
  const periods = [...new Set(given.filter((p) => Number.isInteger(p) && p >= 2 && p <= MAX_PERIOD))].sort(
    (a, b) => a - b,
  );
  const stepMs = options.stepMs;
  const shortest = periods[0];
  const levelWindow =
    shortest === undefined ? defaultWindow(stepMs) : Math.min(shortest, defaultWindow(stepMs));
  const learning = resolveLearning(
    options.learningPoints,
    shortest === undefined ? levelWindow : cycles * shortest,
  );
  const models = (periods.length > 0 ? periods : [1]).map((p) => new SlotModel(p, cycles, levelWindow));
  const zBand = normalBandZ(options.sensitivity);
  const flagAt = flagScore(options.sensitivity);
  let learnt = 0;
  return {
    name: `seasonal(periods=${periods.join('/') || 'none'},cycles=${cycles},level=${levelWindow},learning=${learning})`,
    update(t: number, value: number): Verdict {
      let verdict = noExpectation();
      // Every model computes its expectation (it stores the residual it leads to); the longest ready one
      // judges the point.
      let judge: SlotModel | undefined;
      for (const m of models) {
        m.prepare(t, stepMs);
        if (m.ready()) judge = m;
      }
      if (judge !== undefined && learnt >= learning) {
        const df = CLIPPED_SCALE_EFFICIENCY * judge.poolSize;
        verdict = zVerdict(value, judge.expected, judge.sigma, df, zBand, flagAt);
      }
      if (Number.isFinite(value)) {
        for (const m of models) m.learn(value);
        learnt++;
      }
      return verdict;
    },
  };
}

/** One period's slots, level and residual pool. `prepare` then `learn` for each point. */
class SlotModel {
  private readonly shapes: Float64Array;
  private readonly shapeWritten: Int32Array;
  private readonly residuals: Float64Array;
  private readonly residualWritten: Int32Array;
  private readonly residualSum: Float64Array;
  private readonly depth: number;
  private readonly poolSlots: number;
  private readonly level: RollingQuantiles;
  private readonly scratch: Float64Array;
  private slot = 0;
  private shape = Number.NaN;
  private levelNow = 0;
  expected = Number.NaN;
  /** The spread at the prepared slot (NaN before any residual) and the residuals behind it. */
  sigma = Number.NaN;
  poolSize = 0;

  constructor(
    private readonly period: number,
    private readonly cycles: number,
    levelWindow: number,
  ) {
    this.poolSlots = Math.min(period, 2 * NEIGHBOURS + 1);
    this.depth = Math.max(cycles, Math.ceil(POOL_TARGET / this.poolSlots));
    this.shapes = new Float64Array(period * cycles);
    this.shapeWritten = new Int32Array(period);
    this.residuals = new Float64Array(period * this.depth);
    this.residualWritten = new Int32Array(period);
    this.residualSum = new Float64Array(period);
    this.level = new RollingQuantiles(levelWindow);
    this.scratch = new Float64Array(cycles);
  }

  /**
   * Finds the slot of `t`, the expectation there (the level's median plus the slot's median shape) and
   * the spread: the mean clipped |residual| of the slot's neighbourhood over `CLIPPED_MEAN_ABS_Z`.
   */
  prepare(t: number, stepMs: number): void {
    const p = this.period;
    const s = p === 1 ? 0 : slotOf(t, stepMs, p);
    this.slot = s;
    const n = Math.min(this.shapeWritten[s]!, this.cycles);
    this.shape = n === 0 ? Number.NaN : medianOf(this.shapes, s * this.cycles, n, this.scratch);
    this.levelNow = this.level.count === 0 ? 0 : this.level.median();
    this.expected = this.levelNow + this.shape;
    const half = (this.poolSlots - 1) >> 1;
    let count = 0;
    let sum = 0;
    for (let k = -half; k < this.poolSlots - half; k++) {
      let j = s + k;
      if (j < 0) j += p;
      else if (j >= p) j -= p;
      count += Math.min(this.residualWritten[j]!, this.depth);
      sum += this.residualSum[j]!;
    }
    this.poolSize = count;
    this.sigma = count === 0 ? Number.NaN : sum / count / CLIPPED_MEAN_ABS_Z;
  }

  /** Whether this model may judge the prepared point: enough cycles at the slot and residuals in the pool. */
  ready(): boolean {
    return this.shapeWritten[this.slot]! >= Math.floor(this.cycles / 2) + 1 && this.poolSize >= MIN_POOL;
  }

  /**
   * Learns a finite value at the prepared slot: its residual (clipped at CLIP·σ, so an anomaly widens
   * the band of its neighbourhood by a bounded amount, as in Huber's estimators), its de-levelled shape,
   * its de-seasonalised level.
   */
  learn(x: number): void {
    const s = this.slot;
    if (!Number.isNaN(this.shape)) {
      const d = this.depth;
      let r = Math.abs(x - this.expected);
      // A zero spread (a flat history) must not clip: every later residual would be stored as 0.
      if (this.sigma > 0) r = Math.min(r, CLIP * this.sigma);
      const w = this.residualWritten[s]!;
      const at = s * d + (w % d);
      const old = w >= d ? this.residuals[at]! : 0;
      this.residuals[at] = r;
      this.residualWritten[s] = w + 1;
      if ((w + 1) % d === 0) {
        // Exact once per wrap of the slot's ring, so the running sum's rounding never accumulates.
        let exact = 0;
        for (let i = 0; i < d; i++) exact += this.residuals[s * d + i]!;
        this.residualSum[s] = exact;
      } else {
        this.residualSum[s] = this.residualSum[s]! + r - old;
      }
      this.level.push(x - this.shape);
    }
    const c = this.cycles;
    this.shapes[s * c + (this.shapeWritten[s]! % c)] = x - this.levelNow;
    this.shapeWritten[s]!++;
  }
}

/** The type-7 median of values[from .. from+n), sorted in `scratch` by insertion (n is a few cycles). */
function medianOf(values: Float64Array, from: number, n: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) {
    const v = values[from + i]!;
    let j = i - 1;
    while (j >= 0 && scratch[j]! > v) {
      scratch[j + 1] = scratch[j]!;
      j--;
    }
    scratch[j + 1] = v;
  }
  const h = (n - 1) / 2;
  const lo = Math.floor(h);
  return lo === h ? scratch[lo]! : (scratch[lo]! + scratch[lo + 1]!) / 2;
}
