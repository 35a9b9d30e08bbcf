import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend } from '../../src/backend';
import type { ModelConfig } from '../../src/config';
import { finetuneIds } from '../../src/generative/finetune';
import { IdVocab, withIdTokens } from '../../src/generative/id-tokens';
import { T5 } from '../../src/model/t5';

const CFG: ModelConfig = {
  dModel: 32, dKv: 8, dFf: 64, numLayers: 1, numDecoderLayers: 1, numHeads: 4, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 20,
};
const SPECIAL = { padId: 0, eosId: 1 };

before(async () => {
  await initBackend({ quiet: true });
});

test('fine-tuning with 2 data-parallel workers follows the single-process loss curve (issue 14)', async () => {
  const v = new IdVocab(20, [4, 4]);
  const ids = [[0, 1], [0, 2], [1, 0], [1, 3], [2, 2], [2, 0], [3, 1], [3, 3]];
  const examples = ids.map((id, i) => ({ input: [2 + i, 12 + (i % 3), 2 + i], id }));
  const run = async (workers: number) => {
    const model = withIdTokens(T5.create(CFG, { seed: 11 }), v, { seed: 4 });
    const r = await finetuneIds(model, v, examples, SPECIAL, { epochs: 6, batchSize: 8, learningRate: 1e-2, seed: 1, maxInputLength: 8, weightDecay: 0, workers });
    model.dispose();
    return r.history.map((h) => h.loss);
  };
  const one = await run(1);
  const two = await run(2);
  assert.equal(two.length, one.length);
  for (let i = 0; i < one.length; i++) assert.ok(Math.abs(one[i] - two[i]) < 1e-3, `step ${i + 1}: ${one[i]} vs ${two[i]}`);
  assert.ok(one[one.length - 1] < one[0], 'the loss goes down');
});
