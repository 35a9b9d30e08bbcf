/**
 * LMIndexer measurements (issue 5): first-position AMI, code usage, perplexity and collision rate of LMIndexer IDs
 * beside HC on TF-IDF+SVD and k-means on GloVe document vectors, at the same codebook size, on
 *  - the synthetic corpus (known hierarchy; AMI vs level1, K = 8), and
 *  - Scientific (small preset, T = 3 + collision position; AMI vs level2, K = 64, 32 tokens per document).
 * Usage: npx tsx bench/indexer.ts [synthetic|scientific|all] [--quick] [--random-init] [--hints=0.5,0.3]
 *          [--seed=42] [--docs=N (synthetic)] [--positions=T] [--workers=N] [--pretrain-epochs=N] [--standin-epochs=N] [--set=option=value …]
 * `--pretrain-epochs=N` pretrains the semantic encoder by span corruption on the corpus first (init-study's start);
 * `--standin-epochs=N` adds HC on the encoder stand-ins (a T5 pretrained N epochs on the corpus, mean-pooled, and the
 * same after SimCSE: the paper's HC-on-BERT / SimCSE baselines).
 * `--set` overrides any LMIndexer option (e.g. `--set=learningRate=0.005 --set=encoderWarmupEpochs=3`); `--seed`
 * changes both the synthetic corpus and the model (the criterion of issue 5 is measured over seeds 42, 1, 2).
 * Writes bench/results/indexer.json (merged; key = corpus, plus -quick / -s<seed> / -p<positions> / -d<docs> / -<option><value> per --set)
 * and one diagnostics JSONL per run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preset } from '../src/config';
import { LmiError } from '../src/errors';
import { DEFAULT_ENCODER_STANDIN } from '../src/experiments/id-quality';
import { compareIndexers } from '../src/experiments/lmindexer-study';
import { type LMIndexerOptions, lmIndexerOptions } from '../src/indexer/options';

const OUT = path.join(__dirname, 'results', 'indexer.json');

/** `--name=value` from the command line (every occurrence). */
function flags(name: string): string[] {
  return process.argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
}

function intFlag(name: string): number | undefined {
  const v = flags(name).pop();
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new LmiError(`bench/indexer.ts: --${name}=${v}: expected a non-negative integer`);
  return Number(v);
}

/** `--set=option=value` → LMIndexer option overrides, typed like the option's default (number, boolean, number list, string). */
function setOverrides(): Partial<LMIndexerOptions> {
  const defaults = lmIndexerOptions(preset('small')) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const s of flags('set')) {
    const eq = s.indexOf('=');
    const key = s.slice(0, eq);
    if (eq < 0 || !(key in defaults)) throw new LmiError(`bench/indexer.ts: --set=${s}: expected option=value with option one of ${Object.keys(defaults).join(', ')}`);
    const v = s.slice(eq + 1);
    const d = defaults[key];
    const value = Array.isArray(d) ? v.split(',').map(Number) : typeof d === 'boolean' ? v === 'true' : typeof d === 'number' ? Number(v) : v;
    if ((typeof d === 'number' && !Number.isFinite(value)) || (typeof d === 'boolean' && v !== 'true' && v !== 'false')) {
      throw new LmiError(`bench/indexer.ts: --set=${s}: ${key} takes a ${typeof d}`);
    }
    out[key] = value;
  }
  return out as Partial<LMIndexerOptions>;
}

async function run(name: 'synthetic' | 'scientific', quick: boolean, key: string): Promise<Record<string, unknown>> {
  const cfg = preset('small');
  cfg.data.corpus = name;
  cfg.data.maxDocs = quick ? 800 : 0;
  cfg.indexer.codebookSize = name === 'synthetic' ? 8 : 64;
  cfg.seed = intFlag('seed') ?? cfg.seed;
  cfg.indexer.idLength = intFlag('positions') ?? cfg.indexer.idLength;
  const docs = intFlag('docs');
  if (docs !== undefined) cfg.data.synthetic.numDocs = docs;
  if (name === 'scientific') cfg.tokenizer.maxLength = 32; // fits the 15-minute target on 2 cores
  const overrides: Partial<LMIndexerOptions> = {
    gloveInit: !process.argv.includes('--random-init'),
    reconWarmupEpochs: quick || name === 'scientific' ? 1 : 2,
    encoderWarmupEpochs: quick ? 2 : name === 'synthetic' ? 4 : 1,
    jointEpochs: 1, diagnosticsEvery: 0, probeDocs: 128,
  };
  const hints = flags('hints').pop();
  if (hints) overrides.hintRatios = hints.split(',').map(Number);
  Object.assign(overrides, setOverrides());
  const log = path.join(__dirname, 'results', `indexer-${key}.jsonl`);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.rmSync(log, { force: true });
  const workers = intFlag('workers'); // data-parallel training replicas (default 1)
  const standinEpochs = intFlag('standin-epochs');
  const pretrainEpochs = intFlag('pretrain-epochs') ?? 0;
  const c = await compareIndexers(cfg, name === 'synthetic' ? 'level1' : 'level2', overrides, { log, workers, pretrainEpochs, standins: standinEpochs === undefined ? undefined : { ...DEFAULT_ENCODER_STANDIN, pretrainEpochs: standinEpochs, workers } });
  for (const r of c.rows) process.stderr.write(`${key} ${r.method}: AMI ${r.amiByPrefix.map((a) => a.toFixed(3)).join('/')} codes ${r.codesUsedFirst} ${r.seconds.toFixed(0)} s\n`);
  return { corpus: c.corpus.source, docs: c.corpus.docs.length, seed: cfg.seed, workers: workers ?? 1, labelKey: c.labelKey, codebookSize: c.codebookSize, overrides, rows: c.rows, amiAfterStage: c.lmindexerAmiAfterStage, amiTrace: c.lmindexerAmiTrace, pretrainEpochs, pretrainLoss: c.pretrainLoss };
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  const quick = process.argv.includes('--quick');
  const prev = fs.existsSync(OUT) ? JSON.parse(fs.readFileSync(OUT, 'utf8')) : {};
  const suffix = [quick ? 'quick' : '', ...['seed', 'positions', 'docs', 'workers', 'pretrain-epochs', 'standin-epochs'].map((f) => (flags(f).length ? `${{ 'pretrain-epochs': 'pre', 'standin-epochs': 'st' }[f] ?? f[0]}${flags(f).pop()}` : '')), ...flags('set').map((s) => s.replace('=', ''))]
    .filter(Boolean).map((s) => `-${s}`).join('');
  for (const name of ['synthetic', 'scientific'] as const) {
    if (which !== 'all' && which !== name) continue;
    const t = Date.now();
    const key = name + suffix;
    prev[key] = { ...(await run(name, quick, key)), wallMs: Date.now() - t, date: new Date().toISOString() };
    fs.writeFileSync(OUT, JSON.stringify(prev, null, 2) + '\n');
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
