"""Worker-side probes for the public tests of unit 10 (genlab.alignment): they run the student's
code and return data only."""
import torch


def reward_loss_grads(genlab, r_chosen, r_rejected):
    """reward_model_loss and its gradients with respect to both rewards."""
    r_chosen, r_rejected = r_chosen.clone().requires_grad_(), r_rejected.clone().requires_grad_()
    loss = genlab.alignment.reward_model_loss(r_chosen, r_rejected)
    loss.backward()
    return {"loss": loss, "d_chosen": r_chosen.grad, "d_rejected": r_rejected.grad}


def dpo_grads(genlab, policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1, label_smoothing=0.0):
    """dpo_loss, its gradients with respect to the policy's log-probs, and whether the rewards carry grad."""
    pc, pr = policy_chosen.clone().requires_grad_(), policy_rejected.clone().requires_grad_()
    loss, chosen, rejected = genlab.alignment.dpo_loss(pc, pr, ref_chosen, ref_rejected, beta=beta,
                                                       label_smoothing=label_smoothing)
    rewards_need_grad = bool(chosen.requires_grad or rejected.requires_grad)
    loss.backward()
    return {"loss": loss, "chosen_rewards": chosen, "rejected_rewards": rejected,
            "d_policy_chosen": pc.grad, "d_policy_rejected": pr.grad, "rewards_need_grad": rewards_need_grad}


def bm25(genlab, corpus, query, k, k1=1.5, b=0.75):
    """A BM25 index over `corpus`: the scores of `query`, its top k, and the corpus statistics."""
    index = genlab.alignment.BM25(corpus, k1=k1, b=b)
    return {"scores": torch.as_tensor(index.scores(query), dtype=torch.float64), "top_k": list(index.top_k(query, k)),
            "N": index.N, "avgdl": float(index.avgdl)}


def gating_grads(genlab, router_logits, k):
    """top_k_gating and the gradient of sum(weights * c) with respect to the logits, c = 1, 2, .., k."""
    logits = router_logits.clone().requires_grad_()
    weights, indices = genlab.alignment.top_k_gating(logits, k)
    (weights * torch.arange(1, k + 1, dtype=weights.dtype)).sum().backward()
    return {"weights": weights, "indices": indices, "d_logits": logits.grad}


def balancing_loss_grads(genlab, router_probs, expert_indices, n_experts):
    probs = router_probs.clone().requires_grad_()
    loss = genlab.alignment.load_balancing_loss(probs, expert_indices, n_experts)
    loss.backward()
    return {"loss": loss, "d_probs": probs.grad}


def moe_layer(genlab, state, d_model, d_ff, n_experts, k, x):
    """The student's MoELayer with our weights: its output, what it stored, and which experts got gradient."""
    layer = genlab.alignment.MoELayer(d_model, d_ff, n_experts, k)
    layer.load_state_dict(state)
    y = layer(x)
    (y * torch.linspace(-1, 1, y.numel()).reshape(y.shape)).sum().backward()
    expert_has_grad = [any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in e.parameters())
                       for e in layer.experts]
    return {"y": y, "router_probs": layer.router_probs, "expert_indices": layer.expert_indices,
            "expert_has_grad": expert_has_grad, "router_grad": layer.router.weight.grad,
            "n_experts": layer.n_experts, "k": layer.k}
