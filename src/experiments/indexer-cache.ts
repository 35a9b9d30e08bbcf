/**
 * On-disk cache of trained LMIndexer runs for the experiments: each fit is saved as an ID index folder with its model
 * (`ids.tsv`, `docs.jsonl`, `index.json`, `model/` — the layout `lmindexer fit --out` writes, so `lmindexer add` and
 * `lmindexer finetune --ids DIR` take it as is) under `<cacheRoot>/lmindexer-<corpus>-<key>/`. The key hashes
 * everything the IDs depend on: the indexer options (T, K, hints, stage lengths, seed, token length …), the model
 * and tokenizer config and the documents (ids + texts). A present, loadable folder is reused unless `fresh`. While a
 * fit runs, its stage checkpoints live in `<cacheRoot>/.lmindexer-<corpus>-<key>.run/`, so a killed run (e.g. an
 * interrupted `make figures`) resumes where it stopped. (DESIGN.md: "caching of trained artefacts keyed by config hash".)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeStaleTemps } from '../atomic-write';
import { configHash, type LmiConfig } from '../config';
import { corpusHash } from '../data/corpus-hash';
import type { Corpus } from '../data/types';
import { LmiError } from '../errors';
import { type FitOptions, LMIndexer } from '../indexer/lmindexer';
import { MODEL_DIR } from '../indexer/incremental';
import { STATE_FILE } from '../indexer/progressive';
import { type LMIndexerOptions, lmIndexerOptions } from '../indexer/options';
import { ID_INDEX_FILES, loadIdIndex, saveIdIndex } from '../quantize/id-index';
import type { IndexerResult } from '../quantize/types';

/** Default cache root, relative to the working directory (`make figures` runs in the repository root). */
export const DEFAULT_INDEXER_CACHE_ROOT = path.join('figures', 'cache', 'indexers');
/** Bump when LMIndexer training changes in a way that invalidates cached IDs. */
export const LMINDEXER_CACHE_VERSION = 2;

export interface IndexerCacheOptions {
  /** Folder holding the cached index folders (default `DEFAULT_INDEXER_CACHE_ROOT`). */
  cacheRoot?: string;
  /** Fit again even when a cached folder exists (the folder is then replaced). */
  fresh?: boolean;
  /** LMIndexer options on top of `cfg` (stage lengths, hint ratios, …); part of the key. */
  overrides?: Partial<LMIndexerOptions>;
  /** Passed to `LMIndexer.fit` on a miss (progress lines, per-stage hooks, diagnostics log; `stopAfterStages` for
   *  tests of resuming). */
  fit?: Pick<FitOptions, 'say' | 'onStageEnd' | 'log' | 'stopAfterStages'>;
  /** Trainer checkpoint every this many optimizer steps inside a stage (default 50); stage ends always save. */
  checkpointEvery?: number;
}

/** A cached or fresh LMIndexer index. */
export interface CachedIndex {
  /** The index folder (absolute). */
  dir: string;
  key: string;
  /** IDs with the collision position, in the corpus's document order. */
  result: IndexerResult;
  /** True when the folder was loaded instead of fitted. */
  reused: boolean;
  /** Wall and CPU seconds of the fit that made the IDs (recorded in the folder, so also for a reused one); CPU
   *  seconds say more than wall seconds on a busy machine. */
  fitSeconds: number;
  fitCpuSeconds: number;
  /** Seconds this call took (load or fit + save). */
  seconds: number;
}

/** What the cache key covers, also written into `index.json` as the folder's config. */
export function lmIndexerCacheConfig(cfg: LmiConfig, corpus: Corpus, overrides: Partial<LMIndexerOptions> = {}): Record<string, unknown> {
  return {
    cacheVersion: LMINDEXER_CACHE_VERSION,
    options: lmIndexerOptions(cfg, overrides),
    model: cfg.model,
    tokenizer: cfg.tokenizer,
    corpus: { name: corpus.name, numDocs: corpus.docs.length, hash: corpusHash(corpus) },
    // The run's LmiConfig, as `lmindexer fit --out` stores it (not part of the key beyond the fields above).
    config: cfg,
  };
}

/** Cache key and folder name (`lmindexer-<corpus>-<key>`) of a run. */
export function lmIndexerCacheKey(cfg: LmiConfig, corpus: Corpus, overrides: Partial<LMIndexerOptions> = {}): { key: string; name: string } {
  const { config: _whole, ...keyed } = lmIndexerCacheConfig(cfg, corpus, overrides);
  const key = configHash(keyed);
  return { key, name: `lmindexer-${corpus.name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${key}` };
}

/** The cached folder's IDs when it is complete and made for `key`; otherwise why not. */
function readCached(dir: string, key: string, corpus: Corpus): { result: IndexerResult; fitSeconds: number; fitCpuSeconds: number } | string {
  if (!fs.existsSync(path.join(dir, ID_INDEX_FILES.manifest))) return 'no index';
  if (!fs.existsSync(path.join(dir, MODEL_DIR, 'indexer.json'))) return 'model missing';
  let loaded;
  try {
    loaded = loadIdIndex(dir);
  } catch (e) {
    return (e as Error).message;
  }
  const cfg = loaded.manifest.config as { key?: string } | null;
  if (cfg?.key !== key) return `key ${cfg?.key ?? 'none'} ≠ ${key}`;
  const same = loaded.corpus.docs.length === corpus.docs.length && loaded.corpus.docs.every((d, i) => d.id === corpus.docs[i].id);
  if (!same) return 'documents differ';
  return { result: loaded.result, ...fitTimes(loaded.result) };
}

/** Wall and CPU seconds of the fit, from the result's meta (`ms`, `cpuMs`). */
function fitTimes(r: IndexerResult): { fitSeconds: number; fitCpuSeconds: number } {
  return { fitSeconds: Number(r.meta?.ms ?? 0) / 1000, fitCpuSeconds: Number(r.meta?.cpuMs ?? 0) / 1000 };
}

/**
 * LMIndexer IDs of `corpus` under `cfg` (+ `overrides`): loaded from `<cacheRoot>/lmindexer-<corpus>-<key>/` when a
 * complete folder for the same key is there (and not `fresh`), else fitted and saved there atomically (the model is
 * written into a temp folder and carried into the index folder before its rename, so a killed run leaves no folder
 * without a model). A folder that is there but unusable (other key, damaged) is replaced.
 */
export async function cachedLmIndexer(cfg: LmiConfig, corpus: Corpus, opts: IndexerCacheOptions = {}): Promise<CachedIndex> {
  const t0 = Date.now();
  const root = path.resolve(opts.cacheRoot ?? DEFAULT_INDEXER_CACHE_ROOT);
  const overrides = opts.overrides ?? {};
  const { key, name } = lmIndexerCacheKey(cfg, corpus, overrides);
  const dir = path.join(root, name);
  const run = path.join(root, `.${name}.run`);
  const say = opts.fit?.say ?? ((l: string) => { if (process.env.LMI_QUIET !== '1') process.stderr.write(`${l}\n`); });
  if (!opts.fresh) {
    const hit = readCached(dir, key, corpus);
    if (typeof hit !== 'string') return { dir, key, reused: true, ...hit, seconds: (Date.now() - t0) / 1000 };
    if (hit !== 'no index') say(`indexer cache: ${dir} not reusable (${hit}); fitting again`);
  } else {
    fs.rmSync(run, { recursive: true, force: true });
  }
  const resume = fs.existsSync(path.join(run, STATE_FILE));
  if (resume) removeStaleTemps(run);
  else fs.rmSync(run, { recursive: true, force: true }); // killed before its first state write
  const lmi = new LMIndexer(cfg, overrides);
  let staging = '';
  try {
    const cpu0 = process.cpuUsage();
    const result = await lmi.fit(corpus, { ...opts.fit, say, dir: run, resume, checkpointEvery: opts.checkpointEvery ?? 50 });
    const cpu = process.cpuUsage(cpu0);
    if (!result.ids.length) throw new LmiError(`cachedLmIndexer(${corpus.name}): the fit stopped before all ${lmi.options.idLength} positions were learned; run again to resume from ${run}`);
    // Wall / CPU of this process's part (a resumed fit counts only the stages it ran).
    result.meta = { ...result.meta, cpuMs: (cpu.user + cpu.system) / 1000, ...(resume ? { resumed: true } : {}) };
    fs.mkdirSync(root, { recursive: true });
    staging = fs.mkdtempSync(path.join(root, `.${name}.model-`)); // same disk: the model is hard-linked, not copied
    lmi.save(path.join(staging, MODEL_DIR));
    if (fs.existsSync(dir) && !fs.existsSync(path.join(dir, ID_INDEX_FILES.manifest))) fs.rmSync(dir, { recursive: true, force: true }); // a damaged cache entry of ours
    saveIdIndex(dir, { corpus, result, indexer: 'lmindexer', config: { key, ...lmIndexerCacheConfig(cfg, corpus, overrides) }, carryFrom: staging });
    fs.rmSync(run, { recursive: true, force: true });
    return { dir, key, result, reused: false, ...fitTimes(result), seconds: (Date.now() - t0) / 1000 };
  } finally {
    lmi.dispose();
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
}
