/**
 * Parallel constrained beam search ({@link generateIds} with `workers`): each worker rebuilds the fine-tuned T5 and
 * the ID trie from plain data and searches its shard of the queries with the same options, so the hits equal a
 * one-thread search.
 */
import type { ModelConfig } from '../config';
import { T5, type T5Options } from '../model/t5';
import { type FrozenTensor, assignHostTensors, hostTensors } from '../train/parallel/host-tensors';
import { type MapSpec, type MapTask, type ParallelMapOptions, mapThreads, parallelMap } from '../train/parallel/map';
import type { BeamHit } from './beam-search';
import { type GenerateOptions, type SpecialTokens, generateIds } from './finetune';
import { IdVocab } from './id-tokens';
import { IdTrie, type IdTrieJson } from './trie';

/** Options that cross to a worker (no callbacks). */
export type SearchOptions = Omit<GenerateOptions, 'onBatch'>;

export interface SearchMapperArgs {
  t5: { config: ModelConfig; options: T5Options };
  params: FrozenTensor[];
  vocab: { base: number; codebookSizes: number[] };
  trie: IdTrieJson;
  special: SpecialTokens;
  options: SearchOptions;
}

export const mapper: MapSpec<number[], BeamHit[], SearchMapperArgs> = {
  create(a) {
    const model = T5.create(a.t5.config, { ...a.t5.options, seed: 0 });
    assignHostTensors(model.params, a.params, 'beam-search worker');
    const vocab = new IdVocab(a.vocab.base, a.vocab.codebookSizes);
    const trie = IdTrie.fromJSON(a.trie, 'beam-search worker trie');
    return {
      run: (queries) => generateIds(model, vocab, queries, trie, a.special, a.options),
      dispose: () => model.dispose(),
    };
  },
};

/** The task that searches like `generateIds(model, vocab, ·, trie, special, options)` in a worker. */
export function searchMapTask(model: T5, vocab: IdVocab, trie: IdTrie, special: SpecialTokens, options: SearchOptions): MapTask {
  const args: SearchMapperArgs = {
    t5: { config: model.config, options: model.options }, params: hostTensors(model.params),
    vocab: { base: vocab.base, codebookSizes: [...vocab.codebookSizes] }, trie: trie.toJSON(), special, options,
  };
  return { module: __filename, exportName: 'mapper', args };
}

/** Fewest queries per thread: a worker costs ≈ 1–2 s to start and rebuild the model, ≈ 50–100 beam searches. */
const MIN_QUERIES_PER_WORKER = 128;

/**
 * {@link generateIds} over a fixed trie with the queries split over threads (`workers`, default 'auto': one per core
 * on wasm/cpu). Hits equal the one-thread search's; `onBatch` reports the main thread's shard, scaled.
 */
export async function generateIdsParallel(
  model: T5, vocab: IdVocab, inputs: readonly (readonly number[])[], trie: IdTrie, special: SpecialTokens,
  options: GenerateOptions & ParallelMapOptions = {},
): Promise<BeamHit[][]> {
  const { workers, minPerWorker, onBatch, ...search } = options;
  const par = { workers: workers ?? 'auto', minPerWorker: minPerWorker ?? MIN_QUERIES_PER_WORKER };
  const probe: MapTask = { module: __filename };
  const threads = mapThreads(inputs.length, par, probe);
  if (threads <= 1) return generateIds(model, vocab, inputs, trie, special, options);
  const local = {
    run: (qs: number[][]) => generateIds(model, vocab, qs, trie, special, {
      ...search, onBatch: onBatch && ((done: number) => onBatch(Math.min(inputs.length, done * threads), inputs.length)),
    }),
  };
  return parallelMap(inputs.map((q) => [...q]), local, searchMapTask(model, vocab, trie, special, search), par);
}
