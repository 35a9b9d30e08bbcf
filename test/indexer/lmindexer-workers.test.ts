/** LMIndexer training stages on data-parallel workers (issue 14): exact gradients, full fits, determinism, cleanup. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/config';
import { syntheticCorpus } from '../../src/data/synthetic';
import { LMIndexer } from '../../src/indexer/lmindexer';
import { lmIndexerOptions } from '../../src/indexer/options';
import type { Stage } from '../../src/indexer/progressive';
import { type HiddenRange, corpusHidden, hiddenRanges, joinHidden, rangeHidden } from '../../src/indexer/diagnostics';
import { Reconstructor } from '../../src/indexer/reconstructor';
import { indexerReplicaTask, shardStageBatch, stageBatchWeight } from '../../src/indexer/replica';
import { SemanticEncoder } from '../../src/indexer/semantic-encoder';
import { type StageBatch, type StageModel, indexerParams, stageBatch, stageLoss, stageParams } from '../../src/indexer/stage-loss';
import { Rng } from '../../src/rng';
import { buildTokenizer, encodeBatch } from '../../src/text/index';
import { DataParallel } from '../../src/train/parallel/engine';
import { Trainer } from '../../src/train/trainer';
import { relativeL2Error } from '../helpers/numeric';

before(async () => {
  await initBackend({ quiet: true });
  process.env.LMI_QUIET = '1';
});

const corpus = syntheticCorpus(
  { numDocs: 40, branching: [3, 2], minWords: 4, maxWords: 14, wordsPerTopic: 6, backgroundWords: 30, backgroundRate: 0.3 },
  new Rng(5),
);
const texts = corpus.docs.map((d) => d.text);

function tinyCfg() {
  const cfg = preset('small');
  cfg.model = { ...cfg.model, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1, dropoutRate: 0 };
  cfg.tokenizer = { ...cfg.tokenizer, maxLength: 16, vocabSize: 200, minFrequency: 1 };
  cfg.indexer = { ...cfg.indexer, idLength: 2, codebookSize: 4, batchSize: 10, gloveInit: false };
  return cfg;
}

/** Encoder, reconstructor and random codebooks / position-1 codes of the tiny config on the test corpus. */
function tinyStageModel(cfg: ReturnType<typeof tinyCfg>, o: ReturnType<typeof lmIndexerOptions>, seed: number): StageModel {
  const tok = buildTokenizer(cfg.tokenizer, texts);
  const m = cfg.model;
  const rng = new Rng(seed);
  return {
    encoder: SemanticEncoder.create(m, tok.vocabSize, o.idLength, o.codebookSize, 1),
    reconstructor: new Reconstructor({ dModel: m.dModel, numHeads: m.numHeads, dKv: m.dKv, dFf: m.dFf, layers: 1, maxLength: o.maxLength }, 2),
    codebooks: Array.from({ length: o.idLength }, () => tf.variable(tf.tensor2d(Array.from({ length: o.codebookSize * m.dModel }, () => rng.normal()), [o.codebookSize, m.dModel]))),
    corpus: encodeBatch(tok, texts, o.maxLength),
    codes: [Int32Array.from(texts, () => rng.int(o.codebookSize))],
    options: o,
    maskId: tok.maskId,
  };
}

function disposeStageModel(model: StageModel): void {
  model.encoder.dispose();
  model.reconstructor.dispose();
  tf.dispose(model.codebooks as tf.Variable[]);
}

/** Threads of this process (Linux), to see that worker threads are gone. */
function threads(): number {
  return fs.readdirSync('/proc/self/task').length;
}

async function settledThreads(want: number): Promise<number> {
  for (let i = 0; i < 50 && threads() > want; i++) await new Promise((r) => setTimeout(r, 100));
  return threads();
}

test('shards: contiguous document runs, weight = masked tokens, whole-batch totals kept', () => {
  const cfg = tinyCfg();
  const o = lmIndexerOptions(cfg, { hintRatios: [0.5] });
  const tok = buildTokenizer(cfg.tokenizer, texts);
  const enc = encodeBatch(tok, texts, o.maxLength);
  const b = stageBatch(enc, [3, 1, 4, 15, 9], o, 0);
  // Masked = length − round(0.5 · length) (at least one), as hintMask draws.
  assert.deepEqual(b.scored, b.docs.map((d) => enc.lengths[d] - Math.min(Math.round(0.5 * enc.lengths[d]), enc.lengths[d] - 1)));
  const shards = shardStageBatch(b, 2);
  assert.deepEqual(shards.map((s) => s?.docs), [[3, 1], [4, 15, 9]]);
  assert.ok(shards.every((s) => s!.batchDocs === 5 && s!.batchScored === b.batchScored));
  assert.equal(stageBatchWeight(shards[0]!) + stageBatchWeight(shards[1]!), b.batchScored);
  assert.deepEqual(shardStageBatch({ ...b, docs: [3], scored: [2] }, 3).map((s) => s === null), [true, true, false]);
});

test('2 workers: averaged gradient = whole-batch gradient (rel. error ≤ 1e-5) in every training stage, contrastive off', async () => {
  const cfg = tinyCfg();
  // Hint ratio 0: every token is predicted, so the masks draw nothing and shards see the same masks as the whole batch.
  const o = lmIndexerOptions(cfg, { hintRatios: [0], contrastive: false });
  const model = tinyStageModel(cfg, o, 3);
  const docs = [0, 5, 7, 12, 19, 22, 30]; // odd size: shards of 3 and 4 documents with different token counts
  const stages: Stage[] = [{ kind: 'recon-warmup', position: -1, epochs: 1 }, { kind: 'encoder-warmup', position: 1, epochs: 1 }, { kind: 'joint', position: 1, epochs: 1 }];
  for (const stage of stages) {
    const batch = stageBatch(model.corpus, docs, o, stage.position);
    const params = stageParams(indexerParams(model.encoder, model.reconstructor, model.codebooks), stage);
    const lossFn = (b: StageBatch, ctx: { step: number; micro: number; rng: Rng; training: true }) => stageLoss(model, stage, b, ctx).loss;
    const names = [...params.keys()];
    const vars = names.map((n) => params.get(n)!);
    const { value, grads } = tf.variableGrads(() => lossFn(batch, { step: 0, micro: 0, rng: new Rng(1), training: true }), vars);
    const ref = new Float32Array(vars.reduce((a, v) => a + v.size, 0));
    let off = 0;
    for (const v of vars) {
      if (grads[v.name]) ref.set(grads[v.name].dataSync() as Float32Array, off);
      off += v.size;
    }
    const refLoss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    const trainer = new Trainer<StageBatch>({ params }, lossFn, { seed: 4 });
    const dp = await DataParallel.start(trainer, 2, indexerReplicaTask(model, stage));
    try {
      const { gradient, loss, names: order } = await dp.gradients([batch]);
      assert.deepEqual(order, names);
      const err = relativeL2Error(gradient, ref);
      assert.ok(err <= 1e-5, `${stage.kind}: relative error ${err}`);
      assert.ok(Math.abs(loss - refLoss) <= 1e-5 * Math.abs(refLoss), `${stage.kind}: loss ${loss} vs ${refLoss}`);
    } finally {
      await dp.close();
      trainer.dispose();
    }
  }
  disposeStageModel(model);
});

test('DataParallel.map: the diagnostics hidden pass split over 2 replicas equals the single-thread pass bit for bit', async () => {
  const cfg = tinyCfg();
  const o = lmIndexerOptions(cfg, { hintRatios: [0.3] });
  const model = tinyStageModel(cfg, o, 8);
  const stage: Stage = { kind: 'encoder-warmup', position: 1, epochs: 1 };
  const params = stageParams(indexerParams(model.encoder, model.reconstructor, model.codebooks), stage);
  const trainer = new Trainer<StageBatch>({ params }, (b, ctx) => stageLoss(model, stage, b, ctx).loss, { seed: 4, learningRate: 1e-2 });
  const dp = await DataParallel.start(trainer, 2, indexerReplicaTask(model, stage));
  try {
    await dp.step([stageBatch(model.corpus, [0, 3, 9, 14, 21, 33], o, 1)]); // the replicas' weights moved together
    const ranges = hiddenRanges(texts.length, 2, 1, 8); // 40 documents, batches of 8: 16 + 24
    assert.deepEqual(ranges.map((r) => [r.lo, r.hi]), [[0, 16], [16, 40]]);
    const local = (r: HiddenRange) => rangeHidden(model.encoder, model.corpus, model.codes, r);
    const split = joinHidden(await dp.map(ranges, local));
    const single = corpusHidden(model.encoder, model.corpus, texts.map((_, i) => i), model.codes, 1, 8);
    assert.equal(split.length, 2);
    split.forEach((h, j) => assert.ok(Buffer.from(h.buffer).equals(Buffer.from(single[j].buffer)), `position ${j} differs`));
    await assert.rejects(dp.map([ranges[0]], local), /map needs 2 inputs/);
  } finally {
    await dp.close();
    trainer.dispose();
    disposeStageModel(model);
  }
});

test('fit with 2 workers: all stages, diagnostics, unique IDs, no leaked tensors or threads, deterministic', async () => {
  const extras = { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 2, probeDocs: 10, diagnosticsEvery: 2, deadCodeReseed: true };
  const tensors0 = tf.memory().numTensors;
  const threads0 = threads();
  const run = async (): Promise<{ ids: number[][]; lmi: LMIndexer }> => {
    const lmi = new LMIndexer(tinyCfg(), extras);
    const res = await lmi.fit(corpus, { workers: 2 });
    return { ids: res.ids, lmi };
  };
  const a = await run();
  const rows = a.lmi.diagnostics.rows;
  const trained = new Set(rows.filter((r) => r.kind === 'step').map((r) => r.stage));
  assert.deepEqual([...trained], ['00-recon-warmup', '01-encoder-warmup-p1', '03-joint-p1', '05-encoder-warmup-p2', '07-joint-p2']);
  assert.ok(rows.filter((r) => r.kind === 'step').every((r) => Number.isFinite(r.loss as number)));
  assert.equal(rows.filter((r) => r.kind === 'assign').length, 2);
  assert.ok(rows.some((r) => r.kind === 'eval' && typeof r.perplexity === 'number'));
  assert.ok(rows.filter((r) => r.kind === 'eval').every((r) => typeof r.evalMs === 'number'));
  assert.equal(a.ids.length, texts.length);
  assert.equal(new Set(a.ids.map((r) => r.join(','))).size, texts.length, 'IDs unique after the collision position');
  a.lmi.dispose();
  assert.equal(tf.memory().numTensors, tensors0, 'numTensors back to the baseline');
  assert.equal(await settledThreads(threads0), threads0, 'worker threads left behind');
  const b = await run();
  assert.deepEqual(b.ids, a.ids, 'two 2-worker runs with the same seed');
  b.lmi.dispose();
});

test('resume across worker counts: a 1-worker run stopped mid-way continues with 2 workers', async () => {
  const extras = { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, probeDocs: 10 };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-workers-'));
  const part = new LMIndexer(tinyCfg(), extras);
  assert.equal((await part.fit(corpus, { dir, stopAfterStages: 3, checkpointEvery: 1 })).ids.length, 0);
  part.dispose();
  const rest = new LMIndexer(tinyCfg(), extras);
  const r = await rest.fit(corpus, { dir, resume: true, workers: 2 });
  assert.equal(new Set(r.ids.map((x) => x.join(','))).size, texts.length);
  rest.dispose();
  fs.rmSync(dir, { recursive: true });
});

test('lmindexer fit --workers: a bad value is a clear error before any work', async () => {
  const { fitCommand } = await import('../../src/cli/fit');
  await assert.rejects(fitCommand.run(['--corpus', 'synthetic', '--out', path.join(os.tmpdir(), 'never-written'), '--workers', '0']), /--workers: must be "auto" or an integer ≥ 1, got "0"/);
  await assert.rejects(fitCommand.run(['--corpus', 'synthetic', '--out', path.join(os.tmpdir(), 'never-written'), '--workers', 'two']), /--workers/);
});

test('dead-code reseeding with 2 workers: the reseeded codebook reaches the worker (replicas identical at each stage end)', async () => {
  const identical: boolean[] = [];
  const close = DataParallel.prototype.close;
  DataParallel.prototype.close = async function (this: DataParallel<unknown>) {
    const { weights } = await this.replicaWeights();
    identical.push(Buffer.from(weights[0].buffer).equals(Buffer.from(weights[1].buffer)));
    return close.call(this);
  };
  try {
    const cfg = tinyCfg();
    cfg.indexer.codebookSize = 16; // random codebooks of 16 codes for 40 documents: some go unused and are reseeded
    const lmi = new LMIndexer(cfg, { reconWarmupEpochs: 1, encoderWarmup: false, jointEpochs: 3, probeDocs: 10, diagnosticsEvery: 2, deadCodeReseed: true });
    await lmi.fit(corpus, { workers: 2 });
    assert.ok(lmi.diagnostics.rows.some((r) => r.kind === 'reseed'), 'no codes were reseeded');
    lmi.dispose();
  } finally {
    DataParallel.prototype.close = close;
  }
  assert.equal(identical.length, 3);
  assert.ok(identical.every(Boolean), `replicas identical per stage: ${identical}`);
});
