/**
 * Forecasts every series of an input: on the calling thread when there is one series or little work,
 * otherwise on one worker thread per core (`worker-pool.ts`), in input order either way.
 */
import type { SeriesForecast } from './forecast-output.ts';
import type { ForecastTask } from './forecast-task.ts';
import { type ForecastRequest, forecastRaw, validateRequest } from './run-forecast.ts';
import type { RawSeries } from './series-input.ts';
import { runInWorkers } from './worker-pool.ts';

/** Below this many points in all, starting workers (about 0.3 s each) costs more than it saves. */
const WORKER_THRESHOLD_POINTS = 20_000;

export async function forecastMany(
  series: readonly RawSeries[],
  request: ForecastRequest,
  label: string,
  onProgress?: (done: number, total: number) => void,
): Promise<SeriesForecast[]> {
  validateRequest(request);
  const points = series.reduce((n, s) => n + s.values.length, 0);
  if (series.length === 1 || points < WORKER_THRESHOLD_POINTS) {
    return series.map((raw, i) => {
      const result = forecastRaw(raw, request, label);
      onProgress?.(i + 1, series.length);
      return result;
    });
  }
  const tasks: ForecastTask[] = series.map((raw) => ({ raw, request, label }));
  return runInWorkers<ForecastTask, SeriesForecast>(new URL('./forecast-task.ts', import.meta.url), tasks, {
    ...(onProgress ? { onProgress } : {}),
  });
}
