"""PyTorch-CPU peer for bench/train-throughput.ts: the same T5 (test/reference/t5/t5_ref.py, HF T5 layout), the same
shapes, one training step = forward + backward + AdamW, on random token ids. Prints one JSON line.

  /usr/bin/python3 bench/peer/torch_t5.py --threads 1 --batch 32 --src-len 64 --tgt-len 64 --vocab 8000
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "reference", "t5"))
from t5_ref import T5, init_weights  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--src-len", type=int, default=64)
    ap.add_argument("--tgt-len", type=int, default=64)
    ap.add_argument("--vocab", type=int, default=8000)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--d-kv", type=int, default=32)
    ap.add_argument("--d-ff", type=int, default=512)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = dict(d_model=a.d_model, d_kv=a.d_kv, d_ff=a.d_ff, num_layers=a.layers, num_decoder_layers=a.layers,
               num_heads=a.heads, relative_attention_num_buckets=32, relative_attention_max_distance=128,
               dropout_rate=a.dropout, layer_norm_epsilon=1e-6, vocab_size=a.vocab, feed_forward_proj="relu",
               tie_word_embeddings=True)
    torch.manual_seed(0)
    model = T5(cfg)
    init_weights(model, 0)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    g = torch.Generator().manual_seed(1)
    src = torch.randint(2, a.vocab, (a.batch, a.src_len), generator=g)
    labels = torch.randint(2, a.vocab, (a.batch, a.tgt_len), generator=g)
    mask = torch.ones_like(src)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model.loss(src, mask, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return float(loss)

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    ms = 1000 * sorted(times)[len(times) // 2]
    tokens = a.batch * (a.src_len + a.tgt_len)
    print(json.dumps(dict(impl="pytorch-cpu", torch=torch.__version__, threads=a.threads, ms_per_step=ms,
                          ms_all=[1000 * t for t in times], tokens_per_step=tokens, tokens_per_s=tokens / (ms / 1000))))


if __name__ == "__main__":
    main()
