"""Assertions for tests (public and hidden) that keep the expected-versus-got detail.

`torch.testing.assert_close(..., msg="...")` REPLACES torch's message (shapes, mismatched
elements, greatest difference) with yours. `expect_close` keeps torch's and adds a hint:

    expect_close(kl, torch.full((5,), 4.0), hint="summed, not averaged, over latent dims")
"""
import math

import torch


def expect_close(actual, expected, hint="", **tolerances):
    """assert_close with torch's own report, a few expected and received values (as pytest shows
    them), then `hint` (the likely mistake)."""
    if not isinstance(actual, torch.Tensor):
        raise AssertionError(f"expected a tensor, got {type(actual).__name__}: {actual!r:.200}"
                             + (f"\nHint: {hint}" if hint else ""))

    def message(m):
        return "\n".join(part for part in (m, _values(actual, expected, tolerances), f"Hint: {hint}" if hint else "") if part)
    torch.testing.assert_close(actual, expected, msg=message, **tolerances)


def _fmt(t):
    return ", ".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in t.tolist())


def _values(actual, expected, tolerances, limit=5):
    """At most `limit` of the worst positions, each with the expected and the received value."""
    try:
        a, e = actual.detach().cpu(), torch.as_tensor(expected).detach().cpu()
        if a.dim() == 0 and e.dim() == 0:
            return ""  # torch's own report already shows both scalars
        if a.shape != e.shape:
            return (f"Expected shape {tuple(e.shape)}: [{_fmt(e.flatten()[:limit])}{', ...' if e.numel() > limit else ''}]\n"
                    f"Received shape {tuple(a.shape)}: [{_fmt(a.flatten()[:limit])}{', ...' if a.numel() > limit else ''}]")
        if not (a.dtype.is_floating_point or e.dtype.is_floating_point) or a.numel() == 0:
            wrong = (a != e).flatten()
            diff = wrong.double()
        else:
            ad, ed = a.double(), e.double()
            rtol, atol = tolerances.get("rtol", 1.3e-6), tolerances.get("atol", 1e-5)
            diff = ((ad - ed).abs() - atol - rtol * ed.abs()).flatten().nan_to_num(nan=float("inf"))
            diff = torch.where((ad.isnan() & ed.isnan()).flatten(), -1.0, diff)
            wrong = diff > 0
        worst = [i for i in diff.argsort(descending=True)[:limit].tolist() if wrong[i]]
        if not worst:
            return ""
        lines = [f"Worst {len(worst)} of {int(wrong.sum())} mismatched element(s):"]
        for i in worst:
            index = tuple(int(j) for j in torch.unravel_index(torch.tensor(i), a.shape)) if a.dim() else ()
            lines.append(f"  at {list(index)}: expected {_fmt(e.flatten()[i:i + 1])}, received {_fmt(a.flatten()[i:i + 1])}")
        return "\n".join(lines)
    except Exception:  # the report must never hide torch's own message
        return ""


def random_mlp_state(*sizes):
    """Random weights for nn.Sequential(Linear(sizes[0], sizes[1]), <activation>, Linear, ...),
    keyed as its state_dict ("0.weight", "0.bias", "2.weight", ...): a model the judge can send
    to a probe, which builds the same plain MLP around them."""
    state = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        state[f"{2 * i}.weight"] = torch.randn(n_out, n_in) / math.sqrt(n_in)
        state[f"{2 * i}.bias"] = 0.1 * torch.randn(n_out)
    return state


def green_list_by_hand(prev_token, vocab_size, gamma, key):
    """Unit 10's watermark green list, computed from its docstring's hash in plain Python integers:
    the judge's own computation, independent of any torch arithmetic a student might share."""
    prime = 2**31 - 1
    seed = (key * 1000003 + prev_token) % prime
    scored = []
    for v in range(vocab_size):
        first = (seed * 48271 + v + 1) % prime
        second = (first ** 2 + seed) % prime
        scored.append(((second ** 2 + v) % prime, v))
    green = torch.zeros(vocab_size, dtype=torch.bool)
    for _, v in sorted(scored)[:round(gamma * vocab_size)]:
        green[v] = True
    return green
