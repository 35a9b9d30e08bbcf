/** S3Rec sequence files: one user per line, `user_id item_id item_id ...` (space-separated integers, oldest first). */
import { errorAt } from '../errors';
import { readTextFile } from './validate';

/**
 * Parse a sequence file into user → item ids. Every token must be a positive integer; user ids must be unique;
 * each user needs at least one item; with `knownItems`, every item must be in it (`knownFrom` names that file).
 */
export function readSequenceFile(file: string, knownItems?: Set<string>, knownFrom = 'the item list'): Map<string, string[]> {
  const lines = readTextFile(file).split('\n');
  const sequences = new Map<string, string[]>();
  const firstLine = new Map<string, number>();
  const isId = /^[1-9]\d*$/;
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw === '') continue;
    const line = k + 1;
    const tok = raw.split(/\s+/);
    const user = tok[0];
    if (!isId.test(user)) throw errorAt(file, line, `field "user_id" must be a positive integer, got ${JSON.stringify(user.slice(0, 30))}; lines are "user_id item_id item_id ..."`);
    if (sequences.has(user)) throw errorAt(file, line, `field "user_id": duplicate user "${user}" (first at line ${firstLine.get(user)}); each user has one line`);
    if (tok.length < 2) throw errorAt(file, line, `field "item_id" missing: user ${user} has no items; each line needs at least one item`);
    const items = tok.slice(1);
    for (let j = 0; j < items.length; j++) {
      const it = items[j];
      if (!isId.test(it)) throw errorAt(file, line, `field "item_id" (item ${j + 1} of user ${user}) must be a positive integer, got ${JSON.stringify(it.slice(0, 30))}`);
      if (knownItems && !knownItems.has(it)) throw errorAt(file, line, `field "item_id" (item ${j + 1} of user ${user}): unknown item ${it}, not in ${knownFrom}; the files must share one id space`);
    }
    sequences.set(user, items);
    firstLine.set(user, line);
  }
  if (sequences.size === 0) throw errorAt(file, undefined, 'no user lines found');
  return sequences;
}
