"""A second correct genlab.alignment, written from the docstrings: plain loops, Python integers,
cross_entropy for the log-probs, a per-token MoE loop and scipy's least_squares for the power law."""
import math
import re
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy.optimize import least_squares


def reward_model_loss(r_chosen, r_rejected):
    return F.softplus(r_rejected - r_chosen).mean()


def sequence_logprobs(logits, labels, mask):
    keep = mask[:, 1:].bool()
    targets = labels[:, 1:].masked_fill(~keep, -100)
    nll = F.cross_entropy(logits[:, :-1].transpose(1, 2), targets, ignore_index=-100, reduction="none")
    return -nll.sum(dim=1)


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1, label_smoothing=0.0):
    chosen = beta * (policy_chosen - ref_chosen)
    rejected = beta * (policy_rejected - ref_rejected)
    margin = chosen - rejected
    loss = (1 - label_smoothing) * F.softplus(-margin) + label_smoothing * F.softplus(margin)
    return loss.mean(), chosen.detach(), rejected.detach()


def kl_penalized_rewards(reward, logprobs, ref_logprobs, mask, kl_coef):
    out = torch.zeros_like(logprobs)
    for b in range(logprobs.shape[0]):
        real = [t for t in range(logprobs.shape[1]) if mask[b, t]]
        for t in real:
            out[b, t] = -kl_coef * (logprobs[b, t] - ref_logprobs[b, t])
        out[b, real[-1]] += reward[b]
    return out


class BM25:
    def __init__(self, corpus_tokens, k1=1.5, b=0.75):
        self.k1, self.b = k1, b
        self.N = len(corpus_tokens)
        self.counts = [Counter(doc) for doc in corpus_tokens]
        self.lengths = np.array([len(doc) for doc in corpus_tokens], dtype=np.float64)
        self.avgdl = float(self.lengths.mean())
        self.df = Counter(tok for c in self.counts for tok in c)

    def scores(self, query):
        total = np.zeros(self.N)
        denom_len = self.k1 * (1 - self.b + self.b * self.lengths / self.avgdl)
        for q in query:
            n = self.df.get(q, 0)
            idf = np.log1p((self.N - n + 0.5) / (n + 0.5))
            f = np.array([c.get(q, 0) for c in self.counts], dtype=np.float64)
            total += idf * f * (self.k1 + 1) / (f + denom_len)
        return torch.from_numpy(total)

    def top_k(self, query, k):
        s = self.scores(query).tolist()
        return sorted(range(self.N), key=lambda i: (-s[i], i))[:k]


def build_rag_prompt(question, passages, max_chars):
    ending = f"\nQuestion: {question}\nAnswer:"
    lines = []
    for p in passages:
        candidate = "Context:\n" + "".join(f"[{i + 1}] {x}\n" for i, x in enumerate(lines + [p])) + ending
        if len(candidate) > max_chars:
            break
        lines.append(p)
    prompt = "Context:\n" + "".join(f"[{i + 1}] {x}\n" for i, x in enumerate(lines)) + ending
    if len(prompt) > max_chars:
        raise ValueError("the question does not fit in max_chars")
    return prompt


def critique_and_revise(text, principles, max_rounds=3):
    log, rounds = [], 0
    while rounds < max_rounds:
        rounds += 1
        before = len(log)
        for rule in principles:
            compiled = re.compile(rule["pattern"])
            if compiled.search(text) is not None:
                log.append(rule["critique"])
                text = compiled.sub(rule["revision"], text)
        if len(log) == before:
            break
    return text, log


def top_k_gating(router_logits, k):
    sorted_logits, order = torch.sort(router_logits, dim=-1, descending=True)
    chosen = sorted_logits[:, :k]
    e = torch.exp(chosen - chosen[:, :1])
    return e / e.sum(dim=-1, keepdim=True), order[:, :k]


def load_balancing_loss(router_probs, expert_indices, n_experts):
    one_hot = F.one_hot(expert_indices, n_experts).to(router_probs.dtype)   # (B, k, N)
    fraction = one_hot.sum(dim=(0, 1)) / (expert_indices.shape[0] * expert_indices.shape[1])
    return n_experts * torch.dot(fraction, router_probs.mean(dim=0))


class MoELayer(nn.Module):
    def __init__(self, d_model, d_ff, n_experts, k):
        super().__init__()
        self.n_experts, self.k = n_experts, k
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList()
        for _ in range(n_experts):
            self.experts.append(nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model)))

    def forward(self, x):
        flat = x.reshape(-1, x.shape[-1])
        logits = self.router(flat)
        self.router_probs = torch.softmax(logits, dim=-1)
        weights, indices = top_k_gating(logits, self.k)
        self.expert_indices = indices
        rows = []
        for t in range(flat.shape[0]):
            row = 0
            for j in range(self.k):
                row = row + weights[t, j] * self.experts[int(indices[t, j])](flat[t])
            rows.append(row)
        return torch.stack(rows).reshape(x.shape)


def fit_power_law(n, loss):
    n = np.asarray(torch.as_tensor(n, dtype=torch.float64))
    loss = np.asarray(torch.as_tensor(loss, dtype=torch.float64))
    slope, intercept = np.polyfit(np.log(n), np.log(loss - 0.5 * loss.min()), 1)
    start = [0.5 * loss.min(), intercept, -slope]

    def residuals(p):
        E, log_A, alpha = p
        return np.log(E + np.exp(log_A - alpha * np.log(n))) - np.log(loss)

    fit = least_squares(residuals, start, bounds=([0, -np.inf, 0], [loss.min(), np.inf, 5]), xtol=1e-14, ftol=1e-14)
    E, log_A, alpha = fit.x
    return float(E), float(math.exp(log_A)), float(alpha)


def green_list(prev_token, vocab_size, gamma, key):
    P = 2**31 - 1
    s = (key * 1_000_003 + prev_token) % P

    def h(v):
        a = (s * 48_271 + v + 1) % P
        b = (a * a + s) % P
        return (b * b + v) % P

    ranked = sorted(range(vocab_size), key=lambda v: (h(v), v))
    mask = torch.zeros(vocab_size, dtype=torch.bool)
    mask[ranked[:round(gamma * vocab_size)]] = True
    return mask


def watermark_logits(logits, prev_tokens, delta, gamma, key):
    out = logits.clone()
    for b, prev in enumerate(prev_tokens.tolist()):
        out[b, green_list(prev, logits.shape[-1], gamma, key).to(logits.device)] += delta
    return out


def detect_watermark(tokens, vocab_size, gamma, key):
    tokens = list(map(int, tokens))
    T = len(tokens) - 1
    hits = 0
    for i in range(1, len(tokens)):
        hits += int(green_list(tokens[i - 1], vocab_size, gamma, key)[tokens[i]])
    return (hits - gamma * T) / math.sqrt(T * gamma * (1 - gamma))
