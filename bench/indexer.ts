/**
 * LMIndexer measurements (issue 5): first-position AMI, code usage, perplexity and collision rate of LMIndexer IDs
 * beside HC on TF-IDF+SVD and k-means on GloVe document vectors, at the same codebook size, on
 *  - the synthetic corpus (known hierarchy; AMI vs level1, K = 8), and
 *  - Scientific (small preset, T = 3 + collision position; AMI vs level2, K = 64, 32 tokens per document).
 * Usage: npx tsx bench/indexer.ts [synthetic|scientific|all] [--quick] [--random-init] [--hints=0.5,0.3]
 * Writes bench/results/indexer.json (merged) and one diagnostics JSONL per run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preset } from '../src/config';
import { compareIndexers } from '../src/experiments/lmindexer-study';
import type { LMIndexerOptions } from '../src/indexer/options';

const OUT = path.join(__dirname, 'results', 'indexer.json');

async function run(name: 'synthetic' | 'scientific', quick: boolean): Promise<Record<string, unknown>> {
  const cfg = preset('small');
  cfg.data.corpus = name;
  cfg.data.maxDocs = quick ? 800 : 0;
  cfg.indexer.codebookSize = name === 'synthetic' ? 8 : 64;
  if (name === 'scientific') cfg.tokenizer.maxLength = 32; // fits the 15-minute target on 2 cores
  const overrides: Partial<LMIndexerOptions> = {
    gloveInit: !process.argv.includes('--random-init'),
    reconWarmupEpochs: quick || name === 'scientific' ? 1 : 2,
    encoderWarmupEpochs: quick ? 2 : name === 'synthetic' ? 4 : 1,
    jointEpochs: 1, diagnosticsEvery: 0, probeDocs: 128,
  };
  const hints = process.argv.find((a) => a.startsWith('--hints='));
  if (hints) overrides.hintRatios = hints.slice(8).split(',').map(Number);
  const log = path.join(__dirname, 'results', `indexer-${name}.jsonl`);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.rmSync(log, { force: true });
  const c = await compareIndexers(cfg, name === 'synthetic' ? 'level1' : 'level2', overrides, log);
  for (const r of c.rows) process.stderr.write(`${name} ${r.method}: AMI ${r.amiByPrefix.map((a) => a.toFixed(3)).join('/')} codes ${r.codesUsedFirst} ${r.seconds.toFixed(0)} s\n`);
  return { corpus: c.corpus.source, docs: c.corpus.docs.length, labelKey: c.labelKey, codebookSize: c.codebookSize, overrides, rows: c.rows, amiAfterStage: c.lmindexerAmiAfterStage };
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  const quick = process.argv.includes('--quick');
  const prev = fs.existsSync(OUT) ? JSON.parse(fs.readFileSync(OUT, 'utf8')) : {};
  for (const name of ['synthetic', 'scientific'] as const) {
    if (which !== 'all' && which !== name) continue;
    const t = Date.now();
    prev[name + (quick ? '-quick' : '')] = { ...(await run(name, quick)), wallMs: Date.now() - t, date: new Date().toISOString() };
    fs.writeFileSync(OUT, JSON.stringify(prev, null, 2) + '\n');
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
