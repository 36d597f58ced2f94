"""Attacks on unit 10 (genlab.alignment): cheats that try to pass its statistical tests (the
power-law fit on noisy data, the detection of watermarked generation) without doing the work they
grade. `python -m autograder verify --units alignment` grades each on its targets only; every
target must earn 0.

Unit 10 is not a project, so not every kind is needed. The cheats are the baselines of
autograder/hidden/calibration/alignment_power_law.py and alignment_watermark.py (.txt: their
scores), written into the reference as a student would; each is filed under the nearest kind (a
fixed rule or a fixed list in place of the fitted or keyed one is a constant).

Not here, on purpose: a 400-point grid over E without refinement passes the power-law test (95 of
100 runs in the calibration). It is the documented least-squares fit at resolution min(loss) / 400,
as accurate as the bounds ask, not a fake.

What stops them: eight fresh noisy data sets per run, each within 2%, 30% and 6% of the true (E, A,
alpha) (the cheap fits pass 25% to 40% of single data sets, hence 8: per run 1.3e-5 and 5.9e-4);
the watermarked tokens are scored by the REFERENCE detector (z > 4 for all 4 sequences), and
watermark_logits is checked exactly against the documented green lists.
"""
from autograder.attacks import Attack

F = "alignment.py"
POWER_LAW_NOISY = ("test_fit_power_law_recovers_the_parameters_from_noisy_data",)
POWER_LAW_BOTH = ("test_fit_power_law_is_exact_without_noise",) + POWER_LAW_NOISY
WATERMARK = ("test_watermarked_generation_from_a_small_model_is_detected",
             "test_watermark_logits_adds_delta_to_green_tokens_only")

GRID = """    top = loss.min().item()
    grid = [top * i / 400 for i in range(400)]        # E in [0, min(loss))
    errs = [fit_given(E)[0] for E in grid]
    i = min(range(len(grid)), key=errs.__getitem__)
"""
WATERMARK_BODY = """    V = logits.shape[-1]
    green = torch.stack([green_list(int(p), V, gamma, key) for p in prev_tokens]).to(logits.device)  # (B, V)
    return logits + delta * green.to(logits.dtype)
"""


def _green_of(expression):
    """watermark_logits with the green list of each row replaced by `expression` (in p, V, gamma, key)."""
    return ((WATERMARK_BODY, f"""    V = logits.shape[-1]
    green = torch.stack([{expression} for p in prev_tokens.tolist()]).to(logits.device)  # (B, V)
    return logits + delta * green.to(logits.dtype)
"""),)


ATTACKS = [
    # ---- fit_power_law -----------------------------------------------------------------------------
    Attack("power-law-E-is-the-last-loss-minus-1-percent", "constant", F, POWER_LAW_NOISY,
           edits=((GRID, """    E = 0.99 * loss[-1].item()                         # the largest n's loss, a little lower: "about E"
    _, A, alpha = fit_given(E)
    return E, A, alpha
""" + GRID),),
           how="E is read off as the loss at the largest n minus 1%, then a log-log line gives A and alpha: no "
               "search over E (passes about 25% of single data sets)"),
    Attack("power-law-coarse-grid-without-refinement", "constant", F, POWER_LAW_NOISY,
           edits=((GRID, """    top = loss.min().item()
    grid = [top * i / 40 for i in range(40)]          # a coarse grid over E
    errs = [fit_given(E)[0] for E in grid]
    i = min(range(len(grid)), key=errs.__getitem__)
    return grid[i], *fit_given(grid[i])[1:]            # the best grid point, not refined
"""),),
           how="the grid over E has 40 points and its best point is returned unrefined (passes about 40% of single "
               "data sets)"),
    Attack("power-law-constants-from-the-documented-ranges", "constant", F, POWER_LAW_BOTH,
           edits=((GRID, """    return 2.0, 2.5 * 2.0 * 1e4 ** 0.375, 0.375       # the middle of the documented ranges
""" + GRID),),
           how="returns the middle of the docstring's ranges (E 2, alpha 0.375, A at ratio 2.5), whatever the data"),

    # ---- watermark_logits --------------------------------------------------------------------------
    Attack("watermark-no-watermark", "constant", F, WATERMARK,
           edits=((WATERMARK_BODY, "    return logits.clone()                             # delta 0: nothing added\n"),),
           how="watermark_logits returns the logits unchanged (a copy): the text carries no watermark"),
    Attack("watermark-none-but-the-detector-says-yes", "constant", F, WATERMARK,
           edits=((WATERMARK_BODY, "    return logits.clone()                             # delta 0: nothing added\n"),
                  ("    tokens = [int(t) for t in tokens]\n    T = len(tokens) - 1\n",
                   "    return 12.0                                        # 'detected', whatever the tokens\n"
                   "    tokens = [int(t) for t in tokens]\n    T = len(tokens) - 1\n")),
           how="no watermark, and the student's own detect_watermark answers z = 12 for anything (the judge scores "
               "the tokens with its own detector)"),
    Attack("watermark-key-ignored", "constant", F, WATERMARK,
           edits=_green_of("green_list(p, V, gamma, 0)"),
           how="the green lists are those of key 0, whatever the key"),
    Attack("watermark-wrong-previous-token", "constant", F, WATERMARK,
           edits=_green_of("green_list((p + 1) % V, V, gamma, key)"),
           how="each row's green list is that of the token after the previous one (prev + 1)"),
    Attack("watermark-unhashed-green-list", "constant", F, WATERMARK,
           edits=_green_of("torch.zeros(V, dtype=torch.bool).index_fill_(0, torch.randperm(V)[:round(gamma * V)], True)"),
           how="the green list is round(gamma V) tokens drawn with torch.randperm, not the documented hash of the "
               "key and the previous token"),
    Attack("watermark-first-token-ids-green", "constant", F, WATERMARK,
           edits=_green_of("torch.arange(V) < round(gamma * V)"),
           how="the first round(gamma V) token ids are green for every previous token and key, no hash"),
]
