import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpDir } from './tmp';
import * as path from 'node:path';
import { LmiError } from '../../src/errors';
import { loadWordPiece, trainWordPiece, wordPieceSpecials } from '../../src/text/wordpiece';
import { zipfCorpus } from './corpus';

const texts = [
  'The heavy-duty tape sticks to glass, steel and plastic.',
  'Heavy duty nitrile gloves: powder free, 100 count.',
  'Digital thermometer with stainless steel probe &amp; clip.',
  'Sticky tape for glass slides; the tapes are clear.',
  'Gloves and goggles for lab safety. Clear safety goggles!',
  'Stainless steel pipette stand; glass beaker set (250 ml).',
];
const corpus = [...texts, ...texts, ...texts];

test('special tokens: <pad>=0 </s>=1 <unk>=2 <mask>=3, sentinels next', () => {
  const tok = trainWordPiece(corpus, { vocabSize: 200, numSentinels: 5 });
  assert.deepEqual([tok.padId, tok.eosId, tok.unkId, tok.maskId], [0, 1, 2, 3]);
  assert.deepEqual(tok.vocab.slice(0, 9), wordPieceSpecials(5));
  assert.deepEqual(tok.sentinelIds, [4, 5, 6, 7, 8]);
  assert.equal(tok.tokenToId('<extra_id_4>'), 8);
  assert.equal(tok.idToToken(3), '<mask>');
  assert.equal(trainWordPiece(corpus).sentinelIds.length, 20, 'numSentinels defaults to 20');
});

test('training is deterministic and frequent words become whole pieces', () => {
  const a = trainWordPiece(corpus, { vocabSize: 300, minFrequency: 2 });
  const b = trainWordPiece(corpus, { vocabSize: 300, minFrequency: 2 });
  assert.deepEqual(a.vocab, b.vocab);
  assert.ok(a.vocabSize <= 300);
  for (const w of ['steel', 'glass', 'safety', 'goggles', 'tape']) assert.ok(a.tokenToId(w) !== undefined, w);
  assert.equal(new Set(a.vocab).size, a.vocab.length, 'no duplicate tokens');
  assert.deepEqual(a.encode('steel glass'), [a.tokenToId('steel'), a.tokenToId('glass')]);
});

test('vocabSize caps the vocabulary; a tiny vocabulary splits words into ## pieces', () => {
  const tok = trainWordPiece(corpus, { vocabSize: 70, numSentinels: 2 });
  assert.equal(tok.vocabSize, 70);
  const pieces = tok.encode('stainless').map((i) => tok.idToToken(i));
  assert.ok(pieces.length > 1, pieces.join(' '));
  assert.ok(pieces.slice(1).every((p) => p.startsWith('##')), pieces.join(' '));
  assert.equal(pieces.map((p, i) => (i ? p.slice(2) : p)).join(''), 'stainless');
});

test('round trip: decode(encode(x)) equals the normalised, pre-tokenised text for in-vocabulary text', () => {
  const tok = trainWordPiece(corpus, { vocabSize: 120, numSentinels: 3 });
  for (const t of texts) {
    const ids = tok.encode(t);
    assert.ok(!ids.includes(tok.unkId), t);
    assert.equal(tok.decode(ids), tok.normalizedWords(t).join(' '));
  }
  assert.equal(tok.decode(tok.encode('Heavy-duty TAPE!')), 'heavy - duty tape !');
  // Specials other than <unk> are dropped by decode.
  const ids = [tok.maskId, ...tok.encode('clear tape'), tok.sentinelIds[0], tok.eosId, tok.padId];
  assert.equal(tok.decode(ids), 'clear tape');
});

test('unknown characters: a word with an unseen character becomes one <unk>; overlong words too', () => {
  const tok = trainWordPiece(corpus, { vocabSize: 300, maxInputCharsPerWord: 20 });
  const ids = tok.encode('steel ζeta glass');
  assert.deepEqual(ids, [tok.tokenToId('steel'), tok.unkId, tok.tokenToId('glass')]);
  assert.equal(tok.decode(ids), 'steel <unk> glass');
  assert.deepEqual(tok.encode('a'.repeat(21)), [tok.unkId]);
  assert.deepEqual(tok.encode(''), []);
});

test('save/load identity via JSON object, string and file', () => {
  const tok = trainWordPiece(corpus, { vocabSize: 150, numSentinels: 4, normalize: { stripAccents: true } });
  const json = JSON.stringify(tok.toJSON());
  const file = path.join(tmpDir('wp'), 'tok.json');
  fs.writeFileSync(file, json);
  for (const loaded of [loadWordPiece(JSON.parse(json)), loadWordPiece(json), loadWordPiece(file)]) {
    assert.deepEqual(loaded.vocab, tok.vocab);
    assert.deepEqual(loaded.options, tok.options);
    for (const t of [...texts, 'Café déjà vu']) assert.deepEqual(loaded.encode(t), tok.encode(t));
    assert.deepEqual(loaded.sentinelIds, tok.sentinelIds);
  }
});

test('bad input: LmiError naming the file and field', () => {
  const good = trainWordPiece(corpus, { vocabSize: 100, numSentinels: 2 }).toJSON();
  const dir = tmpDir('wp-bad');
  const write = (name: string, body: string): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, body);
    return f;
  };
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['missing file', () => loadWordPiece(path.join(dir, 'nope.json')), /nope\.json: file not found/],
    ['broken JSON', () => loadWordPiece(write('broken.json', '{"type": "wordpiece",')), /broken\.json: not valid JSON/],
    ['wrong type', () => loadWordPiece(write('t.json', JSON.stringify({ ...good, type: 'bpe' }))), /t\.json: field "type"/],
    ['wrong version', () => loadWordPiece({ ...good, version: 2 }), /field "version" must be 1/],
    ['specials out of order', () => loadWordPiece(write('s.json', JSON.stringify({ ...good, vocab: ['<pad>', '<unk>', ...good.vocab.slice(2)] }))), /s\.json: field "vocab\[1\]" must be "<\/s>"/],
    ['duplicate token', () => loadWordPiece({ ...good, vocab: [...good.vocab, good.vocab[10]] }), /field "vocab\[\d+\]" duplicates/],
    ['non-string token', () => loadWordPiece({ ...good, vocab: [...good.vocab, 5] }), /field "vocab\[\d+\]" must be a non-empty string/],
    ['bad option', () => loadWordPiece({ ...good, options: { ...good.options, numSentinels: -1 } }), /field "options.numSentinels"/],
    ['bad normalize option', () => loadWordPiece({ ...good, options: { ...good.options, normalize: { ...good.options.normalize, unicode: 'NFD' } } }), /options.normalize.unicode/],
    ['vocabSize too small', () => trainWordPiece(corpus, { vocabSize: 10, numSentinels: 20 }), /field "options.vocabSize" must be an integer ≥ 25/],
    ['decode out of range', () => trainWordPiece(corpus, { vocabSize: 100 }).decode([100000]), /outside/],
  ];
  for (const [name, f, re] of cases) assert.throws(f, (e: unknown) => e instanceof LmiError && re.test(e.message), name);
});

test('speed: train on 5,000 docs × 100 words < 3 s and encode them < 1 s (CPU time of this process)', () => {
  const docs = zipfCorpus(5000, 100);
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let t0 = cpu();
  const tok = trainWordPiece(docs, { vocabSize: 8000 });
  const trainS = cpu() - t0;
  t0 = cpu();
  let n = 0;
  for (const d of docs) n += tok.encode(d).length;
  const encodeS = cpu() - t0;
  assert.equal(tok.vocabSize, 8000);
  assert.ok(trainS < 3, `train took ${trainS.toFixed(2)} s CPU`);
  assert.ok(encodeS < 1, `encode took ${encodeS.toFixed(2)} s CPU`);
  assert.ok(n >= 500000 && n < 800000, `${n} tokens`);
  console.log(`# wordpiece speed: train ${trainS.toFixed(2)} s, encode ${encodeS.toFixed(2)} s CPU, ${n} tokens`);
});
