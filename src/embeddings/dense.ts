/**
 * Small dense float64 linear algebra for the randomised SVD: an orthonormal basis by Householder QR and the
 * symmetric eigendecomposition by cyclic Jacobi rotations. Sizes here are n × l with l ≈ svdDim + 10, so plain typed
 * arrays in float64 are both fast enough and more accurate than float32 tensors.
 */

/**
 * Thin Q of the Householder QR of row-major `y` (n × l, n ≥ l): an n × l row-major matrix with orthonormal columns
 * spanning (at least) the column space of `y`. Rank-deficient inputs are fine: zero reflectors are skipped and Q
 * stays orthonormal.
 */
export function orthonormalBasis(y: Float64Array, n: number, l: number): Float64Array {
  // Column-major working copy so every reflector touches contiguous memory.
  const a = new Float64Array(n * l);
  for (let i = 0; i < n; i++) for (let j = 0; j < l; j++) a[j * n + i] = y[i * l + j];
  const vs: (Float64Array | null)[] = [];
  for (let j = 0; j < l; j++) {
    const col = j * n;
    let norm = 0;
    for (let i = j; i < n; i++) norm += a[col + i] * a[col + i];
    norm = Math.sqrt(norm);
    if (norm === 0) {
      vs.push(null);
      continue;
    }
    const alpha = a[col + j] > 0 ? -norm : norm;
    const v = new Float64Array(n - j);
    for (let i = j; i < n; i++) v[i - j] = a[col + i];
    v[0] -= alpha;
    let vn = 0;
    for (let i = 0; i < v.length; i++) vn += v[i] * v[i];
    vn = Math.sqrt(vn);
    if (vn === 0) {
      vs.push(null);
      continue;
    }
    for (let i = 0; i < v.length; i++) v[i] /= vn;
    vs.push(v);
    for (let c = j + 1; c < l; c++) applyReflector(a, c * n + j, v);
  }
  // Q = H_0 H_1 … H_{l-1} [I_l; 0], built column by column (column-major), then returned row-major.
  const q = new Float64Array(n * l);
  for (let c = 0; c < l; c++) {
    q[c * n + c] = 1;
    for (let j = Math.min(c, l - 1); j >= 0; j--) {
      const v = vs[j];
      if (v) applyReflector(q, c * n + j, v);
    }
  }
  const out = new Float64Array(n * l);
  for (let c = 0; c < l; c++) for (let i = 0; i < n; i++) out[i * l + c] = q[c * n + i];
  return out;
}

/** x[off .. off+len) -= 2 v (vᵀ x[off ..]) for a unit vector v. */
function applyReflector(x: Float64Array, off: number, v: Float64Array): void {
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += v[i] * x[off + i];
  dot *= 2;
  if (dot === 0) return;
  for (let i = 0; i < v.length; i++) x[off + i] -= dot * v[i];
}

/** Eigenvalues (descending) and eigenvectors (columns of the row-major `vectors`, same order) of a symmetric matrix. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/** Cyclic Jacobi eigendecomposition of the symmetric row-major `s` (l × l); `s` is not modified. */
export function symmetricEigen(s: Float64Array, l: number, maxSweeps = 100): SymmetricEigen {
  const a = Float64Array.from(s);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  let scale = 0;
  for (let i = 0; i < l * l; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < l; p++) for (let q = p + 1; q < l; q++) off += a[p * l + q] * a[p * l + q];
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q];
        if (apq === 0) continue;
        const theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p];
          const akq = a[k * l + q];
          a[k * l + p] = c * akp - sn * akq;
          a[k * l + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k];
          const aqk = a[q * l + k];
          a[p * l + k] = c * apk - sn * aqk;
          a[q * l + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p];
          const vkq = v[k * l + q];
          v[k * l + p] = c * vkp - sn * vkq;
          v[k * l + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => a[y * l + y] - a[x * l + x] || x - y);
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    values[dst] = a[src * l + src];
    for (let k = 0; k < l; k++) vectors[k * l + dst] = v[k * l + src];
  });
  return { values, vectors };
}
