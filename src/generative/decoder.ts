/**
 * The step interface between a generative model and {@link constrainedBeamSearch}: the search owns the beams and
 * the trie; the model only scores the next ID position and keeps whatever cache it likes (encoder outputs, key/value
 * cache) in an opaque state with one row per hypothesis, which the search reorders by parent row after each step.
 *
 * Ownership: a state handed to `step`, `reorder` or `dispose` is never used again by the search, so the decoder may
 * dispose it or update it in place and return it. The search disposes `logProbs` tensors it receives. At the end the
 * search calls `dispose` on the last state.
 */
import type * as tf from '@tensorflow/tfjs';

/** What the search tells the decoder at each position. */
export interface StepInput {
  /** Number of codes already decoded in every row (0 at the first step). */
  position: number;
  /** Number of rows (hypotheses): `numQueries` at position 0, `numQueries * beamSize` after. */
  rows: number;
  /** Codes decoded so far, row-major `[rows, position]` (for decoders without a cache). */
  prefixes: Int32Array;
  /** The code appended at the previous position per row (for incremental decoders); −1 at position 0. */
  lastCodes: Int32Array;
}

/** What a decoder returns from one step. */
export interface StepOutput<S> {
  /** Log-probabilities of the next code, `[rows, codebookSize]` (a tensor, or a row-major Float32Array). */
  logProbs: tf.Tensor | Float32Array;
  /** The state advanced by one position (the row count is unchanged). */
  state: S;
}

/** A model that scores semantic-ID codes one position at a time (the T5 decoder implements this). */
export interface IdDecoder<S> {
  /** Score the next position for every row of `state`. */
  step(state: S, input: StepInput): StepOutput<S> | Promise<StepOutput<S>>;
  /**
   * New state whose row `i` is row `parents[i]` of `state` (the row count may change: the first reorder expands
   * one row per query to `beamSize` rows per query). E.g. `tf.gather(cache, parents)` on every cached tensor.
   */
  reorder(state: S, parents: Int32Array): S;
  /** Free the state. */
  dispose(state: S): void;
}
