import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpDir } from './tmp';
import * as path from 'node:path';
import { makeConfig } from '../../src/config';
import { LmiError } from '../../src/errors';
import { buildTokenizer, encodeBatch, loadTokenizer, SpieceTokenizer, WordPieceTokenizer } from '../../src/text';
import { zipfCorpus } from './corpus';

const SPIECE = path.join(__dirname, '..', 'reference', 'spiece', 'tiny.model');
const docs = zipfCorpus(200, 30, 500, 3);

test('buildTokenizer follows the config (vocabSize, lowercase, minFrequency)', () => {
  const cfg = makeConfig({ tokenizer: { vocabSize: 300 } }).tokenizer;
  const tok = buildTokenizer(cfg, docs) as WordPieceTokenizer;
  assert.ok(tok instanceof WordPieceTokenizer);
  assert.equal(tok.vocabSize, 300);
  assert.equal(tok.options.normalize.lowercase, true);
  assert.equal(tok.options.minFrequency, cfg.minFrequency);
  const cased = buildTokenizer({ ...cfg, lowercase: false }, ['Hello hello Hello']) as WordPieceTokenizer;
  assert.notEqual(cased.tokenToId('H'), undefined);
  assert.throws(() => buildTokenizer(cfg, []), LmiError);
  assert.throws(() => buildTokenizer({ ...cfg, kind: 'bpe' as 'wordpiece' }, docs), /tokenizer\.kind/);
});

test('loadTokenizer detects WordPiece JSON (object, string, file, directory) and spiece.model (file, directory)', () => {
  const wp = buildTokenizer(makeConfig({ tokenizer: { vocabSize: 200 } }).tokenizer, docs);
  const json = JSON.stringify(wp.toJSON());
  const dir = tmpDir('tok');
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), json);
  fs.writeFileSync(path.join(dir, 'any-name.bin'), json);
  for (const src of [JSON.parse(json), json, path.join(dir, 'tokenizer.json'), path.join(dir, 'any-name.bin'), dir]) {
    const t = loadTokenizer(src);
    assert.ok(t instanceof WordPieceTokenizer);
    assert.deepEqual(t.encode(docs[0]), wp.encode(docs[0]));
  }
  const spDir = tmpDir('sp');
  fs.copyFileSync(SPIECE, path.join(spDir, 'spiece.model'));
  for (const src of [SPIECE, spDir]) assert.ok(loadTokenizer(src) instanceof SpieceTokenizer);
  const sp = loadTokenizer(SPIECE);
  const again = loadTokenizer(JSON.stringify(sp.toJSON()));
  assert.deepEqual(again.encode('clear glass'), sp.encode('clear glass'));
  assert.throws(() => loadTokenizer({ type: 'bpe' }), /field "type" must be "wordpiece" or "spiece"/);
  assert.throws(() => loadTokenizer(path.join(dir, 'missing')), /missing: not found/);
  assert.throws(() => loadTokenizer(tmpDir('empty')), /neither spiece\.model nor tokenizer\.json/);
});

test('encodeBatch pads with padId, truncates keeping eos, reports lengths', () => {
  const tok = loadTokenizer(SPIECE);
  const texts = ['clear glass slide', '', 'heavy duty industrial scientific tool kit set pack box small large'];
  const b = encodeBatch(tok, texts, 8);
  assert.equal(b.ids.length, 3 * 8);
  assert.deepEqual([b.batchSize, b.maxLength], [3, 8]);
  const ids0 = tok.encode(texts[0]);
  assert.deepEqual(Array.from(b.ids.subarray(0, 8)), [...ids0, tok.eosId, ...new Array(8 - ids0.length - 1).fill(tok.padId)]);
  assert.deepEqual(Array.from(b.ids.subarray(8, 16)), [tok.eosId, 0, 0, 0, 0, 0, 0, 0]);
  const ids2 = tok.encode(texts[2]);
  assert.ok(ids2.length > 8);
  assert.deepEqual(Array.from(b.ids.subarray(16, 24)), [...ids2.slice(0, 7), tok.eosId]);
  assert.deepEqual(Array.from(b.lengths), [ids0.length + 1, 1, 8]);
  const noEos = encodeBatch(tok, texts, 8, { addEos: false });
  assert.deepEqual(Array.from(noEos.ids.subarray(16, 24)), ids2.slice(0, 8));
  assert.deepEqual(Array.from(noEos.lengths), [ids0.length, 0, 8]);
  assert.throws(() => encodeBatch(tok, texts, 1), /maxLength must be an integer ≥ 2/);
});
