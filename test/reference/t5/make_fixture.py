"""Write tiny HF-layout T5 checkpoints and reference outputs for test/model/t5-parity.test.ts.

Run: /usr/bin/python3 test/reference/t5/make_fixture.py   (Debian python3-torch 1.13; no `transformers`).
Writes, for each variant in VARIANTS: <variant>/model.safetensors + <variant>/config.json + <variant>/reference.json
(inputs, encoder/decoder hidden states, logits, loss, and loss gradients of a few parameters in HF layout), plus
buckets.json (relative position buckets for distances -300..300)."""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t5_ref import T5, init_weights, relative_position_bucket  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

BASE = dict(
    d_model=16, d_kv=4, d_ff=24, num_layers=2, num_decoder_layers=3, num_heads=2,
    relative_attention_num_buckets=8, relative_attention_max_distance=12, dropout_rate=0.1,
    layer_norm_epsilon=1e-6, vocab_size=40, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
    model_type="t5", is_encoder_decoder=True, architectures=["T5ForConditionalGeneration"],
)
VARIANTS = {
    "tiny": dict(BASE, feed_forward_proj="relu", tie_word_embeddings=True),
    "tiny-gated": dict(BASE, feed_forward_proj="gated-gelu", tie_word_embeddings=False),
}
GRAD_PARAMS = [
    "shared.weight",
    "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
    "encoder.block.1.layer.0.SelfAttention.q.weight",
    "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
    "decoder.block.2.layer.1.EncDecAttention.k.weight",
    "decoder.block.1.layer.2.layer_norm.weight",
]


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().float()
        b = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def rounded(t):
    return [float(f"{x:.7g}") for x in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(0)
    for i, (variant, cfg) in enumerate(VARIANTS.items()):
        out = os.path.join(HERE, variant)
        os.makedirs(out, exist_ok=True)
        model = T5(cfg)
        init_weights(model, seed=1234 + i)
        model.eval()
        write_safetensors(os.path.join(out, "model.safetensors"), dict(model.state_dict()))
        with open(os.path.join(out, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        g = torch.Generator().manual_seed(99 + i)
        # Batch of 2, source length 14 (> max_distance, exercises the log buckets), second row padded.
        input_ids = torch.randint(2, cfg["vocab_size"], (2, 14), generator=g)
        input_ids[1, 10:] = 0
        attention_mask = (input_ids != 0).long()
        labels = torch.randint(2, cfg["vocab_size"], (2, 13), generator=g)
        labels[0, 12] = 1
        labels[1, 9:] = -100
        dec_in = torch.cat([torch.zeros_like(labels[:, :1]), labels[:, :-1]], 1).masked_fill(
            torch.cat([torch.zeros_like(labels[:, :1]), labels[:, :-1]], 1) == -100, 0)
        logits, dec, enc = model(input_ids, attention_mask, dec_in)
        loss = model.loss(input_ids, attention_mask, labels)
        params = dict(model.named_parameters())
        grads = torch.autograd.grad(loss, [params[n] for n in GRAD_PARAMS])
        ref = dict(
            input_ids=input_ids.tolist(), attention_mask=attention_mask.tolist(), labels=labels.tolist(),
            decoder_input_ids=dec_in.tolist(), encoder_hidden=rounded(enc), decoder_hidden=rounded(dec),
            logits=rounded(logits), logits_shape=list(logits.shape), loss=float(loss),
            grads={n: rounded(gr) for n, gr in zip(GRAD_PARAMS, grads)},
        )
        with open(os.path.join(out, "reference.json"), "w") as f:
            json.dump(ref, f)
    rel = torch.arange(-300, 301)
    buckets = {
        "relative": rel.tolist(),
        "bidirectional_32_128": relative_position_bucket(rel, True, 32, 128).tolist(),
        "causal_32_128": relative_position_bucket(rel, False, 32, 128).tolist(),
        "bidirectional_8_12": relative_position_bucket(rel, True, 8, 12).tolist(),
        "causal_8_12": relative_position_bucket(rel, False, 8, 12).tolist(),
    }
    with open(os.path.join(HERE, "buckets.json"), "w") as f:
        json.dump(buckets, f)


if __name__ == "__main__":
    main()
