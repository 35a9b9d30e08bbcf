"""Independent check of the synthetic corpus difficulty (not a fixture): TF-IDF + sklearn KMeans AMI per level.

Make the input with:
  npx tsx -e "import {syntheticCorpus} from './src/data/synthetic'; import {preset} from './src/config';
    import {Rng} from './src/rng'; const c = syntheticCorpus(preset().data.synthetic, new Rng(42));
    require('fs').writeFileSync('/tmp/syn.json', JSON.stringify(c.docs.map(d => [d.text, ...c.labelKeys.map(k => d.labels[k])])))"
then run: /usr/bin/python3 test/reference/synthetic_tfidf_ami.py /tmp/syn.json
Measured (seed 42, small preset, secondaryShare 0.45): level1 k=6 .782, level2 k=24 .807, level3 k=72 .611;
seed 7: .787 / .785 / .598.
"""
import json
import sys

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score

rows = json.load(open(sys.argv[1]))
X = TfidfVectorizer(sublinear_tf=True).fit_transform([r[0] for r in rows])
for level in range(1, len(rows[0])):
    y = [r[level] for r in rows]
    k = len(set(y))
    pred = KMeans(k, n_init=3, random_state=0).fit_predict(X)
    print(f"level{level} k={k} AMI={adjusted_mutual_info_score(y, pred):.3f}")
