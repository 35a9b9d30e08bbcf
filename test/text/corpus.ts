/** Deterministic synthetic text for tokenizer tests: Zipf-distributed pseudo-words, punctuation, numbers. */
import { Rng } from '../../src/rng';

/** `numDocs` documents of `wordsPerDoc` words drawn from a Zipf(1) vocabulary of `vocab` pseudo-words. */
export function zipfCorpus(numDocs: number, wordsPerDoc: number, vocab = 20000, seed = 7): string[] {
  const rng = new Rng(seed);
  const syll = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'shi', 'po', 'ver', 'an', 'ex', 'ton', 'ing', 'ed', 'st', 'qu'];
  const words: string[] = [];
  for (let i = 0; i < vocab; i++) {
    let w = '';
    const n = 1 + rng.int(4);
    for (let k = 0; k < n; k++) w += syll[rng.int(syll.length)];
    words.push(rng.next() < 0.1 ? w[0].toUpperCase() + w.slice(1) : w);
  }
  const cum = new Float64Array(vocab);
  let s = 0;
  for (let i = 0; i < vocab; i++) cum[i] = s += 1 / (i + 1);
  const docs: string[] = [];
  for (let d = 0; d < numDocs; d++) {
    const out: string[] = [];
    for (let k = 0; k < wordsPerDoc; k++) {
      const r = rng.next() * s;
      let lo = 0;
      let hi = vocab - 1;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (cum[m] < r) lo = m + 1;
        else hi = m;
      }
      out.push(words[lo]);
      if (rng.next() < 0.05) out.push(rng.next() < 0.5 ? ',' : String(rng.int(1000)));
    }
    docs.push(out.join(' ') + '.');
  }
  return docs;
}
