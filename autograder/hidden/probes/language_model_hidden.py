"""Hidden worker-side probes for unit 06. They run the student's code and return data only.

Tokenizer, n-gram, forward, cache and LoRA probes are the public ones (tests/probes/language_model.py);
these add the causality pair, the sampling statistics and Project 3's training run (which returns
the trained weights only: the judge evaluates them in its own copy of the GPT).
"""
import torch

from genlab_probes.language_model import BigramTable, _gpt


def gpt_causality(genlab, config, state, idx, changed):
    """Logits of idx and of `changed` (idx with later tokens replaced), same weights."""
    model = _gpt(genlab, config, state)
    with torch.no_grad():
        return {"a": model(idx)[0], "b": model(changed)[0]}


def bigram_first_tokens(genlab, table, n, temperature=1.0, top_k=None, top_p=None):
    """n draws of the first generated token after the prompt [[0]] (batched as n rows), from the
    student's generate on a BigramTable, with the student's own randomness."""
    idx = torch.zeros(n, 1, dtype=torch.long)
    out = genlab.language_model.generate(BigramTable(table), idx, 1, temperature=temperature, top_k=top_k, top_p=top_p)
    return torch.bincount(out[:, 1], minlength=table.shape[1])


def filter_sweep(genlab, cases):
    """top_k_filter (cases with "k") or top_p_filter (with "p" and "keep") on each case's logits."""
    lm = genlab.language_model
    return [lm.top_k_filter(case["logits"], case["k"]) if "k" in case
            else lm.top_p_filter(case["logits"], case["p"], min_tokens_to_keep=case["keep"]) for case in cases]


def merge_pair_and_counts(genlab, ids, pair, new_id):
    lm = genlab.language_model
    counts = lm.pair_counts(ids)
    return {"merged": list(lm.merge_pair(ids, tuple(pair), new_id)),
            "pairs": [[int(a), int(b), int(c)] for (a, b), c in counts.items()]}


def train_char_gpt(genlab, config, initial, train_ids, starts, lr):
    """Project 3: YOUR GPT(**config), loaded with the judge's initial weights (`initial`, a state
    dict under the documented names), trained with YOUR forward and loss on the judge's batches
    (starts: (steps, B) offsets into train_ids, the pydoc train split) by 400 Adam steps. Returns
    the trained weights under the documented names, which the judge loads into its own GPT and
    evaluates (validation loss, bigram comparison, samples) on data that never comes here, and a
    few of the training losses, for the feedback only."""
    torch.set_num_threads(1)
    model = _gpt(genlab, config, initial)
    extra = sorted(name for name, p in model.named_parameters() if name not in initial and p.requires_grad)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    T = config["block_size"]
    offsets = torch.arange(T)
    model.train()
    losses = []
    for batch_starts in starts:
        x = train_ids[batch_starts[:, None] + offsets]                   # (B, T)
        y = train_ids[batch_starts[:, None] + offsets + 1]
        _, loss, _ = model(x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    state = model.state_dict()
    return {"state": {name: state[name].detach().clone() for name in initial if name in state},
            "losses": losses[::50] + losses[-1:], "extra_parameters": extra}
