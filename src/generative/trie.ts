/**
 * Prefix trie over semantic-ID sequences (paper Section 5: "constrained beam search decoding with a prefix tree",
 * after Wang et al. 2022), so the generative model can only emit IDs that exist.
 *
 * IDs are `number[]` of fixed or variable length; every code lies in `[0, codebookSize)`. Where one ID is a proper
 * prefix of another (variable-length IDs, e.g. an extra collision position for some documents only), the decoder
 * needs a way to say "stop here": give the trie an `endCode` (a code of the decoder's vocabulary that no ID uses) and
 * it becomes an allowed next code at such nodes. At a leaf an ID is complete without any end code.
 *
 * Each node lazily builds and caches its sorted allowed next codes and an allowed-token mask (Float32Array of 0 /
 * −Infinity, length `codebookSize`) for batched masking; mutation clears the caches along the touched path only.
 * Do not mutate a trie while a beam search over it is running.
 */
import { LmiError } from '../errors';

/** Options of {@link IdTrie}. */
export interface IdTrieOptions {
  /** Size of the decoder's code vocabulary (mask length); every code is < this. */
  codebookSize: number;
  /** Code that ends an ID which is a proper prefix of another ID; no ID may contain it. Default: none. */
  endCode?: number;
}

/** Compact JSON form of a trie (see {@link IdTrie.toJSON}). */
export interface IdTrieJson {
  format: 'lmi-id-trie';
  version: 1;
  codebookSize: number;
  endCode?: number;
  /** Number of IDs. */
  size: number;
  /** IDs in lexicographic order, each as `shared, suffixLength, ...suffix` (shared = common prefix with the previous ID). */
  data: number[];
}

/**
 * What the next code does at a node: every allowed code completes an ID (`finish`), none does (`continue`), or both
 * occur (`mixed`); `none` for a node with no next code.
 */
export type NextKind = 'finish' | 'continue' | 'mixed' | 'none';

/** One trie node. Read its fields; change the trie only through {@link IdTrie} methods. */
export class TrieNode {
  /** Children by code. */
  readonly children = new Map<number, TrieNode>();
  /** True when the path to this node is a complete ID. */
  terminal = false;
  /** Number of IDs at or below this node. */
  count = 0;
  /** @internal caches, cleared on mutation. */
  allowedCache: Int32Array | undefined = undefined;
  maskCache: Float32Array | undefined = undefined;
  kindCache: NextKind | undefined = undefined;

  /** The child reached by `code`, if any. */
  child(code: number): TrieNode | undefined {
    return this.children.get(code);
  }

  /** A leaf: a complete ID with no longer ID below it. */
  get isLeaf(): boolean {
    return this.children.size === 0;
  }

  clearCaches(): void {
    this.allowedCache = undefined;
    this.maskCache = undefined;
    this.kindCache = undefined;
  }
}

/** Prefix trie over ID sequences. */
export class IdTrie {
  readonly codebookSize: number;
  readonly endCode: number | undefined;
  readonly root = new TrieNode();
  private version = 0;
  private nestedCache: { version: number; id: number[] | undefined } | undefined;

  constructor(options: IdTrieOptions) {
    const { codebookSize, endCode } = options;
    if (!Number.isInteger(codebookSize) || codebookSize < 1) {
      throw new LmiError(`IdTrie: codebookSize must be a positive integer, got ${codebookSize}`);
    }
    if (endCode !== undefined && !(Number.isInteger(endCode) && endCode >= 0 && endCode < codebookSize)) {
      throw new LmiError(`IdTrie: endCode must be an integer in [0, ${codebookSize}), got ${endCode}`);
    }
    this.codebookSize = codebookSize;
    this.endCode = endCode;
  }

  /** A trie holding `ids` (duplicates are stored once). */
  static from(ids: Iterable<readonly number[]>, options: IdTrieOptions): IdTrie {
    const trie = new IdTrie(options);
    for (const id of ids) trie.insert(id);
    return trie;
  }

  /** Number of distinct IDs. */
  get size(): number {
    return this.root.count;
  }

  /** Add an ID; returns false when it was already present. */
  insert(id: readonly number[]): boolean {
    this.check(id, 'insert');
    const path = this.path(id, true)!;
    const last = path[path.length - 1];
    if (last.terminal) return false;
    last.terminal = true;
    for (const node of path) {
      node.count++;
      node.clearCaches();
    }
    this.version++;
    return true;
  }

  /** True when `id` is a complete ID in the trie (not merely a prefix). */
  has(id: readonly number[]): boolean {
    return this.nodeAt(id)?.terminal === true && id.length > 0;
  }

  /** Remove an ID and prune branches left empty; returns false when it was absent. */
  remove(id: readonly number[]): boolean {
    if (id.length === 0) return false;
    const path = this.path(id, false);
    if (!path || !path[path.length - 1].terminal) return false;
    path[path.length - 1].terminal = false;
    for (const node of path) {
      node.count--;
      node.clearCaches();
    }
    for (let i = path.length - 1; i > 0; i--) {
      if (path[i].count === 0) path[i - 1].children.delete(id[i - 1]);
    }
    this.version++;
    return true;
  }

  /** The node reached by `prefix`, or undefined when no ID starts with it. */
  nodeAt(prefix: readonly number[]): TrieNode | undefined {
    let node: TrieNode | undefined = this.root;
    for (let i = 0; i < prefix.length && node; i++) node = node.children.get(prefix[i]);
    return node;
  }

  /** Sorted next codes after `prefix` (including `endCode` where `prefix` is itself an ID with longer IDs below). */
  allowed(prefix: readonly number[]): Int32Array {
    const node = this.nodeAt(prefix);
    return node ? this.allowedOf(node) : new Int32Array(0);
  }

  /** Sorted next codes at a node; cached until the node changes. Do not modify the returned array. */
  allowedOf(node: TrieNode): Int32Array {
    if (!node.allowedCache) {
      const codes = [...node.children.keys()];
      if (this.endCode !== undefined && node.terminal && node.children.size > 0) codes.push(this.endCode);
      node.allowedCache = Int32Array.from(codes).sort();
    }
    return node.allowedCache;
  }

  /** Whether the next code at `node` completes an ID (see {@link NextKind}); cached. */
  nextKind(node: TrieNode): NextKind {
    if (!node.kindCache) {
      let fin = this.endCode !== undefined && node.terminal && node.children.size > 0;
      let cont = false;
      for (const c of node.children.values()) {
        if (c.isLeaf) fin = true;
        else cont = true;
      }
      node.kindCache = fin ? (cont ? 'mixed' : 'finish') : cont ? 'continue' : 'none';
    }
    return node.kindCache;
  }

  /** Allowed-token mask after `prefix`: 0 at allowed codes, −Infinity elsewhere (all −Infinity for an unknown prefix). */
  mask(prefix: readonly number[]): Float32Array {
    const node = this.nodeAt(prefix);
    return node ? this.maskOf(node) : new Float32Array(this.codebookSize).fill(-Infinity);
  }

  /** Allowed-token mask of a node, built lazily and cached. Do not modify the returned array. */
  maskOf(node: TrieNode): Float32Array {
    if (!node.maskCache) {
      const m = new Float32Array(this.codebookSize).fill(-Infinity);
      for (const c of this.allowedOf(node)) m[c] = 0;
      node.maskCache = m;
    }
    return node.maskCache;
  }

  /** Number of IDs starting with `prefix` (the prefix itself included when it is an ID); `count([])` = size. */
  count(prefix: readonly number[] = []): number {
    return this.nodeAt(prefix)?.count ?? 0;
  }

  /** Longest ID length (0 when empty). */
  depth(): number {
    const walk = (n: TrieNode): number => {
      let d = 0;
      for (const c of n.children.values()) d = Math.max(d, 1 + walk(c));
      return d;
    };
    return walk(this.root);
  }

  /** All IDs in lexicographic order (a shorter ID before its extensions). */
  *ids(): IterableIterator<number[]> {
    const prefix: number[] = [];
    function* walk(node: TrieNode): IterableIterator<number[]> {
      if (node.terminal) yield prefix.slice();
      const codes = [...node.children.keys()].sort((a, b) => a - b);
      for (const c of codes) {
        prefix.push(c);
        yield* walk(node.children.get(c)!);
        prefix.pop();
      }
    }
    yield* walk(this.root);
  }

  /** Some ID that is a proper prefix of another ID, or undefined when the trie is prefix-free (cached per version). */
  nestedId(): number[] | undefined {
    if (this.nestedCache?.version !== this.version) {
      let found: number[] | undefined;
      const prefix: number[] = [];
      const walk = (node: TrieNode): void => {
        if (found) return;
        if (node.terminal && node.children.size > 0 && prefix.length > 0) found = prefix.slice();
        for (const [c, child] of node.children) {
          prefix.push(c);
          walk(child);
          prefix.pop();
        }
      };
      walk(this.root);
      this.nestedCache = { version: this.version, id: found };
    }
    return this.nestedCache.id;
  }

  /** Compact JSON (prefix-shared encoding of the sorted IDs). */
  toJSON(): IdTrieJson {
    const data: number[] = [];
    let prev: number[] = [];
    for (const id of this.ids()) {
      let shared = 0;
      while (shared < prev.length && shared < id.length && prev[shared] === id[shared]) shared++;
      data.push(shared, id.length - shared);
      for (let i = shared; i < id.length; i++) data.push(id[i]);
      prev = id;
    }
    const json: IdTrieJson = { format: 'lmi-id-trie', version: 1, codebookSize: this.codebookSize, size: this.size, data };
    if (this.endCode !== undefined) json.endCode = this.endCode;
    return json;
  }

  /** Rebuild a trie from {@link toJSON} output (an object or its JSON text); `where` names the source in errors. */
  static fromJSON(input: IdTrieJson | string, where = 'trie JSON'): IdTrie {
    const json = (typeof input === 'string' ? JSON.parse(input) : input) as Partial<IdTrieJson>;
    if (json?.format !== 'lmi-id-trie' || json.version !== 1) {
      throw new LmiError(`${where}: not an lmi-id-trie version 1 (format=${json?.format}, version=${json?.version})`);
    }
    if (!Array.isArray(json.data)) throw new LmiError(`${where}: field "data" must be an array of numbers`);
    const trie = new IdTrie({ codebookSize: json.codebookSize as number, endCode: json.endCode });
    const data = json.data;
    let prev: number[] = [];
    let i = 0;
    while (i < data.length) {
      const shared = data[i];
      const len = data[i + 1];
      if (!Number.isInteger(shared) || !Number.isInteger(len) || shared < 0 || shared > prev.length || len < 0 ||
          i + 2 + len > data.length || shared + len === 0) {
        throw new LmiError(`${where}: data[${i}]: bad entry (shared=${shared}, suffix length=${len}); file truncated or edited?`);
      }
      const id = prev.slice(0, shared).concat(data.slice(i + 2, i + 2 + len));
      try {
        trie.insert(id);
      } catch (e) {
        throw new LmiError(`${where}: data[${i}]: ${(e as Error).message}`);
      }
      prev = id;
      i += 2 + len;
    }
    if (json.size !== undefined && json.size !== trie.size) {
      throw new LmiError(`${where}: field "size" says ${json.size} IDs but data holds ${trie.size}`);
    }
    return trie;
  }

  private check(id: readonly number[], what: string): void {
    if (id.length === 0) throw new LmiError(`IdTrie.${what}: an ID must have at least one code`);
    for (let i = 0; i < id.length; i++) {
      const c = id[i];
      if (!Number.isInteger(c) || c < 0 || c >= this.codebookSize) {
        throw new LmiError(`IdTrie.${what}: ID [${id.join(',')}] position ${i}: code ${c} not an integer in [0, ${this.codebookSize})`);
      }
      if (c === this.endCode) {
        throw new LmiError(`IdTrie.${what}: ID [${id.join(',')}] position ${i}: code ${c} is the trie's endCode; pick another endCode`);
      }
    }
  }

  /** Nodes from the root to `id` (length id.length + 1); creates missing nodes when `create`. */
  private path(id: readonly number[], create: boolean): TrieNode[] | undefined {
    const path = [this.root];
    let node = this.root;
    for (const c of id) {
      let next = node.children.get(c);
      if (!next) {
        if (!create) return undefined;
        next = new TrieNode();
        node.children.set(c, next);
        node.clearCaches();
      }
      path.push(next);
      node = next;
    }
    return path;
  }
}
