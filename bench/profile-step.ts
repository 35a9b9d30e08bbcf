/**
 * Where the time of one `small` T5 training step goes, kernel by kernel (tf.profile on the active backend):
 * total kernel ms per kernel name and per output shape, sorted, with the share of the step. Used to decide what to
 * optimise in the model (issue 4); the numbers are per step and include forward, backward and AdamW.
 *
 *   npx tsx bench/profile-step.ts [--batch 32] [--src-len 64] [--tgt-len 64] [--vocab 8000] [--top 25]
 */
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/backend';
import { T5, type Seq2SeqBatch } from '../src/model/t5';
import { Trainer } from '../src/train/trainer';
import { arg, t5StepShape } from './t5-step-setup';


async function main(): Promise<void> {
  const info = await initBackend({ quiet: true });
  const { batch, src, tgt, vocab, cfg, data } = t5StepShape();
  const top = Number(arg('top', '25'));
  const model = T5.create(cfg, { seed: 0 });
  const trainer = new Trainer<Seq2SeqBatch>(model, (b, ctx) => model.loss(b, { training: true, rng: ctx.rng }), { learningRate: 1e-3, weightDecay: 0.01, maxGradNorm: 1 });
  for (let i = 0; i < 2; i++) trainer.trainStep([data]);
  const t0 = performance.now();
  const prof = await tf.profile(() => { trainer.trainStep([data]); });
  const wall = performance.now() - t0;
  const byName = new Map<string, { ms: number; n: number }>();
  const byShape = new Map<string, { ms: number; n: number }>();
  let total = 0;
  for (const k of prof.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    total += ms;
    const a = byName.get(k.name) ?? { ms: 0, n: 0 };
    byName.set(k.name, { ms: a.ms + ms, n: a.n + 1 });
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')} → [${k.outputShapes.join('][')}]`;
    const b = byShape.get(key) ?? { ms: 0, n: 0 };
    byShape.set(key, { ms: b.ms + ms, n: b.n + 1 });
  }
  const show = (title: string, m: Map<string, { ms: number; n: number }>) => {
    process.stdout.write(`\n${title}\n`);
    for (const [k, v] of [...m].sort((x, y) => y[1].ms - x[1].ms).slice(0, top)) {
      process.stdout.write(`${v.ms.toFixed(1).padStart(8)} ms ${((100 * v.ms) / total).toFixed(1).padStart(5)}%  ×${String(v.n).padEnd(4)} ${k}\n`);
    }
  };
  process.stdout.write(`${describeBackend(info)}; batch ${batch}, lengths ${src}/${tgt}, vocab ${vocab}\n`);
  process.stdout.write(`profiled step: ${wall.toFixed(0)} ms wall, ${total.toFixed(0)} ms in ${prof.kernels.length} kernels\n`);
  show('by kernel', byName);
  show('by kernel and shape', byShape);
  model.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
