import type { ModelForecast } from './types.ts';

/** Whether every point forecast and interval bound is a finite number (the contract of `types.ts`). */
export function isFiniteForecast(f: ModelForecast): boolean {
  for (const v of f.mean) if (!Number.isFinite(v)) return false;
  for (const i of f.intervals) {
    for (const v of i.lower) if (!Number.isFinite(v)) return false;
    for (const v of i.upper) if (!Number.isFinite(v)) return false;
  }
  return true;
}
