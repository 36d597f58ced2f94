"""Bad and hostile submissions: each is graded to completion, earns nothing it did not earn, and
is told what happened.

Each case is the reference (or the starter) with vae.py changed, graded on the VAE unit's public
tests through the real judge and sandboxed worker. Timeouts are shortened for speed (3 s a call,
5 s an import) through the grader's environment variables.
"""
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from autograder import grade as grading
from autograder.sandbox import best_available

ROOT = Path(__file__).resolve().parents[2]
SANDBOXED = best_available().startswith("bwrap")
pytestmark = pytest.mark.slow  # grades whole submissions: the second tier
PUBLIC_VAE_TESTS = len(re.findall(r"^def test_", (ROOT / "tests" / "test_vae.py").read_text(), re.M))


@pytest.fixture(autouse=True)
def short_timeouts(monkeypatch):
    monkeypatch.setenv("GENLAB_CALL_TIMEOUT", "3")
    monkeypatch.setenv("GENLAB_IMPORT_TIMEOUT", "5")


def submission(tmp_path, base="solutions", prepend="", append="", replace=None):
    """A copy of `base`/genlab with vae.py edited: code put before/after it, or strings replaced."""
    shutil.copytree(ROOT / base / "genlab", tmp_path / "genlab", ignore=shutil.ignore_patterns("__pycache__"))
    vae = tmp_path / "genlab" / "vae.py"
    text = vae.read_text()
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    vae.write_text(textwrap.dedent(prepend) + text + textwrap.dedent(append))
    return tmp_path


def grade_vae(path, public_only=True):
    return grading.grade(path, ["vae"], public_only=public_only)


def by_name(results):
    return {t.name.split("::")[-1]: t for t in results.tests}


def test_reference_scores_full_marks_in_the_sandbox(tmp_path):
    r = grade_vae(submission(tmp_path))
    assert r.score == r.max_score > 0
    assert r.isolation.startswith("bwrap") or not SANDBOXED


def test_missing_function_fails_only_its_tests(tmp_path):
    sub = submission(tmp_path, replace={"def gaussian_kl(mu, logvar):": "def gaussian_kl_renamed(mu, logvar):"})
    tests = by_name(grade_vae(sub))
    kl = tests["test_gaussian_kl_is_zero_for_the_prior"]
    assert kl.status == "error" and "has no attribute 'gaussian_kl'" in kl.output
    assert tests["test_reparameterize_uses_the_given_noise"].status == "passed"


def test_wrong_shape_is_reported_with_expected_and_got(tmp_path):
    sub = submission(tmp_path, replace={
        "return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=-1)":
        "return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)"})
    t = by_name(grade_vae(sub))["test_gaussian_kl_is_half_per_dimension_at_unit_mean"]
    assert t.status == "failed" and "shape" in t.output.lower()


def test_nan_outputs_earn_nothing(tmp_path):
    sub = submission(tmp_path, replace={"return mu + eps * torch.exp(0.5 * logvar)":
                                        "return mu * float('nan')"})
    tests = by_name(grade_vae(sub))
    assert tests["test_reparameterize_uses_the_given_noise"].status == "failed"
    assert tests["test_reparameterize_gradients_are_one_and_half_z_minus_mu"].status == "failed"


def test_infinite_loop_in_one_function_times_out_and_the_rest_is_graded(tmp_path):
    sub = submission(tmp_path, replace={'return F.binary_cross_entropy(x_recon, x, reduction="none").sum(dim=-1)':
                                        "while True:\n        pass"})
    r = grade_vae(sub)
    tests = by_name(r)
    hung = tests["test_bernoulli_nll_at_one_half_is_d_log_2"]
    assert hung.status == "timeout" and "did not finish within 3 s" in hung.output
    assert tests["test_gaussian_kl_is_zero_for_the_prior"].status == "passed"
    assert 0 < r.score < r.max_score


def test_infinite_loop_at_import_fails_the_unit_once_not_per_test(tmp_path):
    r = grade_vae(submission(tmp_path, prepend="while True:\n    pass\n"))
    assert r.score == 0 and len(r.tests) == PUBLIC_VAE_TESTS
    assert all("could not be imported" in t.output and "3 s" not in t.output for t in r.tests)
    assert r.seconds < 60, "an import hang must cost one import timeout, not one per test"


def test_huge_allocation_is_stopped_by_the_memory_limit(tmp_path):
    sub = submission(tmp_path, replace={"return mu + eps * torch.exp(0.5 * logvar)":
                                        "big = torch.ones(50 * 1024**3 // 4)\n    return mu + big[0]"})
    tests = by_name(grade_vae(sub))
    t = tests["test_reparameterize_uses_the_given_noise"]
    assert t.status == "error" and "memory" in t.output.lower()
    assert tests["test_gaussian_kl_is_zero_for_the_prior"].status == "passed"


@pytest.mark.parametrize("exit_call", ["import sys; sys.exit(0)", "import os; os._exit(0)"])
def test_exit_at_import_is_graded_as_a_failed_import(tmp_path, exit_call):
    r = grade_vae(submission(tmp_path, base="solutions", prepend=exit_call + "\n"))
    assert r.score == 0 and len(r.tests) == PUBLIC_VAE_TESTS
    assert all(t.status == "error" and "could not be imported" in t.output for t in r.tests)


def test_megabytes_of_printing_do_not_disturb_grading(tmp_path):
    noisy = "print('x' * 5_000_000)\n"
    sub = submission(tmp_path, prepend=noisy, replace={
        "    if eps is None:\n        eps = torch.randn_like(mu)":
        "    print('y' * 2_000_000)\n    if eps is None:\n        eps = torch.randn_like(mu)"})
    r = grade_vae(sub)
    assert r.score == r.max_score


def test_monkeypatching_the_judges_checks_earns_nothing(tmp_path):
    patch = """
        import torch, torch.testing
        torch.allclose = lambda *a, **k: True
        torch.testing.assert_close = lambda *a, **k: None
        torch.equal = lambda *a, **k: True
        try:
            import pytest, _pytest.outcomes
            pytest.fail = lambda *a, **k: None
        except ImportError:
            pass
        import builtins
        builtins.AssertionError = type("Never", (Exception,), {})
    """
    r = grade_vae(submission(tmp_path, base="starter", prepend=patch))
    assert r.score == 0


def test_fake_report_files_are_ignored(tmp_path):
    forge = """
        import glob, json, os
        fake = {"score": 100, "max_score": 100, "tests": []}
        for path in ["results.json", "report.json", "../results.json", "/tmp/outcomes.json",
                     *glob.glob("/tmp/genlab-judge-*/"), *glob.glob("/tmp/genlab-*")]:
            try:
                target = os.path.join(path, "outcomes.json") if os.path.isdir(path) else path
                with open(target, "w") as f:
                    json.dump(fake, f)
            except OSError:
                pass
    """
    out = tmp_path / "out"
    out.mkdir()
    r = grade_vae(submission(out, base="starter", prepend=forge))
    assert r.score == 0


@pytest.mark.skipif(not SANDBOXED, reason="without bubblewrap the worker can read world-readable files")
def test_reading_the_reference_or_hidden_suites_is_impossible(tmp_path):
    thief = f"""
        import os
        _stolen = {{}}
        for path in [{str(ROOT / 'solutions' / 'genlab' / 'vae.py')!r},
                     {str(ROOT / 'autograder' / 'hidden' / 'test_vae.py')!r},
                     {str(ROOT / 'autograder' / 'rubric.toml')!r}]:
            try:
                _stolen[path] = open(path).read()
            except OSError as exc:
                _stolen[path] = None
        _ref = _stolen[{str(ROOT / 'solutions' / 'genlab' / 'vae.py')!r}]
        if _ref is not None:
            exec(compile(_ref, "stolen", "exec"))
    """
    # The starter's stubs come first; if the reference could be read, its functions would replace them.
    sub = submission(tmp_path, base="starter", append=thief)
    r = grade_vae(sub)
    assert r.score == 0, "the worker could read the reference solution"


def test_always_equal_objects_are_not_data(tmp_path):
    cheat = """
        class _AlwaysEqual:
            shape = property(lambda self: self)
            def __eq__(self, other): return True
            def __getattr__(self, name): return self
            def __call__(self, *a, **k): return self
            def __lt__(self, other): return True
            def __gt__(self, other): return True
            def __ge__(self, other): return True
            def __le__(self, other): return True
            def __bool__(self): return True
            def __len__(self): return 1
        for _name in ["reparameterize", "gaussian_kl", "bernoulli_nll", "vae_loss", "sample", "interpolate",
                      "iwae_bound"]:
            globals()[_name] = lambda *a, **k: _AlwaysEqual()
    """
    r = grade_vae(submission(tmp_path, base="starter", append=cheat))
    assert r.score == 0
    t = by_name(r)["test_gaussian_kl_is_zero_for_the_prior"]
    assert "expected a tensor" in t.output


def test_syntax_error_fails_its_unit_with_file_and_line_and_other_units_are_graded(tmp_path):
    sub = submission(tmp_path, replace={"def gaussian_kl(mu, logvar):": "def gaussian_kl(mu, logvar)"})
    units = ["vae"] + [u for u in ("transformer", "gan", "diffusion") if (ROOT / "tests" / f"test_{u}.py").exists()][:1]
    r = grading.grade(sub, units, public_only=True)
    vae = [t for t in r.tests if t.unit == "vae"]
    assert vae and all(t.status == "error" and "SyntaxError" in t.output and "vae.py" in t.output
                       and "line" in t.output for t in vae)
    others = [t for t in r.tests if t.unit != "vae"]
    if len(units) > 1:
        assert others and all(t.status == "passed" for t in others)


def test_a_symbolic_link_to_the_reference_is_not_graded_as_the_students_work(tmp_path):
    sub = submission(tmp_path, base="starter")
    vae = sub / "genlab" / "vae.py"
    vae.unlink()
    vae.symlink_to(ROOT / "solutions" / "genlab" / "vae.py")
    r = grade_vae(sub)
    assert r.score == 0
    assert all("could not be imported" in t.output for t in r.tests)
