"""Another correct genlab.transformer, written differently from the reference on purpose: einsum
attention masked with the dtype's most negative value, one fused QKV matrix multiplication built
from the three named weights, LayerNorm through var_mean and rsqrt, encodings through pow and an
interleaving stack. The grader must give it full marks."""
import torch
import torch.nn.functional as F
from torch import nn


def attention_weights(q, k, mask=None):
    scores = torch.einsum("...qd,...kd->...qk", q, k) * q.shape[-1] ** -0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.finfo(scores.dtype).min)
    return scores.softmax(dim=-1)


def scaled_dot_product_attention(q, k, v, mask=None):
    return torch.einsum("...qk,...kd->...qd", attention_weights(q, k, mask), v)


def causal_mask(n, device=None):
    i = torch.arange(n, device=device)
    return i[:, None] >= i[None, :]


def sinusoidal_positional_encoding(n_positions, d_model):
    pos = torch.arange(n_positions).float()[:, None]
    freq = 1.0 / torch.pow(10000.0, torch.arange(0, d_model, 2).float() / d_model)
    return torch.stack([torch.sin(pos * freq), torch.cos(pos * freq)], dim=-1).reshape(n_positions, d_model)


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.W_q, self.W_k, self.W_v = (nn.Linear(d_model, d_model) for _ in range(3))
        self.W_o = nn.Linear(d_model, d_model)

    def _heads(self, t):
        b, n, _ = t.shape
        return t.reshape(b, n, self.n_heads, self.d_head).permute(0, 2, 1, 3)

    def forward(self, x, mask=None, context=None):
        if context is None:  # one fused projection for self-attention
            weight = torch.cat([self.W_q.weight, self.W_k.weight, self.W_v.weight])
            bias = torch.cat([self.W_q.bias, self.W_k.bias, self.W_v.bias])
            q, k, v = F.linear(x, weight, bias).split(self.d_model, dim=-1)
        else:
            q, k, v = self.W_q(x), self.W_k(context), self.W_v(context)
        out = scaled_dot_product_attention(self._heads(q), self._heads(k), self._heads(v), mask)
        b, _, n, _ = out.shape
        return self.W_o(out.permute(0, 2, 1, 3).reshape(b, n, self.d_model))


class LayerNorm(nn.Module):
    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))
        self.bias = nn.Parameter(torch.zeros(d_model))

    def forward(self, x):
        var, mean = torch.var_mean(x, dim=-1, keepdim=True, correction=0)
        return (x - mean) * torch.rsqrt(var + self.eps) * self.weight + self.bias


class FeedForward(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)

    def forward(self, x):
        return self.fc2(nn.functional.gelu(self.fc1(x), approximate="none"))


class TransformerBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.ln1, self.ln2 = LayerNorm(d_model), LayerNorm(d_model)
        self.attn, self.ff = MultiHeadAttention(d_model, n_heads), FeedForward(d_model, d_ff)

    def forward(self, x, mask=None):
        h = x + self.attn(self.ln1(x), mask=mask)
        return h + self.ff(self.ln2(h))
