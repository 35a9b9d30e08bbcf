import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { T5 } from '../src/model/t5';
import { t5StepShape } from './t5-step-setup';
import { Rng } from '../src/rng';
(async () => {
  await initBackend({ quiet: true });
  const { cfg, data } = t5StepShape();
  const model = T5.create(cfg, { seed: 0 });
  const vars = [...model.params.values()];
  for (const mode of ['fwd', 'fwdbwd']) {
    const prof = await tf.profile(() => {
      if (mode === 'fwd') tf.tidy(() => { model.loss(data as any, { training: true, rng: new Rng(1) } as any); });
      else { const { value, grads } = tf.variableGrads(() => model.loss(data as any, { training: true, rng: new Rng(1) } as any) as tf.Scalar, vars); tf.dispose([value, ...Object.values(grads)]); }
    });
    const by = new Map<string, number>();
    for (const k of prof.kernels) by.set(k.name, (by.get(k.name) ?? 0) + 1);
    console.log(mode, prof.kernels.length, [...by].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, n]) => `${k}:${n}`).join(' '));
  }
})();
