/** Worker-thread side of {@link parallelMap}: build the task's mapper, map the shard once, post the outputs, exit. */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../backend';
import { type FromMapWorker, type WorkerMapInit, loadMapSpec } from './map';

const init = workerData as WorkerMapInit;
const post = (m: FromMapWorker): void => parentPort!.postMessage(m);

async function main(): Promise<void> {
  await initBackend({ backend: init.backend, quiet: true });
  const mapper = await loadMapSpec<unknown, unknown>(init.task).create(init.task.args);
  try {
    post({ type: 'done', out: await mapper.run(init.items) });
  } finally {
    mapper.dispose?.();
  }
}

main().catch((e: Error) => post({ type: 'error', message: e?.stack ?? String(e) }));
