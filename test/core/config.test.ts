import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { configHash, loadConfigFile, makeConfig, preset } from '../../src/config';
import { LmiError } from '../../src/errors';

test('presets are valid and differ where the paper differs', () => {
  const small = makeConfig({ preset: 'small' });
  const paper = makeConfig({ preset: 'paper' });
  assert.equal(small.model.dModel, 128);
  assert.equal(paper.model.dModel, 768);
  assert.equal(paper.indexer.codebookSize, 512);
  assert.deepEqual(paper.indexer.hintRatios, [0.5, 0.3]);
  assert.notEqual(configHash(small), configHash(paper));
});

test('overrides deep-merge without touching the preset', () => {
  const c = makeConfig({ hc: { k: 7 }, data: { synthetic: { numDocs: 10 } } });
  assert.equal(c.hc.k, 7);
  assert.equal(c.hc.depth, preset('small').hc.depth);
  assert.equal(c.data.synthetic.numDocs, 10);
  assert.equal(preset('small').hc.k, 32);
});

test('config hash is stable under key order and changes with values', () => {
  const a = makeConfig({ seed: 1, hc: { k: 9, depth: 2 } });
  const b = makeConfig({ hc: { depth: 2, k: 9 }, seed: 1 });
  assert.equal(configHash(a), configHash(b));
  assert.notEqual(configHash(a), configHash(makeConfig({ seed: 2, hc: { k: 9, depth: 2 } })));
});

const bad: [string, unknown, RegExp][] = [
  ['unknown top-level key', { sed: 1 }, /unknown field "sed"/],
  ['unknown nested key', { hc: { kk: 3 } }, /unknown field "hc\.kk"/],
  ['wrong type', { hc: { k: '32' } }, /field "hc\.k" must be number, got string/],
  ['codebook size 0', { indexer: { codebookSize: 0 } }, /indexer\.codebookSize/],
  ['hint ratio 1.5', { indexer: { hintRatios: [1.5] } }, /indexer\.hintRatios.*1\.5/],
  ['unknown preset', { preset: 'huge' }, /preset/],
  ['unknown corpus', { data: { corpus: 'imdb' } }, /data\.corpus.*imdb/],
  ['negative seed', { seed: -1 }, /seed/],
];
for (const [name, over, re] of bad) {
  test(`bad config: ${name}`, () => {
    assert.throws(() => makeConfig(over as never, 'exp.json'), (e: unknown) => e instanceof LmiError && /^exp\.json: /.test(e.message) && re.test(e.message));
  });
}

test('config files: missing file and invalid JSON name the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-cfg-'));
  assert.throws(() => loadConfigFile(path.join(dir, 'nope.json')), /nope\.json: cannot read config \(ENOENT\)/);
  const f = path.join(dir, 'bad.json');
  fs.writeFileSync(f, '{"seed": 1,');
  assert.throws(() => loadConfigFile(f), /bad\.json: invalid JSON/);
  fs.writeFileSync(f, '[1,2]');
  assert.throws(() => loadConfigFile(f), /bad\.json: a config must be a JSON object, got array/);
  fs.writeFileSync(f, '{"hc": {"k": 5}}');
  assert.equal(loadConfigFile(f).hc.k, 5);
});
