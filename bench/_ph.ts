import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { T5 } from '../src/model/t5';
import { Trainer } from '../src/train/trainer';
import { t5StepShape } from './t5-step-setup';
(async () => {
  await initBackend({ quiet: true });
  const { cfg, data } = t5StepShape();
  const model = T5.create(cfg, { seed: 0 });
  const trainer = new Trainer(model, (b: any, ctx) => model.loss(b, { training: true, rng: ctx.rng }), { learningRate: 1e-3, weightDecay: 0.01, maxGradNorm: 1 });
  const vars = [...model.params.values()];
  for (let i = 0; i < 2; i++) trainer.trainStep([data]);
  const f = [], fb = [], st = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    tf.tidy(() => { const l = model.loss(data as any, { training: true, rng: trainer.rngFor(0, 0) } as any); l.dataSync(); });
    f.push(performance.now() - t);
    t = performance.now();
    const { value, grads } = tf.variableGrads(() => model.loss(data as any, { training: true, rng: trainer.rngFor(0, 0) } as any) as tf.Scalar, vars);
    value.dataSync(); fb.push(performance.now() - t); tf.dispose([value, ...Object.values(grads)]);
    t = performance.now(); trainer.trainStep([data]); st.push(performance.now() - t);
  }
  const m = (x: number[]) => Math.min(...x).toFixed(0);
  console.log('batch', (data as any).inputIds?.length ?? '', 'forward', m(f), 'fwd+bwd', m(fb), 'step', m(st), 'numTensors', tf.memory().numTensors);
})();
