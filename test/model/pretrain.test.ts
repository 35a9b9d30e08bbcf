/** Span corruption and the pretraining stage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/backend';
import type { ModelConfig } from '../../src/config';
import { Rng } from '../../src/rng';
import { T5 } from '../../src/model/t5';
import { pretrain } from '../../src/model/pretrain';

const SENTINELS = [49, 48, 47, 46, 45, 44, 43, 42];
const TOK = { padId: 0, eosId: 1, sentinelIds: SENTINELS };
const CFG: ModelConfig = {
  dModel: 16, dKv: 4, dFf: 32, numLayers: 1, numDecoderLayers: 1, numHeads: 2, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 50,
};

test('pretrain lowers the span-corruption loss and resumes exactly from its checkpoint', async () => {
  await initBackend({ quiet: true });
  const rng = new Rng(7);
  // A corpus with structure: each document repeats a short random motif.
  const docs = Array.from({ length: 32 }, () => {
    const motif = Array.from({ length: 3 }, () => 2 + rng.int(10));
    return Array.from({ length: 18 }, (_, i) => motif[i % 3]);
  });
  const opts = { epochs: 6, batchSize: 8, maxInputLength: 18, learningRate: 1e-2, seed: 3 };
  const full = T5.create(CFG, { seed: 1 });
  const r = await pretrain(full, docs, TOK, opts);
  assert.equal(r.steps, 24);
  assert.equal(r.msPerEpoch.length, 6);
  const first = r.history.slice(0, 4).reduce((a, h) => a + h.loss, 0) / 4;
  const last = r.history.slice(-4).reduce((a, h) => a + h.loss, 0) / 4;
  assert.ok(last < first - 0.5, `loss ${first} → ${last}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-'));
  const a = T5.create(CFG, { seed: 1 });
  await pretrain(a, docs, TOK, { ...opts, checkpointDir: dir, checkpointEvery: 4, keepCheckpoints: 10 });
  a.dispose();
  // Simulate a kill right after step 12: remove the later checkpoints, then resume into a differently initialised model.
  for (const f of fs.readdirSync(dir)) if (Number(/\d+/.exec(f)![0]) > 12) fs.rmSync(path.join(dir, f));
  const b = T5.create(CFG, { seed: 2 });
  const rb = await pretrain(b, docs, TOK, { ...opts, checkpointDir: dir, checkpointEvery: 4, keepCheckpoints: 10, resume: true });
  assert.match(rb.resumedFrom ?? '', /step-00000012/);
  for (const [name, v] of full.params) assert.deepEqual(b.params.get(name)!.dataSync(), v.dataSync(), name);
  full.dispose();
  b.dispose();
  fs.rmSync(dir, { recursive: true });
});
