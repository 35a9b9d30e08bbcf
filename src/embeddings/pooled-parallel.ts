/**
 * {@link pooledEmbeddings} of a T5 with the documents split over threads (issue 14, parallel embedding extraction):
 * each worker rebuilds the model from its weights and pools a contiguous shard. Rows equal the one-thread result up to
 * float rounding (batches are formed per shard, so padding lengths can differ).
 */
import type { ModelConfig } from '../config';
import { T5, type T5Options } from '../model/t5';
import { type FrozenTensor, assignHostTensors, hostTensors } from '../train/parallel/host-tensors';
import { type MapSpec, type ParallelMapOptions, mapThreads, parallelMap } from '../train/parallel/map';
import { type PoolingOptions, pooledEmbeddings } from './encoder-pooled';
import type { DenseMatrix } from './types';

interface PoolMapperArgs {
  t5: { config: ModelConfig; options: T5Options };
  params: FrozenTensor[];
  pooling: Partial<PoolingOptions>;
}

/** Rows of a pooled matrix, one Float32Array per document. */
function rowsOf(m: DenseMatrix): Float32Array[] {
  return Array.from({ length: m.n }, (_, i) => m.data.slice(i * m.dim, (i + 1) * m.dim));
}

export const mapper: MapSpec<number[], Float32Array, PoolMapperArgs> = {
  create(a) {
    const model = T5.create(a.t5.config, { ...a.t5.options, seed: 0 });
    assignHostTensors(model.params, a.params, 'pooling worker');
    return { run: (seqs) => rowsOf(pooledEmbeddings(model, seqs, a.pooling)), dispose: () => model.dispose() };
  },
};

/** Mean-pooled embeddings of `sequences` on `workers` threads (default 'auto': one per core on wasm/cpu). */
export async function pooledEmbeddingsParallel(
  model: T5, sequences: readonly (readonly number[])[], options: Partial<PoolingOptions> & ParallelMapOptions = {},
): Promise<DenseMatrix> {
  const { workers, minPerWorker, ...pooling } = options;
  const par = { workers: workers ?? 'auto', minPerWorker: minPerWorker ?? 256 };
  if (mapThreads(sequences.length, par, { module: __filename }) <= 1) return pooledEmbeddings(model, sequences, pooling);
  const local = { run: (seqs: number[][]) => rowsOf(pooledEmbeddings(model, seqs, pooling)) };
  const args: PoolMapperArgs = { t5: { config: model.config, options: model.options }, params: hostTensors(model.params), pooling };
  const rows = await parallelMap(sequences.map((s) => [...s]), local, { module: __filename, exportName: 'mapper', args }, par);
  const dim = rows[0].length;
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(r, i * dim));
  return { data, n: rows.length, dim };
}
