"""Inception-v3 features for FID and the Inception score on real images (opt-in; provided in full).

The course's metrics run on the shipped digit classifier (`genlab.digit_classifier`), which needs
no download and suits 8x8 digits. For bigger images (MNIST, CelebA faces) and numbers in the
usual units, torchvision's Inception-v3 plays its original part:

    inception = InceptionFeatures()                       # ImageNet weights: a download of ~100 MB, once
    fid = metrics.fid(real, fake, features=inception.features)
    score, spread = metrics.inception_score(inception.probs(fake))

The weights are torchvision's ImageNet weights (downloaded by torchvision into torch's hub cache,
e.g. ~/.cache/torch/hub/checkpoints, the first time; it needs a network), not the TensorFlow
weights pytorch-fid and the papers use: compare FIDs computed here with each other, not with
published numbers. `InceptionFeatures(weights=None)` builds the same network with random weights
(no download), which is what the tests use.

Images: (N, H, W), (N, 1, H, W) or (N, 3, H, W), values in [0, 1], or in [-1, 1] with
signed=True. Grey images are repeated to three channels, then everything is resized to 299 x 299
(bilinear) and normalised with ImageNet's mean and standard deviation.
"""
import torch
import torch.nn.functional as F

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class InceptionFeatures:
    """torchvision's inception_v3 in eval mode; `features` (the 2048 pool activations, FID's
    features) and `probs` (the softmax over ImageNet's 1000 classes, the Inception score's p(y|x))."""

    def __init__(self, weights="DEFAULT", batch_size=32):
        from torchvision.models import Inception_V3_Weights, inception_v3

        weights = Inception_V3_Weights.DEFAULT if weights == "DEFAULT" else weights
        self.model = inception_v3(weights=weights, aux_logits=True, transform_input=True,
                                  init_weights=weights is None).eval()
        self.batch_size = batch_size
        self._pool = None
        self.model.avgpool.register_forward_hook(lambda module, args, out: setattr(self, "_pool", out.flatten(1)))

    @staticmethod
    def prepare(images, signed=False):
        """(N, 3, 299, 299) float32, ImageNet-normalised, from images as the module docstring says."""
        x = images.detach().float()
        if x.dim() == 3:
            x = x.unsqueeze(1)
        if signed:
            x = (x + 1) / 2
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        x = F.interpolate(x.clamp(0, 1), size=(299, 299), mode="bilinear", align_corners=False)
        mean, std = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
        return (x - mean) / std

    @torch.no_grad()
    def _run(self, images, signed):
        pools, logits = [], []
        for batch in torch.split(images, self.batch_size):
            logits.append(self.model(self.prepare(batch, signed)))
            pools.append(self._pool)
        return torch.cat(pools), torch.cat(logits)

    def features(self, images, signed=False):
        """(N, 2048) pool activations (the features FID is computed on)."""
        return self._run(images, signed)[0]

    def probs(self, images, signed=False):
        """(N, 1000) class probabilities (the p(y|x) of the Inception score)."""
        return self._run(images, signed)[1].softmax(dim=-1)
