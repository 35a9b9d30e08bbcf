/**
 * Does the first ID carry what the reconstructor needs? Token accuracy of a fitted LMIndexer's reconstructor on
 * masked tokens (Eq 4–5, hint ratio of position 1), once with the document's first-position code ĉ¹ as the query and
 * once with no ID (zero query, as in the reconstructor warm-up, Eq 12) — same documents, same hint masks, same
 * weights. A gap near zero means the reconstructor succeeds from the hints alone (DESIGN.md, measured risks).
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { docBatch, hintBatch } from '../indexer/batches';
import { tokenScores } from '../indexer/diagnostics';
import type { LMIndexer } from '../indexer/lmindexer';
import { hintRatioAt } from '../indexer/options';
import { gatherRows } from '../nn/embedding';
import { Rng } from '../rng';
import { encodeBatch } from '../text/index';

export interface ReconWithWithoutId {
  withId: number;
  withoutId: number;
  /** Masked tokens scored. */
  tokens: number;
}

/** Accuracy with and without ĉ¹ on `texts[i]` whose first-position codes are `codes[i]`. */
export function reconWithWithoutId(lmi: LMIndexer, texts: readonly string[], codes: ArrayLike<number>, seed: number, batchSize = 64): ReconWithWithoutId {
  const { encoder, reconstructor, tokenizer } = lmi;
  if (!encoder || !reconstructor || !tokenizer || !lmi.codebooks.length) throw new LmiError('reconWithWithoutId: the LMIndexer is not fitted');
  if (codes.length !== texts.length) throw new LmiError(`reconWithWithoutId: ${texts.length} texts but ${codes.length} codes`);
  const enc = encodeBatch(tokenizer, texts, lmi.options.maxLength);
  const ratio = hintRatioAt(lmi.options, 0);
  const truth: number[] = [];
  const pred = { withId: [] as number[], withoutId: [] as number[] };
  for (let s = 0; s < texts.length; s += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, texts.length - s) }, (_, i) => s + i);
    const hints = hintBatch(docBatch(enc, rows), ratio, tokenizer.maskId, new Rng(seed + s));
    if (!hints.targets.length) continue;
    for (const mode of ['withId', 'withoutId'] as const) {
      const out = tf.tidy(() => {
        const w = encoder.tokenEmbeddings();
        const reps = mode === 'withId' ? [gatherRows(lmi.codebooks[0] as tf.Variable<tf.Rank.R2>, rows.map((r) => codes[r]))] : [];
        const z = reconstructor.forward(reps, hints, w);
        const [B, L, d] = z.shape;
        const zr = gatherRows(tf.reshape(z, [B * L, d]) as tf.Tensor2D, hints.targetRows);
        return tf.argMax(tf.matMul(zr, tf.transpose(w)), 1);
      });
      const a = out.dataSync();
      out.dispose();
      for (let i = 0; i < a.length; i++) pred[mode].push(a[i]);
    }
    for (const t of hints.targets) truth.push(t);
  }
  return { withId: tokenScores(truth, pred.withId).accuracy, withoutId: tokenScores(truth, pred.withoutId).accuracy, tokens: truth.length };
}
