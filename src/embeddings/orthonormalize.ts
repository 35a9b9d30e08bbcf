/**
 * Orthonormal basis of a tall matrix's columns for the randomised SVD's subspace iterations: CholeskyQR2
 * (Fukaya et al. 2014) — Gram YᵀY and Y·R⁻¹ as tfjs matmuls (float32), the tiny l × l Cholesky and triangular
 * inverse in float64, done twice so the columns are orthonormal to float32 rounding. Falls back to float64
 * Householder QR when a Cholesky pivot is too small (nearly dependent columns, e.g. rank-deficient data).
 *
 * Measured on the wasm backend (loaded 2-core machine): a 20,000 × 74 × 74 Gram took ~50 ms as a tfjs matmul vs
 * ~300 ms as a float64 JS loop. tfjs-wasm matmuls with `transposeA/B` were 6–8× slower than with pre-transposed
 * operands, so the transpose is done while converting to float32.
 */
import * as tf from '@tensorflow/tfjs';
import { orthonormalBasis } from './dense';

/** Smallest accepted Cholesky pivot relative to its column's squared norm (sin² of the angle to earlier columns). */
const MIN_PIVOT = 1e-4;

/** Orthonormal columns spanning row-major `y` (rows × l, rows ≥ l); returns row-major rows × l. */
export function orthonormalize(y: Float32Array, rows: number, l: number): Float32Array {
  const first = choleskyQr(y, rows, l);
  const second = first && choleskyQr(first, rows, l);
  return second ?? new Float32Array(orthonormalBasis(new Float64Array(y), rows, l));
}

/** One CholeskyQR pass: Q = Y·R⁻¹ with RᵀR = YᵀY; null when a pivot is too small. */
function choleskyQr(y: Float32Array, rows: number, l: number): Float32Array | null {
  const yt = new Float32Array(l * rows);
  for (let r = 0; r < rows; r++) for (let i = 0; i < l; i++) yt[i * rows + r] = y[r * l + i];
  const rInv = upperInverseOfCholesky(readAndDispose(tf.tidy(() => tf.matMul(tf.tensor2d(yt, [l, rows]), tf.tensor2d(y, [rows, l])))), l);
  if (!rInv) return null;
  return readAndDispose(tf.tidy(() => tf.matMul(tf.tensor2d(y, [rows, l]), tf.tensor2d(rInv, [l, l]))));
}

/**
 * A tensor's values, then dispose it. (Never return typed arrays from `tf.tidy`: it walks them element by element
 * as a tensor container — measured 2.4 s for a few 370k-element arrays.)
 */
export function readAndDispose(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** R⁻¹ (row-major) for the upper Cholesky factor R of G = RᵀR, or null when G is not safely positive definite. */
function upperInverseOfCholesky(g: ArrayLike<number>, l: number): Float32Array | null {
  const r = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    for (let i = 0; i <= j; i++) {
      let s = g[i * l + j];
      for (let k = 0; k < i; k++) s -= r[k * l + i] * r[k * l + j];
      if (i === j) {
        if (!(g[j * l + j] > 0) || !(s > MIN_PIVOT * g[j * l + j])) return null;
        r[j * l + j] = Math.sqrt(s);
      } else {
        r[i * l + j] = s / r[i * l + i];
      }
    }
  }
  const inv = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    inv[j * l + j] = 1 / r[j * l + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i * l + k] * inv[k * l + j];
      inv[i * l + j] = -s / r[i * l + i];
    }
  }
  return Float32Array.from(inv);
}
