/**
 * Constrained beam search speed (issue 7 target: ≤ 20 ms/query for beam 20, 3 positions × 256 codes, `small` model).
 * The decoder is {@link MockMatmulDecoder}: per step one [batch·beam, 128] × [128, 256] matmul plus gather / tanh /
 * log-softmax — the output-layer cost of the `small` preset, not the full T5 decoder stack (which will add its own
 * per-step cost once src/model exists). Rows: selection (sparse typed arrays vs tf.topk) × queries per batch, and
 * the decoder alone (same steps, no search) to show the search's own overhead.
 *
 * Peer: a GENRE-style reference in PyTorch (bench/peer/genre_beam.py: dict trie asked per beam, same weights and start
 * rows) timed on the same queries; the bench prints the ratio and how many top-1 IDs agree (`--no-peer` skips it).
 *
 * Run: `npx tsx bench/beam-search.ts [--ids 4344] [--queries 64] [--reps 3] [--no-peer]`; writes bench/results/beam-search.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/backend';
import { constrainedBeamSearch } from '../src/generative/beam-search';
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
  const peer = process.argv.includes('--no-peer') ? undefined : await runPeer(setup, { L, V, beam, totalQueries, reps, batches: [1, 8, 32] });
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
    peer,
  };
  console.log(`beam search: beam ${beam}, ${L} positions × ${V} codes, ${trie.size} IDs, mock decoder [rows,128]×[128,${V}]; ${meta.backend}`);
  console.log(['what'.padEnd(14), 'selection'.padEnd(9), 'batch'.padStart(5), 'ms/query'.padStart(9), 'ms/batch'.padStart(9)].join('  '));
  for (const r of rows) {
    console.log([r.what.padEnd(14), r.selection.padEnd(9), String(r.batch).padStart(5), r.msPerQuery.toFixed(2).padStart(9), r.msPerBatch.toFixed(1).padStart(9)].join('  '));
  }
  if (peer && 'msPerQuery' in peer) {
    for (const [b, ms] of Object.entries(peer.msPerQuery)) {
      const ours = rows.find((r) => r.what === 'beam search' && r.selection === 'sparse' && r.batch === Number(b))!.msPerQuery;
      console.log(`batch ${b}: ours ${ours.toFixed(2)} ms/query, GENRE-style PyTorch reference (dict trie per beam) ${ms.toFixed(2)} ms/query → ours/reference time ${(ours / ms).toFixed(2)}; same top-1 ID for ${peer.agreement[b]} queries`);
    }
  } else if (peer) console.log(`peer skipped: ${peer.error}`);
  const out = path.join(__dirname, 'results', 'beam-search.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ meta, rows }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

type PeerResult = { msPerQuery: Record<string, number>; agreement: Record<string, string>; torch: string } | { error: string };

/**
 * The GENRE-style reference (bench/peer/genre_beam.py): the same mock decoder weights and start rows, a Python dict
 * trie asked per beam per step. Returns its ms/query per batch size and how many queries get the same top-1 ID.
 */
async function runPeer(setup: ReturnType<typeof beamSetup>, o: { L: number; V: number; beam: number; totalQueries: number; reps: number; batches: number[] }): Promise<PeerResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-beam-peer-'));
  try {
    const w = setup.dec.weights();
    fs.writeFileSync(path.join(dir, 'embed.f32'), Buffer.from(w.embed.buffer));
    fs.writeFileSync(path.join(dir, 'out.f32'), Buffer.from(w.out.buffer));
    const ours: Record<string, number[][]> = {};
    for (const b of o.batches) {
      const start = setup.dec.start(b, new Rng(b));
      fs.writeFileSync(path.join(dir, `start-${b}.f32`), Buffer.from(Float32Array.from(start.dataSync()).buffer));
      const hits = await constrainedBeamSearch(setup.dec, { state: start, numQueries: b }, setup.trie, { beamSize: o.beam });
      ours[b] = hits.map((h) => h[0].id);
    }
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({
      codebookSize: o.V, hidden: setup.dec.hidden, positions: o.L, beamSize: o.beam, ids: [...setup.trie.ids()], queries: o.totalQueries, reps: o.reps, batches: o.batches,
    }));
    const py = process.env.LMI_PEER_PYTHON ?? '/usr/bin/python3';
    const r = spawnSync(py, [path.join(__dirname, 'peer', 'genre_beam.py'), '--dir', dir, '--threads', '1'], { encoding: 'utf8' });
    if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').slice(-1)[0] };
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { msPerQuery: Record<string, number>; top1: Record<string, number[][]>; torch: string };
    const agreement: Record<string, string> = {};
    for (const b of o.batches) {
      const same = ours[b].filter((id, i) => id.join(',') === (j.top1[b]?.[i] ?? []).join(',')).length;
      agreement[b] = `${same}/${b}`;
    }
    return { msPerQuery: j.msPerQuery, agreement, torch: j.torch };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
