/**
 * LMIndexer measurements (issue 5): first-position AMI, code usage, perplexity and collision rate of LMIndexer IDs
 * beside HC on TF-IDF+SVD and k-means on GloVe document vectors, at the same codebook size, on
 *  - the synthetic corpus (known hierarchy; AMI of position 1 vs level1), and
 *  - Scientific (small preset, T = 3 + collision position; AMI of position 1 vs level2).
 * Usage: npx tsx bench/indexer.ts [synthetic|scientific|all] [--quick]. Writes bench/results/indexer.json (merged).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src/backend';
import { type LmiConfig, preset } from '../src/config';
import { loadCorpus } from '../src/data/loaders';
import type { Corpus } from '../src/data/types';
import { embedWithGlove } from '../src/embeddings/glove-docs';
import { adjustedMutualInfo } from '../src/eval/ami';
import { idStats, prefixLabels } from '../src/eval/id-stats';
import { embedTfidf, indexHc, labelsOf } from '../src/experiments/id-quality';
import { LMIndexer } from '../src/indexer/lmindexer';
import type { LMIndexerOptions } from '../src/indexer/options';
import { collisionStats } from '../src/quantize/collisions';
import { kmeans } from '../src/quantize/kmeans';
import { Rng } from '../src/rng';

const OUT = path.join(__dirname, 'results', 'indexer.json');

function summary(corpus: Corpus, ids: number[][], key: string, T: number): Record<string, unknown> {
  const truth = labelsOf(corpus, key);
  const s = idStats(ids.map((r) => r.slice(0, T)));
  return {
    amiFirst: +adjustedMutualInfo(truth, prefixLabels(ids, 1)).toFixed(4),
    amiByPrefix: Array.from({ length: T }, (_, t) => +adjustedMutualInfo(truth, prefixLabels(ids, t + 1)).toFixed(4)),
    codesUsedFirst: s.codesUsed[0], perplexityFirst: +s.perplexity[0].toFixed(2),
    collisionRateBefore: +s.collisionRate[T - 1].toFixed(4), collisionStatsAfter: ids[0].length > T ? collisionStats(ids) : undefined,
  };
}

async function run(name: 'synthetic' | 'scientific', quick: boolean): Promise<Record<string, unknown>> {
  const cfg: LmiConfig = preset('small');
  const key = name === 'synthetic' ? 'level1' : 'level2';
  const K = name === 'synthetic' ? 8 : 64;
  cfg.data.corpus = name;
  cfg.data.maxDocs = quick ? 800 : 0;
  if (name === 'scientific') cfg.tokenizer.maxLength = 32; // ≤ 15 min wall on 2 shared cores
  cfg.indexer.codebookSize = K;
  const rng = new Rng(cfg.seed);
  const corpus = loadCorpus(cfg.data, rng.fork());
  const out: Record<string, unknown> = { corpus: corpus.source, docs: corpus.docs.length, labelKey: key, codebookSize: K };
  // Baselines at the same codebook size.
  let t = Date.now();
  const hcCfg = { ...cfg, hc: { k: K, depth: 3, collisionPosition: true } };
  const hc = indexHc(embedTfidf(corpus, hcCfg, rng.fork()), hcCfg, rng.fork());
  out.hcTfidf = { ...summary(corpus, hc.ids, key, 3), ms: Date.now() - t };
  t = Date.now();
  const glove = embedWithGlove(corpus.docs.map((d) => d.text), { weighting: 'idf' });
  const km = kmeans(glove, K, { ...cfg.kmeans, nInit: 3 }, rng.fork());
  out.gloveKmeans = { amiFirst: +adjustedMutualInfo(labelsOf(corpus, key), Array.from(km.assignments)).toFixed(4), codesUsed: new Set(km.assignments).size, ms: Date.now() - t };
  const variants: [string, Partial<LMIndexerOptions>][] = [['lmindexer-glove', { gloveInit: true }]];
  const hints = process.argv.find((a) => a.startsWith('--hints='));
  if (hints) variants[0][1].hintRatios = hints.slice(8).split(',').map(Number);
  if (process.argv.includes('--random-init')) variants.push(['lmindexer-random', { gloveInit: false }]);
  for (const [label, extra] of variants) {
    t = Date.now();
    const overrides: Partial<LMIndexerOptions> = {
      codebookSize: K, batchSize: 32,
      reconWarmupEpochs: quick || name === 'scientific' ? 1 : 2, encoderWarmupEpochs: quick ? 2 : name === 'synthetic' ? 4 : 1,
      jointEpochs: 1,
      diagnosticsEvery: 0, probeDocs: 128, ...extra,
    };
    const lmi = new LMIndexer(cfg, overrides);
    const log = path.join(__dirname, 'results', `indexer-${name}-${label}.jsonl`);
    fs.rmSync(log, { force: true });
    const truth = labelsOf(corpus, key);
    const amiAfterStage: Record<string, number> = {};
    const res = await lmi.fit(corpus, {
      log,
      onStageEnd: (stage, sname, x) => {
        if (stage.position === 0 && x.lastCodes && (stage.kind === 'codebook-init' || stage.kind === 'assign')) {
          amiAfterStage[sname] = +adjustedMutualInfo(truth, Array.from(x.lastCodes)).toFixed(4);
        }
      },
    });
    const kmInit = lmi.diagnostics.rows.find((r) => r.stage && String(r.stage).includes('codebook-init-p1'));
    out[label] = {
      ...summary(corpus, res.ids, key, 3), options: overrides, ms: Date.now() - t, stageMs: res.meta.stageMs,
      afterCodebookInit: kmInit, amiFirstAfterStage: amiAfterStage, glove: res.meta.glove,
      finalEvalP1: lmi.diagnostics.rows.filter((r) => r.kind === 'eval' && r.position === 1).slice(-1)[0],
    };
    lmi.dispose();
    process.stderr.write(`${name} ${label}: ${JSON.stringify(out[label]).slice(0, 400)}\n`);
  }
  return out;
}

async function main(): Promise<void> {
  await initBackend({ quiet: true });
  const which = process.argv[2] ?? 'all';
  const quick = process.argv.includes('--quick');
  const prev = fs.existsSync(OUT) ? JSON.parse(fs.readFileSync(OUT, 'utf8')) : {};
  for (const name of ['synthetic', 'scientific'] as const) {
    if (which !== 'all' && which !== name) continue;
    const t = Date.now();
    prev[name + (quick ? '-quick' : '')] = { ...(await run(name, quick)), wallMs: Date.now() - t, date: new Date().toISOString() };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, JSON.stringify(prev, null, 2) + '\n');
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
