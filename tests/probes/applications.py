"""Worker-side probes for unit 09 (genlab.applications): they run the student's code and return data.

Functions cannot cross to the judge, so the generators, tokenizers, models and token counters the
tests need are built here from data the judge sends.
"""
import torch
from torch import nn

MAX_MIDI_BYTES = 1 << 20   # a file of a few hundred notes is a few KB: anything over 1 MB is a bug


def outcome(genlab, function, args=(), kwargs=None):
    """Call genlab.applications.<function>(*args, **kwargs) and report what happened as data:
    {"value": result} or {"raised": exception type name, "message": its text}.
    NotImplementedError propagates (an unfinished stub fails the test as such)."""
    try:
        value = getattr(genlab.applications, function)(*args, **(kwargs or {}))
    except NotImplementedError:
        raise
    except Exception as exc:
        return {"raised": type(exc).__name__, "message": str(exc)[:500]}
    return {"value": value}


# ---- augmentation -------------------------------------------------------------------------------

def mixup_lams(genlab, x, y_onehot, alpha, n):
    """n calls of mixup with the student's own draws: every (x_mix, y_mix, lam), stacked. The judge
    checks each call's blend itself (lam * x + (1 - lam) * x[perm] for a permutation perm)."""
    xs, ys, lams = [], [], []
    for _ in range(n):
        x_mix, y_mix, lam = genlab.applications.mixup(x, y_onehot, alpha)
        xs.append(torch.as_tensor(x_mix))
        ys.append(torch.as_tensor(y_mix))
        lams.append(float(lam))
    return {"x_mix": torch.stack(xs), "y_mix": torch.stack(ys), "lams": torch.tensor(lams, dtype=torch.float64)}


def augment_from_pool(genlab, pool_x, pool_y, n_per_class, n_classes):
    """augment_with_generator with a generator that hands out the judge's samples: each label asked
    for gets an unused pool row of that class (in random order), and ValueError once a class runs
    out. The judge keeps its own copy of the pool and checks every row that comes back."""
    pool_y = torch.as_tensor(pool_y, dtype=torch.long)
    rows = {c: pool_x[pool_y == c][torch.randperm(int((pool_y == c).sum()))] for c in range(n_classes)}
    taken = dict.fromkeys(rows, 0)

    def sample_fn(labels):
        out = []
        for c in torch.as_tensor(labels, dtype=torch.long).flatten().tolist():
            if c not in rows:
                raise ValueError(f"this generator makes classes 0 .. {n_classes - 1}, not {c}")
            if taken[c] == len(rows[c]):
                raise ValueError(f"this generator holds {len(rows[c])} samples of class {c} and all were handed out: "
                                 f"augment_with_generator needs only n_per_class = {n_per_class} per class")
            out.append(rows[c][taken[c]])
            taken[c] += 1
        return torch.stack(out) if out else pool_x[:0].clone()

    x, y = genlab.applications.augment_with_generator(sample_fn, n_per_class, n_classes)
    return {"x": x, "y": y}


def augment_from_pools(genlab, pools, n_per_class, n_classes):
    """augment_from_pool once per (pool_x, pool_y) in `pools`."""
    return [augment_from_pool(genlab, px, py, n_per_class, n_classes) for px, py in pools]


def mixup_rounds(genlab, x, y_onehot, alpha, rounds):
    """`rounds` calls of mixup on the same batch with the student's own draws: [(x_mix, y_mix, lam)]."""
    out = []
    for _ in range(rounds):
        x_mix, y_mix, lam = genlab.applications.mixup(x, y_onehot, alpha)
        out.append([x_mix, y_mix, float(lam)])
    return out


# ---- code generation ----------------------------------------------------------------------------

class CharTokenizer:
    def __init__(self, vocab):
        self.vocab = vocab
        self.index = {c: i for i, c in enumerate(vocab)}

    def encode(self, text):
        return [self.index[c] for c in text]

    def decode(self, ids):
        return "".join(self.vocab[int(i)] for i in ids)


class BigramModel(nn.Module):
    """logits[t] = table[idx[t]]: the next token depends on the current one only. Refuses input
    longer than block_size, like a GPT with learned positions."""

    def __init__(self, table, block_size):
        super().__init__()
        self.table = nn.Parameter(table.clone())
        self.block_size = block_size

    def forward(self, idx):
        assert idx.dim() == 2 and idx.dtype == torch.long, "the model takes (B, T) int64 token ids"
        assert idx.shape[1] <= self.block_size, f"input of {idx.shape[1]} tokens is over block_size={self.block_size}"
        return self.table[idx]                                # (B, T, V)


def complete_bigram(genlab, vocab, table, prompt, max_new_tokens, n=1, block_size=8, **sampling):
    """n completions of `prompt` by the student's complete_code with a bigram model."""
    model, tokenizer = BigramModel(table, block_size), CharTokenizer(vocab)
    return [genlab.applications.complete_code(model, tokenizer, prompt, max_new_tokens, **sampling) for _ in range(n)]


# ---- music --------------------------------------------------------------------------------------

def midi(genlab, notes, **kwargs):
    """notes_to_midi's bytes, or only their size when the file is absurdly large."""
    data = genlab.applications.notes_to_midi([tuple(n) for n in notes], **kwargs)
    if not isinstance(data, (bytes, bytearray)):
        return {"type": type(data).__name__}
    if len(data) > MAX_MIDI_BYTES:
        return {"size": len(data)}
    return {"bytes": bytes(data)}


def markov(genlab, order, sequences, contexts, n=0, start=None, n_samples=0):
    """Fit the student's MarkovMelody; its transition_probs at each context as [[pitch, p], ...];
    n_samples melodies of length n from `start`."""
    chain = genlab.applications.MarkovMelody(order=order).fit([list(s) for s in sequences])
    probs = [[[int(p), float(q)] for p, q in chain.transition_probs(list(c)).items()] for c in contexts]
    melodies = [[int(p) for p in chain.sample(n, list(start))] for _ in range(n_samples)]
    return {"probs": probs, "melodies": melodies}


# ---- prompting ----------------------------------------------------------------------------------

COUNTERS = {"chars": len, "words": lambda s: len(s.split()), "lines": lambda s: s.count("\n") + 1}


def few_shot(genlab, instruction, examples, query, max_tokens=None, counter="chars"):
    """few_shot_prompt with a named token counter (the function itself cannot cross)."""
    return genlab.applications.few_shot_prompt(instruction, [tuple(e) for e in examples], query,
                                               max_tokens=max_tokens, count_tokens=COUNTERS[counter])
