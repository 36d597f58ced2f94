"""A second correct genlab.multimodal, written from the docstrings: explicit log-softmax losses,
sorting instead of topk, a boolean causal mask, noise drawn up front. It must get full marks."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def _unit(v):
    return v / v.norm(dim=-1, keepdim=True).clamp(min=1e-12)


def clip_loss(image_emb, text_emb, logit_scale):
    if not torch.is_tensor(logit_scale):
        logit_scale = torch.tensor(float(logit_scale))
    temperature = torch.exp(torch.clamp(logit_scale, max=math.log(100.0)))
    sims = temperature * (_unit(image_emb) @ _unit(text_emb).transpose(0, 1))
    diag = torch.diagonal(sims)
    per_image = torch.logsumexp(sims, dim=1) - diag
    per_text = torch.logsumexp(sims, dim=0) - diag
    return 0.5 * (per_image.mean() + per_text.mean())


class TinyCLIP(nn.Module):
    def __init__(self, image_dim=64, vocab_size=34, embed_dim=32, hidden_dim=128, pad_id=0):
        super().__init__()
        self.pad_id = pad_id
        self.image_encoder = nn.Sequential(nn.Linear(image_dim, hidden_dim), nn.ReLU(),
                                           nn.Linear(hidden_dim, hidden_dim), nn.ReLU())
        self.image_proj = nn.Linear(hidden_dim, embed_dim)
        self.token_embedding = nn.Embedding(vocab_size, hidden_dim, padding_idx=pad_id)
        self.text_encoder = nn.Sequential(nn.Linear(hidden_dim, hidden_dim), nn.ReLU())
        self.text_proj = nn.Linear(hidden_dim, embed_dim)
        self.logit_scale = nn.Parameter(torch.log(torch.tensor(1.0) / 0.07))

    def encode_image(self, images):
        return _unit(self.image_proj(self.image_encoder(images)))

    def encode_text(self, tokens):
        counts = F.one_hot(tokens, self.token_embedding.num_embeddings).float().sum(1)   # (B, V) bag of words
        counts[:, self.pad_id] = 0
        pooled = counts @ self.token_embedding.weight / counts.sum(1, keepdim=True).clamp(min=1)
        return _unit(self.text_proj(self.text_encoder(pooled)))

    def forward(self, images, tokens):
        scale = torch.minimum(self.logit_scale, torch.tensor(math.log(100.0)))
        return self.encode_image(images), self.encode_text(tokens), scale


@torch.no_grad()
def zero_shot_classify(model, images, class_prompts):
    a = _unit(model.encode_image(images))
    b = _unit(model.encode_text(class_prompts))
    scale = min(float(model.logit_scale), math.log(100.0))
    return F.softmax(math.exp(scale) * torch.einsum("bd,cd->bc", a, b), dim=1)


class RetrievalIndex:
    def __init__(self, embeddings):
        self.embeddings = _unit(embeddings.float())

    def __len__(self):
        return self.embeddings.shape[0]

    def search(self, queries, k):
        q = _unit(queries.float())
        sims = q @ self.embeddings.T if q.dim() == 2 else self.embeddings @ q
        order = torch.argsort(sims, dim=-1, descending=True)[..., :k]
        return torch.gather(sims, -1, order), order


def recall_at_k(similarity, targets, k):
    hits = 0
    for q in range(similarity.shape[0]):
        relevant = targets[q] if targets.dtype == torch.bool else torch.arange(similarity.shape[1]) == targets[q]
        if relevant.any():
            best = similarity[q][relevant].max()
            hits += int(int((similarity[q] > best).sum()) < k)
    return hits / similarity.shape[0]


class CaptionDecoder(nn.Module):
    def __init__(self, vocab_size=34, image_dim=64, d_model=64, n_heads=4, n_layers=1, n_image_tokens=4,
                 max_len=8, pad_id=0, bos_id=1, eos_id=2):
        super().__init__()
        self.n_image_tokens, self.d_model, self.max_len = n_image_tokens, d_model, max_len
        self.pad_id, self.bos_id, self.eos_id = pad_id, bos_id, eos_id
        self.image_proj = nn.Linear(image_dim, n_image_tokens * d_model)
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(max_len, d_model)
        self.decoder = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(d_model=d_model, nhead=n_heads, dim_feedforward=4 * d_model, dropout=0.0,
                                       batch_first=True, norm_first=True), num_layers=n_layers)
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size)

    def forward(self, images, tokens):
        L = tokens.shape[1]
        memory = self.image_proj(images).reshape(len(images), self.n_image_tokens, -1)
        h = self.token_embedding(tokens) + self.position_embedding.weight[:L]
        future = torch.ones(L, L, dtype=torch.bool).triu(diagonal=1)        # True = may not attend
        return self.lm_head(self.ln_f(self.decoder(h, memory, tgt_mask=future)))

    def loss(self, images, tokens):
        logp = F.log_softmax(self(images, tokens[:, :-1]), dim=-1)
        target = tokens[:, 1:]
        nll = -logp.gather(-1, target.unsqueeze(-1)).squeeze(-1)
        keep = (target != self.pad_id).float()
        return (nll * keep).sum() / keep.sum()

    @torch.no_grad()
    def caption(self, images, max_len=None):
        n = max_len or self.max_len
        out = torch.full((len(images), n), self.pad_id, dtype=torch.long)
        out[:, 0] = self.bos_id
        finished = [False] * len(images)
        for i in range(1, n):
            best = self(images, out[:, :i])[:, -1].argmax(-1)
            for b in range(len(images)):
                if not finished[b]:
                    out[b, i] = best[b]
                    finished[b] = int(best[b]) == self.eos_id
        return out


def classifier_free_guidance(eps_cond, eps_uncond, scale):
    return (1 - scale) * eps_uncond + scale * eps_cond


def cfg_betas(T=50):
    return torch.linspace(1e-4 * 1000 / T, 0.02 * 1000 / T, T, dtype=torch.float64).float()


class ConditionalDenoiser(nn.Module):
    def __init__(self, data_dim=64, n_classes=10, hidden_dim=256, T=50, p_uncond=0.2):
        super().__init__()
        self.T, self.n_classes, self.null_label, self.p_uncond = T, n_classes, n_classes, p_uncond
        self.register_buffer("betas", cfg_betas(T))
        self.input = nn.Linear(data_dim, hidden_dim)
        self.time_embedding = nn.Embedding(T, hidden_dim)
        self.label_embedding = nn.Embedding(n_classes + 1, hidden_dim)
        layers = [nn.SiLU(), nn.Linear(hidden_dim, hidden_dim), nn.SiLU(), nn.Linear(hidden_dim, hidden_dim),
                  nn.SiLU(), nn.Linear(hidden_dim, data_dim)]
        self.net = nn.Sequential(*layers)

    def forward(self, x_t, t, labels):
        h = self.input(x_t)
        h = h + self.time_embedding(t)
        h = h + self.label_embedding(labels)
        return self.net(h)

    def loss(self, x0, labels, t=None, noise=None, drop_mask=None):
        n = x0.shape[0]
        noise = torch.randn(x0.shape) if noise is None else noise
        t = torch.randint(self.T, (n,)) if t is None else t
        drop_mask = torch.rand(n) < self.p_uncond if drop_mask is None else drop_mask
        labels = labels.masked_fill(drop_mask, self.null_label)
        alpha_bar = torch.exp(torch.cumsum(torch.log1p(-self.betas.double()), 0)).float()[t][:, None]
        x_t = torch.sqrt(alpha_bar) * x0 + torch.sqrt(1 - alpha_bar) * noise
        return ((self(x_t, t, labels) - noise) ** 2).mean()


@torch.no_grad()
def guided_sample(model, labels, scale, x_T=None, noise=None):
    betas = model.betas
    T, B = betas.shape[0], labels.shape[0]
    alpha_bar = torch.cumprod(1 - betas, 0)
    x = (x_T if x_T is not None else torch.randn(B, model.input.in_features)).clone()
    if noise is None:
        noise = torch.randn((T,) + tuple(x.shape))
    empty = torch.full((B,), model.null_label, dtype=torch.long)
    for t in range(T - 1, -1, -1):
        step = torch.full((B,), t, dtype=torch.long)
        eps = classifier_free_guidance(model(x, step, labels), model(x, step, empty), scale)
        mean = (x - eps * betas[t] / torch.sqrt(1 - alpha_bar[t])) / torch.sqrt(1 - betas[t])
        x = mean + torch.sqrt(betas[t]) * noise[t] if t > 0 else mean
    return x


def digits_to_pil(images):
    from PIL import Image

    pixels = (images.reshape(len(images), 8, 8).clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    return [Image.fromarray(p, mode="L").convert("RGB") for p in pixels]


def open_clip_embeddings(images, texts, model_name="ViT-B-32", pretrained="laion2b_s34b_b79k", open_clip=None):
    if open_clip is None:
        import open_clip
    model, _, preprocess = open_clip.create_model_and_transforms(model_name, pretrained=pretrained)
    tokenize = open_clip.get_tokenizer(model_name)
    model = model.eval()
    with torch.no_grad():
        batch = torch.stack([preprocess(p) for p in digits_to_pil(images)])
        return _unit(model.encode_image(batch)), _unit(model.encode_text(tokenize(texts)))
