import { describe, expect, it } from 'vitest';
import { runInWorkers } from './worker-pool.ts';

const module = new URL('./worker-pool.fixture.ts', import.meta.url);

describe('runInWorkers', () => {
  it('returns every result in task order, from two threads', async () => {
    const progress: number[] = [];
    const tasks = Array.from({ length: 9 }, (_, i) => ({ n: i }));
    const results = await runInWorkers<{ n: number }, { square: number; thread: number }>(module, tasks, {
      threads: 2,
      onProgress: (done) => progress.push(done),
    });
    expect(results.map((r) => r.square)).toEqual(tasks.map((t) => t.n * t.n));
    expect(new Set(results.map((r) => r.thread)).size).toBe(2);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rejects with the coded error a task threw', async () => {
    await expect(runInWorkers(module, [{ n: -1 }], { threads: 1 })).rejects.toMatchObject({
      code: 'SL_FORECAST_INPUT_INVALID',
      message: 'negative',
    });
  });
});
