import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpDir } from './tmp';
import * as path from 'node:path';
import { LmiError } from '../../src/errors';
import { loadSpiece, spieceFromJson, SpieceTokenizer } from '../../src/text/spiece';

// Fixtures made by Debian's python3-sentencepiece: test/reference/spiece/make_fixture.py
const DIR = path.join(__dirname, '..', 'reference', 'spiece');
interface Row {
  text: string;
  ids: number[];
  pieces: string[];
  decoded: string;
}
const fixture = JSON.parse(fs.readFileSync(path.join(DIR, 'fixture.json'), 'utf8')) as Record<
  string,
  { vocab: number; sentences: Row[] }
>;

for (const model of ['tiny.model', 'tiny_bytes.model', 'ties.model']) {
  test(`${model}: ids, pieces and decode match sentencepiece on every sentence`, () => {
    const tok = loadSpiece(path.join(DIR, model));
    const { vocab, sentences } = fixture[model];
    assert.equal(tok.pieceCount, vocab);
    assert.ok(sentences.length >= 200);
    let mismatches = 0;
    for (const r of sentences) {
      const ids = tok.encode(r.text);
      if (JSON.stringify(ids) !== JSON.stringify(r.ids)) mismatches++;
      assert.deepEqual(ids, r.ids, `ids for ${JSON.stringify(r.text)}`);
      assert.deepEqual(tok.encodePieces(r.text), r.pieces, `pieces for ${JSON.stringify(r.text)}`);
      assert.equal(tok.decode(r.ids), r.decoded, `decode for ${JSON.stringify(r.text)}`);
    }
    assert.equal(mismatches, 0);
  });
}

test('the fixture exercises unknowns, byte fallback and NFKC', () => {
  const rows = (m: string): Row[] => fixture[m].sentences;
  assert.ok(rows('tiny.model').some((r) => r.pieces.includes('<unk>')));
  assert.ok(rows('tiny_bytes.model').some((r) => r.pieces.some((p) => /^<0x[0-9A-F]{2}>$/.test(p))));
  assert.ok(rows('tiny.model').some((r) => r.text.includes('ﬁ') && r.pieces.join('').includes('fi')));
});

test('T5 conventions: pad 0, eos 1, unk 2, 100 extra ids appended in reverse, mask = <extra_id_99>', () => {
  const tok = loadSpiece(DIR + '/tiny.model');
  assert.deepEqual([tok.padId, tok.eosId, tok.unkId], [0, 1, 2]);
  assert.equal(tok.vocabSize, 300 + 100);
  assert.equal(tok.tokenToId('<extra_id_0>'), 399);
  assert.equal(tok.tokenToId('<extra_id_99>'), 300);
  assert.equal(tok.idToToken(399), '<extra_id_0>');
  assert.equal(tok.maskId, 300);
  assert.equal(tok.sentinelIds.length, 99);
  assert.equal(tok.sentinelIds[0], 399);
  assert.ok(!tok.sentinelIds.includes(tok.maskId));
  assert.equal(tok.tokenToId('<extra_id_100>'), undefined);
  const ids = tok.encode('clear glass slide');
  assert.equal(tok.decode([...ids, 399, tok.eosId, tok.padId]), 'clear glass slide', 'specials dropped');
  const small = loadSpiece(DIR + '/tiny.model', { extraIds: 3, maskToken: '<extra_id_0>' });
  assert.equal(small.vocabSize, 303);
  assert.equal(small.maskId, 302);
  assert.deepEqual(small.sentinelIds, [301, 300]);
});

test('directory loading and JSON round trip', () => {
  const dir = tmpDir('sp');
  fs.copyFileSync(path.join(DIR, 'tiny.model'), path.join(dir, 'spiece.model'));
  const a = loadSpiece(dir);
  const b = spieceFromJson(JSON.parse(JSON.stringify(a.toJSON())));
  for (const r of fixture['tiny.model'].sentences.slice(0, 50)) assert.deepEqual(b.encode(r.text), r.ids);
  assert.equal(b.vocabSize, a.vocabSize);
});

test('bad model files: LmiError naming the file', () => {
  const dir = tmpDir('sp-bad');
  const good = fs.readFileSync(path.join(DIR, 'tiny_bytes.model'));
  const write = (name: string, bytes: Uint8Array): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  const corrupt = Buffer.from(good);
  corrupt[0] = 0xff; // field 31, wire type 7: invalid
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['missing file', () => loadSpiece(path.join(dir, 'none.model')), /none\.model: not found/],
    ['directory without spiece.model', () => loadSpiece(dir), /directory has no spiece\.model/],
    ['empty file', () => loadSpiece(write('empty.model', new Uint8Array(0))), /empty\.model: file is empty/],
    ['truncated', () => loadSpiece(write('trunc.model', good.subarray(0, Math.floor(good.length / 2)))), /trunc\.model: corrupt or truncated protobuf/],
    ['corrupt first byte', () => loadSpiece(write('corrupt.model', corrupt)), /corrupt\.model: corrupt or truncated protobuf/],
    ['text file', () => loadSpiece(write('text.model', Buffer.from('hello world, not a model\n'))), /text\.model/],
    ['bad extraIds option', () => loadSpiece(path.join(DIR, 'tiny.model'), { extraIds: -1 }), /field "extraIds"/],
    ['unknown mask token', () => loadSpiece(path.join(DIR, 'tiny.model'), { extraIds: 0 }), /field "maskToken"/],
    ['decode out of range', () => loadSpiece(path.join(DIR, 'tiny.model')).decode([400]), /outside \[0, 400\)/],
  ];
  for (const [name, f, re] of cases) assert.throws(f, (e: unknown) => e instanceof LmiError && re.test(e.message), name);
  // A truncated charsmap is caught too (tiny.model carries nmt_nfkc).
  const tiny = fs.readFileSync(path.join(DIR, 'tiny.model'));
  assert.throws(() => new SpieceTokenizer(tiny.subarray(0, tiny.length - 1000), 'cut.model'), LmiError);
});
