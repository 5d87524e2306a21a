/**
 * Runs independent tasks on worker threads, one per core, so that many series are forecast on both
 * cores of a small machine. Each worker loads `worker-entry.mjs`, which registers the TypeScript loader
 * (the CLI runs the sources directly, and a worker does not inherit the parent's loader hooks) and then
 * the task module. Results come back in the order of the tasks.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface PoolOptions {
  /** Worker threads to start (default: the available cores, at most one per task). */
  readonly threads?: number;
  /** Called after each finished task with the number done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs `tasks` through the worker module `moduleUrl` (a `.ts` file whose default export is
 * `(task) => result`), in parallel, and returns the results in task order. A task that throws in the
 * worker rejects the whole run with that error's message (its `code` kept when it has one).
 */
export async function runInWorkers<Task, Result>(
  moduleUrl: URL,
  tasks: readonly Task[],
  options: PoolOptions = {},
): Promise<Result[]> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), tasks.length));
  const results = new Array<Result>(tasks.length);
  let next = 0;
  let done = 0;
  const entry = new URL('./worker-entry.mjs', import.meta.url);
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: threads }, async () => {
        const worker = new Worker(entry, { workerData: { module: moduleUrl.href } });
        workers.push(worker);
        while (next < tasks.length) {
          const index = next++;
          results[index] = await runOne<Result>(worker, tasks[index]);
          done++;
          options.onProgress?.(done, tasks.length);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

function runOne<Result>(worker: Worker, task: unknown): Promise<Result> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { ok: true; result: Result } | { ok: false; error: WorkerError }) => {
      cleanup();
      if (message.ok) resolve(message.result);
      else reject(Object.assign(new Error(message.error.message), message.error));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(task);
  });
}

export interface WorkerError {
  readonly message: string;
  readonly code?: string;
  readonly name?: string;
}
