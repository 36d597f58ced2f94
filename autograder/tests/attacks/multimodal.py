"""Cheats against unit 08's two training tests (Project 5's text -> image search and the guided
digits), one of each kind in autograder/attacks.py's KINDS for each, plus the sampler the guided
test used to trust. Each is the reference with a few lines swapped; `python -m autograder verify
--units multimodal` grades each on its targets, where it must earn nothing.

What stops them: the probes start the student's model from weights the judge seeded and hand back
only the trained state_dict; the judge loads it into its own reference model (so no hook, replaced
method or stored data travels), checks every layer moved and kept a trace of its initialisation,
and embeds or samples itself on data that never entered the worker (the test digits, fresh
captions, its own noise). The student's guided_sample is graded on our linear stand-in, whose
output distribution the judge computes exactly.
"""
from autograder.attacks import Attack

PROJECT = ("test_project_text_to_image_search_on_digits",)
GUIDED = ("test_guided_samples_show_the_requested_digit",)
OWN_DRAWS = ("test_guided_sample_draws_its_own_start_and_noise",)

# ---- helpers the attacks append to multimodal.py -------------------------------------------------

FRAMES = '''
import inspect as _inspect
import os as _os


def _from_frames(*names):
    """The locals of the first frame up the stack that has every one of `names` (the probe's), or None."""
    for info in _inspect.stack():
        if all(name in info.frame.f_locals for name in names):
            return info.frame.f_locals
    return None


def _nudge(module):
    """A loss that moves every parameter (Adam steps by about lr whatever the gradient's size), so
    the weights differ from the judge's initialisation without learning anything."""
    return 1e-6 * sum(p.sum() for p in module.parameters())


def _digit_labels(tokens):
    """The digit each caption names, read off its digit word or numeral."""
    from .data import DIGIT_WORDS, CaptionTokenizer
    tok = CaptionTokenizer()
    ids = {tok.encode(w)[1]: d for d, w in enumerate(DIGIT_WORDS)}
    ids.update({tok.encode(str(d))[1]: d for d in range(10)})
    return torch.tensor([next(ids[int(t)] for t in row if int(t) in ids) for row in tokens])


def _handmade_clip(model, images, labels):
    """A TinyCLIP written by hand: the text side looks the digit word up in a table, the image side
    compares with `images` as prototypes and votes for their labels (nearest-prototype search)."""
    from .data import DIGIT_WORDS, CaptionTokenizer
    tok = CaptionTokenizer()
    H, E = model.token_embedding.weight.shape[1], model.text_proj.weight.shape[0]
    directions = torch.linalg.qr(torch.randn(E, E))[0][:10]
    s = {k: torch.zeros_like(v) for k, v in model.state_dict().items()}
    for d, w in enumerate(DIGIT_WORDS):
        s["token_embedding.weight"][tok.encode(w)[1], d] = s["token_embedding.weight"][tok.encode(str(d))[1], d] = 1
    s["text_encoder.0.weight"] = torch.eye(H)
    s["text_proj.weight"][:, :10] = directions.T
    n = min(H, len(images))
    s["image_encoder.0.weight"][:n] = images[:n]
    s["image_encoder.0.bias"][:n] = -0.8 * (images[:n] ** 2).sum(1)
    s["image_encoder.2.weight"] = torch.eye(H)
    s["image_proj.weight"][:, :n] = directions[labels[:n]].T
    s["logit_scale"] = model.logit_scale.detach().clone()
    with torch.no_grad():
        for k, v in model.state_dict().items():
            v.copy_(s[k])
'''

ATTACKS = [
    # ---- replay ----------------------------------------------------------------------------------
    Attack(
        "replay-guided-sample-returns-training-digits", "replay", "multimodal.py", GUIDED + OWN_DRAWS,
        edits=(("    def loss(self, x0, labels, t=None, noise=None, drop_mask=None):\n",
                "    def loss(self, x0, labels, t=None, noise=None, drop_mask=None):\n"
                "        return _stash_digits(self, x0, labels)\n"),
               ("    ### BEGIN SOLUTION\n    betas = model.betas\n",
                "    return _replay_digits(labels)\n    ### BEGIN SOLUTION\n    betas = model.betas\n")),
        append=FRAMES + '''

_STASH = "replayed_digits.pt"


def _stash_digits(model, x0, labels):
    """Keep the training digits (in the worker's folder, which outlives a forked probe) and train nothing."""
    if _os.path.exists(_STASH):
        old_x, old_y = torch.load(_STASH)
        x0, labels = torch.cat([old_x, x0])[-4096:], torch.cat([old_y, labels])[-4096:]
    torch.save((x0.detach(), labels.detach()), _STASH)
    return _nudge(model)


def _replay_digits(labels):
    """Real digits of the requested labels instead of samples."""
    if _os.path.exists(_STASH):
        x, y = torch.load(_STASH)
    else:
        from .data import load_digits
        x, y = load_digits("train", signed=True)
    return torch.stack([x[y == int(l)][torch.randint(0, int((y == int(l)).sum()), ())] for l in labels])
''',
        how="the denoiser's loss only stashes the training digits and nudges the weights; guided_sample returns "
            "real digits of the requested labels instead of sampling"),
    Attack(
        "replay-clip-ships-its-own-weights", "replay", "multimodal.py", PROJECT,
        edits=(("        self.image_encoder = nn.Sequential(nn.Linear(image_dim, hidden_dim), nn.ReLU(),\n",
                "        torch.manual_seed(1234)   # the weights the submission ships (trained offline)\n"
                "        self.image_encoder = nn.Sequential(nn.Linear(image_dim, hidden_dim), nn.ReLU(),\n"),
               ("    def encode_image(self, images):\n",
                "    def load_state_dict(self, state_dict, strict=True, assign=False):\n"
                "        return None   # keep the shipped weights, not the judge's\n\n"
                "    def encode_image(self, images):\n")),
        how="TinyCLIP ignores the initial weights the judge sends and trains from its own (shipped, offline) "
            "initialisation: good weights, but not trained from this run's start"),

    # ---- lookup ----------------------------------------------------------------------------------
    Attack(
        "lookup-clip-embeds-by-nearest-training-caption", "lookup", "multimodal.py", PROJECT,
        edits=(("        return self.encode_image(images), self.encode_text(tokens), self.logit_scale.clamp(max=MAX_LOGIT_SCALE)",
                "        _remember(self, images, tokens)\n"
                "        return self.encode_image(images), self.encode_text(tokens), self.logit_scale.clamp(max=MAX_LOGIT_SCALE)"),
               ("        return F.normalize(self.image_proj(self.image_encoder(images)), dim=-1)   # (B, embed_dim)",
                "        return _lookup(self, images)")),
        append='''
def _remember(model, images, tokens):
    """Store every (image, caption) pair the training shows."""
    bank = model.__dict__.setdefault("_bank", {})
    for image, caption in zip(images, tokens):
        bank[tuple(image.tolist())] = caption


def _lookup(model, images):
    """An image's embedding is its nearest stored training image's caption embedding (a search)."""
    bank = model.__dict__.get("_bank")
    if not bank:
        return F.normalize(model.image_proj(model.image_encoder(images)), dim=-1)
    keys, captions = torch.tensor(list(bank)), torch.stack(list(bank.values()))
    return model.encode_text(captions[torch.cdist(images, keys).argmin(1)])
''',
        how="TinyCLIP stores the training pairs and embeds an image by searching for its nearest stored image's "
            "caption; only the text side is trained"),
    Attack(
        "lookup-denoiser-searches-the-training-digits", "lookup", "multimodal.py", GUIDED,
        edits=(("        return self.net(self.input(x_t) + self.time_embedding(t) + self.label_embedding(labels))",
                "        return _posterior_eps(self, x_t, t, labels)"),),
        append=FRAMES + '''

def _posterior_eps(model, x_t, t, labels):
    """The exact denoiser of the stored training digits (an empirical posterior over them), plus a
    zero-weighted term so that the loss can be back-propagated."""
    zero = 0 * sum(p.sum() for p in model.parameters())
    if not hasattr(model, "_bank_x"):
        probe = _from_frames("x", "labels", "optimizer")
        model._bank_x, model._bank_y = probe["x"].detach(), probe["labels"].detach()
    bank = model._bank_x
    ab = torch.cumprod(1 - model.betas, 0)[t].unsqueeze(-1)                      # (B, 1)
    d2 = (x_t ** 2).sum(1, keepdim=True) - 2 * ab.sqrt() * (x_t @ bank.T) + ab * (bank ** 2).sum(1)   # (B, N)
    same = (labels[:, None] == model._bank_y[None, :]) | (labels[:, None] == model.null_label)
    w = (-d2 / (2 * (1 - ab))).masked_fill(~same, float("-inf")).softmax(-1)
    x0 = w @ bank
    return (x_t - ab.sqrt() * x0) / (1 - ab).sqrt() + zero
''',
        how="the denoiser's forward is a search over the training digits it finds in the probe (the empirical "
            "posterior), so nothing is learned into its weights"),

    # ---- constant --------------------------------------------------------------------------------
    Attack(
        "constant-clip-one-point-for-every-image", "constant", "multimodal.py", PROJECT,
        edits=(("        return F.normalize(self.image_proj(self.image_encoder(images)), dim=-1)   # (B, embed_dim)",
                "        mean = images.mean(0, keepdim=True)\n"
                "        return F.normalize(self.image_proj(self.image_encoder(mean)), dim=-1).expand(len(images), -1)"),),
        how="encode_image returns one embedding (the batch's mean image's) for every image: the training moves "
            "every layer without the image side learning anything"),
    Attack(
        "constant-denoiser-ignores-x", "constant", "multimodal.py", GUIDED,
        edits=(("        return self.net(self.input(x_t) + self.time_embedding(t) + self.label_embedding(labels))",
                "        return self.net(self.input(torch.zeros_like(x_t)) + 1e-3 * self.input.weight.sum()\n"
                "                        + self.time_embedding(t) + self.label_embedding(labels))"),),
        how="the denoiser's prediction depends on (t, label) only, never on x_t (a per-label, per-step constant); "
            "a small term still moves input.weight"),

    # ---- caller ----------------------------------------------------------------------------------
    Attack(
        "caller-clip-writes-a-handmade-model-into-the-probe", "caller", "multimodal.py", PROJECT,
        edits=(("    image_emb, text_emb = F.normalize(image_emb, dim=-1), F.normalize(text_emb, dim=-1)\n",
                "    _take_over_the_probe()\n"
                "    return 0 * torch.zeros((), requires_grad=True)   # no gradient reaches the weights\n"
                "    image_emb, text_emb = F.normalize(image_emb, dim=-1), F.normalize(text_emb, dim=-1)\n"),),
        append=FRAMES + '''

def _take_over_the_probe():
    """Reach the probe's model and training data through the stack; write a hand-built nearest-class-mean
    CLIP into the model once, and return a loss with zero gradient so Adam leaves it there."""
    probe = _from_frames("model", "images", "caption_tokens")
    if probe is None or getattr(probe["model"], "_taken", False):
        return
    model, images, captions = probe["model"], probe["images"], probe["caption_tokens"]
    labels = _digit_labels(captions[0])
    means = torch.stack([images[labels == d].mean(0) for d in range(10)])
    _handmade_clip(model, means, torch.arange(10))
    model._taken = True
''',
        how="clip_loss walks up the stack to the probe's model and training data, writes a hand-built nearest-"
            "class-mean CLIP into the model and returns a zero-gradient loss"),
    Attack(
        "caller-guided-replaces-the-probes-forward-and-step", "caller", "multimodal.py", GUIDED,
        edits=(("    def loss(self, x0, labels, t=None, noise=None, drop_mask=None):\n",
                "    def loss(self, x0, labels, t=None, noise=None, drop_mask=None):\n"
                "        _hijack_the_probe()\n"),),
        append=FRAMES + '''

def _hijack_the_probe():
    """Reach the probe's optimizer and model through the stack: the optimizer's step does nothing, and the
    model's forward (an instance attribute) is replaced by a search over the training digits."""
    probe = _from_frames("optimizer", "model", "x")
    if probe is None or getattr(probe["optimizer"], "_hijacked", False):
        return
    optimizer, model, x = probe["optimizer"], probe["model"], probe["x"]
    optimizer.step = lambda *args, **kwargs: None
    optimizer._hijacked = True
    bank = x.detach()

    def forward(x_t, t, labels):
        nearest = bank[torch.cdist(x_t, bank).argmin(1)]
        return (x_t - nearest) + 0 * sum(p.sum() for p in model.parameters())
    model.forward = forward
''',
        how="the denoiser's loss reaches the probe's optimizer and model through inspect: step becomes a no-op and "
            "forward a nearest-training-digit search"),

    # ---- leak ------------------------------------------------------------------------------------
    Attack(
        "leak-clip-memorises-the-test-digits", "leak", "multimodal.py", PROJECT,
        edits=(("        return self.encode_image(images), self.encode_text(tokens), self.logit_scale.clamp(max=MAX_LOGIT_SCALE)",
                "        _memorise_the_test_split(self)\n"
                "        return self.encode_image(images), self.encode_text(tokens), self.logit_scale.clamp(max=MAX_LOGIT_SCALE)"),
               ("    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2",
                "    return 0 * (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2")),
        append=FRAMES + '''

def _memorise_the_test_split(model):
    """Find the test digits (in the probe's frames, as the old probe passed them, or in genlab.data) and
    write them into the image encoder as prototypes, the digit words into a lookup table; the loss is
    zeroed so the training leaves them there."""
    if getattr(model, "_memorised", False):
        return
    probe = _from_frames("test_images", "test_tokens")
    if probe is not None:
        images, y = probe["test_images"], _digit_labels(probe["test_tokens"])
    else:
        from .data import load_digits
        images, y = load_digits("test")
    _handmade_clip(model, images, y)
    model._memorised = True
''',
        how="TinyCLIP reads the test digits (from the probe's frames, else genlab.data.load_digits('test')) and "
            "memorises them as prototypes; the loss is zeroed"),
    Attack(
        "leak-guided-fishes-for-the-judges-samples", "leak", "multimodal.py", GUIDED,
        edits=(("    def loss(self, x0, labels, t=None, noise=None, drop_mask=None):\n",
                "    def loss(self, x0, labels, t=None, noise=None, drop_mask=None):\n"
                "        return _fish(self)\n"),),
        append=FRAMES + '''

def _fish(model):
    """Look for what the judge will evaluate: its sampling request in the frames (the old probe's
    sample_labels, x_T, noise) and the test digits, to replay later; train nothing."""
    found = {name: (_from_frames(name) or {}).get(name) for name in ("sample_labels", "x_T", "noise")}
    try:
        from .data import load_digits
        found["test"] = load_digits("test", signed=True)
    except Exception:
        pass
    if any(v is not None for v in found.values()):
        torch.save({k: v for k, v in found.items() if v is not None}, "fished.pt")
    return _nudge(model)
''',
        how="the denoiser's loss fishes for the judge's sampling request and the test digits to replay them, "
            "and trains nothing"),
]
