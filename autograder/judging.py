"""The judge's side of a training probe: the worker trains, the judge evaluates.

A training probe (run with `worker.probe(..., isolated=True)`) trains the student's model on data
the judge hands it and returns the trained `state_dict`: plain tensors under the parameter names
the model's docstring documents. The judge loads them into its OWN copy of the architecture (the
reference class, built here) and does all sampling, generation, embedding and loss evaluation
itself, on data the worker never saw. Nothing the student's code did to its own model object (a
hook, a replaced forward, an extra attribute holding the data) reaches those numbers: only the
weights cross, and they must fit the documented architecture exactly.

    state = worker.probe("vae.train_on_digits", isolated=True, initial=initial, ...)["state"]
    model = load_weights(ref.VAE(64, 128, 4), state, "your trained VAE")
    assert_learned(initial, state, "your trained VAE")
"""
import torch


def load_weights(model, state, what):
    """Load `state` (a state_dict from the worker) into the judge's `model`, strictly, and return it.

    Raises AssertionError, worded for the student, when it is not a dict of tensors, misses or
    adds keys, has a wrong shape, or holds a non-finite value. Floating tensors are cast to the
    model's dtype (a float64 model trained in the worker is judged as float32)."""
    if type(state) is not dict or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise AssertionError(f"{what}: the training returned {type(state).__name__}, not a state_dict of tensors")
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if missing or unexpected:
        raise AssertionError(
            f"{what}: its state_dict does not have the documented parameter names"
            + (f"; missing {missing[:8]}" if missing else "") + (f"; unexpected {unexpected[:8]}" if unexpected else "")
            + ". Name the layers as the class docstring says: the judge loads your weights into its own copy.")
    shapes = [f"{k} {tuple(state[k].shape)} (expected {tuple(v.shape)})" for k, v in expected.items()
              if state[k].shape != v.shape]
    if shapes:
        raise AssertionError(f"{what}: parameters of the wrong shape: {', '.join(shapes[:8])}")
    bad = [k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise AssertionError(f"{what}: non-finite weights after training in {bad[:8]} (a diverging loss?)")
    model.load_state_dict({k: state[k].to(v.dtype) for k, v in expected.items()}, strict=True)
    return model


def unchanged(initial, trained, rtol=1e-3):
    """Names of the floating tensors of `initial` that `trained` left where they started: the
    largest change is at most rtol times the largest initial magnitude (plus 1e-8)."""
    same = []
    for name, before in initial.items():
        after = trained.get(name)
        if not before.is_floating_point() or after is None or after.shape != before.shape:
            continue
        if (after.double() - before.double()).abs().max() <= rtol * before.double().abs().max() + 1e-8:
            same.append(name)
    return same


def assert_learned(initial, trained, what, rtol=1e-3, allowed=()):
    """Every parameter tensor moved from the initialisation the judge sent (except `allowed`):
    weights handed back untouched, or set without training, fail here."""
    same = [n for n in unchanged(initial, trained, rtol) if n not in allowed]
    assert not same, (f"{what}: these parameters never moved from the initial weights the judge sent: {same[:8]}. "
                      "The training must update every layer (is the optimizer given model.parameters(), and does "
                      "the loss reach every layer?)")


def init_similarity(initial, trained, min_numel=256):
    """{name: cosine similarity between the initial and the trained tensor} for the floating
    tensors with at least `min_numel` elements.

    Training from the judge's (fresh, random) initialisation leaves a trace of it in the big weight
    matrices; weights trained elsewhere and shipped in the submission, or crafted by hand, are
    unrelated to this run's initialisation (similarity about 0 +- 1/sqrt(numel)). Calibrate a lower
    bound on the reference before using it: how much of the initialisation survives depends on the
    learning rate and the number of steps."""
    out = {}
    for name, before in initial.items():
        after = trained.get(name)
        if before.is_floating_point() and before.numel() >= min_numel and after is not None and after.shape == before.shape:
            a, b = before.double().flatten(), after.double().flatten()
            out[name] = float(a @ b / (a.norm() * b.norm() + 1e-12))
    return out
