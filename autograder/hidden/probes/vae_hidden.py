"""Worker-side probes for the hidden VAE suite. They run the student's code and return data only.

`FixedVAE` has the documented architecture but is OUR code: tests of sample/interpolate/iwae
use it, so those functions are judged on their own, whatever the student's VAE class does.
"""
import torch
import torch.nn as nn


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


def reparameterize_draws(genlab, mu, logvar, n):
    """n draws of z for one (mu, logvar) row, with the student's own noise."""
    return genlab.vae.reparameterize(mu.expand(n, -1).clone(), logvar.expand(n, -1).clone())


def fixed_model_functions(genlab, state, z, x_a, x_b, steps, x, k, eps):
    """sample / interpolate / iwae_bound of the student, applied to our FixedVAE."""
    model = FixedVAE(state)
    with torch.no_grad():
        return {
            "sample_given": genlab.vae.sample(model, len(z), z=z),
            "sample_drawn": [genlab.vae.sample(model, len(z)), genlab.vae.sample(model, len(z))],
            "interpolate": genlab.vae.interpolate(model, x_a, x_b, steps),
            "iwae_given": genlab.vae.iwae_bound(model, x, k, eps=eps),
        }


def iwae_by_k(genlab, state, x, ks):
    """The student's IWAE bound (own noise), averaged over the batch, for each k."""
    model = FixedVAE(state)
    with torch.no_grad():
        return [genlab.vae.iwae_bound(model, x, k).mean().item() for k in ks]


def vae_architecture(genlab, input_dim, hidden_dim, latent_dim, x):
    model = genlab.vae.VAE(input_dim, hidden_dim, latent_dim)
    mu, logvar = model.encode(x)
    recon_1, mu_1, logvar_1 = model(x)
    recon_2, _, _ = model(x)
    return {"n_params": sum(p.numel() for p in model.parameters()),
            "n_linear": sum(isinstance(m, nn.Linear) for m in model.modules()),
            "mu": mu, "logvar": logvar, "mu_forward": mu_1, "logvar_forward": logvar_1,
            "recon": [recon_1, recon_2], "decoded_far": model.decode(30 * torch.randn(64, latent_dim))}


def train_on_digits(genlab, x_train, x_test, eps_test, z_prior, steps, hidden_dim, latent_dim, batch_size, lr):
    """Project 1: train the student's VAE with the student's loss; return what the judge needs
    to compute the test negative ELBO itself (decoded test images at the judge's noise, mu, logvar)
    and the student's samples at the judge's latents."""
    torch.set_num_threads(1)
    model = genlab.vae.VAE(x_train.shape[1], hidden_dim, latent_dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        batch = x_train[torch.randint(0, len(x_train), (batch_size,))]
        x_recon, mu, logvar = model(batch)
        loss = genlab.vae.vae_loss(x_recon, batch, mu, logvar)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        mu, logvar = model.encode(x_test)
        x_recon = model.decode(mu + eps_test * torch.exp(0.5 * logvar))
        samples = genlab.vae.sample(model, len(z_prior), z=z_prior)
    return {"x_recon": x_recon, "mu": mu, "logvar": logvar, "samples": samples}
