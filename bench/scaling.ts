/**
 * Scaling curves (issue 10), each measured in one run so the ratios along a curve share the machine's load:
 *  (a) indexing time vs corpus size: buildIndex (TF-IDF + SVD → hierarchical k-means, the `small` preset) on the
 *      synthetic corpus with 1k/2k/4k/8k documents; corpus generation is outside the timing;
 *  (b) constrained beam search ms/query vs codebook size (beam 20) and vs beam width (codebook 256), with the
 *      mock decoder and random ID trie of bench/beam-search.ts (bench/beam-setup.ts).
 * Points of a curve are timed in turns (rep r of every point, then rep r + 1) and the best rep is kept.
 *
 *   npx tsx bench/scaling.ts [--docs 1000,2000,4000,8000] [--codebooks 64,128,256,512] [--beams 5,10,20,40]
 *                            [--reps 3] [--queries 64] [--batch 8] [--ids 4344] [--no-png]
 * Writes bench/results/scaling.json and scaling-{indexing,beam-codebook,beam-width}.html (+ .png with Chromium).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/backend';
import { preset } from '../src/config';
import { loadCorpus } from '../src/data/loaders';
import { buildIndex } from '../src/experiments/build-index';
import { Rng } from '../src/rng';
import { openExporter, writeHtml } from '../src/viz/export';
import type { FigureSpec } from '../src/viz/figure';
import { line } from '../src/viz/plots';
import { beamSetup, searchOnce, timePerQuery } from './beam-setup';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}
const list = (name: string, dflt: string): number[] => arg(name, dflt).split(',').map(Number);

/** Time every point `reps` times in turns; returns the best time (whatever unit `run` returns) per point. */
async function inTurns<P>(points: P[], reps: number, run: (p: P) => Promise<number>): Promise<number[]> {
  const best = points.map(() => Infinity);
  for (let r = 0; r < reps; r++) for (const [i, p] of points.entries()) best[i] = Math.min(best[i], await run(p));
  return best;
}

async function main(): Promise<void> {
  const backend = await initBackend({ quiet: true });
  const docs = list('docs', '1000,2000,4000,8000');
  const codebooks = list('codebooks', '64,128,256,512');
  const beams = list('beams', '5,10,20,40');
  const reps = Number(arg('reps', '3'));
  const queries = Number(arg('queries', '64'));
  const batch = Number(arg('batch', '8'));
  const numIds = Number(arg('ids', '4344'));
  const loadBefore = os.loadavg();
  console.log(`scaling: ${describeBackend(backend)}; ${os.cpus().length} cores; load ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);

  // (a) indexing vs corpus size
  const cfg = preset('small');
  const corpora = docs.map((n) => loadCorpus({ ...cfg.data, corpus: 'synthetic', maxDocs: 0, synthetic: { ...cfg.data.synthetic, numDocs: n } }, new Rng(cfg.seed)));
  const indexSeconds = await inTurns(corpora, reps, async (corpus) => {
    const t0 = performance.now();
    buildIndex(cfg, { corpus });
    return (performance.now() - t0) / 1000;
  });
  const indexing = docs.map((n, i) => ({ docs: corpora[i].docs.length, requested: n, seconds: indexSeconds[i], docs_per_s: corpora[i].docs.length / indexSeconds[i] }));
  for (const r of indexing) console.log(`index ${r.docs} docs: ${r.seconds.toFixed(2)} s, ${r.docs_per_s.toFixed(0)} docs/s`);

  // (b) beam search vs codebook size (beam 20) and vs beam width (codebook 256)
  const positions = 3;
  const search = async (codebookSize: number, beamSizes: number[]): Promise<number[]> => {
    const s = beamSetup({ codebookSize, positions, numIds });
    try {
      return await inTurns(beamSizes, reps, (b) => timePerQuery(queries, 1, batch, (q) => searchOnce(s, q, b)));
    } finally {
      s.dec.release();
    }
  };
  const setups = codebooks.map((v) => beamSetup({ codebookSize: v, positions, numIds }));
  const byCodebookMs = await inTurns(setups, reps, (s) => timePerQuery(queries, 1, batch, (q) => searchOnce(s, q, 20)));
  for (const s of setups) s.dec.release();
  const byCodebook = codebooks.map((v, i) => ({ codebook_size: v, beam: 20, ms_per_query: byCodebookMs[i] }));
  const byBeam = (await search(256, beams)).map((ms, i) => ({ codebook_size: 256, beam: beams[i], ms_per_query: ms }));
  for (const r of [...byCodebook, ...byBeam]) console.log(`beam search, codebook ${r.codebook_size}, beam ${r.beam}: ${r.ms_per_query.toFixed(2)} ms/query`);

  const loadAfter = os.loadavg();
  const out = {
    date: new Date().toISOString(),
    host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load_before: loadBefore, load_after: loadAfter },
    backend: describeBackend(backend), node: process.version,
    setup: { reps, timing: 'best of reps, points timed in turns', indexing: 'buildIndex(small preset, tfidf, hc) on synthetic corpus', beam: { positions, ids: numIds, hidden: 128, queries, batch, selection: 'sparse', decoder: 'MockMatmulDecoder' } },
    indexing, beam_vs_codebook: byCodebook, beam_vs_width: byBeam,
    live_tensors: tf.memory().numTensors,
  };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'scaling.json'), JSON.stringify(out, null, 2) + '\n');

  const when = `${out.date.slice(0, 10)}, ${os.cpus().length}-core ${os.cpus()[0]?.model ?? ''}, load ${loadBefore[0].toFixed(1)}`;
  const figs: FigureSpec[] = [
    line({ id: 'scaling-indexing', title: 'Indexing time vs corpus size (TF-IDF + HC, synthetic)', caption: when, xTitle: 'documents', yTitle: 'seconds', markers: true,
      series: [{ name: 'buildIndex', x: indexing.map((r) => r.docs), y: indexing.map((r) => r.seconds) }] }),
    line({ id: 'scaling-beam-codebook', title: 'Beam search (beam 20) vs codebook size', caption: when, xTitle: 'codebook size', yTitle: 'ms / query', markers: true,
      series: [{ name: `batch ${batch}`, x: codebooks, y: byCodebook.map((r) => r.ms_per_query) }] }),
    line({ id: 'scaling-beam-width', title: 'Beam search (codebook 256) vs beam width', caption: when, xTitle: 'beam width', yTitle: 'ms / query', markers: true,
      series: [{ name: `batch ${batch}`, x: beams, y: byBeam.map((r) => r.ms_per_query) }] }),
  ];
  for (const f of figs) writeHtml(f, path.join(dir, `${f.id}.html`));
  if (!process.argv.includes('--no-png')) {
    const ex = await openExporter();
    try {
      for (const f of figs) await ex.png(f, path.join(dir, `${f.id}.png`));
    } finally {
      await ex.close();
    }
    if (!ex.available) console.log(`no PNG: ${ex.reason}`);
  }
  console.log(`wrote bench/results/scaling.json and ${figs.length} figures; load after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
