/**
 * Dense item indices for sequential recommenders: item id strings ↔ 0..n-1, and user sequences encoded as
 * `Int32Array`s. Recommenders only ever see these indices, never raw item ids as features.
 */
import { LmiError } from '../../errors';
import type { Interactions } from '../../data/types';

/** The item catalogue and every user's sequence as item indices (oldest first). */
export interface EncodedInteractions {
  name: string;
  /** Item ids by index (the full ranking is over all of these). */
  items: string[];
  /** Item id → index. */
  index: Map<string, number>;
  /** Users in the order of `Interactions.sequences`. */
  users: string[];
  /** Sequences aligned with `users`. */
  sequences: Int32Array[];
}

/**
 * Encode `inter` over a catalogue. Default catalogue: every item that occurs in a sequence, ordered numerically
 * when all ids are integers, else lexicographically (deterministic either way). Pass `items` (e.g. the corpus doc
 * ids) to rank over a larger catalogue; every sequence item must then be in it.
 */
export function encodeInteractions(inter: Interactions, items?: readonly string[]): EncodedInteractions {
  let catalogue: string[];
  if (items) {
    catalogue = [...items];
  } else {
    const seen = new Set<string>();
    for (const seq of inter.sequences.values()) for (const it of seq) seen.add(it);
    catalogue = [...seen];
    const numeric = catalogue.every((s) => /^\d+$/.test(s));
    catalogue.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  }
  const index = new Map<string, number>();
  catalogue.forEach((id, i) => {
    if (index.has(id)) throw new LmiError(`encodeInteractions(${inter.name}): duplicate item id "${id}" in the catalogue`);
    index.set(id, i);
  });
  const users: string[] = [];
  const sequences: Int32Array[] = [];
  for (const [user, seq] of inter.sequences) {
    const enc = new Int32Array(seq.length);
    for (let t = 0; t < seq.length; t++) {
      const i = index.get(seq[t]);
      if (i === undefined) throw new LmiError(`encodeInteractions(${inter.name}): user ${user} has item "${seq[t]}" that is not in the catalogue; pass the corpus ids as "items" or omit it`);
      enc[t] = i;
    }
    users.push(user);
    sequences.push(enc);
  }
  return { name: inter.name, items: catalogue, index, users, sequences };
}
