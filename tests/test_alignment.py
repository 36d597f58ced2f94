"""Public tests for unit 10 (genlab.alignment): one numeric check per core behaviour.

Run them with `pytest tests/test_alignment.py`. They test $GENLAB_IMPL (your starter/ by default).
Each test asks the `worker` for data from your code and checks it here; the probes it names are in
tests/probes/alignment.py.
"""
import math

import torch
import torch.nn.functional as F

from autograder.testing import expect_close, green_list_by_hand


# ---- reward model and sequence log-probabilities ------------------------------------------------

def test_reward_model_loss_is_log_2_at_equal_rewards(worker):
    r = torch.randn(8)
    loss = worker.call("alignment.reward_model_loss", r, r.clone())
    assert loss.dim() == 0, "the loss is a scalar: the mean over pairs"
    expect_close(loss, torch.tensor(math.log(2.0)), hint="-log sigmoid(0) = log 2")


def test_reward_model_loss_is_finite_and_exact_at_margins_of_100(worker):
    r = worker.probe("alignment.reward_loss_grads", r_chosen=torch.tensor([-50.0, 50.0]), r_rejected=torch.tensor([50.0, -50.0]))
    # margins -100 and +100: losses 100 and ~0, mean 50; gradient wrt r_chosen -sigmoid(-margin)/B
    expect_close(r["loss"], torch.tensor(50.0), hint="use F.logsigmoid (or softplus): log(sigmoid(-100)) underflows to -inf")
    expect_close(r["d_chosen"], torch.tensor([-0.5, 0.0]), hint="d loss / d r_chosen = -sigmoid(-margin) / B")


def test_sequence_logprobs_shift_by_one_and_mask(worker):
    B, T, V = 2, 5, 7
    logits, labels = torch.randn(B, T, V), torch.randint(0, V, (B, T))
    mask = torch.tensor([[0, 0, 1, 1, 1], [0, 1, 1, 0, 0]])
    out = worker.call("alignment.sequence_logprobs", logits, labels, mask)
    logp = F.log_softmax(logits, dim=-1)
    expected = torch.stack([logp[0, 1, labels[0, 2]] + logp[0, 2, labels[0, 3]] + logp[0, 3, labels[0, 4]],
                            logp[1, 0, labels[1, 1]] + logp[1, 1, labels[1, 2]]])
    expect_close(out, expected, hint="logits[:, t] predict labels[:, t + 1]: shift by one, then sum where mask = 1")


# ---- DPO and the RLHF reward --------------------------------------------------------------------

def test_dpo_loss_equals_the_closed_form(worker):
    pc, pr, rc, rr = (-10 * torch.rand(6) for _ in range(4))
    r = worker.probe("alignment.dpo_grads", policy_chosen=pc, policy_rejected=pr, ref_chosen=rc, ref_rejected=rr, beta=0.5)
    h = (pc - rc) - (pr - rr)
    expect_close(r["loss"], -F.logsigmoid(0.5 * h).mean(), hint="loss = mean of -log sigmoid(beta * ((pi_c - ref_c) - (pi_r - ref_r)))")
    expect_close(r["chosen_rewards"], 0.5 * (pc - rc), hint="chosen_rewards = beta * (policy_chosen - ref_chosen)")
    expect_close(r["rejected_rewards"], 0.5 * (pr - rr), hint="rejected_rewards = beta * (policy_rejected - ref_rejected)")
    assert not r["rewards_need_grad"], "the returned rewards are for logging: detach them"


def test_kl_penalized_rewards_with_ragged_masks(worker):
    logp, ref = -torch.rand(2, 4), -torch.rand(2, 4)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]])
    reward = torch.tensor([2.0, -3.0])
    out = worker.call("alignment.kl_penalized_rewards", reward, logp, ref, mask, 0.1)
    expected = -0.1 * (logp - ref) * mask
    expected[0, 3] += 2.0
    expected[1, 1] += -3.0
    expect_close(out, expected, hint="the score goes on the LAST REAL token (not position T - 1); padding gets 0")


# ---- retrieval ----------------------------------------------------------------------------------

CORPUS = [["a", "b", "a"], ["b", "c"], ["c", "c", "c", "d"]]


def test_bm25_scores_on_a_hand_computed_example(worker):
    # N = 3, avgdl = 3, k1 = 1.5, b = 0.75. idf(a) = ln(1 + 2.5/1.5), idf(c) = ln(1 + 1.5/2.5).
    # doc 0: a twice, |D| = 3: 2 * 2.5 / (2 + 1.5 * 1)       = 10/7
    # doc 1: c once,  |D| = 2: 1 * 2.5 / (1 + 1.5 * 0.75)    = 20/17
    # doc 2: c 3x,    |D| = 4: 3 * 2.5 / (3 + 1.5 * 1.25)    = 20/13
    r = worker.probe("alignment.bm25", corpus=CORPUS, query=["a", "c"], k=3)
    expected = torch.tensor([math.log(8 / 3) * 10 / 7, math.log(1.6) * 20 / 17, math.log(1.6) * 20 / 13], dtype=torch.float64)
    expect_close(r["scores"], expected, hint="idf = ln(1 + (N - n + 0.5)/(n + 0.5)); tf part f(k1+1)/(f + k1(1 - b + b|D|/avgdl))")
    assert r["top_k"] == [0, 2, 1], f"top_k lists document indices by descending score (here [0, 2, 1]), got {r['top_k']}"


def test_build_rag_prompt_keeps_the_best_passages_that_fit(worker):
    passages = ["alpha " * 5, "beta " * 5, "gamma"]
    head, tail = "Context:\n", "\nQuestion: why?\nAnswer:"
    first = f"[1] {passages[0]}\n"
    max_chars = len(head) + len(first) + len(tail) + 12          # 12 spare: passage 2 does not fit, "gamma" would
    prompt = worker.call("alignment.build_rag_prompt", "why?", passages, max_chars)
    assert prompt == head + first + tail, (f"expected only the first passage: the second does not fit, so the list stops there (the third is not tried); got {prompt!r}")


# ---- constitutional critique and revision -------------------------------------------------------

def test_critique_and_revise_stops_when_no_principle_fires(worker):
    principles = [{"pattern": r"\bstupid\b", "critique": "insulting", "revision": "unwise"},
                  {"pattern": r"!+", "critique": "shouting", "revision": "."}]
    text, log = worker.call("alignment.critique_and_revise", "That is stupid!!", principles, max_rounds=3)
    assert text == "That is unwise.", f"each firing principle rewrites the text with re.sub; got {text!r}"
    assert list(log) == ["insulting", "shouting"], f"one critique per firing, in order, and round 2 fires nothing; got {log!r}"


# ---- mixture of experts -------------------------------------------------------------------------

def test_top_k_gating_softmax_over_the_selected_logits(worker):
    logits = torch.randn(10, 6)
    weights, indices = worker.call("alignment.top_k_gating", logits, 2)
    top, idx = torch.topk(logits, 2)
    assert torch.equal(indices, idx), "indices: the k largest logits per row, in descending order (torch.topk)"
    expect_close(weights, F.softmax(top, dim=-1), hint="softmax over the k selected logits only (weights sum to 1)")


def test_load_balancing_loss_is_one_at_perfect_balance(worker):
    n = 4
    probs = torch.full((8, n), 1 / n)
    indices = torch.arange(8).remainder(n).unsqueeze(1)            # two tokens per expert
    loss = worker.call("alignment.load_balancing_loss", probs, indices, n)
    expect_close(loss, torch.tensor(1.0), hint="N * sum_i f_i * P_i; did you drop the factor N?")


def moe_by_loop(state, x, k):
    """Our per-token loop over the experts of a MoELayer state_dict."""
    out = torch.zeros_like(x)
    for t in range(len(x)):
        logits = x[t] @ state["router.weight"].T
        top, idx = torch.topk(logits, k)
        for w, e in zip(F.softmax(top, dim=-1), idx.tolist()):
            h = F.gelu(x[t] @ state[f"experts.{e}.0.weight"].T + state[f"experts.{e}.0.bias"])
            out[t] += w * (h @ state[f"experts.{e}.2.weight"].T + state[f"experts.{e}.2.bias"])
    return out


def random_moe_state(d_model, d_ff, n_experts):
    state = {"router.weight": torch.randn(n_experts, d_model)}
    for e in range(n_experts):
        state[f"experts.{e}.0.weight"] = torch.randn(d_ff, d_model) / math.sqrt(d_model)
        state[f"experts.{e}.0.bias"] = 0.1 * torch.randn(d_ff)
        state[f"experts.{e}.2.weight"] = torch.randn(d_model, d_ff) / math.sqrt(d_ff)
        state[f"experts.{e}.2.bias"] = 0.1 * torch.randn(d_model)
    return state


def test_moe_layer_equals_a_per_token_loop(worker):
    d_model, d_ff, n_experts, k = 8, 16, 4, 2
    state, x = random_moe_state(d_model, d_ff, n_experts), torch.randn(12, d_model)
    r = worker.probe("alignment.moe_layer", state=state, d_model=d_model, d_ff=d_ff, n_experts=n_experts, k=k, x=x)
    expect_close(r["y"], moe_by_loop(state, x, k), hint="y = sum over the k selected experts of weight * expert(x), per token")


# ---- scaling laws -------------------------------------------------------------------------------

def test_fit_power_law_is_exact_without_noise(worker):
    n = torch.logspace(4, 10, 16, dtype=torch.float64)
    loss = 2.0 + 400.0 * n ** -0.35
    E, A, alpha = worker.call("alignment.fit_power_law", n, loss)
    got, want = torch.tensor([E, A, alpha], dtype=torch.float64), torch.tensor([2.0, 400.0, 0.35], dtype=torch.float64)
    expect_close(got, want, rtol=1e-3, atol=0.0, hint="loss = E + A * n^(-alpha): fit log(loss - E) against log(n), choosing E")


# ---- watermarking -------------------------------------------------------------------------------

def test_green_list_equals_the_documented_hash(worker):
    green = worker.call("alignment.green_list", 17, 100, 0.25, 12345)
    assert green.dtype == torch.bool and green.shape == (100,), "a bool (V,) mask"
    assert torch.equal(green, green_list_by_hand(17, 100, 0.25, 12345)), \
        "follow the docstring's hash exactly (s, h1, h2, h; sort ascending, ties to the smaller token id)"


def test_green_list_rounds_half_to_even(worker):
    # 0.25 * 10 = 2.5: Python's round gives 2 (a half goes to the even integer), not 3.
    green = worker.call("alignment.green_list", 3, 10, 0.25, 12345)
    assert int(green.sum()) == 2, (f"gamma * V = 2.5 must give round(2.5) = 2 green tokens, got {int(green.sum())}: "
                                   "Python's round, half to even (not floor(x + 0.5))")


def test_watermark_logits_adds_delta_to_green_tokens_only(worker):
    logits, prev = torch.randn(3, 50), torch.tensor([0, 7, 49])
    out = worker.call("alignment.watermark_logits", logits, prev, 2.0, 0.5, 99)
    green = torch.stack([green_list_by_hand(p, 50, 0.5, 99) for p in prev.tolist()])
    expect_close(out, logits + 2.0 * green, hint="row b gets +delta on green_list(prev_tokens[b]) only")


def test_detect_watermark_z_of_an_all_green_sequence(worker):
    V, gamma, key, T = 40, 0.25, 7, 30
    tokens = [3]
    for _ in range(T):                                      # each next token green for its predecessor
        tokens.append(int(torch.nonzero(green_list_by_hand(tokens[-1], V, gamma, key))[0]))
    z = worker.call("alignment.detect_watermark", torch.tensor(tokens), V, gamma, key)
    expected = (T - gamma * T) / math.sqrt(T * gamma * (1 - gamma))
    assert abs(float(z) - expected) < 1e-4, f"z = (|s|_G - gamma T) / sqrt(T gamma (1 - gamma)) = {expected:.4f} here, got {z}"
