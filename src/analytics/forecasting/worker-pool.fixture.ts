// The task module of worker-pool.test.ts: squares a number after a short busy wait (so that both
// threads take tasks), and fails with a coded error on a negative one.
import { threadId } from 'node:worker_threads';
import { SightlineError } from '../../errors/index.ts';

export default function square(task: { n: number }): { square: number; thread: number } {
  if (task.n < 0) throw new SightlineError('SL_FORECAST_INPUT_INVALID', 'negative');
  const until = performance.now() + 20;
  while (performance.now() < until) {
    // busy: hold this thread so the next task goes to the other one
  }
  return { square: task.n * task.n, thread: threadId };
}
