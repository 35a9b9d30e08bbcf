/** LMIndexer `fit(…, { pretrained })`: the semantic encoder starts from a given T5 (corpus pretraining) and its tokenizer. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/config';
import { LMIndexer } from '../../src/indexer/lmindexer';
import { T5 } from '../../src/model/t5';
import { buildTokenizer } from '../../src/text/index';

before(async () => {
  await initBackend({ quiet: true });
  process.env.LMI_QUIET = '1';
});

const words = ['apple', 'banana', 'rocket', 'planet', 'guitar', 'piano', 'river', 'stone'];
const texts = Array.from({ length: 24 }, (_, i) => Array.from({ length: 6 }, (_, j) => words[(i * 3 + j * 5) % words.length]).join(' '));

function tinyCfg() {
  const cfg = preset('small');
  cfg.model = { ...cfg.model, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1, dropoutRate: 0 };
  cfg.tokenizer = { ...cfg.tokenizer, maxLength: 12, vocabSize: 100, minFrequency: 1 };
  cfg.indexer = { ...cfg.indexer, idLength: 1, codebookSize: 4, batchSize: 8 };
  return cfg;
}
const extras = { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, probeDocs: 8 };

test('pretrained start: every encoder weight and the text rows come from the given T5, ID rows are appended', async () => {
  const cfg = tinyCfg();
  const tokenizer = buildTokenizer(cfg.tokenizer, texts);
  const t5 = T5.create({ ...cfg.model, vocabSize: tokenizer.vocabSize }, { seed: 123 });
  const lmi = new LMIndexer(cfg, extras);
  try {
    // Stop before any stage: the encoder is exactly the starting point.
    await lmi.fit(texts, { pretrained: { model: t5, tokenizer }, stopAfterStages: 0 });
    assert.equal(lmi.tokenizer, tokenizer);
    const enc = lmi.encoder!;
    const V = tokenizer.vocabSize;
    assert.equal(enc.t5.config.vocabSize, V + 4);
    for (const [name, v] of t5.params) {
      const got = Array.from(enc.params.get(name)!.dataSync());
      const want = Array.from(v.dataSync());
      if (name === 'shared.weight') assert.deepEqual(got.slice(0, want.length), want, 'text rows copied');
      else assert.deepEqual(got, want, `${name} copied`);
    }
    // A random start differs.
    const other = new LMIndexer(cfg, extras);
    await other.fit(texts, { tokenizer, stopAfterStages: 0 });
    assert.notDeepEqual(Array.from(other.encoder!.params.get('shared.weight')!.dataSync()).slice(0, 16), Array.from(t5.params.get('shared.weight')!.dataSync()).slice(0, 16));
    other.dispose();
    // The pretrained model stays usable (the indexer copied it).
    assert.ok(t5.params.get('shared.weight')!.dataSync().length > 0);
  } finally {
    lmi.dispose();
    t5.dispose();
  }
});

test('pretrained start: fits end to end; mismatched shapes and vocabularies are LmiErrors, gloveInit is skipped', async () => {
  const cfg = tinyCfg();
  const tokenizer = buildTokenizer(cfg.tokenizer, texts);
  const t5 = T5.create({ ...cfg.model, vocabSize: tokenizer.vocabSize }, { seed: 1 });
  const wide = T5.create({ ...cfg.model, dModel: 24, vocabSize: tokenizer.vocabSize }, { seed: 1 });
  try {
    const lmi = new LMIndexer(cfg, extras);
    const res = await lmi.fit(texts, { pretrained: { model: t5, tokenizer } });
    assert.equal(res.ids.length, texts.length);
    assert.ok(res.ids.every((r) => r[0] >= 0 && r[0] < 4));
    lmi.dispose();
    const isErr = (re: RegExp) => (e: Error) => e.name === 'LmiError' && re.test(e.message);
    await assert.rejects(new LMIndexer(cfg, extras).fit(texts, { pretrained: { model: wide, tokenizer } }), isErr(/shape/));
    const small = buildTokenizer({ ...cfg.tokenizer, vocabSize: 40 }, texts);
    if (small.vocabSize !== tokenizer.vocabSize) await assert.rejects(new LMIndexer(cfg, extras).fit(texts, { pretrained: { model: t5, tokenizer: small } }), isErr(/vocabulary/));
    // gloveInit (the small preset's default) is skipped on a pretrained start: the pretrained embeddings are kept.
    const withGlove = new LMIndexer(cfg, { ...extras, gloveInit: true });
    await withGlove.fit(texts, { pretrained: { model: t5, tokenizer } });
    assert.equal(withGlove.gloveReport, undefined, 'no GloVe rows written over a pretrained model');
    withGlove.dispose();
  } finally {
    t5.dispose();
    wide.dispose();
  }
});
