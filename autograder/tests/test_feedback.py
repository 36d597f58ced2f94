"""What a student reads when a check fails: the student's own function, expected and received
values, and one line for what a `--units` run did not grade."""
import shutil
from pathlib import Path

import pytest
import torch

from autograder import reports
from autograder.results import load_rubric, score
from autograder.testing import expect_close
from autograder.worker import SandboxWorker, SubmissionError

ROOT = Path(__file__).resolve().parents[2]
PROBES = [ROOT / "tests" / "probes", ROOT / "autograder" / "hidden" / "probes"]


@pytest.fixture(scope="module")
def broken_worker(tmp_path_factory):
    """The reference with VAE.encode and gaussian_kl broken in two different ways."""
    sub = tmp_path_factory.mktemp("sub")
    shutil.copytree(ROOT / "solutions" / "genlab", sub / "genlab", ignore=shutil.ignore_patterns("__pycache__"))
    vae = sub / "genlab" / "vae.py"
    text = vae.read_text()
    text = text.replace("        h = self.encoder(x)  ", "        h = self.encoder(x[:, :3])  ")
    text = text.replace("return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=-1)", "return mu @ mu")
    vae.write_text(text)
    w = SandboxWorker(sub, PROBES)
    yield w
    w.close()


def test_a_probe_failure_names_the_students_method_not_the_probe(broken_worker):
    with pytest.raises(SubmissionError) as info:
        broken_worker.probe("vae.vae_model", input_dim=64, hidden_dim=32, latent_dim=2,
                            x=torch.rand(4, 64), z=torch.randn(4, 2))
    text = str(info.value)
    assert text.startswith("genlab.vae.VAE.encode raised RuntimeError"), text
    assert "vae_model" not in text, "the probe's name reads like a function the student should write"


def test_a_call_failure_names_the_inner_function_and_the_one_called(broken_worker):
    with pytest.raises(SubmissionError) as info:
        broken_worker.call("vae.vae_loss", torch.rand(3, 8), torch.rand(3, 8), torch.randn(3, 2), torch.randn(3, 2))
    text = str(info.value)
    assert text.startswith("genlab.vae.gaussian_kl raised RuntimeError"), text
    assert "(called through genlab.vae.vae_loss)" in text, text


def test_a_check_that_fails_on_a_returned_value_says_so(broken_worker):
    with pytest.raises(SubmissionError) as info:  # the probe indexes a tensor the wrong way: no student frame
        broken_worker.probe("vae.reparameterize_grads", mu=torch.randn(2, 3), logvar=torch.randn(2, 4))
    text = str(info.value)
    assert text.startswith("genlab.vae.reparameterize raised") or "the check raised" in text, text
    assert "reparameterize_grads" not in text, text


def test_expect_close_shows_expected_and_received_values():
    with pytest.raises(AssertionError) as info:
        expect_close(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[1.0, 2.5], [3.0, 4.0]]), hint="the hint")
    text = str(info.value)
    assert "at [0, 1]: expected 2.5, received 2" in text, text
    assert text.rstrip().endswith("Hint: the hint"), text


def test_expect_close_bounds_the_values_it_shows():
    with pytest.raises(AssertionError) as info:
        expect_close(torch.zeros(1000), torch.ones(1000), hint="h")
    assert str(info.value).count("expected 1, received 0") == 5
    with pytest.raises(AssertionError) as info:
        expect_close(torch.zeros(1000), torch.ones(10, 100))
    assert "Received shape (1000,): [0, 0, 0, 0, 0, ...]" in str(info.value)


def test_a_units_run_lists_only_what_it_graded_and_one_line_for_the_rest():
    rubric = load_rubric()
    outcomes = [{"nodeid": "tests/test_vae.py::test_gaussian_kl_is_zero_for_the_prior", "status": "passed"}]
    r = score(outcomes, rubric, ["vae"], hidden_graded=False)
    r.seed = 1
    for text in (reports.text(r), reports.markdown(r)):
        assert "not graded in this run" not in text and "not graded yet" not in text
        graded = [c.item for c in r.checklist if c.graded]
        ungraded = [c.item for c in r.checklist if not c.graded]
        assert graded and all(item in text for item in graded)
        assert not any(item in text for item in ungraded), text
        assert f"Not graded in this run: {len(ungraded)} checklist items and" in text


def test_a_unit_not_attempted_is_one_line_per_function_not_a_block_per_test():
    from autograder import reports
    from autograder.results import ChecklistResult, Results, TestResult
    tests = [TestResult(f"tests/test_vae.py::test_{i}", "vae", "vae-public", "error", 0.0, 1.0,
                        output=f"genlab.vae.{fn} raised NotImplementedError: \n\nWhere (your code):\n  ...",
                        error_type="NotImplementedError")
             for i, fn in enumerate(["gaussian_kl", "gaussian_kl", "VAE.__init__"])]
    tests.append(TestResult("tests/test_gan.py::test_x", "gan", "gan-public", "failed", 0.0, 1.0,
                            output="expected 2 got 3", error_type="AssertionError"))
    r = Results(0.0, 4.0, tests, [ChecklistResult("vae", "VAEs", False, 0.0, 3.0, True)], [])
    for report in (reports.text(r), reports.markdown(r)):
        assert "- [vae] not attempted yet" in report
        assert "genlab.vae.gaussian_kl  (2 tests)" in report and "genlab.vae.VAE.__init__  (1 test)" in report
        assert "Where (your code)" not in report, "the blocks of a unit not attempted are collapsed"
        assert "expected 2 got 3" in report, "a unit with real failures keeps them"
