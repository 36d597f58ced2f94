"""Plots for the notebooks (provided in full). Work headless; pass `path=` to save a PNG.

Image grids are torchvision's (`make_grid`, written with `save_image`); everything else is matplotlib.

Every function returns the matplotlib Figure, so a notebook shows it and a script can save it.
"""
import sys

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # headless outside notebooks
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402


def _finish(fig, path):
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def image_grid(images, nrow=8, title=None, path=None, signed=None):
    """Show images as a grid. `images`: (N, H, W), (N, C, H, W), or flat (N, 64) 8x8 digits.

    Values in [0, 1] are shown as they are; in [-1, 1] (signed=True, or guessed from negative
    values) they are mapped to [0, 1] first. The grid is torchvision.utils.make_grid's (`nrow`
    images a row, 2 pixels of white between them); `path=` writes that grid itself as a PNG with
    torchvision.utils.save_image (one PNG pixel per image pixel), and the returned figure shows it.
    """
    from torchvision.utils import make_grid, save_image

    x = images.detach().cpu().float()
    if x.dim() == 2:
        side = int(round(x.shape[1] ** 0.5))
        x = x.view(-1, 1, side, side)
    if x.dim() == 3:
        x = x.unsqueeze(1)
    if signed or (signed is None and x.min() < 0):
        x = (x + 1) / 2
    grid = make_grid(x.clamp(0, 1), nrow=min(nrow, len(x)), padding=2, pad_value=1.0)   # (3, H', W')
    if path is not None:
        save_image(grid, path)
    columns, rows = min(nrow, len(x)), (len(x) + nrow - 1) // nrow
    fig, ax = plt.subplots(figsize=(0.9 * columns, 0.9 * rows + (0.4 if title else 0)))
    ax.imshow(grid.permute(1, 2, 0).numpy(), vmin=0, vmax=1, interpolation="nearest")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return _finish(fig, None)


def latent_scatter(z, labels=None, title="latent space", path=None):
    """Scatter the first two latent dimensions, coloured by label."""
    z = z.detach().cpu()
    fig, ax = plt.subplots(figsize=(5, 4.5))
    points = ax.scatter(z[:, 0], z[:, 1], c=None if labels is None else labels.cpu(), cmap="tab10", s=6)
    if labels is not None:
        fig.colorbar(points, ax=ax, label="label")
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(title)
    return _finish(fig, path)


def scatter_2d(samples, reference=None, title=None, path=None, lim=3.0):
    """2D samples (blue) over reference data (grey), e.g. generated vs real eight Gaussians."""
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    if reference is not None:
        r = reference.detach().cpu()
        ax.scatter(r[:, 0], r[:, 1], s=3, c="0.75", label="data")
    s = samples.detach().cpu()
    ax.scatter(s[:, 0], s[:, 1], s=3, c="tab:blue", label="samples")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", markerscale=3)
    return _finish(fig, path)


def loss_curves(histories, title="training", path=None, smooth=20):
    """Plot one or more loss histories: {"name": [floats]}; a moving average of `smooth` steps."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in histories.items():
        v = torch.tensor([float(x) for x in values])
        if smooth > 1 and len(v) > smooth:
            v = torch.nn.functional.avg_pool1d(v.view(1, 1, -1), smooth, stride=1).view(-1)
        ax.plot(v.numpy(), label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    return _finish(fig, path)


def heatmap(matrix, xlabel="", ylabel="", title=None, path=None):
    """A matrix as an image, e.g. attention weights (rows: queries, columns: keys)."""
    m = matrix.detach().cpu()
    fig, ax = plt.subplots(figsize=(4.5, 4))
    im = ax.imshow(m, cmap="viridis")
    fig.colorbar(im, ax=ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return _finish(fig, path)
