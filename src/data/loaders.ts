/** One entry point per data kind, dispatching on the config's corpus name. */
import type { DataConfig } from '../config';
import { LmiError } from '../errors';
import type { Rng } from '../rng';
import { loadAgNewsCorpus } from './agnews';
import { loadAmazonCorpus, loadAmazonInteractions } from './amazon';
import { requireDataDir } from './paths';
import { loadScientificCorpus, loadScientificInteractions } from './scientific';
import { loadScifactCorpus, loadScifactQueries, type ScifactSplit } from './scifact';
import { syntheticCorpus } from './synthetic';
import type { Corpus, Interactions, QuerySet } from './types';
import { checkCorpus } from './validate';

/** Corpus names accepted by {@link loadCorpus}. */
export type CorpusName = DataConfig['corpus'];
/** Data sets with user sequences. */
export type InteractionsName = 'scientific' | 'beauty' | 'sports' | 'toys';

/**
 * Keep `maxDocs` documents chosen with `rng` (0 or ≥ size = all), in their original order.
 * Note: for sets with interactions, sequences may then mention dropped items.
 */
export function subsampleCorpus(corpus: Corpus, maxDocs: number, rng: Rng): Corpus {
  if (!Number.isInteger(maxDocs) || maxDocs < 0) throw new LmiError(`config: field "data.maxDocs" must be an integer ≥ 0, got ${maxDocs}`);
  if (maxDocs === 0 || maxDocs >= corpus.docs.length) return corpus;
  const keep = rng.permutation(corpus.docs.length).slice(0, maxDocs).sort((a, b) => a - b);
  return { ...corpus, source: `${corpus.source} [maxDocs=${maxDocs}]`, docs: keep.map((i) => corpus.docs[i]) };
}

/**
 * Load the corpus named by `data.corpus` (synthetic needs no files; the rest read the data folder, or `dir`),
 * validate it and apply `data.maxDocs`. The synthetic corpus and the subsample draw from separate forks of `rng`.
 */
export function loadCorpus(data: DataConfig, rng: Rng, dir?: string): Corpus {
  const genRng = rng.fork();
  const subRng = rng.fork();
  const d = (): string => dir ?? requireDataDir();
  let c: Corpus;
  switch (data.corpus) {
    case 'synthetic':
      c = syntheticCorpus(data.synthetic, genRng);
      break;
    case 'scientific':
      c = loadScientificCorpus(d());
      break;
    case 'beauty':
    case 'sports':
    case 'toys':
      c = loadAmazonCorpus(data.corpus, d());
      break;
    case 'scifact':
      c = loadScifactCorpus(d());
      break;
    case 'agnews':
      c = loadAgNewsCorpus(d());
      break;
    default:
      throw new LmiError(`config: field "data.corpus" must be one of synthetic, scientific, beauty, sports, toys, scifact, agnews, got "${String((data as { corpus: unknown }).corpus)}"`);
  }
  return subsampleCorpus(checkCorpus(c), data.maxDocs, subRng);
}

/** Load user sequences of a recommendation set (item ids = doc ids of the same set's corpus). */
export function loadInteractions(name: InteractionsName, dir?: string): Interactions {
  const d = dir ?? requireDataDir();
  if (name === 'scientific') return loadScientificInteractions(d);
  if (name === 'beauty' || name === 'sports' || name === 'toys') return loadAmazonInteractions(name, d);
  throw new LmiError(`loadInteractions: field "name" must be scientific, beauty, sports or toys, got "${String(name)}"`);
}

/** Load SciFact queries + qrels for a split (the only query set available here). */
export function loadQueries(split: ScifactSplit, dir?: string): QuerySet {
  return loadScifactQueries(split, dir ?? requireDataDir());
}
