/** Sparse (CSR) helpers in plain typed arrays: the sparse × dense product used by the randomised SVD, transpose. */
import { LmiError } from '../errors';
import type { CsrMatrix } from './types';

/**
 * A · X for CSR `a` (n × m) and row-major dense `x` (m × c); returns row-major n × c (float32, each output row
 * accumulated in float64). For Aᵀ · Y, transpose `a` once with {@link csrTranspose} and call this.
 */
export function csrTimesDense(a: CsrMatrix, x: Float32Array, c: number): Float32Array {
  if (x.length !== a.nCols * c) throw new LmiError(`csrTimesDense: dense operand has ${x.length} values, expected ${a.nCols}×${c}`);
  const out = new Float32Array(a.nRows * c);
  const acc = new Float64Array(c);
  for (let i = 0; i < a.nRows; i++) {
    acc.fill(0);
    for (let p = a.indptr[i]; p < a.indptr[i + 1]; p++) {
      const v = a.data[p];
      const r = a.indices[p] * c;
      for (let t = 0; t < c; t++) acc[t] += v * x[r + t];
    }
    out.set(acc, i * c);
  }
  return out;
}

/** Aᵀ in CSR form (column ids ascending per row). */
export function csrTranspose(a: CsrMatrix): CsrMatrix {
  const nnz = a.indptr[a.nRows];
  const indptr = new Int32Array(a.nCols + 1);
  for (let p = 0; p < nnz; p++) indptr[a.indices[p] + 1]++;
  for (let j = 0; j < a.nCols; j++) indptr[j + 1] += indptr[j];
  const next = indptr.slice(0, a.nCols);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let i = 0; i < a.nRows; i++) {
    for (let p = a.indptr[i]; p < a.indptr[i + 1]; p++) {
      const q = next[a.indices[p]]++;
      indices[q] = i;
      data[q] = a.data[p];
    }
  }
  return { nRows: a.nCols, nCols: a.nRows, indptr, indices, data };
}

/** Sum over columns of the population variance of each column (the "total variance" of the matrix). */
export function csrTotalVariance(a: CsrMatrix): number {
  const sum = new Float64Array(a.nCols);
  const sumSq = new Float64Array(a.nCols);
  for (let p = 0; p < a.indptr[a.nRows]; p++) {
    const v = a.data[p];
    sum[a.indices[p]] += v;
    sumSq[a.indices[p]] += v * v;
  }
  let total = 0;
  for (let j = 0; j < a.nCols; j++) {
    const mean = sum[j] / a.nRows;
    total += Math.max(0, sumSq[j] / a.nRows - mean * mean);
  }
  return total;
}

/** Build a CSR matrix from a row-major dense one (zeros dropped); handy for tests and small inputs. */
export function denseToCsr(data: ArrayLike<number>, nRows: number, nCols: number): CsrMatrix {
  const indptr = new Int32Array(nRows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < nCols; j++) {
      const v = data[i * nCols + j];
      if (v !== 0) {
        idx.push(j);
        val.push(v);
      }
    }
    indptr[i + 1] = idx.length;
  }
  return { nRows, nCols, indptr, indices: Int32Array.from(idx), data: Float32Array.from(val) };
}
