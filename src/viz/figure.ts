/**
 * A figure is a Plotly spec (data + layout) plus an id and caption. Builders in src/viz/ make these; `display.ts`
 * shows them inline in tslab; `export.ts` writes PNG/SVG/HTML.
 */
export interface FigureSpec {
  /** File-safe id, e.g. `fig3-category-distribution`. */
  id: string;
  title: string;
  /** Plotly traces. */
  data: Record<string, unknown>[];
  /** Plotly layout. */
  layout: Record<string, unknown>;
  /** Caption for REPORT.md and the notebook. */
  caption?: string;
  /** Static export size in pixels. */
  width?: number;
  height?: number;
}
