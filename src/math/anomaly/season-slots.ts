/**
 * One season of the default detector: the last `cycles` values of every slot (hour of day, hour of week),
 * their median as the slot's expectation, and the rolling statistics of the residuals from it. The
 * detector keeps one per season it was given and judges each point on the one whose residuals vary least:
 * an hourly series with a weekday/weekend rhythm is judged on the hour of the week once it has three
 * weeks, and on the hour of the day before.
 */
import { RollingStats } from './rolling.ts';

export class SeasonSlots {
  readonly residual: RollingStats;
  private readonly slots: Float64Array;
  private readonly slotCount: Int32Array;
  private readonly cycleValues: Float64Array;

  constructor(
    readonly period: number,
    private readonly stepMs: number,
    private readonly cycles: number,
    window: number,
    /** Residuals enter the statistics clipped to this many deviations, after `learning` of them. */
    private readonly clip: number,
    private readonly learning: number,
  ) {
    this.residual = new RollingStats(window);
    this.slots = new Float64Array(period * cycles);
    this.slotCount = new Int32Array(period);
    this.cycleValues = new Float64Array(cycles);
  }

  slotOf(t: number): number {
    const k = Math.floor(t / this.stepMs) % this.period;
    return k < 0 ? k + this.period : k;
  }

  /** The median of the slot's last `cycles` values (one odd cycle does not move it), or NaN until it has them. */
  median(slot: number): number {
    const { cycles, cycleValues } = this;
    if (this.slotCount[slot]! < cycles) return Number.NaN;
    for (let k = 0; k < cycles; k++) cycleValues[k] = this.slots[slot * cycles + k]!;
    cycleValues.sort();
    const h = cycles >> 1;
    return cycles % 2 === 1 ? cycleValues[h]! : (cycleValues[h - 1]! + cycleValues[h]!) / 2;
  }

  /** Learns `value` at `slot`, whose median before it was `median` (NaN when it had none). */
  learn(value: number, slot: number, median: number): void {
    const r = this.residual;
    if (!Number.isNaN(median)) {
      const e = value - median;
      r.push(r.count >= this.learning ? clipTo(e, r.mean, this.clip * r.sd) : e);
    }
    this.slots[slot * this.cycles + (this.slotCount[slot]! % this.cycles)] = value;
    this.slotCount[slot]!++;
  }
}

/** `x` moved into [centre - halfWidth, centre + halfWidth]. */
export function clipTo(x: number, centre: number, halfWidth: number): number {
  if (!(halfWidth > 0)) return x;
  return Math.min(centre + halfWidth, Math.max(centre - halfWidth, x));
}
