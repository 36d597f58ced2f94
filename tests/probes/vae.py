"""Worker-side probes for the public VAE tests: they run the student's code and return data.

Each probe takes the student's `genlab` package first; everything else arrives as data.
"""
import torch


def load_judge_weights(model, state):
    """Load the judge's weights into the student's VAE (strictly), naming any parameter whose name
    or shape differs from the documented layout."""
    own = {name: tuple(t.shape) for name, t in model.state_dict().items()}
    missing = [name for name in state if name not in own]
    extra = [name for name in own if name not in state]
    shapes = [f"{name} {own[name]} (documented {tuple(t.shape)})" for name, t in state.items()
              if name in own and own[name] != tuple(t.shape)]
    if missing or extra or shapes:
        raise KeyError("your VAE's state_dict does not match the documented layout (see the VAE docstring)"
                       + (f"; it has no key {missing}" if missing else "")
                       + (f"; it has keys the layout does not name: {extra}" if extra else "")
                       + (f"; wrong shapes: {shapes}" if shapes else ""))
    model.load_state_dict(state)
    return model


def vae_state_shapes(genlab, input_dim, hidden_dim, latent_dim):
    """The student's VAE's state_dict: each name and its shape."""
    model = genlab.vae.VAE(input_dim, hidden_dim, latent_dim)
    return {name: list(t.shape) for name, t in model.state_dict().items()}


def vae_with_weights(genlab, state, x, z):
    """The student's VAE with the judge's weights loaded: encode(x) and decode(z)."""
    input_dim, hidden_dim = state["encoder.0.weight"].shape[1], state["encoder.0.weight"].shape[0]
    model = load_judge_weights(genlab.vae.VAE(input_dim, hidden_dim, state["fc_mu.weight"].shape[0]), state)
    with torch.no_grad():
        mu, logvar = model.encode(x)
        return {"mu": mu, "logvar": logvar, "decoded": model.decode(z)}


def reparameterize_grads(genlab, mu, logvar, eps=None):
    """z and the gradients of z.sum() with respect to mu and logvar."""
    mu, logvar = mu.clone().requires_grad_(), logvar.clone().requires_grad_()
    z = genlab.vae.reparameterize(mu, logvar, eps=eps)
    z.sum().backward()
    return {"z": z, "dmu": mu.grad, "dlogvar": logvar.grad}


def vae_model(genlab, input_dim, hidden_dim, latent_dim, x, z):
    """Build the student's VAE and report its parameter count and what its parts return."""
    model = genlab.vae.VAE(input_dim, hidden_dim, latent_dim)
    mu, logvar = model.encode(x)
    x_recon, mu_f, logvar_f = model(x)
    return {
        "n_params": sum(p.numel() for p in model.parameters()),
        "latent_dim": model.latent_dim,
        "mu": mu, "logvar": logvar,
        "decoded": model.decode(z),
        "forward": [x_recon, mu_f, logvar_f],
    }


def sample_and_interpolate(genlab, input_dim, hidden_dim, latent_dim, n, z, x_a, x_b, steps):
    """sample() with and without given z, and interpolate() with its endpoints decoded directly."""
    model = genlab.vae.VAE(input_dim, hidden_dim, latent_dim)
    with torch.no_grad():
        ends, _ = model.encode(torch.stack([x_a, x_b]))   # the two encoded means
        return {
            "drawn": genlab.vae.sample(model, n),
            "given": genlab.vae.sample(model, n, z=z),
            "decode_z": model.decode(z),
            "path": genlab.vae.interpolate(model, x_a, x_b, steps),
            "decode_mu_a": model.decode(ends)[0],
            "decode_mu_b": model.decode(ends)[1],
            "decode_line": model.decode(torch.lerp(ends[:1], ends[1:], torch.linspace(0, 1, steps)[:, None])),
        }


def iwae(genlab, input_dim, hidden_dim, latent_dim, x, k):
    model = genlab.vae.VAE(input_dim, hidden_dim, latent_dim)
    with torch.no_grad():
        return genlab.vae.iwae_bound(model, x, k)


def iwae_given_noise(genlab, input_dim, hidden_dim, latent_dim, x, k, eps):
    """iwae_bound with the judge's noise, and what the judge needs to recompute it: the model's
    (mu, logvar) for x and its decoding of z = mu + eps * std."""
    model = genlab.vae.VAE(input_dim, hidden_dim, latent_dim)
    with torch.no_grad():
        mu, logvar = model.encode(x)
        z = mu + eps * torch.exp(0.5 * logvar)
        x_recon = model.decode(z.reshape(-1, latent_dim)).reshape(k, *x.shape)
        return {"bound": genlab.vae.iwae_bound(model, x, k, eps=eps), "mu": mu, "logvar": logvar, "x_recon": x_recon}
