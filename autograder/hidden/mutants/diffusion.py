"""Realistic student bugs in unit 07 (genlab.diffusion); `python -m autograder verify` proves each loses points.

The comment above each mutant names the hidden test(s) expected to catch it.
"""
from autograder.mutants import Mutant

MUTANTS = [
    # ---- schedules -----------------------------------------------------------------------------
    # test_linear_schedule_alpha_bars_match_published_values (alpha_bar_499 = 0.333), ..._for_other_T.
    Mutant("linspace-of-sqrt-beta", file="diffusion.py",
           find="return torch.linspace(beta_start, beta_end, T, dtype=torch.float64).float()",
           replace="return (torch.linspace(beta_start ** 0.5, beta_end ** 0.5, T, dtype=torch.float64) ** 2).float()",
           hint="the linear schedule spaces the betas evenly, not their square roots"),
    # test_cosine_schedule_matches_published_values (beta_0 = 2.5e-6), ..._for_other_T.
    Mutant("cosine-without-offset-s", file="diffusion.py",
           find="f = torch.cos((u / T + s) / (1 + s) * math.pi / 2) ** 2",
           replace="f = torch.cos(u / T * math.pi / 2) ** 2",
           hint="the cosine schedule needs the offset s: cos(((t/T + s)/(1 + s)) pi/2)^2"),
    # test_cosine_schedule_matches_published_values (last beta 1), ..._max_beta.
    Mutant("cosine-without-clipping", file="diffusion.py",
           find="return betas.clamp(max=max_beta).float()",
           replace="return betas.float()",
           hint="clip the cosine betas at max_beta; the last one is otherwise exactly 1"),
    # test_noise_schedule_matches_closed_forms_on_random_betas, test_alpha_bars_decrease_and_alpha_bars_prev_starts_at_one.
    Mutant("alpha-bars-prev-shifted-left", file="diffusion.py",
           find="alpha_bars_prev = torch.cat([torch.ones(1, dtype=torch.float64), alpha_bars[:-1]])",
           replace="alpha_bars_prev = torch.cat([alpha_bars[1:], torch.ones(1, dtype=torch.float64)])",
           hint="alpha_bars_prev[t] is alpha_bars[t - 1]: shift right with a 1 in front"),
    # test_noise_schedule_matches_closed_forms_on_random_betas.
    Mutant("alpha-bars-are-a-sum", file="diffusion.py",
           find="alpha_bars = torch.cumprod(alphas, dim=0)",
           replace="alpha_bars = 1 - torch.cumsum(betas, dim=0)",
           hint="alpha_bar_t is the product of the alphas, not 1 minus the sum of the betas"),
    # test_posterior_variance_is_zero_at_t0_and_beta_tilde_elsewhere, test_noise_schedule_matches_closed_forms.
    Mutant("posterior-variance-ratio-inverted", file="diffusion.py",
           find="posterior_variance = betas * (1 - alpha_bars_prev) / (1 - alpha_bars)",
           replace="posterior_variance = betas * (1 - alpha_bars) / (1 - alpha_bars_prev).clamp(min=1e-12)",
           hint="beta_tilde_t = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)"),

    # ---- forward process -----------------------------------------------------------------------
    # test_q_sample_matches_closed_form_for_mixed_t, test_q_sample_broadcasts_t_over_image_dims, moments.
    Mutant("alpha-for-alpha-bar-in-q_sample", file="diffusion.py",
           find="_gather(schedule.alpha_bars, t, x0)", replace="_gather(schedule.alphas, t, x0)", count=2,
           hint="q_sample jumps straight to step t: it uses alpha_bar_t, not alpha_t"),
    # test_q_sample_matches_closed_form_for_mixed_t, test_q_sample_draws_noise_with_the_right_mean_and_variance.
    Mutant("noise-scaled-by-variance", file="diffusion.py",
           find="spread = (1 - _gather(schedule.alpha_bars, t, x0)).sqrt()",
           replace="spread = 1 - _gather(schedule.alpha_bars, t, x0)",
           hint="the noise is scaled by sqrt(1 - alpha_bar_t), a standard deviation"),
    # test_q_sample_draws_noise_with_the_right_mean_and_variance, ..._independent_standard_normal_noise.
    Mutant("uniform-noise-in-q_sample", file="diffusion.py",
           find="""    if noise is None:
        noise = torch.randn_like(x0)
    signal""",
           replace="""    if noise is None:
        noise = torch.rand_like(x0)
    signal""",
           hint="draw the noise from N(0, I) with torch.randn_like, not torch.rand_like"),
    # test_q_sample_broadcasts_t_over_image_dims, test_predict_x0_matches_closed_form,
    # test_q_posterior_matches_closed_form[images], ddpm_loss/p_sample on images.
    Mutant("t-not-broadcast-over-image-dims", file="diffusion.py",
           find="return out.reshape(-1, *([1] * (x.dim() - 1))).to(x.dtype)",
           replace="return out[:, None].to(x.dtype)",
           hint="reshape per-example coefficients to (B, 1, ..., 1): (B, 1) only works for flat data"),
    # test_predict_x0_matches_closed_form.
    Mutant("predict_x0-adds-the-noise", file="diffusion.py",
           find="return (x_t - (1 - alpha_bar).sqrt() * eps) / alpha_bar.sqrt()",
           replace="return (x_t + (1 - alpha_bar).sqrt() * eps) / alpha_bar.sqrt()",
           hint="x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t): subtract the noise"),
    # test_q_posterior_matches_closed_form.
    Mutant("posterior-mean-coefficients-use-alpha-bar", file="diffusion.py",
           find="coef_xt = (1 - alpha_bar_prev) * alpha.sqrt() / (1 - alpha_bar)",
           replace="coef_xt = (1 - alpha_bar_prev) * alpha_bar.sqrt() / (1 - alpha_bar)",
           hint="the x_t coefficient of the posterior mean has sqrt(alpha_t), not sqrt(alpha_bar_t)"),

    # ---- loss ----------------------------------------------------------------------------------
    # test_ddpm_loss_matches_reference_with_given_t_and_noise, the gradients, and the project.
    Mutant("loss-predicts-x0", file="diffusion.py",
           find="return F.mse_loss(model(x_t, t), noise)", replace="return F.mse_loss(model(x_t, t), x0)",
           hint="the model predicts the noise: the samplers read its output as noise"),
    # test_ddpm_loss_matches_reference_with_given_t_and_noise.
    Mutant("loss-summed", file="diffusion.py",
           find="return F.mse_loss(model(x_t, t), noise)",
           replace="return F.mse_loss(model(x_t, t), noise, reduction='sum')",
           hint="the loss is the mean over every element, not the sum"),
    # test_ddpm_loss_gradients_match_reference.
    Mutant("loss-detached", file="diffusion.py",
           find="return F.mse_loss(model(x_t, t), noise)",
           replace="return F.mse_loss(model(x_t, t).detach(), noise)",
           hint="the loss must stay differentiable with respect to the model's parameters"),
    # test_ddpm_loss_draws_t_uniformly_over_all_steps.
    Mutant("t-drawn-from-1", file="diffusion.py",
           find="t = torch.randint(0, schedule.T, (x0.shape[0],), device=x0.device)",
           replace="t = torch.randint(1, schedule.T, (x0.shape[0],), device=x0.device)",
           hint="t is uniform over 0..T-1: torch.randint(0, T, (B,))"),
    # test_ddpm_loss_draws_t_uniformly_over_all_steps.
    Mutant("one-t-per-batch", file="diffusion.py",
           find="t = torch.randint(0, schedule.T, (x0.shape[0],), device=x0.device)",
           replace="t = torch.randint(0, schedule.T, (1,), device=x0.device).expand(x0.shape[0])",
           hint="draw one t per example, not one per batch"),

    # ---- reverse process -----------------------------------------------------------------------
    # test_p_sample_matches_reference_with_given_noise, the DDPM sampler's distribution.
    Mutant("alpha-for-alpha-bar-in-p_sample-mean", file="diffusion.py",
           find="mean = (x_t - beta / torch.sqrt(1 - alpha_bar) * eps_hat) / torch.sqrt(alpha)",
           replace="mean = (x_t - beta / torch.sqrt(1 - alpha) * eps_hat) / torch.sqrt(alpha)",
           hint="the eps coefficient is beta_t / sqrt(1 - alpha_bar_t)"),
    # test_p_sample_matches_reference_with_given_noise, the DDPM sampler's distribution.
    Mutant("p_sample-divides-by-sqrt-alpha-bar", file="diffusion.py",
           find="mean = (x_t - beta / torch.sqrt(1 - alpha_bar) * eps_hat) / torch.sqrt(alpha)",
           replace="mean = (x_t - beta / torch.sqrt(1 - alpha_bar) * eps_hat) / torch.sqrt(alpha_bar)",
           hint="one reverse step divides by sqrt(alpha_t), not sqrt(alpha_bar_t)"),
    # test_p_sample_adds_no_noise_at_t0_whatever_noise_is_passed.
    Mutant("noise-added-at-t0", file="diffusion.py",
           find="""    if t == 0:
        return mean
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + torch.sqrt(beta) * noise""",
           replace="""    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + torch.sqrt(beta) * noise""",
           hint="no noise is added at t = 0"),
    # test_p_sample_noise_scale_is_sqrt_beta, test_p_sample_matches_reference, the DDPM sampler's distribution.
    Mutant("sigma-is-beta", file="diffusion.py",
           find="return mean + torch.sqrt(beta) * noise", replace="return mean + beta * noise",
           hint="sigma_t = sqrt(beta_t): sigma_t^2 = beta_t"),
    # test_p_sample_noise_scale_is_sqrt_beta, test_p_sample_matches_reference.
    Mutant("sigma-is-posterior-std", file="diffusion.py",
           find="return mean + torch.sqrt(beta) * noise",
           replace="return mean + torch.sqrt(schedule.posterior_variance[t]) * noise",
           hint="this course's p_sample uses sigma_t^2 = beta_t (Algorithm 2), not beta_tilde_t"),
    # test_p_sample_calls_model_with_a_long_tensor_of_t, the sampler tests (SamplerNet asserts a long t).
    Mutant("model-gets-float-t", file="diffusion.py",
           find="t_batch = torch.full((x_t.shape[0],), t, dtype=torch.long, device=x_t.device)",
           replace="t_batch = torch.full((x_t.shape[0],), t, dtype=torch.float32, device=x_t.device)",
           hint="the model's t is a (B,) long tensor"),
    # test_sample_calls_the_model_at_every_step_from_T_minus_1_down_to_0.
    Mutant("sample-loop-forwards", file="diffusion.py",
           find="for t in reversed(range(schedule.T)):", replace="for t in range(schedule.T):",
           hint="sampling walks backwards: t = T - 1, ..., 0"),
    # test_sample_calls_the_model_at_every_step_from_T_minus_1_down_to_0.
    Mutant("sample-skips-last-step", file="diffusion.py",
           find="for t in reversed(range(schedule.T)):", replace="for t in reversed(range(1, schedule.T)):",
           hint="the loop includes t = 0"),

    # ---- DDIM ----------------------------------------------------------------------------------
    # test_ddim_stochastic_matches_the_reference_in_distribution.
    Mutant("ddim-eta-sign-flipped", file="diffusion.py",
           find="(1 - a_next - sigma ** 2).clamp(min=0).sqrt() * eps_hat",
           replace="(1 - a_next + sigma ** 2).clamp(min=0).sqrt() * eps_hat",
           hint="the direction term is sqrt(1 - a' - sigma^2) eps_hat"),
    # test_ddim_stochastic_matches_the_reference_in_distribution.
    Mutant("ddim-ignores-eta", file="diffusion.py",
           find="""        if eta > 0:
            x = x + sigma * torch.randn_like(x)""",
           replace="",
           hint="with eta > 0, add sigma * z with fresh z at every step"),
    # test_ddim_stochastic_matches_the_reference_in_distribution[20].
    Mutant("ddim-sigma-without-first-factor", file="diffusion.py",
           find="sigma = eta * ((1 - a_next) / (1 - a)).sqrt() * (1 - a / a_next).sqrt()",
           replace="sigma = eta * (1 - a / a_next).sqrt()",
           hint="sigma = eta sqrt((1 - a')/(1 - a)) sqrt(1 - a/a')"),
    # test_ddim_with_every_step_matches_reference_given_x_T.
    Mutant("ddim-ends-at-alpha-bar-0", file="diffusion.py",
           find="a_next = schedule.alpha_bars[timesteps[i + 1]] if i + 1 < len(timesteps) else one",
           replace="a_next = schedule.alpha_bars[timesteps[i + 1]] if i + 1 < len(timesteps) else schedule.alpha_bars[0]",
           hint="after the last step a' = 1: the result is x0_hat itself"),
    # test_ddim_with_every_step_matches_reference_given_x_T[1.0].
    Mutant("ddim-clip-keeps-old-eps", file="diffusion.py",
           find="            eps_hat = (x - a.sqrt() * x0_hat) / (1 - a).sqrt()\n",
           replace="",
           hint="after clamping x0_hat, recompute eps_hat from it"),
    # test_ddim_deterministic_matches_reference_given_x_T, the stochastic DDIM test: a' one step back, not the next visited step.
    Mutant("ddim-next-is-t-minus-1", file="diffusion.py",
           find="a_next = schedule.alpha_bars[timesteps[i + 1]] if i + 1 < len(timesteps) else one",
           replace="a_next = schedule.alpha_bars_prev[t]",
           hint="a' is alpha_bar at the NEXT step of the subsequence, not at t - 1"),

    # ---- the denoiser --------------------------------------------------------------------------
    # test_time_embedding_matches_formula.
    Mutant("embedding-cos-first", file="diffusion.py",
           find="return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)",
           replace="return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)",
           hint="the sines come first, then the cosines"),
    # test_time_embedding_matches_formula.
    Mutant("embedding-frequencies-over-dim", file="diffusion.py",
           find="torch.arange(half, dtype=torch.float32, device=t.device) / half)",
           replace="torch.arange(half, dtype=torch.float32, device=t.device) / dim)",
           hint="w_i = 10000^(-i/h) with h = dim/2"),
    # the public time-dependence test; test_project_mlp_denoiser_learns_the_eight_gaussians (time_mlp never moves).
    Mutant("denoiser-ignores-time", file="diffusion.py",
           find="h = self.inp(x) + self.time_mlp(sinusoidal_time_embedding(t, self.time_dim))",
           replace="h = self.inp(x) + 0 * self.time_mlp(sinusoidal_time_embedding(t, self.time_dim))",
           hint="the denoiser must use the time step: one network serves every t"),
]
