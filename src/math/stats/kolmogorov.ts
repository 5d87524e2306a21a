/**
 * The distribution of the two-sided one-sample Kolmogorov-Smirnov statistic D_n = sup|F_n − F|, for the
 * p-value of the KS test. No single formula is both exact and fast for every (n, d), so this follows the
 * method selection of Simard & L'Ecuyer, "Computing the two-sided Kolmogorov-Smirnov distribution",
 * J. Stat. Software 39(11), 2011, in the form scipy implements it (scipy.stats._ksstats._kolmogn, which
 * scipy.stats.kstwo.sf and kstest's default method call), so that our p-values are scipy's:
 *
 * - d ≤ 1/n and d ≥ 1 − 1/n: Ruben & Gambino's closed forms;
 * - d ≥ 0.5, and large n·d²: twice the one-sided (Smirnov) tail, which is exact for d ≥ 0.5 and off by
 *   less than the double rounding once n·d² is large (Birnbaum & Tingey 1951 for the one-sided tail);
 * - n ≤ 140: Durbin's matrix in the form of Marsaglia, Tsang & Wang, "Evaluating Kolmogorov's
 *   distribution", J. Stat. Software 8(18), 2003 (n·d² ≤ 0.754693), else Pomeranz's recursion
 *   (Algorithm 487, CACM 1974) up to n·d² = 4;
 * - n > 140 with small n·d²: Durbin/MTW while n·d^1.5 ≤ 1.4 (and n ≤ 100000), else the Pelz-Good
 *   asymptotic series (J. R. Stat. Soc. B 38, 1976).
 *
 * Also the limiting distribution P(K > x) of √n·D_n (Kolmogorov 1933), which is scipy's `asymp` method.
 */

const TWO_128 = 2 ** 128;
const TWO_M128 = 2 ** -128;
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
/** exp of anything below this is 0 in double precision (cephes MINLOG). */
const MIN_LOG = -745.1332191019412;

/** p·2^e without overflowing the intermediate power of two. */
function ldexp(p: number, e: number): number {
  let x = p;
  let k = e;
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    x *= 2 ** -1000;
    k += 1000;
  }
  return x * 2 ** k;
}

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** Stirling's coefficients B_2j/(2j(2j − 1)) for j = 8 … 1 (highest first, for Horner). */
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

/** log(n!/nⁿ) = log(n)/2 − n + log(2π)/2 + Σ B_2j/(2j(2j−1))/n^(2j−1), without forming n·log n. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const x = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * x + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/**
 * The one-sided tail P(D_n⁺ ≥ d) by the Birnbaum-Tingey sum
 * d·Σ_{v=0}^{⌊n(1−d)⌋} C(n, v)(d + v/n)^(v−1)(1 − d − v/n)^(n−v), all terms positive, summed in logs.
 * Only called where scipy's smirnov takes this (lower) sum, d ≥ 1.48/√n; the fraction of n·d is found
 * exactly (a two-product) so the last term is in or out as it should be.
 */
function smirnovSf(n: number, d: number): number {
  if (n === 1) return 1 - d;
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  // n·d = hi + lo exactly (Dekker's product with Veltkamp splitting).
  const hi = n * d;
  const lo = twoProductError(n, d, hi);
  let floorNd = Math.floor(hi);
  if (floorNd === hi && lo < 0) floorNd -= 1;
  let alpha = hi - floorNd + lo;
  if (alpha === 1) {
    floorNd += 1;
    alpha = 0;
  }
  if (floorNd === 0 || (floorNd === 1 && alpha === 0)) return 1 - d * (1 + d) ** (n - 1);
  if (-2 * n * d * d < MIN_LOG) return 0;
  if (floorNd >= n - 1) return (1 - d) ** n;
  if (n > 1_000_000) {
    // scipy's approximation for very large n: p ≈ exp(−(6nd + 1)²/(18n)).
    const logp = -((6 * n * d + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  // v runs to ⌊n(1 − d)⌋, leaving out v = n(1 − d) itself when that is an integer (its term is 0).
  const last = n - floorNd - 1;
  let logC = 0;
  let maxLog = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    if (v > 0) logC += Math.log((n - v + 1) / v);
    // d + v/n and 1 − d − v/n from the exact n·d, so the last factors keep their digits.
    const up = (v + hi + lo) / n;
    const down = (n - v - hi - lo) / n;
    const logTerm = logC + (v - 1) * Math.log(up) + (n - v) * (up < 0.5 ? Math.log1p(-up) : Math.log(down));
    if (logTerm > maxLog) {
      sum = sum * Math.exp(maxLog - logTerm) + 1;
      maxLog = logTerm;
    } else {
      sum += Math.exp(logTerm - maxLog);
    }
  }
  return clip(d * sum * Math.exp(maxLog));
}

/** The rounding error of a·b given its rounded value p: a·b = p + error exactly (Dekker 1971). */
function twoProductError(a: number, b: number, p: number): number {
  const split = (x: number): [number, number] => {
    const c = 134217729 * x; // 2^27 + 1
    const high = c - (c - x);
    return [high, x - high];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * P(D_n ≤ d) by Durbin's matrix: with d = (k − h)/n, the k-th diagonal entry of H^n times n!/nⁿ, H of
 * order m = 2k − 1 (Marsaglia, Tsang & Wang 2003), squared repeatedly with power-of-two rescaling.
 */
function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  if (d >= 1) return 1;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;

  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let scratch = new Float64Array(m * m);
  let exponent = 0;
  let hExponent = 0;
  let rest = n;
  const diagonal = (k - 1) * m + (k - 1);
  while (rest > 0) {
    if (rest % 2 === 1) {
      multiply(power, H, scratch, m);
      [power, scratch] = [scratch, power];
      exponent += hExponent;
      // scipy keeps this product in long double; in doubles it must be rescaled too (exactly, by 2^128).
      if (maxAbs(power) > TWO_128) {
        for (let i = 0; i < power.length; i++) power[i]! *= TWO_M128;
        exponent += 128;
      }
    }
    rest = Math.floor(rest / 2);
    if (rest === 0) break;
    multiply(H, H, scratch, m);
    [H, scratch] = [scratch, H];
    hExponent *= 2;
    if (Math.abs(H[diagonal]!) > TWO_128) {
      for (let i = 0; i < H.length; i++) H[i]! *= TWO_M128;
      hExponent += 128;
    }
  }
  let p = power[diagonal]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < TWO_M128) {
      p *= TWO_128;
      exponent -= 128;
    }
  }
  return ldexp(p, exponent);
}

function multiply(a: Float64Array, b: Float64Array, out: Float64Array, m: number): void {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const x = a[i * m + l]!;
      if (x === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j]! += x * b[l * m + j]!;
    }
  }
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
  return max;
}

/** The column range [j1, j2] of row i in Pomeranz's recursion (scipy's _pomeranz_compute_j1j2). */
function pomeranzRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/**
 * P(D_n ≤ d) by Pomeranz's recursion: 2n + 1 convolutions of a short row with almost-Poisson weights
 * (g/n)^m/m!, (2g/n)^m/m! or ((1 − 2g)/n)^m/m!, g the distance of n·d to the nearest integer; n! at the end.
 */
function pomeranzCdf(n: number, d: number): number {
  const t = n * d;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const gPower = new Float64Array(size);
  const twoGPower = new Float64Array(size);
  const oneMinusTwoGPower = new Float64Array(size);
  gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1;
  for (let m = 1; m < size; m++) {
    gPower[m] = (gPower[m - 1]! * (g / n)) / m;
    twoGPower[m] = (twoGPower[m - 1]! * ((2 * g) / n)) / m;
    oneMinusTwoGPower[m] = (oneMinusTwoGPower[m - 1]! * ((1 - 2 * g) / n)) / m;
  }
  let V0 = new Float64Array(size);
  let V1 = new Float64Array(size);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzRange(i, n, ll, ceilf, roundf);
    const weights = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const len = j2 - k1 + 1;
    if (len > 0) {
      // V1[0 … j2 − j1] = (V0[k1 − V0s …] ∗ weights)[j1 − k1 …], the full convolution's middle.
      const start = k1 - V0s;
      const from = j1 - k1;
      let max = 0;
      for (let out = 0; out <= j2 - j1; out++) {
        const index = from + out;
        let s = 0;
        for (let a = Math.max(0, index - len + 1); a <= Math.min(index, len - 1); a++)
          s += V0[start + a]! * weights[index - a]!;
        V1[out] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < TWO_M128) {
        for (let out = 0; out < size; out++) V1[out]! *= TWO_128;
        exponent -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let answer = V1[n - V1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > TWO_128) {
      answer *= TWO_M128;
      exponent += 128;
    }
    answer *= m;
  }
  return ldexp(answer, exponent);
}

/**
 * P(D_n ≤ d) by the Pelz-Good expansion K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5, z = d√n, each K in the
 * theta-function form that converges fast for small z (terms summed with Horner's scheme in q).
 */
function pelzGoodCdf(n: number, d: number): number {
  if (d <= 0) return 0;
  if (d >= 1) return 1;
  const z = Math.sqrt(n) * d;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -(Math.PI * Math.PI) / 8 / z2;
  if (qlog < -708) return 0;
  const q = Math.exp(qlog);
  const pi2 = Math.PI ** 2;
  const pi4 = Math.PI ** 4;
  const pi6 = Math.PI ** 6;
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  let K0 = 0;
  let K1 = 0;
  let K2 = 0;
  let K3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    K0 = K0 * qpower + 1;
    K1 = K1 * qpower + (k1a + k1b * m2);
    K2 = K2 * qpower + (k2a + k2b * m2 + k2c * m4);
    K3 = K3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  K0 = (K0 * q * SQRT_2PI) / z;
  K1 = (K1 * q * SQRT_2PI) / (6 * z4);
  K2 = (K2 * q * SQRT_2PI) / (72 * z ** 7);
  K3 = (K3 * q * SQRT_2PI) / (6480 * z ** 10);
  // The terms over all integers k of K2 and K3.
  const q2 = Math.exp(-pi2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k >= 1; k--) {
    const k2 = k * k;
    const qk = q2 ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K2 += (k2extra * pi2 * SQRT_2PI) / (-36 * z3);
  K3 += (k3extra * pi2 * SQRT_2PI) / (216 * z6);
  return K0 + K1 / Math.sqrt(n) + K2 / n + K3 / n ** 1.5;
}

/**
 * P(D_n ≥ d), the p-value of the two-sided one-sample KS test with n observations: scipy's
 * kstwo.sf(d, n). n must be a positive integer.
 */
export function ksTwoSidedSf(n: number, d: number): number {
  if (!Number.isInteger(n) || n <= 0)
    throw new RangeError(`ksTwoSidedSf: n must be a positive integer, got ${n}`);
  if (Number.isNaN(d)) throw new RangeError('ksTwoSidedSf: d is NaN');
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob);
  }
  if (t >= n - 1) return clip(2 * (1 - d) ** n);
  if (d >= 0.5) return clip(2 * smirnovSf(n, d));
  const nd2 = t * d;
  if (n <= 140) {
    if (nd2 <= 0.754693) return clip(1 - durbinCdf(n, d));
    if (nd2 <= 4) return clip(1 - pomeranzCdf(n, d));
    return clip(2 * smirnovSf(n, d));
  }
  if (nd2 >= 370) return 0;
  if (nd2 >= 2.2) return clip(2 * smirnovSf(n, d));
  const cdf = n <= 100000 && n * d ** 1.5 <= 1.4 ? durbinCdf(n, d) : pelzGoodCdf(n, d);
  return clip(1 - cdf);
}

/**
 * P(K > x) for Kolmogorov's limiting distribution of √n·D_n (scipy.special.kolmogorov): for x ≤ 0.82 the
 * theta form 1 − (√(2π)/x)·Σ exp(−(2k−1)²π²/(8x²)), above it 2Σ(−1)^(k−1) exp(−2k²x²), four terms each.
 */
export function kolmogorovSf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('kolmogorovSf: x is NaN');
  if (x <= 0 || x <= Math.PI / Math.sqrt(746 * 8)) return 1;
  if (x <= 0.82) {
    const w = SQRT_2PI / x;
    const logu8 = -(Math.PI * Math.PI) / (x * x);
    const u = Math.exp(logu8 / 8);
    if (u === 0) return clip(1 - Math.exp(logu8 / 8 + Math.log(w)));
    const u8 = Math.exp(logu8);
    let p = 1;
    p = 1 + u8 ** 3 * p;
    p = 1 + u8 * u8 * p;
    p = 1 + u8 * p;
    return clip(1 - w * u * p);
  }
  const v = Math.exp(-2 * x * x);
  const v3 = v ** 3;
  let p = 1;
  p = 1 - v3 * v3 * v * p;
  p = 1 - v3 * v * v * p;
  p = 1 - v3 * p;
  return clip(2 * v * p);
}
