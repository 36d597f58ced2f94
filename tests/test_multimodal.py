"""Public tests for unit 08 (genlab.multimodal): closed forms, shapes, brute force, hand-built cases.

Run them with `pytest tests/test_multimodal.py`. They test $GENLAB_IMPL (your starter/ by default).
Each test asks the `worker` for data from your code and checks it here; the probes it names are in
tests/probes/multimodal.py.
"""
import math

import torch
import torch.nn.functional as F

from autograder.testing import expect_close

CLIP_CONFIG = dict(image_dim=64, vocab_size=34, embed_dim=16, hidden_dim=32)
DECODER_CONFIG = dict(vocab_size=34, image_dim=64, d_model=32, n_heads=4, n_layers=1, n_image_tokens=4, max_len=8)
DENOISER_CONFIG = dict(data_dim=64, n_classes=10, hidden_dim=32, T=25)


def some_tokens(B, L=8, vocab_size=34):
    """Caption-like rows: <bos>, a few words (ids 4..33), <eos>, then <pad>."""
    tokens = torch.zeros(B, L, dtype=torch.long)
    for i in range(B):
        n = int(torch.randint(1, L - 1, ()))
        tokens[i, 0], tokens[i, 1:n + 1], tokens[i, n + 1] = 1, torch.randint(4, vocab_size, (n,)), 2
    return tokens


# ---- clip_loss ----------------------------------------------------------------------------------

def test_clip_loss_is_log_b_for_uniform_logits(worker):
    same = torch.randn(1, 8).expand(6, 8).contiguous()      # every image equals every text: uniform logits
    loss = worker.call("multimodal.clip_loss", same, same.clone(), torch.tensor(2.0))
    expect_close(loss, torch.tensor(math.log(6)), hint="with all similarities equal each cross-entropy is ln B")


def test_clip_loss_is_near_zero_for_separated_pairs(worker):
    pairs = torch.eye(5) * 3.0                               # orthogonal pairs, cosine 1 on the diagonal, 0 off it
    loss = worker.call("multimodal.clip_loss", pairs, pairs.clone(), torch.tensor(math.log(100)))
    expected = math.log(1 + 4 * math.exp(-100))
    expect_close(loss, torch.tensor(expected), atol=1e-6, rtol=0,
                 hint="logits are exp(logit_scale) * cosine (normalise first), matching pairs on the diagonal")


def test_clip_loss_is_symmetric_and_ignores_norms(worker):
    image, text = torch.randn(7, 5), torch.randn(7, 5)
    loss = worker.call("multimodal.clip_loss", image, text, torch.tensor(1.5))
    swapped = worker.call("multimodal.clip_loss", text, image, torch.tensor(1.5))
    rescaled = worker.call("multimodal.clip_loss", 10 * image, 0.1 * text, torch.tensor(1.5))
    expect_close(swapped, loss, hint="the loss averages image->text and text->image: swapping them changes nothing")
    expect_close(rescaled, loss, hint="normalise both embeddings (cosine similarity) before the product")


def test_clip_loss_clamps_the_scale_at_log_100(worker):
    image, text = torch.randn(6, 4), torch.randn(6, 4)
    at_clamp = worker.probe("multimodal.clip_loss_grads", image_emb=image, text_emb=text, logit_scale=math.log(100))
    above = worker.probe("multimodal.clip_loss_grads", image_emb=image, text_emb=text, logit_scale=math.log(1000))
    expect_close(above["loss"], at_clamp["loss"], hint="clamp logit_scale at log(100) before exp: the scale never exceeds 100")
    assert above["dscale"] == 0, "above the clamp the loss no longer depends on logit_scale: its gradient is 0"


def test_clip_loss_gradient_reaches_the_scale(worker):
    image, text = torch.randn(8, 6), torch.randn(8, 6)
    r = worker.probe("multimodal.clip_loss_grads", image_emb=image, text_emb=text, logit_scale=1.0)
    assert torch.isfinite(r["dscale"]) and r["dscale"] != 0, (
        "logit_scale must receive a gradient: use the tensor you were given (exp of it), not a float copy")


# ---- TinyCLIP -----------------------------------------------------------------------------------

def test_tiny_clip_shapes_norms_and_initial_scale(worker):
    images, tokens = torch.rand(9, 64), some_tokens(9)
    r = worker.probe("multimodal.tiny_clip_outputs", config=CLIP_CONFIG, images=images, tokens=tokens)
    image_emb, text_emb, logit_scale = r["forward"]
    assert image_emb.shape == (9, 16) and text_emb.shape == (9, 16), \
        f"both embeddings are (B, embed_dim) = (9, 16): got {tuple(image_emb.shape)} and {tuple(text_emb.shape)}"
    expect_close(image_emb.norm(dim=-1), torch.ones(9), hint="image embeddings are L2-normalised")
    expect_close(text_emb.norm(dim=-1), torch.ones(9), hint="text embeddings are L2-normalised")
    expect_close(r["initial_logit_scale"], torch.tensor(math.log(1 / 0.07)),
                 hint="logit_scale is the LOG temperature, initialised to log(1/0.07) = 2.659")
    # image 64*32+32 + 32*32+32 + proj 32*16+16; words 34*32; text 32*32+32 + 32*16+16; scale 1
    assert r["n_params"] == 3136 + 528 + 1088 + 1056 + 528 + 1, "layers differ from the documented architecture"


def test_tiny_clip_forward_clamps_the_scale(worker):
    r = worker.probe("multimodal.tiny_clip_outputs", config=CLIP_CONFIG, images=torch.rand(3, 64),
                     tokens=some_tokens(3), set_logit_scale=8.0)
    expect_close(r["forward"][2], torch.tensor(math.log(100)), hint="forward returns logit_scale clamped at log(100)")


def test_tiny_clip_text_encoder_ignores_padding(worker):
    tokens = torch.tensor([[1, 20, 33, 2, 0, 0, 0, 0]])
    longer = torch.tensor([[1, 20, 33, 2, 0, 0, 0, 0, 0, 0, 0, 0]])
    r = worker.probe("multimodal.tiny_clip_outputs", config=CLIP_CONFIG, images=torch.rand(1, 64), tokens=tokens,
                     tokens_other=longer)
    assert "token_embedding.weight" in r["state_keys"], "name the word embedding `token_embedding`"
    expect_close(r["encode_text_other"], r["encode_text"], hint="average the word embeddings over non-<pad> positions only")


# ---- zero-shot classification -------------------------------------------------------------------

def test_zero_shot_classify_is_a_softmax_over_prompts(worker):
    image_weight, word_vectors = torch.randn(64, 8), torch.randn(34, 8)
    images, prompts = torch.rand(5, 64), some_tokens(10)
    probs = worker.probe("multimodal.zero_shot_fixed", image_weight=image_weight, word_vectors=word_vectors,
                         logit_scale=2.0, images=images, prompts=prompts)
    image_emb = F.normalize(images @ image_weight, dim=-1)
    prompt_emb = F.normalize(word_vectors[prompts].mean(1), dim=-1)
    expected = (math.exp(2.0) * image_emb @ prompt_emb.T).softmax(-1)
    expect_close(probs.sum(-1), torch.ones(5), hint="each row is a distribution over the classes")
    expect_close(probs, expected, hint="softmax over classes of exp(logit_scale) * cosine(image, prompt); "
                                       "normalise the model's embeddings yourself")


# ---- retrieval ----------------------------------------------------------------------------------

def test_retrieval_index_matches_brute_force_cosine(worker):
    items, queries = torch.randn(30, 6), torch.randn(4, 6)
    r = worker.probe("multimodal.index_search", embeddings=items, queries=queries, k=5)
    cosine = F.normalize(queries, dim=-1) @ F.normalize(items, dim=-1).T
    expected_scores, expected_indices = cosine.topk(5, dim=-1)
    expect_close(r["scores"], expected_scores, hint="scores are cosine similarities, highest first")
    assert torch.equal(r["indices"], expected_indices), "indices of the best items, in order of score"


def test_recall_at_k_on_hand_built_cases(worker):
    similarity = torch.tensor([[0.9, 0.1, 0.5, 0.3],     # target 2 is 2nd best
                               [0.1, 0.2, 0.3, 0.4],     # target 0 is last (4th)
                               [0.5, 0.6, 0.7, 0.8]])    # target 3 is best
    targets = torch.tensor([2, 0, 3])
    recall = {k: worker.call("multimodal.recall_at_k", similarity, targets, k) for k in (1, 2, 4)}
    assert isinstance(recall[1], float), "recall_at_k returns a Python float (.item())"
    expected = {1: 1 / 3, 2: 2 / 3, 4: 1.0}
    assert all(abs(recall[k] - expected[k]) < 1e-6 for k in expected), (
        f"recall@1, @2, @4 = {recall}, expected {expected}: a hit when the target is among the k best "
        "(fewer than k items score strictly higher)")


# ---- the caption decoder ------------------------------------------------------------------------

def test_caption_decoder_shapes_loss_and_captions(worker):
    images, tokens = torch.rand(4, 64), some_tokens(4)
    r = worker.probe("multimodal.caption_decoder_outputs", config=DECODER_CONFIG, images=images, tokens=tokens)
    assert r["logits"].shape == (4, 8, 34), f"logits are (B, L, vocab_size) = (4, 8, 34): got {tuple(r['logits'].shape)}"
    assert r["loss"].shape == () and 1.5 < r["loss"] < 6, (
        f"loss {float(r['loss']):.2f}: an untrained decoder's cross-entropy is near ln 34 = 3.5")
    assert r["caption"].shape == (4, 8) and (r["caption"][:, 0] == 1).all(), "captions start with <bos> = 1"


def test_caption_decoder_is_causal(worker):
    images, tokens = torch.rand(3, 64), some_tokens(3)
    changed = tokens.clone()
    changed[:, 5] = 7
    r = worker.probe("multimodal.caption_decoder_outputs", config=DECODER_CONFIG, images=images, tokens=tokens,
                     tokens_changed=changed)
    expect_close(r["logits_tokens_changed"][:, :5], r["logits"][:, :5],
                 hint="positions before 5 must not see token 5: pass a causal tgt_mask")


# ---- classifier-free guidance -------------------------------------------------------------------

def test_classifier_free_guidance_closed_form(worker):
    cond, uncond = torch.randn(4, 64), torch.randn(4, 64)
    expect_close(worker.call("multimodal.classifier_free_guidance", cond, uncond, 0.0), uncond,
                 hint="scale 0 is the unconditional prediction")
    expect_close(worker.call("multimodal.classifier_free_guidance", cond, uncond, 3.0), uncond + 3 * (cond - uncond),
                 hint="eps_uncond + scale * (eps_cond - eps_uncond)")


def test_conditional_denoiser_loss_with_given_draws(worker):
    B = 6
    x0, labels = torch.rand(B, 64) * 2 - 1, torch.randint(0, 10, (B,))
    t, noise, drop = torch.randint(0, 25, (B,)), torch.randn(B, 64), torch.tensor([True, False] * 3)
    r = worker.probe("multimodal.denoiser_outputs", config=DENOISER_CONFIG, x0=x0, labels=labels, t=t,
                     noise=noise, drop_mask=drop)
    assert r["null_label"] == 10 and r["T"] == 25, \
        f"null_label is n_classes (10) and T the number of steps (25): got {r['null_label']}, {r['T']}"
    expect_close(r["betas"], torch.linspace(1e-4 * 40, 0.02 * 40, 25), hint="betas = cfg_betas(T)")
    assert r["forward"].shape == (B, 64), f"the predicted noise has the input's shape (B, 64): got {tuple(r['forward'].shape)}"
    # the judge replays the loss through the student's own forward at x_t for the given t and noise
    alpha_bar = torch.cumprod(1 - r["betas"], 0)[t].unsqueeze(1)
    x_t = torch.sqrt(alpha_bar) * x0 + torch.sqrt(1 - alpha_bar) * noise
    r = worker.probe("multimodal.denoiser_outputs", config=DENOISER_CONFIG, x0=x0, labels=labels, t=t, noise=noise,
                     drop_mask=drop, x_t=x_t, labels_t=torch.where(drop, 10, labels))
    expect_close(r["loss"], ((r["forward_xt"] - noise) ** 2).mean(),
                 hint="loss = mean((model(x_t, t, labels with drop_mask -> null_label) - noise)^2), "
                      "x_t = sqrt(alpha_bar[t]) x0 + sqrt(1 - alpha_bar[t]) noise")


def test_guided_sample_with_a_zero_model(worker):
    # eps = 0 everywhere: each step is x <- x / sqrt(1 - beta_t) + sqrt(beta_t) z (no noise at t = 0).
    T, B = 5, 3
    betas = torch.linspace(0.05, 0.3, T)
    zeros = dict(W=torch.zeros(64, 64), u=torch.zeros(T, 64), v=torch.zeros(11, 64), betas=betas)
    x_T, noise = torch.randn(B, 64), torch.randn(T, B, 64)
    x = worker.probe("multimodal.guided_sample_fixed", labels=torch.tensor([1, 2, 3]), scale=2.0, x_T=x_T, noise=noise, **zeros)
    expected = x_T.clone()
    for t in reversed(range(T)):
        expected = expected / (1 - betas[t]).sqrt() + (betas[t].sqrt() * noise[t] if t > 0 else 0)
    expect_close(x, expected, hint="walk t = T-1 .. 0; add sqrt(beta_t) * noise[t] only for t > 0")


def test_guided_sample_draws_its_own_start_and_noise(worker):
    # eps = 0 again, x_T and noise left to guided_sample. Every output element is then
    #   x_T * prod_{t} 1/sqrt(1 - beta_t)  +  sum_{t>0} sqrt(beta_t) z_t * prod_{s<t} 1/sqrt(1 - beta_s),
    # a sum of independent standard normals: mean 0, variance prod_t 1/(1 - beta_t) + sum_{t>0} beta_t prod_{s<t} 1/(1 - beta_s).
    # 400 x 64 elements: the mean is within 8 standard errors of 0 and the variance within 11 of the
    # formula (10%) for a right sampler (false-failure rate below 1e-14).
    T, B = 5, 400
    betas = torch.linspace(0.05, 0.3, T)
    zeros = dict(W=torch.zeros(64, 64), u=torch.zeros(T, 64), v=torch.zeros(11, 64), betas=betas)
    x = worker.probe("multimodal.guided_sample_fixed", labels=torch.randint(0, 10, (B,)), scale=2.0, x_T=None, noise=None,
                     **zeros)
    grow = 1 / (1 - betas)
    variance = float(grow.prod() + sum(betas[t] * grow[:t].prod() for t in range(1, T)))
    assert x.shape == (B, 64), f"samples of shape {tuple(x.shape)}: x_T is drawn as (B, model.input.in_features) = {(B, 64)}"
    assert abs(float(x.mean())) < 0.05 * math.sqrt(variance), (
        f"sample mean {float(x.mean()):.3f}, expected 0: draw x_T ~ N(0, I) with torch.randn (not torch.rand)")
    assert abs(float(x.var()) / variance - 1) < 0.1, (
        f"sample variance {float(x.var()):.3f}, expected {variance:.3f}: with x_T and noise None, draw x_T ~ N(0, I) "
        "and a fresh standard normal z at every step t > 0, scaled by sqrt(beta_t)")


# ---- open_clip, through a local stand-in --------------------------------------------------------

def test_open_clip_embeddings_with_a_stand_in(worker):
    images, texts = torch.rand(4, 64), ["a handwritten seven", "the digit 3"]
    r = worker.probe("multimodal.open_clip_stand_in", image_weight=torch.randn(192, 8), word_vectors=torch.randn(50, 8),
                     images=images, texts=texts)
    expect_close(r["image_emb"], r["expected_image"], hint="encode_image(stack of preprocess(PIL image)), L2-normalised")
    expect_close(r["text_emb"], r["expected_text"], hint="encode_text(tokenizer(texts)), L2-normalised")
    assert r["eval_mode"], "call model.eval() before encoding"
