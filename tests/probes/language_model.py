"""Worker-side probes for unit 06 (genlab.language_model): they run your code and return data.

Objects cannot cross to the judge, so each probe builds your tokenizer or model, runs it on the
inputs the test sent, and returns numbers, strings, lists and tensors. GPT weights arrive as a
state dict keyed by the parameter names in the docstrings.
"""
import torch
import torch.nn as nn


def _gpt(genlab, config, state=None):
    """genlab.language_model.GPT(**config), with `state` loaded by parameter name."""
    model = genlab.language_model.GPT(**config)
    if state is not None:
        result = model.load_state_dict(state, strict=False)
        missing = [k for k in state if k in result.unexpected_keys]
        if missing:
            have = sorted(name for name, _ in model.named_parameters())
            raise AttributeError(f"GPT has no parameter(s) {missing}; the tests load weights by the names in "
                                 f"the docstring (tok_emb, pos_emb, blocks.i.ln1/attn.qkv/attn.proj/ln2/mlp.0/mlp.2, "
                                 f"ln_f, head). Your GPT's parameters are: {have}")
    model.eval()
    return model


class BigramTable(nn.Module):
    """A hand-built language model: the logits of the next token depend only on the current one,
    logits[:, t] = table[idx[:, t]]. It follows GPT's call signature and ignores the cache."""

    def __init__(self, table, block_size=64):
        super().__init__()
        self.table, self.block_size = table, block_size

    def forward(self, idx, targets=None, kv_cache=None, start_pos=0):
        if start_pos + idx.size(1) > self.block_size:
            raise ValueError("positions beyond block_size")
        return self.table[idx], None, [] if kv_cache is None else kv_cache


# ---- tokenizers ---------------------------------------------------------------------------------

def char_tokenizer(genlab, text, strings, unknown=None):
    """CharTokenizer(text): its vocabulary, encodings and round trips of `strings`, and the
    message of the KeyError raised for a string with an unknown character."""
    tok = genlab.language_model.CharTokenizer(text)
    encoded = [list(tok.encode(s)) for s in strings]
    out = {"vocab_size": tok.vocab_size, "encoded": encoded, "decoded": [tok.decode(ids) for ids in encoded]}
    if unknown is not None:
        try:
            tok.encode(unknown)
            out["error"] = None
        except KeyError as exc:
            out["error"] = "KeyError: " + str(exc)
    return out


def bpe(genlab, text, vocab_size, strings, ids=None):
    """BPETokenizer().train(text, vocab_size): merges as [a, b, id] triples (in dict order),
    vocab_size, the encodings of `strings`, their round trips, and the decoding of `ids`."""
    tok = genlab.language_model.BPETokenizer()
    tok.train(text, vocab_size)
    encoded = [[int(i) for i in tok.encode(s)] for s in strings]
    return {"merges": [[int(a), int(b), int(i)] for (a, b), i in tok.merges.items()],
            "vocab_size": tok.vocab_size, "encoded": encoded,
            "decoded": [tok.decode(e) for e in encoded],
            "decoded_ids": None if ids is None else tok.decode(ids)}


# ---- n-gram -------------------------------------------------------------------------------------

def ngram(genlab, n, k, train, vocab_size, contexts, tokens):
    """NGramModel(n, k).fit(train, V): prob(ctx, w) for every given context and every w, and
    log_prob / perplexity of `tokens`."""
    model = genlab.language_model.NGramModel(n, k=k)
    model.fit(train, vocab_size)
    table = [[float(model.prob(ctx, w)) for w in range(vocab_size)] for ctx in contexts]
    return {"probs": torch.tensor(table, dtype=torch.float64),
            "log_prob": float(model.log_prob(tokens)), "perplexity": float(model.perplexity(tokens))}


# ---- the GPT ------------------------------------------------------------------------------------

def gpt_forward(genlab, config, state, idx, targets=None):
    """Your GPT with the given weights: logits and loss on idx, and the parameter count."""
    model = _gpt(genlab, config, state)
    with torch.no_grad():
        logits, loss, _ = model(idx, targets)
    return {"logits": logits, "loss": loss, "n_params": sum(p.numel() for p in model.parameters())}


def gpt_cached_logits(genlab, config, state, idx, chunk=1):
    """Feed idx `chunk` tokens at a time with your own cache (start_pos = tokens already fed),
    and once in full; return both logits."""
    model = _gpt(genlab, config, state)
    with torch.no_grad():
        full, _, _ = model(idx)
        pieces, cache = [], None
        for start in range(0, idx.size(1), chunk):
            logits, _, cache = model(idx[:, start:start + chunk], kv_cache=cache, start_pos=start)
            pieces.append(logits)
    return {"full": full, "cached": torch.cat(pieces, dim=1)}


# ---- decoding -----------------------------------------------------------------------------------

def generate_both_ways(genlab, config, state, idx, max_new_tokens, gen_seed, temperature=1.0, top_k=None, top_p=None):
    """generate with and without the cache, each under a torch.Generator seeded with `gen_seed`."""
    model = _gpt(genlab, config, state)
    out = {}
    for use_cache in (True, False):
        g = torch.Generator().manual_seed(gen_seed)
        out[f"cache_{use_cache}"] = genlab.language_model.generate(
            model, idx, max_new_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
            use_cache=use_cache, generator=g)
    return out


def bigram_generate(genlab, table, idx, max_new_tokens, temperature=1.0, top_k=None, top_p=None, use_cache=True):
    """generate on the hand-built BigramTable model (own randomness)."""
    return genlab.language_model.generate(BigramTable(table), idx, max_new_tokens, temperature=temperature,
                                          top_k=top_k, top_p=top_p, use_cache=use_cache)


def bigram_beam_search(genlab, table, idx, beam_width, max_new_tokens):
    return genlab.language_model.beam_search(BigramTable(table), idx, beam_width, max_new_tokens)


def gpt_perplexity(genlab, config, state, token_ids, block_size):
    return float(genlab.language_model.perplexity(_gpt(genlab, config, state), token_ids, block_size))


# ---- LoRA ---------------------------------------------------------------------------------------

def lora(genlab, weight, bias, r, alpha, x, A=None, B=None):
    """LoRALinear around nn.Linear(weight, bias): output at initialisation (or with A, B set),
    the base's output, merged()'s output, and which parameters got a gradient from out.sum()."""
    base = nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None)
    with torch.no_grad():
        base.weight.copy_(weight)
        if bias is not None:
            base.bias.copy_(bias)
    layer = genlab.language_model.LoRALinear(base, r, alpha)
    with torch.no_grad():
        if A is not None:
            layer.A.copy_(A)
        if B is not None:
            layer.B.copy_(B)
    out = layer(x)
    out.sum().backward()
    with torch.no_grad():
        merged = layer.merged()
        return {"out": out.detach(), "base_out": base(x), "merged_out": merged(x),
                "merged_is_linear": isinstance(merged, nn.Linear), "scale": float(layer.scale),
                "A": layer.A.detach().clone(), "B": layer.B.detach().clone(),
                "grad_A": None if layer.A.grad is None else layer.A.grad.clone(),
                "grad_B": None if layer.B.grad is None else layer.B.grad.clone(),
                "grad_base": [p.grad is not None for p in base.parameters()],
                "base_trainable": [p.requires_grad for p in base.parameters()],
                "base_weight_after": base.weight.detach().clone()}
