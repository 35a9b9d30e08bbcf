/**
 * Everything the HC indexer fitted, saved beside an ID index so unseen documents get IDs without refitting:
 * the embedding model (TF-IDF vocabulary + idf + the SVD projection) and the centroid tree (hc-tree.ts).
 * Two optional files in the index folder: `hc-state.json` (format, vocabulary, tree layout) and
 * `hc-state.safetensors` (idf, SVD components, centroid rows). GloVe-embedded HC indexes are not covered yet: the
 * idf of their word weighting is recomputed per call in `glove-docs.ts`, and a fixed corpus idf would have to be
 * stored first (see docs/scale-out.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeSafetensors, readSafetensors } from '../nn/safetensors';
import { defaultTermTokenizer, projectSvd, TfidfModel, type SvdResult } from '../embeddings/index';
import type { DenseMatrix } from '../embeddings/types';
import { LmiError } from '../errors';
import { decodeHcTree, encodeHcTree, type HcTree, type HcTreeJson, placeInTree } from './hc-tree';

export const HC_STATE_FILES = { json: 'hc-state.json', tensors: 'hc-state.safetensors' } as const;

/** The fitted HC pipeline of one index. */
export interface HcState {
  embedding: { kind: 'tfidf'; tfidf: TfidfModel; svd: Pick<SvdResult, 'components' | 'singularValues'> };
  tree: HcTree;
}

interface HcStateJson {
  format: 'lmi-hc-state';
  version: 1;
  embedding: { kind: 'tfidf'; vocab: string[]; sublinearTf: boolean; svdDim: number; tokenizer: 'default' };
  tree: HcTreeJson;
}

/** The two files' contents, by file name (for `saveIdIndex`'s `extraFiles`). */
export function encodeHcState(state: HcState): Record<string, string | Uint8Array> {
  const { json: tree, rows } = encodeHcTree(state.tree);
  const e = state.embedding;
  const json: HcStateJson = {
    format: 'lmi-hc-state', version: 1,
    embedding: { kind: 'tfidf', vocab: e.tfidf.vocab, sublinearTf: e.tfidf.sublinearTf, svdDim: e.svd.singularValues.length, tokenizer: 'default' },
    tree,
  };
  const dim = e.svd.singularValues.length;
  const tensors = encodeSafetensors([
    ['tfidf.idf', { shape: [e.tfidf.idf.length], data: e.tfidf.idf }],
    ['svd.components', { shape: [dim, e.tfidf.vocab.length], data: e.svd.components }],
    ['svd.singular_values', { shape: [dim], data: Float32Array.from(e.svd.singularValues) }],
    ['tree.centroids', { shape: [rows.length / Math.max(1, state.tree.dim), state.tree.dim], data: rows }],
  ], { format: 'lmi-hc-state' });
  return { [HC_STATE_FILES.json]: JSON.stringify(json) + '\n', [HC_STATE_FILES.tensors]: new Uint8Array(tensors) };
}

/** True when `dir` holds a saved HC state. */
export function hasHcState(dir: string): boolean {
  return fs.existsSync(path.join(dir, HC_STATE_FILES.json)) && fs.existsSync(path.join(dir, HC_STATE_FILES.tensors));
}

/** Load the HC state of an index folder; errors name the file and what to do. */
export function loadHcState(dir: string): HcState {
  const jf = path.join(dir, HC_STATE_FILES.json);
  const tf = path.join(dir, HC_STATE_FILES.tensors);
  if (!hasHcState(dir)) {
    throw new LmiError(`${jf}: missing; this HC index was saved without its fitted state (older build or GloVe embedding) — re-create it with "lmindexer index --embedding tfidf" to add documents`);
  }
  let json: HcStateJson;
  try {
    json = JSON.parse(fs.readFileSync(jf, 'utf8')) as HcStateJson;
  } catch (e) {
    throw new LmiError(`${jf}: invalid JSON (${(e as Error).message})`);
  }
  if (json?.format !== 'lmi-hc-state' || json.version !== 1) throw new LmiError(`${jf}: field "format" must be "lmi-hc-state" version 1`);
  if (json.embedding?.kind !== 'tfidf' || !Array.isArray(json.embedding.vocab)) throw new LmiError(`${jf}: field "embedding" must be a TF-IDF model with a vocab list`);
  const { tensors } = readSafetensors(tf);
  const get = (name: string): Float32Array => {
    const t = tensors.get(name);
    if (!t || !(t.data instanceof Float32Array)) throw new LmiError(`${tf}: tensor "${name}" missing; re-create the index`);
    return t.data;
  };
  const idf = get('tfidf.idf');
  const components = get('svd.components');
  const sv = get('svd.singular_values');
  const m = json.embedding.vocab.length;
  if (idf.length !== m || components.length !== sv.length * m) throw new LmiError(`${tf}: idf/SVD sizes do not match the ${m}-term vocabulary in ${jf}; re-create the index`);
  const tfidf = new TfidfModel(json.embedding.vocab, idf, json.embedding.sublinearTf, defaultTermTokenizer);
  const tree = decodeHcTree(json.tree, get('tree.centroids'), `${jf} + ${tf}`);
  return { embedding: { kind: 'tfidf', tfidf, svd: { components, singularValues: Float64Array.from(sv) } }, tree };
}

/** Embed texts with the fitted TF-IDF + SVD (rows are X·V, as the corpus rows U·Σ were). */
export function embedWithHcState(state: HcState, texts: readonly string[]): DenseMatrix {
  return projectSvd(state.embedding.svd, state.embedding.tfidf.transform(texts));
}

/** The HC path (depth codes, no collision position) of each text. */
export function hcPaths(state: HcState, texts: readonly string[]): number[][] {
  return placeInTree(state.tree, embedWithHcState(state, texts));
}
