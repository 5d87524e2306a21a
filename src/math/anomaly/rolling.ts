/**
 * Sliding-window summaries the streaming detectors share: the count, mean and variance of the last w
 * values (`RollingStats`), and the sorted last w values with quantiles, the median and the MAD
 * (`RollingQuantiles`). Both keep their state in preallocated Float64Arrays, so a push allocates nothing.
 * Both take finite values only; a caller skips missing points before pushing.
 */

const DAY_MS = 86_400_000;

/**
 * The default window of the rolling detectors for a series of step `stepMs`: one day of points for
 * sub-daily data (96 at 15 minutes, 24 hourly, 288 at 5 minutes), because a window of whole days holds
 * every phase of the daily cycle equally and its mean and spread do not swing with the hour; clamped to
 * [24, 1440] so that second-level data keeps a window the quantile structure can slide cheaply and a
 * coarse step still has enough points. 28 for daily and coarser data: four weeks of days, enough for a
 * stable spread while a level shift becomes the new normal within a month.
 */
export function defaultWindow(stepMs: number): number {
  if (!(stepMs > 0) || stepMs >= DAY_MS) return 28;
  return Math.min(1440, Math.max(24, Math.round(DAY_MS / stepMs)));
}

/**
 * Count, mean and sample variance (n − 1) of the last `window` pushed values. Each push is one
 * Welford-style update (West 1979's add/remove form, the window's oldest value leaving as the new one
 * enters); because those updates accumulate rounding, the sums are recomputed exactly in two passes once
 * every `window` pushes, which costs O(1) per push on average and bounds the drift to one window's worth.
 * A window whose values are all identical is detected exactly (a run length of equal values), and then
 * reports that value as the mean and exactly 0 as the variance, so a flat history is never mistaken for a
 * tiny non-zero spread.
 */
export class RollingStats {
  readonly window: number;
  private readonly ring: Float64Array;
  private head = 0;
  private n = 0;
  private m = 0;
  private m2 = 0;
  private sinceRecompute = 0;
  private run = 0;
  private last = Number.NaN;

  constructor(window: number) {
    if (!(Number.isInteger(window) && window >= 1))
      throw new Error(`RollingStats window must be >= 1, got ${window}`);
    this.window = window;
    this.ring = new Float64Array(window);
  }

  /** How many values the window holds (at most `window`). */
  get count(): number {
    return this.n;
  }

  /** The mean of the window's values; NaN when empty. */
  get mean(): number {
    if (this.n === 0) return Number.NaN;
    return this.isConstant ? this.last : this.m;
  }

  /** The sample variance (n − 1 denominator) of the window; NaN with fewer than two values. */
  get variance(): number {
    if (this.n < 2) return Number.NaN;
    if (this.isConstant) return 0;
    return Math.max(0, this.m2 / (this.n - 1));
  }

  /** The sample standard deviation of the window; NaN with fewer than two values. */
  get sd(): number {
    return Math.sqrt(this.variance);
  }

  /** Whether every value in the (non-empty) window is the same number. */
  get isConstant(): boolean {
    return this.n > 0 && this.run >= this.n;
  }

  /** Adds a finite value, dropping the oldest one once the window is full. */
  push(x: number): void {
    const w = this.window;
    this.run = x === this.last ? this.run + 1 : 1;
    this.last = x;
    if (this.n < w) {
      this.ring[(this.head + this.n) % w] = x;
      this.n++;
      const d = x - this.m;
      this.m += d / this.n;
      this.m2 += d * (x - this.m);
    } else {
      const old = this.ring[this.head]!;
      this.ring[this.head] = x;
      this.head = this.head + 1 === w ? 0 : this.head + 1;
      const prevMean = this.m;
      this.m = prevMean + (x - old) / w;
      this.m2 += (x - old) * (x - this.m + old - prevMean);
    }
    if (++this.sinceRecompute >= w) this.recompute();
  }

  /** Empties the window. */
  clear(): void {
    this.head = 0;
    this.n = 0;
    this.m = 0;
    this.m2 = 0;
    this.sinceRecompute = 0;
    this.run = 0;
    this.last = Number.NaN;
  }

  private recompute(): void {
    const w = this.window;
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.ring[(this.head + i) % w]!;
    const mean = s / this.n;
    let ss = 0;
    for (let i = 0; i < this.n; i++) {
      const d = this.ring[(this.head + i) % w]! - mean;
      ss += d * d;
    }
    this.m = mean;
    this.m2 = ss;
    this.sinceRecompute = 0;
  }
}

/** R's default (type 7) quantile of an ascending array's first `n` values: linear between order statistics. */
export function sortedQuantile(sorted: Float64Array, n: number, q: number): number {
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  if (lo + 1 >= n) return a;
  return a + (h - lo) * (sorted[lo + 1]! - a);
}

/**
 * The last `window` pushed values kept sorted, for rolling quantiles. A push finds the leaving and the
 * entering value by binary search (O(log w)) and shifts the values between with `copyWithin` (a memmove,
 * O(w) but a few nanoseconds per hundred values), which beats a two-heap or skip-list structure for the
 * windows used here (w ≤ a few thousand) and keeps every order statistic one index away.
 */
export class RollingQuantiles {
  readonly window: number;
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private n = 0;

  constructor(window: number) {
    if (!(Number.isInteger(window) && window >= 1)) {
      throw new Error(`RollingQuantiles window must be >= 1, got ${window}`);
    }
    this.window = window;
    this.ring = new Float64Array(window);
    this.sorted = new Float64Array(window);
  }

  /** How many values the window holds (at most `window`). */
  get count(): number {
    return this.n;
  }

  /** Adds a finite value, dropping the oldest one once the window is full. */
  push(x: number): void {
    const w = this.window;
    const s = this.sorted;
    if (this.n === w) {
      const old = this.ring[this.head]!;
      this.ring[this.head] = x;
      this.head = this.head + 1 === w ? 0 : this.head + 1;
      const i = lowerBound(s, w, old);
      const j = lowerBound(s, w, x);
      // Remove s[i] and insert x so the array stays sorted: shift the run between the two positions by one.
      if (j <= i) {
        s.copyWithin(j + 1, j, i);
        s[j] = x;
      } else {
        s.copyWithin(i, i + 1, j);
        s[j - 1] = x;
      }
    } else {
      this.ring[(this.head + this.n) % w] = x;
      const j = lowerBound(s, this.n, x);
      s.copyWithin(j + 1, j, this.n);
      s[j] = x;
      this.n++;
    }
  }

  /** Empties the window. */
  clear(): void {
    this.head = 0;
    this.n = 0;
  }

  /** The q-quantile of the window, type 7 (R's default, numpy's `linear`); NaN when empty. */
  quantile(q: number): number {
    return sortedQuantile(this.sorted, this.n, q);
  }

  /** The median of the window; NaN when empty. */
  median(): number {
    return sortedQuantile(this.sorted, this.n, 0.5);
  }

  /** The smallest value in the window; NaN when empty. */
  min(): number {
    return this.n === 0 ? Number.NaN : this.sorted[0]!;
  }

  /** The largest value in the window; NaN when empty. */
  max(): number {
    return this.n === 0 ? Number.NaN : this.sorted[this.n - 1]!;
  }

  /**
   * The median absolute deviation from the median, unscaled (multiply by 1.4826 for a normal σ); NaN
   * when empty. The deviations below the median, read outward from the middle of the sorted window, and
   * those above it are two ascending sequences, so their k-th smallest is found by a binary search over
   * how many come from each side (the classic k-th of two sorted arrays): O(log w), nothing allocated.
   */
  mad(): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    const med = this.median();
    const p = n >> 1; // sorted[p-1] <= med <= sorted[p] for odd and even n alike.
    const k = (n - 1) >> 1;
    const a = this.kthDeviation(med, p, k);
    return n % 2 === 1 ? a : (a + this.kthDeviation(med, p, k + 1)) / 2;
  }

  /**
   * The sample standard deviation (n − 1) of the window, in two passes over the sorted values: the
   * fallback scale of the robust rules when the MAD is 0 because more than half the window is one value;
   * NaN with fewer than two values. O(w), so only for that case.
   */
  sd(): number {
    const n = this.n;
    if (n < 2) return Number.NaN;
    const s = this.sorted;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += s[i]!;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (s[i]! - mean) ** 2;
    return Math.sqrt(ss / (n - 1));
  }

  /** The window's values in ascending order (a copy). */
  toSortedArray(): Float64Array {
    return this.sorted.slice(0, this.n);
  }

  /**
   * The k-th (0-based) smallest of the n deviations |x − med|: left deviations L[i] = med − sorted[p−1−i]
   * (i < p) and right ones R[j] = sorted[p+j] − med (j < n − p) are both ascending.
   */
  private kthDeviation(med: number, p: number, k: number): number {
    const s = this.sorted;
    const nl = p;
    const nr = this.n - p;
    // a = how many of the k+1 smallest come from the left, b = k+1-a from the right: the split where
    // neither side's first untaken deviation is below the other side's last taken one.
    let lo = Math.max(0, k + 1 - nr);
    let hi = Math.min(k + 1, nl);
    while (lo < hi) {
      const a = (lo + hi) >> 1;
      const b = k + 1 - a;
      // Taking a from the left is too few if the next left deviation is below the last right one taken.
      const nextLeft = med - s[p - 1 - a]!;
      const lastRight = s[p + b - 1]! - med;
      if (nextLeft < lastRight) lo = a + 1;
      else hi = a;
    }
    const a = lo;
    const b = k + 1 - a;
    const lastLeft = a > 0 ? med - s[p - a]! : Number.NEGATIVE_INFINITY;
    const lastRight = b > 0 ? s[p + b - 1]! - med : Number.NEGATIVE_INFINITY;
    return Math.max(lastLeft, lastRight);
  }
}

/** The first index in sorted[0..n) whose value is >= x. */
function lowerBound(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
