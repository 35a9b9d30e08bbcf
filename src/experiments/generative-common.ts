/**
 * Shared plumbing of the generative tasks (Tables 2, 3, 5): semantic IDs of a corpus (HC on TF-IDF by default, or
 * any indexer's `number[][]` + codebook sizes, e.g. LMIndexer's), the initial model (corpus span-corruption
 * pretraining — the "pretrained T5" stand-in — or any given T5 + tokenizer, e.g. LMIndexer's own model), the ID
 * tokens appended to its vocabulary, fine-tuning (Eq. 14) and constrained beam search (beam 20) over the ID trie.
 */
import type { LmiConfig } from '../config';
import type { Corpus } from '../data/types';
import { LmiError } from '../errors';
import { docsById, finetuneIds, type FinetuneResult, type IdExample, type SpecialTokens } from '../generative/finetune';
import { generateIdsParallel } from '../generative/search-mapper';
import { IdVocab, withIdTokens } from '../generative/id-tokens';
import { IdTrie } from '../generative/trie';
import type { BeamHit } from '../generative/beam-search';
import { T5 } from '../model/t5';
import { Rng } from '../rng';
import { buildTokenizer } from '../text/index';
import type { Tokenizer } from '../text/tokenizer';
import { buildIndex, type ClassicIndexer } from './build-index';
import type { EmbeddingKind } from './id-quality';
import { pretrainOnCorpus } from './pretrain';

/** Sizes and schedule of one generative run. */
export interface GenerativeSettings {
  /** Span-corruption epochs on the corpus before fine-tuning (0 = random init). */
  pretrainEpochs: number;
  /** Fine-tuning epochs over all examples. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Input tokens kept per example / query. */
  maxInputLength: number;
  /** Beam width of the constrained search (paper: 20). */
  beamSize: number;
  /** Queries searched together. */
  queryBatch: number;
  /** Data-parallel training replicas (worker threads) for pretraining and fine-tuning: a number or 'auto'. */
  workers?: 'auto' | number;
  /**
   * Beam-search threads (queries split over workers, identical hits). Default 1, so the search seconds of Table 13
   * stay one-thread latencies comparable with BM25 and the dual encoder; 'auto' = one per core.
   */
  searchWorkers?: 'auto' | number;
}

/** Defaults (small preset, 2 CPU cores). */
export const DEFAULT_GENERATIVE_SETTINGS: GenerativeSettings = {
  pretrainEpochs: 2, epochs: 10, batchSize: 32, learningRate: 2e-3, maxInputLength: 64, beamSize: 20, queryBatch: 32,
};

/** Tiny settings for smoke runs and tests. */
export const SMOKE_GENERATIVE_SETTINGS: GenerativeSettings = {
  pretrainEpochs: 1, epochs: 2, batchSize: 16, learningRate: 2e-3, maxInputLength: 32, beamSize: 5, queryBatch: 16,
};

/** Semantic IDs of the corpus documents, in corpus order. */
export interface IdSource {
  /** Name shown in tables, e.g. `HC (TF-IDF)` or `LMIndexer`. */
  name: string;
  ids: number[][];
  codebookSizes: number[];
}

/** A classic indexer run on the task's own corpus (its config: the task's `hc` section). */
export interface ClassicIds {
  indexer: ClassicIndexer;
  embedding?: EmbeddingKind;
}

/** IDs given directly, built from the task's corpus once it is loaded (e.g. read from an ID index folder), or a classic indexer to run on it. */
export type IdSourceLike = IdSource | ((corpus: Corpus) => IdSource) | ClassicIds;

/** The task's IDs: `ids` (resolved against `corpus`), or HC on TF-IDF by default. */
export function resolveIds(cfg: LmiConfig, corpus: Corpus, ids?: IdSourceLike): IdSource {
  if (ids === undefined) return hcIds(cfg, corpus);
  if (typeof ids === 'function') return ids(corpus);
  if (isClassicIds(ids)) return hcIds(cfg, corpus, ids.embedding ?? 'tfidf', ids.indexer);
  return ids;
}

function isClassicIds(ids: IdSource | ClassicIds): ids is ClassicIds {
  return 'indexer' in ids;
}

/** Starting point of fine-tuning: any T5 and its tokenizer (vocabSize = tokenizer.vocabSize). */
export interface GenerativeInit {
  model: T5;
  tokenizer: Tokenizer;
  /** How it was made, for the notes. */
  name: string;
}

/**
 * IDs of a classic indexer (HC by default, or rq-VAE with T = `hc.depth`, K = `hc.k`) on an embedding of `corpus`
 * (must be the corpus `cfg.data` loads).
 */
export function hcIds(cfg: LmiConfig, corpus: Corpus, embedding: EmbeddingKind = 'tfidf', indexer: ClassicIndexer = 'hc'): IdSource {
  const built = buildIndex(cfg, { indexer, embedding });
  if (built.corpus.docs.length !== corpus.docs.length || built.corpus.docs.some((d, i) => d.id !== corpus.docs[i].id)) {
    throw new LmiError('hcIds: buildIndex loaded a different corpus than the task; pass the corpus cfg.data loads');
  }
  const name = indexer === 'hc' ? 'HC' : 'rq-VAE';
  return { name: `${name} (${embedding === 'tfidf' ? 'TF-IDF+SVD' : 'GloVe'}), k=${cfg.hc.k}, depth ${cfg.hc.depth} + collision position`, ids: built.result.ids, codebookSizes: built.result.codebookSizes };
}

/** The initial model: `pretrainOnCorpus` on `cfg.data` (texts of the same corpus), or random init when 0 epochs. */
export async function initialModel(cfg: LmiConfig, corpus: Corpus, settings: GenerativeSettings): Promise<GenerativeInit> {
  if (settings.pretrainEpochs > 0) {
    const run = await pretrainOnCorpus(cfg, { epochs: settings.pretrainEpochs, ...(settings.workers !== undefined ? { workers: settings.workers } : {}) });
    return { model: run.model, tokenizer: run.tokenizer, name: `T5 (d=${cfg.model.dModel}, ${cfg.model.numLayers}+${cfg.model.numDecoderLayers} layers) after ${settings.pretrainEpochs} span-corruption epochs on the corpus` };
  }
  const tokenizer = buildTokenizer(cfg.tokenizer, corpus.docs.map((d) => d.text));
  return { model: T5.create({ ...cfg.model, vocabSize: tokenizer.vocabSize }, { seed: cfg.seed }), tokenizer, name: 'T5, random init' };
}

/** A fine-tuned generative model with everything needed to decode. */
export interface GenerativeModel {
  model: T5;
  vocab: IdVocab;
  trie: IdTrie;
  special: SpecialTokens;
  /** ID key → document indices. */
  byId: Map<string, number[]>;
  finetune: FinetuneResult;
  seconds: number;
}

/**
 * Append the ID tokens to `init.model` (the caller still owns `init.model`), fine-tune on `examples`, and return the
 * model with the trie of all document IDs. Dispose `result.model` when done.
 */
export async function trainGenerative(
  init: GenerativeInit, ids: IdSource, examples: readonly IdExample[], settings: GenerativeSettings, seed: number,
): Promise<GenerativeModel> {
  const t0 = Date.now();
  const vocab = new IdVocab(init.tokenizer.vocabSize, ids.codebookSizes);
  const model = withIdTokens(init.model, vocab, { seed });
  const special = { padId: init.tokenizer.padId, eosId: init.tokenizer.eosId };
  const stepsPerEpoch = Math.max(1, Math.floor(examples.length / settings.batchSize));
  const finetune = await finetuneIds(model, vocab, examples, special, {
    epochs: settings.epochs, batchSize: settings.batchSize, learningRate: settings.learningRate,
    maxInputLength: settings.maxInputLength, warmupSteps: Math.min(100, stepsPerEpoch), schedule: 'linear', seed,
    ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
  });
  const trie = IdTrie.from(ids.ids, { codebookSize: vocab.maxCodebookSize });
  return { model, vocab, trie, special, byId: docsById(ids.ids), finetune, seconds: (Date.now() - t0) / 1000 };
}

/** Beam-search every input (token ids); returns the hits and the seconds spent. */
export async function searchAll(g: GenerativeModel, inputs: readonly (readonly number[])[], settings: GenerativeSettings): Promise<{ hits: BeamHit[][]; seconds: number }> {
  const t0 = Date.now();
  const hits = await generateIdsParallel(g.model, g.vocab, inputs, g.trie, g.special, {
    beamSize: settings.beamSize, queryBatch: settings.queryBatch, maxInputLength: settings.maxInputLength, workers: settings.searchWorkers ?? 1,
  });
  return { hits, seconds: (Date.now() - t0) / 1000 };
}

/** Sentences of a text (split after . ! ? before an upper-case letter or digit), trimmed, non-empty. */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z0-9])/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Up to `n` distinct sentences of `text`, drawn with `rng` (pseudo-queries; no docT5query model exists here). */
export function pseudoQueries(text: string, n: number, rng: Rng): string[] {
  const s = sentences(text);
  return rng.permutation(s.length).slice(0, n).map((i) => s[i]);
}

/** Mean of the last `k` losses of a fine-tuning history. */
export function finalLoss(r: FinetuneResult, k = 20): number {
  const xs = r.history.slice(-k).map((h) => h.loss);
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
