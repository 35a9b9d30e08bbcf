/**
 * The one place that chooses and initialises the TensorFlow.js backend, and the only file that imports a backend
 * package. Preference: tfjs-node-gpu > tfjs-node > wasm > cpu; `LMI_BACKEND` (or `initBackend({ backend })`)
 * overrides it. The native packages are optionalDependencies: where they failed to install, `require` throws and we
 * fall back.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { LmiError } from './errors';
import { broadcastReductionGrads } from './nn/kernels/broadcast-grads';
import { copyFreeKernelsOnWasm } from './nn/kernels/copy-free';
import { wasmKernels } from './nn/kernels/wasm-kernels';

/** `tensorflow` = tfjs-node(-gpu), whichever is installed, GPU build first. */
export type BackendChoice = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** tfjs backend name now active (`tensorflow`, `wasm`, `cpu`). */
  name: string;
  /** The package that provides it. */
  package: string;
  /** Why this one: the first that worked in preference order, or the env/argument override. */
  reason: string;
  /** Candidates that were tried and failed, with the error message. */
  skipped: { choice: BackendChoice; error: string }[];
  /** Native backends thread their own kernels; wasm/cpu are single-threaded in Node (use worker threads). */
  multiThreaded: boolean;
}

let active: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

function tryRequire(id: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id);
}

async function activate(choice: BackendChoice): Promise<BackendInfo | string> {
  try {
    switch (choice) {
      case 'tensorflow-gpu':
        tryRequire('@tensorflow/tfjs-node-gpu');
        break;
      case 'tensorflow':
        try {
          tryRequire('@tensorflow/tfjs-node-gpu');
        } catch {
          tryRequire('@tensorflow/tfjs-node');
        }
        break;
      case 'wasm': {
        const wasm = tryRequire('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
        // Load the .wasm binaries from node_modules (also inside tslab, whose cwd may be anywhere).
        const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
        wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
        break;
      }
      case 'cpu':
        break;
    }
    const tfName = choice === 'tensorflow-gpu' ? 'tensorflow' : choice;
    const ok = await tf.setBackend(tfName);
    if (!ok) return `tf.setBackend('${tfName}') returned false`;
    await tf.ready();
    if (tfName === 'wasm') copyFreeKernelsOnWasm();
    broadcastReductionGrads();
    const pkg =
      choice === 'cpu' ? '@tensorflow/tfjs-backend-cpu' : choice === 'wasm' ? '@tensorflow/tfjs-backend-wasm'
      : choice === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node(-gpu)';
    return { name: tf.getBackend(), package: pkg, reason: '', skipped: [], multiThreaded: tfName === 'tensorflow' };
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

function parseChoice(value: string, from: string): BackendChoice {
  const v = value.trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(v)) return v as BackendChoice;
  throw new LmiError(`${from}: unknown backend "${value}"; use one of ${BACKEND_CHOICES.join(', ')}`);
}

/**
 * Pick and initialise the backend once per process (later calls return the same info). With an explicit choice
 * (argument or `LMI_BACKEND`), failure to initialise it is an error, not a silent fallback.
 */
export function initBackend(opts: { backend?: BackendChoice; quiet?: boolean } = {}): Promise<BackendInfo> {
  if (active) return Promise.resolve(active);
  if (!pending) {
    pending = (async () => {
      const env = process.env.LMI_BACKEND;
      const forced = opts.backend ?? (env ? parseChoice(env, 'LMI_BACKEND') : undefined);
      const order: BackendChoice[] = forced ? [forced] : ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
      const skipped: BackendInfo['skipped'] = [];
      for (const choice of order) {
        const r = await activate(choice);
        if (typeof r !== 'string') return finish(r, skipped, forced, opts.quiet);
        skipped.push({ choice, error: r });
      }
      pending = undefined;
      throw new LmiError(
        `backend: could not initialise ${forced ? `"${forced}" (from ${opts.backend ? 'initBackend' : 'LMI_BACKEND'})` : 'any backend'}: ` +
          skipped.map((s) => `${s.choice}: ${s.error}`).join('; '),
      );
    })();
  }
  return pending;
}

function finish(info: BackendInfo, skipped: BackendInfo['skipped'], forced: BackendChoice | undefined, quiet?: boolean): BackendInfo {
  info.skipped = skipped;
  info.reason = forced ? `forced (${forced})` : skipped.length ? `fallback after ${skipped.map((s) => s.choice).join(', ')}` : 'first choice';
  active = info;
  if (!quiet && process.env.LMI_QUIET !== '1') process.stderr.write(`[lmindexer] backend: ${describeBackend(info)}\n`);
  return info;
}

/** The active backend, or undefined before `initBackend`. */
export function backendInfo(): BackendInfo | undefined {
  return active;
}

/** One line for logs and reports: `wasm (@tensorflow/tfjs-backend-wasm; fallback after tensorflow-gpu, tensorflow)`. */
export function describeBackend(info: BackendInfo = active!): string {
  if (!info) return 'not initialised';
  const base = `${info.name} (${info.package}; ${info.reason})`;
  if (info.name !== 'wasm' || tf.getBackend() !== 'wasm') return base;
  const k = wasmKernels();
  return `${base}; project kernels: ${k ? (k.fma ? 'relaxed-SIMD FMA' : 'simd128 (no FMA)') : 'off (LMI_SIMD_BMM=0 or not loadable)'}`;
}
