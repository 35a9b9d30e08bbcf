/** A compressed sparse row matrix (item × item) for count and similarity tables. */

/** CSR rows: row r holds columns `cols[offsets[r]..offsets[r+1])` with values `vals[...]`. */
export class SparseRows {
  constructor(
    readonly offsets: Int32Array,
    readonly cols: Int32Array,
    readonly vals: Float32Array,
  ) {}

  /** Number of rows. */
  get rows(): number {
    return this.offsets.length - 1;
  }

  /** Build from one column → value map per row (columns sorted ascending within each row). */
  static fromMaps(rows: ReadonlyArray<ReadonlyMap<number, number>>): SparseRows {
    const offsets = new Int32Array(rows.length + 1);
    for (let r = 0; r < rows.length; r++) offsets[r + 1] = offsets[r] + rows[r].size;
    const cols = new Int32Array(offsets[rows.length]);
    const vals = new Float32Array(offsets[rows.length]);
    for (let r = 0; r < rows.length; r++) {
      const entries = [...rows[r]].sort((a, b) => a[0] - b[0]);
      entries.forEach(([c, v], j) => {
        cols[offsets[r] + j] = c;
        vals[offsets[r] + j] = v;
      });
    }
    return new SparseRows(offsets, cols, vals);
  }

  /** `out[c] += weight * row[r][c]` for every stored column c of row r. */
  addRowTo(r: number, out: Float32Array | Float64Array, weight = 1): void {
    for (let j = this.offsets[r]; j < this.offsets[r + 1]; j++) out[this.cols[j]] += weight * this.vals[j];
  }

  /** The stored value at (r, c), or 0. */
  get(r: number, c: number): number {
    for (let j = this.offsets[r]; j < this.offsets[r + 1]; j++) if (this.cols[j] === c) return this.vals[j];
    return 0;
  }
}
