"""Worker-side probes for the hidden multimodal suite. They run the student's code and return data only.

The public probes (tests/probes/multimodal.py, loaded as genlab_probes.multimodal) already build
the student's models from (config, state); the probes here are the two training runs. Each starts
the student's model from the weights the judge seeded, trains it on the TRAINING digits it is
handed (nothing else: the test digits, fresh captions, prompts and the judge's sampling noise never
enter the worker), and returns the trained state_dict and a few losses for feedback. The judge
loads the weights into its own reference model and measures everything itself; the tests run these
probes isolated (a forked copy of the worker), so nothing the student's code installs survives them.
"""
import torch


def _every(steps, n=6):
    """The steps whose loss is reported back (a few, for the student's feedback)."""
    return {round(i * (steps - 1) / (n - 1)) for i in range(n)}


def train_tiny_clip(genlab, initial, images, caption_tokens, config, steps, batch_size, lr):
    """Project 5: the student's TinyCLIP, started from the judge's weights `initial`, trained with
    the student's forward and clip_loss on the training digits and their captions.

    caption_tokens (S, N, L): S caption draws for each of the N training digits; step s uses draw
    s % S. Returns {"state": the trained state_dict, "losses": a few of the training losses}."""
    torch.set_num_threads(1)
    mm = genlab.multimodal
    model = mm.TinyCLIP(**config)
    model.load_state_dict(initial)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses, report = [], _every(steps)
    for step in range(steps):
        i = torch.randint(0, len(images), (batch_size,))
        image_emb, text_emb, logit_scale = model(images[i], caption_tokens[step % len(caption_tokens)][i])
        loss = mm.clip_loss(image_emb, text_emb, logit_scale)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step in report:
            losses.append(loss.item())
    return {"state": dict(model.state_dict()), "losses": losses}


def train_guided_denoiser(genlab, initial, x, labels, config, steps, batch_size, lr):
    """The student's ConditionalDenoiser, started from the judge's weights `initial`, trained with
    the student's loss (label dropout with p_uncond) on the training digits in [-1, 1].
    Returns {"state": the trained state_dict, "losses": a few of the training losses}."""
    torch.set_num_threads(1)
    model = genlab.multimodal.ConditionalDenoiser(**config)
    model.load_state_dict(initial)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses, report = [], _every(steps)
    for step in range(steps):
        i = torch.randint(0, len(x), (batch_size,))
        loss = model.loss(x[i], labels[i])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step in report:
            losses.append(loss.item())
    return {"state": dict(model.state_dict()), "losses": losses}
