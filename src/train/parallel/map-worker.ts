/** Worker-thread side of {@link parallelMap}: build the task's mapper, map the chunks it claims (posting each), exit. */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../backend';
import { claimChunks, type FromMapWorker, type WorkerMapInit, loadMapSpec } from './map';

const init = workerData as WorkerMapInit;
const post = (m: FromMapWorker): void => parentPort!.postMessage(m);

async function main(): Promise<void> {
  await initBackend({ backend: init.backend, quiet: true });
  const mapper = await loadMapSpec<unknown, unknown>(init.task).create(init.task.args);
  try {
    await claimChunks(init.items, init.chunk, new Int32Array(init.counter), init.first, async (index, part) => post({ type: 'chunk', index, out: await mapper.run(part) }));
    post({ type: 'done' });
  } finally {
    mapper.dispose?.();
  }
}

main().catch((e: Error) => post({ type: 'error', message: e?.stack ?? String(e) }));
