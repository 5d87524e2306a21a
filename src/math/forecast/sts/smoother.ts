/**
 * The state smoother E[α_t | y_1..y_n] of a structural model: the backward recursion of Durbin & Koopman
 * (2012) eq. (4.44), r_{t−1} = Z_t' v_t / F_t + L_t' r_t, α̂_t = a_t + P_t r_{t−1}, with L_t = T − K_t Z_t,
 * extended through the diffuse phase by the exact initial smoother of §5.3 (eq. 5.21: two backward
 * vectors r^(0), r^(1), α̂_t = a_t + P_*,t r^(0)_{t−1} + P_∞,t r^(1)_{t−1}). Missing points carry
 * r back unchanged apart from T' (§4.10). Smoothed state variances are not computed: nothing here
 * needs them, and they cost an n·k² backward pass.
 */
import { type FilterResult, kalmanFilter } from './filter.ts';
import { observationRow, type StateLayout, type StsVariances, transposeApply } from './system.ts';

export interface SmoothedStates {
  /** α̂_t for every t, n×k row-major, in the layout's state order. */
  readonly states: Float64Array;
  readonly filter: FilterResult;
}

/** Filters y (NaN = missing) and returns the smoothed state at every time point. */
export function smoothStates(
  layout: StateLayout,
  y: Float64Array,
  xreg: readonly Float64Array[],
  variances: StsVariances,
): SmoothedStates {
  const k = layout.k;
  const n = y.length;
  const filter = kalmanFilter(layout, y, xreg, variances, { store: true });
  const store = filter.store!;
  const states = new Float64Array(n * k);
  const r0 = new Float64Array(k);
  const r1 = new Float64Array(k);
  const z = new Float64Array(k);
  for (let t = n - 1; t >= 0; t--) {
    observationRow(layout, xreg, t, z);
    const v = store.v[t]!;
    const fStar = store.fStar[t]!;
    const fInf = store.fInf[t]!;
    const mo = t * k;
    transposeApply(layout, r0);
    transposeApply(layout, r1);
    if (!Number.isNaN(v)) {
      let mStarR0 = 0;
      for (let i = 0; i < k; i++) mStarR0 += store.mStar[mo + i]! * r0[i]!;
      if (fInf > 0) {
        // D&K eq. (5.21): L^(0) = T − K^(0) Z, L^(1) = −K^(1) Z, K^(1) = T (M_* − M_∞ F_*/F_∞) / F_∞.
        let mInfR0 = 0;
        let mInfR1 = 0;
        for (let i = 0; i < k; i++) {
          mInfR0 += store.mInf[mo + i]! * r0[i]!;
          mInfR1 += store.mInf[mo + i]! * r1[i]!;
        }
        const k1R0 = (mStarR0 - (mInfR0 * fStar) / fInf) / fInf;
        const c0 = -mInfR0 / fInf;
        const c1 = v / fInf - mInfR1 / fInf - k1R0;
        for (let i = 0; i < k; i++) {
          const zi = z[i]!;
          if (zi === 0) continue;
          r0[i]! += zi * c0;
          r1[i]! += zi * c1;
        }
      } else {
        const c = (v - mStarR0) / fStar;
        for (let i = 0; i < k; i++) if (z[i] !== 0) r0[i]! += z[i]! * c;
      }
    }
    const po = t * k * k;
    for (let i = 0; i < k; i++) {
      let s = store.a[mo + i]!;
      const row = po + i * k;
      for (let j = 0; j < k; j++) s += store.pStar[row + j]! * r0[j]! + store.pInf[row + j]! * r1[j]!;
      states[mo + i] = s;
    }
  }
  return { states, filter };
}
