/** Identity of a corpus's documents (ids and texts, in order): what learned IDs depend on. */
import { configHash } from '../config';
import type { Corpus } from './types';

export function corpusHash(corpus: Corpus): string {
  return configHash(corpus.docs.map((d) => [d.id, d.text]));
}
