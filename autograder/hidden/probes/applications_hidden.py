"""Worker-side probes for the hidden unit-09 suite (the public ones in tests/probes/applications.py
are reused by name). They run the student's code and return data only."""
import torch


def mixup_one_hot_identity(genlab, x, alpha):
    """mixup of B examples whose labels are the identity matrix, with the student's own draws:
    y_mix's column sums show whether the pairing is a permutation."""
    x_mix, y_mix, lam = genlab.applications.mixup(x, torch.eye(x.shape[0]), alpha)
    return {"x_mix": x_mix, "y_mix": y_mix, "lam": float(lam)}


def png_pair(genlab, png, key, value):
    """add_png_text, then the student's own read_png_text of the result."""
    out = genlab.applications.add_png_text(png, key, value)
    return {"png": bytes(out), "read": genlab.applications.read_png_text(bytes(out))}
