/**
 * The initial state concentrated out of the likelihood. For forms whose state update is linear (trend
 * none, additive or damped; season none or additive — whatever the error, since R's update is the
 * same for both), the one-step predictions are affine in the initial state given the weights:
 * ŷ = a(θ) + X(θ)·x0 (Hyndman et al. 2008, §3.5: x_t = D x_{t−1} + g y_t with D = F − g w').
 * For additive errors R's lik is n·log Σe², so the least-squares x0 is exactly the maximum-likelihood
 * x0 at those weights, and the search only needs the 1-4 weights instead of 2 + m more numbers.
 *
 * Cost. X has 2 + m − 1 columns; forming X'X step by step costs n·p²/2 (≈ 1.2 ms at n = 1,000,
 * m = 24 on this machine, 60× a likelihood pass). The recursion is time-invariant in its ring form, so
 * the response to the initial season used at step a is the response to the one used at step 0,
 * delayed by a steps: every seasonal column is a shift of one impulse response h_s (less the shift-0
 * one, because s_m = −Σ s_j). X'X and X'r then reduce to lagged cross-products of four sequences,
 * O(n·m) in all (≈ 5 likelihood passes at m = 24).
 */
import type { EtsParams, EtsTrend } from './form.ts';

export interface Concentrator {
  /**
   * Writes into `free` the free initial states (l0, b0?, s1..s_{m−1}, R's order) that minimise Σ(y − ŷ)²
   * at `params`, and returns that sum (NaN when the normal equations are singular).
   */
  solve(params: EtsParams, free: Float64Array): number;
}

/**
 * A solver for y with a linear-update form (`seasonal` means an additive season of period m). `ref` is
 * a reasonable free initial state (R's `initstate`): the solve is done for the change from it, so that
 * Σr² at the reference is of the size of the final Σe² and the closed-form SSE keeps its digits.
 */
export function createConcentrator(
  y: Float64Array,
  trend: EtsTrend,
  seasonal: boolean,
  m: number,
  ref: ArrayLike<number>,
): Concentrator {
  const n = y.length;
  const hasTrend = trend !== 'N';
  const period = seasonal ? m : 1;
  const s0 = hasTrend ? 2 : 1;
  const p = s0 + (seasonal ? m - 1 : 0);
  const r = new Float64Array(n);
  const hl = new Float64Array(n);
  const hb = new Float64Array(n);
  const hs = new Float64Array(n);
  const ring = new Float64Array(period);
  const refFull = new Float64Array(s0 + (seasonal ? m : 0));
  for (let j = 0; j < p; j++) refFull[j] = ref[j]!;
  if (seasonal) {
    let sum = 0;
    for (let j = s0; j < p; j++) sum += ref[j]!;
    refFull[p] = -sum;
  }
  const lagS = new Float64Array(period);
  const lagL = new Float64Array(period);
  const lagB = new Float64Array(period);
  const lagR = new Float64Array(period);
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);

  const ringL = new Float64Array(period);
  const ringB = new Float64Array(period);
  const ringS = new Float64Array(period);

  /**
   * The linear recursion (ε = y − ŷ; l ← l + φb + αε, b ← φb + βε, s ← s + γε) run four times at
   * once: from the reference state on y, writing y − ŷ into r (returns Σr²), and from a unit initial
   * level, slope and season (the one used at step 0) on y ≡ 0, writing ŷ into hl, hb and hs (the
   * impulse responses). Each run is a chain of dependent operations; run in one loop, the chains
   * overlap, and the whole solve took 1.2-1.5× less time than with a loop per run on the daily
   * bench series (the recursions are unchanged, operation for operation).
   */
  const passes = (params: EtsParams): number => {
    const { alpha, beta, gamma, phi } = params;
    const ph = hasTrend ? phi : 0;
    let k = 1 % period;
    let l = refFull[0]!;
    let b = hasTrend ? refFull[1]! : 0;
    let lL = 1;
    let bL = 0;
    let lB = 0;
    let bB = 1;
    let lS = 0;
    let bS = 0;
    let ss = 0;
    if (!seasonal) {
      for (let i = 0; i < n; i++) {
        const q = l + ph * b;
        const e = y[i]! - q;
        r[i] = e;
        ss += e * e;
        l = q + alpha * e;
        const qL = lL + ph * bL;
        const eL = 0 - qL;
        hl[i] = qL;
        lL = qL + alpha * eL;
        if (hasTrend) {
          b = ph * b + beta * e;
          bL = ph * bL + beta * eL;
          const qB = lB + ph * bB;
          const eB = 0 - qB;
          hb[i] = qB;
          lB = qB + alpha * eB;
          bB = ph * bB + beta * eB;
        }
      }
      return ss;
    }
    for (let j = 1; j <= m; j++) ring[(((1 - j) % m) + m) % m] = refFull[s0 + j - 1]!;
    ringL.fill(0);
    ringB.fill(0);
    ringS.fill(0);
    ringS[k] = 1;
    for (let i = 0; i < n; i++) {
      const q = l + ph * b;
      const s = ring[k]!;
      const e = y[i]! - (q + s);
      r[i] = e;
      ss += e * e;
      l = q + alpha * e;
      ring[k] = s + gamma * e;
      const qL = lL + ph * bL;
      const sL = ringL[k]!;
      const fL = qL + sL;
      const eL = 0 - fL;
      hl[i] = fL;
      lL = qL + alpha * eL;
      ringL[k] = sL + gamma * eL;
      const qS = lS + ph * bS;
      const sS = ringS[k]!;
      const fS = qS + sS;
      const eS = 0 - fS;
      hs[i] = fS;
      lS = qS + alpha * eS;
      ringS[k] = sS + gamma * eS;
      if (hasTrend) {
        b = ph * b + beta * e;
        bL = ph * bL + beta * eL;
        bS = ph * bS + beta * eS;
        const qB = lB + ph * bB;
        const sB = ringB[k]!;
        const fB = qB + sB;
        const eB = 0 - fB;
        hb[i] = fB;
        lB = qB + alpha * eB;
        bB = ph * bB + beta * eB;
        ringB[k] = sB + gamma * eB;
      }
      k = k + 1 === period ? 0 : k + 1;
    }
    return ss;
  };

  /**
   * lag[a] and, when `both`, lag[a + 1] (see `solve`) in one loop: eight chains of additions
   * instead of four overlap (the loop is bound by their latency), and each sum still runs in
   * increasing t, so every lag is the number a loop of its own gives, to the bit.
   */
  const lagPair = (a: number, both: boolean, span: number): void => {
    const endA = Math.min(n, a + span);
    const endB = both ? Math.min(n, a + 1 + span) : a + 1;
    let ss = 0;
    let sl = 0;
    let sb = 0;
    let sr = 0;
    let ss1 = 0;
    let sl1 = 0;
    let sb1 = 0;
    let sr1 = 0;
    const joint = Math.min(endA, endB);
    let t = a;
    if (t < endA) {
      const h = hs[0]!;
      ss += hs[t]! * h;
      sl += hl[t]! * h;
      sb += hb[t]! * h;
      sr += r[t]! * h;
      t++;
    }
    for (; t < joint; t++) {
      const h = hs[t - a]!;
      const h1 = hs[t - a - 1]!;
      const vs = hs[t]!;
      const vl = hl[t]!;
      const vb = hb[t]!;
      const vr = r[t]!;
      ss += vs * h;
      sl += vl * h;
      sb += vb * h;
      sr += vr * h;
      ss1 += vs * h1;
      sl1 += vl * h1;
      sb1 += vb * h1;
      sr1 += vr * h1;
    }
    for (let u = t; u < endA; u++) {
      const h = hs[u - a]!;
      ss += hs[u]! * h;
      sl += hl[u]! * h;
      sb += hb[u]! * h;
      sr += r[u]! * h;
    }
    for (let u = t; u < endB; u++) {
      const h1 = hs[u - a - 1]!;
      ss1 += hs[u]! * h1;
      sl1 += hl[u]! * h1;
      sb1 += hb[u]! * h1;
      sr1 += r[u]! * h1;
    }
    lagS[a] = ss;
    lagL[a] = sl;
    lagB[a] = sb;
    lagR[a] = sr;
    if (both) {
      lagS[a + 1] = ss1;
      lagL[a + 1] = sl1;
      lagB[a + 1] = sb1;
      lagR[a + 1] = sr1;
    }
  };

  return {
    solve(params, free) {
      const rr = passes(params);
      gram.fill(0);
      // Entries for l0 and b0 (predictions rise by h_l, h_b per unit; the residual falls by as much).
      // The five sums in one loop, where each chain of dependent additions overlaps the others
      // (Σ hl·r was also summed twice). Each is still summed in index order.
      let ll = 0;
      let lr = 0;
      let lb = 0;
      let bb = 0;
      let br = 0;
      let peak = 0;
      for (let t = 0; t < n; t++) {
        const l = hl[t]!;
        const e = r[t]!;
        ll += l * l;
        lr += l * e;
        if (hasTrend) {
          const b = hb[t]!;
          lb += l * b;
          bb += b * b;
          br += b * e;
        }
        if (seasonal) peak = Math.max(peak, Math.abs(hs[t]!));
      }
      gram[0] = ll;
      rhs[0] = lr;
      if (hasTrend) {
        gram[1] = gram[p] = lb;
        gram[p + 1] = bb;
        rhs[1] = br;
      }
      if (seasonal) {
        // The impulse response usually dies out well before n (fast when α or γ is large): terms past
        // the point where |h_s| < 1e-12·max|h_s| change the sums below by less than rounding does.
        let span = n;
        while (span > 1 && Math.abs(hs[span - 1]!) < 1e-12 * peak) span--;
        // lag[a] = Σ_{t ≥ a} v(t)·h_s(t − a): v against the season first used at step a.
        for (let a = 0; a < m; a += 2) lagPair(a, a + 1 < m, span);
        // Free season s_j (j = 1..m−1) is first used at step a = m − j; its column is
        // shift_a(h_s) − shift_0(h_s) because s_m = −Σ s_j is the one used at step 0.
        for (let j = 1; j < m; j++) {
          const a = m - j;
          const c = s0 + j - 1;
          gram[c] = gram[c * p] = lagL[a]! - lagL[0]!;
          if (hasTrend) gram[p + c] = gram[c * p + 1] = lagB[a]! - lagB[0]!;
          rhs[c] = lagR[a]! - lagR[0]!;
          for (let j2 = j; j2 < m; j2++) {
            const a2 = m - j2;
            const v =
              shifted(hs, a, a2, lagS, n, span) -
              shifted(hs, a, 0, lagS, n, span) -
              shifted(hs, 0, a2, lagS, n, span) +
              lagS[0]!;
            const c2 = s0 + j2 - 1;
            gram[c * p + c2] = gram[c2 * p + c] = v;
          }
        }
      }
      if (!choleskySolve(gram, rhs, p)) return Number.NaN;
      for (let j = 0; j < p; j++) free[j] = ref[j]! + rhs[j]!;
      // Σ(r − XΔ)² = r'r − Δ'X'r at the least-squares Δ (X'X Δ = X'r); rhs now holds Δ, so recompute X'r·Δ.
      let explained = 0;
      explained += rhs[0]! * lr;
      if (hasTrend) explained += rhs[1]! * br;
      if (seasonal) for (let j = 1; j < m; j++) explained += rhs[s0 + j - 1]! * (lagR[m - j]! - lagR[0]!);
      return Math.max(rr - explained, rr * 1e-15);
    },
  };
}

/** Σ_t h(t − a)·h(t − b) over t from max(a, b) to n − 1, from the full lagged sums `lag` (lag c = |a − b|). */
function shifted(h: Float64Array, a: number, b: number, lag: Float64Array, n: number, span: number): number {
  const lo = Math.min(a, b);
  const c = Math.abs(a - b);
  // lag[c] runs u = 0..n−1−c over h(u)h(u + c); the pair (a, b) stops `lo` terms earlier. h is 0 from `span` on.
  let v = lag[c]!;
  for (let u = n - lo - c; u < Math.min(n - c, span - c); u++) v -= h[u]! * h[u + c]!;
  return v;
}

/**
 * Solves A x = b in place (x into b) for a symmetric positive (semi)definite p×p A by Cholesky, with a
 * ridge of 1e-12 of the largest diagonal so that a direction the data cannot see (an initial season
 * whose effect has decayed to nothing) gets a zero change rather than a huge one. False if A is not
 * positive definite even so.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, p: number): boolean {
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, a[i * p + i]!);
  if (!(maxDiag > 0)) return false;
  const ridge = 1e-12 * maxDiag;
  for (let i = 0; i < p; i++) a[i * p + i]! += ridge;
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) d -= a[j * p + k]! * a[j * p + k]!;
    if (!(d > 0)) return false;
    const root = Math.sqrt(d);
    a[j * p + j] = root;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = s / root;
    }
  }
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * p + k]! * b[k]!;
    b[i] = s / a[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < p; k++) s -= a[k * p + i]! * b[k]!;
    b[i] = s / a[i * p + i]!;
  }
  return true;
}
