/**
 * One look for every figure: font, margins, white background, light grid, and a categorical palette with 30
 * distinct colours (category10 first, so plots with few series look familiar; then 20 more from Plotly's Dark24
 * that are not near any of the first ten) for Figure-3-style category stacks.
 */

/** Categorical colours; index with `colorAt(i)`, which cycles past the end. */
export const PALETTE: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#E15F99', '#DA16FF', '#222A2A', '#B68100', '#750D86', '#511CFB', '#00A08B', '#FB00D1', '#B2828D', '#6C7C32',
  '#778AAE', '#862A16', '#A777F1', '#620042', '#1616A7', '#6C4516', '#0D2A63', '#AF0038', '#FEAF16', '#1CFFCE',
];

/** Colour for series/category `i` (cycles through `PALETTE`). */
export function colorAt(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Font used by every figure. */
export const FONT = { family: 'Helvetica Neue, Helvetica, Arial, sans-serif', size: 13, color: '#222' } as const;

/** Default static export size (pixels). */
export const DEFAULT_SIZE = { width: 800, height: 480 } as const;

/** Axis defaults: title, light grid, no zero line clutter. */
export function axis(title?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: title ? { text: title } : undefined,
    gridcolor: '#e6e6e6',
    linecolor: '#888',
    zeroline: false,
    automargin: true,
    ...extra,
  };
}

/** The base layout every builder starts from; `extra` is merged on top (shallow). */
export function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, x: 0.02, xanchor: 'left', font: { size: 16 } },
    font: { ...FONT },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 70, r: 30, t: 60, b: 60 },
    colorway: [...PALETTE],
    legend: { bgcolor: 'rgba(255,255,255,0.8)', borderwidth: 0 },
    hoverlabel: { font: { family: FONT.family } },
    ...extra,
  };
}
