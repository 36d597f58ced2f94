"""Hidden worker-side probes for unit 05: gradients through the student's attention and block.

The forward probes (mha_forward, layer_norm_forward, feed_forward_forward, block_forward) live in
tests/probes/transformer.py and are shared with the public tests.
"""
from genlab_probes.transformer import _build, _build_block  # the public probes' loaders, with their messages


def attention_grads(genlab, q, k, v, grad_out, mask=None):
    """scaled_dot_product_attention(q, k, v, mask), back-propagated from `grad_out`."""
    q, k, v = q.clone().requires_grad_(), k.clone().requires_grad_(), v.clone().requires_grad_()
    out = genlab.transformer.scaled_dot_product_attention(q, k, v, mask=mask)
    out.backward(grad_out)
    return {"out": out, "dq": q.grad, "dk": k.grad, "dv": v.grad}


def layer_norm_grads(genlab, d_model, x, grad_out, state_dict, eps=1e-5):
    """LayerNorm(d_model, eps)(x) back-propagated from `grad_out`: grads of x, weight and bias."""
    ln = _build(genlab, "LayerNorm", (d_model, eps), state_dict)
    x = x.clone().requires_grad_()
    ln(x).backward(grad_out)
    return {"dx": x.grad, "dweight": ln.weight.grad, "dbias": ln.bias.grad}


def block_grads(genlab, d_model, n_heads, d_ff, x, grad_out, state_dict, mask=None):
    """TransformerBlock(...)(x, mask) with exact layer norms (tests/probes/transformer.py),
    back-propagated from `grad_out`: the output, the gradient of every parameter (None where
    none arrived) and of x."""
    block = _build_block(genlab, d_model, n_heads, d_ff, state_dict)
    x = x.clone().requires_grad_()
    out = block(x, mask=mask)
    out.backward(grad_out)
    return {"out": out, "dx": x.grad, "grads": {name: p.grad for name, p in block.named_parameters()}}
