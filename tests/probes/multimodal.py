"""Worker-side probes for the public multimodal tests: they run the student's code and return data.

Each probe takes the student's `genlab` package first; everything else arrives as data. Models
cross the boundary as (config, state_dict); `FixedCLIP`, `FixedDenoiser` and `StandInOpenCLIP`
are OUR code, so the functions that only use a model (zero_shot_classify, guided_sample,
open_clip_embeddings) are judged on their own, whatever the student's classes do.
"""
import types

import torch
import torch.nn as nn
import torch.nn.functional as F


def _load(model, state):
    if state is not None:
        model.load_state_dict(state)
    return model


# ---- clip_loss and TinyCLIP ---------------------------------------------------------------------

def clip_loss_grads(genlab, image_emb, text_emb, logit_scale):
    """clip_loss and its gradients with respect to logit_scale and both embeddings."""
    image_emb, text_emb = image_emb.clone().requires_grad_(), text_emb.clone().requires_grad_()
    scale = torch.tensor(float(logit_scale), requires_grad=True)
    loss = genlab.multimodal.clip_loss(image_emb, text_emb, scale)
    loss.backward()
    return {"loss": loss, "dscale": scale.grad if scale.grad is not None else torch.tensor(0.0),
            "dimage": image_emb.grad, "dtext": text_emb.grad}


def tiny_clip_outputs(genlab, config, images, tokens, state=None, set_logit_scale=None, tokens_other=None):
    """The student's TinyCLIP (optionally with given weights): encoders, forward, parameter count."""
    model = _load(genlab.multimodal.TinyCLIP(**config), state)
    initial = model.logit_scale.detach().clone()
    if set_logit_scale is not None:
        with torch.no_grad():
            model.logit_scale.fill_(set_logit_scale)
    image_emb, text_emb, logit_scale = model(images, tokens)
    logit_scale.backward()
    return {"encode_image": model.encode_image(images), "encode_text": model.encode_text(tokens),
            "forward": [image_emb, text_emb, logit_scale], "initial_logit_scale": initial,
            "dscale": model.logit_scale.grad if model.logit_scale.grad is not None else torch.tensor(0.0),
            "encode_text_other": None if tokens_other is None else model.encode_text(tokens_other),
            "n_params": sum(p.numel() for p in model.parameters()),
            "state_keys": sorted(model.state_dict())}


class FixedCLIP(nn.Module):
    """A stand-in CLIP: a linear image encoder and a mean-of-embeddings text encoder, NOT normalised
    (zero_shot_classify must normalise), with a fixed logit_scale."""

    def __init__(self, image_weight, word_vectors, logit_scale):
        super().__init__()
        self.image_weight, self.word_vectors = image_weight, word_vectors
        self.logit_scale = nn.Parameter(torch.tensor(float(logit_scale)))

    def encode_image(self, images):
        return images @ self.image_weight

    def encode_text(self, tokens):
        return self.word_vectors[tokens].mean(1)


def zero_shot_fixed(genlab, image_weight, word_vectors, logit_scale, images, prompts):
    """The student's zero_shot_classify on our FixedCLIP."""
    model = FixedCLIP(image_weight, word_vectors, logit_scale)
    return genlab.multimodal.zero_shot_classify(model, images, prompts)


# ---- retrieval ----------------------------------------------------------------------------------

def index_search(genlab, embeddings, queries, k):
    """RetrievalIndex(embeddings).search(queries, k) and the index's length."""
    index = genlab.multimodal.RetrievalIndex(embeddings)
    scores, indices = index.search(queries, k)
    return {"scores": scores, "indices": indices}


# ---- the caption decoder ------------------------------------------------------------------------

def caption_decoder_outputs(genlab, config, images, tokens, state=None, images_changed=None,
                            tokens_changed=None, caption_len=None):
    """The student's CaptionDecoder: logits, the teacher-forced loss, greedy captions, and logits
    again with the images (or the tokens) changed, for the cross-attention and causality checks."""
    model = _load(genlab.multimodal.CaptionDecoder(**config), state).eval()
    out = {"logits": model(images, tokens), "loss": model.loss(images, tokens),
           "caption": model.caption(images, max_len=caption_len),
           "n_params": sum(p.numel() for p in model.parameters())}
    with torch.no_grad():
        if images_changed is not None:
            out["logits_images_changed"] = model(images_changed, tokens)
        if tokens_changed is not None:
            out["logits_tokens_changed"] = model(images, tokens_changed)
    return out


# ---- classifier-free guidance -------------------------------------------------------------------

def denoiser_outputs(genlab, config, x0, labels, t, noise, drop_mask, state=None, p_uncond=None, x_t=None, labels_t=None):
    """The student's ConditionalDenoiser: forward at (x0, t, labels), loss with the given draws, and
    forward at (x_t, t, labels_t) when given (so the judge can replay the loss)."""
    model = _load(genlab.multimodal.ConditionalDenoiser(**config), state)
    if p_uncond is not None:
        model.p_uncond = p_uncond
    return {"forward": model(x0, t, labels),
            "forward_null": model(x0, t, torch.full_like(labels, model.null_label)),
            "loss": model.loss(x0, labels, t=t, noise=noise, drop_mask=drop_mask),
            "loss_own_mask": model.loss(x0, labels, t=t, noise=noise),
            "forward_xt": None if x_t is None else model(x_t, t, labels_t),
            "betas": model.betas, "null_label": model.null_label, "T": model.T,
            "n_params": sum(p.numel() for p in model.parameters())}


class FixedDenoiser(nn.Module):
    """A stand-in ConditionalDenoiser: eps = x @ W + u[t] + v[label] (linear, so the judge can
    follow guided_sample by hand), with the documented betas and null_label."""

    def __init__(self, W, u, v, betas):
        super().__init__()
        self.W, self.u, self.v = W, u, v
        self.register_buffer("betas", betas)
        self.null_label = len(v) - 1
        self.input = types.SimpleNamespace(in_features=W.shape[0])

    def forward(self, x, t, labels):
        return x @ self.W + self.u[t] + self.v[labels]


def guided_sample_fixed(genlab, W, u, v, betas, labels, scale, x_T=None, noise=None):
    """The student's guided_sample on our FixedDenoiser, with the start and the noise given (or None: its own draws)."""
    return genlab.multimodal.guided_sample(FixedDenoiser(W, u, v, betas), labels, scale, x_T=x_T, noise=noise)


# ---- open_clip through a local stand-in ---------------------------------------------------------

class _StandInModel(nn.Module):
    def __init__(self, image_weight, word_vectors):
        super().__init__()
        self.image_weight, self.word_vectors = image_weight, word_vectors
        self.logit_scale = nn.Parameter(torch.tensor(2.0))
        self.training_mode_seen = []

    def encode_image(self, pixels):                # (N, 3, 8, 8) -> (N, D)
        self.training_mode_seen.append(self.training)
        return pixels.flatten(1) @ self.image_weight

    def encode_text(self, tokens):                 # (M, L) -> (M, D)
        return self.word_vectors[tokens].sum(1)


class StandInOpenCLIP:
    """A tiny local object with open_clip's API (create_model_and_transforms, get_tokenizer):
    nothing is downloaded. It records the names it was asked for."""

    def __init__(self, image_weight, word_vectors):
        self.model = _StandInModel(image_weight, word_vectors)
        self.requested = []

    @staticmethod
    def preprocess(image):                          # PIL RGB -> (3, H, W) float in [0, 1]
        pixels = torch.tensor(list(image.getdata()), dtype=torch.float32) / 255   # (H*W, 3)
        return pixels.T.reshape(3, image.size[1], image.size[0])

    def create_model_and_transforms(self, model_name, pretrained=None, **kwargs):
        self.requested.append(("model", model_name, pretrained))
        return self.model, self.preprocess, self.preprocess

    def get_tokenizer(self, model_name):
        self.requested.append(("tokenizer", model_name))
        n_words = len(self.model.word_vectors)

        def tokenize(texts):
            return torch.tensor([[sum(map(ord, w)) % n_words for w in (t.split() + ["_"] * 6)[:6]] for t in texts])
        return tokenize

    def expected(self, images, texts):
        """What open_clip_embeddings must return (our own computation)."""
        pil = [self._pil(im) for im in images]
        with torch.no_grad():
            image_emb = self.model.encode_image(torch.stack([self.preprocess(p) for p in pil]))
            text_emb = self.model.encode_text(self.get_tokenizer("x")(texts))
        self.model.training_mode_seen.clear()
        return F.normalize(image_emb, dim=-1), F.normalize(text_emb, dim=-1)

    @staticmethod
    def _pil(image):
        from PIL import Image
        pixels = (image.reshape(8, 8).clamp(0, 1) * 255).round().to(torch.uint8).numpy()
        return Image.fromarray(pixels, mode="L").convert("RGB")


def open_clip_stand_in(genlab, image_weight, word_vectors, images, texts, model_name="ViT-B-32",
                       pretrained="laion2b_s34b_b79k"):
    """The student's open_clip_embeddings with our StandInOpenCLIP, and what it should return."""
    stand_in = StandInOpenCLIP(image_weight, word_vectors)
    stand_in.model.train()
    image_emb, text_emb = genlab.multimodal.open_clip_embeddings(images, texts, model_name=model_name,
                                                                 pretrained=pretrained, open_clip=stand_in)
    eval_mode = not any(stand_in.model.training_mode_seen)
    requested = [list(r) for r in stand_in.requested]
    expected_image, expected_text = stand_in.expected(images, texts)
    return {"image_emb": image_emb, "text_emb": text_emb, "expected_image": expected_image,
            "expected_text": expected_text, "eval_mode": eval_mode, "requested": requested}
