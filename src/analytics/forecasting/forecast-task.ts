// The worker-thread task of forecast-many.ts: one series and the request in, its forecast out.
import type { SeriesForecast } from './forecast-output.ts';
import { type ForecastRequest, forecastRaw } from './run-forecast.ts';
import type { RawSeries } from './series-input.ts';

export interface ForecastTask {
  readonly raw: RawSeries;
  readonly request: ForecastRequest;
  readonly label: string;
}

export default function runForecastTask(task: ForecastTask): SeriesForecast {
  return forecastRaw(task.raw, task.request, task.label);
}
