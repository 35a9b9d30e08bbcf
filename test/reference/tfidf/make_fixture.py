"""Fixture for test/embeddings/tfidf.test.ts: sklearn TfidfVectorizer (smooth idf, l2 rows) on a few texts with the
same tokenisation as ours (lowercase runs of [a-z0-9] of length >= 2).
Run: /usr/bin/python3 test/reference/tfidf/make_fixture.py > test/reference/tfidf/fixture.json"""
import json
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

texts = [
    "The quick brown fox jumps over the lazy dog.",
    "A quick brown dog! The dog sleeps; the fox runs.",
    "Microscope slides, 25x75 mm, pack of 72 slides.",
    "Lab pipette tips 200 uL -- tips for the pipette",
    "x y z",
    "Fox, fox, FOX and the dog: 2 foxes 2",
]
out = {"texts": texts, "sklearn": sklearn.__version__, "cases": []}
for sublinear in (False, True):
    for min_df in (1, 2):
        v = TfidfVectorizer(token_pattern=r"[a-z0-9]{2,}", lowercase=True, sublinear_tf=sublinear, min_df=min_df)
        x = v.fit_transform(texts).toarray()
        out["cases"].append({"sublinearTf": sublinear, "minDf": min_df, "vocab": list(v.get_feature_names_out()),
                             "idf": [float(i) for i in v.idf_], "dense": [[float(c) for c in r] for r in x]})
print(json.dumps(out))
