/**
 * Shared by the T5 training-step benches (train-throughput, parallel, profile-step): command-line options, the
 * `small` model config with the chosen vocabulary, one fixed random batch, and the PyTorch-CPU peer
 * (bench/peer/torch_t5.py) run on the identical model and shapes.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { type ModelConfig, preset } from '../src/config';
import type { Seq2SeqBatch } from '../src/model/t5';
import { Rng } from '../src/rng';

/** `--name value` from the command line, or `dflt`. */
export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

export interface T5StepShape {
  batch: number;
  src: number;
  tgt: number;
  vocab: number;
  cfg: ModelConfig;
  /** Random token ids (seed 1), the same batch every step. */
  data: Seq2SeqBatch;
  /** Tokens per step: batch × (source + target length). */
  tokens: number;
}

/** Shapes from `--batch --src-len --tgt-len --vocab` (defaults 32, 64, 64, 8000) and the batch they define. */
export function t5StepShape(): T5StepShape {
  const batch = Number(arg('batch', '32'));
  const src = Number(arg('src-len', '64'));
  const tgt = Number(arg('tgt-len', '64'));
  const vocab = Number(arg('vocab', '8000'));
  const rng = new Rng(1);
  const ids = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 + rng.int(vocab - 2)));
  return { batch, src, tgt, vocab, cfg: { ...preset('small').model, vocabSize: vocab }, data: { inputIds: ids(batch, src), labels: ids(batch, tgt) }, tokens: batch * (src + tgt) };
}

export interface PeerRow {
  threads: number;
  /** Best timed step (contention only adds time). */
  ms_per_step: number;
  ms_all: number[];
  tokens_per_s: number;
  [key: string]: unknown;
}

/**
 * The PyTorch-CPU peer with each thread count on the same shapes (interpreter: `LMI_PEER_PYTHON`, default
 * /usr/bin/python3); a failed run is reported and skipped. Empty with `--no-peer`.
 */
export function runTorchPeers(s: T5StepShape, threads: number[], steps: number, warmup: number): PeerRow[] {
  if (process.argv.includes('--no-peer')) return [];
  const rows: PeerRow[] = [];
  for (const t of threads) {
    const r = spawnSync(process.env.LMI_PEER_PYTHON ?? '/usr/bin/python3', [
      path.join(__dirname, 'peer', 'torch_t5.py'), '--threads', String(t), '--batch', String(s.batch), '--src-len', String(s.src),
      '--tgt-len', String(s.tgt), '--vocab', String(s.vocab), '--steps', String(steps), '--warmup', String(warmup),
    ], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`pytorch peer (${t} threads) failed: ${(r.stderr || r.error?.message || '').split('\n').slice(-3).join(' ')}`);
      continue;
    }
    const p = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ms_all: number[] };
    const ms = Math.min(...p.ms_all);
    rows.push({ ...p, threads: t, ms_per_step: ms, ms_all: p.ms_all, tokens_per_s: s.tokens / (ms / 1000) });
    console.log(`pytorch-cpu ${t} thread(s): ${ms.toFixed(0)} ms/step, ${(s.tokens / (ms / 1000)).toFixed(0)} tokens/s`);
  }
  return rows;
}
