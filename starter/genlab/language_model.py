"""Unit 06: language models and text generation.

From text to tokens to a trained generator: a character tokenizer and a byte-level BPE tokenizer
(GPT-2 / minbpe style), an add-k smoothed n-gram baseline, a small GPT (nanoGPT's shape) with a
key/value cache, the decoding rules (temperature, top-k, top-p, beam search), perplexity, and LoRA
adapters for fine-tuning.

Conventions used throughout:

- Token ids are Python ints (tokenizers, n-gram) or int64 tensors (models). Logits are float32,
  the vocabulary on the LAST axis. Logs are natural logs; losses and perplexities are in nats.
- A model given to `generate`, `beam_search` or `perplexity` is anything with an int attribute
  `block_size` and GPT's call signature `model(idx, targets=None, kv_cache=None, start_pos=0)
  -> (logits, loss, kv_cache)`: the tests also pass hand-built models (e.g. a bigram table).
- This unit does not import `genlab.transformer`: write attention here. `nn.LayerNorm`,
  `nn.Embedding`, `nn.Linear`, `nn.GELU`, `F.cross_entropy` and `torch.softmax` are allowed;
  `F.scaled_dot_product_attention` and `nn.MultiheadAttention` are not needed.
- Randomness: `generate` draws from `generator` when one is given, else from torch's global
  generator. No test depends on the order or the number of random draws you make; tests compare
  distributions, or outputs of your own code under the same generator.

Project 3 (graded): the judge seeds the initial weights of a GPT (d_model 64, 4 heads, 2 layers,
block 32) and sends them with the ids of the pydoc TRAIN split; your GPT loads them
(load_state_dict, the names below) and trains with your forward and loss for 400 Adam steps (lr
3e-3, the judge's batches of 32 random windows, the probe's loop), and the trained state_dict goes
back. The judge loads it into its own GPT and measures everything there, on the validation split,
which never reaches your code: the loss, its margin under the add-k bigram, its gap to the loss on
training windows, and the NLL of samples drawn with its own generate at temperature 0.7 / top-p 0.9
and at temperature 1.5. Your `generate` is graded in its own tests, on models the tests build.
"""
import math
from collections import Counter, defaultdict

import torch
import torch.nn.functional as F
from torch import nn


# ---- tokenizers ---------------------------------------------------------------------------------

class CharTokenizer:
    """One token per character: the vocabulary is the sorted set of the characters of `text`.

    `stoi` maps character -> id, `itos` id -> character; ids are 0 .. vocab_size - 1 in sorted
    (Unicode code point) order, so `CharTokenizer("hello").itos == ["e", "h", "l", "o"]`.
    `encode(s) -> list[int]`; a character not in the vocabulary raises `KeyError` whose message
    contains that character (`KeyError(ch)` does). `decode(ids) -> str` joins the characters;
    `decode(encode(s)) == s` for every string made of vocabulary characters, "" included.
    """

    def __init__(self, text):
        # YOUR CODE HERE
        raise NotImplementedError

    @property
    def vocab_size(self):
        # YOUR CODE HERE
        raise NotImplementedError

    def encode(self, text):
        # YOUR CODE HERE
        raise NotImplementedError

    def decode(self, ids):
        # YOUR CODE HERE
        raise NotImplementedError


def pair_counts(ids):
    """Counts of adjacent pairs in a list of ids, as a dict `(a, b) -> count` whose keys are in
    order of FIRST occurrence (a Python dict keeps insertion order). [1, 2, 1, 2] -> {(1, 2): 2, (2, 1): 1}."""
    # YOUR CODE HERE
    raise NotImplementedError


def merge_pair(ids, pair, new_id):
    """Replace every occurrence of `pair` in `ids` by `new_id`, scanning left to right without
    overlaps: merge_pair([1, 1, 1], (1, 1), 9) == [9, 1]. Returns a new list."""
    # YOUR CODE HERE
    raise NotImplementedError


class BPETokenizer:
    """Byte-level byte-pair encoding (GPT-2's idea, minbpe's BasicTokenizer: no regex pre-split).

    A fresh tokenizer knows only the 256 byte values (ids 0-255, `vocab[i] == bytes([i])`) and
    `merges == {}`.

    train(text, vocab_size): ids = list(text.encode("utf-8")); then, for new ids 256, 257, ...,
    up to vocab_size - 1: count the adjacent pairs of the current ids over the WHOLE text (one
    sequence), take the most frequent pair, record `merges[pair] = new_id` and
    `vocab[new_id] = vocab[a] + vocab[b]`, and replace the pair in the ids (`merge_pair`).
    Tie-break: among pairs of equal count, the pair whose first occurrence in the current ids
    comes first (what `max(pair_counts(ids), key=counts.get)` picks). Training stops early when
    no pair is left (fewer than 2 ids). vocab_size < 256 raises ValueError. Training again
    starts over from the 256 bytes.

    encode(text) -> list[int]: the UTF-8 bytes, then repeatedly merge the pair with the LOWEST
    merge id (the earliest learned) among the adjacent pairs present, until no adjacent pair is
    a known merge. encode("") == [].

    decode(ids) -> str: join `vocab[i]` and decode the bytes as UTF-8 with errors="replace":
    an id sequence that ends inside a multi-byte character (e.g. [0xE2]) gives "\ufffd" (the
    replacement character), never an exception. decode(encode(s)) == s for every str s.

    Attributes: `merges` (dict (a, b) -> id, in the order learned), `vocab` (dict id -> bytes),
    `vocab_size` (256 + len(merges)).
    """

    def __init__(self):
        # YOUR CODE HERE
        raise NotImplementedError

    @property
    def vocab_size(self):
        # YOUR CODE HERE
        raise NotImplementedError

    def train(self, text, vocab_size):
        # YOUR CODE HERE
        raise NotImplementedError

    def encode(self, text):
        # YOUR CODE HERE
        raise NotImplementedError

    def decode(self, ids):
        # YOUR CODE HERE
        raise NotImplementedError


# ---- the n-gram baseline ------------------------------------------------------------------------

class NGramModel:
    """An n-gram language model with add-k smoothing.

    The context of position t is the n - 1 tokens before it. At the start of a sequence the
    missing positions are padded with the id -1 (not a vocabulary token, never predicted): for
    n = 3 the first token is predicted from (-1, -1), the second from (-1, tokens[0]).

    fit(token_ids, vocab_size): count, for every position t of the sequence, the pair
    (context_t, token_t): c(ctx, w). c(ctx) = sum over w of c(ctx, w), the number of times ctx
    was a context. Returns self. Fitting again replaces the counts.

    prob(context, token) = (c(ctx, token) + k) / (c(ctx) + k * V), V = vocab_size, where ctx is
    the last n - 1 tokens of `context` (left-padded with -1 when shorter; ignored when n = 1).
    It sums to one over the V tokens for every context, seen or not (an unseen context gives 1/V).

    log_prob(tokens) = sum over t of log prob(tokens[:t], tokens[t]) (the padded contexts again),
    a float. perplexity(tokens) = exp(-log_prob(tokens) / len(tokens)).
    """

    def __init__(self, n, k=1.0):
        # YOUR CODE HERE
        raise NotImplementedError

    def _context(self, tokens):
        # YOUR CODE HERE
        raise NotImplementedError

    def fit(self, token_ids, vocab_size):
        # YOUR CODE HERE
        raise NotImplementedError

    def prob(self, context, token):
        # YOUR CODE HERE
        raise NotImplementedError

    def log_prob(self, tokens):
        # YOUR CODE HERE
        raise NotImplementedError

    def perplexity(self, tokens):
        # YOUR CODE HERE
        raise NotImplementedError


# ---- the GPT ------------------------------------------------------------------------------------

class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention with a key/value cache (nanoGPT's, plus the cache).

    Parameters (names and layout are graded: the tests load weights into them):
        qkv: nn.Linear(d_model, 3 * d_model), with bias. Its output features are
             [queries | keys | values], d_model each, in that order; within each, head h is the
             consecutive slice h * d_head : (h + 1) * d_head (d_head = d_model // n_heads).
        proj: nn.Linear(d_model, d_model), with bias, applied to the heads concatenated back in
             the same order.
    Attention inside a head: softmax(q kᵀ / sqrt(d_head)) v, query i attending to keys j <= i.

    forward(x, kv_cache=None) -> (y, new_cache). x: (B, T, d_model), y: same shape.
    `kv_cache` holds the keys and values of the positions BEFORE x (None: there are none); x's
    queries attend to those cached positions and to x's own positions up to themselves.
    `new_cache` holds the keys and values of the cached positions followed by x's, ready to be
    passed back with the next token. What a cache object contains and how it is laid out is
    yours: the tests only hand your own cache back to your own model.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x, kv_cache=None):
        # YOUR CODE HERE
        raise NotImplementedError


class Block(nn.Module):
    """A pre-LayerNorm transformer block: x + attn(ln1(x)), then x + mlp(ln2(x)).

    Parameters: ln1, ln2 = nn.LayerNorm(d_model) (default eps 1e-5); attn = CausalSelfAttention;
    mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))
    (exact GELU, not the tanh approximation). No dropout.
    forward(x, kv_cache=None) -> (x, new_cache), as CausalSelfAttention.
    """

    def __init__(self, d_model, n_heads):
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x, kv_cache=None):
        # YOUR CODE HERE
        raise NotImplementedError


class GPT(nn.Module):
    """A decoder-only transformer language model (nanoGPT's shape, without dropout).

    Parameters (names are graded: the tests copy weights in with load_state_dict):
        tok_emb = nn.Embedding(vocab_size, d_model); pos_emb = nn.Embedding(block_size, d_model)
        blocks = nn.ModuleList of n_layers `Block(d_model, n_heads)`
        ln_f = nn.LayerNorm(d_model); head = nn.Linear(d_model, vocab_size, bias=False), UNTIED
        (its own weight, not tok_emb's). Also store `self.block_size`.
    So `state_dict()` has exactly these keys (C = d_model, V = vocab_size), which the tests and
    the judge load, strictly, in both directions:
        tok_emb.weight (V, C)            pos_emb.weight (block_size, C)
        blocks.{i}.ln1.weight, .bias (C,)            blocks.{i}.ln2.weight, .bias (C,)
        blocks.{i}.attn.qkv.weight (3C, C), .bias (3C,)   [q | k | v] rows, see CausalSelfAttention
        blocks.{i}.attn.proj.weight (C, C), .bias (C,)
        blocks.{i}.mlp.0.weight (4C, C), .bias (4C,)  blocks.{i}.mlp.2.weight (C, 4C), .bias (C,)
        ln_f.weight, ln_f.bias (C,)      head.weight (V, C)
    One layout only: the projections are ONE fused qkv Linear (separate q, k, v layers are not
    loaded; split qkv's output, or its weight, inside forward as you like). Buffers (e.g. a
    registered causal mask) are yours and never read; no other trainable parameters (the project
    fails on one: the judge, which evaluates these weights in its own GPT, would not score your model).
    Initialisation is yours (the reference uses nanoGPT's N(0, 0.02) for Linear and Embedding
    weights, zero biases): every test, the project included, loads its weights into your model.

    forward(idx, targets=None, kv_cache=None, start_pos=0) -> (logits, loss, new_cache)
        idx: (B, T) int64 token ids at positions start_pos, ..., start_pos + T - 1;
            start_pos + T > block_size raises ValueError.
        x = tok_emb(idx) + pos_emb(positions) -> blocks -> ln_f -> head: logits (B, T, vocab_size),
            where logits[:, t] predicts the token that follows idx[:, t].
        targets: optional (B, T) int64, the next token of each position (the caller shifts:
            targets[:, t] = token at position t + 1). loss = F.cross_entropy over all B * T
            positions, averaged (a scalar); None when targets is None.
        kv_cache: None, or the `new_cache` your model returned for the positions 0 .. start_pos - 1
            (one entry per block, in your own layout). new_cache covers positions
            0 .. start_pos + T - 1. So feeding a prompt token by token, each call with the last
            cache and start_pos = the number of tokens already fed, gives the same logits as one
            call on the whole prompt.
    """

    def __init__(self, vocab_size, d_model, n_heads, n_layers, block_size):
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, idx, targets=None, kv_cache=None, start_pos=0):
        # YOUR CODE HERE
        raise NotImplementedError


# ---- decoding -----------------------------------------------------------------------------------

def apply_temperature(logits, t):
    """logits / t: t < 1 sharpens the softmax, t > 1 flattens it. t must be > 0 (ValueError
    otherwise; greedy decoding is `top_k_filter(logits, 1)`). Returns a new tensor, same shape."""
    # YOUR CODE HERE
    raise NotImplementedError


def top_k_filter(logits, k):
    """Keep the k largest logits along the last axis, set the others to -inf.

    Exactly Hugging Face's TopKLogitsWarper: keep where logits >= the k-th largest value, so every
    logit EQUAL to the k-th largest is kept too (ties can keep more than k). k >= the vocabulary
    size keeps everything. -inf logits stay -inf; when fewer than k logits are finite, the k-th
    largest is -inf and every finite logit is kept. k < 1 raises ValueError. Works on any leading
    shape (..., V); returns a new tensor. NaN logits are never tested.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def top_p_filter(logits, p, min_tokens_to_keep=1):
    """Nucleus filtering along the last axis: Hugging Face's TopPLogitsWarper.

    The rule: with probs = softmax(logits) over the row, a token is kept when the total
    probability of the tokens MORE likely than it is < p. So the smallest set of most likely
    tokens whose total reaches p is kept, the token that crosses p included. The
    `min_tokens_to_keep` most likely tokens are always kept. The others become -inf; kept logits
    are unchanged (not renormalised). Hugging Face computes the same rule from the other end,
    which is how the reference does it: sort ascending (least likely first), cumulative sum of
    the probabilities, remove where it is <= 1 - p. Both ways are accepted.

    p = 0.6 over probabilities 0.4, 0.25, 0.2, 0.1, 0.05: keep 0.4 (nothing above it) and 0.25
    (0.4 above it, < 0.6), remove 0.2 (0.65 above it). p = 1 keeps every token of nonzero
    probability; a p close to 0 keeps only the most likely token (and min_tokens_to_keep).
    0 < p <= 1 and min_tokens_to_keep >= 1, else ValueError; min_tokens_to_keep larger than the
    vocabulary keeps everything.

    Where floating point or ties decide, the tests accept either outcome: (a) among tokens of
    exactly equal probability at the boundary, which ones are kept (their NUMBER is fixed by the
    rule); (b) a boundary token whose cumulative probability is within 1e-5 of p (float32 sums
    round either way); (c) a token whose float32 probability is exactly 0 (a -inf logit, or one
    about 104 below the row's maximum) may be kept or set to -inf (Hugging Face removes it at
    p = 1); it is never drawn either way. A row of only -inf is never tested. Any leading shape
    (..., V); returns a new tensor.
    """
    # YOUR CODE HERE
    raise NotImplementedError


@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None, top_p=None, use_cache=True,
             generator=None):
    """Sample max_new_tokens tokens autoregressively; returns (B, T0 + max_new_tokens) int64,
    `idx` (B, T0) followed by the new tokens.

    Each new token: take the logits of the last position, apply_temperature, then top_k_filter
    (when top_k is not None), then top_p_filter (when top_p is not None), softmax, and draw one
    token per row with torch.multinomial(probs, 1, generator=generator).

    The model always sees the last min(length, block_size) tokens at positions 0, 1, ...:
    without the cache, each step runs the model on that window. With use_cache=True, the first
    step runs the prompt (its last block_size tokens) and keeps the cache; each later step feeds
    only the newest token with the cache and start_pos = the number of tokens already in it.
    Once the window is full (the next position would be block_size), the cache cannot grow: run
    the model without the cache on the last block_size tokens, as without the cache. Both ways
    give the same distribution at every step, so under the same generator (seeded alike) they
    return the same tokens. Runs under torch.no_grad(); the model's mode is not changed.
    """
    # YOUR CODE HERE
    raise NotImplementedError


@torch.no_grad()
def beam_search(model, idx, beam_width, max_new_tokens, length_penalty=1.0):
    """The most probable continuation of ONE prompt found by beam search; no sampling.

    idx: (1, T0). Keep `beam_width` hypotheses. At each step, extend every hypothesis by every
    token, score each extension by the SUM of the log-probabilities (log_softmax of the model's
    logits, temperature 1, the model seeing the last block_size tokens) of its new tokens, and
    keep the beam_width best (all of them while there are fewer). After max_new_tokens steps return the best hypothesis,
    (1, T0 + max_new_tokens) int64. All hypotheses have the same length (there is no end token),
    so the length normalisation score / max_new_tokens ** length_penalty changes no ranking; it
    is kept for the interface. beam_width = 1 is greedy decoding (argmax at every step); a
    beam_width of V ** (max_new_tokens - 1) or more is an exhaustive search. Ties between equal
    scores may be broken either way (the tests avoid them).
    """
    # YOUR CODE HERE
    raise NotImplementedError


@torch.no_grad()
def perplexity(model, token_ids, block_size):
    """exp(mean negative log-likelihood) of a 1-D int64 sequence of N >= 2 tokens under `model`.

    Non-overlapping windows: window w feeds token_ids[w*block_size : (w+1)*block_size] to the
    model at positions 0, 1, ... and scores its predictions of token_ids[w*block_size + 1 :
    (w+1)*block_size + 1]; the last window may be shorter. Every token from the second to the
    last is predicted exactly once (N - 1 predictions in all); the first is never predicted.
    Returns a float. block_size <= model.block_size.
    """
    # YOUR CODE HERE
    raise NotImplementedError


# ---- LoRA ---------------------------------------------------------------------------------------

class LoRALinear(nn.Module):
    """A low-rank adapter around a frozen nn.Linear (Hu et al., 2021).

        y = base(x) + (alpha / r) * x Aᵀ Bᵀ

    Attributes: `base` (the given layer, its weight and bias frozen: requires_grad False),
    `A` = nn.Parameter (r, in_features) initialised like an nn.Linear weight
    (nn.init.kaiming_uniform_(A, a=math.sqrt(5)), i.e. uniform in ±1/sqrt(in_features)),
    `B` = nn.Parameter (out_features, r) initialised to ZERO, so the adapted layer equals the
    base at initialisation; `scale` = alpha / r (a float), `r`, `alpha`. Only A and B are
    trainable (`parameters()` may list base's frozen ones too; they get no gradient).
    x: (..., in_features) -> (..., out_features).

    merged() -> a new nn.Linear(in_features, out_features) whose weight is
    base.weight + scale * B @ A (and bias base.bias, when the base has one): the same function
    with no extra cost at inference. The base layer is not modified.
    """

    def __init__(self, base, r, alpha):
        super().__init__()
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x):
        # YOUR CODE HERE
        raise NotImplementedError

    def merged(self):
        # YOUR CODE HERE
        raise NotImplementedError
