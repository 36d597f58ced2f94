"""Hidden suite for unit 10 (genlab.alignment). Runs in the judge; student code only through `worker`.

Inputs are drawn fresh each grading run (the judge's seed). Exact checks compare with closed forms,
with torch, with plain-Python loops written here, and with the reference; the statistical checks
state their calibration and false-failure rate. Tests named `test_*watermark*` and
`test_green_list*` score the checklist item "ethics" (see rubric.toml).
"""
import math

import torch
import torch.nn.functional as F

from autograder.reference import reference
from autograder.testing import expect_close, green_list_by_hand

ref = reference("alignment")


# ---- reward model -------------------------------------------------------------------------------

def test_reward_model_loss_equals_mean_negative_log_sigmoid_of_the_margin(worker):
    rc, rr = 5 * torch.randn(64), 5 * torch.randn(64)
    loss = worker.call("alignment.reward_model_loss", rc, rr)
    expect_close(loss, -F.logsigmoid(rc - rr).mean(), hint="Bradley-Terry: mean of -log sigmoid(r_chosen - r_rejected); check the margin's sign")


def test_reward_model_loss_is_finite_and_correct_at_margins_of_100(worker):
    signs = torch.where(torch.rand(32) < 0.5, -1.0, 1.0)
    rc, rr = 50 * signs, -50 * signs                                  # margins of exactly +-100
    r = worker.probe("alignment.reward_loss_grads", r_chosen=rc, r_rejected=rr)
    assert torch.isfinite(r["loss"]), "log(sigmoid(-100)) underflows to -inf in float32: use F.logsigmoid or softplus"
    expect_close(r["loss"], (signs < 0).float().mean() * 100, hint="the loss at margin -100 is 100, at +100 about 0")


def test_reward_model_loss_gradient_is_sigmoid_of_minus_the_margin(worker):
    rc, rr = 3 * torch.randn(40), 3 * torch.randn(40)
    r = worker.probe("alignment.reward_loss_grads", r_chosen=rc, r_rejected=rr)
    g = torch.sigmoid(-(rc - rr)) / 40
    expect_close(r["d_chosen"], -g, hint="d loss / d r_chosen = -sigmoid(-margin) / B (the mean over B pairs)")
    expect_close(r["d_rejected"], g, hint="d loss / d r_rejected = +sigmoid(-margin) / B")


# ---- sequence log-probabilities -----------------------------------------------------------------

def ragged_batch(B, T, V):
    """logits, labels and a mask with a prompt of random length, then response tokens with holes and
    right padding; labels are -100 wherever the mask is 0 (besides position 0)."""
    logits, labels = 3 * torch.randn(B, T, V), torch.randint(0, V, (B, T))
    mask = torch.zeros(B, T, dtype=torch.long)
    for b in range(B):
        start, end = torch.randint(1, T // 2, ()).item(), torch.randint(T // 2 + 1, T + 1, ()).item()
        mask[b, start:end] = (torch.rand(end - start) < 0.8).long()
        mask[b, start] = 1
    labels = torch.where(mask.bool(), labels, torch.full_like(labels, -100))
    return logits, labels, mask


def test_sequence_logprobs_equals_a_per_token_loop(worker):
    B, T, V = 6, 12, 11
    logits, labels, mask = ragged_batch(B, T, V)
    out = worker.call("alignment.sequence_logprobs", logits, labels, mask)
    logp = F.log_softmax(logits, dim=-1)
    expected = torch.zeros(B)
    for b in range(B):
        for t in range(1, T):
            if mask[b, t]:
                expected[b] += logp[b, t - 1, labels[b, t]]
    expect_close(out, expected, hint="logits[:, t - 1] score labels[:, t]; masked positions (labels -100 there) must not be gathered")


def test_sequence_logprobs_ignores_the_last_logits_and_the_first_mask_column(worker):
    logits, labels, mask = ragged_batch(4, 9, 7)
    labels[:, 0] = torch.randint(0, 7, (4,))
    changed_logits, changed_mask = logits.clone(), mask.clone()
    changed_logits[:, -1] = 10 * torch.randn(4, 7)                     # the last position predicts nothing
    changed_mask[:, 0] = 1                                             # token 0 has no prediction
    a = worker.call("alignment.sequence_logprobs", logits, labels, mask)
    b = worker.call("alignment.sequence_logprobs", changed_logits, labels, changed_mask)
    expect_close(b, a, hint="shift by one: drop the last position's logits and the first label (and mask column)")


def test_sequence_logprobs_equals_reference_with_a_float_mask(worker):
    logits, labels, mask = ragged_batch(5, 10, 13)
    out = worker.call("alignment.sequence_logprobs", logits, labels, mask.float())
    expect_close(out, ref.sequence_logprobs(logits, labels, mask), hint="a float 0/1 mask must give the same sums")


def test_sequence_logprobs_keeps_float64_logits_in_float64(worker):
    """float64 logits give a float64 result computed in float64 (the docstring: the logits' dtype),
    whatever the mask's dtype. float64 throughout agrees with the loop here to about 1e-14; a
    float32 step anywhere costs about 1e-6, hence 1e-10."""
    B, T, V = 5, 11, 9
    logits, labels, mask = ragged_batch(B, T, V)
    logits = logits.double()
    out = worker.call("alignment.sequence_logprobs", logits, labels, mask.float())
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64, (
        f"float64 logits must give a float64 result (the logits' dtype), got {getattr(out, 'dtype', type(out))}: "
        "is something cast to float32 (a float() on the logits or a float32 mask multiplied in)?")
    logp = F.log_softmax(logits, dim=-1)
    expected = torch.zeros(B, dtype=torch.float64)
    for b in range(B):
        for t in range(1, T):
            if mask[b, t]:
                expected[b] += logp[b, t - 1, labels[b, t]]
    expect_close(out, expected, rtol=1e-10, atol=1e-10,
                 hint="compute in the logits' dtype throughout: no float32 step for float64 logits")


# ---- DPO ----------------------------------------------------------------------------------------

def dpo_inputs(B=32):
    return [-20 * torch.rand(B) for _ in range(4)]


def test_dpo_loss_equals_the_closed_form_and_the_reference(worker):
    pc, pr, rc, rr = dpo_inputs()
    beta = 0.05 + torch.rand(()).item()
    r = worker.probe("alignment.dpo_grads", policy_chosen=pc, policy_rejected=pr, ref_chosen=rc, ref_rejected=rr, beta=beta)
    h = (pc - rc) - (pr - rr)
    expect_close(r["loss"], -F.logsigmoid(beta * h).mean(),
                 hint="beta multiplies h inside the sigmoid; h = (pi_c - ref_c) - (pi_r - ref_r)")
    expect_close(r["loss"], ref.dpo_loss(pc, pr, rc, rr, beta=beta)[0], hint="the DPO loss is the batch mean of -log sigmoid(beta * h)")


def test_dpo_raising_the_chosen_logprob_lowers_the_loss(worker):
    pc, pr, rc, rr = dpo_inputs()
    beta = 0.1
    r = worker.probe("alignment.dpo_grads", policy_chosen=pc, policy_rejected=pr, ref_chosen=rc, ref_rejected=rr, beta=beta)
    assert (r["d_policy_chosen"] < 0).all(), "raising the chosen answer's log-prob must lower the DPO loss (check the reference terms' signs)"
    assert (r["d_policy_rejected"] > 0).all(), "raising the rejected answer's log-prob must raise the DPO loss"
    g = beta * torch.sigmoid(-beta * ((pc - rc) - (pr - rr))) / len(pc)
    expect_close(r["d_policy_chosen"], -g, hint="d loss / d pi_chosen = -beta * sigmoid(-beta h) / B")


def test_dpo_label_smoothing_is_conservative_dpo(worker):
    pc, pr, rc, rr = dpo_inputs()
    beta, eps = 0.3, 0.1 + 0.3 * torch.rand(()).item()
    r = worker.probe("alignment.dpo_grads", policy_chosen=pc, policy_rejected=pr, ref_chosen=rc, ref_rejected=rr,
                     beta=beta, label_smoothing=eps)
    h = (pc - rc) - (pr - rr)
    expected = (-(1 - eps) * F.logsigmoid(beta * h) - eps * F.logsigmoid(-beta * h)).mean()
    expect_close(r["loss"], expected, hint="cDPO: -(1 - eps) logsigmoid(beta h) - eps logsigmoid(-beta h)")


def test_dpo_rewards_are_beta_times_policy_minus_reference_and_detached(worker):
    pc, pr, rc, rr = dpo_inputs()
    beta = 0.05 + torch.rand(()).item()
    r = worker.probe("alignment.dpo_grads", policy_chosen=pc, policy_rejected=pr, ref_chosen=rc, ref_rejected=rr, beta=beta)
    expect_close(r["chosen_rewards"], beta * (pc - rc), hint="chosen_rewards = beta * (policy_chosen - ref_chosen)")
    expect_close(r["rejected_rewards"], beta * (pr - rr), hint="rejected_rewards = beta * (policy_rejected - ref_rejected)")
    assert not r["rewards_need_grad"], "the rewards are returned detached (documented): call .detach()"


def test_dpo_loss_is_finite_at_large_margins(worker):
    pc, pr = torch.tensor([0.0, -1000.0]), torch.tensor([-1000.0, 0.0])
    rc = rr = torch.zeros(2)
    loss, _, _ = worker.call("alignment.dpo_loss", pc, pr, rc, rr, beta=0.1)
    expect_close(loss, torch.tensor(50.0), hint="beta * h = +-100 here: use a stable log-sigmoid")


# ---- KL-penalised rewards -----------------------------------------------------------------------

def ragged_mask(B, T, left=False):
    lengths = torch.randint(1, T + 1, (B,))
    mask = (torch.arange(T) < lengths[:, None]).long()
    return mask.flip(1) if left else mask


def test_kl_penalized_rewards_per_token_penalty(worker):
    B, T = 5, 9
    logp, ref_logp, mask = -3 * torch.rand(B, T), -3 * torch.rand(B, T), ragged_mask(B, T)
    kl_coef = 0.01 + torch.rand(()).item()
    out = worker.call("alignment.kl_penalized_rewards", torch.zeros(B), logp, ref_logp, mask, kl_coef)
    expect_close(out, -kl_coef * (logp - ref_logp) * mask, hint="-kl_coef * (logprobs - ref_logprobs): policy minus reference, 0 on padding")


def test_kl_penalized_rewards_put_the_score_at_the_last_real_token(worker):
    B, T = 8, 10
    mask, reward = ragged_mask(B, T), torch.randn(B)
    logp = -torch.rand(B, T)
    out = worker.call("alignment.kl_penalized_rewards", reward, logp, logp.clone(), mask, 0.2)
    expected = torch.zeros(B, T)
    for b in range(B):
        expected[b, int(mask[b].nonzero().max())] = reward[b]
    expect_close(out, expected, hint="the reward goes on each sequence's last REAL token, not on position T - 1")


def test_kl_penalized_rewards_equal_reference_with_left_padding(worker):
    B, T = 6, 8
    logp, ref_logp, mask = -3 * torch.rand(B, T), -3 * torch.rand(B, T), ragged_mask(B, T, left=True)
    reward = torch.randn(B)
    out = worker.call("alignment.kl_penalized_rewards", reward, logp, ref_logp, mask.bool(), 0.05)
    expect_close(out, ref.kl_penalized_rewards(reward, logp, ref_logp, mask, 0.05),
                 hint="with left padding the last real token is still the largest index where mask = 1")


# ---- BM25 ---------------------------------------------------------------------------------------

def test_bm25_on_a_hand_computed_three_document_example(worker):
    corpus = [["x", "y"], ["y", "y", "z", "w"], ["x", "x", "x"]]
    # N = 3, avgdl = 3, k1 = 1.2, b = 0.5; query ["y", "x"]; n(x) = n(y) = 2, idf = ln(1 + 1.5/2.5) = ln 1.6
    # doc 0: y once, x once, |D| = 2: each 1 * 2.2 / (1 + 1.2 * (0.5 + 0.5 * 2/3))
    # doc 1: y twice,        |D| = 4:      2 * 2.2 / (2 + 1.2 * (0.5 + 0.5 * 4/3))
    # doc 2: x three times,  |D| = 3:      3 * 2.2 / (3 + 1.2)
    r = worker.probe("alignment.bm25", corpus=corpus, query=["y", "x"], k=2, k1=1.2, b=0.5)
    idf = math.log(1.6)
    expected = torch.tensor([2 * idf * 2.2 / (1 + 1.2 * (0.5 + 1 / 3)), idf * 4.4 / (2 + 1.2 * (0.5 + 2 / 3)),
                             idf * 6.6 / 4.2], dtype=torch.float64)
    expect_close(r["scores"], expected, hint="Lucene idf ln(1 + (N - n + 0.5)/(n + 0.5)) and tf f(k1 + 1)/(f + k1(1 - b + b|D|/avgdl))")
    assert r["N"] == 3 and abs(r["avgdl"] - 3.0) < 1e-12, f"N = 3 documents and avgdl = 3 tokens, got {r['N']}, {r['avgdl']}"


def random_corpus(N, vocab, max_len):
    words = [f"w{i}" for i in range(vocab)]
    return [[words[i] for i in torch.randint(0, vocab, (torch.randint(1, max_len, ()).item(),)).tolist()] for _ in range(N)]


def test_bm25_equals_reference_on_a_random_corpus(worker):
    corpus = random_corpus(30, 20, 25)
    query = corpus[0][:3] + ["w3", "w3", "unseen"]
    k1, b = 0.5 + 1.5 * torch.rand(()).item(), torch.rand(()).item()
    r = worker.probe("alignment.bm25", corpus=corpus, query=query, k=5, k1=k1, b=b)
    expect_close(r["scores"], ref.BM25(corpus, k1=k1, b=b).scores(query),
                 hint="sum over query tokens (a repeated token counts each time; an unseen one adds 0); b scales the DOCUMENT length")


def test_bm25_idf_is_never_negative(worker):
    corpus = [["common"] + [f"r{i}"] * (i + 1) for i in range(6)]      # "common" is in every document
    r = worker.probe("alignment.bm25", corpus=corpus, query=["common"], k=6)
    assert (r["scores"] > 0).all(), (f"a term in every document must still score > 0 (got {r['scores'].tolist()}): "
                                     "Lucene's idf is ln(1 + (N - n + 0.5)/(n + 0.5)), with the 1 +")


def test_bm25_length_normalisation_with_b_zero_and_b_one(worker):
    corpus = [["t", "u"], ["t"] + ["u"] * 7, ["v"] * 3]                 # same f(t) = 1, lengths 2 and 8, avgdl 13/3
    idf = math.log(1 + 1.5 / 2.5)
    r0 = worker.probe("alignment.bm25", corpus=corpus, query=["t"], k=3, k1=1.5, b=0.0)
    expect_close(r0["scores"], torch.tensor([idf, idf, 0.0], dtype=torch.float64),
                 hint="b = 0: no length normalisation, f(k1 + 1)/(f + k1) = 1 at f = 1")
    r1 = worker.probe("alignment.bm25", corpus=corpus, query=["t"], k=3, k1=1.5, b=1.0)
    avgdl = 13 / 3
    expected = torch.tensor([idf * 2.5 / (1 + 1.5 * 2 / avgdl), idf * 2.5 / (1 + 1.5 * 8 / avgdl), 0.0], dtype=torch.float64)
    expect_close(r1["scores"], expected, hint="b = 1: the tf part is f(k1 + 1)/(f + k1 |D|/avgdl), |D| the document's length")


def test_bm25_top_k_order(worker):
    corpus = random_corpus(25, 12, 15)
    query = ["w1", "w2", "w5"]
    r = worker.probe("alignment.bm25", corpus=corpus, query=query, k=8)
    scores = ref.BM25(corpus).scores(query)
    assert r["top_k"] == torch.argsort(-scores, stable=True)[:8].tolist(), \
        f"top_k: indices by descending score, ties to the smaller index; got {r['top_k']}"
    everything = worker.probe("alignment.bm25", corpus=corpus, query=query, k=100)
    assert len(everything["top_k"]) == 25, "k larger than N returns all N documents"


# ---- the RAG prompt -----------------------------------------------------------------------------

def test_build_rag_prompt_never_exceeds_max_chars_and_keeps_the_best_first(worker):
    passages = [" ".join(random_corpus(1, 30, 40)[0]) for _ in range(6)]
    question = "what does w7 do?"
    shortest = len(f"Context:\n\nQuestion: {question}\nAnswer:")          # no passage kept
    for max_chars in torch.randint(shortest, 600, (6,)).tolist():
        prompt = worker.call("alignment.build_rag_prompt", question, passages, max_chars)
        assert len(prompt) <= max_chars, f"the prompt has {len(prompt)} characters, over max_chars = {max_chars}"
        assert prompt == ref.build_rag_prompt(question, passages, max_chars), (
            f"max_chars = {max_chars}: expected the longest prefix of the passages that fits, whole, in the documented "
            f"format; got {prompt!r}")


def test_build_rag_prompt_stops_at_the_first_passage_that_does_not_fit(worker):
    question = "why?"
    passages = ["short one", "a much longer passage " * 4, "tiny"]
    kept = "Context:\n[1] short one\n\nQuestion: why?\nAnswer:"
    prompt = worker.call("alignment.build_rag_prompt", question, passages, len(kept) + len("[3] tiny\n"))
    assert prompt == kept, f"passage 2 does not fit, so passage 3 is not tried (keep a prefix of the list); got {prompt!r}"


def test_build_rag_prompt_raises_when_the_question_alone_does_not_fit(worker):
    try:
        worker.call("alignment.build_rag_prompt", "a long question " * 5, ["p"], 20)
    except Exception as e:                 # SubmissionError from the sandboxed worker, the error itself in-process
        if isinstance(e, NotImplementedError) or getattr(e, "kind", None) == "NotImplementedError":
            raise                          # not written yet: say so, as every other test does
        assert isinstance(e, ValueError) or "ValueError" in str(e), f"raise ValueError, got {type(e).__name__}: {e}"
    else:
        raise AssertionError("a max_chars that cannot hold the question must raise ValueError")


# ---- critique and revise ------------------------------------------------------------------------

def test_critique_and_revise_stops_when_no_principle_fires(worker):
    principles = [{"pattern": r"\bidiot\b", "critique": "C1: insult", "revision": "person"},
                  {"pattern": r"(\d{3})-(\d{4})", "critique": "C2: phone number", "revision": r"[redacted \2]"}]
    text = "call the idiot at 555-1234 or 555-9876"
    revised, log = worker.call("alignment.critique_and_revise", text, principles, max_rounds=5)
    assert revised == "call the person at [redacted 1234] or [redacted 9876]", \
        f"every match is replaced with re.sub (back-references allowed); got {revised!r}"
    assert list(log) == ["C1: insult", "C2: phone number"], f"each principle fires once, then a clean round stops; got {log!r}"


def test_critique_and_revise_never_loops_past_max_rounds(worker):
    principles = [{"pattern": "a", "critique": "double it", "revision": "aa"}]     # always fires again
    rounds = torch.randint(1, 6, ()).item()
    text, log = worker.call("alignment.critique_and_revise", "a", principles, max_rounds=rounds)
    assert len(log) == rounds and text == "a" * 2 ** rounds, (
        f"max_rounds = {rounds}: expected {rounds} critiques and {'a' * 2 ** rounds!r}, got {len(log)} and {text!r}")
    text0, log0 = worker.call("alignment.critique_and_revise", "a", principles, max_rounds=0)
    assert text0 == "a" and list(log0) == [], "max_rounds = 0: unchanged text, empty log"


def test_critique_and_revise_logs_each_critique_in_order(worker):
    # principle 2 fires only after principle 1's revision; principle 1 fires again in round 2
    principles = [{"pattern": "bad", "critique": "P1", "revision": "worse"},
                  {"pattern": "worse", "critique": "P2", "revision": "bad-ish"},
                  {"pattern": "ish", "critique": "P3", "revision": "ok"}]
    text, log = worker.call("alignment.critique_and_revise", "bad", principles, max_rounds=4)
    want_text, want_log = ref.critique_and_revise("bad", principles, max_rounds=4)
    assert (text, list(log)) == (want_text, want_log), (
        f"expected {want_text!r} with log {want_log}, got {text!r} with {list(log)}: each principle sees the text as revised "
        "so far in its round; the log lists critiques in firing order")


# ---- mixture of experts -------------------------------------------------------------------------

def test_top_k_gating_weights_sum_to_one_over_the_selected_experts(worker):
    B, E = 50, 8
    k = torch.randint(1, E, ()).item()
    r = worker.probe("alignment.gating_grads", router_logits=2 * torch.randn(B, E), k=k)
    expect_close(r["weights"].sum(-1), torch.ones(B), hint="softmax over the k SELECTED logits, after top-k, so the weights sum to 1")


def test_top_k_gating_equals_reference_with_gradients(worker):
    B, E, k = 20, 6, 3
    logits = 2 * torch.randn(B, E)
    r = worker.probe("alignment.gating_grads", router_logits=logits, k=k)
    want_w, want_i = ref.top_k_gating(logits, k)
    assert torch.equal(r["indices"], want_i), "indices: torch.topk of the logits (descending)"
    expect_close(r["weights"], want_w, hint="weights = softmax(top-k logits)")
    x = logits.clone().requires_grad_()
    w, _ = ref.top_k_gating(x, k)
    (w * torch.arange(1, k + 1, dtype=w.dtype)).sum().backward()
    expect_close(r["d_logits"], x.grad, hint="gradients flow through the softmax of the selected logits only")


def test_load_balancing_loss_is_one_at_perfect_balance(worker):
    n, k = 6, 2
    indices = torch.stack([torch.randperm(n) for _ in range(4)]).reshape(-1, k)   # every expert exactly 4 times
    loss = worker.call("alignment.load_balancing_loss", torch.full((len(indices), n), 1 / n), indices, n)
    expect_close(loss, torch.tensor(1.0), hint="N * sum f_i P_i with f the fraction of the B*k assignments: 1 at balance, for any k")


def test_load_balancing_loss_equals_the_switch_formula_and_its_gradient(worker):
    B, n, k = 40, 5, 2
    probs = F.softmax(2 * torch.randn(B, n), dim=-1)
    indices = torch.topk(probs, k).indices
    r = worker.probe("alignment.balancing_loss_grads", router_probs=probs, expert_indices=indices, n_experts=n)
    f = torch.bincount(indices.reshape(-1), minlength=n).float() / (B * k)
    expect_close(r["loss"], n * (f * probs.mean(0)).sum(), hint="Switch: N * sum_i f_i * P_i (did you drop N, or divide f by B instead of B*k?)")
    expect_close(r["d_probs"], (n * f / B).expand(B, n), hint="f_i is a count (no gradient); d/dP gives N * f_i / B")


def moe_by_loop(state, x, k):
    """Our per-token loop over the experts of a MoELayer state_dict (x: (tokens, d_model))."""
    out = torch.zeros_like(x)
    for t in range(len(x)):
        top, idx = torch.topk(x[t] @ state["router.weight"].T, k)
        for w, e in zip(F.softmax(top, dim=-1), idx.tolist()):
            h = F.gelu(x[t] @ state[f"experts.{e}.0.weight"].T + state[f"experts.{e}.0.bias"])
            out[t] += w * (h @ state[f"experts.{e}.2.weight"].T + state[f"experts.{e}.2.bias"])
    return out


def fresh_moe(d_model, d_ff, n_experts, k):
    return ref.MoELayer(d_model, d_ff, n_experts, k).state_dict()


def test_moe_layer_equals_a_per_token_loop_on_3d_input(worker):
    d_model, d_ff, n_experts, k = 12, 24, 5, 2
    state, x = fresh_moe(d_model, d_ff, n_experts, k), torch.randn(3, 7, d_model)
    r = worker.probe("alignment.moe_layer", state=state, d_model=d_model, d_ff=d_ff, n_experts=n_experts, k=k, x=x)
    assert r["y"].shape == x.shape, f"the output has the input's shape {tuple(x.shape)}, got {tuple(r['y'].shape)}"
    expect_close(r["y"], moe_by_loop(state, x.reshape(-1, d_model), k).reshape(x.shape),
                 hint="route every token on its own: top-k of router(x), softmax over those k, weighted sum of those experts")


def test_moe_layer_gradients_reach_only_the_selected_experts(worker):
    d_model, d_ff, n_experts, k = 8, 16, 8, 2
    state, x = fresh_moe(d_model, d_ff, n_experts, k), torch.randn(3, d_model)       # 3 tokens x 2: >= 2 idle experts
    r = worker.probe("alignment.moe_layer", state=state, d_model=d_model, d_ff=d_ff, n_experts=n_experts, k=k, x=x)
    used = set(torch.topk(x @ state["router.weight"].T, k).indices.reshape(-1).tolist())
    assert r["expert_has_grad"] == [e in used for e in range(n_experts)], (
        f"experts {sorted(used)} were selected; gradient reached {[e for e, g in enumerate(r['expert_has_grad']) if g]}: "
        "run only the selected experts on each token")
    assert r["router_grad"] is not None and r["router_grad"].abs().sum() > 0, "the router learns through the gating weights (softmax over the k selected logits)"


def test_moe_layer_stores_router_probs_and_indices(worker):
    d_model, d_ff, n_experts, k = 6, 12, 4, 2
    state, x = fresh_moe(d_model, d_ff, n_experts, k), torch.randn(2, 5, d_model)
    r = worker.probe("alignment.moe_stored_routing", state=state, d_model=d_model, d_ff=d_ff, n_experts=n_experts, k=k, x=x)
    logits = x.reshape(-1, d_model) @ state["router.weight"].T
    expect_close(r["router_probs"], F.softmax(logits, dim=-1), hint="router_probs: softmax over ALL experts, tokens flattened to (B', n_experts)")
    assert torch.equal(r["expert_indices"], torch.topk(logits, k).indices), "expert_indices: (B', k) from top_k_gating"
    assert r["probs_have_grad"], "router_probs must keep its gradient (the balancing loss trains the router through it)"


# ---- scaling laws -------------------------------------------------------------------------------

def power_law_data(noise):
    E, alpha, ratio = 1 + 2 * torch.rand(()).item(), 0.25 + 0.25 * torch.rand(()).item(), 1 + 3 * torch.rand(()).item()
    A = ratio * E * 1e4 ** alpha
    n = torch.logspace(4, 10, 16, dtype=torch.float64)
    loss = (E + A * n ** -alpha) * torch.exp(noise * torch.randn(16, dtype=torch.float64))
    return n, loss, (E, A, alpha)


def test_fit_power_law_is_exact_without_noise(worker):
    n, loss, truth = power_law_data(0.0)
    got = worker.call("alignment.fit_power_law", n, loss)
    expect_close(torch.tensor(got, dtype=torch.float64), torch.tensor(truth, dtype=torch.float64), rtol=1e-3, atol=0.0,
                 hint="(E, A, alpha) of loss = E + A n^-alpha; fit log(loss - E) against log n (not n), choosing E")


POWER_LAW_SETS, POWER_LAW_BOUNDS = 8, (0.02, 0.3, 0.06)    # data sets per run; relative bounds on E, A, alpha


def test_fit_power_law_recovers_the_parameters_from_noisy_data(worker):
    """Eight fresh data sets with 0.1% multiplicative noise (the docstring's recipe).

    Calibration: autograder/hidden/calibration/alignment_power_law.py (.txt), 1000 data sets on the
    reference. Largest relative errors seen: E 0.0027, A 0.093, alpha 0.019 (sd 0.0008, 0.014,
    0.0034). Bounds: E 0.02, A 0.3, alpha 0.06, 3 to 7 times the worst of 1000 (A and alpha trade
    off, hence A's wide bound; it still rejects a fit without E or in linear n by far). A normal fit
    puts each bound beyond 17 sd (a rate below 1e-60, though the tails are heavier than normal: the
    worst A error is 6.6 sd); distribution-free, 0/1000 failures bound the rate per fit below 0.3%
    (95%), so below 2.4% per test run of 8. The docstring's other reading of "then refined", all
    three parameters refined jointly (least squares on log(loss), run by the same script on the
    same 1000 data sets), errs at most E 0.0026, A 0.024, alpha 0.0068: 0/1000 failures too.
    Baselines (same script, `baselines`, 800 data sets, 100 runs of 8): a log-log line without E,
    E just under the smallest loss and constants pass 0, 0 and 5 of 800 data sets; E = the last
    loss minus 1% passes 25% of data sets and a 40-point grid over E without refinement 40%, hence
    8 data sets per run, not 4 (per run 0.245^8 = 1.3e-5 and 0.395^8 = 5.9e-4; 0 and 1 of 100 runs
    passed). A 400-point grid without refinement passes (95 of 100 runs): it is the documented
    least-squares fit at resolution min(loss) / 400, as accurate as the bounds ask, not a fake.
    """
    for _ in range(POWER_LAW_SETS):
        n, loss, truth = power_law_data(0.001)
        got = worker.call("alignment.fit_power_law", n, loss)
        rel = [abs(g / t - 1) for g, t in zip(got, truth)]
        assert all(r < b for r, b in zip(rel, POWER_LAW_BOUNDS)), (
            f"true (E, A, alpha) = {truth}, fitted {tuple(got)}; relative errors {rel} over bounds {POWER_LAW_BOUNDS}: "
            "fit loss = E + A n^-alpha in log-log space after subtracting E, with E chosen by least squares")


# ---- watermarking (checklist item: ethics) ------------------------------------------------------

def test_green_list_equals_the_documented_hash_for_fresh_keys_and_tokens(worker):
    for V, gamma in [(64, 0.25), (1000, 0.5), (5003, 0.1)]:
        key, prev = torch.randint(0, 2**31, ()).item(), torch.randint(0, V, ()).item()
        green = worker.call("alignment.green_list", prev, V, gamma, key)
        assert torch.equal(green, green_list_by_hand(prev, V, gamma, key)), (
            f"V = {V}, gamma = {gamma}, key = {key}, prev = {prev}: the mask differs from the documented hash "
            "(s, h1, h2, h mod 2^31 - 1; ascending sort, ties to the smaller id). Does int64 overflow anywhere?")


def test_green_list_has_exactly_round_gamma_v_green_tokens(worker):
    key = torch.randint(0, 2**31, ()).item()
    for V, gamma in [(100, 0.37), (99, 0.25), (50, 0.9)]:       # 99 * 0.25 = 24.75 rounds up to 25
        green = worker.call("alignment.green_list", 5, V, gamma, key)
        assert green.dtype == torch.bool and green.shape == (V,), "a bool (V,) mask"
        assert int(green.sum()) == round(gamma * V), f"expected round({gamma} * {V}) = {round(gamma * V)} green tokens, got {int(green.sum())}"


def test_green_list_rounds_half_to_even(worker):
    """gamma * V exactly halfway between two integers: Python's round goes to the even one."""
    key, m = torch.randint(0, 2**31, ()).item(), int(torch.randint(3, 40, ()))
    for V, gamma in [(4 * m + 2, 0.25), (2 * m + 1, 0.5), (4 * m + 2, 0.75), (10, 0.25), (14, 0.25)]:
        green = worker.call("alignment.green_list", 7, V, gamma, key)
        want = round(gamma * V)                  # e.g. 0.25 * 10 = 2.5 -> 2, 0.25 * 14 = 3.5 -> 4
        assert int(green.sum()) == want, (
            f"gamma = {gamma}, V = {V}: gamma * V = {gamma * V}, round() gives {want} green tokens, got "
            f"{int(green.sum())}: Python's round rounds a half to the EVEN integer (floor(x + 0.5) and "
            "math.ceil round it up, int() truncates)")
        assert torch.equal(green, green_list_by_hand(7, V, gamma, key)), (
            f"gamma = {gamma}, V = {V}: the right number of green tokens but not the documented ones")


def test_green_list_depends_on_the_previous_token_and_the_key(worker):
    key = torch.randint(0, 2**31, ()).item()
    a = worker.call("alignment.green_list", 3, 200, 0.5, key)
    b = worker.call("alignment.green_list", 4, 200, 0.5, key)
    c = worker.call("alignment.green_list", 3, 200, 0.5, key + 1)
    assert not torch.equal(a, b) and not torch.equal(a, c), "the list must change with prev_token and with key"


def test_watermark_logits_adds_delta_to_green_tokens_only(worker):
    B, V = 6, 120
    logits, prev = 3 * torch.randn(B, V), torch.randint(0, V, (B,))
    delta, gamma, key = 0.5 + 3 * torch.rand(()).item(), 0.25, torch.randint(0, 2**31, ()).item()
    r = worker.probe("alignment.watermark_logits_leaves_input", logits=logits, prev_tokens=prev, delta=delta, gamma=gamma, key=key)
    green = torch.stack([green_list_by_hand(p, V, gamma, key) for p in prev.tolist()])
    expect_close(r["out"], logits + delta * green, hint="row b: + delta on green_list(prev_tokens[b]), red tokens unchanged")
    assert r["input_unchanged"], "return a new tensor; do not add delta to the caller's logits in place"


def test_detect_watermark_equals_reference_on_random_sequences(worker):
    V, gamma, key = 64, 0.25, torch.randint(0, 2**31, ()).item()
    seqs = torch.randint(0, V, (5, 41))
    got = worker.probe("alignment.detect_many", sequences=seqs, vocab_size=V, gamma=gamma, key=key)
    want = [ref.detect_watermark(s, V, gamma, key) for s in seqs]
    expect_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), rtol=1e-5, atol=1e-5,
                 hint="token i is scored with green_list(tokens[i - 1]) (the PREVIOUS token); z uses sqrt(T gamma (1 - gamma))")


def test_detect_watermark_z_of_unwatermarked_sequences_is_standard_normal(worker):
    """200 uniform random sequences of T = 100 tokens (V = 64, gamma = 0.75, G/V = gamma exactly).

    The z's mean must lie within 0.3 of 0 and their standard deviation within (0.8, 1.2). A z
    without the (1 - gamma) has std 0.5; one seeded by the current token is exact-checked elsewhere.
    Calibration: autograder/hidden/calibration/alignment_watermark.py (.txt). The reference on 30
    keys: mean -0.115 .. 0.113, std 0.888 .. 1.108. With G/V = gamma a uniform sequence's green
    count is exactly Binomial(T, gamma), so the test itself was simulated 200,000 times: the mean's
    sd is 0.071 and the std's 0.050 (bounds at 4.2 and 4.0 sd); 16 of 200,000 runs fail, a
    false-failure rate of 8e-5 (normal fit: about 9e-5).
    """
    V, gamma, key = 64, 0.75, torch.randint(0, 2**31, ()).item()
    z = torch.tensor(worker.probe("alignment.detect_many", sequences=torch.randint(0, V, (200, 101)), vocab_size=V,
                                  gamma=gamma, key=key, timeout=30), dtype=torch.float64)
    assert abs(z.mean()) < 0.3, f"unwatermarked z's mean {z.mean():.3f} should be about 0: z = (|s|_G - gamma T)/sqrt(T gamma (1 - gamma))"
    assert 0.8 < z.std() < 1.2, f"unwatermarked z's std {z.std():.3f} should be about 1: the denominator is sqrt(T gamma (1 - gamma))"


def test_watermarked_generation_from_a_small_model_is_detected(worker):
    """A random bigram model (V = 100, logits 2 * randn) writes 4 sequences of T = 200 tokens with
    the student's watermark_logits (delta = 2, gamma = 0.25); each must score z > 4 under the
    reference detector and under the student's own.

    Calibration: autograder/hidden/calibration/alignment_watermark.py (.txt), 200 seeds x 4
    sequences on the reference: z min 9.31, mean 13.29, sd 1.30, so the threshold 4 sits 7.2 sd below
    the mean (normal fit: a false-failure rate of about 3e-13 per sequence, 1e-12 per test);
    0/800 failures bound it below 0.4% per sequence (95%, distribution-free).
    """
    V, T, delta, gamma, key = 100, 200, 2.0, 0.25, torch.randint(0, 2**31, ()).item()
    bigram = 2 * torch.randn(V, V)
    r = worker.probe("alignment.watermarked_generation", bigram_logits=bigram, start=torch.randint(0, V, (4,)), T=T,
                     delta=delta, gamma=gamma, key=key, timeout=30)
    ours = [ref.detect_watermark(row, V, gamma, key) for row in r["tokens"]]
    assert min(ours) > 4, f"z of watermarked text (reference detector) {ours}: is delta added to the GREEN tokens of the previous token?"
    expect_close(torch.tensor(r["z"], dtype=torch.float64), torch.tensor(ours, dtype=torch.float64), rtol=1e-5, atol=1e-5,
                 hint="your detect_watermark disagrees with the documented test on the same tokens")
