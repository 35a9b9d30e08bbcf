import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LmiError } from '../../src/errors';
import { IdTrie } from '../../src/generative/trie';
import { Rng } from '../../src/rng';

const ids = [
  [0, 1, 2],
  [0, 1, 3],
  [0, 4, 0],
  [5, 5, 5],
];

describe('IdTrie', () => {
  it('insert / has / count / size, duplicates stored once', () => {
    const t = IdTrie.from(ids, { codebookSize: 8 });
    assert.equal(t.size, 4);
    assert.equal(t.insert([0, 1, 2]), false);
    assert.equal(t.size, 4);
    assert.ok(t.has([0, 1, 3]));
    assert.ok(!t.has([0, 1]), 'a prefix is not an ID');
    assert.ok(!t.has([0, 1, 4]));
    assert.ok(!t.has([]));
    assert.equal(t.count(), 4);
    assert.equal(t.count([0]), 3);
    assert.equal(t.count([0, 1]), 2);
    assert.equal(t.count([7]), 0);
    assert.equal(t.depth(), 3);
  });

  it('allowed next codes are sorted; unknown prefix allows nothing', () => {
    const t = IdTrie.from(ids, { codebookSize: 8 });
    assert.deepEqual([...t.allowed([])], [0, 5]);
    assert.deepEqual([...t.allowed([0])], [1, 4]);
    assert.deepEqual([...t.allowed([0, 1])], [2, 3]);
    assert.deepEqual([...t.allowed([0, 1, 2])], []);
    assert.deepEqual([...t.allowed([3])], []);
  });

  it('mask is 0 at allowed codes and -Infinity elsewhere, cached, and rebuilt after mutation', () => {
    const t = IdTrie.from(ids, { codebookSize: 8 });
    const m = t.mask([0]);
    assert.deepEqual([...m], [-Infinity, 0, -Infinity, -Infinity, 0, -Infinity, -Infinity, -Infinity]);
    assert.equal(t.mask([0]), m, 'same cached array');
    assert.equal(t.mask([6]).every((x) => x === -Infinity), true);
    t.insert([0, 7, 7]);
    const m2 = t.mask([0]);
    assert.notEqual(m2, m);
    assert.equal(m2[7], 0);
    assert.equal(t.mask([5]), t.mask([5]), 'untouched branch keeps its cache');
  });

  it('remove prunes empty branches and keeps others', () => {
    const t = IdTrie.from(ids, { codebookSize: 8 });
    assert.equal(t.remove([0, 4, 0]), true);
    assert.equal(t.remove([0, 4, 0]), false);
    assert.equal(t.remove([0, 1]), false, 'a prefix is not removable');
    assert.deepEqual([...t.allowed([0])], [1]);
    assert.equal(t.root.child(0)!.child(4), undefined, 'branch pruned');
    t.remove([5, 5, 5]);
    assert.deepEqual([...t.allowed([])], [0]);
    t.remove([0, 1, 2]);
    t.remove([0, 1, 3]);
    assert.equal(t.size, 0);
    assert.equal(t.root.children.size, 0);
  });

  it('iterates IDs in lexicographic order, shorter first', () => {
    const t = IdTrie.from([[2, 1], [0, 3, 1], [0, 3], [0, 1, 9, 9]], { codebookSize: 10, endCode: 5 });
    assert.deepEqual([...t.ids()], [[0, 1, 9, 9], [0, 3], [0, 3, 1], [2, 1]]);
  });

  it('variable-length IDs: endCode is allowed where an ID is a prefix of another', () => {
    const t = IdTrie.from([[1, 2], [1, 2, 3], [1, 4]], { codebookSize: 6, endCode: 0 });
    assert.deepEqual([...t.allowed([1, 2])], [0, 3]);
    assert.deepEqual([...t.allowed([1, 4])], [], 'a leaf needs no end code');
    assert.deepEqual(t.nestedId(), [1, 2]);
    assert.equal(t.nextKind(t.nodeAt([1])!), 'mixed');
    assert.equal(t.nextKind(t.nodeAt([1, 2])!), 'finish');
    assert.throws(() => t.insert([1, 0]), /endCode/);
    t.remove([1, 2, 3]);
    assert.equal(t.nestedId(), undefined);
  });

  it('validates codes', () => {
    const t = new IdTrie({ codebookSize: 4 });
    assert.throws(() => t.insert([]), LmiError);
    assert.throws(() => t.insert([4]), /position 0: code 4 not an integer in \[0, 4\)/);
    assert.throws(() => t.insert([1, 1.5]), /position 1/);
    assert.throws(() => new IdTrie({ codebookSize: 0 }), LmiError);
    assert.throws(() => new IdTrie({ codebookSize: 4, endCode: 4 }), LmiError);
  });

  it('serialises to compact JSON and back (random tries)', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const V = 2 + rng.int(30);
      const endCode = rng.next() < 0.5 ? V - 1 : undefined;
      const t = new IdTrie({ codebookSize: V, endCode });
      const n = rng.int(40);
      const maxCode = endCode === undefined ? V : V - 1;
      if (maxCode === 0) continue;
      for (let i = 0; i < n; i++) t.insert(Array.from({ length: 1 + rng.int(4) }, () => rng.int(maxCode)));
      const text = JSON.stringify(t);
      const back = IdTrie.fromJSON(text);
      assert.deepEqual([...back.ids()], [...t.ids()]);
      assert.equal(back.codebookSize, V);
      assert.equal(back.endCode, endCode);
      assert.equal(back.size, t.size);
    }
  });

  it('JSON shares prefixes (3 numbers per fixed-length ID with shared 2-prefix)', () => {
    const t = IdTrie.from([[1, 2, 3], [1, 2, 4], [1, 2, 5]], { codebookSize: 8 });
    assert.deepEqual(t.toJSON().data, [0, 3, 1, 2, 3, 2, 1, 4, 2, 1, 5]);
  });

  it('fromJSON reports bad input', () => {
    assert.throws(() => IdTrie.fromJSON({ format: 'x' } as never, 'ids.json'), /ids\.json: not an lmi-id-trie/);
    const good = IdTrie.from(ids, { codebookSize: 8 }).toJSON();
    assert.throws(() => IdTrie.fromJSON({ ...good, data: good.data.slice(0, -1) }, 'ids.json'), /ids\.json: data\[\d+\]: bad entry/);
    assert.throws(() => IdTrie.fromJSON({ ...good, size: 9 }, 'ids.json'), /says 9 IDs but data holds 4/);
    assert.throws(() => IdTrie.fromJSON({ ...good, codebookSize: 4 }, 'ids.json'), /ids\.json: data\[8\]: .*code 4 not an integer/);
  });
});
