"""Hidden tests for unit 05, genlab.transformer.

Every check is exact up to float32 rounding: the student's code runs in the worker on inputs drawn
here, and the judge compares with PyTorch's own operators (F.scaled_dot_product_attention,
nn.MultiheadAttention, nn.LayerNorm), with closed forms, or with the reference solution given the
same weights. No test is statistical, so none can fail a correct submission by chance.

Tolerances: torch.testing.assert_close's float32 default (rtol 1.3e-6, atol 1e-5) unless stated.
Where stated, the reason is summation order: two correct float32 implementations that add in a
different order differ by a few ulps of the largest intermediate, while the bugs these tests look
for change outputs by 1e-2 or more.
"""
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.reference import reference
from autograder.testing import expect_close

ref = reference("transformer")


# ---- helpers (judge side) -------------------------------------------------------------------

def random_mask(*shape):
    """A random boolean mask (True = may attend) in which every query row keeps at least one key."""
    mask = torch.rand(*shape) < 0.5
    keep = torch.randint(shape[-1], (*shape[:-1], 1))
    return mask.scatter(-1, keep, True)


def causal(n):
    return torch.tril(torch.ones(n, n, dtype=torch.bool))


def close(a, b, **tol):
    return isinstance(a, torch.Tensor) and a.shape == b.shape and torch.allclose(a, b, rtol=tol.get("rtol", 1e-4), atol=tol.get("atol", 1e-4))


def attention_hint(q, k, v, mask, got):
    """Name the common attention mistake that reproduces `got`, if one does."""
    d_k = q.shape[-1]
    raw = q @ k.transpose(-2, -1)

    def attend(scores, dim=-1, polarity=True, after=False):
        if mask is not None and not after:
            scores = scores.masked_fill(~mask if polarity else mask, float("-inf"))
        w = torch.softmax(scores, dim=dim)
        if mask is not None and after:
            w = w.masked_fill(~mask, 0.0)
        return w @ v

    candidates = {
        "the scores are not scaled; divide q k^T by sqrt(d_k)": attend(raw),
        "the scores are divided by d_k; divide by sqrt(d_k)": attend(raw / d_k),
        "the softmax runs over the queries (dim=-2); it must run over the keys (dim=-1)":
            attend(raw / math.sqrt(d_k), dim=-2),
    }
    if mask is not None:
        candidates["the mask polarity is reversed: True means 'may attend', so fill where the mask is False "
                   "(nn.MultiheadAttention uses the opposite convention)"] = attend(raw / math.sqrt(d_k), polarity=False)
        candidates["the mask is applied after the softmax; set masked scores to -inf BEFORE the softmax so "
                   "each row still sums to one"] = attend(raw / math.sqrt(d_k), after=True)
    for hint, wrong in candidates.items():
        if close(got, wrong):
            return f"Likely mistake: {hint}."
    return "Check the formula softmax(q k^T / sqrt(d_k)) v against the docstring."


def mha_and_weights(d_model, n_heads):
    """An nn.MultiheadAttention with non-zero biases, and the same weights as our state dict."""
    torch_mha = nn.MultiheadAttention(d_model, n_heads, batch_first=True).eval()
    with torch.no_grad():  # PyTorch initialises the biases at zero, which would hide bias mistakes
        torch_mha.in_proj_bias.normal_(std=0.2)
        torch_mha.out_proj.bias.normal_(std=0.2)
    W, b = torch_mha.in_proj_weight.detach(), torch_mha.in_proj_bias.detach()
    Wq, Wk, Wv = W.chunk(3)
    bq, bk, bv = b.chunk(3)
    state = {"W_q.weight": Wq, "W_q.bias": bq, "W_k.weight": Wk, "W_k.bias": bk,
             "W_v.weight": Wv, "W_v.bias": bv,
             "W_o.weight": torch_mha.out_proj.weight.detach(), "W_o.bias": torch_mha.out_proj.bias.detach()}
    return torch_mha, {name: t.clone() for name, t in state.items()}


MHA_HINT = ("Likely mistakes: heads split with .view(B, n_heads, L, d_head) instead of .view(B, L, n_heads, "
            "d_head).transpose(1, 2) (or merged back without the transpose); the scores scaled by sqrt(d_model) "
            "instead of sqrt(d_head); W_o not applied; keys and values not taken from `context`. If the "
            "scaled_dot_product_attention tests fail too, fix those first.")


def reference_block(d_model, n_heads, d_ff):
    """The reference block with random weights, LayerNorm affine included (its init is 1 and 0)."""
    block = ref.TransformerBlock(d_model, n_heads, d_ff)
    with torch.no_grad():
        for ln in (block.ln1, block.ln2):
            ln.weight.copy_(1.0 + 0.3 * torch.randn(d_model))
            ln.bias.copy_(0.3 * torch.randn(d_model))
    return block, {name: t.detach().clone() for name, t in block.state_dict().items()}


BLOCK_NOTE = ("(The block tests run your block with ln1 and ln2 replaced by an exact layer norm carrying the same "
              "weights, so a LayerNorm bug shows only in the LayerNorm tests.)")


def wrong_piece(worker, block, state, x, mask):
    """The student's own attention and feed-forward, each run on the input the reference block
    gives it: a sentence naming the one that differs from the reference's, or "" if neither does."""
    d_model, n_heads, d_ff = x.shape[-1], block.attn.n_heads, block.ff.fc1.out_features
    with torch.no_grad():
        h1 = block.ln1(x)
        a = block.attn(h1, mask=mask)
        h2 = block.ln2(x + a)
        pieces = worker.probe("transformer.block_pieces", d_model=d_model, n_heads=n_heads, d_ff=d_ff, state_dict=state,
                              attn_input=h1, ff_input=h2, mask=mask)
        if not close(pieces["attn"], a, rtol=1e-4, atol=1e-5):
            return ("Likely cause: your MultiHeadAttention (block.attn), not the block: on the block's own normalised "
                    "input it differs from the reference attention with the same weights. Fix the multi-head "
                    f"attention tests first. {BLOCK_NOTE}")
        if not close(pieces["ff"], block.ff(h2), rtol=1e-4, atol=1e-5):
            return ("Likely cause: your FeedForward (block.ff), not the block: it differs from fc2(gelu(fc1(x))) with "
                    f"the same weights. Fix the feed-forward test first. {BLOCK_NOTE}")
    return ""


def block_hint(worker, block, state, x, mask, got):
    """Name the piece of the block that is wrong (wrong_piece), else the block-layout mistake that
    reproduces `got`, if one does."""
    piece = wrong_piece(worker, block, state, x, mask)
    if piece:
        return piece
    with torch.no_grad():
        h1 = block.ln1(x)
        a = block.attn(h1, mask=mask)
        post = block.ln1(x + block.attn(x, mask=mask))
        candidates = {
            "post-LayerNorm (x = ln(x + sublayer(x))); this block is pre-LayerNorm: x = x + sublayer(ln(x))":
                block.ln2(post + block.ff(post)),
            "the attention residual is missing (x = attn(ln1(x)) instead of x = x + attn(ln1(x)))":
                (lambda h: h + block.ff(block.ln2(h)))(a),
            "the feed-forward residual is missing (x = ff(ln2(x)) instead of x = x + ff(ln2(x)))":
                block.ff(block.ln2(x + a)),
            "ln1 and ln2 are swapped": (lambda h: h + block.ff(block.ln1(h)))(x + block.attn(block.ln2(x), mask=mask)),
            "the mask is not passed to the attention": (lambda h: h + block.ff(block.ln2(h)))(x + block.attn(h1)),
        }
    for hint, wrong in candidates.items():
        if mask is None and hint.startswith("the mask"):
            continue
        if close(got, wrong):
            return f"Likely mistake: {hint}. Your attention and feed-forward are right on their own. {BLOCK_NOTE}"
    return ("Your attention and feed-forward are right on their own, so the wiring is wrong: "
            f"x = x + attn(ln1(x), mask); x = x + ff(ln2(x)). {BLOCK_NOTE}")


def expect_block_close(worker, block, state, x, mask, got, expected):
    """The block's output against the reference block's: two residual sub-layers of float32
    matmuls, 1e-5 absolute and 1e-4 relative. The hint, worked out only on a failure, names the
    piece that is wrong."""
    ok = close(got, expected, rtol=1e-4, atol=1e-5)
    expect_close(got, expected, rtol=1e-4, atol=1e-5,
                 hint="x = x + attn(ln1(x), mask); x = x + ff(ln2(x))" if ok else block_hint(worker, block, state, x, mask, got))


# ---- scaled dot-product attention -------------------------------------------------------------

def test_attention_matches_torch_with_extra_leading_dims(worker):
    q, k, v = torch.randn(2, 3, 4, 6, 8), torch.randn(2, 3, 4, 6, 8), torch.randn(2, 3, 4, 6, 8)
    out = worker.call("transformer.scaled_dot_product_attention", q, k, v)
    expect_close(out, F.scaled_dot_product_attention(q, k, v), hint=(
        f"batched over (2, 3, 4) leading dims. {attention_hint(q, k, v, None, out)}"))


@pytest.mark.parametrize("mask_shape", [(6, 6), (2, 1, 6, 6), (2, 1, 1, 6), (1, 6)],
                         ids=["LqxLk", "per-example", "key-padding", "one-row"])
def test_attention_matches_torch_with_broadcast_boolean_mask(worker, mask_shape):
    q, k, v = torch.randn(2, 3, 6, 8), torch.randn(2, 3, 6, 8), torch.randn(2, 3, 6, 8)
    mask = random_mask(*mask_shape)
    out = worker.call("transformer.scaled_dot_product_attention", q, k, v, mask=mask)
    expect_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), hint=(
        f"boolean mask of shape {mask_shape} broadcast against scores (2, 3, 6, 6), True = may attend. "
        f"{attention_hint(q, k, v, mask, out)}"))


def test_attention_with_different_lengths_and_value_width(worker):
    # Lq = 3 != Lk = 9 (cross-attention) and d_v = 5 != d_k = 8.
    q, k, v = torch.randn(4, 3, 8), torch.randn(4, 9, 8), torch.randn(4, 9, 5)
    mask = random_mask(4, 3, 9)
    out = worker.call("transformer.scaled_dot_product_attention", q, k, v, mask=mask)
    assert out.shape == (4, 3, 5), f"expected (B, Lq, d_v) = (4, 3, 5), got {tuple(out.shape)}"
    expect_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), hint=attention_hint(q, k, v, mask, out))


def test_attention_weights_are_masked_probabilities(worker):
    q, k = torch.randn(3, 5, 16), torch.randn(3, 7, 16)
    mask = random_mask(3, 5, 7)
    w = worker.call("transformer.attention_weights", q, k, mask=mask)
    assert w.shape == (3, 5, 7), f"expected (B, Lq, Lk) = (3, 5, 7), got {tuple(w.shape)}"
    assert (w >= 0).all(), "attention weights are probabilities: none may be negative"
    expect_close(w.sum(-1), torch.ones(3, 5), hint=(
        "each query's weights must sum to one over the keys: softmax over dim=-1, with the mask applied "
        "to the scores BEFORE the softmax (zeroing weights after it breaks the sum)"))
    assert w[~mask].abs().max() < 1e-6, "keys where the mask is False must get (numerically) zero weight"
    expected = torch.softmax((q @ k.transpose(-2, -1) / math.sqrt(16)).masked_fill(~mask, float("-inf")), dim=-1)
    expect_close(w, expected, hint="softmax over the keys of q k^T / sqrt(d_k), masked scores at -inf before it")


def test_attention_gradients_match_torch(worker):
    q, k, v = torch.randn(2, 5, 8), torch.randn(2, 7, 8), torch.randn(2, 7, 4)
    mask = random_mask(2, 5, 7)
    grad_out = torch.randn(2, 5, 4)
    r = worker.probe("transformer.attention_grads", q=q, k=k, v=v, mask=mask, grad_out=grad_out)
    qt, kt, vt = (t.clone().requires_grad_() for t in (q, k, v))
    F.scaled_dot_product_attention(qt, kt, vt, attn_mask=mask).backward(grad_out)
    for name, got, want in (("q", r["dq"], qt.grad), ("k", r["dk"], kt.grad), ("v", r["dv"], vt.grad)):
        assert got is not None, f"no gradient reached {name}: is something detached (.detach(), .data, no_grad)?"
        # Backward sums over up to 7 keys in a different order than PyTorch's kernel: 1e-5 absolute.
        expect_close(got, want, rtol=1e-4, atol=1e-5, hint=(
            f"the gradient with respect to {name} differs from F.scaled_dot_product_attention's. "
            f"{attention_hint(q, k, v, mask, r['out'])}"))


def test_causal_attention_ignores_future_positions(worker):
    L, t = 8, int(torch.randint(1, 7, ()))
    q, k, v = torch.randn(2, L, 8), torch.randn(2, L, 8), torch.randn(2, L, 8)
    q2, k2, v2 = q.clone(), k.clone(), v.clone()
    for x in (q2, k2, v2):
        x[:, t + 1:] = 10 * torch.randn(2, L - t - 1, 8)  # change every token after position t
    out = worker.call("transformer.scaled_dot_product_attention", q, k, v, mask=causal(L))
    out2 = worker.call("transformer.scaled_dot_product_attention", q2, k2, v2, mask=causal(L))
    expect_close(out2[:, :t + 1], out[:, :t + 1], hint=(
        f"changing tokens after position {t} changed outputs at positions <= {t}: with the causal mask a "
        "position must not see later ones (True = may attend; fill the scores where the mask is False)"))


# ---- causal mask ------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 7, 33])
def test_causal_mask_is_lower_triangle_with_diagonal(worker, n):
    mask = worker.call("transformer.causal_mask", n, device="cpu")
    assert mask.dtype == torch.bool, f"the mask must be boolean (True = may attend), got {mask.dtype}"
    expected = causal(n)
    assert mask.shape == (n, n), f"expected ({n}, {n}), got {tuple(mask.shape)}"
    eye = torch.eye(n, dtype=torch.bool)
    assert torch.equal(mask, expected), (
        "mask[i, j] must be True exactly when j <= i (the diagonal included: a position sees itself). "
        + ("Yours lets positions see the FUTURE (upper triangle)." if mask[0, -1] else
           "Your diagonal is False." if torch.equal(mask, expected & ~eye) else ""))


# ---- positional encoding ----------------------------------------------------------------------

def closed_form_pe(pos, col, d, base=10000):
    angle = pos / base ** (2 * (col // 2) / d)
    return math.sin(angle) if col % 2 == 0 else math.cos(angle)


@pytest.mark.parametrize("n,d", [(100, 32), (40, 6)])
def test_positional_encoding_matches_closed_form(worker, n, d):
    pe = worker.call("transformer.sinusoidal_positional_encoding", n, d)
    assert pe.shape == (n, d), f"expected (n_positions, d_model) = ({n}, {d}), got {tuple(pe.shape)}"
    assert pe.dtype == torch.float32, f"expected float32, got {pe.dtype}"
    pos, col = torch.randint(n, (24,)).tolist(), torch.randint(d, (24,)).tolist()
    pos[:2], col[:2] = [n - 1, n - 1], [d - 2, d - 1]  # always check the slowest frequency far out
    got = torch.tensor([pe[p, c].item() for p, c in zip(pos, col)], dtype=torch.float64)
    want = torch.tensor([closed_form_pe(p, c, d) for p, c in zip(pos, col)], dtype=torch.float64)
    base_1000 = torch.tensor([closed_form_pe(p, c, d, base=1000) for p, c in zip(pos, col)], dtype=torch.float64)
    half = d // 2
    concatenated = torch.tensor([math.sin(p / 10000 ** (2 * c / d)) if c < half
                                 else math.cos(p / 10000 ** (2 * (c - half) / d)) for p, c in zip(pos, col)],
                                dtype=torch.float64)
    hint = ("the frequency base is 1000; it is 10000" if close(got, base_1000, atol=1e-4) else
            "sines and cosines are concatenated; interleave them: even columns sin, odd columns cos"
            if close(got, concatenated, atol=1e-4) else
            "PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d))")
    # float32 angles up to n - 1 = 99 rad carry ~1e-5 of rounding: 5e-5 absolute.
    expect_close(got, want, rtol=0, atol=5e-5, hint=(
        f"(position, column) pairs {list(zip(pos, col))[:6]}...: {hint}"))


def test_positional_encoding_interleaves_sin_and_cos_of_one_frequency(worker):
    pe = worker.call("transformer.sinusoidal_positional_encoding", 64, 16)
    expect_close(pe[0], torch.tensor([0.0, 1.0] * 8), hint=(
        "row 0 is sin(0), cos(0), sin(0), cos(0), ... = 0, 1, 0, 1, ...: even columns sin, odd columns cos"))
    # Columns 2i and 2i + 1 are the sin and cos of the SAME angle, so sin^2 + cos^2 = 1.
    expect_close(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, torch.ones(64, 8), hint=(
        "column pairs (2i, 2i+1) must be sin and cos of one angle pos / 10000^(2i/d)"))


def test_positional_encoding_bounded_with_distinct_rows(worker):
    pe = worker.call("transformer.sinusoidal_positional_encoding", 256, 16)
    assert pe.abs().max() <= 1.0, f"values must lie in [-1, 1], found {pe.abs().max().item()}"
    distance = torch.cdist(pe.double(), pe.double()) + 10 * torch.eye(256, dtype=torch.float64)
    # The reference's closest pair of rows (n=256, d=16) is about 0.1 apart; equal rows are 0 apart.
    assert distance.min() > 1e-2, (
        f"two positions get (nearly) the same encoding (distance {distance.min().item():.2e}): "
        "check the frequencies 10000^(-2i/d)")


# ---- multi-head attention ---------------------------------------------------------------------

def test_mha_self_attention_matches_torch(worker):
    torch_mha, state = mha_and_weights(32, 4)
    x = torch.randn(3, 7, 32)
    out = worker.probe("transformer.mha_forward", d_model=32, n_heads=4, x=x, state_dict=state)
    with torch.no_grad():
        expected, _ = torch_mha(x, x, x, need_weights=False)
    # Two float32 matmul chains of width 32 in a different order: 1e-5 absolute, 1e-4 relative.
    expect_close(out, expected, rtol=1e-4, atol=1e-5, hint=MHA_HINT)


def test_mha_causal_self_attention_matches_torch(worker):
    torch_mha, state = mha_and_weights(32, 4)
    x, mask = torch.randn(3, 7, 32), causal(7)
    out = worker.probe("transformer.mha_forward", d_model=32, n_heads=4, x=x, mask=mask, state_dict=state)
    with torch.no_grad():  # nn.MultiheadAttention's boolean attn_mask: True = may NOT attend
        expected, _ = torch_mha(x, x, x, attn_mask=~mask, need_weights=False)
    expect_close(out, expected, rtol=1e-4, atol=1e-5, hint=(
        f"with mask = causal_mask(7). {MHA_HINT}"))


def test_mha_cross_attention_matches_torch(worker):
    torch_mha, state = mha_and_weights(24, 3)
    x, context = torch.randn(2, 5, 24), torch.randn(2, 11, 24)
    keep = random_mask(2, 1, 1, 11)  # hide some context positions (key padding), True = may attend
    out = worker.probe("transformer.mha_forward", d_model=24, n_heads=3, x=x, context=context, mask=keep,
                       state_dict=state)
    with torch.no_grad():
        expected, _ = torch_mha(x, context, context, key_padding_mask=~keep[:, 0, 0], need_weights=False)
    assert out.shape == (2, 5, 24), f"cross-attention returns one row per query: (2, 5, 24), got {tuple(out.shape)}"
    expect_close(out, expected, rtol=1e-4, atol=1e-5, hint=(
        f"cross-attention: queries from x, keys and values from context. {MHA_HINT}"))


def test_mha_heads_are_independent(worker):
    d_model, n_heads = 16, 4
    d_head = d_model // n_heads
    _, state = mha_and_weights(d_model, n_heads)
    x = torch.randn(2, 6, d_model)
    full = worker.probe("transformer.mha_forward", d_model=d_model, n_heads=n_heads, x=x, state_dict=state)
    q = F.linear(x, state["W_q.weight"], state["W_q.bias"])
    k = F.linear(x, state["W_k.weight"], state["W_k.bias"])
    v = F.linear(x, state["W_v.weight"], state["W_v.bias"])
    for h in range(n_heads):
        s = slice(h * d_head, (h + 1) * d_head)
        # Head h alone, computed on its own slice of the projections, then through its columns of W_o.
        contribution = F.scaled_dot_product_attention(q[..., s], k[..., s], v[..., s]) @ state["W_o.weight"][:, s].T
        without_h = dict(state)
        without_h["W_o.weight"] = state["W_o.weight"].clone()
        without_h["W_o.weight"][:, s] = 0
        out = worker.probe("transformer.mha_forward", d_model=d_model, n_heads=n_heads, x=x, state_dict=without_h)
        expect_close(full - out, contribution, rtol=1e-4, atol=1e-5, hint=(
            f"zeroing columns {s.start}:{s.stop} of W_o.weight should remove exactly head {h}'s contribution. "
            "Head h must use features h*d_head:(h+1)*d_head of q, k, v and write back to the same slice; "
            "split with .view(B, L, n_heads, d_head).transpose(1, 2)"))


# ---- layer norm -------------------------------------------------------------------------------

def layer_norm_state(d):
    return {"weight": 1.0 + 0.3 * torch.randn(d), "bias": 0.3 * torch.randn(d)}


def test_layer_norm_matches_torch_with_affine(worker):
    state = layer_norm_state(16)
    x = 0.5 + 2.0 * torch.randn(3, 5, 16)
    y = worker.probe("transformer.layer_norm_forward", d_model=16, x=x, state_dict=state)
    expected = F.layer_norm(x, (16,), state["weight"], state["bias"], eps=1e-5)
    expect_close(y, expected, hint="y = weight * (x - mean) / sqrt(var + eps) + bias")


def test_layer_norm_uses_biased_variance(worker):
    x = torch.randn(8, 4)  # d = 4: dividing by d - 1 = 3 instead of 4 changes the output by ~13%
    y = worker.probe("transformer.layer_norm_forward", d_model=4, x=x)
    expected = F.layer_norm(x, (4,), eps=1e-5)
    unbiased = (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, keepdim=True, unbiased=True) + 1e-5)
    expect_close(y, expected, hint=(
        ("Likely mistake: the unbiased variance (divide by d - 1); LayerNorm divides by d "
         "(x.var(-1, unbiased=False))." if close(y, unbiased) else "")))


def test_layer_norm_eps_inside_square_root(worker):
    # Spread 1e-3: var = 1e-6 is smaller than eps = 1e-5, so where eps goes decides the output.
    x = 1e-3 * torch.randn(6, 16)
    y = worker.probe("transformer.layer_norm_forward", d_model=16, x=x)
    expect_close(y, F.layer_norm(x, (16,), eps=1e-5), hint=(
        "divide by sqrt(var + eps), not sqrt(var) + eps, and use eps = 1e-5 by default"))
    x = torch.randn(6, 16)
    y = worker.probe("transformer.layer_norm_forward", d_model=16, x=x, eps=0.5)
    expect_close(y, F.layer_norm(x, (16,), eps=0.5), hint=(
        "LayerNorm(d_model, eps=0.5) must use the eps it was given"))


def test_layer_norm_stable_at_large_offset(worker):
    x = 1000.0 + torch.randn(32, 16)
    y = worker.probe("transformer.layer_norm_forward", d_model=16, x=x)
    # float32 spacing at 1000 is 6e-5, so correct implementations differ by up to ~2e-4 here;
    # var = E[x^2] - E[x]^2 loses everything (errors of order 1): atol 1e-3.
    expect_close(y, F.layer_norm(x, (16,), eps=1e-5), rtol=0, atol=1e-3, hint=(
        "with |mean| >> std, compute the variance as the mean of (x - mean)^2, not E[x^2] - E[x]^2 "
        "(catastrophic cancellation in float32)"))


def test_layer_norm_gradients_match_torch(worker):
    state = layer_norm_state(12)
    x, grad_out = torch.randn(4, 6, 12), torch.randn(4, 6, 12)
    r = worker.probe("transformer.layer_norm_grads", d_model=12, x=x, grad_out=grad_out, state_dict=state)
    xt = x.clone().requires_grad_()
    w, b = state["weight"].clone().requires_grad_(), state["bias"].clone().requires_grad_()
    F.layer_norm(xt, (12,), w, b, eps=1e-5).backward(grad_out)
    for name, got, want in (("x", r["dx"], xt.grad), ("weight", r["dweight"], w.grad), ("bias", r["dbias"], b.grad)):
        assert got is not None, f"no gradient reached LayerNorm's {name}: are weight and bias nn.Parameters?"
        # Sums over 24 positions for weight and bias: 1e-4 relative, 1e-5 absolute.
        expect_close(got, want, rtol=1e-4, atol=1e-5, hint=f"d(output)/d({name}) differs from F.layer_norm's")


# ---- feed-forward and block ---------------------------------------------------------------------

def test_feed_forward_matches_reference_at_every_position(worker):
    ff = ref.FeedForward(12, 48)
    state = {name: t.detach().clone() for name, t in ff.state_dict().items()}
    x = torch.randn(2, 3, 5, 12)  # extra leading dims: the network acts on the last axis only
    y = worker.probe("transformer.feed_forward_forward", d_model=12, d_ff=48, x=x, state_dict=state)
    with torch.no_grad():
        expected = ff(x)
    tanh = F.linear(F.gelu(F.linear(x, state["fc1.weight"], state["fc1.bias"]), approximate="tanh"),
                    state["fc2.weight"], state["fc2.bias"])
    expect_close(y, expected, hint=(
        ("Likely mistake: the tanh approximation of GELU; use the exact F.gelu(x). " if close(y, tanh, atol=1e-5) else
         "FeedForward is fc2(gelu(fc1(x))). ")))


@pytest.mark.parametrize("masked", [True, False], ids=["causal", "no-mask"])
def test_block_matches_reference_given_copied_weights(worker, masked):
    block, state = reference_block(32, 4, 64)
    x = torch.randn(3, 9, 32)
    mask = causal(9) if masked else None
    out = worker.probe("transformer.block_forward", d_model=32, n_heads=4, d_ff=64, x=x, mask=mask, state_dict=state)
    with torch.no_grad():
        expected = block(x, mask=mask)
    expect_block_close(worker, block, state, x, mask, out, expected)


def test_block_is_causal_under_causal_mask(worker):
    block, state = reference_block(16, 2, 32)
    L, t = 10, int(torch.randint(1, 9, ()))
    x = torch.randn(2, L, 16)
    x2 = x.clone()
    x2[:, t + 1:] = 3 * torch.randn(2, L - t - 1, 16)
    kwargs = dict(d_model=16, n_heads=2, d_ff=32, mask=causal(L), state_dict=state)
    out = worker.probe("transformer.block_forward", x=x, **kwargs)
    out2 = worker.probe("transformer.block_forward", x=x2, **kwargs)
    piece = "" if close(out2[:, :t + 1], out[:, :t + 1], rtol=1.3e-6, atol=1e-5) else wrong_piece(worker, block, state, x, causal(L))
    expect_close(out2[:, :t + 1], out[:, :t + 1], hint=piece or (
        f"changing tokens after position {t} changed the block's outputs at positions <= {t}: pass the mask "
        "through to the attention, and let nothing else mix positions"))


def test_block_is_permutation_equivariant_without_mask(worker):
    block, state = reference_block(16, 4, 32)
    x, perm = torch.randn(2, 8, 16), torch.randperm(8)
    kwargs = dict(d_model=16, n_heads=4, d_ff=32, state_dict=state)
    out = worker.probe("transformer.block_forward", x=x, **kwargs)
    out_perm = worker.probe("transformer.block_forward", x=x[:, perm], **kwargs)
    piece = "" if close(out_perm, out[:, perm], rtol=1e-4, atol=1e-5) else wrong_piece(worker, block, state, x, None)
    expect_close(out_perm, out[:, perm], rtol=1e-4, atol=1e-5, hint=piece or (
        "without a mask or positional encoding, permuting the input positions must permute the outputs the "
        "same way. Something in your block depends on position or mixes heads and positions"))


def test_block_gradients_reach_every_parameter(worker):
    block, state = reference_block(16, 4, 32)
    x, grad_out, mask = torch.randn(2, 6, 16), torch.randn(2, 6, 16), causal(6)
    r = worker.probe("transformer.block_grads", d_model=16, n_heads=4, d_ff=32, x=x, grad_out=grad_out,
                     mask=mask, state_dict=state)
    missing = sorted(name for name, g in r["grads"].items() if g is None)
    assert not missing, f"no gradient reached {missing}: is a sub-module unused, or its output detached?"
    xt = x.clone().requires_grad_()
    out = block(xt, mask=mask)
    out.backward(grad_out)
    expect_block_close(worker, block, state, x, mask, r["out"], out.detach())   # a wrong forward: say why first
    expected = {name: p.grad for name, p in block.named_parameters()}
    expected["x"], got = xt.grad, dict(r["grads"], x=r["dx"])
    pieces = {"ln1": "ln1 (an exact layer norm here)", "ln2": "ln2 (an exact layer norm here)",
              "attn": "your MultiHeadAttention", "ff": "your FeedForward", "x": "the input"}
    for name, want in expected.items():
        # Weight gradients sum over 12 positions of float32 products: 1e-4 relative, 1e-5 absolute.
        expect_close(got[name], want, rtol=1e-4, atol=1e-5, hint=(
            f"the gradient of {name} ({pieces[name.split('.')[0]]}) differs from the reference block's with the same "
            "weights, though the forward pass agrees: is something detached or computed under no_grad?"))
