/**
 * Progressive training (Sec 3.2, Algorithm 1) as an explicit stage machine. Positions t = 1..T are learned one after
 * another; per position: encoder warm-up with h_t as the reconstructor query (Eq 13) → codebook initialisation
 * (k-means of h_t, Eq 13) → joint training with the straight-through codes (Eq 11) → ID assignment (Alg. 1 line 18).
 * The reconstructor warm-up (Eq 12) runs once before t = 1. Ablations drop stages: without the encoder warm-up the
 * codebook keeps its random initialisation.
 *
 * The machine is persisted as `state.json` (stage index + optimizer steps done in it); the indexer writes its full
 * state at every stage boundary and the Trainer checkpoints inside a stage, so `resume` continues from the exact
 * stage and step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { LmiError } from '../errors';
import type { LMIndexerOptions } from './options';

export type StageKind = 'recon-warmup' | 'encoder-warmup' | 'codebook-init' | 'joint' | 'assign';

export interface Stage {
  kind: StageKind;
  /** 0-based ID position (−1 for the reconstructor warm-up). */
  position: number;
  /** Training epochs (0 for the non-training stages). */
  epochs: number;
  /** For codebook-init: k-means of h (true) or keep the random codebook (ablation). */
  kmeans?: boolean;
}

/** The stages of a run, in order. */
export function stagePlan(o: LMIndexerOptions): Stage[] {
  const plan: Stage[] = [];
  if (o.reconWarmup && o.reconWarmupEpochs > 0) plan.push({ kind: 'recon-warmup', position: -1, epochs: o.reconWarmupEpochs });
  for (let p = 0; p < o.idLength; p++) {
    if (o.encoderWarmup && o.encoderWarmupEpochs > 0) plan.push({ kind: 'encoder-warmup', position: p, epochs: o.encoderWarmupEpochs });
    plan.push({ kind: 'codebook-init', position: p, epochs: 0, kmeans: o.encoderWarmup });
    if (o.jointEpochs > 0) plan.push({ kind: 'joint', position: p, epochs: o.jointEpochs });
    plan.push({ kind: 'assign', position: p, epochs: 0 });
  }
  return plan;
}

/** Stable name of stage i (checkpoint folders, logs). */
export function stageName(s: Stage, i: number): string {
  return `${String(i).padStart(2, '0')}-${s.kind}${s.position >= 0 ? `-p${s.position + 1}` : ''}`;
}

/** Where the machine stands: stages before `next` are complete. */
export interface ProgressState {
  next: number;
  plan: Stage[];
}

export const STATE_FILE = 'state.json';

export function readState(dir: string): ProgressState | undefined {
  const file = path.join(dir, STATE_FILE);
  if (!fs.existsSync(file)) return undefined;
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as ProgressState;
  if (!(Number.isInteger(s.next) && Array.isArray(s.plan))) throw new LmiError(`${file}: not an LMIndexer progress state`);
  return s;
}

export function writeState(dir: string, s: ProgressState): void {
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, STATE_FILE), JSON.stringify(s, null, 2) + '\n');
}

/**
 * Run the remaining stages: `run(stage, i)` does the work of stage i; after it returns, `persist(i + 1)` writes the
 * model state and then the state file moves on. A resumed plan must equal the current one (same options).
 */
export async function runStages(
  plan: Stage[], start: number,
  run: (stage: Stage, index: number) => Promise<void>,
  persist: (next: number) => void,
): Promise<void> {
  for (let i = start; i < plan.length; i++) {
    await run(plan[i], i);
    persist(i + 1);
  }
}

/** Throws unless a saved plan equals the current one. */
export function checkSamePlan(saved: Stage[], plan: Stage[], where: string): void {
  if (JSON.stringify(saved) !== JSON.stringify(plan)) {
    throw new LmiError(`${where}: the saved stage plan differs from the current options; resume with the same options or use a fresh directory`);
  }
}
