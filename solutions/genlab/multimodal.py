"""Unit 08: multimodal generative models (CLIP, retrieval, captioning, classifier-free guidance).

CLIP (Radford et al. 2021) trains an image encoder and a text encoder together so that an image
and its caption land close together on the unit sphere and unmatched pairs far apart. With a batch
of B pairs, the B x B matrix of cosine similarities, times a learned temperature exp(logit_scale),
is read as logits: row i should pick column i (image -> text) and column j should pick row j
(text -> image). The same embeddings then give zero-shot classification (compare an image with
one prompt per class) and text -> image search (an index of image embeddings, queried by text).
Two generative pieces close the unit: a caption decoder (a small transformer decoder that reads the
image through cross-attention) and classifier-free guidance (Ho & Salimans 2022) for a diffusion
model conditioned on the digit label.

Self-contained on purpose: nothing here imports genlab.transformer (unit 05) or genlab.diffusion
(unit 07), so a bug there costs no points here. The models use torch's own layers (nn.Embedding,
nn.TransformerDecoderLayer, nn.LayerNorm) and `ConditionalDenoiser` carries its own small noise
schedule (`cfg_betas`) that `guided_sample` reads from the model.

Conventions:
- Images are flat digits (B, 64): pixels in [0, 1] for CLIP and captions (`genlab.data.load_digits`),
  in [-1, 1] for the denoiser (`load_digits(signed=True)`).
- Captions are (B, L) int64 token ids from `genlab.data.CaptionTokenizer`: <pad> = 0, <bos> = 1,
  <eos> = 2, L = 8 by default; every row starts with <bos>, padding comes after <eos>.
- `logit_scale` is always the LOG of the temperature, as in open_clip: logits = exp(logit_scale) *
  cosine similarity, with logit_scale clamped at log(100) first (the scale never exceeds 100).
- Functions that draw random numbers take the draw as an optional argument (`t`, `noise`,
  `drop_mask`, `x_T`); given, it is used exactly as passed; None, it is drawn from torch's global
  generator. No test depends on the order or the number of random draws you make.
- Tensors are float32 on the CPU in the tests.
- How the two training tests judge your work: the judge builds the initial weights (its own copy of
  TinyCLIP or ConditionalDenoiser, freshly seeded) and sends them with the TRAINING digits; your
  class loads them (load_state_dict, strict), trains with your forward and your loss (clip_loss,
  ConditionalDenoiser.loss) under Adam, and hands back its state_dict. The judge loads those
  weights into its own copy of the documented architecture and measures everything itself, on
  data your code never sees (the test digits, fresh captions, its own sampling noise). So the
  state_dict layouts below are part of the specification, every layer must be trained (only
  TinyCLIP's logit_scale may end where it started), and your
  zero_shot_classify, recall_at_k and guided_sample are graded in their own tests.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

MAX_LOGIT_SCALE = math.log(100.0)


# ---- the contrastive loss -----------------------------------------------------------------------

def clip_loss(image_emb, text_emb, logit_scale):
    """The symmetric InfoNCE loss of CLIP (open_clip's `ClipLoss`), a scalar.

        I = image_emb / |image_emb|,  T = text_emb / |text_emb|       (each row L2-normalised)
        logits = exp(min(logit_scale, log 100)) * I @ T.T              (B, B); pair i is (i, i)
        loss = ( cross_entropy(logits, arange(B)) + cross_entropy(logits.T, arange(B)) ) / 2

    i.e. the mean of the image -> text and text -> image cross-entropies (each averaged over the
    batch). Uniform logits give ln B; well-separated pairs at a large scale give about 0. The result
    does not depend on the embeddings' norms, and swapping images and texts leaves it unchanged.

    Args:
        image_emb, text_emb: (B, D), row i of each is one matching pair (need not be normalised).
        logit_scale: the log temperature, a 0-d tensor (gradients must reach it) or a float.
            Clamp it at log(100) with torch.clamp(max=...): above the clamp the loss no longer
            changes and its gradient is 0.
    Returns:
        scalar tensor.
    """
    ### BEGIN SOLUTION
    image_emb, text_emb = F.normalize(image_emb, dim=-1), F.normalize(text_emb, dim=-1)
    scale = torch.as_tensor(logit_scale, dtype=image_emb.dtype).clamp(max=MAX_LOGIT_SCALE).exp()
    logits = scale * image_emb @ text_emb.T                     # (B, B) image i vs text j
    targets = torch.arange(len(logits), device=logits.device)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2
    ### END SOLUTION


# ---- a tiny CLIP --------------------------------------------------------------------------------

class TinyCLIP(nn.Module):
    """An image encoder and a text encoder projected to one shared, normalised embedding space.

    Architecture (keep the attribute names and add no other parameters or buffers: the tests load
    weights by name and count them):
        image_encoder: Linear(image_dim, hidden_dim) -> ReLU -> Linear(hidden_dim, hidden_dim) -> ReLU
        image_proj:    Linear(hidden_dim, embed_dim)
        token_embedding: Embedding(vocab_size, hidden_dim, padding_idx=pad_id)
        text_encoder:  Linear(hidden_dim, hidden_dim) -> ReLU
        text_proj:     Linear(hidden_dim, embed_dim)
        logit_scale:   nn.Parameter, a 0-d tensor initialised to log(1 / 0.07)
    The text encoder is a bag of words: the MEAN of the token embeddings over the positions that
    are not <pad> (tokens != pad_id; <bos> and <eos> count as words), then text_encoder and
    text_proj. (Word order hardly matters for these captions; a transformer would be slower.)

    state_dict (every key and shape; the tests load weights by these names, strictly, and the
    judge loads your trained weights into its own copy of this architecture; I = image_dim,
    H = hidden_dim, E = embed_dim, V = vocab_size):
        image_encoder.0.weight (H, I)    image_encoder.0.bias (H,)
        image_encoder.2.weight (H, H)    image_encoder.2.bias (H,)
        image_proj.weight      (E, H)    image_proj.bias      (E,)
        token_embedding.weight (V, H)    (row pad_id starts at zero: nn.Embedding's padding_idx)
        text_encoder.0.weight  (H, H)    text_encoder.0.bias  (H,)
        text_proj.weight       (E, H)    text_proj.bias       (E,)
        logit_scale            ()
    (nn.Sequential numbers its layers, so the ReLUs are the missing indices 1 and 3.)

    encode_image(images: (B, image_dim)) -> (B, embed_dim), each row of L2 norm 1
    encode_text(tokens: (B, L) int64) -> (B, embed_dim), each row of L2 norm 1
    forward(images, tokens) -> (image_emb, text_emb, logit_scale), where logit_scale is the
        parameter clamped at log(100) (a 0-d tensor that still carries the gradient below it).
    """

    def __init__(self, image_dim=64, vocab_size=34, embed_dim=32, hidden_dim=128, pad_id=0):
        super().__init__()
        self.pad_id = pad_id
        ### BEGIN SOLUTION
        self.image_encoder = nn.Sequential(nn.Linear(image_dim, hidden_dim), nn.ReLU(),
                                           nn.Linear(hidden_dim, hidden_dim), nn.ReLU())
        self.image_proj = nn.Linear(hidden_dim, embed_dim)
        self.token_embedding = nn.Embedding(vocab_size, hidden_dim, padding_idx=pad_id)
        self.text_encoder = nn.Sequential(nn.Linear(hidden_dim, hidden_dim), nn.ReLU())
        self.text_proj = nn.Linear(hidden_dim, embed_dim)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        ### END SOLUTION

    def encode_image(self, images):
        ### BEGIN SOLUTION
        return F.normalize(self.image_proj(self.image_encoder(images)), dim=-1)   # (B, embed_dim)
        ### END SOLUTION

    def encode_text(self, tokens):
        ### BEGIN SOLUTION
        keep = (tokens != self.pad_id).unsqueeze(-1).float()                     # (B, L, 1)
        words = self.token_embedding(tokens) * keep                              # (B, L, hidden)
        pooled = words.sum(1) / keep.sum(1).clamp(min=1)                         # (B, hidden)
        return F.normalize(self.text_proj(self.text_encoder(pooled)), dim=-1)    # (B, embed_dim)
        ### END SOLUTION

    def forward(self, images, tokens):
        ### BEGIN SOLUTION
        return self.encode_image(images), self.encode_text(tokens), self.logit_scale.clamp(max=MAX_LOGIT_SCALE)
        ### END SOLUTION


def zero_shot_classify(model, images, class_prompts):
    """Classify images by the prompt they are most similar to: CLIP's zero-shot classifier.

        probs = softmax( exp(min(model.logit_scale, log 100)) * I @ P.T, over the classes )

    with I = model.encode_image(images) and P = model.encode_text(class_prompts), each row
    L2-normalised here (whether or not the model already normalises). Works for any model with
    `encode_image`, `encode_text` and a `logit_scale` (the log temperature), e.g. TinyCLIP or an
    open_clip model. Runs without gradients.

    Args:
        images: (B, image_dim) digits.
        class_prompts: (n_classes, L) int64 tokens, one prompt per class (row c describes class c).
    Returns:
        (B, n_classes) probabilities; each row sums to 1.
    """
    ### BEGIN SOLUTION
    with torch.no_grad():
        image_emb = F.normalize(model.encode_image(images), dim=-1)          # (B, D)
        prompt_emb = F.normalize(model.encode_text(class_prompts), dim=-1)   # (C, D)
        scale = torch.as_tensor(model.logit_scale).clamp(max=MAX_LOGIT_SCALE).exp()
        return (scale * image_emb @ prompt_emb.T).softmax(dim=-1)           # (B, C)
    ### END SOLUTION


# ---- retrieval ----------------------------------------------------------------------------------

class RetrievalIndex:
    """A brute-force nearest-neighbour index by cosine similarity.

    RetrievalIndex(embeddings: (N, D)) keeps the rows L2-normalised (F.normalize: a zero row stays
    zero and has similarity 0 with everything).

    search(queries, k) -> (scores, indices):
        queries (Q, D) -> scores (Q, k') float and indices (Q, k') int64, with k' = min(k, N):
        for each query the k' items of highest cosine similarity, best first (scores descending;
        scores[q, j] is the cosine between query q and item indices[q, j]). Among items of equal
        score any order is accepted. A single query of shape (D,) gives (k',) results.
    """

    def __init__(self, embeddings):
        ### BEGIN SOLUTION
        self.embeddings = F.normalize(embeddings.float(), dim=-1)   # (N, D)
        ### END SOLUTION

    def __len__(self):
        return len(self.embeddings)

    def search(self, queries, k):
        ### BEGIN SOLUTION
        single = queries.dim() == 1
        queries = F.normalize(queries.float().reshape(-1, self.embeddings.shape[1]), dim=-1)
        similarity = queries @ self.embeddings.T                    # (Q, N)
        scores, indices = similarity.topk(min(k, len(self.embeddings)), dim=-1)   # sorted descending
        return (scores[0], indices[0]) if single else (scores, indices)
        ### END SOLUTION


def recall_at_k(similarity, targets, k):
    """The fraction of queries that find a relevant item among their top k.

    Args:
        similarity: (Q, N) scores of every query against every item (higher is more similar).
        targets: either (Q,) int64, the index of the one relevant item of each query, or a (Q, N)
            bool matrix, True where item n is relevant to query q (e.g. every image of the digit a
            caption names).
        k: int >= 1.
    Ties: a query is a hit when its best-scoring relevant item has fewer than k items scoring
    strictly higher (so a relevant item tied with the k-th best counts). A query without any
    relevant item is a miss.
    Returns:
        a Python float in [0, 1].
    """
    ### BEGIN SOLUTION
    if targets.dtype != torch.bool:
        targets = F.one_hot(targets.long(), similarity.shape[1]).bool()
    best_relevant = similarity.masked_fill(~targets, float("-inf")).max(dim=1).values      # (Q,)
    n_above = (similarity > best_relevant.unsqueeze(1)).sum(dim=1)                         # (Q,)
    hits = (n_above < k) & targets.any(dim=1)
    return hits.float().mean().item()
    ### END SOLUTION


# ---- a caption decoder --------------------------------------------------------------------------

class CaptionDecoder(nn.Module):
    """A small transformer decoder that writes a caption for an image, reading it by cross-attention.

    Architecture (keep the attribute names: the tests load weights by them):
        image_proj:         Linear(image_dim, n_image_tokens * d_model); its output, reshaped to
                            (B, n_image_tokens, d_model), is the memory the decoder attends to
        token_embedding:    Embedding(vocab_size, d_model)
        position_embedding: Embedding(max_len, d_model), added to the token embeddings
        decoder:            nn.TransformerDecoder(nn.TransformerDecoderLayer(d_model, n_heads,
                            dim_feedforward=4 * d_model, dropout=0.0, batch_first=True,
                            norm_first=True), num_layers=n_layers)
        ln_f:               LayerNorm(d_model)
        lm_head:            Linear(d_model, vocab_size)
    Self-attention over the caption is causal (position i sees positions <= i: pass a causal mask,
    e.g. nn.Transformer.generate_square_subsequent_mask(L), as tgt_mask); cross-attention sees the
    whole memory. Padding is not masked (its positions are excluded from the loss instead). The tests
    load the reference's weights into your decoder (in eval mode) and compare logits and loss with
    atol = rtol = 1e-4, and greedy captions exactly.

    forward(images (B, image_dim), tokens (B, L) with L <= max_len) -> logits (B, L, vocab_size);
        logits[:, i] predict token i + 1.
    loss(images, tokens) -> scalar teacher-forced cross-entropy: forward(images, tokens[:, :-1])
        against the targets tokens[:, 1:], averaged over the targets that are not <pad>
        (F.cross_entropy with ignore_index=pad_id).
    caption(images, max_len=None) -> (B, max_len) int64 greedy captions (default self.max_len):
        column 0 is <bos>; each next token is the argmax of the logits at the last position; once a
        row has produced <eos>, the rest of that row is <pad>. Runs without gradients.
    """

    def __init__(self, vocab_size=34, image_dim=64, d_model=64, n_heads=4, n_layers=1, n_image_tokens=4,
                 max_len=8, pad_id=0, bos_id=1, eos_id=2):
        super().__init__()
        self.n_image_tokens, self.d_model, self.max_len = n_image_tokens, d_model, max_len
        self.pad_id, self.bos_id, self.eos_id = pad_id, bos_id, eos_id
        ### BEGIN SOLUTION
        self.image_proj = nn.Linear(image_dim, n_image_tokens * d_model)
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(max_len, d_model)
        layer = nn.TransformerDecoderLayer(d_model, n_heads, dim_feedforward=4 * d_model, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.decoder = nn.TransformerDecoder(layer, num_layers=n_layers)
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size)
        ### END SOLUTION

    def forward(self, images, tokens):
        ### BEGIN SOLUTION
        B, L = tokens.shape
        memory = self.image_proj(images).view(B, self.n_image_tokens, self.d_model)   # (B, M, d)
        x = self.token_embedding(tokens) + self.position_embedding(torch.arange(L, device=tokens.device))
        causal = nn.Transformer.generate_square_subsequent_mask(L, device=tokens.device)
        x = self.decoder(x, memory, tgt_mask=causal, tgt_is_causal=True)               # (B, L, d)
        return self.lm_head(self.ln_f(x))                                               # (B, L, V)
        ### END SOLUTION

    def loss(self, images, tokens):
        ### BEGIN SOLUTION
        logits = self(images, tokens[:, :-1])
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1),
                               ignore_index=self.pad_id)
        ### END SOLUTION

    def caption(self, images, max_len=None):
        ### BEGIN SOLUTION
        max_len = max_len or self.max_len
        tokens = torch.full((len(images), 1), self.bos_id, dtype=torch.long, device=images.device)
        done = torch.zeros(len(images), dtype=torch.bool, device=images.device)
        with torch.no_grad():
            for _ in range(max_len - 1):
                next_token = self(images, tokens)[:, -1].argmax(dim=-1)                # (B,)
                next_token = torch.where(done, torch.full_like(next_token, self.pad_id), next_token)
                done = done | (next_token == self.eos_id)
                tokens = torch.cat([tokens, next_token.unsqueeze(1)], dim=1)
        return tokens
        ### END SOLUTION


# ---- classifier-free guidance -------------------------------------------------------------------

def classifier_free_guidance(eps_cond, eps_uncond, scale):
    """Ho & Salimans (2022): eps = eps_uncond + scale * (eps_cond - eps_uncond).

    scale = 0 gives the unconditional prediction, 1 the conditional one, > 1 pushes further
    towards the condition. Same shape as the inputs; scale is a float (or broadcasts).
    """
    ### BEGIN SOLUTION
    return eps_uncond + scale * (eps_cond - eps_uncond)
    ### END SOLUTION


def cfg_betas(T=50):
    """The denoiser's own schedule (provided): Ho et al.'s linear betas 1e-4..0.02 for 1000 steps,
    rescaled to T steps (both ends times 1000 / T), so alpha_bar_{T-1} is about e^-10 for any T.
    The largest beta is 20 / T: use T >= 25 (the tests do; T <= 20 would give beta >= 1)."""
    return torch.linspace(1e-4 * 1000 / T, 0.02 * 1000 / T, T, dtype=torch.float64).float()


class ConditionalDenoiser(nn.Module):
    """A label-conditioned noise predictor eps(x_t, t, label) for flat data, with a null label.

    Labels are 0..n_classes - 1, and `null_label` = n_classes means "no label" (unconditional).
    Architecture (keep the attribute names and add no other parameters or buffers: the tests load
    weights by them):
        input:           Linear(data_dim, hidden_dim)
        time_embedding:  Embedding(T, hidden_dim)          (one learned vector per time step)
        label_embedding: Embedding(n_classes + 1, hidden_dim)   (row n_classes is the null label)
        net: SiLU -> Linear(hidden_dim, hidden_dim) -> SiLU -> Linear(hidden_dim, hidden_dim)
             -> SiLU -> Linear(hidden_dim, data_dim)
        forward(x_t (B, data_dim), t (B,) int64, labels (B,) int64) =
            net(input(x_t) + time_embedding(t) + label_embedding(labels))
    Buffers: `betas` = cfg_betas(T) (float32, (T,)); store `self.T`, `self.null_label`, `self.p_uncond`
    (loss reads self.p_uncond when it is called: the tests set it to 0 or 1 on a built model).

    state_dict (every key and shape; the tests load weights by these names, strictly, and the
    judge loads your trained weights into its own copy of this architecture; D = data_dim,
    H = hidden_dim, C = n_classes):
        betas                  (T,)      (the buffer: training never changes it)
        input.weight           (H, D)    input.bias (H,)
        time_embedding.weight  (T, H)
        label_embedding.weight (C + 1, H)
        net.1.weight (H, H)    net.1.bias (H,)
        net.3.weight (H, H)    net.3.bias (H,)
        net.5.weight (D, H)    net.5.bias (D,)
    (nn.Sequential numbers its layers, so the SiLUs are the missing indices 0, 2 and 4.)

    loss(x0, labels, t=None, noise=None, drop_mask=None) -> scalar, the DDPM "simple" loss with
    label dropout:
        drop_mask (B,) bool: True where the label is replaced by null_label; when None, each label
            is dropped independently with probability p_uncond (torch.rand(B) < p_uncond);
        t (B,) int64 uniform in [0, T) when None; noise (B, data_dim) standard normal when None;
        alpha_bar = cumprod(1 - betas);
        x_t = sqrt(alpha_bar[t]) x0 + sqrt(1 - alpha_bar[t]) noise;
        loss = mean over all elements of (forward(x_t, t, dropped labels) - noise)^2.
    """

    def __init__(self, data_dim=64, n_classes=10, hidden_dim=256, T=50, p_uncond=0.2):
        super().__init__()
        self.T, self.n_classes, self.null_label, self.p_uncond = T, n_classes, n_classes, p_uncond
        self.register_buffer("betas", cfg_betas(T))
        ### BEGIN SOLUTION
        self.input = nn.Linear(data_dim, hidden_dim)
        self.time_embedding = nn.Embedding(T, hidden_dim)
        self.label_embedding = nn.Embedding(n_classes + 1, hidden_dim)
        self.net = nn.Sequential(nn.SiLU(), nn.Linear(hidden_dim, hidden_dim), nn.SiLU(),
                                 nn.Linear(hidden_dim, hidden_dim), nn.SiLU(), nn.Linear(hidden_dim, data_dim))
        ### END SOLUTION

    def forward(self, x_t, t, labels):
        ### BEGIN SOLUTION
        return self.net(self.input(x_t) + self.time_embedding(t) + self.label_embedding(labels))
        ### END SOLUTION

    def loss(self, x0, labels, t=None, noise=None, drop_mask=None):
        ### BEGIN SOLUTION
        B = len(x0)
        if drop_mask is None:
            drop_mask = torch.rand(B, device=x0.device) < self.p_uncond
        if t is None:
            t = torch.randint(0, self.T, (B,), device=x0.device)
        if noise is None:
            noise = torch.randn_like(x0)
        labels = torch.where(drop_mask, torch.full_like(labels, self.null_label), labels)
        alpha_bar = torch.cumprod(1 - self.betas, dim=0)[t].unsqueeze(-1)          # (B, 1)
        x_t = alpha_bar.sqrt() * x0 + (1 - alpha_bar).sqrt() * noise
        return F.mse_loss(self(x_t, t, labels), noise)
        ### END SOLUTION


def guided_sample(model, labels, scale, x_T=None, noise=None):
    """DDPM ancestral sampling with classifier-free guidance, on the model's own schedule.

    Reads `model.betas` (T = len(model.betas); the model need not have a `T` attribute),
    `model.null_label` and calls model(x, t, labels). Starting from
    x = x_T ~ N(0, I) of shape (B, data_dim), for t = T-1 down to 0:
        eps = classifier_free_guidance(model(x, t, labels), model(x, t, null labels), scale)
        x = (x - betas[t] / sqrt(1 - alpha_bar[t]) * eps) / sqrt(1 - betas[t])  +  sqrt(betas[t]) * z
    with z = noise[t] (standard normal, drawn when noise is None) for t > 0 and no noise at t = 0;
    alpha_bar = cumprod(1 - betas). t is passed to the model as a (B,) int64 tensor.

    Args:
        model: a ConditionalDenoiser (or anything with betas, null_label and that call).
        labels: (B,) int64 digits to draw.
        scale: guidance scale (0: unconditional, 1: conditional, > 1: guided).
        x_T: optional (B, data_dim) start; data_dim is model.input.in_features when drawn.
        noise: optional (T, B, data_dim); noise[t] is the z of step t (noise[0] is not used).
    Returns:
        (B, data_dim) samples (not clamped), without gradients. (The tests clamp them to [-1, 1]
        before the provided digit classifier reads them.)
    """
    ### BEGIN SOLUTION
    betas = model.betas
    alpha_bar = torch.cumprod(1 - betas, dim=0)
    B = len(labels)
    x = torch.randn(B, model.input.in_features) if x_T is None else x_T.clone()
    null = torch.full_like(labels, model.null_label)
    with torch.no_grad():
        for t in reversed(range(len(betas))):
            t_batch = torch.full((B,), t, dtype=torch.long)
            eps = classifier_free_guidance(model(x, t_batch, labels), model(x, t_batch, null), scale)
            x = (x - betas[t] / (1 - alpha_bar[t]).sqrt() * eps) / (1 - betas[t]).sqrt()
            if t > 0:
                z = torch.randn_like(x) if noise is None else noise[t]
                x = x + betas[t].sqrt() * z
    return x
    ### END SOLUTION


# ---- a pre-trained CLIP (opt-in, needs a network) ----------------------------------------------

def digits_to_pil(images):
    """Digits (N, 64) or (N, 1, 8, 8) in [0, 1] -> a list of 8x8 RGB PIL images (provided):
    pixel = round(255 * value), grey copied to the three channels."""
    from PIL import Image

    pixels = (images.reshape(len(images), 8, 8).clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    return [Image.fromarray(p, mode="L").convert("RGB") for p in pixels]


def open_clip_embeddings(images, texts, model_name="ViT-B-32", pretrained="laion2b_s34b_b79k", open_clip=None):
    """Image and text embeddings from a pre-trained open_clip model, ready for RetrievalIndex.

    Opt-in: needs `pip install open_clip_torch` and a network the first time (the weights are
    downloaded). The tests pass a small local stand-in as `open_clip` with the same API.

        model, _, preprocess = open_clip.create_model_and_transforms(model_name, pretrained=pretrained)
        tokenizer = open_clip.get_tokenizer(model_name)
    then, with model.eval() and without gradients:
        image_emb = model.encode_image(torch.stack([preprocess(im) for im in digits_to_pil(images)]))
        text_emb  = model.encode_text(tokenizer(texts))
    and each L2-normalised (rows of norm 1).

    Args:
        images: (N, 64) digits in [0, 1]; texts: a list of M strings.
        open_clip: the open_clip module (imported when None).
    Returns:
        (image_emb (N, D), text_emb (M, D)): search with RetrievalIndex(image_emb).search(text_emb, k).
    """
    ### BEGIN SOLUTION
    if open_clip is None:
        import open_clip
    model, _, preprocess = open_clip.create_model_and_transforms(model_name, pretrained=pretrained)
    tokenizer = open_clip.get_tokenizer(model_name)
    model.eval()
    with torch.no_grad():
        pixels = torch.stack([preprocess(im) for im in digits_to_pil(images)])
        image_emb = F.normalize(model.encode_image(pixels), dim=-1)
        text_emb = F.normalize(model.encode_text(tokenizer(texts)), dim=-1)
    return image_emb, text_emb
    ### END SOLUTION
