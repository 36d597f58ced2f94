"""Hidden suite for unit 06 (genlab.language_model). Runs in the judge; student code only through `worker`.

Inputs are drawn fresh each grading run (the judge's seed). Exact checks compare with the reference
(`ref`) on the same inputs, or with Hugging Face's logits processors; statistical checks state
their calibration and false-failure rate.
"""
import math
import random

import torch
import torch.nn.functional as F

from autograder.judging import assert_learned, init_similarity, load_weights
from autograder.reference import reference
from autograder.testing import expect_close

ref = reference("language_model")
data = reference("data")


def gpt_config(vocab_size=None, block_size=None):
    V = vocab_size or int(torch.randint(5, 40, ()))
    n_heads = int(torch.randint(1, 4, ()))
    return dict(vocab_size=V, d_model=8 * n_heads * int(torch.randint(1, 3, ())), n_heads=n_heads,
                n_layers=int(torch.randint(1, 4, ())), block_size=block_size or int(torch.randint(8, 24, ())))


def random_state(config):
    """A reference GPT's state dict, pushed far from initialisation (std-0.3 weights, random LN)."""
    model = ref.GPT(**config)
    state = model.state_dict()
    for name, value in state.items():
        value.copy_((1.0 if name.endswith("ln1.weight") or name.endswith("ln2.weight") or name == "ln_f.weight" else 0.0)
                    + 0.3 * torch.randn_like(value))
    return state


def reference_model(config, state):
    model = ref.GPT(**config)
    model.load_state_dict(state)
    return model.eval()


def random_text(n):
    """Fresh random Unicode: ASCII, Latin accents, combining marks, CJK, emoji, whitespace."""
    pools = ["abcdefghijklmnopqrstuvwxyz ", "éèüñçøß", "\u0301\u0308\u0327", "日本語中文한국어", "🎉🐍🚀👩‍💻", "\n\t"]
    weights = [60, 10, 5, 10, 10, 5]
    return "".join(random.choice(random.choices(pools, weights)[0]) for _ in range(n))


def seed_python_random():
    random.seed(int(torch.randint(0, 2**31, ())))


# ---- tokenizers ---------------------------------------------------------------------------------

def test_char_tokenizer_round_trips_random_unicode_and_names_unknown_characters(worker):
    seed_python_random()
    text = random_text(300)
    strings = [random_text(int(torch.randint(0, 40, ()))) for _ in range(6)] + [""]
    strings = ["".join(ch for ch in s if ch in text) for s in strings]
    r = worker.probe("language_model.char_tokenizer", text=text, strings=strings, unknown="\u2603")
    tok = ref.CharTokenizer(text)
    assert r["vocab_size"] == tok.vocab_size, f"vocab_size {r['vocab_size']}, expected {tok.vocab_size} distinct characters"
    assert r["encoded"] == [tok.encode(s) for s in strings], "ids are positions in the SORTED set of characters"
    assert r["decoded"] == strings, "decode(encode(s)) must return s"
    assert r["error"] is not None and "\u2603" in r["error"], f"unknown '\u2603' must raise KeyError naming it, got {r['error']}"


BPE_CORPUS = ("the quick brown fox jumps over the lazy dog. the dog sleeps; the fox runs.\n"
              "naïve café, crème brûlée. 日本語のテキストと日本語の文字。 emoji: 🎉🎉🐍🐍🐍\n") * 3


def test_bpe_merges_and_vocab_size_equal_reference_on_a_fixed_corpus(worker):
    vocab_size = 256 + int(torch.randint(20, 60, ()))
    r = worker.probe("language_model.bpe", text=BPE_CORPUS, vocab_size=vocab_size, strings=[])
    tok = ref.BPETokenizer().train(BPE_CORPUS, vocab_size)
    expected = [[a, b, i] for (a, b), i in tok.merges.items()]
    first_bad = next((i for i, (m, e) in enumerate(zip(r["merges"], expected)) if m != e), None)
    assert r["merges"] == expected, (
        f"merge {first_bad}: got {r['merges'][first_bad] if first_bad is not None and first_bad < len(r['merges']) else None}, "
        f"expected {expected[first_bad] if first_bad is not None else None} (new ids 256, 257, ...; the MOST frequent "
        "pair over the whole text; ties to the pair whose first occurrence comes first)")
    assert r["vocab_size"] == vocab_size, f"vocab_size is 256 + len(merges) = {vocab_size}, got {r['vocab_size']}"


def test_bpe_encodes_like_the_reference_and_round_trips_random_unicode(worker):
    seed_python_random()
    strings = [random_text(int(torch.randint(0, 60, ()))) for _ in range(8)] + ["", "the fox 🐍", "e\u0301\u0308"]
    r = worker.probe("language_model.bpe", text=BPE_CORPUS, vocab_size=300, strings=strings)
    tok = ref.BPETokenizer().train(BPE_CORPUS, 300)
    assert r["decoded"] == strings, "decode(encode(s)) == s for every Unicode string (UTF-8 bytes in, bytes out)"
    assert r["encoded"] == [tok.encode(s) for s in strings], "encode applies merges lowest id first, until none applies"


def test_bpe_decodes_partial_utf8_with_replacement(worker):
    ids = [int(b) for b in "🎉".encode("utf-8")[: int(torch.randint(1, 4, ()))]]
    r = worker.probe("language_model.bpe", text="ab", vocab_size=257, strings=[], ids=[104, 105] + ids)
    assert r["decoded_ids"] == "hi\ufffd", f"got {r['decoded_ids']!r}: decode bytes with errors='replace'"


def test_bpe_helpers_count_pairs_in_first_seen_order_and_merge_without_overlap(worker):
    r = worker.probe("language_model.merge_pair_and_counts", ids=[5, 1, 1, 1, 2, 1, 1], pair=[1, 1], new_id=300)
    assert r["merged"] == [5, 300, 1, 2, 300], f"got {r['merged']}: scan left to right, no overlapping merges"
    assert r["pairs"] == [[5, 1, 1], [1, 1, 3], [1, 2, 1], [2, 1, 1]], f"got {r['pairs']}: counts keyed in first-seen order"


# ---- n-gram -------------------------------------------------------------------------------------

def test_ngram_probabilities_sum_to_one_for_seen_and_unseen_contexts(worker):
    V, n = int(torch.randint(3, 8, ())), int(torch.randint(1, 4, ()))
    k = float(torch.rand(()) * 2 + 0.05)
    train = torch.randint(0, V, (60,)).tolist()
    contexts = [train[:i] for i in range(min(n + 1, 4))] + [torch.randint(0, V, (n,)).tolist() for _ in range(6)]
    r = worker.probe("language_model.ngram", n=n, k=k, train=train, vocab_size=V, contexts=contexts, tokens=train[:10])
    expect_close(r["probs"].sum(1), torch.ones(len(contexts), dtype=torch.float64), hint=(
        "add-k: (c(ctx, w) + k) / (c(ctx) + k * V) sums to one over the V tokens: k * V, not k * (V - 1)"))


def test_ngram_add_k_equals_a_hand_computed_trigram_table(worker):
    # train [0, 1, 1, 0, 1], V = 2, n = 3, k = 0.5. Padded contexts: (-1,-1)->0, (-1,0)->1,
    # (0,1)->1, (1,1)->0, (1,0)->1.
    r = worker.probe("language_model.ngram", n=3, k=0.5, train=[0, 1, 1, 0, 1], vocab_size=2,
                     contexts=[[], [0], [7, 0, 1], [1, 1], [0, 0]], tokens=[0, 1, 1])
    expected = torch.tensor([[1.5 / 2, 0.5 / 2], [0.5 / 2, 1.5 / 2], [0.5 / 2, 1.5 / 2], [1.5 / 2, 0.5 / 2], [0.5, 0.5]],
                            dtype=torch.float64)
    expect_close(r["probs"], expected, hint="contexts are the last n-1 tokens, left-padded with -1 at the start")
    log_p = math.log(0.75) + math.log(0.75) + math.log(0.75)
    assert abs(r["log_prob"] - log_p) < 1e-9, f"log_prob([0, 1, 1]) = {log_p:.6f} (padded contexts), got {r['log_prob']}"


def test_ngram_perplexity_is_exp_of_the_mean_nll_and_equals_reference(worker):
    V, n = 6, int(torch.randint(1, 4, ()))
    train, tokens = torch.randint(0, V, (200,)).tolist(), torch.randint(0, V, (40,)).tolist()
    r = worker.probe("language_model.ngram", n=n, k=0.3, train=train, vocab_size=V, contexts=[], tokens=tokens)
    model = ref.NGramModel(n, k=0.3).fit(train, V)
    assert abs(r["log_prob"] - model.log_prob(tokens)) < 1e-8, "log_prob sums log prob(tokens[:t], tokens[t]) over t"
    assert abs(r["perplexity"] - math.exp(-r["log_prob"] / len(tokens))) < 1e-8, "perplexity = exp(-log_prob / len(tokens))"


# ---- the GPT ------------------------------------------------------------------------------------

def test_gpt_logits_and_loss_equal_reference_with_copied_weights(worker):
    config = gpt_config()
    state = random_state(config)
    B, T = 3, config["block_size"]
    idx, targets = torch.randint(0, config["vocab_size"], (B, T)), torch.randint(0, config["vocab_size"], (B, T))
    r = worker.probe("language_model.gpt_forward", config=config, state=state, idx=idx, targets=targets)
    with torch.no_grad():
        logits, loss, _ = reference_model(config, state)(idx, targets)
    expect_close(r["logits"], logits, atol=1e-4, rtol=1e-4, hint=(
        "pre-LN blocks x + attn(ln1(x)), x + mlp(ln2(x)); qkv output is [q | k | v], head h the slice h*d_head:(h+1)*d_head; "
        "scale by sqrt(d_head); exact GELU; final ln_f then head"))
    expect_close(r["loss"], loss, atol=1e-4, rtol=1e-4, hint="loss = cross-entropy over all B*T positions, averaged")


def test_gpt_is_causal(worker):
    config = gpt_config()
    state, T = random_state(config), config["block_size"]
    cut = int(torch.randint(1, T - 1, ()))
    idx = torch.randint(0, config["vocab_size"], (2, T))
    changed = idx.clone()
    changed[:, cut:] = torch.randint(0, config["vocab_size"], (2, T - cut))
    r = worker.probe("language_model.gpt_causality", config=config, state=state, idx=idx, changed=changed)
    expect_close(r["b"][:, :cut], r["a"][:, :cut], atol=1e-5, rtol=1e-5,
                 hint=f"changing tokens {cut}.. changed earlier logits: query i may attend only to keys j <= i")


def test_gpt_cache_token_by_token_equals_the_full_forward(worker):
    config = gpt_config()
    idx = torch.randint(0, config["vocab_size"], (2, config["block_size"]))
    r = worker.probe("language_model.gpt_cached_logits", config=config, state=random_state(config), idx=idx)
    expect_close(r["cached"], r["full"], atol=1e-4, rtol=1e-4, hint=(
        "with the cache, positions run from start_pos (not 0), and the cache must keep keys AND values"))


def test_gpt_cache_in_chunks_equals_the_full_forward(worker):
    config = gpt_config(block_size=20)
    idx = torch.randint(0, config["vocab_size"], (3, 20))
    r = worker.probe("language_model.gpt_cached_logits", config=config, state=random_state(config), idx=idx, chunk=7)
    expect_close(r["cached"], r["full"], atol=1e-4, rtol=1e-4, hint=(
        "several new tokens at once with a cache: query i of the chunk attends to every cached key and to the "
        "chunk's keys up to itself"))


# ---- decoding filters ---------------------------------------------------------------------------

def test_apply_temperature_equals_division(worker):
    logits, t = 3 * torch.randn(4, 17), float(0.2 + 2 * torch.rand(()))
    expect_close(worker.call("language_model.apply_temperature", logits, t), logits / t,
                 hint="temperature divides the logits (t < 1 sharpens); multiplying inverts it")


def top_k_problem(logits, k, out):
    """What is wrong with `out` as top_k_filter(logits, k), or None: Hugging Face's
    TopKLogitsWarper exactly (the docstring leaves nothing open)."""
    from transformers.generation.logits_process import TopKLogitsWarper
    expected = TopKLogitsWarper(top_k=k)(None, logits.clone())
    if not isinstance(out, torch.Tensor) or out.shape != logits.shape:
        return f"returned {type(out).__name__} {tuple(getattr(out, 'shape', ()))}, expected a tensor of shape {tuple(logits.shape)}"
    if not torch.equal(torch.isinf(out) & (out < 0), torch.isinf(expected)):
        return (f"top-k with k={k} on {logits.tolist()} kept {torch.isfinite(out).sum(-1).tolist()} tokens per row, Hugging "
                f"Face keeps {torch.isfinite(expected).sum(-1).tolist()}: keep every logit >= the k-th largest (ties "
                "kept); k >= V keeps all; with fewer than k finite logits every finite one is kept")
    finite = torch.isfinite(expected)
    if not torch.equal(out[finite], logits[finite]):
        return "kept logits must be unchanged (no renormalisation, no temperature)"
    return None


def top_p_problem(logits, p, keep, out, tol=1e-5):
    """What is wrong with `out` as top_p_filter(logits, p, keep), or None. Hugging Face's
    TopPLogitsWarper, with the choices the docstring leaves open accepted: which of several tokens
    of equal probability are kept, a boundary token whose probability above it is within `tol` of
    p (float32 sums round either way), and tokens of zero float32 probability kept or removed."""
    from transformers.generation.logits_process import TopPLogitsWarper
    expected = TopPLogitsWarper(top_p=p, min_tokens_to_keep=keep)(None, logits.clone())
    if not isinstance(out, torch.Tensor) or out.shape != logits.shape:
        return f"returned {type(out).__name__} {tuple(getattr(out, 'shape', ()))}, expected a tensor of shape {tuple(logits.shape)}"
    kept = torch.isfinite(out)
    if not torch.equal(out[kept], logits[kept]):
        return "kept logits must be unchanged (not renormalised)"
    if not (out[~kept] == float("-inf")).all():
        return "removed tokens must become -inf (not NaN, +inf or a large negative number)"
    live = torch.softmax(logits, dim=-1) > 0                      # zero float32 probability: either way
    for row in range(logits.size(0)):
        x, on = logits[row], live[row]
        got, hf = int((kept[row] & on).sum()), int((torch.isfinite(expected[row]) & on).sum())
        if got != hf and not nucleus_size(x[on], p - tol, keep) <= got <= nucleus_size(x[on], p + tol, keep):
            probs = sorted(torch.softmax(x, -1).tolist(), reverse=True)
            return (f"top-p {p:.8g} (min_tokens_to_keep={keep}) on probabilities {[round(q, 6) for q in probs]} kept "
                    f"{got} tokens of nonzero probability, Hugging Face keeps {hf}: a token is kept when the tokens "
                    "more likely than it total < p (the one crossing p is kept), and at least min_tokens_to_keep")
        inside, outside = x[kept[row] & on], x[~kept[row] & on]
        if len(inside) and len(outside) and inside.min() < outside.max():
            return f"top-p kept a logit {inside.min().item():.4g} while removing a larger one {outside.max().item():.4g}"
    return None


def nucleus_size(x, p, keep):
    """How many tokens the rule keeps, in float64: tokens whose more likely tokens total < p, at
    least min(keep, V)."""
    probs = torch.softmax(x.double(), -1).sort(descending=True).values
    above = probs.cumsum(0) - probs
    return max(int((above < p).sum()), min(keep, len(x)))


def test_top_k_filter_equals_huggingface_and_keeps_ties(worker):
    logits = torch.randn(6, 30).round(decimals=0)      # rounding makes ties at the k-th value likely
    k = int(torch.randint(1, 12, ()))
    problem = top_k_problem(logits, k, worker.call("language_model.top_k_filter", logits, k))
    assert problem is None, problem


def test_top_k_filter_with_k_at_least_the_vocabulary_keeps_everything(worker):
    logits = torch.randn(2, 9)
    expect_close(worker.call("language_model.top_k_filter", logits, 9 + int(torch.randint(0, 5, ()))), logits,
                 hint="k >= the vocabulary size keeps every logit")


def test_top_k_filter_keeps_every_finite_logit_when_fewer_than_k_are_finite(worker):
    logits = torch.randn(3, 10)
    logits[torch.rand(3, 10) < 0.6] = float("-inf")
    logits[:, 0] = torch.randn(3)                       # at least one finite logit per row
    k = int(torch.isfinite(logits).sum(1).max()) + 1
    problem = top_k_problem(logits, k, worker.call("language_model.top_k_filter", logits, k))
    assert problem is None, problem


def test_top_p_filter_equals_huggingface(worker):
    logits = 2 * torch.randn(8, 25)
    p, keep = float(0.2 + 0.75 * torch.rand(())), int(torch.randint(1, 4, ()))
    problem = top_p_problem(logits, p, keep, worker.call("language_model.top_p_filter", logits, p, min_tokens_to_keep=keep))
    assert problem is None, problem


def test_top_p_filter_keeps_the_boundary_token_and_min_tokens(worker):
    probs = torch.tensor([0.05, 0.4, 0.25, 0.2, 0.1])
    perm = torch.randperm(5)
    logits = probs[perm].log()[None]
    out = worker.call("language_model.top_p_filter", logits, 0.6)
    kept = sorted(probs[perm][torch.isfinite(out[0])].tolist(), reverse=True)
    assert kept == [0.4000000059604645, 0.25], f"p = 0.6 over 0.4, 0.25, ...: keep 0.4 and the crossing 0.25, kept {kept}"
    out = worker.call("language_model.top_p_filter", logits, 0.3, min_tokens_to_keep=4)
    assert int(torch.isfinite(out).sum()) == 4, "min_tokens_to_keep=4 keeps the 4 most likely tokens"


def test_top_p_filter_with_p_near_zero_keeps_the_most_likely_and_min_tokens(worker):
    logits = 3 * torch.randn(4, 12)
    p = float(10 ** -(2 + 6 * torch.rand(())))          # 1e-8 .. 1e-2: below every token's probability here
    logits[:, 0] = logits.max(1).values + 4             # the most likely token: probability > 0.8
    for keep in (1, 3, 15):
        out = worker.call("language_model.top_p_filter", logits, p, min_tokens_to_keep=keep)
        problem = top_p_problem(logits, p, keep, out)
        assert problem is None, f"p = {p:.2e}, min_tokens_to_keep = {keep} (15 > V keeps all): {problem}"


def test_top_p_filter_with_p_near_one_removes_only_the_negligible_tail(worker):
    logits = torch.randn(4, 12)
    logits[:, 8:] = logits.max(1, keepdim=True).values - 14 - torch.rand(4, 4)   # each about 1e-6 of the mass
    p = 1 - 1e-4                                        # the tail's total (< 1e-5) is under 1 - p: it goes
    problem = top_p_problem(logits, p, 1, worker.call("language_model.top_p_filter", logits, p))
    assert problem is None, problem


def test_top_p_filter_at_p_one_keeps_every_token_of_nonzero_probability(worker):
    logits = torch.randn(4, 10)
    logits[:, 6:8] = float("-inf")                      # zero probability: kept or removed, -inf either way
    logits[:, 8] = -300.0                               # float32 probability 0 too
    problem = top_p_problem(logits, 1.0, 1, worker.call("language_model.top_p_filter", logits, 1.0))
    assert problem is None, problem


def test_top_p_filter_ties_at_the_boundary_keep_the_number_the_rule_gives(worker):
    # probabilities 0.5 and four times 0.125: p = 0.7 keeps 0.5 and then two of the tied 0.125
    # (0.5 + 0.125 = 0.625 < 0.7 above the second); which two is yours.
    probs = torch.tensor([0.5, 0.125, 0.125, 0.125, 0.125])
    perm = torch.randperm(5)
    logits = probs[perm].log()[None]
    out = worker.call("language_model.top_p_filter", logits, 0.7)
    problem = top_p_problem(logits, 0.7, 1, out)
    assert problem is None, problem
    assert int(torch.isfinite(out).sum()) == 3, f"kept {int(torch.isfinite(out).sum())} tokens, the rule keeps 3"


def random_filter_logits(rows, V):
    """Small logits of one of the kinds where the filters' edge cases live."""
    kind = int(torch.randint(0, 6, ()))
    x = torch.randn(rows, V) * float(torch.tensor([0.1, 1.0, 3.0, 10.0])[torch.randint(0, 4, ())])
    if kind == 1:                                       # integers: ties
        x = x.round()
    elif kind == 2:                                     # dyadic probabilities: exact sums, ties
        x = torch.tensor([0.5, 0.25, 0.125, 0.0625])[torch.randint(0, 4, (rows, V))].log()
    elif kind == 3:                                     # -inf logits (never a whole row)
        x[torch.rand(rows, V) < 0.4] = float("-inf")
        x[:, 0] = torch.randn(rows)
    elif kind == 4:                                     # zero float32 probability
        x[torch.rand(rows, V) < 0.4] = -200.0
        x[:, 0] = torch.randn(rows)
    elif kind == 5:                                     # all equal
        x = x[:, :1].expand(rows, V).clone()
    return x


def test_top_k_and_top_p_agree_with_huggingface_on_random_small_inputs(worker):
    """A property sweep: 300 random small cases of each filter (V from 1 to 12; ties, -inf,
    zero-probability tokens, k beyond V; p anywhere in (0, 1], near 0, near 1 and exactly 1;
    min_tokens_to_keep beyond V), each against Hugging Face with the docstring's open choices."""
    cases = []
    for i in range(600):
        V, rows = int(torch.randint(1, 13, ())), int(torch.randint(1, 5, ()))
        x = random_filter_logits(rows, V)
        if i % 2 == 0:
            cases.append({"logits": x, "k": int(torch.randint(1, V + 4, ()))})
        else:
            u = float(torch.rand(()))
            p = [max(u, 1e-6), 1.0, 1 - 10 ** -(1 + 7 * u), 10 ** -(1 + 7 * u), 0.25 * int(1 + 3 * u)][int(torch.randint(0, 5, ()))]
            cases.append({"logits": x, "p": p, "keep": int(torch.randint(1, V + 3, ()))})
    outs = worker.probe("language_model.filter_sweep", cases=cases)
    for case, out in zip(cases, outs):
        problem = (top_k_problem(case["logits"], case["k"], out) if "k" in case
                   else top_p_problem(case["logits"], case["p"], case["keep"], out))
        assert problem is None, problem


# ---- generation ---------------------------------------------------------------------------------

def test_generate_with_and_without_cache_give_the_same_tokens_past_the_block(worker):
    config = gpt_config(block_size=10)
    state = random_state(config)
    idx = torch.randint(0, config["vocab_size"], (3, 4))
    r = worker.probe("language_model.generate_both_ways", config=config, state=state, idx=idx, max_new_tokens=12,
                     gen_seed=int(torch.randint(0, 2**31, ())), temperature=1.3, top_k=config["vocab_size"] - 1, top_p=0.95)
    assert r["cache_True"].shape == (3, 16) and torch.equal(r["cache_True"][:, :4], idx), "returns the prompt, then the new tokens"
    assert torch.equal(r["cache_True"], r["cache_False"]), (
        "with the same generator the cache must not change any token, also after the window is full (block_size 10): "
        "the model always sees the last block_size tokens at positions 0, 1, ...")


def test_generate_greedy_equals_the_reference_on_a_gpt(worker):
    config = gpt_config(block_size=12)
    state = random_state(config)
    idx = torch.randint(0, config["vocab_size"], (2, 3))
    r = worker.probe("language_model.generate_both_ways", config=config, state=state, idx=idx, max_new_tokens=14,
                     gen_seed=0, top_k=1)
    expected = ref.generate(reference_model(config, state), idx, 14, top_k=1)
    assert torch.equal(r["cache_True"], expected), "top_k=1 is greedy: argmax of the last position's logits at every step"


SAMPLING = dict(temperature=0.8, top_k=9, top_p=0.95)
SAMPLES = 20_000
Z_BOUND = 5.0
# Pearson's chi-square of the counts over the K kept tokens follows chi2(K - 1) for independent
# draws; these are its 1e-6 quantiles (scipy.stats.chi2.ppf(1e-6, K - 1)). Counts closer to the
# expected ones than that are not draws: e.g. a generate that hands out exactly n * p_i of each
# token (chi-square about 3e-4 here).
CHI2_FLOOR = {7: 0.03650, 8: 0.07852}


def filtered_probs(row):
    s = SAMPLING
    return torch.softmax(ref.top_p_filter(ref.top_k_filter(row / s["temperature"], s["top_k"]), s["top_p"]), -1)


def first_token_table():
    """A random bigram table (12 tokens; every row the same, the prompt is token 0) on which
    top-k removes 3 tokens and top-p one or two more: 7 or 8 tokens keep a probability, each at
    least 0.01 (200 expected draws or more, where the normal approximation of the z bound holds)."""
    while True:
        row = 1.2 * torch.randn(12)
        probs = filtered_probs(row)
        if int((probs > 0).sum()) in CHI2_FLOOR and probs[probs > 0].min() >= 0.01:
            return row.expand(12, 12).clone()


def sampling_statistics(counts, table):
    """Per-token z scores of the kept tokens, Pearson's chi-square, and the expected probabilities."""
    expected = filtered_probs(table[0])
    n = counts.sum()
    kept = expected > 0
    z = (counts / n - expected).abs() / (expected * (1 - expected) / n).clamp_min(1e-12).sqrt()
    chi2 = ((counts - n * expected)[kept] ** 2 / (n * expected[kept])).sum().item()
    return z[kept], chi2, expected


def test_generate_frequencies_match_the_filtered_distribution(worker):
    """The student's own draws (n = 20,000 rows, one new token each, on a hand-built bigram
    table) against softmax(top_p(top_k(logits / t))), t = 0.8, k = 9, p = 0.95.

    Every filtered-out token has frequency 0; per kept token |freq - p| / sqrt(p (1 - p) / n) < 5;
    and the counts must scatter like independent draws: Pearson's chi-square above its 1e-6
    quantile for K - 1 degrees of freedom (K = 7 or 8 kept tokens), which a generate that hands
    out exactly n * p_i of each token (chi-square ~3e-4) cannot reach. Calibration:
    calibration/language_model_sampling.py (reference, 300 seeds, language_model_sampling.txt):
    largest z per run median 1.69, max 4.44; chi-square min 0.60 (lower-tail probability 3.6e-3);
    0/300 runs fail. False-failure rate per run: at most 5.3e-6 for the z bound (exact binomial
    tails of the kept tokens, summed), 1e-6 for the chi-square floor; distribution-free 95% bound
    from 0/300: 1%. The expected-counts fake: chi-square at most 1.4e-3, under the floor in 300/300.
    """
    table = first_token_table()
    counts = worker.probe("language_model.bigram_first_tokens", table=table, n=SAMPLES, **SAMPLING)
    z, chi2, expected = sampling_statistics(counts, table)
    assert (counts[expected == 0] == 0).all(), "a token removed by top-k / top-p was drawn: filter before sampling"
    assert z.max() < Z_BOUND, (f"frequencies {(counts / counts.sum()).tolist()} vs {expected.tolist()}: apply "
                               "temperature, then top-k, then top-p, then softmax and draw")
    floor = CHI2_FLOOR[int((expected > 0).sum())]
    assert chi2 > floor, (f"the counts {counts.tolist()} sit closer to n * p than independent draws ever do (chi-square "
                          f"{chi2:.2e}; draws give more than {floor} with probability 1 - 1e-6): draw each row with "
                          "torch.multinomial, do not hand out the expected counts")


# ---- beam search and perplexity -----------------------------------------------------------------

def trap_table(V=4, N=3):
    """A random bigram table on which greedy decoding misses the most probable N-token path, and
    so does ranking paths by their summed probabilities (instead of summed log-probabilities)."""
    while True:
        table = F.log_softmax(2 * torch.randn(V, V), -1)
        paths = torch.cartesian_prod(*[torch.arange(V)] * N)           # (V^N, N)
        prev = torch.cat([torch.zeros(len(paths), 1, dtype=torch.long), paths[:, :-1]], 1)
        scores = table[prev, paths].sum(1)
        best = paths[scores.argmax()]
        greedy = ref.beam_search(ref_bigram(table), torch.zeros(1, 1, dtype=torch.long), 1, N)[0, 1:]
        top2 = scores.topk(2).values
        by_summed_probs = paths[table[prev, paths].exp().sum(1).argmax()]   # the wrong objective
        if not torch.equal(best, greedy) and not torch.equal(best, by_summed_probs) and top2[0] - top2[1] > 1e-3:
            return table, best


def ref_bigram(table):
    class Table(torch.nn.Module):
        block_size = 64

        def forward(self, idx, targets=None, kv_cache=None, start_pos=0):
            return table[idx], None, []
    return Table()


def test_beam_search_finds_the_best_sequence_where_greedy_does_not(worker):
    table, best = trap_table()
    out = worker.probe("language_model.bigram_beam_search", table=table, idx=torch.zeros(1, 1, dtype=torch.long),
                       beam_width=16, max_new_tokens=3)
    assert out[0, 1:].tolist() == best.tolist(), (f"beam width 16 = 4^2 searches every 3-token path; the best is "
                                                  f"{best.tolist()}, got {out[0, 1:].tolist()}: rank by the SUM of log-probabilities")


def test_beam_width_one_is_greedy_and_width_two_equals_reference(worker):
    table, _ = trap_table(V=5, N=4)
    idx = torch.zeros(1, 1, dtype=torch.long)
    for width in (1, 2):
        out = worker.probe("language_model.bigram_beam_search", table=table, idx=idx, beam_width=width, max_new_tokens=4)
        expected = ref.beam_search(ref_bigram(table), idx, width, 4)
        assert torch.equal(out, expected), (f"beam_width={width}: got {out.tolist()}, expected {expected.tolist()} "
                                            "(scores are summed log-probabilities, the beam_width best kept each step)")


def test_perplexity_equals_reference_over_non_overlapping_windows(worker):
    config = gpt_config(block_size=16)
    state = random_state(config)
    tokens = torch.randint(0, config["vocab_size"], (int(torch.randint(40, 90, ())),))
    block = int(torch.randint(4, 17, ()))
    ppl = worker.probe("language_model.gpt_perplexity", config=config, state=state, token_ids=tokens, block_size=block)
    expected = ref.perplexity(reference_model(config, state), tokens, block)
    assert abs(ppl - expected) < 1e-3 * expected, (f"perplexity {ppl:.4f}, expected {expected:.4f}: non-overlapping windows "
                                                   "of block_size inputs, every token after the first predicted exactly once")


# ---- LoRA ---------------------------------------------------------------------------------------

def lora_inputs():
    d_in, d_out, r = int(torch.randint(3, 12, ())), int(torch.randint(2, 10, ())), int(torch.randint(1, 4, ()))
    return dict(weight=torch.randn(d_out, d_in), bias=torch.randn(d_out), r=r, alpha=float(1 + 15 * torch.rand(())),
                x=torch.randn(5, d_in))


def test_lora_equals_the_base_at_initialisation_with_a_nonzero_a(worker):
    kw = lora_inputs()
    res = worker.probe("language_model.lora", **kw)
    expect_close(res["out"], res["base_out"], hint="B is initialised to zero, so LoRA starts as the base layer")
    assert res["A"].abs().sum() > 0, "A must start random (like an nn.Linear weight): with A = B = 0 nothing ever learns"
    bound = 1 / math.sqrt(kw["weight"].shape[1])
    assert res["A"].abs().max() <= bound + 1e-6, f"A ~ kaiming_uniform_(a=sqrt(5)): |A| <= 1/sqrt(in_features) = {bound:.3f}"


def test_lora_scale_is_alpha_over_r(worker):
    kw = lora_inputs()
    A, B = torch.randn(kw["r"], kw["weight"].shape[1]), torch.randn(kw["weight"].shape[0], kw["r"])
    res = worker.probe("language_model.lora", A=A, B=B, **kw)
    scale = kw["alpha"] / kw["r"]
    assert abs(res["scale"] - scale) < 1e-6, f"scale = alpha / r = {scale:.4f}, got {res['scale']:.4f}"
    expected = kw["x"] @ kw["weight"].T + kw["bias"] + scale * kw["x"] @ A.T @ B.T
    expect_close(res["out"], expected, atol=1e-4, rtol=1e-4, hint="y = base(x) + (alpha / r) x A^T B^T")


def test_lora_trains_only_a_and_b(worker):
    kw = lora_inputs()
    A, B = torch.randn(kw["r"], kw["weight"].shape[1]), torch.randn(kw["weight"].shape[0], kw["r"])
    res = worker.probe("language_model.lora", A=A, B=B, **kw)
    assert res["grad_base"] == [False, False] and res["base_trainable"] == [False, False], \
        "freeze the base layer: requires_grad False on its weight and bias"
    scale = kw["alpha"] / kw["r"]
    x_sum = kw["x"].sum(0)                                   # d(sum y)/dA = scale * B^T 1 x^T summed
    expect_close(res["grad_A"], scale * B.sum(0)[:, None] * x_sum[None], atol=1e-4, rtol=1e-4, hint="A must receive the gradient")
    expect_close(res["grad_B"], scale * (A @ x_sum)[None].expand_as(B), atol=1e-4, rtol=1e-4, hint="B must receive the gradient")


def test_lora_merged_layer_equals_the_adapted_one(worker):
    kw = lora_inputs()
    A, B = torch.randn(kw["r"], kw["weight"].shape[1]), torch.randn(kw["weight"].shape[0], kw["r"])
    res = worker.probe("language_model.lora", A=A, B=B, **kw)
    assert res["merged_is_linear"], "merged() returns an nn.Linear"
    expect_close(res["merged_out"], res["out"], atol=1e-4, rtol=1e-4, hint="merged weight = W + (alpha / r) B @ A, same bias")
    expect_close(res["base_weight_after"], kw["weight"], hint="merged() must not modify the base layer")


# ---- Project 3: a character GPT on pydoc --------------------------------------------------------
#
# The worker trains; the judge evaluates. The judge seeds the GPT's initial weights (its reference
# GPT, this run's seed) and sends them with the TRAIN split's ids and the batch offsets; the probe
# loads them into your GPT, trains it with your forward and loss, and returns the state dict. The
# judge loads it into its own reference GPT and measures everything itself, on the validation
# split, which never enters the worker (in the sandbox the pydoc topics are not even readable).

PROJECT = dict(d_model=64, n_heads=4, n_layers=2, block_size=32, steps=400, batch_size=32, lr=3e-3,
               train_windows=512, n_prompts=32, prompt_len=8, low=dict(temperature=0.7, top_p=0.9),
               high=dict(temperature=1.5), ngram_k=0.1)
# Bounds, each calibrated against the reference (120 seeds) and the trivial baselines a student
# could submit: calibration/language_model_project.py, results in language_model_project.txt.
# Reference mean (std), normal-fit false-failure rate per run; the baselines each one fails.
VAL_LOSS_BOUND = 2.2          # 1.910 (0.063), max 2.155, 1.9e-6; untrained 4.59+, unigram 3.24, bigram GPT 2.31+, on leaked text 2.27+
BIGRAM_MARGIN = 0.12          # 0.406 (0.063), min 0.161, 2.5e-6 (= val loss < 2.196); bigram GPTs 0.048 at most
GENERALISATION_GAP = -0.35    # -0.122 (0.033), min -0.213, 2.7e-12; trained on the validation split -0.62 at most
INIT_SIMILARITY = 0.2         # 0.403 (0.013), min 0.381, 4.9e-53; weights trained from another init 0.009 at most
SAMPLE_NLL_GAP = 1.0          # 2.286 (0.154), min 1.886, 3.2e-17; untrained 0.07 at most (nats per character)


def project_corpus():
    """The judge's copy of pydoc: the tokenizer over the whole text, the train and validation ids."""
    tok = ref.CharTokenizer(data.load_text("pydoc", "all"))
    train = torch.tensor(tok.encode(data.load_text("pydoc", "train")))
    val = torch.tensor(tok.encode(data.load_text("pydoc", "validation")))
    return tok, train, val


def project_inputs():
    """The judge's draws for one run: the initial weights and batch offsets it sends (with the
    train ids, and nothing else), and what it keeps: the validation ids, the training windows it
    scores, the prompts and the generator of its own sampling."""
    p = PROJECT
    tok, train, val = project_corpus()
    T = p["block_size"]
    config = dict(vocab_size=tok.vocab_size, d_model=p["d_model"], n_heads=p["n_heads"], n_layers=p["n_layers"], block_size=T)
    initial = {name: value.clone() for name, value in ref.GPT(**config).state_dict().items()}
    starts = torch.randint(0, len(train) - T - 1, (p["steps"], p["batch_size"]))
    kwargs = dict(config=config, initial=initial, train_ids=train, starts=starts, lr=p["lr"])
    judge = dict(config=config, initial=initial, train=train, val=val, V=tok.vocab_size,
                 train_starts=torch.randint(0, len(train) - T - 1, (p["train_windows"],)),
                 prompts=val[torch.randint(0, len(val) - p["prompt_len"], (p["n_prompts"],))[:, None]
                             + torch.arange(p["prompt_len"])],
                 gen_seed=int(torch.randint(0, 2**31, ())))
    return kwargs, judge


@torch.no_grad()
def mean_nll(model, ids, starts, T, batch=256):
    """Mean cross-entropy (nats per token) of the windows ids[s : s + T] predicting ids[s + 1 : s + T + 1]."""
    offsets = torch.arange(T)
    total, count = 0.0, 0
    for chunk in starts.split(batch):
        x, y = ids[chunk[:, None] + offsets], ids[chunk[:, None] + offsets + 1]
        logits = model(x)[0]
        total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item()
        count += y.numel()
    return total / count


def bigram_nll(train, ids, starts, T, V, k):
    """NGramModel(2, k).fit(train, V)'s mean NLL of the same windows' targets given the previous
    token, computed with bincount (equal to the reference class: the windows never start at the
    padded first position)."""
    counts = torch.bincount(train[:-1] * V + train[1:], minlength=V * V).view(V, V).double()
    probs = (counts + k) / (counts.sum(1, keepdim=True) + k * V)
    positions = starts[:, None] + torch.arange(T)
    return -probs[ids[positions], ids[positions + 1]].log().mean().item()


@torch.no_grad()
def sample_nll(model, prompts, n_new, settings, generator):
    """The judge's samples (the REFERENCE generate on the judge's model) and their mean NLL per new
    token under the same model at temperature 1."""
    out = ref.generate(model, prompts, n_new, generator=generator, **settings)
    logits = model(out[:, :-1])[0][:, prompts.size(1) - 1:]       # position t predicts token t + 1
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), out[:, prompts.size(1):].reshape(-1)).item()


RANDOM_INIT = ("tok_emb.weight", "pos_emb.weight", "attn.qkv.weight", "attn.proj.weight", "mlp.0.weight",
               "mlp.2.weight", "head.weight")


def project_statistics(model, judge):
    """Everything the judge measures on the trained GPT (already loaded into its reference GPT)."""
    p, T, V = PROJECT, PROJECT["block_size"], judge["V"]
    val, train = judge["val"], judge["train"]
    val_starts = torch.arange(0, len(val) - T - 1, T)             # the whole split, non-overlapping
    model.eval()
    stats = {"val_loss": mean_nll(model, val, val_starts, T),
             "train_loss": mean_nll(model, train, judge["train_starts"], T),
             "bigram": bigram_nll(train, val, val_starts, T, V, p["ngram_k"])}
    stats["bigram_margin"] = stats["bigram"] - stats["val_loss"]
    stats["generalisation_gap"] = stats["val_loss"] - stats["train_loss"]
    g = torch.Generator().manual_seed(judge["gen_seed"])
    n_new = T - p["prompt_len"]
    stats["nll_low"] = sample_nll(model, judge["prompts"], n_new, p["low"], g)
    stats["nll_high"] = sample_nll(model, judge["prompts"], n_new, p["high"], g)
    stats["nll_gap"] = stats["nll_high"] - stats["nll_low"]
    return stats


def init_similarity_of(initial, state):
    """Mean cosine between the judge's random initial tensors and the trained ones
    (judging.init_similarity over the randomly initialised weights: LayerNorms start at 1 and
    biases at 0, so they carry no trace of this run)."""
    cos = init_similarity(initial, state)
    chosen = [v for name, v in cos.items() if name.endswith(RANDOM_INIT)]
    return sum(chosen) / len(chosen)


def test_project_char_gpt_trains_on_pydoc(worker):
    """Project 3. The judge seeds your GPT's weights (d_model 64, 4 heads, 2 layers, block 32) and
    sends them with the pydoc TRAIN split; the probe trains your GPT with your loss for 400 Adam
    steps (lr 3e-3, the judge's batches of 32 windows) and returns its state dict. The judge loads
    it into its own GPT and measures, on the validation split (which never enters the worker):
    the loss, the add-k bigram's loss, the loss on training windows, and the NLL of its own
    samples (the reference generate) at temperature 0.7 / top-p 0.9 and at temperature 1.5.

    Calibration: calibration/language_model_project.py, the reference over 120 seeds and the
    trivial baselines (20 seeds each for the cheap ones, 8 for those that train), results in
    language_model_project.txt. Reference mean (std) and normal-fit false-failure rate per run:
    validation loss 1.910 (0.063) < 2.2, 1.9e-6; margin under the bigram (2.316, a constant of the
    corpus) 0.406 (0.063) > 0.12, 2.5e-6; validation minus training loss -0.122 (0.033) > -0.35,
    2.7e-12; init similarity 0.403 (0.013) > 0.2, 4.9e-53; sample NLL gap 2.29 (0.15) > 1.0, 3.2e-17.
    0/120 reference seeds fail; the loss's upper tail is heavier than normal (worst seeds 3.9 and 3.5
    std out, 0.04 nats inside the bound), so the empirical statement is 0/120 (distribution-free 95%
    bound 0.025). Every trivial baseline fails in every seed: untrained (val 4.59+), a unigram
    table (3.24), a bigram GPT (2.31+; 2.27+ fit on leaked validation text; the best bigram lookup,
    validation included, 2.26), training on the validation split (gap -0.62 at most), weights
    trained from another initialisation (similarity 0.009 at most). Not separable, stated: mixing
    10% validation batches into training (val 1.85, within the reference's spread) and shipped
    weights with the judge's init added (similarity 0.32+, val 2.07 on average: real work done
    elsewhere)."""
    kwargs, judge = project_inputs()
    r = worker.probe("language_model.train_char_gpt", timeout=240, isolated=True, **kwargs)  # ~5 s unloaded
    assert not r["extra_parameters"], (
        f"your GPT has parameters the documented GPT does not: {r['extra_parameters'][:6]}. The judge evaluates "
        "the documented parameters only (see GPT's docstring), so the model it scores would not be yours")
    model = load_weights(ref.GPT(**judge["config"]), r["state"], "your trained GPT")
    assert_learned(judge["initial"], r["state"], "your trained GPT")
    losses = ", ".join(f"{x:.2f}" for x in r["losses"])
    similarity = init_similarity_of(judge["initial"], r["state"])
    assert similarity > INIT_SIMILARITY, (
        f"your trained weights keep no trace of the initial weights the judge sent (mean cosine {similarity:.3f}, "
        f"training from them keeps more than {INIT_SIMILARITY}): load them and train from there, do not "
        "re-initialise the model or load other weights")
    s = project_statistics(model, judge)
    assert math.isfinite(s["val_loss"]), f"the validation loss is not finite after training (training losses {losses})"
    assert s["val_loss"] < VAL_LOSS_BOUND, (
        f"validation loss {s['val_loss']:.3f} nats per character, should be under {VAL_LOSS_BOUND} (an untrained "
        f"model scores log V = {math.log(judge['V']):.2f}; your training losses every 50 steps: {losses})")
    assert s["bigram_margin"] > BIGRAM_MARGIN, (
        f"validation loss {s['val_loss']:.3f} is not clearly below the add-k bigram's {s['bigram']:.3f} "
        f"(needs {BIGRAM_MARGIN} nats less): does attention reach the earlier characters (mask, positions)?")
    assert s["generalisation_gap"] > GENERALISATION_GAP, (
        f"validation loss {s['val_loss']:.3f} is {-s['generalisation_gap']:.3f} below the loss on training windows "
        f"({s['train_loss']:.3f}): a model trained on the train split alone does not do that. Train on the batches "
        "the probe gives you, nothing else")
    assert s["nll_gap"] > SAMPLE_NLL_GAP, (
        f"the judge's samples at temperature 0.7 / top-p 0.9 have NLL {s['nll_low']:.3f} under your trained model, "
        f"at temperature 1.5 {s['nll_high']:.3f}: a trained model's distribution is peaked enough that the gap "
        f"exceeds {SAMPLE_NLL_GAP}")
