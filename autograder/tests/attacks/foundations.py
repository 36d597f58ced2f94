"""Attacks on unit 01 (genlab.foundations): cheats that try to pass its statistical tests (the
mixture's and the classifier's samples with their own draws, EM's recovery of a known mixture)
without doing the work they grade. `python -m autograder verify --units foundations` grades each on
its targets only; every target must earn 0.

Unit 01 is not a project, so not every kind is needed. The cheats are the fakes of
autograder/hidden/calibration/foundations_sample_moments.py and foundations_em_recovery.py
(.txt: their scores over 50 seeds each), written into the reference as a student would. Kinds:
a stored set of draws is a replay; a draw fixed by construction (exact shares n * weights, noise
standardised to exact moments, uniform components, one Gaussian for the whole mixture, a fixed
seed, parameters never or barely updated) is a constant; a hard assignment to the nearest or most
responsible component, which looks each point up instead of weighing it, is filed as a lookup.

What stops them: the moments of the first draw (|z| < 6), the spread of the counts, means and
variances over 8 calls (summed chi-square bounded BELOW), under 0.1% repeated rows over the 8
calls, and, for EM, one more EM step of the judge's (float64) that may not move the answer.
"""
from autograder.attacks import Attack

F = "foundations.py"
MIXTURE_SAMPLES = ("test_mixture_samples_have_the_mixture_weights_and_moments",)
CLASSIFIER_SAMPLES = ("test_classifier_samples_have_the_class_moments",)
EM_RECOVERY = ("test_em_recovers_a_known_three_component_mixture",)

MIXTURE_COMPONENTS = "            components = torch.multinomial(self.weights, n, replacement=True)\n"
MIXTURE_BODY = """        if components is None:
            components = torch.multinomial(self.weights, n, replacement=True)
        if noise is None:
            noise = torch.randn(n, self.means.shape[1])
        return self.means[components] + noise * self.variances[components].sqrt()
"""
CLASSIFIER_BODY = """        if noise is None:
            noise = torch.randn(n, self.means.shape[1])
        return self.means[label] + noise * self.variances[label].sqrt()
"""
E_STEP = "            r = self.responsibilities(x)                          # (B, K), rows sum to 1\n"
EM_LOOP = "        history = []\n        for _ in range(n_iter):\n"
VARIANCE_UPDATE = "            self.variances = (r[:, :, None] * sq).sum(dim=0) / n_k[:, None] + self.var_floor\n"

ATTACKS = [
    # ---- GaussianMixture.sample ------------------------------------------------------------------
    Attack("mixture-exact-counts-shuffled", "constant", F, MIXTURE_SAMPLES,
           edits=((MIXTURE_COMPONENTS, """            counts = (n * self.weights).round().long()
            counts[-1] = n - counts[:-1].sum()
            components = torch.repeat_interleave(torch.arange(len(self.weights)), counts)[torch.randperm(n)]
"""),),
           how="each component gets exactly round(n * weights_k) samples, shuffled: the frequencies are perfect "
               "at every call, never drawn from Categorical(weights)"),
    Attack("mixture-noise-standardised-per-component", "constant", F, MIXTURE_SAMPLES,
           edits=((MIXTURE_BODY, """        if components is None:
            components = torch.multinomial(self.weights, n, replacement=True)
        if noise is None:
            noise = torch.randn(n, self.means.shape[1])
            for k in range(len(self.weights)):          # rescale each component's noise to mean 0, variance 1
                part = components == k
                if part.sum() > 1:
                    noise[part] = (noise[part] - noise[part].mean(0)) / noise[part].std(0)
        return self.means[components] + noise * self.variances[components].sqrt()
"""),),
           how="the noise of each component is rescaled to exact mean 0 and variance 1, so every component's sample "
               "mean and variance equal the parameters exactly"),
    Attack("mixture-replays-a-stored-set-of-draws", "replay", F, MIXTURE_SAMPLES,
           edits=((MIXTURE_BODY, """        if components is None and noise is None:
            if getattr(self, "_pool", None) is None:    # 1000 honest draws, made once and replayed
                c = torch.multinomial(self.weights, 1000, replacement=True)
                self._pool = self.means[c] + torch.randn(1000, self.means.shape[1]) * self.variances[c].sqrt()
            return self._pool[torch.randint(0, 1000, (n,))]
        if components is None:
            components = torch.multinomial(self.weights, n, replacement=True)
        if noise is None:
            noise = torch.randn(n, self.means.shape[1])
        return self.means[components] + noise * self.variances[components].sqrt()
"""),),
           how="sample(n) draws 1000 rows once and then returns rows picked from that stored set at every call"),
    Attack("mixture-components-chosen-uniformly", "constant", F, MIXTURE_SAMPLES,
           edits=((MIXTURE_COMPONENTS,
                   "            components = torch.randint(0, len(self.weights), (n,))   # the weights ignored\n"),),
           how="each sample's component is uniform over the K components, whatever the weights"),
    Attack("mixture-one-gaussian-with-the-overall-moments", "constant", F, MIXTURE_SAMPLES,
           edits=((MIXTURE_BODY, """        if components is None and noise is None:     # one Gaussian with the mixture's mean and variance
            mean = (self.weights[:, None] * self.means).sum(0)
            var = (self.weights[:, None] * (self.variances + self.means ** 2)).sum(0) - mean ** 2
            return mean + torch.randn(n, self.means.shape[1]) * var.sqrt()
        if components is None:
            components = torch.multinomial(self.weights, n, replacement=True)
        if noise is None:
            noise = torch.randn(n, self.means.shape[1])
        return self.means[components] + noise * self.variances[components].sqrt()
"""),),
           how="sample(n) draws from a single Gaussian with the mixture's overall mean and variance: the first two "
               "moments of the whole sample are right, the components are not there"),

    # ---- GaussianClassifier.sample ---------------------------------------------------------------
    Attack("classifier-noise-standardised", "constant", F, CLASSIFIER_SAMPLES,
           edits=((CLASSIFIER_BODY, """        if noise is None:
            noise = torch.randn(n, self.means.shape[1])
            noise = (noise - noise.mean(0)) / noise.std(0)   # exact mean 0 and variance 1
        return self.means[label] + noise * self.variances[label].sqrt()
"""),),
           how="the drawn noise is rescaled to exact mean 0 and variance 1, so the sample's mean and variance equal "
               "the class's exactly at every call"),
    Attack("classifier-replays-a-stored-set-of-draws", "replay", F, CLASSIFIER_SAMPLES,
           edits=((CLASSIFIER_BODY, """        if noise is None:
            pools = self.__dict__.setdefault("_pools", {})
            if label not in pools:                          # 1000 honest draws per class, made once
                pools[label] = self.means[label] + torch.randn(1000, self.means.shape[1]) * self.variances[label].sqrt()
            return pools[label][torch.randint(0, 1000, (n,))]
        return self.means[label] + noise * self.variances[label].sqrt()
"""),),
           how="sample(n, label) draws 1000 rows of the class once and returns rows picked from that stored set"),
    Attack("classifier-fixed-seed-at-each-call", "constant", F, CLASSIFIER_SAMPLES,
           edits=((CLASSIFIER_BODY, """        if noise is None:
            noise = torch.randn(n, self.means.shape[1], generator=torch.Generator().manual_seed(0))
        return self.means[label] + noise * self.variances[label].sqrt()
"""),),
           how="the noise comes from a generator seeded with 0 at every call: honest-looking moments, the same "
               "sample every time"),

    # ---- GaussianMixture.fit ---------------------------------------------------------------------
    Attack("em-k-means-hard-assignment-to-the-nearest-mean", "lookup", F, EM_RECOVERY,
           edits=((E_STEP, "            r = torch.nn.functional.one_hot(torch.cdist(x, self.means).argmin(1), "
                           "self.n_components).to(x.dtype)   # k-means\n"),),
           how="k-means: each point is assigned wholly to its nearest mean (r one-hot) in every M-step; the "
               "recovered parameters are within 6 standard errors, but not EM's fixed point"),
    Attack("em-hard-assignment-to-the-most-responsible-component", "lookup", F, EM_RECOVERY,
           edits=((E_STEP, "            r = torch.nn.functional.one_hot(self.responsibilities(x).argmax(1), "
                           "self.n_components).to(x.dtype)   # hard EM\n"),),
           how="hard EM: each point is assigned wholly to its most responsible component in every M-step"),
    Attack("em-returns-the-initial-parameters-nudged", "constant", F, EM_RECOVERY,
           edits=((EM_LOOP, """        self.means = self.means + 0.01 * torch.randn_like(self.means)   # "fitted"
        return [self.log_likelihood(x).mean().item()] * n_iter
        history = []
        for _ in range(n_iter):
"""),),
           how="fit skips EM: the initial means (one data point per component), nudged, weights 1/K and the data's "
               "variance, with a flat history"),
    Attack("em-variances-never-updated", "constant", F, EM_RECOVERY,
           edits=((VARIANCE_UPDATE, "            pass                                                  # variances kept\n"),),
           how="the M-step updates weights and means only; the variances stay at the data's variance"),
]
