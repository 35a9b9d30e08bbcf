/**
 * Train and evaluate the retrieval baselines (BM25, Dual Encoder, SEAL) on one prepared task — the same documents,
 * training pairs, test queries, qrels and metrics (`src/eval/ranking.ts`) as the generative rows of Tables 3 and 5.
 * Dual Encoder and SEAL start from a copy of the given T5 (the corpus-pretrained model the generative rows use) and
 * its tokenizer; the caller keeps its model.
 */
import type { Doc } from '../../data/types';
import { LmiError } from '../../errors';
import { evaluateRanking } from '../../eval/ranking';
import type { T5 } from '../../model/t5';
import { Progress } from '../../progress';
import { Rng } from '../../rng';
import type { Tokenizer } from '../../text/tokenizer';
import { progressCallback } from '../../train/callbacks';
import { Bm25Index } from './bm25';
import { bm25HardNegative, DualEncoder, type DualEncoderConfig, type RetrievalPair } from './dual-encoder';
import { copyT5 } from './model-copy';
import { Seal, type SealConfig, sealExamples } from './seal';

export const RETRIEVAL_BASELINES = ['bm25', 'dual-encoder', 'seal'] as const;
export type RetrievalBaselineName = (typeof RETRIEVAL_BASELINES)[number];

/** Tiny sizes for smoke runs and tests. */
export const SMOKE_DUAL_ENCODER: Partial<DualEncoderConfig> = { epochs: 1, maxSteps: 10, batchSize: 16, maxDocLength: 32, maxQueryLength: 16 };
export const SMOKE_SEAL: Partial<SealConfig> = { epochs: 1, maxSteps: 10, batchSize: 16, spansPerPair: 1, beamSize: 4, ngramLength: 4, maxDocTokens: 64, maxInputLength: 16 };

/**
 * Sizes of the Dual Encoder / SEAL rows inside Tables 3 and 5 (`make figures`, 2 CPU cores): 40 optimizer steps of
 * batch 32 each, SEAL beam 5, so the four rows together add roughly 2–4 minutes of CPU (Beauty, 1,000 test users:
 * both rows ≈ 290 s wall-clock at ~15% of one core on a shared machine, i.e. ≈ 45 s of CPU). Far too little
 * training to be competitive — `lmindexer baselines` (default: full epochs) is the longer run.
 */
export const TABLE_ROW_DUAL_ENCODER: Partial<DualEncoderConfig> = { epochs: 1, maxSteps: 40, batchSize: 32, maxDocLength: 64, maxQueryLength: 32 };
export const TABLE_ROW_SEAL: Partial<SealConfig> = { epochs: 1, maxSteps: 40, batchSize: 32, spansPerPair: 1, beamSize: 5, ngramLength: 6, maxDocTokens: 256, maxInputLength: 32 };

/** A retrieval task: documents, training (query text → document index) pairs, test queries with qrels (doc ids). */
export interface RetrievalTaskData {
  docs: readonly Doc[];
  train: readonly { query: string; doc: number }[];
  test: readonly { id: string; query: string }[];
  qrels: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface RetrievalBaselineOptions {
  names: readonly RetrievalBaselineName[];
  /** Metric cut-offs, e.g. [1, 10] (Table 5) or [5] (Table 3). */
  ks: readonly number[];
  /** Starting model + its tokenizer (needed by dual-encoder and seal; copied, never changed). */
  model?: T5;
  tokenizer?: Tokenizer;
  dualEncoder?: Partial<DualEncoderConfig>;
  seal?: Partial<SealConfig>;
  /** Add one BM25 hard negative per dual-encoder training pair (DPR). Default true. */
  hardNegatives?: boolean;
  /** Progress bars on stderr. */
  progress?: boolean;
  seed: number;
}

export interface RetrievalBaselineResult {
  name: RetrievalBaselineName;
  /** Row label, e.g. `Dual Encoder (mean pooling, in-batch + BM25 hard negatives)`. */
  label: string;
  metrics: Record<string, number>;
  /** Wall-clock seconds: training, search. */
  trainSeconds: number;
  searchSeconds: number;
  /** Sizes and settings for the table notes. */
  note: string;
}

/** Optimizer steps of a fit over `n` examples (epochs × batches, capped by maxSteps) — the progress bar total. */
function cappedSteps(n: number, c: { batchSize: number; epochs: number; maxSteps: number }): number {
  const steps = Math.max(1, Math.floor(n / Math.min(c.batchSize, n))) * c.epochs;
  return c.maxSteps > 0 ? Math.min(c.maxSteps, steps) : steps;
}

/** Run the named baselines in order. */
export async function evaluateRetrievalBaselines(data: RetrievalTaskData, opts: RetrievalBaselineOptions): Promise<RetrievalBaselineResult[]> {
  const k = Math.max(...opts.ks);
  const ids = data.docs.map((d) => d.id);
  const toRun = (ranked: readonly number[][]): Map<string, string[]> => new Map(data.test.map((q, i) => [q.id, ranked[i].map((j) => ids[j])]));
  const out: RetrievalBaselineResult[] = [];
  let bm25: Bm25Index | undefined;
  const bm = (): Bm25Index => (bm25 ??= new Bm25Index(data.docs));
  const neural = (): { model: T5; tokenizer: Tokenizer } => {
    if (!opts.model || !opts.tokenizer) throw new LmiError('evaluateRetrievalBaselines: dual-encoder and seal need a starting model and its tokenizer (options "model", "tokenizer")');
    return { model: opts.model, tokenizer: opts.tokenizer };
  };
  for (const name of opts.names) {
    const t0 = Date.now();
    if (name === 'bm25') {
      const index = bm();
      const t1 = Date.now();
      const ranked = data.test.map((q) => index.search(q.query, k).map((h) => index.ids.indexOf(h.id)));
      out.push({
        name, label: 'BM25 (k1 .9, b .4)', metrics: evaluateRanking(toRun(ranked), data.qrels, opts.ks),
        trainSeconds: (t1 - t0) / 1000, searchSeconds: (Date.now() - t1) / 1000, note: 'BM25: Lucene idf, k1 0.9, b 0.4, Lucene stop words.',
      });
    } else if (name === 'dual-encoder') {
      const { model, tokenizer } = neural();
      const special = { padId: model.options.padTokenId, eosId: tokenizer.eosId };
      const docTokens = data.docs.map((d) => tokenizer.encode(d.text));
      const hard = opts.hardNegatives ?? true;
      const relevant = new Map<string, Set<number>>();
      for (const p of data.train) (relevant.get(p.query) ?? relevant.set(p.query, new Set()).get(p.query)!).add(p.doc);
      const negCache = new Map<string, number | undefined>();
      const pairs: RetrievalPair[] = data.train.map((p) => {
        if (hard && !negCache.has(p.query)) negCache.set(p.query, bm25HardNegative(bm(), p.query, relevant.get(p.query)!));
        return { query: tokenizer.encode(p.query), doc: p.doc, hardNegative: hard ? negCache.get(p.query) : undefined };
      });
      const de = new DualEncoder(copyT5(model), special, { seed: opts.seed, ...opts.dualEncoder });
      try {
        const c = de.config;
        const steps = cappedSteps(pairs.length, c);
        const fit = await de.fit(pairs, docTokens, opts.progress ? [progressCallback(steps, 'dual encoder')] : []);
        const t1 = Date.now();
        de.indexDocuments(docTokens);
        const ranked = de.search(data.test.map((q) => tokenizer.encode(q.query)), k);
        const nNeg = pairs.filter((p) => p.hardNegative !== undefined).length;
        out.push({
          name, label: `Dual Encoder (shared T5 encoder, ${c.pooling} pooling, in-batch${hard ? ' + BM25 hard' : ''} negatives)`,
          metrics: evaluateRanking(toRun(ranked), data.qrels, opts.ks), trainSeconds: (t1 - t0) / 1000, searchSeconds: (Date.now() - t1) / 1000,
          note: `Dual Encoder: ${pairs.length} training pairs (${nNeg} with a BM25 hard negative), ${fit.steps} steps (${c.epochs} epochs${c.maxSteps ? `, capped at ${c.maxSteps}` : ''}), batch ${c.batchSize}, lr ${c.learningRate}, τ ${c.temperature}${c.normalize ? ', cosine' : ', inner product'}; docs ≤ ${c.maxDocLength} tokens, queries ≤ ${c.maxQueryLength}; exact search over ${data.docs.length} documents.`,
        });
      } finally {
        de.dispose();
      }
    } else if (name === 'seal') {
      const { model, tokenizer } = neural();
      const special = { padId: model.options.padTokenId, eosId: tokenizer.eosId };
      const seal = new Seal(copyT5(model), data.docs.map((d) => tokenizer.encode(d.text)), special, { seed: opts.seed, ...opts.seal });
      try {
        const c = seal.config;
        const titles = data.docs.map((d) => (d.meta?.title ? tokenizer.encode(d.meta.title) : []));
        const examples = sealExamples(data.train.map((p) => ({ query: tokenizer.encode(p.query), doc: p.doc })), seal.docTokens, c, new Rng(opts.seed + 17), titles);
        const steps = cappedSteps(examples.length, c);
        const fit = await seal.fit(examples, opts.progress ? [progressCallback(steps, 'SEAL')] : []);
        const t1 = Date.now();
        const bar = opts.progress ? new Progress({ label: 'SEAL search', total: data.test.length, unit: 'query' }) : undefined;
        let done = 0;
        const hits = seal.search(data.test.map((q) => tokenizer.encode(q.query)), k, (n) => {
          bar?.tick(n - done);
          done = n;
        });
        bar?.finish();
        const found = hits.filter((h) => h.length > 0).length;
        out.push({
          name, label: `SEAL (n-grams ≤ ${c.ngramLength} tokens via suffix array, intersective scoring α ${c.alpha}, β ${c.beta})`,
          metrics: evaluateRanking(toRun(hits.map((h) => h.map((x) => x.doc))), data.qrels, opts.ks), trainSeconds: (t1 - t0) / 1000, searchSeconds: (Date.now() - t1) / 1000,
          note: `SEAL: ${examples.length} query → n-gram examples (${c.spansPerPair} spans of ${c.ngramLength} tokens per pair + title when present), ${fit.steps} steps (${c.epochs} epochs${c.maxSteps ? `, capped at ${c.maxSteps}` : ''}), batch ${c.batchSize}, lr ${c.learningRate}; beam ${c.beamSize}; suffix array over ${seal.index.numTokens} tokens (≤ ${c.maxDocTokens} per document); ${found}/${hits.length} queries matched ≥ 1 document.`,
        });
      } finally {
        seal.dispose();
      }
    } else {
      throw new LmiError(`evaluateRetrievalBaselines: unknown baseline "${String(name)}"; use ${RETRIEVAL_BASELINES.join(', ')}`);
    }
  }
  return out;
}
