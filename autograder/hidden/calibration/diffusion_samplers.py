"""Calibration of the sampler-distribution tests (test_sample_matches_the_reference_sampler_in_distribution,
test_ddim_stochastic_matches_the_reference_in_distribution[20, 100]).

For each seed and each configuration, runs the test's own inputs (a fresh SamplerNet) through the
reference as the student's sampler and records the two-sample z-scores against the judge's samples
(reference against reference: the false-failure rate). Then the same statistic for what a cheat
or a buggy sampler would send back instead of the student's samples:

    gaussian       N(m, diag(s^2)) read off the network's affine part (gain and offset): the
                   shortcut a sampler had when the denoiser was the exact one for a Gaussian
    affine-only    the reference sampler run on the affine part alone (the residual network zeroed)
    x_T            the starting noise itself, N(0, I)
    replay         eight-Gaussians points (two copies side by side for the 4 coordinates)
    zeros          a constant
    other sampler  DDIM (20 steps, eta = 0) where DDPM is asked, DDPM where DDIM eta = 1 is asked
    mutants        the unit's sampler mutants (autograder/hidden/mutants/diffusion.py) run as the
                   student's code

Reading the result: every cheat misses by 45 standard errors or more. A mutant shows here only
where it changes what the configuration runs: p_sample's mutants cannot show in DDIM, and
sigma-is-posterior-std, noise-added-at-t0 and sample-skips-last-step are below the DDPM test's
resolution by design (they are caught exactly, by the p_sample tests given the noise and by the
test of the steps `sample` visits); ddim-sigma-without-first-factor shows at 20 steps. "other
sampler" at 100 steps (DDPM where DDIM eta = 1 is asked) is a near-equivalent sampler, not a cheat.

    nice python autograder/hidden/calibration/diffusion_samplers.py 60 10 > autograder/hidden/calibration/diffusion_samplers.txt
"""
import math
import sys
import types

import torch

from common import ROOT
from diffusion_common import ReferenceWorker, tests

from autograder.mutants import load_catalogue, mutate

CONFIGS = [("ddpm", None, 0.0), ("ddim", 20, 1.0), ("ddim", 100, 1.0)]
MUTANTS = ["sigma-is-beta", "sigma-is-posterior-std", "noise-added-at-t0", "sample-skips-last-step",
           "alpha-for-alpha-bar-in-p_sample-mean", "ddim-eta-sign-flipped", "ddim-ignores-eta",
           "ddim-sigma-without-first-factor", "ddim-next-is-t-minus-1"]
n_ref = int(sys.argv[1]) if len(sys.argv) > 1 else 200
n_base = int(sys.argv[2]) if len(sys.argv) > 2 else 30
worker = ReferenceWorker()
z_max = tests.SAMPLERS["z_max"]


def name(config):
    return "ddpm" if config[0] == "ddpm" else f"ddim{config[1]} eta={config[2]:g}"


def mutant_module(mutant):
    source = (ROOT / "solutions" / "genlab" / "diffusion.py").read_text()
    module = types.ModuleType(f"mutant_{mutant.name}")
    exec(compile(mutate(source, mutant), mutant.name, "exec"), module.__dict__)
    return module


print(f"{n_ref} reference seeds x {len(CONFIGS)} configurations; {tests.SAMPLERS}, schedule linear T = 200 "
      f"(5e-4 to 0.1)")
print("reference against reference (the student's samples drawn by the reference in the worker's probe, the "
      "judge's by the reference sampler): largest |z| over the 4 coordinates")
p_one = math.erfc(z_max / math.sqrt(2))
for config in CONFIGS:
    zm, zv = [], []
    for seed in range(n_ref):
        torch.manual_seed(seed)
        samples, visited, want = tests.run_sampler(worker, *config)
        a, b = tests.two_sample_z(samples, want)
        zm.append(a)
        zv.append(b)
    fails = sum(a > z_max or b > z_max for a, b in zip(zm, zv))
    print(f"  {name(config):>14}: means max {max(zm):.2f} mean {sum(zm) / n_ref:.2f}; variances max {max(zv):.2f} "
          f"mean {sum(zv) / n_ref:.2f}; failures {fails} of {n_ref}")
print(f"normal theory: 8 z-scores per test, each beyond {z_max} with probability {p_one:.1e}: false-failure rate "
      f"{1 - (1 - p_one) ** 8:.1e} per test")

print(f"\nbaselines and mutants, {n_base} seeds each: smallest over seeds of the larger of the two z-scores "
      f"(every one must exceed {z_max})")
mutants = {m.name: m for m in load_catalogue("diffusion")}
modules = {k: mutant_module(mutants[k]) for k in MUTANTS}
for config in CONFIGS:
    results = {}
    for seed in range(n_base):
        torch.manual_seed(50_000 + seed)
        betas, state = tests.sampler_inputs()
        m = state["offset"][-1].double() / torch.cumprod(1 - betas.double(), 0)[-1].sqrt()   # read off the weights
        gain_T = state["gain"][-1].double()
        ab_T = torch.cumprod(1 - betas.double(), 0)[-1]
        s = (((1 - ab_T).sqrt() / gain_T - (1 - ab_T)) / ab_T).clamp(min=1e-6).sqrt()
        n, d = tests.SAMPLERS["n"], tests.SAMPLERS["d"]
        torch.manual_seed(60_000 + seed)
        want = tests.reference_samples(betas, state, config[0], tests.ddim_timesteps(200, config[1] or 1), *config[1:])
        affine = dict(state, **{"out.weight": torch.zeros_like(state["out.weight"]),
                                "out.bias": torch.zeros_like(state["out.bias"])})
        cheats = {
            "gaussian": lambda: (m + s * torch.randn(n, d)).float(),
            "affine-only": lambda: tests.reference_samples(betas, affine, config[0], tests.ddim_timesteps(200, config[1] or 1),
                                                           *config[1:]),
            "x_T": lambda: torch.randn(n, d),
            "replay": lambda: tests.ref_data.eight_gaussians(n).repeat(1, 2),
            "zeros": lambda: torch.zeros(n, d),
            "other sampler": lambda: (tests.reference_samples(betas, state, "ddim", tests.ddim_timesteps(200, 20), 20, 0.0)
                                      if config[0] == "ddpm" else tests.reference_samples(betas, state, "ddpm", None)),
        }
        for key, make in cheats.items():
            results.setdefault(key, []).append(max(tests.two_sample_z(make(), want)))
        for key, module in modules.items():
            r = tests.to_data(tests.probes.sampler_net_samples(types.SimpleNamespace(diffusion=module), betas=betas,
                                                                 state=state, n=n, sampler=config[0], steps=config[1],
                                                                 eta=config[2]))
            if config[0] == "ddim" and r["visited"] != tests.ddim_timesteps(200, config[1]):
                results.setdefault(key, []).append(float("inf"))
                continue
            results.setdefault(key, []).append(max(tests.two_sample_z(r["samples"], want)))
    print(f"  {name(config)}:")
    for key, v in results.items():
        caught = sum(x > z_max for x in v)
        print(f"    {key:>32}: min {min(v):8.1f}  median {sorted(v)[len(v) // 2]:8.1f}   caught on {caught} of {len(v)}")
