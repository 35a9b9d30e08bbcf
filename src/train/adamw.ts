/**
 * AdamW (Loshchilov & Hutter 2019) with decoupled weight decay, matching `torch.optim.AdamW`:
 * p ← p·(1 − lr·wd); m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²; p ← p − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε).
 * Moment tensors are created lazily per parameter name and can be exported/imported for checkpoints.
 * On the wasm backend each parameter's update is one fused kernel (`kernels/adamw.c`, same operations and order).
 */
import * as tf from '@tensorflow/tfjs';
import { wasmKernels } from '../nn/kernels/wasm-kernels';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export class AdamW {
  /** Number of updates applied so far (t in the bias corrections). */
  step = 0;
  readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

  constructor(readonly options: AdamWOptions) {}

  private moment(name: string, like: tf.Tensor): { m: tf.Variable; v: tf.Variable } {
    let s = this.moments.get(name);
    if (!s) {
      s = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(like), false), v: tf.variable(tf.zerosLike(like), false) }));
      this.moments.set(name, s);
    }
    return s;
  }

  /**
   * One update of every parameter that has a gradient, the gradient multiplied by `gradScale` first (clipping,
   * averaging); `decay(name)` says whether weight decay applies.
   */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number, decay: (name: string) => boolean, gradScale = 1): void {
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    this.step += 1;
    const bc1 = 1 - beta1 ** this.step;
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.step);
    const kernels = wasmKernels();
    for (const [name, p] of params) {
      const grad = grads.get(name);
      if (!grad) continue;
      const s = this.moment(name, p);
      const decays = weightDecay > 0 && decay(name);
      tf.tidy(() => {
        if (kernels) {
          const [np, nm, nv] = kernels.adamw(p, grad, s.m, s.v, { gradScale, beta1, beta2, sqrtBc2, epsilon, decay: decays ? 1 - lr * weightDecay : 1, stepSize: lr / bc1 });
          s.m.assign(nm);
          s.v.assign(nv);
          p.assign(np);
          return;
        }
        const g = gradScale === 1 ? grad : tf.mul(grad, gradScale);
        const m = tf.add(tf.mul(s.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(s.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), epsilon);
        const base = decays ? tf.mul(p, 1 - lr * weightDecay) : p;
        s.m.assign(m);
        s.v.assign(v);
        p.assign(tf.sub(base, tf.mul(tf.div(m, denom), lr / bc1)));
      });
    }
  }

  dispose(): void {
    for (const s of this.moments.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.moments.clear();
  }
}
