/**
 * `lmindexer add` and `lmindexer plan` (issue 11): the commands end to end, and the plan's numbers checked against
 * real objects — parameter counts against built models, the paper preset against the published T5-base size, steps
 * per stage against a real (tiny) LMIndexer run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { quietTempDirs } from '../helpers/quiet-tmp';
import { preset } from '../../src/config';
import { T5_BASE_PARAMS } from '../../src/cli/plan';
import { memoryEstimate, paramBreakdown, stageSteps, t5ParamCount } from '../../src/indexer/estimate';
import { LMIndexer } from '../../src/indexer/lmindexer';
import { lmIndexerOptions } from '../../src/indexer/options';
import { T5 } from '../../src/model/t5';

const root = path.resolve(__dirname, '../..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args], { cwd: root, env: { ...process.env, LMI_QUIET: '1' }, encoding: 'utf8' });
const tmp = quietTempDirs('lmi-addplan-');

test('paper preset: the T5 backbone count equals the published T5-base size (222,903,552, tied, vocab 32128)', () => {
  const cfg = preset('paper');
  assert.equal(t5ParamCount(cfg.model, 32128), T5_BASE_PARAMS);
  const p = paramBreakdown(cfg);
  assert.equal(p.backbone, T5_BASE_PARAMS);
  // ID tokens add T·K rows of d_model to the tied embedding; codebooks are T·K·d.
  assert.equal(p.encoder - p.backbone, 3 * 512 * 768);
  assert.equal(p.codebooks, 3 * 512 * 768);
});

test('parameter counts match a real T5 and a real LMIndexer, and plan steps match the stages it ran', async () => {
  const small = preset('small');
  const t5 = T5.create({ ...small.model, vocabSize: 500 }, { seed: 1 });
  const real = [...t5.params.values()].reduce((s, v) => s + v.size, 0);
  t5.dispose();
  assert.equal(t5ParamCount(small.model, 500), real);

  const cfg = preset('small');
  cfg.model = { ...cfg.model, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1, dropoutRate: 0, vocabSize: 0 };
  cfg.tokenizer = { ...cfg.tokenizer, maxLength: 16, vocabSize: 200, minFrequency: 1 };
  cfg.indexer = { ...cfg.indexer, idLength: 2, codebookSize: 4, batchSize: 10 };
  const extras = { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, probeDocs: 10 };
  const words = ['apple', 'banana', 'rocket', 'planet', 'guitar', 'piano', 'cherry', 'orbit'];
  const texts = Array.from({ length: 33 }, (_, i) => Array.from({ length: 6 }, (_, j) => words[(i * 3 + j * (i % 3 + 1)) % 8]).join(' '));
  const lmi = new LMIndexer(cfg, extras);
  try {
    await lmi.fit(texts);
    const actual = [...lmi.allParams().values()].reduce((s, v) => s + v.size, 0);
    const o = lmIndexerOptions(cfg, extras);
    const withVocab = { ...cfg, model: { ...cfg.model, vocabSize: lmi.tokenizer!.vocabSize } };
    assert.equal(paramBreakdown(withVocab, o).total, actual, 'estimate = parameters of the fitted LMIndexer');
    const ran = new Map<string, number>();
    for (const r of lmi.diagnostics.rows) if (r.kind === 'step') ran.set(r.stage as string, (ran.get(r.stage as string) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(stageSteps(texts.length, o).map((s) => [s.name, s.steps])), Object.fromEntries(ran));
  } finally {
    lmi.dispose();
  }
  const m = memoryEstimate(preset('paper'));
  assert.equal(m.weights, 4 * paramBreakdown(preset('paper')).total);
  assert.ok(memoryEstimate(preset('paper'), 16).activations < m.activations / 4);
});

test('lmindexer plan prints counts, memory, steps and the command', () => {
  const r = cli('plan', '--preset', 'paper', '--num-docs', '4344', '--gpus', '8');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /published T5-base: 222\.90M; equal/);
  assert.match(r.stdout, /total +232\.74M/);
  assert.match(r.stdout, /per device with 8 data-parallel devices \(batch 16 each\)/);
  const e = lmIndexerOptions(preset('paper')).encoderWarmupEpochs;
  assert.match(r.stdout, new RegExp(`encoder-warmup-p1 +${e} epochs +${34 * e} steps`)); // ⌈4344 / 128⌉ = 34 batches per epoch
  assert.match(r.stdout, /LMI_BACKEND=tensorflow-gpu bin\/lmindexer fit --corpus synthetic --preset paper/);
  const cfgFile = path.join(tmp(), 'paper-b32.json');
  fs.writeFileSync(cfgFile, JSON.stringify({ preset: 'paper', indexer: { batchSize: 32 } }));
  const c = cli('plan', '--config', cfgFile, '--num-docs', '1000');
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /batch 32\n/);
  assert.match(c.stdout, new RegExp(`fit --corpus synthetic --config ${cfgFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const bad = cli('plan', '--num-docs', 'lots');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--num-docs: must be a non-negative integer/);
});

test('lmindexer add: index, add a JSONL of new documents, bad input names file and line', () => {
  const dir = tmp();
  const out = path.join(dir, 'idx');
  const cfg = path.join(dir, 'exp.json');
  fs.writeFileSync(cfg, JSON.stringify({ data: { synthetic: { numDocs: 300 } }, hc: { k: 6, depth: 2 } }));
  assert.equal(cli('index', '--corpus', 'synthetic', '--out', out, '--config', cfg).status, 0);
  const before = fs.readFileSync(path.join(out, 'ids.tsv'), 'utf8').trim().split('\n');
  const docsFile = path.join(dir, 'new.jsonl');
  const docs = ['quantum orbit planet rocket telescope', 'violin piano concert melody', 'banana apple cherry harvest'];
  fs.writeFileSync(docsFile, docs.map((text, i) => JSON.stringify({ id: `new-${i}`, text })).join('\n') + '\n');
  const r = cli('add', '--index', out, '--docs', docsFile);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /added 3 documents \(0 already indexed, unchanged\) in [\d.]+ s: [\d.]+ docs\/s/);
  assert.match(r.stdout, /codebooks 6 × 6 × \d+ → 6 × 6 × \d+/);
  const after = fs.readFileSync(path.join(out, 'ids.tsv'), 'utf8').trim().split('\n');
  assert.equal(after.length, before.length + 3);
  assert.deepEqual(after.slice(0, before.length), before, 'existing rows unchanged');
  assert.ok(fs.existsSync(path.join(out, 'trie.json')));

  fs.writeFileSync(docsFile, '{"id": "x", "text": "ok"}\n{"id": "y"}\n');
  const bad = cli('add', '--index', out, '--docs', docsFile);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /new\.jsonl:2: field "text" missing/);
  const noDocs = cli('add', '--index', out);
  assert.equal(noDocs.status, 2);
  assert.match(noDocs.stderr, /--docs FILE is required/);
});
