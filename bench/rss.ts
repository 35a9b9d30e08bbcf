/**
 * Preload for `bench/run.ts`: at process exit write the peak resident set size and, when tfjs was loaded, the
 * number of live tensors to `$LMI_BENCH_RSS` (default bench/results/<script name>.rss.json).
 *
 *   node --import tsx --import ./bench/rss.ts bench/kmeans.ts
 *
 * maxRSS covers this process and all its threads (workers included), not child processes (e.g. the PyTorch peer).
 * Only the main thread writes; worker threads that inherit the flag do nothing.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const req = createRequire(__filename);

/** tf.memory().numTensors if the bench loaded tfjs-core (never loads it itself), else null. */
function liveTensors(): number | null {
  try {
    const main = req.resolve('@tensorflow/tfjs-core');
    const core = req.cache[main]?.exports as { memory?: () => { numTensors: number } } | undefined;
    return core?.memory ? core.memory().numTensors : null;
  } catch {
    return null;
  }
}

if (isMainThread) {
  const name = path.basename(process.argv[1] ?? 'bench', path.extname(process.argv[1] ?? ''));
  const file = process.env.LMI_BENCH_RSS ?? path.join(__dirname, 'results', `${name}.rss.json`);
  const t0 = Date.now();
  process.on('exit', (code) => {
    const out = {
      bench: name, exit_code: code, wall_s: (Date.now() - t0) / 1000,
      max_rss_mb: process.resourceUsage().maxRSS / 1024, live_tensors: liveTensors(),
    };
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
    } catch (e) {
      process.stderr.write(`[rss] could not write ${file}: ${(e as Error).message}\n`);
    }
  });
}
