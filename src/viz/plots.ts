/**
 * Builders that turn plain numbers into `FigureSpec`s (Plotly data + layout) with the shared style of `style.ts`.
 * They validate shapes and throw `LmiError` naming the figure and the field, so a bad experiment fails loudly here
 * rather than as an empty plot.
 */
import { LmiError } from '../errors';
import type { FigureSpec } from './figure';
import { axis, baseLayout, colorAt, DEFAULT_SIZE } from './style';

/** Fields every builder takes. `id` must be file-safe (letters, digits, `.`, `_`, `-`). */
export interface BaseOptions {
  id: string;
  title: string;
  caption?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
  /** Merged (shallow) over the generated layout, for the odd tweak. */
  layout?: Record<string, unknown>;
}

function check(ok: boolean, id: string, message: string): void {
  if (!ok) throw new LmiError(`figure "${id}": ${message}`);
}

function finite(xs: readonly number[]): boolean {
  return xs.every((x) => typeof x === 'number' && !Number.isNaN(x));
}

function spec(o: BaseOptions, data: Record<string, unknown>[], layout: Record<string, unknown>): FigureSpec {
  check(/^[A-Za-z0-9._-]+$/.test(o.id), o.id, 'id must be file-safe (letters, digits, ".", "_", "-")');
  return {
    id: o.id,
    title: o.title,
    data,
    layout: { ...layout, ...(o.layout ?? {}) },
    caption: o.caption,
    width: o.width ?? DEFAULT_SIZE.width,
    height: o.height ?? DEFAULT_SIZE.height,
  };
}

/** Input of `stackedBar`: `counts[i][j]` = number of documents with ID code `codes[i]` and category `categories[j]`. */
export interface StackedBarOptions extends BaseOptions {
  codes: (string | number)[];
  categories: string[];
  counts: number[][];
  /** Show each code's bar as shares of its documents (sums to 1) instead of counts. Default true. */
  normalize?: boolean;
}

/**
 * Category distribution per ID code (the paper's Figure 3): one bar per code on x, stacked segments = categories.
 * Codes are shown as categorical labels in the given order.
 */
export function stackedBar(o: StackedBarOptions): FigureSpec {
  const normalize = o.normalize ?? true;
  check(o.counts.length === o.codes.length, o.id, `counts has ${o.counts.length} rows but codes has ${o.codes.length}`);
  o.counts.forEach((row, i) => {
    check(row.length === o.categories.length, o.id, `counts[${i}] has ${row.length} entries, expected ${o.categories.length} (one per category)`);
    check(finite(row) && row.every((v) => v >= 0), o.id, `counts[${i}] must be non-negative numbers`);
  });
  const many = o.categories.length > 15;
  const totals = o.counts.map((row) => row.reduce((a, b) => a + b, 0));
  const x = o.codes.map(String);
  const data = o.categories.map((name, j) => ({
    type: 'bar',
    name,
    x,
    y: o.counts.map((row, i) => (normalize ? (totals[i] > 0 ? row[j] / totals[i] : 0) : row[j])),
    customdata: o.counts.map((row) => row[j]),
    hovertemplate: `code %{x}<br>${escapeTemplate(name)}: %{customdata}${normalize ? ' (%{y:.1%})' : ''}<extra></extra>`,
    marker: { color: colorAt(j) },
  }));
  const layout = baseLayout(o.title, {
    barmode: 'stack',
    bargap: 0.15,
    xaxis: axis(o.xTitle ?? 'ID code', { type: 'category', showgrid: false }),
    yaxis: axis(o.yTitle ?? (normalize ? 'share of documents' : 'documents'), normalize ? { tickformat: '.0%', range: [0, 1] } : {}),
    // Legend top-to-bottom in the same order as the stack.
    legend: { title: { text: 'category' }, traceorder: 'reversed', font: { size: many ? 11 : 13 }, tracegroupgap: 0 },
  });
  // Give long legends room in static exports (about 22 px per entry at font 11).
  const height = o.height ?? Math.max(DEFAULT_SIZE.height, 130 + 22 * o.categories.length);
  return spec({ ...o, height }, data, layout);
}

/** Input of `stackedBar` from raw pairs: first-position code and category per document. */
export function countByCode(codes: readonly (string | number)[], categories: readonly string[]): Pick<StackedBarOptions, 'codes' | 'categories' | 'counts'> {
  if (codes.length !== categories.length) throw new LmiError(`countByCode: ${codes.length} codes but ${categories.length} categories`);
  const codeList = [...new Set(codes)].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en', { numeric: true })));
  const catList = [...new Set(categories)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const ci = new Map(codeList.map((c, i) => [c, i]));
  const ki = new Map(catList.map((c, j) => [c, j]));
  const counts = codeList.map(() => catList.map(() => 0));
  codes.forEach((c, n) => counts[ci.get(c)!][ki.get(categories[n])!]++);
  return { codes: codeList, categories: catList, counts };
}

/** One bar series; `error` draws symmetric error bars. */
export interface BarSeries {
  name: string;
  y: number[];
  error?: number[];
}

/** Grouped bars: `x` labels, one or more series. */
export interface BarOptions extends BaseOptions {
  x: (string | number)[];
  series: BarSeries[];
  horizontal?: boolean;
}

/** Grouped bar chart (e.g. a metric per method). */
export function bar(o: BarOptions): FigureSpec {
  check(o.series.length > 0, o.id, 'series is empty');
  const x = o.x.map(String);
  const data = o.series.map((s, i) => {
    check(s.y.length === x.length, o.id, `series "${s.name}" has ${s.y.length} values, expected ${x.length}`);
    check(finite(s.y), o.id, `series "${s.name}" has a non-number value`);
    if (s.error) check(s.error.length === x.length, o.id, `series "${s.name}" error has ${s.error.length} values, expected ${x.length}`);
    const err = s.error ? { [o.horizontal ? 'error_x' : 'error_y']: { type: 'data', array: s.error, visible: true } } : {};
    return {
      type: 'bar',
      name: s.name,
      ...(o.horizontal ? { y: x, x: s.y, orientation: 'h' } : { x, y: s.y }),
      marker: { color: colorAt(i) },
      ...err,
    };
  });
  const cat = axis(o.horizontal ? o.yTitle : o.xTitle, { type: 'category', showgrid: false });
  const val = axis(o.horizontal ? o.xTitle : o.yTitle);
  const layout = baseLayout(o.title, {
    barmode: 'group',
    showlegend: o.series.length > 1,
    xaxis: o.horizontal ? val : cat,
    yaxis: o.horizontal ? { ...cat, autorange: 'reversed' } : val,
  });
  return spec(o, data, layout);
}

/** One curve; `x` defaults to 0..n-1. */
export interface LineSeries {
  name: string;
  y: number[];
  x?: number[];
  dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
}

/** Curves with several series (loss vs step, metric vs codebook size). */
export interface LineOptions extends BaseOptions {
  series: LineSeries[];
  logX?: boolean;
  logY?: boolean;
  markers?: boolean;
}

/** Line chart with one trace per series. NaN values leave gaps. */
export function line(o: LineOptions): FigureSpec {
  check(o.series.length > 0, o.id, 'series is empty');
  const data = o.series.map((s, i) => {
    const x = s.x ?? s.y.map((_, k) => k);
    check(x.length === s.y.length, o.id, `series "${s.name}" has ${x.length} x values but ${s.y.length} y values`);
    return {
      type: 'scatter',
      mode: o.markers ? 'lines+markers' : 'lines',
      name: s.name,
      x,
      y: s.y.map((v) => (Number.isFinite(v) ? v : null)),
      line: { color: colorAt(i), width: 2, dash: s.dash ?? 'solid' },
    };
  });
  const layout = baseLayout(o.title, {
    showlegend: o.series.length > 1,
    xaxis: axis(o.xTitle, o.logX ? { type: 'log' } : {}),
    yaxis: axis(o.yTitle, o.logY ? { type: 'log' } : {}),
  });
  return spec(o, data, layout);
}

/** Heatmap of `z[row][col]`; `x` labels columns, `y` labels rows. */
export interface HeatmapOptions extends BaseOptions {
  z: number[][];
  x?: (string | number)[];
  y?: (string | number)[];
  colorscale?: string;
  /** Print each value in its cell (for small matrices). */
  showValues?: boolean;
  zTitle?: string;
}

/** Heatmap (e.g. code co-occurrence, confusion of codes vs categories). */
export function heatmap(o: HeatmapOptions): FigureSpec {
  check(o.z.length > 0, o.id, 'z is empty');
  const cols = o.z[0].length;
  o.z.forEach((row, i) => check(row.length === cols, o.id, `z[${i}] has ${row.length} columns, expected ${cols}`));
  if (o.x) check(o.x.length === cols, o.id, `x has ${o.x.length} labels, expected ${cols}`);
  if (o.y) check(o.y.length === o.z.length, o.id, `y has ${o.y.length} labels, expected ${o.z.length}`);
  const trace: Record<string, unknown> = {
    type: 'heatmap',
    z: o.z,
    x: o.x?.map(String),
    y: o.y?.map(String),
    colorscale: o.colorscale ?? 'Viridis',
    colorbar: { title: { text: o.zTitle ?? '' }, outlinewidth: 0 },
  };
  if (o.showValues) {
    trace.texttemplate = '%{z:.3~g}';
    trace.textfont = { size: 11 };
  }
  const layout = baseLayout(o.title, {
    xaxis: axis(o.xTitle, { type: o.x ? 'category' : undefined, showgrid: false }),
    yaxis: axis(o.yTitle, { type: o.y ? 'category' : undefined, showgrid: false, autorange: 'reversed' }),
  });
  return spec(o, [trace], layout);
}

/** One histogram series (raw values). */
export interface HistogramSeries {
  name: string;
  values: number[];
}

/** Histograms of one or more value sets, overlaid. */
export interface HistogramOptions extends BaseOptions {
  series: HistogramSeries[];
  nbins?: number;
  /** `probability` makes each series sum to 1. */
  normalize?: 'count' | 'probability';
}

/** Histogram (e.g. documents per ID, Figure 6 density). */
export function histogram(o: HistogramOptions): FigureSpec {
  check(o.series.length > 0, o.id, 'series is empty');
  const many = o.series.length > 1;
  const data = o.series.map((s, i) => {
    check(finite(s.values), o.id, `series "${s.name}" has a non-number value`);
    return {
      type: 'histogram',
      name: s.name,
      x: s.values,
      nbinsx: o.nbins,
      histnorm: o.normalize === 'probability' ? 'probability' : '',
      opacity: many ? 0.6 : 1,
      marker: { color: colorAt(i), line: { color: '#fff', width: 0.5 } },
    };
  });
  const layout = baseLayout(o.title, {
    barmode: many ? 'overlay' : undefined,
    showlegend: many,
    xaxis: axis(o.xTitle),
    yaxis: axis(o.yTitle ?? (o.normalize === 'probability' ? 'share' : 'count')),
  });
  return spec(o, data, layout);
}

function escapeTemplate(s: string): string {
  return s.replace(/[%{}]/g, (c) => `&#${c.charCodeAt(0)};`);
}
