/**
 * Constrained beam search over semantic IDs (paper Section 5: "constrained beam search decoding with a prefix
 * tree", beam 20). Batched over queries × beams: at each position the decoder scores every live hypothesis, the trie
 * restricts the next code, and the best `beamSize` (hypothesis, code) pairs per query survive. The search ends when
 * every hypothesis has reached a complete ID, so its length is the trie depth; variable-length IDs are supported
 * (see {@link IdTrie} `endCode`).
 *
 * Selection: `sparse` (default) downloads the log-probs and walks only the allowed codes of each hypothesis in
 * typed arrays with a bounded heap (exact float64 scores); `topk` adds the trie masks on the backend and runs
 * `tf.topk` over beam × code (float32 scores), falling back to `sparse` at a step where some but not all candidates
 * complete an ID. `bench/beam-search.ts` measures both.
 *
 * Finished hypotheses: at each step the best `beamSize` candidates that complete an ID are kept as results and the
 * best `beamSize` that do not stay live, so a query returns up to `beamSize` IDs when its IDs all have one length.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import type { IdDecoder, StepInput } from './decoder';
import { TopK } from './top-k';
import type { IdTrie, TrieNode } from './trie';

export type { IdDecoder, StepInput, StepOutput } from './decoder';

/** Options of {@link constrainedBeamSearch}. */
export interface BeamSearchOptions {
  /** Hypotheses kept per query (paper: 20). Default 20. */
  beamSize?: number;
  /** IDs returned per query, ≤ beamSize (Recall@100 needs beamSize ≥ 100). Default: beamSize. */
  topK?: number;
  /** How the best candidates are picked; see the module doc. Default `sparse`. */
  selection?: 'sparse' | 'topk';
}

/** One decoded ID and its score (sum of the decoder's log-probs along it, end code included). */
export interface BeamHit {
  id: number[];
  score: number;
}

/** The starting state (one row per query, e.g. encoder outputs and an empty cache) and the number of queries. */
export interface BeamStart<S> {
  state: S;
  numQueries: number;
}

/**
 * Decode the best `topK` IDs of `trie` per query, best first. `trie` is one trie for all queries or one per query
 * (all with the same codebookSize and endCode). A query with fewer valid IDs than `topK` returns them all.
 */
export async function constrainedBeamSearch<S>(
  decoder: IdDecoder<S>,
  start: BeamStart<S>,
  trie: IdTrie | readonly IdTrie[],
  options: BeamSearchOptions = {},
): Promise<BeamHit[][]> {
  const Q = start.numQueries;
  const beam = options.beamSize ?? 20;
  const topK = options.topK ?? beam;
  const selection = options.selection ?? 'sparse';
  const tries = checkArgs(Q, beam, topK, selection, trie);
  const V = tries[0].codebookSize;
  const endCode = tries[0].endCode;

  let state = start.state;
  let rows = Q;
  let perQuery = 1;
  let nodes: (TrieNode | undefined)[] = tries.map((t) => t.root);
  let scores = new Float64Array(Q);
  let prefixes = new Int32Array(0);
  let lastCodes = new Int32Array(Q).fill(-1);
  const finished: BeamHit[][] = Array.from({ length: Q }, () => []);
  const live = new TopK(beam);
  const done = new TopK(beam);

  try {
    for (let t = 0; nodes.some((n, r) => n && tries[queryOf(r, perQuery, Q)].allowedOf(n).length > 0); t++) {
      const input: StepInput = { position: t, rows, prefixes, lastCodes };
      const out = await decoder.step(state, input);
      state = out.state;
      const kind = selection === 'topk' ? uniformKind(nodes, tries, perQuery) : undefined;
      const selected = kind
        ? await selectTopK(out.logProbs, nodes, scores, tries, rows, perQuery, V, beam, kind === 'finish')
        : await selectSparse(out.logProbs, nodes, scores, tries, rows, perQuery, V, endCode, live, done);

      // Completed IDs become results; live candidates fill the next step's rows (dead rows: score −Infinity).
      const next = Q * beam;
      const parents = new Int32Array(next);
      const nextNodes: (TrieNode | undefined)[] = new Array(next).fill(undefined);
      const nextScores = new Float64Array(next).fill(-Infinity);
      const nextPrefixes = new Int32Array(next * (t + 1));
      const nextLast = new Int32Array(next);
      let anyLive = false;
      for (let q = 0; q < Q; q++) {
        const sel = selected[q];
        for (let j = 0; j < sel.doneScores.length; j++) {
          const { r, code } = decodeKey(sel.doneKeys[j], q, perQuery, V);
          const id = Array.from(prefixes.subarray(r * t, r * t + t));
          if (!(code === endCode && nodes[r]!.terminal)) id.push(code);
          finished[q].push({ id, score: sel.doneScores[j] });
        }
        const n = sel.liveScores.length;
        for (let j = 0; j < beam; j++) {
          const slot = q * beam + j;
          let r: number;
          let code = 0;
          if (j < n) {
            ({ r, code } = decodeKey(sel.liveKeys[j], q, perQuery, V));
            nextNodes[slot] = nodes[r]!.child(code);
            nextScores[slot] = sel.liveScores[j];
            anyLive = true;
          } else {
            r = n > 0 ? parents[q * beam] : q * perQuery; // dead row: any row of the same query
          }
          parents[slot] = r;
          nextPrefixes.set(prefixes.subarray(r * t, r * t + t), slot * (t + 1));
          nextPrefixes[slot * (t + 1) + t] = code;
          nextLast[slot] = code;
        }
      }
      nodes = nextNodes;
      if (!anyLive) break;
      state = decoder.reorder(state, parents);
      rows = next;
      perQuery = beam;
      scores = nextScores;
      prefixes = nextPrefixes;
      lastCodes = nextLast;
    }
  } finally {
    decoder.dispose(state);
  }
  return finished.map((hits) => hits.sort(byScoreThenId).slice(0, topK));
}

/** One query's picks, best first, as scores and local keys (local row × codebookSize + code). */
interface QuerySelection {
  /** Candidates that stay live. */
  liveScores: Float64Array;
  liveKeys: Float64Array;
  /** Candidates that complete an ID. */
  doneScores: Float64Array;
  doneKeys: Float64Array;
}

/** Typed-array selection over allowed codes only (exact float64 scores). */
async function selectSparse(
  logProbs: tf.Tensor | Float32Array, nodes: (TrieNode | undefined)[], scores: Float64Array, tries: readonly IdTrie[],
  rows: number, perQuery: number, V: number, endCode: number | undefined, live: TopK, done: TopK,
): Promise<QuerySelection[]> {
  const lp = await download(logProbs, rows, V);
  const Q = rows / perQuery;
  const out: QuerySelection[] = [];
  for (let q = 0; q < Q; q++) {
    live.reset();
    done.reset();
    const trie = tries[q];
    for (let local = 0; local < perQuery; local++) {
      const r = q * perQuery + local;
      const node = nodes[r];
      if (!node) continue;
      const base = scores[r];
      const off = r * V;
      const allowed = trie.allowedOf(node);
      for (let i = 0; i < allowed.length; i++) {
        const code = allowed[i];
        const s = base + lp[off + code];
        if (s === -Infinity) continue;
        if (Number.isNaN(s)) throw new LmiError(`beam search: decoder log-prob is NaN at row ${r}, code ${code}`);
        const key = local * V + code;
        if (code === endCode && node.terminal) done.push(s, key);
        else if (node.children.get(code)!.isLeaf) done.push(s, key);
        else live.push(s, key);
      }
    }
    const l = live.drain();
    const d = done.drain();
    out.push({ liveScores: l.scores, liveKeys: l.keys, doneScores: d.scores, doneKeys: d.keys });
  }
  return out;
}

/** Masked scores on the backend + tf.topk over beam × code; every candidate of this step finishes or none does. */
async function selectTopK(
  logProbs: tf.Tensor | Float32Array, nodes: (TrieNode | undefined)[], scores: Float64Array, tries: readonly IdTrie[],
  rows: number, perQuery: number, V: number, beam: number, finishing: boolean,
): Promise<QuerySelection[]> {
  const Q = rows / perQuery;
  const size = logProbs instanceof Float32Array ? logProbs.length : logProbs.size;
  if (size !== rows * V) {
    if (!(logProbs instanceof Float32Array)) logProbs.dispose();
    throw shapeError(size, rows, V);
  }
  const k = Math.min(beam, perQuery * V);
  const mask = new Float32Array(rows * V);
  for (let r = 0; r < rows; r++) {
    const node = nodes[r];
    if (node) mask.set(tries[Math.floor(r / perQuery)].maskOf(node), r * V);
    else mask.fill(-Infinity, r * V, (r + 1) * V);
  }
  const [values, indices] = tf.tidy(() => {
    const lp = logProbs instanceof Float32Array ? tf.tensor2d(logProbs, [rows, V]) : logProbs.reshape([rows, V]);
    const total = lp.add(tf.tensor2d(mask, [rows, V])).add(tf.tensor2d(Float32Array.from(scores), [rows, 1]));
    const { values, indices } = tf.topk(total.reshape([Q, perQuery * V]), k);
    return [values, indices];
  });
  if (!(logProbs instanceof Float32Array)) logProbs.dispose();
  const [vs, is] = await Promise.all([values.data(), indices.data()]);
  values.dispose();
  indices.dispose();
  const out: QuerySelection[] = [];
  const empty = new Float64Array(0);
  for (let q = 0; q < Q; q++) {
    let n = 0;
    while (n < k && vs[q * k + n] > -Infinity) n++;
    const s = Float64Array.from(vs.subarray(q * k, q * k + n));
    const keys = Float64Array.from(is.subarray(q * k, q * k + n));
    out.push(finishing
      ? { liveScores: empty, liveKeys: empty, doneScores: s, doneKeys: keys }
      : { liveScores: s, liveKeys: keys, doneScores: empty, doneKeys: empty });
  }
  return out;
}

/** `finish` or `continue` when every live row's next code completes an ID or none does; undefined otherwise. */
function uniformKind(nodes: (TrieNode | undefined)[], tries: readonly IdTrie[], perQuery: number): 'finish' | 'continue' | undefined {
  let kind: 'finish' | 'continue' | undefined;
  const Q = tries.length;
  for (let r = 0; r < nodes.length; r++) {
    const node = nodes[r];
    if (!node) continue;
    const trie = tries[queryOf(r, perQuery, Q)];
    const k = trie.nextKind(node);
    if (k === 'none') continue;
    if (k === 'mixed' || (kind && k !== kind)) return undefined;
    kind = k;
  }
  return kind;
}

function queryOf(row: number, perQuery: number, Q: number): number {
  return Math.min(Math.floor(row / perQuery), Q - 1);
}

function decodeKey(key: number, q: number, perQuery: number, V: number): { r: number; code: number } {
  const local = Math.floor(key / V);
  return { r: q * perQuery + local, code: key - local * V };
}

async function download(logProbs: tf.Tensor | Float32Array, rows: number, V: number): Promise<Float32Array> {
  if (logProbs instanceof Float32Array) {
    if (logProbs.length !== rows * V) throw shapeError(logProbs.length, rows, V);
    return logProbs;
  }
  try {
    if (logProbs.size !== rows * V) throw shapeError(logProbs.size, rows, V);
    return (await logProbs.data()) as Float32Array;
  } finally {
    logProbs.dispose();
  }
}

function shapeError(size: number, rows: number, V: number): LmiError {
  return new LmiError(`beam search: decoder.step returned ${size} log-probs; expected rows × codebookSize = ${rows} × ${V}`);
}

function checkArgs(Q: number, beam: number, topK: number, selection: string, trie: IdTrie | readonly IdTrie[]): readonly IdTrie[] {
  if (!Number.isInteger(Q) || Q < 1) throw new LmiError(`beam search: numQueries must be a positive integer, got ${Q}`);
  if (!Number.isInteger(beam) || beam < 1) throw new LmiError(`beam search: beamSize must be a positive integer, got ${beam}`);
  if (!Number.isInteger(topK) || topK < 1 || topK > beam) {
    throw new LmiError(`beam search: topK must be an integer in [1, beamSize=${beam}], got ${topK}; raise beamSize for more results`);
  }
  if (selection !== 'sparse' && selection !== 'topk') throw new LmiError(`beam search: selection must be 'sparse' or 'topk', got '${selection}'`);
  const tries = Array.isArray(trie) ? (trie as readonly IdTrie[]) : Array.from({ length: Q }, () => trie as IdTrie);
  if (tries.length !== Q) throw new LmiError(`beam search: got ${tries.length} tries for ${Q} queries; pass one trie or one per query`);
  for (const t of tries) {
    if (t.codebookSize !== tries[0].codebookSize || t.endCode !== tries[0].endCode) {
      throw new LmiError('beam search: all tries must share codebookSize and endCode');
    }
    const nested = t.endCode === undefined ? t.nestedId() : undefined;
    if (nested) {
      throw new LmiError(`beam search: ID [${nested.join(',')}] is a prefix of a longer ID; give the trie an endCode or make the IDs prefix-free`);
    }
  }
  return tries;
}

function byScoreThenId(a: BeamHit, b: BeamHit): number {
  if (a.score !== b.score) return b.score - a.score;
  const n = Math.min(a.id.length, b.id.length);
  for (let i = 0; i < n; i++) if (a.id[i] !== b.id[i]) return a.id[i] - b.id[i];
  return a.id.length - b.id.length;
}
