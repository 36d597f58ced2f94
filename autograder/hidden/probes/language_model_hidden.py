"""Hidden worker-side probes for unit 06. They run the student's code and return data only.

Tokenizer, n-gram, forward, cache and LoRA probes are the public ones (tests/probes/language_model.py);
these add the causality pair, the sampling statistics and Project 3's training run.
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


def merge_pair_and_counts(genlab, ids, pair, new_id):
    lm = genlab.language_model
    counts = lm.pair_counts(ids)
    return {"merged": list(lm.merge_pair(ids, tuple(pair), new_id)),
            "pairs": [[int(a), int(b), int(c)] for (a, b), c in counts.items()]}


def train_char_gpt(genlab, config, train_ids, starts, lr, val_inputs, prompts, n_new, low, high):
    """Project 3: train the student's GPT with the student's loss on the judge's batches (starts:
    (steps, B) offsets into train_ids), then return (i) its logits on the judge's validation
    windows, (ii) samples from the student's generate at the `low` and `high` settings (dicts of
    generate's keyword arguments), each with the model's temperature-1 logits over them, so
    the judge computes every loss and perplexity itself."""
    torch.set_num_threads(1)
    model = genlab.language_model.GPT(**config)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    T = config["block_size"]
    offsets = torch.arange(T)
    model.train()
    for batch_starts in starts:
        x = train_ids[batch_starts[:, None] + offsets]                   # (B, T)
        y = train_ids[batch_starts[:, None] + offsets + 1]
        _, loss, _ = model(x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    out = {"final_train_loss": float(loss)}
    with torch.no_grad():
        out["val_logits"] = model(val_inputs)[0]
        for name, settings in (("low", low), ("high", high)):
            samples = genlab.language_model.generate(model, prompts, n_new, **settings)
            out[f"samples_{name}"] = samples
            out[f"logits_{name}"] = model(samples[:, :-1])[0]
    return out
