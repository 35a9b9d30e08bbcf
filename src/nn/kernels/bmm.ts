/**
 * The SIMD batched matrix product of `bmm.c` (compiled to `bmm.wasm`, committed), loaded once per thread.
 * tfjs-backend-wasm sends every product with batch > 1 through a scalar loop; attention's [B·H, L, d_kv] products
 * are exactly that case. `batchMatMulSimd` copies the operands into the kernel's own memory, runs it and copies the
 * result out: the copies are O(size), the product O(size · K).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The slice of the WebAssembly JS API used here (the project's TypeScript lib has no DOM/WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Kernel {
  memory: WasmMemory;
  bmmNN: (a: number, b: number, c: number, g: number, m: number, k: number, n: number) => void;
  heapBase: number;
}

let kernel: Kernel | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable (then callers use tf.matMul). */
export function simdKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = fs.readFileSync(path.join(__dirname, 'bmm.wasm'));
    const inst = new WA.Instance(new WA.Module(bytes), {});
    const ex = inst.exports as unknown as { memory: WasmMemory; bmm_nn: Kernel['bmmNN']; __heap_base: { value: number } };
    kernel = { memory: ex.memory, bmmNN: ex.bmm_nn, heapBase: Number(ex.__heap_base.value) };
  } catch {
    kernel = null;
  }
  return kernel;
}

const align16 = (n: number) => (n + 15) & ~15;

/** C[g] = A[g] · B[g] for row-major A [G, M, K], B [G, K, N]; returns C [G, M, N] (a fresh array). */
export function batchMatMulSimd(a: Float32Array, b: Float32Array, G: number, M: number, K: number, N: number): Float32Array {
  const kern = simdKernel();
  if (!kern) throw new Error('batchMatMulSimd: the SIMD kernel is unavailable in this runtime');
  if (a.length !== G * M * K || b.length !== G * K * N) throw new Error(`batchMatMulSimd: operand sizes ${a.length}, ${b.length} do not match [${G},${M},${K}]·[${G},${K},${N}]`);
  const aOff = align16(kern.heapBase);
  const bOff = align16(aOff + a.length * 4);
  const cOff = align16(bOff + b.length * 4);
  const end = cOff + G * M * N * 4;
  const have = kern.memory.buffer.byteLength;
  if (end > have) kern.memory.grow(Math.ceil((end - have) / 65536));
  const heap = kern.memory.buffer;
  new Float32Array(heap, aOff, a.length).set(a);
  new Float32Array(heap, bOff, b.length).set(b);
  kern.bmmNN(aOff, bOff, cOff, G, M, K, N);
  return new Float32Array(heap, cOff, G * M * N).slice();
}
