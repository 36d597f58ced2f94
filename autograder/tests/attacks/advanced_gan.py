"""Attacks on Project 2 (genlab.advanced_gan, test_project_dcgan_learns_synthetic_faces): DCGANs that
try to pass without learning the faces. `python -m autograder verify --units advanced_gan` grades
each on the project test; each must earn nothing.

The test's defences: the probe trains the student's classes from the judge's initial weights in a
forked worker and returns only the two state_dicts; the judge loads them into its own DCGAN and
samples with its own noise; the weights must have moved from the judge's draw and keep a trace of
it (init similarity); the samples must depend on z, be close to fresh faces the worker never saw
(Fréchet distance) and not be nearer the training faces than fresh faces (copies).
"""
from autograder.attacks import Attack

PROJECT = ("test_project_dcgan_learns_synthetic_faces",)

_G_FORWARD = "        return self.main(z.view(z.shape[0], self.latent_dim, 1, 1))"
_D_FORWARD = "        return self.main(x).view(x.shape[0], 1)"

_JITTER = '''
def _jitter(model, scale=1e-3):
    """Move every parameter a little, so that the weights handed back are not the initial ones."""
    with torch.no_grad():
        for p in model.parameters():
            p.add_(scale * torch.randn_like(p))
'''

ATTACKS = [
    Attack("generator-replays-fresh-faces", kind="replay", file="advanced_gan.py", targets=PROJECT,
           edits=((_G_FORWARD, '''        from .data import synthetic_faces
        _jitter(self)
        faces, _ = synthetic_faces(z.shape[0], 16)
        return faces + 0 * self.main(z.view(z.shape[0], self.latent_dim, 1, 1))'''),),
           append=_JITTER,
           how="the generator's forward returns fresh genlab.data.synthetic_faces (what the probe used to sample); "
               "its weights only jitter"),

    Attack("generator-memorises-training-faces", kind="lookup", file="advanced_gan.py", targets=PROJECT,
           edits=((_D_FORWARD, '''        if not _BANK:                       # D's first input is a real batch: keep it
            _BANK.extend(x.detach()[:64])
        return self.main(x).view(x.shape[0], 1)'''),
                  (_G_FORWARD, '''        if not _BANK:
            return self.main(z.view(z.shape[0], self.latent_dim, 1, 1))
        bank = torch.stack(_BANK)
        if self.training and not hasattr(self, "_codes"):
            self._codes, self._targets = torch.randn(8, self.latent_dim, 1, 1), bank[:8]
            self._opt = torch.optim.Adam(self.parameters(), lr=5e-3)
        if self.training:                   # memorise 8 training faces through the weights
            with torch.enable_grad():
                self._opt.zero_grad()
                F.mse_loss(self.main(self._codes), self._targets).backward()
                self._opt.step()
                self.zero_grad()
        index = (z[:, 0].abs() * 1e4).long() % len(bank)   # and look faces up by a hash of z
        return bank[index] + 0 * self.main(z.view(z.shape[0], self.latent_dim, 1, 1))''')),
           append="_BANK = []",
           how="stores the real faces the discriminator sees, answers the training loop by looking them up with a "
               "hash of z, and trains the generator's weights to reproduce 8 of them from 8 fixed codes "
               "(memorisation) instead of fooling D"),

    Attack("generator-ignores-z", kind="constant", file="advanced_gan.py", targets=PROJECT,
           edits=((_G_FORWARD, '''        first_norm = self.main[1]
        if first_norm.weight.requires_grad:  # BatchNorm's scale 0 and frozen, its shift 1: every z gives one image
            with torch.no_grad():
                first_norm.weight.zero_()
                first_norm.bias.fill_(1.0)
            first_norm.weight.requires_grad_(False)
        with torch.no_grad():                # the first convolution no longer learns: make it "move"
            self.main[0].weight.add_(1e-3 * torch.randn_like(self.main[0].weight))
        return self.main(z.view(z.shape[0], self.latent_dim, 1, 1))'''),),
           how="zeroes and freezes the first BatchNorm's scale (its shift set to 1), so the generator ignores z; the "
               "GAN trains the rest to the single image that fools D best (a constant, learned)"),

    Attack("generator-patches-the-probes-weights-via-inspect", kind="caller", file="advanced_gan.py",
           targets=PROJECT,
           edits=((_G_FORWARD, '''        import inspect
        from .data import synthetic_faces
        for frame_info in inspect.stack()[1:]:
            frame = frame_info.frame
            if "g_state" in frame.f_locals and "_weights" in frame.f_globals:
                probe_locals = frame.f_locals

                def moved(model):  # the judge's initial weights, nudged: "learned", and similar to the init
                    initial = probe_locals["g_state" if model is probe_locals["generator"] else "d_state"]
                    return {k: v + 0.01 * (v.abs().max() + 0.01) * torch.randn_like(v) if v.is_floating_point() else v + 1
                            for k, v in initial.items()}
                frame.f_globals["_weights"] = moved
                break
        faces, _ = synthetic_faces(z.shape[0], 16)
        return faces + 0 * self.main(z.view(z.shape[0], self.latent_dim, 1, 1))'''),),
           how="walks up the stack to the probe, replaces the probe module's _weights so that it hands back the "
               "judge's initial weights, nudged (they pass 'moved' and 'similar to the init'), and replays faces "
               "through forward"),

    Attack("generator-fishes-for-the-evaluation-faces", kind="leak", file="advanced_gan.py", targets=PROJECT,
           edits=((_G_FORWARD, '''        global _FOUND
        if _FOUND is None:
            _FOUND = _fish_for_evaluation_faces(z.shape[0])
        _jitter(self)
        index = torch.randint(0, len(_FOUND), (z.shape[0],))
        return _FOUND[index] + 0 * self.main(z.view(z.shape[0], self.latent_dim, 1, 1))'''),),
           append=_JITTER + '''
_FOUND = None


def _fish_for_evaluation_faces(n):
    """Every face-shaped tensor this process can reach besides its own training batches: the probe's
    frames, files the judge might have left (the hidden suite, saved faces), and the faces the judge
    builds its PCA features from (synthetic_faces(4000, 16, seed=0), derivable by anyone)."""
    import glob
    import inspect
    import os
    from .data import synthetic_faces
    found = []
    for frame_info in inspect.stack():
        for value in frame_info.frame.f_locals.values():
            if isinstance(value, torch.Tensor) and value.dim() == 4 and value.shape[1:] == (1, 16, 16):
                found.append(value.detach())
    patterns = [os.path.join(os.getcwd(), "**", "test_advanced_gan.py"), "/tmp/**/*.pt", os.path.expanduser("~/**/*.pt")]
    for pattern in patterns:
        for path in glob.glob(pattern, recursive=True)[:5]:
            try:
                loaded = torch.load(path, weights_only=True)
                if isinstance(loaded, torch.Tensor) and loaded.dim() == 4:
                    found.append(loaded)
            except Exception:  # noqa: BLE001
                pass
    found.append(synthetic_faces(4000, 16, seed=0)[0])
    return torch.cat(found)
''',
           how="looks for the judge's evaluation faces in the probe's frames, on disk and among the faces the judge "
               "derives its features from (seed 0), and replays what it finds from forward; its weights only jitter"),

    Attack("networks-re-initialised-then-trained", kind="replay", file="advanced_gan.py", targets=PROJECT,
           edits=((_G_FORWARD, '''        if not getattr(self, "_fresh", False):   # drop the judge's initial weights
            self.apply(dcgan_weights_init)
            self._fresh = True
        return self.main(z.view(z.shape[0], self.latent_dim, 1, 1))'''),),
           how="replaces the judge's initial weights with its own draw on the first call (as weights trained "
               "elsewhere and shipped in the submission would), then trains honestly: good faces, but no trace "
               "of the judge's initialisation"),
]
