/**
 * Progress reporting for long work: a one-line bar with rate and ETA on a TTY, periodic plain lines otherwise
 * (CI logs, notebooks). Silent when `LMI_QUIET=1`.
 */
export interface ProgressOptions {
  /** Label printed before the bar. */
  label: string;
  /** Total units of work (steps, docs, stages). */
  total: number;
  /** Unit name for the rate, e.g. 'step', 'doc'. */
  unit?: string;
  /** Stream to write to (default stderr). */
  stream?: NodeJS.WriteStream;
  /** Minimum milliseconds between redraws (non-TTY: between lines). */
  intervalMs?: number;
}

/** Format seconds as `1h02m`, `3m05s` or `12.3s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${seconds.toFixed(1)}s`;
}

export class Progress {
  private done = 0;
  private readonly start = Date.now();
  private lastDraw = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly quiet = process.env.LMI_QUIET === '1';
  private readonly tty: boolean;
  private note = '';

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  /** Advance by `n` units, with an optional short status (e.g. current loss). */
  tick(n = 1, note?: string): void {
    this.done += n;
    if (note !== undefined) this.note = note;
    const now = Date.now();
    const interval = this.opts.intervalMs ?? (this.tty ? 100 : 10_000);
    if (now - this.lastDraw >= interval || this.done >= this.opts.total) this.draw(now);
  }

  /** Finish the bar (prints the final line). */
  finish(note?: string): void {
    if (note !== undefined) this.note = note;
    this.draw(Date.now(), true);
  }

  /** Seconds since the bar started. */
  elapsed(): number {
    return (Date.now() - this.start) / 1000;
  }

  private draw(now: number, final = false): void {
    this.lastDraw = now;
    if (this.quiet) return;
    const { total, label } = this.opts;
    const unit = this.opts.unit ?? 'it';
    const el = (now - this.start) / 1000;
    const rate = el > 0 ? this.done / el : 0;
    const eta = rate > 0 ? (total - this.done) / rate : Infinity;
    const frac = total > 0 ? Math.min(1, this.done / total) : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const text = `${label} ${bar} ${this.done}/${total} ${(frac * 100).toFixed(0)}% ` +
      `${rate >= 1 ? rate.toFixed(1) : rate.toFixed(3)} ${unit}/s ` +
      (final || this.done >= total ? `in ${formatDuration(el)}` : `ETA ${formatDuration(eta)}`) +
      (this.note ? ` · ${this.note}` : '');
    if (this.tty) this.stream.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    else this.stream.write(`${text}\n`);
  }
}
