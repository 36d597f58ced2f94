"""Worker-side probes for the hidden VAE suite. They run the student's code and return data only.

`FixedVAE` has the documented architecture but is OUR code: tests of sample/interpolate/iwae
use it, so those functions are judged on their own, whatever the student's VAE class does.
No probe here receives the test digits or the judge's own noise and samples: the statistical
tests compare what comes back with the judge's Monte Carlo, drawn in the judge.
"""
import torch
import torch.nn as nn

from genlab_probes.vae import load_judge_weights


class FixedVAE(nn.Module):
    def __init__(self, state):
        super().__init__()
        input_dim, hidden_dim = state["encoder.0.weight"].shape[1], state["encoder.0.weight"].shape[0]
        self.input_dim, self.latent_dim = input_dim, state["fc_mu.weight"].shape[0]
        self.encoder = nn.Sequential(nn.Linear(input_dim, hidden_dim), nn.ReLU(),
                                     nn.Linear(hidden_dim, hidden_dim), nn.ReLU())
        self.fc_mu = nn.Linear(hidden_dim, self.latent_dim)
        self.fc_logvar = nn.Linear(hidden_dim, self.latent_dim)
        self.decoder = nn.Sequential(nn.Linear(self.latent_dim, hidden_dim), nn.ReLU(),
                                     nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
                                     nn.Linear(hidden_dim, input_dim), nn.Sigmoid())
        self.load_state_dict(state)

    def encode(self, x):
        h = self.encoder(x)
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z):
        return self.decoder(z)


def reparameterize_draws(genlab, mu, logvar):
    """Two calls of the student's reparameterize with its own noise, for the same (n, L) mu and logvar."""
    return [genlab.vae.reparameterize(mu.clone(), logvar.clone()) for _ in range(2)]


def fixed_model_functions(genlab, state, z, x_a, x_b, steps, x, k, eps):
    """sample (z given) / interpolate / iwae_bound (eps given) of the student, applied to our FixedVAE."""
    model = FixedVAE(state)
    with torch.no_grad():
        return {
            "sample_given": genlab.vae.sample(model, len(z), z=z),
            "interpolate": genlab.vae.interpolate(model, x_a, x_b, steps),
            "iwae_given": genlab.vae.iwae_bound(model, x, k, eps=eps),
        }


def sample_draws(genlab, state, n):
    """Two calls of the student's sample(model, n) with its own latents, on our FixedVAE. Nothing
    else is here: the judge's own samples never enter the worker."""
    model = FixedVAE(state)
    with torch.no_grad():
        return [genlab.vae.sample(model, n) for _ in range(2)]


def iwae_by_k(genlab, state, x, ks):
    """The student's per-example IWAE bound (own noise) on our FixedVAE, for each k."""
    model = FixedVAE(state)
    with torch.no_grad():
        return [genlab.vae.iwae_bound(model, x, k) for k in ks]


def vae_architecture(genlab, input_dim, hidden_dim, latent_dim, x):
    model = genlab.vae.VAE(input_dim, hidden_dim, latent_dim)
    mu, logvar = model.encode(x)
    recon_1, mu_1, logvar_1 = model(x)
    recon_2, _, _ = model(x)
    return {"n_params": sum(p.numel() for p in model.parameters()),
            "n_linear": sum(isinstance(m, nn.Linear) for m in model.modules()),
            "mu": mu, "logvar": logvar, "mu_forward": mu_1, "logvar_forward": logvar_1,
            "recon": [recon_1, recon_2], "decoded_far": model.decode(30 * torch.randn(64, latent_dim))}


def train_on_digits(genlab, x_train, initial, steps, hidden_dim, latent_dim, batch_size, lr):
    """Project 1 (run isolated): the student's VAE, started from the judge's initial weights, trained
    with the student's forward and vae_loss on the training digits. Returns the trained weights and a
    few losses for feedback; the judge evaluates the weights itself, on digits the worker never sees."""
    torch.set_num_threads(1)
    model = load_judge_weights(genlab.vae.VAE(x_train.shape[1], hidden_dim, latent_dim), initial)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for step in range(steps):
        batch = x_train[torch.randint(0, len(x_train), (batch_size,))]
        x_recon, mu, logvar = model(batch)
        loss = genlab.vae.vae_loss(x_recon, batch, mu, logvar)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 50 == 0 or step == steps - 1:
            losses.append(float(loss.detach()))
    return {"state": dict(model.state_dict()), "losses": losses}
