/** BM25, tokeniser and Porter stemmer against hand-computed values; SciFact anchor of issue 8 on real data. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Bm25Index } from '../../src/baselines/retrieval/bm25';
import { porterStem } from '../../src/baselines/retrieval/porter';
import { SKLEARN_STOPWORDS } from '../../src/baselines/retrieval/stopwords';
import { tokenize } from '../../src/baselines/retrieval/tokenize';
import { dataDir } from '../../src/data/paths';
import { loadScifactCorpus, loadScifactQueries } from '../../src/data/scifact';
import { evaluateRanking } from '../../src/eval/ranking';

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

describe('tokenize + porterStem', () => {
  it('lowercases, splits on non-[a-z0-9], drops stop words, stems letter tokens', () => {
    assert.deepEqual(tokenize('The COVID-19 vaccines; a Test.'), ['covid', '19', 'vaccines', 'test']);
    assert.deepEqual(tokenize('Running runners ran 42nd', { stem: true, stopwords: new Set() }), ['run', 'runner', 'ran', '42nd']);
    assert.equal(SKLEARN_STOPWORDS.size, 318);
  });
  it('matches the published Porter examples', () => {
    const cases: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', agreed: 'agre', plastered: 'plaster', motoring: 'motor', hopping: 'hop',
      falling: 'fall', filing: 'file', happy: 'happi', sky: 'sky', relational: 'relat', conditional: 'condit',
      rational: 'ration', digitizer: 'digit', vietnamization: 'vietnam', hopefulness: 'hope', sensibiliti: 'sensibl',
      triplicate: 'triplic', formative: 'form', electrical: 'electr', adjustment: 'adjust', adoption: 'adopt',
      generalizations: 'gener', controll: 'control', probate: 'probat', cease: 'ceas', is: 'is',
    };
    for (const [w, s] of Object.entries(cases)) assert.equal(porterStem(w), s, w);
  });
});

describe('Bm25Index', () => {
  // Lengths after stop words (Lucene set removes "the"): 3, 3, 2, 2, 1 → avgdl = 11 / 5 = 2.2; N = 5.
  const docs = [
    { id: 'd1', text: 'cat sat mat' },
    { id: 'd2', text: 'cat cat dog' },
    { id: 'd3', text: 'dog barks' },
    { id: 'd4', text: 'bird sings' },
    { id: 'd5', text: 'the cat' },
  ];
  const idx = new Bm25Index(docs);
  const tfw = (tf: number, dl: number): number => (tf * 1.9) / (tf + 0.9 * (0.6 + (0.4 * dl) / 2.2));
  const idfCat = Math.log(1 + 2.5 / 3.5); // df = 3
  const idfDog = Math.log(1 + 3.5 / 2.5); // df = 2
  it('scores every document by the BM25 formula (k1 0.9, b 0.4, Lucene idf)', () => {
    close(idx.avgdl, 2.2);
    const s = idx.scoreAll('cat dog');
    close(s[0], idfCat * tfw(1, 3));
    close(s[1], idfCat * tfw(2, 3) + idfDog * tfw(1, 3));
    close(s[2], idfDog * tfw(1, 2));
    close(s[3], 0);
    close(s[4], idfCat * tfw(1, 1));
  });
  it('counts repeated query terms and ranks top-k with positive scores only', () => {
    close(idx.scoreAll('cat cat')[4], 2 * idfCat * tfw(1, 1));
    const hits = idx.search('cat dog', 10);
    assert.deepEqual(hits.map((h) => h.id), ['d2', 'd3', 'd5', 'd1']);
    assert.deepEqual(idx.search('unicorn'), []);
  });
  it('k1 and b are options', () => {
    const flat = new Bm25Index(docs, { k1: 1.2, b: 0 });
    close(flat.scoreAll('cat')[1], idfCat * ((2 * 2.2) / (2 + 1.2)));
  });
});

const dir = dataDir();
const skip = dir === undefined || !fs.existsSync(path.join(dir, 'scifact', 'corpus.jsonl')) ? 'SciFact data absent (set LMI_DATA_DIR)' : false;

describe('SciFact test (300 queries)', { skip }, () => {
  it('BM25 NDCG@10 matches the issue-8 anchors within 0.005 (0.666; Porter 0.680)', () => {
    const corpus = loadScifactCorpus();
    const qs = loadScifactQueries('test');
    for (const [stem, anchor] of [[false, 0.666], [true, 0.68]] as const) {
      const index = new Bm25Index(corpus.docs, { tokenize: { stopwords: SKLEARN_STOPWORDS, stem } });
      const runs = new Map(qs.queries.map((q) => [q.id, index.search(q.text, 100).map((h) => h.id)]));
      const ndcg = evaluateRanking(runs, qs.qrels, [10])['ndcg@10'];
      assert.ok(Math.abs(ndcg - anchor) <= 0.005, `stem=${stem}: NDCG@10 ${ndcg.toFixed(4)} vs ${anchor}`);
    }
  });
});
