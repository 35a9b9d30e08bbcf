"""Reference T5 encoder-decoder in plain PyTorch (no `transformers`), written from the T5 paper and the Hugging Face
T5 parameter layout, independently of the TypeScript code. Used by make_fixture.py (parity fixture) and by
bench/peer/torch_t5.py (throughput peer). State-dict names match Hugging Face `T5ForConditionalGeneration`."""
import math

import torch
from torch import nn
import torch.nn.functional as F


def relative_position_bucket(rel, bidirectional, num_buckets, max_distance):
    """rel = key position - query position (LongTensor) -> bucket ids."""
    buckets = torch.zeros_like(rel)
    if bidirectional:
        num_buckets //= 2
        buckets = buckets + (rel > 0).long() * num_buckets
        n = rel.abs()
    else:
        n = -torch.clamp(rel, max=0)
    max_exact = num_buckets // 2
    small = n < max_exact
    large = max_exact + (
        torch.log(n.float() / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)
    ).long()
    large = torch.clamp(large, max=num_buckets - 1)
    return buckets + torch.where(small, n, large)


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Attention(nn.Module):
    def __init__(self, cfg, has_bias, bidirectional):
        super().__init__()
        d, h, dk = cfg["d_model"], cfg["num_heads"], cfg["d_kv"]
        self.h, self.dk = h, dk
        self.q = nn.Linear(d, h * dk, bias=False)
        self.k = nn.Linear(d, h * dk, bias=False)
        self.v = nn.Linear(d, h * dk, bias=False)
        self.o = nn.Linear(h * dk, d, bias=False)
        self.bidirectional = bidirectional
        self.nb, self.maxd = cfg["relative_attention_num_buckets"], cfg["relative_attention_max_distance"]
        self.drop = cfg["dropout_rate"]
        if has_bias:
            self.relative_attention_bias = nn.Embedding(self.nb, h)

    def position_bias(self, q_len, k_len):
        ctx = torch.arange(q_len)[:, None]
        mem = torch.arange(k_len)[None, :]
        b = relative_position_bucket(mem - ctx, self.bidirectional, self.nb, self.maxd)
        return self.relative_attention_bias(b).permute(2, 0, 1).unsqueeze(0)  # [1, H, q, k]

    def forward(self, x, kv, bias):
        B, Lq, _ = x.shape
        Lk = kv.shape[1]
        q = self.q(x).view(B, Lq, self.h, self.dk).transpose(1, 2)
        k = self.k(kv).view(B, Lk, self.h, self.dk).transpose(1, 2)
        v = self.v(kv).view(B, Lk, self.h, self.dk).transpose(1, 2)
        scores = q @ k.transpose(-1, -2)  # no 1/sqrt(dk) in T5
        if bias is not None:
            scores = scores + bias
        p = F.dropout(F.softmax(scores.float(), dim=-1), self.drop, self.training)
        out = (p @ v).transpose(1, 2).reshape(B, Lq, self.h * self.dk)
        return self.o(out)


class DenseReluDense(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, f = cfg["d_model"], cfg["d_ff"]
        self.gated = cfg["feed_forward_proj"] == "gated-gelu"
        if self.gated:
            self.wi_0 = nn.Linear(d, f, bias=False)
            self.wi_1 = nn.Linear(d, f, bias=False)
        else:
            self.wi = nn.Linear(d, f, bias=False)
        self.wo = nn.Linear(f, d, bias=False)
        self.drop = cfg["dropout_rate"]

    def forward(self, x):
        if self.gated:
            h = F.gelu(self.wi_0(x), approximate="tanh") * self.wi_1(x)
        else:
            h = F.relu(self.wi(x))
        return self.wo(F.dropout(h, self.drop, self.training))


class SelfAttnLayer(nn.Module):
    def __init__(self, cfg, has_bias, bidirectional):
        super().__init__()
        self.SelfAttention = Attention(cfg, has_bias, bidirectional)
        self.layer_norm = RMSNorm(cfg["d_model"], cfg["layer_norm_epsilon"])


class CrossAttnLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.EncDecAttention = Attention(cfg, False, True)
        self.layer_norm = RMSNorm(cfg["d_model"], cfg["layer_norm_epsilon"])


class FFLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.DenseReluDense = DenseReluDense(cfg)
        self.layer_norm = RMSNorm(cfg["d_model"], cfg["layer_norm_epsilon"])


class Block(nn.Module):
    def __init__(self, cfg, first, decoder):
        super().__init__()
        layers = [SelfAttnLayer(cfg, first, not decoder)]
        if decoder:
            layers.append(CrossAttnLayer(cfg))
        layers.append(FFLayer(cfg))
        self.layer = nn.ModuleList(layers)


class Stack(nn.Module):
    def __init__(self, cfg, n, decoder):
        super().__init__()
        self.block = nn.ModuleList([Block(cfg, i == 0, decoder) for i in range(n)])
        self.final_layer_norm = RMSNorm(cfg["d_model"], cfg["layer_norm_epsilon"])
        self.decoder = decoder
        self.drop = cfg["dropout_rate"]

    def forward(self, emb, mask_bias, enc=None, enc_bias=None):
        d = lambda t: F.dropout(t, self.drop, self.training)
        h = d(emb)
        L = h.shape[1]
        pos = self.block[0].layer[0].SelfAttention.position_bias(L, L)
        if self.decoder:
            causal = torch.triu(torch.full((L, L), float("-inf")), diagonal=1)
            self_bias = pos + causal
        else:
            self_bias = pos + mask_bias
        for blk in self.block:
            sa = blk.layer[0]
            n = sa.layer_norm(h)
            h = h + d(sa.SelfAttention(n, n, self_bias))
            if self.decoder:
                ca = blk.layer[1]
                h = h + d(ca.EncDecAttention(ca.layer_norm(h), enc, enc_bias))
            ff = blk.layer[-1]
            h = h + d(ff.DenseReluDense(ff.layer_norm(h)))
        return d(self.final_layer_norm(h))


class T5(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.shared = nn.Embedding(cfg["vocab_size"], cfg["d_model"])
        self.encoder = Stack(cfg, cfg["num_layers"], False)
        self.decoder = Stack(cfg, cfg.get("num_decoder_layers", cfg["num_layers"]), True)
        self.tied = cfg.get("tie_word_embeddings", True)
        if not self.tied:
            self.lm_head = nn.Linear(cfg["d_model"], cfg["vocab_size"], bias=False)

    def encode(self, input_ids, attention_mask):
        bias = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        return self.encoder(self.shared(input_ids), bias), bias

    def forward(self, input_ids, attention_mask, decoder_input_ids):
        enc, bias = self.encode(input_ids, attention_mask)
        dec = self.decoder(self.shared(decoder_input_ids), None, enc, bias)
        if self.tied:
            logits = (dec * self.cfg["d_model"] ** -0.5) @ self.shared.weight.t()
        else:
            logits = self.lm_head(dec)
        return logits, dec, enc

    def loss(self, input_ids, attention_mask, labels, pad_id=0, start_id=0):
        dec_in = torch.cat([torch.full_like(labels[:, :1], start_id), labels[:, :-1]], 1)
        dec_in = dec_in.masked_fill(dec_in == -100, pad_id)
        logits, _, _ = self(input_ids, attention_mask, dec_in)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)


def init_weights(model, seed):
    """T5-style random init (normal; std per HF `_init_weights` with factor 1)."""
    g = torch.Generator().manual_seed(seed)
    cfg = model.cfg
    d, dk, h, f = cfg["d_model"], cfg["d_kv"], cfg["num_heads"], cfg["d_ff"]
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("layer_norm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))  # not 1, so the test sees the weight
                continue
            std = d ** -0.5
            if name in ("shared.weight", "lm_head.weight"):
                std = 1.0
            elif name.endswith(".q.weight"):
                std = (d * dk) ** -0.5
            elif name.endswith(".o.weight"):
                std = (h * dk) ** -0.5
            elif name.endswith(".wo.weight"):
                std = f ** -0.5
            p.copy_(std * torch.randn(p.shape, generator=g))
