"""Worker-side probes for the hidden multimodal suite. They run the student's code and return data only.

The public probes (tests/probes/multimodal.py, loaded as genlab_probes.multimodal) already build
the student's models from (config, state); the probes here add the two training runs.
"""
import torch


def train_tiny_clip(genlab, images, caption_tokens, test_images, test_tokens, prompts, config, steps, batch_size, lr):
    """Project 5: train the student's TinyCLIP with the student's clip_loss on digits and captions.

    caption_tokens (S, N, L): S caption draws for each of the N training digits; step s uses draw
    s % S. Returns the test embeddings (the judge measures recall and accuracy itself) and the
    student's zero_shot_classify on the test digits."""
    torch.set_num_threads(1)
    mm = genlab.multimodal
    model = mm.TinyCLIP(**config)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(steps):
        i = torch.randint(0, len(images), (batch_size,))
        image_emb, text_emb, logit_scale = model(images[i], caption_tokens[step % len(caption_tokens)][i])
        loss = mm.clip_loss(image_emb, text_emb, logit_scale)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        return {"image_emb": model.encode_image(test_images), "text_emb": model.encode_text(test_tokens),
                "prompt_emb": model.encode_text(prompts), "zero_shot": mm.zero_shot_classify(model, test_images, prompts),
                "loss": loss.detach()}


def train_guided_denoiser(genlab, x, labels, config, steps, batch_size, lr, sample_labels, scale):
    """Train the student's ConditionalDenoiser with its own loss (label dropout included), then draw
    guided (at `scale`) and unguided (scale 0) samples of sample_labels with the student's guided_sample."""
    torch.set_num_threads(1)
    mm = genlab.multimodal
    model = mm.ConditionalDenoiser(**config)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        i = torch.randint(0, len(x), (batch_size,))
        loss = model.loss(x[i], labels[i])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        return {"guided": mm.guided_sample(model, sample_labels, scale),
                "unguided": mm.guided_sample(model, sample_labels, 0.0)}
