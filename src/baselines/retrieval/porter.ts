/**
 * The Porter (1980) suffix-stripping stemmer, following Martin Porter's reference C implementation (the one Lucene's
 * PorterStemFilter ports), including its two departures from the paper: "bli" → "ble" (not "abli" → "able") and
 * "logi" → "log". Input: one lowercase word of letters; words of ≤ 2 letters are returned unchanged.
 */

const isVowelLetter = (c: string): boolean => c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u';

/** Porter-stem one lowercase word. */
export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  let b = word;
  // Is b[i] a consonant? ('y' is a consonant at the start or after a vowel.)
  const cons = (i: number): boolean => {
    const c = b[i];
    if (isVowelLetter(c)) return false;
    if (c === 'y') return i === 0 ? true : !cons(i - 1);
    return true;
  };
  // m() of b[0..j]: the number of VC sequences in [C](VC)^m[V].
  const measure = (j: number): number => {
    let n = 0;
    let i = 0;
    while (i <= j && cons(i)) i++;
    for (;;) {
      while (i <= j && !cons(i)) i++;
      if (i > j) return n;
      while (i <= j && cons(i)) i++;
      n++;
      if (i > j) return n;
    }
  };
  const vowelIn = (j: number): boolean => {
    for (let i = 0; i <= j; i++) if (!cons(i)) return true;
    return false;
  };
  const doubleC = (i: number): boolean => i >= 1 && b[i] === b[i - 1] && cons(i);
  // cvc at i: consonant-vowel-consonant with the last not w, x or y.
  const cvc = (i: number): boolean => {
    if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
    const c = b[i];
    return c !== 'w' && c !== 'x' && c !== 'y';
  };
  const ends = (s: string): boolean => b.endsWith(s);
  // Stem end index (inclusive) when the suffix s is removed.
  const stemEnd = (s: string): number => b.length - s.length - 1;
  const replace = (s: string, r: string): void => {
    b = b.slice(0, b.length - s.length) + r;
  };
  // Replace the first listed suffix that ends the word, if its stem has measure > min.
  const rules = (list: readonly (readonly [string, string])[], min: number): void => {
    for (const [s, r] of list) {
      if (ends(s)) {
        if (measure(stemEnd(s)) > min) replace(s, r);
        return;
      }
    }
  };

  // Step 1a
  if (b.endsWith('s')) {
    if (ends('sses')) replace('sses', 'ss');
    else if (ends('ies')) replace('ies', 'i');
    else if (b[b.length - 2] !== 's') replace('s', '');
  }
  // Step 1b
  if (ends('eed')) {
    if (measure(stemEnd('eed')) > 0) replace('eed', 'ee');
  } else {
    const suf = ends('ed') ? 'ed' : ends('ing') ? 'ing' : '';
    if (suf !== '' && vowelIn(stemEnd(suf))) {
      replace(suf, '');
      if (ends('at')) replace('at', 'ate');
      else if (ends('bl')) replace('bl', 'ble');
      else if (ends('iz')) replace('iz', 'ize');
      else if (doubleC(b.length - 1)) {
        const c = b[b.length - 1];
        if (c !== 'l' && c !== 's' && c !== 'z') b = b.slice(0, -1);
      } else if (measure(b.length - 1) === 1 && cvc(b.length - 1)) b += 'e';
    }
  }
  // Step 1c
  if (ends('y') && vowelIn(b.length - 2)) b = b.slice(0, -1) + 'i';
  // Step 2
  rules(STEP2, 0);
  // Step 3
  rules(STEP3, 0);
  // Step 4
  for (const s of STEP4) {
    if (ends(s)) {
      const j = stemEnd(s);
      if (s === 'ion' && !(j >= 0 && (b[j] === 's' || b[j] === 't'))) continue;
      if (measure(j) > 1) b = b.slice(0, j + 1);
      break;
    }
  }
  // Step 5a
  if (ends('e')) {
    const m = measure(b.length - 1);
    if (m > 1 || (m === 1 && !cvc(b.length - 2))) b = b.slice(0, -1);
  }
  // Step 5b
  if (ends('l') && doubleC(b.length - 1) && measure(b.length - 1) > 1) b = b.slice(0, -1);
  return b;
}

/** Step 2 rules in the reference implementation's order (longer suffixes before their tails). */
const STEP2: readonly (readonly [string, string])[] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log'],
];

/** Step 3 rules. */
const STEP3: readonly (readonly [string, string])[] = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];

/** Step 4 suffixes (removed when m > 1; "ion" only after s or t). */
const STEP4: readonly string[] = [
  'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti',
  'ous', 'ive', 'ize',
];
