/**
 * Constrained beam search speed (issue 7 target: ≤ 20 ms/query for beam 20, 3 positions × 256 codes, `small` model).
 * The decoder is {@link MockMatmulDecoder}: per step one [batch·beam, 128] × [128, 256] matmul plus gather / tanh /
 * log-softmax — the output-layer cost of the `small` preset, not the full T5 decoder stack (which will add its own
 * per-step cost once src/model exists). Rows: selection (sparse typed arrays vs tf.topk) × queries per batch, and
 * the decoder alone (same steps, no search) to show the search's own overhead.
 *
 * Run: `npx tsx bench/beam-search.ts [--ids 4344] [--queries 64] [--reps 3]`; writes bench/results/beam-search.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/backend';
import { Rng } from '../src/rng';
import { beamSetup, searchOnce, timePerQuery } from './beam-setup';

interface Row {
  what: string;
  selection: string;
  batch: number;
  msPerQuery: number;
  msPerBatch: number;
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<void> {
  const backend = await initBackend({ quiet: true });
  const V = 256;
  const L = 3;
  const beam = 20;
  const numIds = arg('ids', 4344); // Scientific's item count
  const totalQueries = arg('queries', 64);
  const reps = arg('reps', 3);
  const setup = beamSetup({ codebookSize: V, positions: L, numIds, hidden: 128 });
  const { trie, dec } = setup;
  const rows: Row[] = [];
  const time = (batch: number, body: (q: number) => Promise<void>): Promise<number> => timePerQuery(totalQueries, reps, batch, body);

  for (const batch of [1, 8, 32]) {
    // Decoder alone: the same step/reorder calls with all rows kept, no trie, no selection.
    const decoderOnly = await time(batch, async (q) => {
      let state = dec.start(q, new Rng(q));
      for (let t = 0; t < L; t++) {
        const rowsNow = t === 0 ? q : q * beam;
        const out = dec.step(state, { position: t, rows: rowsNow, prefixes: new Int32Array(0), lastCodes: new Int32Array(rowsNow) });
        state = out.state;
        await (out.logProbs as tf.Tensor).data();
        (out.logProbs as tf.Tensor).dispose();
        if (t < L - 1) state = dec.reorder(state, new Int32Array(q * beam).map((_, i) => (t === 0 ? Math.floor(i / beam) : i)));
      }
      dec.dispose(state);
    });
    rows.push({ what: 'decoder only', selection: '-', batch, msPerQuery: decoderOnly, msPerBatch: decoderOnly * batch });
    for (const selection of ['sparse', 'topk'] as const) {
      const ms = await time(batch, (q) => searchOnce(setup, q, beam, selection));
      rows.push({ what: 'beam search', selection, batch, msPerQuery: ms, msPerBatch: ms * batch });
    }
  }
  const leak = tf.memory().numTensors;
  dec.release();

  const meta = {
    date: new Date().toISOString(),
    backend: describeBackend(backend),
    node: process.version,
    cpu: `${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}`,
    setup: { positions: L, codebookSize: V, beamSize: beam, ids: trie.size, hidden: 128, queries: totalQueries, reps, timing: 'best of reps' },
    target: 'issue 7: <= 20 ms/query',
    liveTensorsAfterRuns: leak,
  };
  console.log(`beam search: beam ${beam}, ${L} positions × ${V} codes, ${trie.size} IDs, mock decoder [rows,128]×[128,${V}]; ${meta.backend}`);
  console.log(['what'.padEnd(14), 'selection'.padEnd(9), 'batch'.padStart(5), 'ms/query'.padStart(9), 'ms/batch'.padStart(9)].join('  '));
  for (const r of rows) {
    console.log([r.what.padEnd(14), r.selection.padEnd(9), String(r.batch).padStart(5), r.msPerQuery.toFixed(2).padStart(9), r.msPerBatch.toFixed(1).padStart(9)].join('  '));
  }
  const out = path.join(__dirname, 'results', 'beam-search.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ meta, rows }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
