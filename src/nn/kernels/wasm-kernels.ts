/**
 * The project's WebAssembly kernels (`gemm.h`, `bmm.c`, `lmhead.c`, `adamw.c`, `rmsnorm.c`, `dropout.c`, `attention.c` → committed
 * `kernels.wasm` and `kernels-fma.wasm`), run **inside tfjs-backend-wasm's own memory**: the module imports that memory, reads its
 * operands where the tensors already live and writes into outputs allocated by the backend, so a product costs no
 * copies. Loaded once per thread (each worker thread has its own backend and memory).
 *
 * The fused multiply-add build needs WebAssembly relaxed SIMD, which Node 20 compiles only after
 * `--experimental-wasm-relaxed-simd` (set here at run time; later Node versions ship it on). Where that module does
 * not compile, the plain simd128 build is used; `LMI_WASM_FMA=0` forces the plain build, and `LMI_SIMD_BMM=0` turns
 * the kernels off (every product and the LM head go back to tfjs' own kernels, for A/B timings).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as tf from '@tensorflow/tfjs';

/** The slice of the WebAssembly JS API used here (the project's TypeScript lib has no DOM/WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** What this file needs of tfjs-backend-wasm's BackendWasm (not exported by its typings in a usable form). */
interface WasmBackendLike {
  wasm: { asm: { memory: WasmMemory }; _malloc(bytes: number): number; _free(ptr: number): void };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

interface Exports {
  bmm_nn(a: number, b: number, c: number, g: number, m: number, k: number, n: number, panel: number): void;
  bmm_tn(a: number, b: number, c: number, g: number, m: number, k: number, n: number, panel: number): void;
  lm_head_xent(h: number, w: number, targets: number, n: number, d: number, v: number, r: number, grad: number,
    sums: number, shifted: number, dh: number, dw: number, wt: number, pw: number, pwt: number, p: number, panel: number): void;
  adamw(p: number, g: number, m: number, v: number, po: number, mo: number, vo: number, n: number, gscale: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, sqrtBc2: number, eps: number,
    decay: number, stepSize: number): void;
  rmsnorm_fwd(x: number, w: number, y: number, r: number, rows: number, d: number, eps: number): void;
  rmsnorm_bwd(x: number, w: number, r: number, dy: number, dx: number, dw: number, rows: number, d: number): void;
  dropout_mask(mask: number, n: number, seed: number, threshold: number, keep: number): void;
  attn_fwd(q: number, ldq: number, k: number, ldk: number, v: number, ldv: number, bias: number, biasBatch: number,
    mask: number, out: number, probs: number, b: number, h: number, lq: number, lk: number, dk: number, scratch: number): void;
  attn_bwd(q: number, ldq: number, k: number, ldk: number, v: number, ldv: number, probs: number, mask: number, dout: number,
    dq: number, dk: number, dv: number, dbias: number, biasBatch: number, b: number, h: number, lq: number, lk: number,
    dkv: number, scratch: number): void;
}

/** Self-attention over a fused QKV projection [B·L, 3·H·dk] (attention.c). */
export interface AttentionDims {
  batch: number;
  len: number;
  heads: number;
  dk: number;
}

/** Scalars of one AdamW update (src/train/adamw.ts). */
export interface AdamWScalars {
  gradScale: number;
  beta1: number;
  beta2: number;
  sqrtBc2: number;
  epsilon: number;
  /** 1 − lr·wd, or 1 without weight decay. */
  decay: number;
  /** lr / (1 − β1ᵗ). */
  stepSize: number;
}

/** The packed KC × NC block of B of gemm.h (256 × 256 floats). */
const PANEL_BYTES = 256 * 256 * 4;
/** Rows of logits per chunk of the fused LM head (R × V floats of scratch; 64 × 8,000 = 2 MB). */
const LM_HEAD_ROWS = 64;

export interface LmHeadResult {
  /** Σ_v exp(l_iv − max_i) per row. */
  sums: Float32Array;
  /** l_it − max_i per row: loss_i = log(sums[i]) − shifted[i]. */
  shifted: Float32Array;
  /** Gradients of Σ_i loss_i (absent when computed without gradients). */
  dh?: tf.Tensor2D;
  dw?: tf.Tensor2D;
}

export class WasmKernels {
  private scratchPtr = 0;
  private scratchBytes = 0;

  constructor(private readonly be: WasmBackendLike, private readonly ex: Exports, readonly fma: boolean) {}

  private offset(t: tf.Tensor): number {
    const d = this.be.dataIdMap.get(t.dataId);
    if (!d) throw new Error('wasm kernels: tensor is not on the wasm backend');
    return d.memoryOffset;
  }

  /** Scratch in the backend's heap, reused across calls (grown, never shrunk). */
  private scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchPtr) this.be.wasm._free(this.scratchPtr);
      this.scratchBytes = Math.max(bytes, 2 * this.scratchBytes);
      this.scratchPtr = this.be.wasm._malloc(this.scratchBytes) >>> 0; // malloc returns a signed int32
      if (!this.scratchPtr) throw new Error(`wasm kernels: cannot allocate ${this.scratchBytes} bytes of scratch`);
    }
    return this.scratchPtr;
  }

  private output(shape: number[]): { info: tf.TensorInfo; ptr: number } {
    const info = this.be.makeOutput(shape, 'float32');
    return { info, ptr: this.be.dataIdMap.get(info.dataId)!.memoryOffset };
  }

  private tensor<T extends tf.Tensor>(info: tf.TensorInfo): T {
    return tf.engine().makeTensorFromTensorInfo(info) as T;
  }

  /**
   * C = A · B, or Aᵀ · B with `transposeA` (A stored [.., K, M]); rank 2 or rank 3 (a batch of G products).
   * Float32 operands on this backend.
   */
  matMul<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T, transposeA = false): T {
    const r = a.rank;
    if (r !== b.rank || (r !== 2 && r !== 3)) throw new Error(`wasm matMul: ranks ${a.rank}, ${b.rank}`);
    const G = r === 3 ? a.shape[0] : 1;
    const [M, K] = transposeA ? [a.shape[r - 1], a.shape[r - 2]] : [a.shape[r - 2], a.shape[r - 1]];
    const N = b.shape[r - 1];
    if (b.shape[r - 2] !== K || (r === 3 && b.shape[0] !== G) || a.dtype !== 'float32' || b.dtype !== 'float32') {
      throw new Error(`wasm matMul: cannot multiply ${a.dtype}[${a.shape}]${transposeA ? 'ᵀ' : ''} by ${b.dtype}[${b.shape}]`);
    }
    const shape: number[] = r === 3 ? [G, M, N] : [M, N];
    if (K === 0) return tf.zeros(shape as [number, number]) as T;
    const out = this.output(shape);
    if (G * M * N > 0) {
      const panel = this.scratch(PANEL_BYTES);
      (transposeA ? this.ex.bmm_tn : this.ex.bmm_nn)(this.offset(a), this.offset(b), out.ptr, G, M, K, N, panel);
    }
    return this.tensor<T>(out.info);
  }

  /** The fused LM head + cross-entropy of lmhead.c for h [N, d], w [d, V] and N target ids. */
  lmHeadXent(h: tf.Tensor2D, w: tf.Tensor2D, targets: Int32Array, grad: boolean): LmHeadResult {
    const [N, d] = h.shape;
    const V = w.shape[1];
    if (w.shape[0] !== d || targets.length !== N || h.dtype !== 'float32' || w.dtype !== 'float32') {
      throw new Error(`wasm lmHeadXent: h [${h.shape}], w [${w.shape}], ${targets.length} targets`);
    }
    const rows = Math.min(LM_HEAD_ROWS, Math.max(N, 1));
    // Scratch layout (16-byte aligned): panel | targets | sums | shifted | pw [d × V] | wt, pwt [V × d] | p [rows, V].
    const al = (n: number): number => (n + 15) & ~15;
    const tOff = PANEL_BYTES, sOff = tOff + al(4 * N), shOff = sOff + al(4 * N), pwOff = shOff + al(4 * N);
    const wtOff = pwOff + al(4 * V * d), pwtOff = wtOff + (grad ? al(4 * V * d) : 0);
    const pOff = pwtOff + (grad ? al(4 * V * d) : 0);
    const base = this.scratch(pOff + 4 * rows * V);
    const dh = grad ? this.output([N, d]) : undefined;
    const dw = grad ? this.output([d, V]) : undefined;
    const heap = (): ArrayBuffer => this.be.wasm.asm.memory.buffer;
    new Int32Array(heap(), base + tOff, N).set(targets);
    this.ex.lm_head_xent(this.offset(h), this.offset(w), base + tOff, N, d, V, rows, grad ? 1 : 0, base + sOff, base + shOff,
      dh?.ptr ?? 0, dw?.ptr ?? 0, base + wtOff, base + pwOff, base + pwtOff, base + pOff, base);
    return {
      sums: new Float32Array(heap(), base + sOff, N).slice(),
      shifted: new Float32Array(heap(), base + shOff, N).slice(),
      ...(dh && dw ? { dh: this.tensor<tf.Tensor2D>(dh.info), dw: this.tensor<tf.Tensor2D>(dw.info) } : {}),
    };
  }

  /** The fused AdamW update of adamw.c: new [p, m, v] tensors (the inputs are not changed). */
  adamw(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, k: AdamWScalars): [tf.Tensor, tf.Tensor, tf.Tensor] {
    const n = p.size;
    if (g.size !== n || m.size !== n || v.size !== n) throw new Error(`wasm adamw: sizes ${p.size}, ${g.size}, ${m.size}, ${v.size}`);
    const outs = [this.output(p.shape), this.output(p.shape), this.output(p.shape)];
    this.ex.adamw(this.offset(p), this.offset(g), this.offset(m), this.offset(v), outs[0].ptr, outs[1].ptr, outs[2].ptr, n,
      k.gradScale, k.beta1, 1 - k.beta1, k.beta2, 1 - k.beta2, k.sqrtBc2, k.epsilon, k.decay, k.stepSize);
    return outs.map((o) => this.tensor(o.info)) as [tf.Tensor, tf.Tensor, tf.Tensor];
  }

  /** T5 layer norm of rmsnorm.c over the last axis: y (shape of x) and r = 1/√(mean(x²) + ε) per row. */
  rmsNormForward(x: tf.Tensor, w: tf.Tensor1D, eps: number): { y: tf.Tensor; r: tf.Tensor1D } {
    const d = w.shape[0];
    const rows = x.size / d;
    if (x.shape[x.rank - 1] !== d || x.dtype !== 'float32') throw new Error(`wasm rmsNorm: x [${x.shape}], weight [${w.shape}]`);
    const y = this.output(x.shape), r = this.output([rows]);
    this.ex.rmsnorm_fwd(this.offset(x), this.offset(w), y.ptr, r.ptr, rows, d, eps);
    return { y: this.tensor(y.info), r: this.tensor(r.info) };
  }

  /** Its gradients: dx (shape of x) and dw [d]. */
  rmsNormBackward(x: tf.Tensor, w: tf.Tensor1D, r: tf.Tensor1D, dy: tf.Tensor): { dx: tf.Tensor; dw: tf.Tensor1D } {
    const d = w.shape[0];
    const dx = this.output(x.shape), dw = this.output([d]);
    this.ex.rmsnorm_bwd(this.offset(x), this.offset(w), this.offset(r), this.offset(dy), dx.ptr, dw.ptr, r.shape[0], d);
    return { dx: this.tensor(dx.info), dw: this.tensor(dw.info) };
  }

  /** The inverted-dropout mask of dropout.c (the xorshift32 stream of src/nn/dropout.ts from `seed`). */
  dropoutMask(shape: number[], seed: number, threshold: number, keep: number): tf.Tensor {
    const out = this.output(shape);
    this.ex.dropout_mask(out.ptr, shape.reduce((a, b) => a * b, 1), seed, threshold, keep);
    return this.tensor(out.info);
  }

  /**
   * Forward attention core of attention.c over qkv [B·L, 3·H·dk]; bias [1 or B, H, L, L] and the dropout mask
   * [B, H, L, L] optional. Returns the heads-merged output [B·L, H·dk] and the softmax probabilities [B, H, L, L].
   */
  attentionForward(qkv: tf.Tensor2D, bias: tf.Tensor | undefined, mask: tf.Tensor | undefined, a: AttentionDims): { out: tf.Tensor2D; probs: tf.Tensor } {
    const { batch: B, len: L, heads: H, dk } = a;
    const inner = H * dk;
    if (qkv.shape[0] !== B * L || qkv.shape[1] !== 3 * inner) throw new Error(`wasm attention: qkv [${qkv.shape}] for B ${B}, L ${L}, ${H} × ${dk}`);
    const out = this.output([B * L, inner]), probs = this.output([B, H, L, L]);
    const scratch = this.scratch(4 * (dk * L + 2 * L * L) + PANEL_BYTES);
    const q = this.offset(qkv), ld = 3 * inner;
    this.ex.attn_fwd(q, ld, q + 4 * inner, ld, q + 8 * inner, ld, bias ? this.offset(bias) : 0, bias ? bias.shape[0] : 0,
      mask ? this.offset(mask) : 0, out.ptr, probs.ptr, B, H, L, L, dk, scratch);
    return { out: this.tensor(out.info), probs: this.tensor(probs.info) };
  }

  /** Its backward pass: the gradient of qkv (same layout) and, with `biasBatch` > 0, of the bias [biasBatch, H, L, L]. */
  attentionBackward(qkv: tf.Tensor2D, probs: tf.Tensor, mask: tf.Tensor | undefined, dout: tf.Tensor, biasBatch: number, a: AttentionDims): { dqkv: tf.Tensor2D; dbias?: tf.Tensor } {
    const { batch: B, len: L, heads: H, dk } = a;
    const inner = H * dk;
    const dqkv = this.output([B * L, 3 * inner]);
    const dbias = biasBatch > 0 ? this.output([biasBatch, H, L, L]) : undefined;
    const scratch = this.scratch(4 * (dk * L + 2 * L * L) + PANEL_BYTES);
    const q = this.offset(qkv), g = dqkv.ptr, ld = 3 * inner;
    this.ex.attn_bwd(q, ld, q + 4 * inner, ld, q + 8 * inner, ld, this.offset(probs), mask ? this.offset(mask) : 0, this.offset(dout),
      g, g + 4 * inner, g + 8 * inner, dbias?.ptr ?? 0, biasBatch, B, H, L, L, dk, scratch);
    return { dqkv: this.tensor(dqkv.info), ...(dbias ? { dbias: this.tensor(dbias.info) } : {}) };
  }
}

function compile(name: string): object {
  return new WA.Module(fs.readFileSync(path.join(__dirname, name)));
}

/** The FMA module where relaxed SIMD compiles (turning on Node 20's flag if needed), else null. */
function compileFma(): object | null {
  if (process.env.LMI_WASM_FMA === '0') return null;
  try {
    return compile('kernels-fma.wasm');
  } catch {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      return compile('kernels-fma.wasm');
    } catch {
      return null;
    }
  }
}

const loaded = new WeakMap<object, WasmKernels | null>();

function load(be: WasmBackendLike): WasmKernels | null {
  try {
    const fmaModule = compileFma();
    const mod = fmaModule ?? compile('kernels.wasm');
    const inst = new WA.Instance(mod, { env: { memory: be.wasm.asm.memory } });
    return new WasmKernels(be, inst.exports as unknown as Exports, fmaModule !== null);
  } catch {
    return null;
  }
}

/** The wasm backend's heap view of a float32 tensor's data, or null on other backends. Valid until the next allocation. */
export function heapView(t: tf.Tensor): Float32Array | null {
  if (tf.getBackend() !== 'wasm' || t.dtype !== 'float32') return null;
  const be = tf.backend() as unknown as WasmBackendLike;
  const d = be.dataIdMap.get(t.dataId);
  return d ? new Float32Array(be.wasm.asm.memory.buffer, d.memoryOffset, t.size) : null;
}

/**
 * Copy a float32 tensor's values into `dst` at `offset`. On wasm straight from the backend's memory (`dataSync`
 * would first copy them into a fresh ArrayBuffer: megabytes of garbage per training step).
 */
export function copyTensorInto(t: tf.Tensor, dst: Float32Array, offset = 0): void {
  dst.set(heapView(t) ?? (t.dataSync() as Float32Array), offset);
}

/**
 * A float32 tensor whose values `fill` writes into the array it is given. On wasm that array is the tensor's own
 * memory in the backend (no intermediate ArrayBuffer).
 */
export function tensorFromFill(shape: number[], fill: (values: Float32Array) => void): tf.Tensor {
  if (tf.getBackend() === 'wasm') {
    const be = tf.backend() as unknown as WasmBackendLike;
    const info = be.makeOutput(shape, 'float32');
    const d = be.dataIdMap.get(info.dataId)!;
    fill(new Float32Array(be.wasm.asm.memory.buffer, d.memoryOffset, info.shape.reduce((a, b) => a * b, 1)));
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(values);
  return tf.tensor(values, shape, 'float32');
}

/** The kernels for the active backend: on wasm (unless `LMI_SIMD_BMM=0`) and where they load, else null. */
export function wasmKernels(): WasmKernels | null {
  if (tf.getBackend() !== 'wasm' || process.env.LMI_SIMD_BMM === '0') return null;
  const be = tf.backend() as unknown as WasmBackendLike;
  if (!loaded.has(be)) loaded.set(be, load(be));
  return loaded.get(be) ?? null;
}
