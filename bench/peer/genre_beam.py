"""GENRE-style constrained beam search in PyTorch: the reference peer of bench/beam-search.ts (issue 7).

The same mock decoder as src/generative/mock-decoder.ts (h <- tanh(h + E[last code]); log p = log_softmax(h W)),
the same weights and start rows (written by the TS bench), and a plain Python dict trie queried per beam, the way
GENRE's prefix_allowed_tokens_fn is: for every beam at every step, look up the codes allowed after its prefix and
mask the rest to -inf, then keep the best `beam` continuations per query. Prints one JSON line: ms/query per batch
size (best of reps) and each query's top ID, so the bench can check both implementations agree.
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    meta = json.load(open(os.path.join(a.dir, 'meta.json')))
    V, H, L, beam = meta['codebookSize'], meta['hidden'], meta['positions'], meta['beamSize']
    E = torch.from_numpy(np.fromfile(os.path.join(a.dir, 'embed.f32'), dtype=np.float32).reshape(V + 1, H))
    W = torch.from_numpy(np.fromfile(os.path.join(a.dir, 'out.f32'), dtype=np.float32).reshape(H, V))
    trie = {}
    for ident in meta['ids']:
        for t in range(L):
            trie.setdefault(tuple(ident[:t]), set()).add(ident[t])
    trie = {k: sorted(v) for k, v in trie.items()}
    neg = float('-inf')

    def search(h0):
        q = h0.shape[0]
        prefixes = [() for _ in range(q)]
        scores = torch.zeros(q)
        h = h0
        last = torch.full((q,), V, dtype=torch.long)
        rows_per_query = 1
        for t in range(L):
            h = torch.tanh(h + E[last])
            logp = torch.log_softmax(h @ W, dim=1)
            mask = torch.full_like(logp, neg)
            for r, p in enumerate(prefixes):  # GENRE: prefix_allowed_tokens_fn(batch_id, prefix) per beam
                allowed = trie.get(p)
                if allowed:
                    mask[r, allowed] = 0.0
            total = (scores[:, None] + logp + mask).reshape(q, rows_per_query * V)
            k = min(beam, total.shape[1])
            best, idx = torch.topk(total, k, dim=1)
            new_prefixes, parents, codes, new_scores = [], [], [], []
            for i in range(q):
                for s, j in zip(best[i].tolist(), idx[i].tolist()):
                    if s == neg:
                        continue
                    parent = i * rows_per_query + j // V
                    parents.append(parent)
                    codes.append(j % V)
                    new_prefixes.append(prefixes[parent] + (j % V,))
                    new_scores.append(s)
            # Every query keeps `beam` rows (the bench's tries always allow that many), so rows stay aligned.
            rows_per_query = len(parents) // q
            h = h[torch.tensor(parents)]
            last = torch.tensor(codes)
            prefixes = new_prefixes
            scores = torch.tensor(new_scores)
        return [list(prefixes[i * rows_per_query]) for i in range(q)]

    out = {'threads': a.threads, 'torch': torch.__version__, 'msPerQuery': {}, 'top1': {}}
    total_queries, reps = meta['queries'], meta['reps']
    for batch in meta['batches']:
        h0 = torch.from_numpy(np.fromfile(os.path.join(a.dir, f'start-{batch}.f32'), dtype=np.float32).reshape(batch, H))
        with torch.no_grad():
            top = search(h0)  # warm-up, and the answers to compare
            best_ms = float('inf')
            for _ in range(reps):
                t0 = time.perf_counter()
                done = 0
                while done < total_queries:
                    n = min(batch, total_queries - done)
                    search(h0[:n])
                    done += n
                best_ms = min(best_ms, (time.perf_counter() - t0) * 1000)
        out['msPerQuery'][str(batch)] = best_ms / total_queries
        out['top1'][str(batch)] = top
    print(json.dumps(out))


if __name__ == '__main__':
    main()
