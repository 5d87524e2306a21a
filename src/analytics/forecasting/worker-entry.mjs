// A worker thread of worker-pool.ts: registers the TypeScript loader, loads the task module named in
// workerData, and answers each task message with its result (or the error, with its code).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { default: run } = await import(workerData.module);
parentPort.on('message', async (task) => {
  try {
    parentPort.postMessage({ ok: true, result: await run(task) });
  } catch (error) {
    parentPort.postMessage({
      ok: false,
      error: { message: String(error?.message ?? error), code: error?.code, name: error?.name },
    });
  }
});
