import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Corpus, Interactions } from '../../src/data/types';
import { collateIdExamples, docsById, indexingExamples, inputMatrix, rankedDocs } from '../../src/generative/finetune';
import { IdVocab } from '../../src/generative/id-tokens';
import { firstUsers, ItemEncoder, itemIndex } from '../../src/experiments/generative-amazon';
import { pseudoQueries, sentences } from '../../src/experiments/generative-common';
import { categoryQuery } from '../../src/experiments/table3';
import { Rng } from '../../src/rng';
import type { Tokenizer } from '../../src/text/tokenizer';

/** A toy tokenizer: one id per distinct word (3..), pad 0, eos 1. */
function toyTokenizer(): Tokenizer {
  const words = new Map<string, number>();
  return {
    vocabSize: 50, padId: 0, eosId: 1,
    encode: (s: string) => s.split(/\s+/).filter(Boolean).map((w) => {
      if (!words.has(w)) words.set(w, 3 + words.size);
      return words.get(w)!;
    }),
  } as unknown as Tokenizer;
}

describe('generative task helpers', () => {
  it('collates inputs with EOS + padding and labels as ID tokens', () => {
    const v = new IdVocab(50, [4, 4]);
    const b = collateIdExamples([{ input: [5, 6, 7], id: [1, 2] }, { input: [8], id: [3, 0] }], v, { padId: 0, eosId: 1 }, 2);
    assert.deepEqual(b.inputIds, [[5, 6, 1], [8, 1, 0]]);
    assert.deepEqual(b.labels, [[51, 56], [53, 54]]);
    const m = inputMatrix([[5, 6, 7], [8]], { padId: 0, eosId: 1 }, 8);
    assert.deepEqual(Array.from(m.data), [5, 6, 7, 1, 8, 1, 0, 0]);
    assert.equal(indexingExamples([[1], [2]], [[0, 0], [0, 1]])[1].id[1], 1);
  });

  it('maps beam hits back to documents, colliding IDs expanding in index order', () => {
    const byId = docsById([[0, 1], [1, 1], [0, 1]]);
    assert.deepEqual(rankedDocs([{ id: [0, 1], score: -1 }, { id: [1, 1], score: -2 }, { id: [3, 3], score: -3 }], byId), [0, 2, 1]);
  });

  it('splits sentences and samples distinct pseudo-queries deterministically', () => {
    const text = 'Alpha beta. Gamma delta! 3 cases were seen? e.g. lower stays. Last one.';
    assert.deepEqual(sentences(text), ['Alpha beta.', 'Gamma delta!', '3 cases were seen? e.g. lower stays.', 'Last one.']);
    const a = pseudoQueries(text, 2, new Rng(1));
    assert.equal(new Set(a).size, 2);
    assert.deepEqual(pseudoQueries(text, 2, new Rng(1)), a);
    assert.equal(pseudoQueries(text, 9, new Rng(1)).length, 4);
  });

  it('category-path queries and item encodings', () => {
    assert.equal(categoryQuery('Makeup > Nails > Nail Polish'), 'makeup nails nail polish');
    assert.equal(categoryQuery('(none)'), '');
    const corpus: Corpus = { name: 'toy', source: 'toy', labelKeys: [], docs: [{ id: 'a', text: 'red lipstick matte' }, { id: 'b', text: 'blue nail polish' }] };
    const v = new IdVocab(50, [2, 3]);
    const tok = toyTokenizer();
    const enc = new ItemEncoder(corpus, [[0, 2], [1, 0]], v, tok, 'ids+text', 2);
    assert.deepEqual(enc.item(1), [...tok.encode('blue nail'), 51, 52]);
    assert.deepEqual(new ItemEncoder(corpus, [[0, 2], [1, 0]], v, tok, 'ids').history([0, 1, 0], 2, 3), [52, 50, 54]);
    assert.equal(itemIndex(corpus)('b'), 1);
    assert.throws(() => itemIndex(corpus)('z'), /not in the corpus/);
    const inter: Interactions = { name: 'x', source: 's', sequences: new Map([['u1', ['a']], ['u2', ['b']], ['u3', ['a']]]) };
    assert.deepEqual([...firstUsers(inter, 2).sequences.keys()], ['u1', 'u2']);
    assert.equal(firstUsers(inter, 0), inter);
  });
});
