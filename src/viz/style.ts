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

/** Characters per title line: a 16 px title fits about this many across the 800 px default width. */
export const TITLE_LINE_CHARS = 95;

/** Break a long title into lines (`<br>`, Plotly's line break) at spaces, each at most `width` characters where possible. */
export function wrapTitle(title: string, width = TITLE_LINE_CHARS): string {
  const lines: string[] = [];
  let line = '';
  for (const word of title.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('<br>');
}

/** The base layout every builder starts from; `extra` is merged on top (shallow). A long title wraps onto more lines. */
export function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const wrapped = wrapTitle(title);
  const extraLines = wrapped.split('<br>').length - 1;
  return {
    title: { text: wrapped, x: 0.02, xanchor: 'left', font: { size: 16 } },
    font: { ...FONT },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 70, r: 30, t: 60 + 20 * extraLines, b: 60 },
    colorway: [...PALETTE],
    legend: { bgcolor: 'rgba(255,255,255,0.8)', borderwidth: 0 },
    hoverlabel: { font: { family: FONT.family } },
    ...extra,
  };
}
