/** Ready-made trainer callbacks: JSONL metrics, periodic console lines, a progress bar with ETA. */
import { Progress } from '../progress';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StepInfo, TrainerCallback } from './trainer';

/** Append one JSON object per step (`{step, loss, lr, gradNorm, ms, ...extra}`) to `file`. */
export function jsonlLogger(file: string, extra: Record<string, unknown> = {}): TrainerCallback {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return {
    onStepEnd(info: StepInfo): void {
      fs.appendFileSync(file, JSON.stringify({ ...extra, ...info }) + '\n');
    },
  };
}

/** Print a line every `every` steps: step, loss (mean since the last line), lr, steps/s. */
export function consoleLogger(every = 10, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): TrainerCallback {
  let sum = 0;
  let n = 0;
  let ms = 0;
  return {
    onStepEnd(info: StepInfo): void {
      sum += info.loss;
      n += 1;
      ms += info.ms;
      if (info.step % every === 0) {
        write(`step ${info.step}  loss ${(sum / n).toFixed(4)}  lr ${info.lr.toExponential(2)}  ${(ms / n).toFixed(0)} ms/step`);
        sum = n = ms = 0;
      }
    },
  };
}

/** A progress bar with ETA over `total` optimizer steps; shows the running mean loss. */
export function progressCallback(total: number, label = 'train'): TrainerCallback {
  const bar = new Progress({ label, total, unit: 'step' });
  let sum = 0;
  let n = 0;
  return {
    onStepEnd(info: StepInfo): void {
      sum += info.loss;
      n += 1;
      bar.tick(1, `loss ${(sum / n).toFixed(3)}`);
      if (n >= 20) sum = n = 0;
    },
    onFitEnd(): void {
      bar.finish();
    },
  };
}
