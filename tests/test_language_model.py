"""Public tests for unit 06, genlab.language_model: run `pytest tests/test_language_model.py`.

Worked examples and closed forms for each piece: tokenizers, the n-gram model, the GPT and its
cache, the decoding filters, generation, beam search, perplexity and LoRA. The hidden suite checks
the same behaviours on fresh inputs, against the reference and Hugging Face's logits processors.
The probes these tests name are in tests/probes/language_model.py.
"""
import math

import torch
import torch.nn.functional as F

from autograder.testing import expect_close

CONFIG = dict(vocab_size=11, d_model=16, n_heads=2, n_layers=2, block_size=12)


def random_gpt_state(vocab_size, d_model, n_heads, n_layers, block_size):
    """Random weights under the documented names (std 0.3: far from any initialisation)."""
    def rnd(*shape):
        return 0.3 * torch.randn(*shape)
    d = d_model
    state = {"tok_emb.weight": rnd(vocab_size, d), "pos_emb.weight": rnd(block_size, d),
             "ln_f.weight": 1 + rnd(d), "ln_f.bias": rnd(d), "head.weight": rnd(vocab_size, d)}
    for i in range(n_layers):
        p = f"blocks.{i}."
        state.update({p + "ln1.weight": 1 + rnd(d), p + "ln1.bias": rnd(d),
                      p + "attn.qkv.weight": rnd(3 * d, d), p + "attn.qkv.bias": rnd(3 * d),
                      p + "attn.proj.weight": rnd(d, d), p + "attn.proj.bias": rnd(d),
                      p + "ln2.weight": 1 + rnd(d), p + "ln2.bias": rnd(d),
                      p + "mlp.0.weight": rnd(4 * d, d), p + "mlp.0.bias": rnd(4 * d),
                      p + "mlp.2.weight": rnd(d, 4 * d), p + "mlp.2.bias": rnd(d)})
    return state


def gpt_logits_by_hand(state, idx, n_heads, n_layers):
    """The documented GPT written out in plain torch: what your forward must compute."""
    B, T = idx.shape
    x = state["tok_emb.weight"][idx] + state["pos_emb.weight"][:T]
    C = x.size(-1)
    d_head = C // n_heads
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    for i in range(n_layers):
        p = f"blocks.{i}."
        h = F.layer_norm(x, (C,), state[p + "ln1.weight"], state[p + "ln1.bias"])
        q, k, v = F.linear(h, state[p + "attn.qkv.weight"], state[p + "attn.qkv.bias"]).split(C, dim=-1)
        q, k, v = (t.view(B, T, n_heads, d_head).transpose(1, 2) for t in (q, k, v))   # (B, H, T, d_head)
        att = (q @ k.transpose(-2, -1) / math.sqrt(d_head)).masked_fill(~causal, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + F.linear(y, state[p + "attn.proj.weight"], state[p + "attn.proj.bias"])
        h = F.layer_norm(x, (C,), state[p + "ln2.weight"], state[p + "ln2.bias"])
        h = F.gelu(F.linear(h, state[p + "mlp.0.weight"], state[p + "mlp.0.bias"]))
        x = x + F.linear(h, state[p + "mlp.2.weight"], state[p + "mlp.2.bias"])
    return F.layer_norm(x, (C,), state["ln_f.weight"], state["ln_f.bias"]) @ state["head.weight"].T


# ---- tokenizers ---------------------------------------------------------------------------------

def test_char_tokenizer_sorted_vocabulary_and_round_trip(worker):
    r = worker.probe("language_model.char_tokenizer", text="hello world", strings=["hello", "", "dew"], unknown="hex")
    assert r["vocab_size"] == 8, f"'hello world' has 8 distinct characters, got vocab_size {r['vocab_size']}"
    # sorted: ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'
    assert r["encoded"][0] == [3, 2, 4, 4, 5], f"ids follow the SORTED characters: got {r['encoded'][0]}"
    assert r["decoded"] == ["hello", "", "dew"], "decode(encode(s)) must give s back"
    assert r["error"] is not None and "x" in r["error"], "an unknown character raises KeyError naming it"


def test_bpe_merges_on_a_worked_example(worker):
    # "aaabdaaabac": (a, a) occurs 4 times -> 256; then (256, a) twice and (256, b) twice: the
    # tie goes to the pair seen first, (256, a) = 257; then (257, b) -> 258.
    r = worker.probe("language_model.bpe", text="aaabdaaabac", vocab_size=259, strings=["aaabdaaabac"])
    assert r["merges"] == [[97, 97, 256], [256, 97, 257], [257, 98, 258]], (
        f"got merges {r['merges']}: merge the MOST frequent pair, ties to the pair seen first")
    assert r["vocab_size"] == 259, f"vocab_size is 256 bytes + the merges: got {r['vocab_size']}"
    assert r["encoded"] == [[258, 100, 258, 97, 99]], f"encode applies the merges by rank: got {r['encoded']}"


def test_bpe_round_trips_unicode_and_replaces_partial_bytes(worker):
    strings = ["naïve café", "日本語のテキスト", "emoji 🎉🐍", "e\u0301", ""]
    r = worker.probe("language_model.bpe", text="the cat sat on the mat. 日本語 🎉", vocab_size=270,
                     strings=strings, ids=[0xE2, 0x82])
    assert r["decoded"] == strings, "decode(encode(s)) == s for every string (work on UTF-8 bytes)"
    assert r["decoded_ids"] == "\ufffd", (f"decoding an incomplete UTF-8 sequence gave {r['decoded_ids']!r}: "
                                          "use errors='replace'")


# ---- n-gram -------------------------------------------------------------------------------------

def test_ngram_add_k_bigram_by_hand(worker):
    # train [0, 1, 0, 2], V = 3, n = 2, k = 1. Contexts: (-1) -> 0, (0) -> 1, (1) -> 0, (0) -> 2.
    r = worker.probe("language_model.ngram", n=2, k=1.0, train=[0, 1, 0, 2], vocab_size=3,
                     contexts=[[0], [2], []], tokens=[0, 1])
    expected = torch.tensor([[1 / 5, 2 / 5, 2 / 5],     # after 0: c = (0, 1, 1), c(ctx) = 2
                             [1 / 3, 1 / 3, 1 / 3],     # after 2: never seen
                             [2 / 4, 1 / 4, 1 / 4]],    # start (padded with -1): c = (1, 0, 0)
                            dtype=torch.float64)
    expect_close(r["probs"], expected, hint="add-k: (c(ctx, w) + k) / (c(ctx) + k * V); the start is padded with -1")
    log_p = math.log(2 / 4) + math.log(2 / 5)
    assert abs(r["log_prob"] - log_p) < 1e-9, f"log_prob([0, 1]) should be {log_p:.6f}, got {r['log_prob']:.6f}"
    assert abs(r["perplexity"] - math.exp(-log_p / 2)) < 1e-9, "perplexity = exp(-log_prob / len(tokens))"


# ---- the GPT ------------------------------------------------------------------------------------

def test_gpt_parameter_count_and_loss_is_cross_entropy_of_its_logits(worker):
    idx, targets = torch.randint(0, 11, (3, 12)), torch.randint(0, 11, (3, 12))
    r = worker.probe("language_model.gpt_forward", config=CONFIG, state=random_gpt_state(**CONFIG), idx=idx, targets=targets)
    assert r["logits"].shape == (3, 12, 11), f"logits are (B, T, vocab_size), got {tuple(r['logits'].shape)}"
    d, V, L = 16, 11, 12
    per_block = 2 * 2 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d)
    expected = V * d + L * d + 2 * per_block + 2 * d + V * d
    assert r["n_params"] == expected, f"{r['n_params']} parameters, the documented GPT has {expected} (untied head without bias)"
    ce = F.cross_entropy(r["logits"].reshape(-1, 11), targets.reshape(-1))
    expect_close(r["loss"], ce, hint="loss = F.cross_entropy(logits over all B*T positions, targets), averaged")


def test_gpt_with_zero_blocks_is_embeddings_layernorm_head(worker):
    state = random_gpt_state(**CONFIG)
    for name in state:
        if name.startswith("blocks.") and ("proj" in name or "mlp.2" in name):
            state[name].zero_()          # every block now adds zero: its output is its input
    idx = torch.randint(0, 11, (2, 9))
    r = worker.probe("language_model.gpt_forward", config=CONFIG, state=state, idx=idx)
    x = state["tok_emb.weight"][idx] + state["pos_emb.weight"][:9]
    expected = F.layer_norm(x, (16,), state["ln_f.weight"], state["ln_f.bias"]) @ state["head.weight"].T
    expect_close(r["logits"], expected, hint="logits = head(ln_f(tok_emb(idx) + pos_emb(0..T-1) + blocks' residuals))")


def test_gpt_logits_equal_the_documented_computation(worker):
    state = random_gpt_state(**CONFIG)
    idx = torch.randint(0, 11, (2, 12))
    r = worker.probe("language_model.gpt_forward", config=CONFIG, state=state, idx=idx)
    expect_close(r["logits"], gpt_logits_by_hand(state, idx, 2, 2), atol=1e-4, rtol=1e-4, hint=(
        "pre-LN blocks; qkv output is [q | k | v] with head h the slice h*d_head:(h+1)*d_head; scores scaled by "
        "sqrt(d_head); causal mask; exact GELU; ln_f then head"))


def test_gpt_is_causal(worker):
    state = random_gpt_state(**CONFIG)
    idx = torch.randint(0, 11, (2, 10))
    changed = idx.clone()
    changed[:, 6:] = torch.randint(0, 11, (2, 4))
    a = worker.probe("language_model.gpt_forward", config=CONFIG, state=state, idx=idx)["logits"]
    b = worker.probe("language_model.gpt_forward", config=CONFIG, state=state, idx=changed)["logits"]
    expect_close(b[:, :6], a[:, :6], hint="changing tokens 6.. changed the logits of earlier positions: mask the future")


def test_gpt_cache_token_by_token_equals_full_forward(worker):
    idx = torch.randint(0, 11, (2, 12))
    r = worker.probe("language_model.gpt_cached_logits", config=CONFIG, state=random_gpt_state(**CONFIG), idx=idx)
    expect_close(r["cached"], r["full"], atol=1e-5, rtol=1e-4, hint=(
        "feeding the prompt one token at a time with the cache must give the full forward's logits: "
        "positions start at start_pos; the cache keeps keys AND values"))


# ---- decoding filters ---------------------------------------------------------------------------

def test_apply_temperature_divides(worker):
    logits = torch.tensor([[1.0, 2.0, -4.0]])
    expect_close(worker.call("language_model.apply_temperature", logits, 0.5), torch.tensor([[2.0, 4.0, -8.0]]),
                 hint="temperature divides the logits: logits / t")


def test_top_k_filter_keeps_ties(worker):
    logits = torch.tensor([[3.0, 1.0, 2.0, 2.0, 0.0]])
    out = worker.call("language_model.top_k_filter", logits, 2)
    inf = float("-inf")
    expect_close(out, torch.tensor([[3.0, inf, 2.0, 2.0, inf]]), hint="keep every logit >= the k-th largest (ties at the k-th value kept)")


def test_top_p_filter_keeps_the_token_that_crosses_p(worker):
    logits = torch.log(torch.tensor([[0.1, 0.5, 0.3, 0.1]]))
    out = worker.call("language_model.top_p_filter", logits, 0.7)
    # sorted 0.5, 0.3, ...: 0.5 < 0.7, so 0.3 (crossing 0.7) is kept; 0.8 >= 0.7, the rest go.
    assert torch.isinf(out[0, [0, 3]]).all() and torch.isfinite(out[0, [1, 2]]).all(), (
        f"got {out.tolist()}: keep the smallest set whose probability reaches p, the crossing token included")
    expect_close(out[0, [1, 2]], logits[0, [1, 2]], hint="kept logits are unchanged")
    kept = worker.call("language_model.top_p_filter", logits, 0.1, min_tokens_to_keep=3)
    assert torch.isfinite(kept).sum() == 3, "min_tokens_to_keep tokens are always kept"


# ---- generation, beam search, perplexity --------------------------------------------------------

def test_generate_with_and_without_cache_agree(worker):
    idx = torch.randint(0, 11, (2, 3))
    r = worker.probe("language_model.generate_both_ways", config=CONFIG, state=random_gpt_state(**CONFIG),
                     idx=idx, max_new_tokens=7, gen_seed=1234)
    assert r["cache_True"].shape == (2, 10), "generate returns the prompt followed by the new tokens"
    assert torch.equal(r["cache_True"][:, :3], idx), "the output starts with the prompt"
    assert torch.equal(r["cache_True"], r["cache_False"]), "with the same generator, the cache must not change the tokens"


def test_generate_with_top_k_one_is_greedy(worker):
    table = torch.tensor([[0.0, 5.0, 1.0], [0.0, 1.0, 5.0], [5.0, 1.0, 0.0]])   # 0 -> 1 -> 2 -> 0
    out = worker.probe("language_model.bigram_generate", table=table, idx=torch.zeros(4, 1, dtype=torch.long),
                       max_new_tokens=5, top_k=1)
    assert out.tolist() == [[0, 1, 2, 0, 1, 2]] * 4, f"top_k=1 must always pick the argmax: got {out.tolist()}"


def test_beam_search_beats_greedy_on_a_trap(worker):
    # From 0, greedy takes 1 (0.6) and then faces a uniform 1/3; 2 (0.4) is followed by 2 (0.9).
    probs = torch.tensor([[0.0, 0.6, 0.4], [1 / 3, 1 / 3, 1 / 3], [0.05, 0.05, 0.9]]).clamp_min(1e-9)
    table = probs.log()
    greedy = worker.probe("language_model.bigram_beam_search", table=table, idx=torch.zeros(1, 1, dtype=torch.long),
                          beam_width=1, max_new_tokens=2)
    beam = worker.probe("language_model.bigram_beam_search", table=table, idx=torch.zeros(1, 1, dtype=torch.long),
                        beam_width=2, max_new_tokens=2)
    assert greedy[0, :2].tolist() == [0, 1], f"beam_width=1 is greedy: first step 0 -> 1, got {greedy.tolist()}"
    assert beam.tolist() == [[0, 2, 2]], f"0 -> 2 -> 2 has probability 0.36 > 0.6 * 1/3: got {beam.tolist()}"


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size(worker):
    state = random_gpt_state(**CONFIG)
    state["head.weight"].zero_()     # every logit 0: a uniform model over 11 tokens
    ppl = worker.probe("language_model.gpt_perplexity", config=CONFIG, state=state,
                       token_ids=torch.randint(0, 11, (30,)), block_size=12)
    assert abs(ppl - 11) < 1e-3, f"a uniform model over 11 tokens has perplexity 11, got {ppl}"


# ---- LoRA ---------------------------------------------------------------------------------------

def test_lora_starts_at_the_base_and_scales_by_alpha_over_r(worker):
    weight, bias, x = torch.randn(5, 4), torch.randn(5), torch.randn(3, 4)
    r0 = worker.probe("language_model.lora", weight=weight, bias=bias, r=2, alpha=8.0, x=x)
    expect_close(r0["out"], r0["base_out"], hint="B starts at zero: the adapted layer equals the base at initialisation")
    A, B = torch.randn(2, 4), torch.randn(5, 2)
    r1 = worker.probe("language_model.lora", weight=weight, bias=bias, r=2, alpha=8.0, x=x, A=A, B=B)
    expect_close(r1["out"], x @ weight.T + bias + 4.0 * x @ A.T @ B.T, hint="y = base(x) + (alpha / r) x A^T B^T, alpha / r = 4")
    expect_close(r1["merged_out"], r1["out"], atol=1e-5, rtol=1e-4, hint="merged() weight = W + (alpha / r) B @ A")
    assert r1["grad_base"] == [False, False], "the base layer is frozen: no gradient reaches its weight or bias"
