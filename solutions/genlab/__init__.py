"""genlab: Module 7, Generative AI.

One module per unit (`genlab.vae`, `genlab.gan`, `genlab.transformer`, `genlab.diffusion`, ...) plus
those provided in full: `genlab.data` (datasets), `genlab.training` (loops), `genlab.viz` (plots),
`genlab.digit_classifier` (the digit metrics' features) and `genlab.inception` (Inception-v3
features for FID and IS on real images, opt-in).

This file imports nothing on purpose: a mistake in one unit's module must not stop the others
from importing. Write `from genlab import vae`.
"""
