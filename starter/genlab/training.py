"""Small, generic training loops with a progress bar (provided in full).

    history = training.fit(model, loss_fn, x_train, steps=500, batch_size=128, lr=1e-3)

`loss_fn(model, batch)` returns a scalar tensor; `fit` runs Adam and returns the loss per step.
For anything unusual (two optimizers, a GAN), write the step yourself and drive it with `run`:

    history = training.run(step, training.batches(x_train, batch_size=128), steps=500)
"""
import os

import torch
from tqdm.auto import tqdm


def batches(*tensors, batch_size=128, shuffle=True):
    """Endless minibatches of the given tensors (sliced together along dim 0).

    Yields a tensor when given one, a tuple when given several. Reshuffles after every epoch.
    """
    n = len(tensors[0])
    while True:
        order = torch.randperm(n) if shuffle else torch.arange(n)
        for start in range(0, n - batch_size + 1 if n >= batch_size else 1, batch_size):
            idx = order[start:start + batch_size]
            out = tuple(t[idx] for t in tensors)
            yield out[0] if len(out) == 1 else out


def _show_progress(progress):
    if progress is not None:
        return progress
    return os.environ.get("GENLAB_PROGRESS", "1") != "0"


def run(step, data, steps, desc="training", progress=None, log_every=10):
    """Call `step(batch)` for `steps` batches of `data`; return the list of what it returned.

    `step` returns a float (or a dict of floats, e.g. {"d_loss": .., "g_loss": ..}); the bar shows
    the latest value every `log_every` steps.
    """
    history = []
    bar = tqdm(range(steps), desc=desc, disable=not _show_progress(progress), leave=False)
    for i, batch in zip(bar, data):
        value = step(batch)
        history.append(value)
        if i % log_every == 0:
            shown = value if isinstance(value, dict) else {"loss": value}
            bar.set_postfix({k: f"{v:.4g}" for k, v in shown.items()})
    return history


def fit(model, loss_fn, x, steps, batch_size=128, lr=1e-3, desc="training", progress=None):
    """Adam on all of `model`'s parameters; `loss_fn(model, batch)` is minimised. Returns losses."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()

    def step(batch):
        loss = loss_fn(model, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    history = run(step, batches(x, batch_size=batch_size), steps, desc=desc, progress=progress)
    model.eval()
    return history
