/** Matrix shapes shared by the embedding and quantisation modules. */

/** A dense row-major float32 matrix: `n` rows (documents) × `dim` columns; row i is `data[i*dim .. (i+1)*dim)`. */
export interface DenseMatrix {
  data: Float32Array;
  n: number;
  dim: number;
}

/**
 * A sparse matrix in compressed sparse row (CSR) form. Row i's non-zeros are `indices[indptr[i] .. indptr[i+1])`
 * (column ids, ascending) with values `data[...]` at the same positions.
 */
export interface CsrMatrix {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}
