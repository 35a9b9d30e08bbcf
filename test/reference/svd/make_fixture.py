"""Fixture for test/embeddings/svd.test.ts: singular values of a small seeded sparse-ish matrix by numpy's exact SVD.
Run with Debian's python: /usr/bin/python3 test/reference/svd/make_fixture.py > test/reference/svd/fixture.json"""
import json
import numpy as np

rng = np.random.default_rng(20240601)
n, m = 40, 25
# Low-rank signal plus noise, about 40% zeros, so the spectrum decays like a TF-IDF matrix's.
a = rng.normal(size=(n, 6)) @ (rng.normal(size=(6, m)) * np.linspace(3, 0.5, 6)[:, None]) + 0.3 * rng.normal(size=(n, m))
a[rng.random(size=(n, m)) < 0.4] = 0.0
a = a.astype(np.float32).astype(np.float64)
s = np.linalg.svd(a, compute_uv=False)
print(json.dumps({"n": n, "m": m, "data": [float(v) for v in a.ravel()], "singularValues": [float(v) for v in s],
                  "numpy": np.__version__}))
