"""Unit 05: the transformer architecture, from scratch.

You build the pieces of a transformer one at a time: scaled dot-product attention, the causal
mask, sinusoidal positional encodings, multi-head attention (self and cross), layer
normalisation, the position-wise feed-forward network, and a pre-LayerNorm transformer block.
Unit 06 stacks your blocks into a GPT, so they must be exactly right.

Conventions used throughout:

- Tensors are float32 and batch-first. A sequence batch is `(B, L, d_model)`.
- Masks are **boolean** and **True means "may attend"**: `mask[..., i, j]` is True when query
  position i may look at key position j. This is the convention of
  `torch.nn.functional.scaled_dot_product_attention`. A mask only needs to *broadcast* against
  the attention scores `(..., Lq, Lk)`; e.g. one `(L, L)` causal mask serves every batch element
  and every head.
- Every query must be allowed to attend to at least one key. A row that is masked out entirely
  has no meaningful softmax; its result is unspecified and never tested.
- Nothing here draws random numbers except the layers' initialisation, and no test depends on
  it (or on the order or number of random draws): the tests load their own weights by name.
- Tolerances: the tests compare with PyTorch's operators at `assert_close`'s float32 default
  (rtol 1.3e-6, atol 1e-5), or at rtol 1e-4 where a chain of matmuls may add in another order;
  each docstring below says where a looser bound is used and why.

You may use `torch` tensor operations (including `Tensor.var(unbiased=False)`,
`torch.var_mean` and `masked_fill`), `torch.softmax`, `nn.Linear`, `nn.Parameter`, and `F.gelu`
or `nn.GELU`. You may NOT call `F.scaled_dot_product_attention`, `nn.MultiheadAttention`,
`nn.LayerNorm`/`F.layer_norm` or `nn.TransformerEncoderLayer` inside your solution: the tests
compare you against them.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


def attention_weights(q, k, mask=None):
    """The attention probabilities softmax(q kᵀ / √d_k), with masked positions at zero.

    Args:
        q: queries, shape `(..., Lq, d_k)`.
        k: keys, shape `(..., Lk, d_k)`. The leading dims `...` of q and k broadcast.
        mask: optional boolean tensor broadcastable to `(..., Lq, Lk)`; **True = may attend**.

    Returns:
        Tensor `(..., Lq, Lk)`. Entry `[..., i, j]` is how much query i attends to key j.
        Every entry is >= 0 and every row (the last axis, over keys) sums to 1.

    How:
        1. scores = q @ kᵀ / √d_k, where d_k = q.shape[-1] is the size of ONE query vector
           (per head, not the model width). Without the scaling, the dot products of random
           d_k-dimensional vectors have variance d_k and the softmax saturates.
        2. Where mask is False, set the score to -inf (or to the dtype's most negative value,
           `torch.finfo(scores.dtype).min`) so that it gets zero probability. Masking happens
           BEFORE the softmax; zeroing probabilities after the softmax leaves rows that no
           longer sum to one.
        3. Softmax over the last axis (over keys, for each query).

    Mask conventions differ between PyTorch functions. Here, as in
    `F.scaled_dot_product_attention(attn_mask=...)`, a boolean True means "may attend".
    `nn.MultiheadAttention(attn_mask=..., key_padding_mask=...)` uses the OPPOSITE boolean
    convention: True there means "may NOT attend" (the position is masked out). To get the same
    result from `nn.MultiheadAttention` you pass `attn_mask=~mask`.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def scaled_dot_product_attention(q, k, v, mask=None):
    """Scaled dot-product attention: softmax(q kᵀ / √d_k) v.

    Args:
        q: `(..., Lq, d_k)`; k: `(..., Lk, d_k)`; v: `(..., Lk, d_v)`. Leading dims broadcast.
            d_v may differ from d_k, and Lq may differ from Lk (cross-attention).
        mask: optional boolean tensor broadcastable to `(..., Lq, Lk)`; **True = may attend**
            (see `attention_weights` for how this differs from `nn.MultiheadAttention`).

    Returns:
        Tensor `(..., Lq, d_v)`: for each query, the average of the value vectors weighted by
        `attention_weights(q, k, mask)`. Equal to
        `F.scaled_dot_product_attention(q, k, v, attn_mask=mask)` (which you must not call here).
    """
    # YOUR CODE HERE
    raise NotImplementedError


def causal_mask(n, device=None):
    """The causal (autoregressive) mask for a sequence of length n.

    Returns:
        Boolean tensor `(n, n)` on `device`; entry `[i, j]` is True when j <= i: position i may
        attend to itself and to earlier positions, never to later ones. That is the lower
        triangle with the diagonal included. Example, n = 3:
            [[True, False, False],
             [True, True,  False],
             [True, True,  True ]]
    """
    # YOUR CODE HERE
    raise NotImplementedError


def sinusoidal_positional_encoding(n_positions, d_model):
    """The fixed sinusoidal positional encodings of "Attention Is All You Need" (Vaswani et al.).

    Args:
        n_positions: number of positions n (rows), positions 0, 1, ..., n - 1.
        d_model: width d of each encoding (columns); an even number (odd d_model is outside the
            contract and never tested).

    Returns:
        float32 tensor `(n, d)` with, for position `pos` and i = 0, 1, ..., d/2 - 1,
            PE[pos, 2i]     = sin(pos / 10000^(2i / d))
            PE[pos, 2i + 1] = cos(pos / 10000^(2i / d))
        Sines and cosines are INTERLEAVED (even columns sin, odd columns cos), and columns 2i and
        2i + 1 share the same frequency 10000^(-2i/d). Row 0 is therefore [0, 1, 0, 1, ...].
        Every value lies in [-1, 1]. Tip: compute 10000^(-2i/d) as exp(-(2i/d) * ln 10000).

    Precision: the tests compare with the formula evaluated in float64 at an absolute tolerance
    of 5e-5, for n up to 100. Any correct float32 computation meets that; far out (n = 2048,
    d = 512) float32 formulas written differently drift apart by about 2e-4, because the angle
    pos * 10000^(-2i/d) is rounded to float32 before the sine, and no test goes there.
    """
    # YOUR CODE HERE
    raise NotImplementedError


class MultiHeadAttention(nn.Module):
    """Multi-head attention with n_heads heads of width d_head = d_model // n_heads.

    Attributes (names are graded: the tests load weights into them):
        W_q, W_k, W_v, W_o: `nn.Linear(d_model, d_model)` each, with bias.
        n_heads, d_head: ints.

    Heads: after projecting, the last axis (d_model) is split into n_heads consecutive chunks of
    d_head: head h uses output features `h * d_head : (h + 1) * d_head` of W_q, W_k and W_v, and
    its result goes back into the same slice before W_o mixes the heads. So head h's contribution
    to the output passes only through the input columns `h * d_head : (h + 1) * d_head` of
    `W_o.weight`. Turn `(B, L, d_model)` into `(B, n_heads, L, d_head)` with `.view(B, L,
    n_heads, d_head)` FOLLOWED BY `.transpose(1, 2)`; viewing straight to `(B, n_heads, L,
    d_head)` scrambles positions and heads.

    This is the same computation as `nn.MultiheadAttention(d_model, n_heads, batch_first=True)`
    whose `in_proj_weight` is `cat([W_q.weight, W_k.weight, W_v.weight])`, `in_proj_bias` the
    same for the biases, and `out_proj` equal to W_o, called with `attn_mask=~mask` (see the
    mask conventions in `attention_weights`). You may fuse the three input projections into one
    matmul, as long as the results come from the four named Linear layers.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be divisible by n_heads"
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x, mask=None, context=None):
        """Self-attention over x, or cross-attention from x to `context`.

        Args:
            x: `(B, Lq, d_model)`; the queries come from x.
            mask: optional boolean, broadcastable to `(B, n_heads, Lq, Lk)`, True = may attend;
                e.g. `causal_mask(L)` of shape `(L, L)`, `(B, 1, 1, Lk)` to hide padding keys,
                or `(B, 1, Lq, Lk)` for one mask per example. Broadcasting aligns shapes from
                the right, so a 3-D mask `(B, Lq, Lk)` would line B up with the HEADS: it is
                outside the contract and never tested; add the head axis yourself.
            context: optional `(B, Lk, d_model)`. When given, keys and values come from it
                (cross-attention); when None they come from x (self-attention, Lk = Lq).

        Returns:
            `(B, Lq, d_model)`: `W_o(concat over heads of attention(q_h, k_h, v_h, mask))`.
        """
        # YOUR CODE HERE
        raise NotImplementedError


class LayerNorm(nn.Module):
    """Layer normalisation over the last axis, written from scratch.

        y = weight * (x - mean) / sqrt(var + eps) + bias

    mean and var are taken over the last axis (size d_model) of each vector separately, and var
    is the BIASED variance (divide by d_model, not d_model - 1), as in `nn.LayerNorm`. eps goes
    INSIDE the square root. Compute the variance as the mean of (x - mean)², not as
    E[x²] - E[x]²: the latter loses all precision in float32 when |mean| >> std.
    `x.var(dim=-1, unbiased=False)` (or `torch.var_mean`) is allowed.

    Tolerance: the tests compare with `nn.LayerNorm` at `assert_close`'s float32 default for
    inputs of mean a few units, but at an absolute 1e-3 for inputs offset by 1000 (std 1): there
    float32 holds x only to 6e-5, so two correct two-pass implementations differ from
    `nn.LayerNorm` by up to about 2e-4, while E[x²] - E[x]² is off by order 1.

    Attributes (names are graded): `weight` (`nn.Parameter`, shape `(d_model,)`, initialised to
    ones) and `bias` (`nn.Parameter`, `(d_model,)`, zeros); `eps` (float).
    Input and output: `(..., d_model)`.
    """

    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x):
        # YOUR CODE HERE
        raise NotImplementedError


class FeedForward(nn.Module):
    """The position-wise feed-forward network: Linear(d_model, d_ff) -> GELU -> Linear(d_ff, d_model).

    Attributes (names are graded): `fc1 = nn.Linear(d_model, d_ff)`, `fc2 = nn.Linear(d_ff, d_model)`,
    both with bias. GELU is the exact (erf) form, `F.gelu(x)` / `nn.GELU()` with default
    arguments, not the tanh approximation. Applied independently at every position:
    `(..., d_model) -> (..., d_model)`.
    """

    def __init__(self, d_model, d_ff):
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x):
        # YOUR CODE HERE
        raise NotImplementedError


class TransformerBlock(nn.Module):
    """A pre-LayerNorm transformer block (as in GPT-2 and nanoGPT):

        x = x + attn(ln1(x), mask)
        x = x + ff(ln2(x))

    Each sub-layer sees a normalised copy of its input and its result is ADDED to the residual
    stream; nothing normalises the stream itself (that would be post-LayerNorm, the original 2017
    layout: x = ln(x + sublayer(x))).

    Attributes (names are graded: the tests load weights by these names):
        ln1, ln2: `LayerNorm(d_model)`; attn: `MultiHeadAttention(d_model, n_heads)`;
        ff: `FeedForward(d_model, d_ff)`.

    forward(x, mask=None): x `(B, L, d_model)`, mask as in `MultiHeadAttention.forward`
    (e.g. `causal_mask(L)` for a decoder); returns `(B, L, d_model)`. No dropout.

    The block tests run your block with `ln1` and `ln2` replaced by an exact layer norm carrying
    the same weight and bias (`tests/probes/transformer.py`): they judge the wiring, the attention
    and the feed-forward, and your LayerNorm is judged by its own tests only. So reach the
    sub-layers through these attributes (`self.ln1(x)`, ...), as above.
    """

    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x, mask=None):
        # YOUR CODE HERE
        raise NotImplementedError
