/**
 * SentencePiece's text normaliser, re-implemented from the documented model format:
 * - the `precompiled_charsmap` (e.g. `nmt_nfkc`, used by T5) is `uint32 LE trieSize | double-array trie (darts-clone
 *   units) | NUL-separated replacement strings`; at each position the longest rule matching the UTF-8 input wins,
 *   otherwise one character is copied unchanged;
 * - `remove_extra_whitespaces` drops leading/trailing spaces and collapses runs; `add_dummy_prefix` puts one space
 *   in front; `escape_whitespaces` writes spaces as `▁` (U+2581);
 * - `USER_DEFINED` pieces are matched on the raw input first and copied unnormalised.
 */
import { LmiError } from '../errors';
import type { SpNormalizerSpec } from './spiece-model';

/** The SentencePiece whitespace marker. */
export const SPACE_SYMBOL = '\u2581';
const SPACE_BYTES = [0xe2, 0x96, 0x81];
const REPLACEMENT = [0xef, 0xbf, 0xbd];

/** Compiled normalisation rules: a darts-clone double array over UTF-8 bytes plus replacement strings. */
export class Charsmap {
  private readonly units: Uint32Array;
  private readonly normalized: Uint8Array;

  /** Decodes a `precompiled_charsmap` blob; `source` names the file in errors. */
  constructor(blob: Uint8Array, source: string) {
    const bad = (why: string): LmiError =>
      new LmiError(`${source}: normalizer_spec.precompiled_charsmap is corrupt (${why}); re-export the model`);
    if (blob.length < 4) throw bad('shorter than its 4-byte header');
    const view = new DataView(blob.buffer, blob.byteOffset, blob.length);
    const trieSize = view.getUint32(0, true);
    if (trieSize % 4 !== 0 || 4 + trieSize > blob.length) throw bad(`trie size ${trieSize} does not fit`);
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.normalized = blob.slice(4 + trieSize);
    if (this.units.length === 0) throw bad('empty trie');
  }

  /**
   * Longest rule matching `input` at `pos`: returns [matchLength, replacementOffset] or undefined.
   * darts-clone unit layout: hasLeaf = bit 8, value = low 31 bits, label = bit 31 | low 8 bits,
   * offset = (unit >> 10) << ((unit & 512) >> 6).
   */
  longestMatch(input: Uint8Array, pos: number): [number, number] | undefined {
    const u = this.units;
    let node = 0;
    let unit = u[0];
    node ^= (unit >>> 10) << ((unit & 512) >>> 6);
    let best: [number, number] | undefined;
    for (let i = pos; i < input.length; i++) {
      const c = input[i];
      node ^= c;
      if (node >= u.length) break;
      unit = u[node];
      if ((unit & 0x800000ff) >>> 0 !== c) break;
      node ^= (unit >>> 10) << ((unit & 512) >>> 6);
      if (((unit >>> 8) & 1) === 1 && node < u.length) best = [i + 1 - pos, u[node] & 0x7fffffff];
    }
    return best;
  }

  /** The NUL-terminated replacement bytes starting at `offset`. */
  replacement(offset: number): Uint8Array {
    let end = offset;
    while (end < this.normalized.length && this.normalized[end] !== 0) end++;
    return this.normalized.subarray(offset, end);
  }
}

function utf8Length(input: Uint8Array, pos: number): number {
  const b = input[pos];
  const n = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
  if (n === 0 || pos + n > input.length) return 0;
  for (let i = 1; i < n; i++) if ((input[pos + i] & 0xc0) !== 0x80) return 0;
  return n;
}

/** Applies a SentencePiece normaliser to text. */
export class SpNormalizer {
  private readonly charsmap: Charsmap | undefined;
  private readonly userDefined: Uint8Array[];
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  /**
   * @param spec the model's `normalizer_spec`
   * @param treatWhitespaceAsSuffix trainer flag: the dummy space goes at the end instead of the front
   * @param userDefined `USER_DEFINED` piece strings (matched before normalisation)
   * @param source file name for errors
   */
  constructor(
    private readonly spec: SpNormalizerSpec,
    private readonly treatWhitespaceAsSuffix: boolean,
    userDefined: readonly string[],
    source: string,
  ) {
    this.charsmap = spec.precompiledCharsmap.length > 0 ? new Charsmap(spec.precompiledCharsmap, source) : undefined;
    this.userDefined = userDefined.map((s) => this.encoder.encode(s)).sort((a, b) => b.length - a.length);
  }

  /** [replacement bytes, consumed input bytes] for the input at `pos`. */
  private prefix(input: Uint8Array, pos: number): [ArrayLike<number>, number] {
    for (const ud of this.userDefined) {
      if (ud.length > 0 && pos + ud.length <= input.length) {
        let ok = true;
        for (let i = 0; i < ud.length && ok; i++) ok = input[pos + i] === ud[i];
        if (ok) return [ud, ud.length];
      }
    }
    const m = this.charsmap?.longestMatch(input, pos);
    if (m) return [this.charsmap!.replacement(m[1]), m[0]];
    const n = utf8Length(input, pos);
    if (n === 0) return [REPLACEMENT, 1];
    return [input.subarray(pos, pos + n), n];
  }

  /** Normalises `text`; spaces come out as `▁` when `escape_whitespaces` is set. */
  normalize(text: string): string {
    const input = this.encoder.encode(text);
    const { removeExtraWhitespaces, escapeWhitespaces, addDummyPrefix } = this.spec;
    let pos = 0;
    if (removeExtraWhitespaces) {
      while (pos < input.length) {
        const [rep, len] = this.prefix(input, pos);
        if (!(rep.length === 1 && rep[0] === 0x20)) break;
        pos += len;
      }
    }
    if (pos >= input.length) return '';
    const out: number[] = [];
    const space = (): void => {
      if (escapeWhitespaces) out.push(...SPACE_BYTES);
      else out.push(0x20);
    };
    if (!this.treatWhitespaceAsSuffix && addDummyPrefix) space();
    let prevSpace = removeExtraWhitespaces;
    while (pos < input.length) {
      const [rep, len] = this.prefix(input, pos);
      let s = 0;
      if (prevSpace) while (s < rep.length && rep[s] === 0x20) s++;
      if (s < rep.length) {
        for (let i = s; i < rep.length; i++) {
          if (escapeWhitespaces && rep[i] === 0x20) out.push(...SPACE_BYTES);
          else out.push(rep[i]);
        }
        prevSpace = rep[rep.length - 1] === 0x20;
      }
      pos += len;
      if (!removeExtraWhitespaces) prevSpace = false;
    }
    if (removeExtraWhitespaces) {
      const sp = escapeWhitespaces ? SPACE_BYTES : [0x20];
      const endsWithSpace = (): boolean =>
        out.length >= sp.length && sp.every((b, i) => out[out.length - sp.length + i] === b);
      while (endsWithSpace()) out.length -= sp.length;
    }
    if (this.treatWhitespaceAsSuffix && addDummyPrefix) space();
    return this.decoder.decode(Uint8Array.from(out));
  }
}
