"""Unit 10: advanced topics — alignment (reward models, DPO, RLHF rewards), retrieval (BM25, RAG),
constitutional critique-and-revise, mixture of experts, scaling laws and watermarking.

Each function is small; together they are the working parts of the systems the unit's notebook
discusses. Conventions:
- Tensors are float32 unless a docstring says otherwise; batch-first. Log-probabilities are natural logs.
- Every loss returns a scalar (the batch mean) unless its docstring says "per example" (shape (B,)).
- Nothing here draws random numbers except `MoELayer`'s initialisation, and no test depends on the
  order or number of random draws: the tests inject every input (and copy weights into modules).
- Tolerances: the tests compare float32 results with `torch.testing.assert_close`'s float32 defaults
  (rtol 1.3e-6, atol 1e-5) unless a docstring states a wider one.
"""
import math
import re

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---- preference learning ------------------------------------------------------------------------

def reward_model_loss(r_chosen, r_rejected):
    """Bradley–Terry loss for a reward model: mean over pairs of -log sigmoid(r_chosen - r_rejected).

    The probability that the chosen answer beats the rejected one is sigmoid(margin), margin =
    r_chosen - r_rejected; the loss is its negative log-likelihood, averaged over the B pairs.

    It must be finite and exact for margins of +-100 in float32: at margin -100 the loss is 100
    (not inf), at +100 it is about 3.7e-44 (0 within atol). Compute it with a stable log-sigmoid
    (F.logsigmoid, or F.softplus(-margin)); log(sigmoid(m)) underflows to -inf from m ~ -88.7.
    The gradient with respect to r_chosen is -sigmoid(-margin) / B (and +sigmoid(-margin) / B
    for r_rejected).

    Args:
        r_chosen, r_rejected: (B,) scalar rewards of the preferred and the dispreferred answers.
    Returns:
        scalar tensor.
    """
    ### BEGIN SOLUTION
    return -F.logsigmoid(r_chosen - r_rejected).mean()
    ### END SOLUTION


def sequence_logprobs(logits, labels, mask):
    """Sum of log p(token) over the masked tokens of each sequence, for a causal language model.

    logits[:, t] is the model's prediction for token t + 1, so the prediction at position t is
    scored against labels[:, t + 1] (the shift by one):

        out[b] = sum_{t=1}^{T-1} mask[b, t] * log_softmax(logits[b, t - 1])[labels[b, t]]

    `mask[b, t] = 1` marks the tokens to count (usually the response), 0 the ones to skip (the
    prompt, padding). mask[:, 0] is never used (token 0 has no prediction), and the last
    position's logits are never used. Padding may sit anywhere after the prompt (right padding,
    or holes). At positions where the mask is 0, labels may hold any integer, including -100
    (the usual ignore index): such labels must not be gathered (replace them before `gather`).

    Args:
        logits: (B, T, V) float; labels: (B, T) int64; mask: (B, T) of 0/1 (bool, int or float).
    Returns:
        (B,) per-example log-probability (<= 0), differentiable with respect to logits, in the
        LOGITS' dtype whatever the mask's: float32 logits give float32, float64 logits give
        float64 computed in float64 throughout (the tests check both, float64 against a float64
        loop to 1e-10). Half-precision logits (float16, bfloat16) are never tested: keeping their
        dtype or computing in float32 are both fine.
    """
    ### BEGIN SOLUTION
    logits, labels, mask = logits[:, :-1], labels[:, 1:], mask[:, 1:].to(logits.dtype)  # (B, T-1, ...)
    labels = torch.where(mask > 0, labels, torch.zeros_like(labels))
    logp = torch.gather(F.log_softmax(logits, dim=-1), 2, labels.unsqueeze(-1)).squeeze(-1)  # (B, T-1)
    return (logp * mask).sum(dim=-1)
    ### END SOLUTION


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1, label_smoothing=0.0):
    """Direct Preference Optimisation loss (Rafailov et al. 2023), as TRL's "sigmoid" loss.

    Inputs are sequence log-probabilities (`sequence_logprobs`) of the chosen and rejected answers
    under the policy being trained and under the frozen reference model. With

        h = (policy_chosen - ref_chosen) - (policy_rejected - ref_rejected)
        losses = -(1 - label_smoothing) * logsigmoid(beta * h) - label_smoothing * logsigmoid(-beta * h)

    loss = losses.mean(). label_smoothing = eps in [0, 0.5) is conservative DPO (cDPO): the
    preference label is assumed flipped with probability eps. beta multiplies h INSIDE the
    sigmoid. Use a stable log-sigmoid (values of beta * h of +-100 must give finite results).

    The implicit rewards are returned for logging, DETACHED (no gradient):
        chosen_rewards = beta * (policy_chosen - ref_chosen),
        rejected_rewards = beta * (policy_rejected - ref_rejected)

    Args:
        policy_chosen, policy_rejected, ref_chosen, ref_rejected: (B,) log-probabilities.
        beta: the KL-regularisation strength (0.1 by default, as TRL).
        label_smoothing: float in [0, 0.5).
    Returns:
        (loss: scalar, chosen_rewards: (B,), rejected_rewards: (B,)).
    """
    ### BEGIN SOLUTION
    h = (policy_chosen - ref_chosen) - (policy_rejected - ref_rejected)                      # (B,)
    losses = -(1 - label_smoothing) * F.logsigmoid(beta * h) - label_smoothing * F.logsigmoid(-beta * h)
    chosen_rewards = beta * (policy_chosen - ref_chosen).detach()
    rejected_rewards = beta * (policy_rejected - ref_rejected).detach()
    return losses.mean(), chosen_rewards, rejected_rewards
    ### END SOLUTION


def kl_penalized_rewards(reward, logprobs, ref_logprobs, mask, kl_coef):
    """Per-token rewards for RLHF with PPO (InstructGPT; TRL's PPO trainer).

    Each real token is penalised for drifting from the reference model, and the reward model's
    scalar score is added at the sequence's LAST REAL token:

        rewards[b, t] = -kl_coef * (logprobs[b, t] - ref_logprobs[b, t]) * mask[b, t]
        rewards[b, last[b]] += reward[b],   last[b] = the largest t with mask[b, t] = 1

    Masked positions (padding) get exactly 0. Sequences may have different lengths (ragged
    masks); padding may also sit before the response (left padding): `last` is still the largest
    real index. Every row has at least one real token. The result need not carry gradients.

    Args:
        reward: (B,) scalar reward-model scores.
        logprobs, ref_logprobs: (B, T) per-token log-probabilities of the sampled tokens under the
            policy and under the reference model.
        mask: (B, T) of 0/1 (bool, int or float), 1 for real response tokens.
        kl_coef: float, the penalty's weight.
    Returns:
        (B, T) float rewards.
    """
    ### BEGIN SOLUTION
    mask = mask.to(logprobs.dtype)
    rewards = -kl_coef * (logprobs - ref_logprobs) * mask                        # (B, T)
    positions = torch.arange(mask.shape[1], device=mask.device)
    last = torch.where(mask > 0, positions, torch.full_like(positions, -1)).max(dim=1).values  # (B,)
    rewards[torch.arange(len(reward)), last] += reward.to(rewards.dtype)
    return rewards
    ### END SOLUTION


# ---- retrieval ----------------------------------------------------------------------------------

class BM25:
    """Okapi BM25 ranking over a tokenised corpus, with Lucene's (never negative) idf.

    corpus_tokens: a list of N documents, each a list of string tokens (tokenise before; this class
    never lower-cases or splits). For a query (a list of tokens) the score of document D is

        score(D) = sum over query tokens q of  idf(q) * f(q, D) * (k1 + 1) / (f(q, D) + k1 * (1 - b + b * |D| / avgdl))
        idf(q) = ln(1 + (N - n(q) + 0.5) / (n(q) + 0.5))

    where f(q, D) is the number of times q occurs in D, |D| its length in tokens, avgdl the mean
    document length over the corpus, and n(q) the number of documents containing q (Lucene's idf,
    always > 0; the classic Robertson–Sparck Jones idf without the "1 +" goes negative for terms in
    more than half the documents). The numerator keeps the classic (k1 + 1) factor. A token
    repeated in the query is summed once per repetition; a token in no document adds 0.
    b is applied to the DOCUMENT's length only (b = 0: no length normalisation; b = 1: full).

    Attributes to set in __init__: `self.k1`, `self.b`, `self.N`, `self.avgdl`.
    Methods:
        scores(query) -> (N,) float64 tensor, score of every document in corpus order.
        top_k(query, k) -> list of min(k, N) document indices (Python ints), best first; equal
            scores keep the smaller index first (a stable sort on -score).
    """

    def __init__(self, corpus_tokens, k1=1.5, b=0.75):
        self.k1, self.b = k1, b
        ### BEGIN SOLUTION
        self.N = len(corpus_tokens)
        self.doc_len = [len(d) for d in corpus_tokens]
        self.avgdl = sum(self.doc_len) / self.N
        self.term_freqs = []                       # one {token: count} per document
        self.doc_freq = {}                         # token -> number of documents containing it
        for doc in corpus_tokens:
            counts = {}
            for tok in doc:
                counts[tok] = counts.get(tok, 0) + 1
            self.term_freqs.append(counts)
            for tok in counts:
                self.doc_freq[tok] = self.doc_freq.get(tok, 0) + 1
        ### END SOLUTION

    def idf(self, token):
        """Lucene's idf of one token (0 documents containing it gives ln(1 + (N + 0.5) / 0.5))."""
        ### BEGIN SOLUTION
        n = self.doc_freq.get(token, 0)
        return math.log(1 + (self.N - n + 0.5) / (n + 0.5))
        ### END SOLUTION

    def scores(self, query):
        ### BEGIN SOLUTION
        out = torch.zeros(self.N, dtype=torch.float64)
        for q in query:
            if q not in self.doc_freq:
                continue
            idf = self.idf(q)
            for i, counts in enumerate(self.term_freqs):
                f = counts.get(q, 0)
                if f:
                    norm = self.k1 * (1 - self.b + self.b * self.doc_len[i] / self.avgdl)
                    out[i] += idf * f * (self.k1 + 1) / (f + norm)
        return out
        ### END SOLUTION

    def top_k(self, query, k):
        ### BEGIN SOLUTION
        order = torch.argsort(-self.scores(query), stable=True)
        return order[:k].tolist()
        ### END SOLUTION


def build_rag_prompt(question, passages, max_chars):
    """A retrieval-augmented prompt of at most `max_chars` characters, best passages first.

    `passages` is a list of strings, best first (e.g. from BM25.top_k). The prompt is exactly

        "Context:\\n" + "".join(f"[{i}] {p}\\n" for i, p in enumerate(kept, start=1))
        + "\\nQuestion: " + question + "\\nAnswer:"

    where `kept` is the longest PREFIX of `passages` for which the whole prompt has
    len(prompt) <= max_chars: passages are added in order, whole (never cut), and the first one
    that does not fit stops the list (no later passage is tried). With no passage kept the prompt
    is "Context:\\n\\nQuestion: ...\\nAnswer:". If even that exceeds max_chars, raise ValueError.

    Returns:
        the prompt (str).
    """
    ### BEGIN SOLUTION
    tail = "\nQuestion: " + question + "\nAnswer:"
    prompt = "Context:\n"
    if len(prompt) + len(tail) > max_chars:
        raise ValueError(f"max_chars={max_chars} cannot hold the question")
    for i, p in enumerate(passages, start=1):
        line = f"[{i}] {p}\n"
        if len(prompt) + len(line) + len(tail) > max_chars:
            break
        prompt += line
    return prompt + tail
    ### END SOLUTION


# ---- constitutional AI in miniature -------------------------------------------------------------

def critique_and_revise(text, principles, max_rounds=3):
    """Rule-based critique and revision, the loop of Constitutional AI (Bai et al. 2022) in miniature.

    Each principle is a dict {"pattern": regex, "critique": str, "revision": str}. A principle
    FIRES on a text when re.search(pattern, text) finds a match (Python's `re`, no flags). Then
    its critique is appended to the log and the text becomes re.sub(pattern, revision, text)
    (every match replaced; `revision` may use back-references such as \\1).

    One round applies the principles in list order, each to the text as revised so far in that
    round. Rounds repeat until a round in which no principle fires, or until `max_rounds` rounds
    have run (a revision that re-creates its own pattern must not loop forever).
    max_rounds = 0 returns the text unchanged with an empty log.

    Returns:
        (revised_text: str, log: list of the critiques (str) in the order they fired; the same
        critique appears once per time its principle fired).
    """
    ### BEGIN SOLUTION
    log = []
    for _ in range(max_rounds):
        fired = False
        for p in principles:
            if re.search(p["pattern"], text):
                log.append(p["critique"])
                text = re.sub(p["pattern"], p["revision"], text)
                fired = True
        if not fired:
            break
    return text, log
    ### END SOLUTION


# ---- mixture of experts -------------------------------------------------------------------------

def top_k_gating(router_logits, k):
    """Top-k routing: each token picks its k highest-scoring experts and mixes them.

        indices = the k largest router_logits per row, in DESCENDING order of logit (torch.topk)
        weights = softmax over the k SELECTED logits only (so each row of weights sums to 1)

    (The softmax is taken AFTER choosing the top k, as Mixtral does; a softmax over all experts
    followed by top-k would give weights that sum to less than 1.) Differentiable with respect
    to router_logits through the weights. Tests use logits without ties.

    Args:
        router_logits: (B, E) float; k: int, 1 <= k <= E.
    Returns:
        (weights: (B, k) float, indices: (B, k) int64).
    """
    ### BEGIN SOLUTION
    top_logits, indices = torch.topk(router_logits, k, dim=-1)   # (B, k) each, descending
    return F.softmax(top_logits, dim=-1), indices
    ### END SOLUTION


def load_balancing_loss(router_probs, expert_indices, n_experts):
    """Switch Transformer auxiliary loss (Fedus et al. 2021) that pushes routing towards balance.

        loss = N * sum_i f_i * P_i
        f_i = (number of entries of expert_indices equal to i) / (B * k)   (fraction of assignments)
        P_i = mean over the B tokens of router_probs[:, i]                  (mean router probability)

    with N = n_experts. It equals 1 at perfect balance (f_i = P_i = 1/N) for every k, and N when
    every token goes to one expert with probability 1. f is a count and carries no gradient;
    the gradient flows through P (router_probs).

    Args:
        router_probs: (B, N) softmax over ALL experts' router logits (rows sum to 1).
        expert_indices: (B, k) int64, the experts each token was sent to.
        n_experts: N.
    Returns:
        scalar tensor.
    """
    ### BEGIN SOLUTION
    counts = torch.bincount(expert_indices.reshape(-1), minlength=n_experts).to(router_probs.dtype)
    f = counts / expert_indices.numel()                          # (N,)
    P = router_probs.mean(dim=0)                                 # (N,)
    return n_experts * (f * P).sum()
    ### END SOLUTION


class MoELayer(nn.Module):
    """A sparse mixture-of-experts feed-forward layer with top-k routing.

    Parts (keep the names and layout: the tests copy weights into them with load_state_dict):
        self.router  = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList of n_experts copies of
                       nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))
    (state_dict keys: "router.weight", "experts.{i}.0.weight", "experts.{i}.0.bias",
    "experts.{i}.2.weight", "experts.{i}.2.bias"; nn.GELU is the exact, erf form.)
    Store `self.n_experts` and `self.k`.

    forward(x: (..., d_model)) -> (..., d_model). Every token (each vector along the last dim) is
    routed on its own:
        logits = self.router(x_token);  weights, indices = top_k_gating(logits, k)
        y_token = sum_j weights[j] * self.experts[indices[j]](x_token)
    Only the selected experts run on a token (an expert no token selects gets no gradient).
    forward also stores, for the load-balancing loss, with x flattened to (B', d_model) tokens:
        self.router_probs = softmax(logits over all experts)   (B', n_experts), with gradient
        self.expert_indices = indices                          (B', k)
    Tests compare with a per-token loop within atol 1e-5.
    """

    def __init__(self, d_model, d_ff, n_experts, k):
        super().__init__()
        self.n_experts, self.k = n_experts, k
        ### BEGIN SOLUTION
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model)) for _ in range(n_experts))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        shape = x.shape
        x = x.reshape(-1, shape[-1])                                  # (B', d_model)
        logits = self.router(x)                                       # (B', n_experts)
        weights, indices = top_k_gating(logits, self.k)               # (B', k) each
        self.router_probs, self.expert_indices = F.softmax(logits, dim=-1), indices
        y = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            token, slot = torch.nonzero(indices == e, as_tuple=True)  # tokens routed to expert e
            if len(token):
                y.index_add_(0, token, weights[token, slot, None] * expert(x[token]))
        return y.reshape(shape)
        ### END SOLUTION


# ---- scaling laws -------------------------------------------------------------------------------

def fit_power_law(n, loss):
    """Fit loss = E + A * n^(-alpha) (a saturating power law, as in Kaplan et al. / Chinchilla).

    E is the irreducible loss, A the scale and alpha > 0 the exponent. Any sound least-squares
    method is accepted. One: a grid over E in [0, min(loss)) with, for each E, a straight-line fit
    of log(loss - E) against log(n) (giving log A and -alpha), keeping the E with the smallest
    squared error of log(loss); then refine E ONLY (a 1-D search, e.g. golden section, between the
    grid points either side of the best one), taking A and alpha from the straight-line fit at the
    refined E. That is what the reference does. Refining all three jointly instead (least squares
    on log(loss) over (E, log A, alpha) from the grid's answer, e.g. scipy.optimize.least_squares
    or curve_fit) is equally accepted: the tests check only the bounds below, which both meet
    (calibration/alignment_power_law.txt). Fitting log(loss) against log(n) without E is not
    this model.

    What the tests check: K = 16 points, n log-spaced over [1e4, 1e10], E in [1, 3], alpha in
    [0.25, 0.5], A set so the reducible part A * n^(-alpha) is 1 to 4 times E at n = 1e4, and
    loss multiplied by exp(0.001 * noise), noise ~ N(0, 1); E, A and alpha must come back within
    2%, 30% and 6% (relative) of the truth: about 3x the worst error of the log-space grid fit above
    over 1000 such data sets (A and alpha trade off against each other, hence A's wider bound).
    Without noise the fit must be exact to 1e-3 relative.

    Args:
        n: (K,) positive sizes (tensor or list); loss: (K,) losses, all > E.
    Returns:
        (E, A, alpha) as Python floats.
    """
    ### BEGIN SOLUTION
    log_n = torch.as_tensor(n, dtype=torch.float64).log()
    loss = torch.as_tensor(loss, dtype=torch.float64)

    def fit_given(E):                                  # straight line: log(loss - E) = log A - alpha log n
        y = (loss - E).log()
        X = torch.stack([torch.ones_like(log_n), -log_n], dim=1)           # (K, 2)
        log_A, alpha = torch.linalg.lstsq(X, y.unsqueeze(1)).solution.squeeze(1).tolist()
        pred = E + math.exp(log_A) * torch.exp(-alpha * log_n)
        return ((pred.log() - loss.log()) ** 2).sum().item(), math.exp(log_A), alpha

    top = loss.min().item()
    grid = [top * i / 400 for i in range(400)]        # E in [0, min(loss))
    errs = [fit_given(E)[0] for E in grid]
    i = min(range(len(grid)), key=errs.__getitem__)
    lo = grid[max(i - 1, 0)]
    hi = grid[i + 1] if i + 1 < len(grid) else top * (1 - 1e-9)
    for _ in range(60):                                # golden-section refinement of E
        m1, m2 = lo + 0.382 * (hi - lo), lo + 0.618 * (hi - lo)
        if fit_given(m1)[0] < fit_given(m2)[0]:
            hi = m2
        else:
            lo = m1
    E = 0.5 * (lo + hi)
    _, A, alpha = fit_given(E)
    return E, A, alpha
    ### END SOLUTION


# ---- watermarking -------------------------------------------------------------------------------

HASH_PRIME = 2_147_483_647   # 2^31 - 1


def green_list(prev_token, vocab_size, gamma, key):
    """The green list of Kirchenbauer et al. (2023) after `prev_token`: a bool (V,) mask.

    Defined exactly, with integer arithmetic, so that every implementation agrees. With
    P = 2_147_483_647 (2^31 - 1), integers key and prev_token in [0, 2^31) and v = 0 .. V - 1:

        s    = (key * 1_000_003 + prev_token) % P
        h1   = (s * 48_271 + v + 1) % P
        h2   = (h1 * h1 + s) % P
        h(v) = (h2 * h2 + v) % P

    (All intermediate values stay below 2^63, so int64 tensor arithmetic is exact; Python ints are
    exact anyway.) Sort the tokens by h(v), ascending, with ties broken by the smaller v (a stable
    sort). The first G = round(gamma * vocab_size) tokens are green: mask[v] = True for them,
    False for the other V - G. round is Python's built-in round of the float product, which
    rounds a half to the EVEN integer: gamma = 0.25, V = 10 gives round(2.5) = 2 green tokens,
    V = 14 gives round(3.5) = 4 (floor(x + 0.5) would give 3 for V = 10; int() truncates 3.5 to
    3). The tests use such halves. The list depends on the PREVIOUS token only, never on
    the token being scored.

    Args:
        prev_token: int; vocab_size: V; gamma: float in (0, 1), the green fraction; key: int.
    Returns:
        (V,) bool tensor with exactly G True entries.
    """
    ### BEGIN SOLUTION
    P = HASH_PRIME
    s = (int(key) * 1_000_003 + int(prev_token)) % P
    v = torch.arange(vocab_size, dtype=torch.int64)
    h1 = (s * 48_271 + v + 1) % P
    h2 = (h1 * h1 + s) % P
    h = (h2 * h2 + v) % P
    green = torch.zeros(vocab_size, dtype=torch.bool)
    green[torch.argsort(h, stable=True)[:round(gamma * vocab_size)]] = True
    return green
    ### END SOLUTION


def watermark_logits(logits, prev_tokens, delta, gamma, key):
    """Soft watermark: add delta to the logits of the green tokens of each row's previous token.

        out[b, v] = logits[b, v] + delta * green_list(prev_tokens[b], V, gamma, key)[v]

    Red tokens are unchanged; the input tensor is not modified (return a new tensor).
    The tests sample T = 200 tokens from a random bigram model through this function (delta = 2,
    gamma = 0.25) and expect detect_watermark's z > 4 for every sequence (the reference gives
    z = 13.3 on average, sd 1.3).

    Args:
        logits: (B, V) float; prev_tokens: (B,) int64; delta: float; gamma: float; key: int.
    Returns:
        (B, V) float, same dtype and device as logits.
    """
    ### BEGIN SOLUTION
    V = logits.shape[-1]
    green = torch.stack([green_list(int(p), V, gamma, key) for p in prev_tokens]).to(logits.device)  # (B, V)
    return logits + delta * green.to(logits.dtype)
    ### END SOLUTION


def detect_watermark(tokens, vocab_size, gamma, key):
    """The one-proportion z-test of Kirchenbauer et al.: how many tokens are green?

    tokens is a 1-D sequence t_0 .. t_T (length T + 1 >= 2). Token t_i (i = 1 .. T) is green when
    green_list(t_{i-1}, vocab_size, gamma, key)[t_i] is True (t_0 is not scored). With |s|_G the
    number of green tokens among the T scored ones:

        z = (|s|_G - gamma * T) / sqrt(T * gamma * (1 - gamma))

    (gamma as given, not G / V). For text written without the watermark, z is approximately
    N(0, 1); watermarked text gives large positive z (z > 4 is the usual detection threshold).

    Args:
        tokens: (T + 1,) int64 tensor (or list of ints); vocab_size, gamma, key as in green_list.
    Returns:
        z as a Python float (float32 arithmetic is fine: tests compare z within 1e-5).
    """
    ### BEGIN SOLUTION
    tokens = [int(t) for t in tokens]
    T = len(tokens) - 1
    greens = sum(bool(green_list(prev, vocab_size, gamma, key)[tok]) for prev, tok in zip(tokens[:-1], tokens[1:]))
    return (greens - gamma * T) / math.sqrt(T * gamma * (1 - gamma))
    ### END SOLUTION
