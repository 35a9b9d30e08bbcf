import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeConfig } from '../../src/config';
import { lmIndexerOptions } from '../../src/indexer/options';

test('LMIndexer stage lengths, loss weights and ablations come from the config (so a --config file sets them)', () => {
  const base = lmIndexerOptions(makeConfig());
  assert.equal(base.contrastive, true);
  assert.equal(base.encoderWarmupEpochs, 8);
  const cfg = makeConfig({ indexer: { jointEpochs: 7, commitmentWeight: 0.5, similarity: 'dot', ablation: { contrastive: false, reconWarmup: false } } }, 'exp.json');
  const o = lmIndexerOptions(cfg);
  assert.equal(o.jointEpochs, 7);
  assert.equal(o.commitmentWeight, 0.5);
  assert.equal(o.similarity, 'dot');
  assert.equal(o.contrastive, false);
  assert.equal(o.reconWarmup, false);
  assert.equal(o.commitment, true, 'untouched ablation switches keep their defaults');
  assert.equal(lmIndexerOptions(cfg, { jointEpochs: 1 }).jointEpochs, 1, 'library overrides still win');
  assert.equal(lmIndexerOptions(makeConfig({ preset: 'paper' })).jointEpochs, 20);
});

test('bad LMIndexer settings in a config name the field', () => {
  assert.throws(() => makeConfig({ indexer: { jointEpochs: -1 } }, 'exp.json'), /exp\.json.*indexer\.jointEpochs/);
  assert.throws(() => makeConfig({ indexer: { similarity: 'l2' as 'dot' } }, 'exp.json'), /indexer\.similarity.*cosine, dot/);
  assert.throws(() => makeConfig({ indexer: { ablation: { warmup: false } as never } }, 'exp.json'), /unknown field "indexer\.ablation\.warmup"/);
  assert.throws(() => makeConfig({ indexer: { epochs: 30 } as never }, 'exp.json'), /unknown field "indexer\.epochs"/);
});
