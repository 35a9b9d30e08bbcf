/**
 * Parity with an independent PyTorch T5 (test/reference/t5/t5_ref.py, fixture written by make_fixture.py):
 * a tiny HF-layout checkpoint loads with `T5.fromPretrained`, and encoder/decoder states, logits, loss and loss
 * gradients match to 1e-4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { T5, isLinearWeight } from '../../src/model/t5';
import { relativePositionBucket } from '../../src/nn/relative-position';

const REF = path.join(__dirname, '..', 'reference', 't5');

interface Reference {
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
  decoder_input_ids: number[][];
  encoder_hidden: number[];
  decoder_hidden: number[];
  logits: number[];
  logits_shape: number[];
  loss: number;
  grads: Record<string, number[]>;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length mismatch');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const variant of ['tiny', 'tiny-gated']) {
  test(`T5.fromPretrained(${variant}) matches the PyTorch reference to 1e-4`, async () => {
    await initBackend({ quiet: true });
    const ref = JSON.parse(fs.readFileSync(path.join(REF, variant, 'reference.json'), 'utf8')) as Reference;
    const model = T5.fromPretrained(path.join(REF, variant));
    const out = model.forward({ inputIds: ref.input_ids, attentionMask: ref.attention_mask, labels: ref.labels, decoderInputIds: ref.decoder_input_ids });
    assert.deepEqual(out.logits.shape, ref.logits_shape);
    assert.ok(maxAbsDiff(out.encoderHidden.dataSync(), ref.encoder_hidden) < 1e-4, 'encoder hidden');
    assert.ok(maxAbsDiff(out.decoderHidden.dataSync(), ref.decoder_hidden) < 1e-4, 'decoder hidden');
    assert.ok(maxAbsDiff(out.logits.dataSync(), ref.logits) < 1e-4, 'logits');
    tf.dispose([out.logits, out.encoderHidden, out.decoderHidden]);

    const names = Object.keys(ref.grads);
    const { value, grads } = tf.variableGrads(() => model.loss({ inputIds: ref.input_ids, labels: ref.labels }), names.map((n) => model.params.get(n)!));
    assert.ok(Math.abs(value.dataSync()[0] - ref.loss) < 1e-4, `loss ${value.dataSync()[0]} vs ${ref.loss}`);
    for (const n of names) {
      const g = grads[model.params.get(n)!.name];
      const hfT = isLinearWeight(n) ? tf.transpose(g) : g;
      const hf = Float32Array.from(hfT.dataSync());
      if (hfT !== g) hfT.dispose();
      const d = maxAbsDiff(hf, ref.grads[n]);
      assert.ok(d < 1e-4, `gradient of ${n}: max diff ${d}`);
    }
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });
}

test('relative position buckets equal the reference (float32 boundary cases included)', () => {
  const b = JSON.parse(fs.readFileSync(path.join(REF, 'buckets.json'), 'utf8')) as Record<string, number[]>;
  for (const [key, bidir, nb, md] of [['bidirectional_32_128', true, 32, 128], ['causal_32_128', false, 32, 128], ['bidirectional_8_12', true, 8, 12], ['causal_8_12', false, 8, 12]] as const) {
    const got = b.relative.map((r) => relativePositionBucket(r, bidir, nb, md));
    assert.deepEqual(got, b[key], key);
  }
});

test('save → fromPretrained round-trips weights exactly', async () => {
  await initBackend({ quiet: true });
  const model = T5.fromPretrained(path.join(REF, 'tiny-gated'));
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 't5-rt-'));
  model.save(dir);
  const again = T5.fromPretrained(dir);
  for (const [name, v] of model.params) assert.deepEqual(again.params.get(name)!.dataSync(), v.dataSync(), name);
  const a = fs.readFileSync(path.join(dir, 'model.safetensors'));
  again.save(dir);
  assert.ok(a.equals(fs.readFileSync(path.join(dir, 'model.safetensors'))), 'bytes identical after a second save');
  model.dispose();
  again.dispose();
  fs.rmSync(dir, { recursive: true });
});
