"""Assertions for tests (public and hidden) that keep the expected-versus-got detail.

`torch.testing.assert_close(..., msg="...")` REPLACES torch's message (shapes, mismatched
elements, greatest difference) with yours. `expect_close` keeps torch's and adds a hint:

    expect_close(kl, torch.full((5,), 4.0), hint="summed, not averaged, over latent dims")
"""
import math

import torch


def expect_close(actual, expected, hint="", **tolerances):
    """assert_close with torch's own report, followed by `hint` (the likely mistake)."""
    if not isinstance(actual, torch.Tensor):
        raise AssertionError(f"expected a tensor, got {type(actual).__name__}: {actual!r:.200}"
                             + (f"\nHint: {hint}" if hint else ""))
    torch.testing.assert_close(actual, expected, msg=lambda m: f"{m}\nHint: {hint}" if hint else m, **tolerances)


def random_mlp_state(*sizes):
    """Random weights for nn.Sequential(Linear(sizes[0], sizes[1]), <activation>, Linear, ...),
    keyed as its state_dict ("0.weight", "0.bias", "2.weight", ...): a model the judge can send
    to a probe, which builds the same plain MLP around them."""
    state = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        state[f"{2 * i}.weight"] = torch.randn(n_out, n_in) / math.sqrt(n_in)
        state[f"{2 * i}.bias"] = 0.1 * torch.randn(n_out)
    return state
