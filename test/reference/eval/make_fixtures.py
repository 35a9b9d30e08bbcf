#!/usr/bin/python3
"""Reference values for src/eval (clustering agreement + ranking metrics).

Run with Debian's python (it has sklearn + numpy):  /usr/bin/python3 test/reference/eval/make_fixtures.py
Writes test/reference/eval/fixtures.json. Labels are drawn from a seeded numpy RNG; integer labellings are stored
as base64 of little-endian uint16 ("b64u16"), small string labellings as plain JSON arrays.
Ranking metrics are computed by an independent numpy implementation below (binary relevance, conventions as in
src/eval/ranking.ts); its NDCG is cross-checked against sklearn.metrics.ndcg_score where that applies.
"""
import base64
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import (adjusted_mutual_info_score, adjusted_rand_score, mutual_info_score,
                             ndcg_score, normalized_mutual_info_score)

METHODS = ["max", "arithmetic", "geometric", "min"]
rng = np.random.default_rng(20240607)


def b64(labels):
    a = np.asarray(labels, dtype="<u2")
    return base64.b64encode(a.tobytes()).decode("ascii")


def zipf_sizes(n, k, s=1.1):
    w = 1.0 / np.arange(1, k + 1) ** s
    return rng.choice(k, size=n, p=w / w.sum())


def noisy(labels, k_pred, keep):
    """Pred = a fixed random map of the true label with prob `keep`, else uniform noise."""
    mapping = rng.integers(0, k_pred, size=labels.max() + 1)
    pred = mapping[labels]
    flip = rng.random(len(labels)) >= keep
    pred[flip] = rng.integers(0, k_pred, size=int(flip.sum()))
    return pred


cases = []  # (name, labels_true, labels_pred)
cases.append(("n2-split-vs-one", np.array([0, 1]), np.array([0, 0])))
cases.append(("n2-one-vs-one", np.array([0, 0]), np.array([5, 5])))
cases.append(("n3-singletons-both", np.array([0, 1, 2]), np.array([2, 0, 1])))
cases.append(("n10-one-cluster-pred", rng.integers(0, 3, 10), np.zeros(10, dtype=int)))
cases.append(("n30-renamed", (t := rng.integers(0, 4, 30)), (np.array([7, 3, 9, 1]))[t]))
cases.append(("n50-random-3x4", rng.integers(0, 3, 50), rng.integers(0, 4, 50)))
cases.append(("n100-5-vs-singletons", rng.integers(0, 5, 100), np.arange(100)))
cases.append(("n200-random-10x20", rng.integers(0, 10, 200), rng.integers(0, 20, 200)))
cases.append(("n1000-noisy-20x30", (t := rng.integers(0, 20, 1000)), noisy(t, 30, 0.6)))
cases.append(("n2000-zipf-300x40", (t := zipf_sizes(2000, 300)), noisy(t, 40, 0.5)))
cases.append(("n3000-one-vs-200", np.zeros(3000, dtype=int), rng.integers(0, 200, 3000)))
cases.append(("n5000-random-500x50", rng.integers(0, 500, 5000), rng.integers(0, 50, 5000)))
cases.append(("n20000-noisy-500x50", (t := rng.integers(0, 500, 20000)), noisy(t, 50, 0.3)))
str_true = ["cat", "dog", "cat", "bird", "dog", "cat", "bird"]
str_pred = ["a", "a", "b", "b", "a", "b", "c"]

clustering = []


def add_case(name, lt, lp, as_strings=False):
    entry = {"name": name, "n": len(lt)}
    if as_strings:
        entry["true"], entry["pred"] = list(lt), list(lp)
    else:
        lt, lp = np.asarray(lt), np.asarray(lp)
        assert lt.max() < 65536 and lp.max() < 65536
        entry["trueB64u16"], entry["predB64u16"] = b64(lt), b64(lp)
    entry["ami"] = {m: float(adjusted_mutual_info_score(lt, lp, average_method=m)) for m in METHODS}
    entry["nmi"] = {m: float(normalized_mutual_info_score(lt, lp, average_method=m)) for m in METHODS}
    entry["mi"] = float(mutual_info_score(lt, lp))
    entry["ari"] = float(adjusted_rand_score(lt, lp))
    clustering.append(entry)


for name, lt, lp in cases:
    add_case(name, lt, lp)
add_case("n7-strings", str_true, str_pred, as_strings=True)


# ---------------------------------------------------------------- ranking (independent numpy implementation)
def gains(ranked, rel, k):
    seen, g = set(), []
    for d in ranked[:k]:
        g.append(1.0 if (d in rel and d not in seen) else 0.0)
        seen.add(d)
    return np.array(g)


def metrics(ranked, rel, k):
    g = gains(ranked, rel, k)
    ranks = np.arange(1, len(g) + 1)
    hits = g.sum()
    first = np.flatnonzero(g)
    dcg = float((g / np.log2(ranks + 1)).sum())
    idcg = float((1.0 / np.log2(np.arange(1, min(len(rel), k) + 1) + 1)).sum())
    prec_at = np.cumsum(g) / ranks
    return {
        "recall": hits / len(rel),
        "precision": hits / k,
        "hit": 1.0 if hits > 0 else 0.0,
        "mrr": 1.0 / (first[0] + 1) if len(first) else 0.0,
        "ndcg": dcg / idcg,
        "map": float((prec_at * g).sum()) / min(len(rel), k),
    }


KS = [1, 3, 5, 10, 20]
docs = [f"d{i}" for i in range(60)]
queries = []
for q in range(24):
    n_rel = int(rng.integers(1, 8))
    rel = set(rng.choice(docs, size=n_rel, replace=False).tolist())
    length = int(rng.integers(0, 25))
    # bias the run towards relevant docs so metrics are not all ~0
    pool = sorted(rel) * 3 + docs  # sorted: set order of str varies between runs (hash seed)
    ranked = []
    for _ in range(length):
        ranked.append(str(pool[int(rng.integers(0, len(pool)))]))
    if q % 5 != 0:  # most runs without duplicates
        ranked = list(dict.fromkeys(ranked))
    queries.append({"id": f"q{q}", "relevant": sorted(rel), "ranked": ranked,
                    "metrics": {str(k): metrics(ranked, rel, k) for k in KS}})

# cross-check NDCG against sklearn where it applies (no duplicates, every relevant doc in the candidate list, k <= len)
checked = 0
for q in queries:
    ranked, rel = q["ranked"], set(q["relevant"])
    if len(set(ranked)) != len(ranked) or len(ranked) == 0:
        continue
    cand = ranked + [d for d in sorted(rel) if d not in ranked]
    y_true = np.array([[1.0 if d in rel else 0.0 for d in cand]])
    y_score = np.array([[float(len(cand) - i) for i in range(len(cand))]])
    for k in KS:
        if k <= len(ranked):
            ref = ndcg_score(y_true, y_score, k=k)
            assert abs(ref - q["metrics"][str(k)]["ndcg"]) < 1e-12, (q["id"], k, ref)
            checked += 1

# evaluateRanking: qrels = every query; runs drop q3 (scores 0) and add an unjudged query (ignored)
runs_missing = ["q3"]
mean = {}
for k in KS:
    for name in ["recall", "precision", "hit", "mrr", "ndcg", "map"]:
        vals = [0.0 if q["id"] in runs_missing else q["metrics"][str(k)][name] for q in queries]
        mean[f"{name}@{k}"] = float(np.mean(vals))

out = {
    "generator": "test/reference/eval/make_fixtures.py",
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "clustering": clustering,
    "ranking": {"ks": KS, "queries": queries, "runsMissing": runs_missing,
                "unjudgedRun": {"id": "q-unjudged", "ranked": ["d1", "d2"]}, "mean": mean,
                "ndcgCheckedAgainstSklearn": checked},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
print(f"wrote {path}: {os.path.getsize(path)} bytes, {len(clustering)} clustering cases, "
      f"{len(queries)} queries, {checked} NDCG values checked against sklearn")
