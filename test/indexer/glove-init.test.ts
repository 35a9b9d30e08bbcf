import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { WordVectors } from '../../src/embeddings/word-vectors';
import { corpusWords, initEmbeddingsFromGlove, wholeWordTokens } from '../../src/indexer/glove-init';
import { trainWordPiece } from '../../src/text/wordpiece';

// "stainless" and "sticky" share the word-initial piece "st"; a small vocabulary keeps the piece, not the words.
const texts = ['stainless steel stand', 'sticky tape for glass', 'stainless stand, sticky tape', 'glass steel tape'];

/** Two-dimensional stand-in vectors for a handful of English words (including the piece "st", a GloVe word). */
function fakeVectors(words: string[]): WordVectors {
  const index = new Map(words.map((w, i) => [w, i] as const));
  const vectors = new Float32Array(words.length * 2).map((_, i) => (i % 2 === 0 ? 3 : 4) * (1 + Math.floor(i / 2)));
  return {
    dim: 2, words, index, vectors, version: 'test',
    get: (w: string) => { const i = index.get(w); return i === undefined ? undefined : vectors.subarray(2 * i, 2 * i + 2); },
  } as WordVectors;
}

test('corpusWords: lower-cased runs of letters and digits', () => {
  assert.deepEqual([...corpusWords(['Glass, 250 ml!', 'glass'])].sort(), ['250', 'glass', 'ml']);
});

test('wholeWordTokens keeps tokens that are corpus words and drops word-initial pieces that are not', () => {
  const tok = trainWordPiece([...texts, ...texts], { vocabSize: 60, minFrequency: 1, numSentinels: 2 });
  const words = wholeWordTokens(tok, tok.vocabSize, texts);
  const inCorpus = corpusWords(texts);
  let pieces = 0;
  for (let id = 0; id < tok.vocabSize; id++) {
    const t = tok.idToToken(id)!;
    if (t.startsWith('##') || t.startsWith('<')) { assert.ok(!words.has(id), t); continue; }
    assert.equal(words.has(id), inCorpus.has(t), `token "${t}"`);
    if (!inCorpus.has(t)) pieces++;
  }
  assert.ok(pieces > 0, 'the vocabulary has word-initial pieces that are not corpus words (the case under test)');
  assert.ok(words.size > 0, 'and whole words');
});

test('initEmbeddingsFromGlove writes only whole-word rows, scaled to √d (identity projection when d = GloVe dim)', async () => {
  await initBackend();
  const tok = trainWordPiece([...texts, ...texts], { vocabSize: 60, minFrequency: 1, numSentinels: 2 });
  const pieceIds = [...Array(tok.vocabSize).keys()].filter((id) => {
    const t = tok.idToToken(id)!;
    return !t.startsWith('##') && !t.startsWith('<') && !corpusWords(texts).has(t);
  });
  const vectors = fakeVectors(['glass', 'tape', ...pieceIds.map((id) => tok.idToToken(id)!)]);
  const table = tf.variable(tf.zeros([tok.vocabSize, 2]));
  const r = initEmbeddingsFromGlove(table, tok, tok.vocabSize, 1, texts, vectors);
  const rows = table.arraySync() as number[][];
  table.dispose();
  assert.equal(r.projection, 'identity');
  const covered = [...wholeWordTokens(tok, tok.vocabSize, texts).entries()].filter(([, w]) => vectors.get(w));
  assert.equal(r.covered, covered.length);
  for (const [id] of covered) assert.ok(Math.abs(Math.hypot(...rows[id]) - Math.SQRT2) < 1e-5, `row ${id} has norm √d`);
  for (const id of pieceIds) assert.deepEqual(rows[id], [0, 0], `piece "${tok.idToToken(id)}" keeps its row`);
});
