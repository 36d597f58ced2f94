"""Worker-side probes for the hidden suite of unit 10 (genlab.alignment). They run the student's
code and return data only. The public probes (genlab_probes.alignment) are reused by name."""
import torch


def watermark_logits_leaves_input(genlab, logits, prev_tokens, delta, gamma, key):
    """watermark_logits' result and the input logits as they are after the call."""
    original = logits.clone()
    out = genlab.alignment.watermark_logits(logits, prev_tokens, delta, gamma, key)
    return {"out": out, "input_unchanged": bool(torch.equal(logits, original))}


def watermarked_generation(genlab, bigram_logits, start, T, delta, gamma, key):
    """Sample T tokens after each start token from OUR bigram model (next-token logits =
    bigram_logits[prev]), with the student's watermark_logits, then score each sequence with the
    student's detect_watermark. Returns the (n, T + 1) tokens and the student's z per sequence."""
    tokens = [start.clone()]
    for _ in range(T):
        prev = tokens[-1]
        logits = genlab.alignment.watermark_logits(bigram_logits[prev], prev, delta, gamma, key)   # (n, V)
        tokens.append(torch.multinomial(torch.softmax(logits.float(), dim=-1), 1).squeeze(1))
    tokens = torch.stack(tokens, dim=1)                                                           # (n, T + 1)
    return {"tokens": tokens, "z": [float(genlab.alignment.detect_watermark(row, bigram_logits.shape[0], gamma, key))
                                    for row in tokens]}


def detect_many(genlab, sequences, vocab_size, gamma, key):
    """detect_watermark on each row of a (n, T + 1) tensor of tokens."""
    return [float(genlab.alignment.detect_watermark(row, vocab_size, gamma, key)) for row in sequences]


def moe_stored_routing(genlab, state, d_model, d_ff, n_experts, k, x):
    """What MoELayer stores after forward, and whether router_probs carries a gradient."""
    layer = genlab.alignment.MoELayer(d_model, d_ff, n_experts, k)
    layer.load_state_dict(state)
    layer(x)
    return {"router_probs": layer.router_probs, "expert_indices": layer.expert_indices,
            "probs_have_grad": bool(layer.router_probs.requires_grad)}
