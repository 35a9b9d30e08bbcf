/**
 * A small random-weight tf decoder implementing {@link IdDecoder}, for tests, benchmarks and demos of the beam
 * search before a trained model exists. Per step it costs what the `small` preset's output layer costs: one
 * `[rows, hidden] × [hidden, codebookSize]` matmul, plus an embedding gather, tanh and log-softmax.
 * State: a `[rows, hidden]` tensor (a stand-in for a key/value cache), reordered with `tf.gather`.
 */
import * as tf from '@tensorflow/tfjs';
import type { IdDecoder, StepInput, StepOutput } from './decoder';
import type { Rng } from '../rng';

/** Options of {@link MockMatmulDecoder}. */
export interface MockDecoderOptions {
  codebookSize: number;
  /** Hidden size (`small` preset d_model). Default 128. */
  hidden?: number;
  /** Scale of the random weights; larger = peakier distributions. Default 1. */
  scale?: number;
}

/** Random-weight decoder: h ← tanh(h + E[lastCode]); log-probs = logSoftmax(h W). */
export class MockMatmulDecoder implements IdDecoder<tf.Tensor2D> {
  readonly codebookSize: number;
  readonly hidden: number;
  private readonly embed: tf.Tensor2D;
  private readonly out: tf.Tensor2D;

  constructor(rng: Rng, options: MockDecoderOptions) {
    this.codebookSize = options.codebookSize;
    this.hidden = options.hidden ?? 128;
    const scale = options.scale ?? 1;
    const H = this.hidden;
    const V = this.codebookSize;
    const rand = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * s);
    // Row V of the embedding is the start token.
    this.embed = tf.tensor2d(rand((V + 1) * H, 1), [V + 1, H]);
    this.out = tf.tensor2d(rand(H * V, scale / Math.sqrt(H) * 3), [H, V]);
  }

  /** Starting state for `numQueries` queries: one random "encoder" row each. */
  start(numQueries: number, rng: Rng): tf.Tensor2D {
    return tf.tensor2d(Float32Array.from({ length: numQueries * this.hidden }, () => rng.normal()), [numQueries, this.hidden]);
  }

  step(state: tf.Tensor2D, input: StepInput): StepOutput<tf.Tensor2D> {
    const V = this.codebookSize;
    const next = tf.tidy(() => {
      const last = tf.tensor1d(input.lastCodes.map((c) => (c < 0 ? V : c)), 'int32');
      return tf.tanh(state.add(tf.gather(this.embed, last))) as tf.Tensor2D;
    });
    state.dispose();
    const logProbs = tf.tidy(() => tf.logSoftmax(tf.matMul(next, this.out)));
    return { logProbs, state: next };
  }

  reorder(state: tf.Tensor2D, parents: Int32Array): tf.Tensor2D {
    const out = tf.tidy(() => tf.gather(state, tf.tensor1d(parents, 'int32')));
    state.dispose();
    return out;
  }

  dispose(state: tf.Tensor2D): void {
    state.dispose();
  }

  /** Copies of the weights (embedding [V+1, H] with the start token last, output [H, V]), e.g. for a peer implementation. */
  weights(): { embed: Float32Array; out: Float32Array } {
    return { embed: Float32Array.from(this.embed.dataSync()), out: Float32Array.from(this.out.dataSync()) };
  }

  /** Free the weights. */
  release(): void {
    this.embed.dispose();
    this.out.dispose();
  }
}
