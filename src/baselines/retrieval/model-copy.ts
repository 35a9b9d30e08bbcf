/** A deep copy of a T5 (same config, options and weights), for baselines that fine-tune without touching the caller's model. */
import * as tf from '@tensorflow/tfjs';
import { T5 } from '../../model/t5';

/** An independent copy of `model`; dispose it separately. */
export function copyT5(model: T5): T5 {
  const out = T5.create(model.config, { ...model.options });
  for (const [name, v] of model.params) {
    const target = out.params.get(name)!;
    tf.tidy(() => target.assign(tf.add(v, 0)));
  }
  return out;
}
