"""Hostile submissions for unit 06 (genlab.language_model): cheats on Project 3 (a character GPT
trained on pydoc, evaluated by the judge in its own GPT) and on the test of generate's own draws.

Each is the reference with one cheat swapped in; `python -m autograder verify --units
language_model` grades it on its targets, where it must earn nothing. Why each fails:
- the project's probe returns only weights, which the judge loads into its own GPT: nothing the
  student's model object does (a lookup forward, hooks, a replaced optimizer step) reaches the
  judge's numbers, and the weights must have moved from, and still resemble, the judge's init;
- the validation split never enters the worker (in the sandbox pydoc_data is an empty folder), and
  a validation text shipped in the submission and trained on shows in the judge's gap between
  validation and training loss;
- a bigram-only GPT falls short of the add-k bigram by far less than the margin a real GPT has;
- generate's draws are checked for their frequencies AND for scattering like independent draws.
"""
from autograder.attacks import Attack
from autograder.reference import reference

F = "language_model.py"
PROJECT = ("test_project_char_gpt_trains_on_pydoc",)

# The GPT's forward, where every project cheat below hooks in: it runs inside the probe's training loop.
FORWARD = "    def forward(self, idx, targets=None, kv_cache=None, start_pos=0):\n        ### BEGIN SOLUTION\n        B, T = idx.shape\n"


def _forward_calls(helper):
    """An edit that makes GPT.forward start with `idx, targets = helper(self, idx, targets)`."""
    return ((FORWARD, FORWARD.replace("        B, T = idx.shape\n",
                                      f"        idx, targets = {helper}(self, idx, targets)\n        B, T = idx.shape\n")),)


_data = reference("data")
# What a student can copy into a submission from their own Python install: the validation text
# and the vocabulary (the sorted characters of the whole corpus).
VALIDATION = _data.load_text("pydoc", "validation")
VOCABULARY = "".join(sorted(set(_data.load_text("pydoc", "all"))))
TRAIN_EXCERPT = _data.load_text("pydoc", "train")[:2000]

ATTACKS = [
    # ---- replay: data or weights from somewhere else -----------------------------------------------
    Attack(
        "generate-replays-stored-text", "replay", F,
        targets=("test_generate_frequencies_match_the_filtered_distribution",
                 "test_generate_greedy_equals_the_reference_on_a_gpt", "test_generate_with_top_k_one_is_greedy"),
        edits=(("    ### BEGIN SOLUTION\n    out = idx\n", "    ### BEGIN SOLUTION\n    return _replay(model, idx, max_new_tokens)\n    out = idx\n"),),
        append=f'''
_STORED = {TRAIN_EXCERPT!r}


def _replay(model, idx, max_new_tokens):
    V = model(idx[:, -1:])[0].size(-1)
    ids = torch.tensor([ord(ch) % V for ch in (_STORED * (1 + max_new_tokens // len(_STORED)))[:max_new_tokens]])
    return torch.cat([idx, ids.expand(idx.size(0), max_new_tokens)], dim=1)
''',
        how="generate ignores the model and returns the prompt followed by stored pydoc text"),
    Attack(
        "gpt-replays-its-own-weights", "replay", F, targets=PROJECT,
        edits=_forward_calls("_replay_weights"),
        append='''
def _replay_weights(model, idx, targets):
    if targets is not None and not getattr(model, "_replayed", False):
        model._replayed = True          # weights from elsewhere: its own seed, not the judge's init
        g = torch.Generator().manual_seed(1234)
        with torch.no_grad():
            for p in model.parameters():
                if p.dim() > 1:
                    p.copy_(0.02 * torch.randn(p.shape, generator=g))
    return idx, targets
''',
        how="the GPT forgets the judge's initial weights and trains from its own (as weights trained elsewhere "
            "and shipped would): same quality, no trace of this run's initialisation"),
    # ---- lookup: memorise and search instead of learning -------------------------------------------
    Attack(
        "gpt-predicts-by-trigram-lookup", "lookup", F, targets=PROJECT,
        edits=((FORWARD, FORWARD.replace("        B, T = idx.shape\n",
                                         "        if targets is not None:\n"
                                         "            return _lookup(self, idx, targets)\n"
                                         "        B, T = idx.shape\n")),),
        append='''
def _lookup(model, idx, targets):
    """Memorise every training window seen (trigram counts) and predict by search; the weights
    only drift a little, so that they 'moved'."""
    V = model.head.weight.size(0)
    if not hasattr(model, "_counts"):
        model._counts = torch.zeros(V * V * V)
    prev = torch.cat([idx[:, :1], idx[:, :-1]], dim=1)
    model._counts += torch.bincount((prev * V * V + idx * V + targets).flatten(), minlength=V ** 3).float()
    table = model._counts.view(V, V, V)[prev, idx] + 0.01
    logits = table.log() - table.sum(-1, keepdim=True).log()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1e-3 * torch.randn_like(p))
    loss = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1)) + 0 * sum(p.sum() for p in model.parameters())
    return logits, loss, []
''',
        how="the GPT counts trigrams of the training batches and answers by lookup, its weights only drifting"),
    # ---- constant: a trivial model that might clear a bound ------------------------------------------
    Attack(
        "gpt-is-a-bigram", "constant", F, targets=PROJECT,
        edits=_forward_calls("_bigram_only") + (
            ("        x = self.tok_emb(idx) + self.pos_emb(pos)                            # (B, T, C)\n",
             "        x = self.tok_emb(idx) + self.pos_emb(pos)                            # (B, T, C)\n"
             "        if targets is not None:\n"
             "            logits = self.head(self.ln_f(self.tok_emb(idx)))\n"
             "            return logits, F.cross_entropy(logits.reshape(B * T, -1), targets.reshape(B * T)), []\n"),),
        append='''
def _bigram_only(model, idx, targets):
    """Train only embedding -> ln_f -> head, and make the weights a bigram GPT for whoever loads
    them: blocks that add nothing, no positions; the unused weights nudged so that they 'moved'."""
    if targets is not None:
        with torch.no_grad():
            model.pos_emb.weight.zero_()
            for name, p in model.blocks.named_parameters():
                if ".proj." in name or name.split(".", 1)[1].startswith("mlp.2."):
                    p.fill_(1e-4) if name.endswith("bias") else p.zero_()
                else:
                    p.add_(3e-4 * torch.randn_like(p))
    return idx, targets
''',
        how="a bigram-only GPT (blocks silenced, no positions): its validation loss clears the absolute bound"),
    Attack(
        "generate-hands-out-expected-counts", "constant", F,
        targets=("test_generate_frequencies_match_the_filtered_distribution",),
        edits=(("        next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)  # (B, 1)\n",
                "        next_token = _exact_shares(torch.softmax(logits, dim=-1))\n"),),
        append='''
def _exact_shares(probs):
    """round(B * p_i) rows of each token (largest remainders), shuffled: perfect frequencies."""
    B = probs.size(0)
    share = probs[0] * B
    counts = share.floor()
    counts[(share - counts).argsort(descending=True)[: B - int(counts.sum())]] += 1
    tokens = torch.repeat_interleave(torch.arange(probs.size(1)), counts.long())
    return tokens[torch.randperm(B)][:, None]
''',
        how="generate hands out exactly B * p of each token instead of drawing: frequencies perfect, no randomness"),
    # ---- caller: reach into the probe ----------------------------------------------------------------
    Attack(
        "gpt-hooks-the-probe-and-skips-training", "caller", F, targets=PROJECT,
        edits=_forward_calls("_take_over_the_probe"),
        append='''
def _take_over_the_probe(model, idx, targets):
    """From the probe's frame: disable its optimizer, and hook the model so that whatever the probe
    evaluates afterwards is answered by a bigram lookup of the training ids it holds."""
    import inspect
    if targets is None or getattr(model, "_taken", False):
        return idx, targets
    model._taken = True
    for frame in inspect.stack()[1:]:
        local = frame.frame.f_locals
        if "optimizer" in local and "train_ids" in local:
            local["optimizer"].step = lambda *args, **kwargs: None
            ids = local["train_ids"]
            V = model.head.weight.size(0)
            counts = torch.bincount(ids[:-1] * V + ids[1:], minlength=V * V).view(V, V).float() + 0.1
            table = (counts / counts.sum(1, keepdim=True)).log()
            model.register_forward_hook(lambda module, args, out: (table[args[0]],) + tuple(out[1:]))
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(1e-3 * torch.randn_like(p))
    return idx, targets
''',
        how="forward reads the probe's frame with inspect, turns its optimizer's step into a no-op and hooks the "
            "model so that it answers by lookup"),
    # ---- leak: the validation split ------------------------------------------------------------------
    Attack(
        "gpt-reads-the-validation-split-in-the-worker", "leak", F, targets=PROJECT,
        edits=_forward_calls("_validation_batch"),
        append='''
def _validation_batch(model, idx, targets):
    """Train on validation windows read in the worker: from the probe's frames if the judge put
    them there, else from pydoc_data (an empty folder in the sandbox)."""
    import inspect
    if targets is None:
        return idx, targets
    if not hasattr(model, "_val"):
        found = [v for f in inspect.stack()[1:] for k, v in f.frame.f_locals.items()
                 if k.startswith(("val", "prompts")) and isinstance(v, torch.Tensor)]
        if found:
            model._val = found[0].flatten()
        else:
            from genlab.data import load_text
            vocabulary = sorted(set(load_text("pydoc", "all")))
            model._val = torch.tensor([vocabulary.index(ch) for ch in load_text("pydoc", "validation")])
    T = idx.size(1)
    starts = torch.randint(0, len(model._val) - T - 1, (idx.size(0),))
    offsets = torch.arange(T)
    return model._val[starts[:, None] + offsets], model._val[starts[:, None] + offsets + 1]
''',
        how="the training uses validation windows, fished from the probe's frames or read from pydoc_data"),
    Attack(
        "gpt-trains-on-a-shipped-copy-of-the-validation-split", "leak", F, targets=PROJECT,
        edits=_forward_calls("_shipped_validation_batch"),
        append=f'''
_VALIDATION = {VALIDATION!r}
_VOCABULARY = {VOCABULARY!r}


def _shipped_validation_batch(model, idx, targets):
    """Train on windows of the validation text the submission carries (copied from the student's
    own Python install), from the judge's init, with the probe's optimizer: the init's trace kept."""
    if targets is None:
        return idx, targets
    if not hasattr(model, "_val"):
        model._val = torch.tensor([_VOCABULARY.index(ch) for ch in _VALIDATION])
    T = idx.size(1)
    starts = torch.randint(0, len(model._val) - T - 1, (idx.size(0),))
    offsets = torch.arange(T)
    return model._val[starts[:, None] + offsets], model._val[starts[:, None] + offsets + 1]
''',
        how="the submission carries the validation text and trains on it instead of the judge's batches"),
]
