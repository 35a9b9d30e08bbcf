#!/usr/bin/python3
"""Make the SentencePiece parity fixtures for test/text/spiece.test.ts.

Run with Debian's python3-sentencepiece (0.1.97 when made):  /usr/bin/python3 test/reference/spiece/make_fixture.py
Writes, next to this script:
  tiny.model        unigram, vocab 300, default nmt_nfkc normaliser (precompiled charsmap), no byte fallback,
                    T5 special ids (pad 0, eos 1, unk 2, no bos)
  tiny_bytes.model  unigram, vocab 400, byte_fallback=true, identity normaliser, add_dummy_prefix=true
  ties.model        unigram, vocab 120, identity normaliser, trained on runs of repeated characters (w, -, 9, x, .)
                    and URLs: many segmentations tie in float32, which pins SentencePiece's tie-breaking
  fixture.json      {model: {sentences: [{text, ids, pieces, decoded}]}} from sp.encode / sp.decode
Deterministic: a fixed random.Random seed generates the sentences; the trainer runs with one thread.
"""
import io, json, os, random
import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(1234)
WORDS = ('the a of to and in is for on with as by at from this that it be are was adhesive tape sealant '
         'microscope slide glass pipette beaker flask lab safety glove goggles mask nitrile latex powder '
         'free clear blue red heavy duty industrial scientific tool kit set pack box small large '
         'measure meter scale digital thermometer gauge pressure valve pump hose fitting brass steel').split()
PUNCT = [',', '.', '!', '?', ';', ':', '-', '(', ')', '"', "'", '/', '%', '&']
EXTRA = ['café', 'naïve', 'résumé', 'Zürich', 'µm', '°C', '½', 'ﬁlter', 'Ｆｕｌｌ', '①', 'Ⅲ', '東京', '😀', 'ß', 'İstanbul']


def sentence():
    n = rng.randint(3, 14)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.08:
            out.append(rng.choice(PUNCT))
        elif r < 0.14:
            out.append(str(rng.randint(0, 9999)))
        elif r < 0.18:
            out.append(rng.choice(EXTRA))
        else:
            w = rng.choice(WORDS)
            out.append(w.capitalize() if rng.random() < 0.15 else w)
    return ' '.join(out)


train = [sentence() for _ in range(600)]
# Held-out sentences: generated ones plus hand-written edge cases (whitespace runs, unseen characters,
# full-width forms and ligatures for NFKC, empty and whitespace-only strings, tabs/newlines, long words).
held = [sentence() for _ in range(120)] + [
    '', ' ', '   leading and trailing   ', 'multiple     spaces\tand\ttabs\nnewline',
    'Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３', 'ﬁlter ﬂask', 'Ⅻ ① ⁴ ½', 'emoji 😀🚀 and 東京タワー',
    'Ωmega ΣΑΣ ελληνικά', 'zero\u200bwidth', 'non\u00a0breaking space', 'x' * 40,
    'supercalifragilisticexpialidocious', 'Ḃ̃ combining é vs e\u0301', '"quoted" (parens) [brackets] {braces}',
    '¡Hola! ¿Qué tal?', 'tab\tat\tend\t', 'a', '▁already▁escaped', '<unk> </s> <pad>',
] + [c * n for c in 'w-9xe.' for n in range(2, 13)] + [  # near-ties between equal-score segmentations
    'http://www.amazon.com 0-9999 ppm ' + '-' * 24, 'aaaa bbbb ssss tttt 1111 0000 ....',
]


def train_model(name, **kw):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(train), model_writer=model, model_type='unigram',
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1, num_threads=1, seed_sentencepiece_size=100000,
        input_sentence_size=0, shuffle_input_sentence=False, **kw)
    path = os.path.join(HERE, name)
    with open(path, 'wb') as f:
        f.write(model.getvalue())
    sp = spm.SentencePieceProcessor(model_file=path)
    rows = []
    for text in train[:80] + held:
        ids = sp.encode(text)
        rows.append({'text': text, 'ids': ids, 'pieces': sp.id_to_piece(ids), 'decoded': sp.decode(ids)})
    return {'vocab': sp.get_piece_size(), 'sentences': rows}


def repeat_sentence():
    # Runs of one character make many segmentations with equal float32 scores: decides SentencePiece's tie rule.
    out = []
    for _ in range(rng.randint(2, 8)):
        r = rng.random()
        if r < 0.5:
            out.append(rng.choice('w-9x.') * rng.randint(1, 30))
        elif r < 0.7:
            out.append('http://www.' + rng.choice(WORDS) + '.com')
        else:
            out.append(rng.choice(WORDS))
    return ' '.join(out)


fixture = {
    'tiny.model': train_model('tiny.model', vocab_size=300, character_coverage=0.995, hard_vocab_limit=False),
    'tiny_bytes.model': train_model('tiny_bytes.model', vocab_size=400, byte_fallback=True,
                                    normalization_rule_name='identity', character_coverage=0.99,
                                    hard_vocab_limit=False),
}
train = [repeat_sentence() for _ in range(400)]
held = [repeat_sentence() for _ in range(150)]
fixture['ties.model'] = train_model('ties.model', vocab_size=120, normalization_rule_name='identity',
                                    hard_vocab_limit=False)
with open(os.path.join(HERE, 'fixture.json'), 'w', encoding='utf-8') as f:
    json.dump(fixture, f, ensure_ascii=False, indent=0)
print({k: (v['vocab'], len(v['sentences'])) for k, v in fixture.items()})
