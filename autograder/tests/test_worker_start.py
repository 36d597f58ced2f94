"""A sandboxed worker started ahead of its submission (the warm judge's), and the one-per-grading
rule: the submission it grades is the one copied in, and a worker that does not fit is replaced."""
import shutil
from pathlib import Path

import torch

from autograder import worker
from autograder.worker import SandboxWorker, SubmissionError

ROOT = Path(__file__).resolve().parents[2]
PROBES = [ROOT / "tests" / "probes", ROOT / "autograder" / "hidden" / "probes"]


def _submission(folder, kl_body):
    """The reference VAE module with gaussian_kl's body replaced by `kl_body`."""
    (folder / "genlab").mkdir(parents=True)
    shutil.copy2(ROOT / "solutions" / "genlab" / "__init__.py", folder / "genlab" / "__init__.py")
    text = (ROOT / "solutions" / "genlab" / "vae.py").read_text()
    text = text.replace("return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=-1)", kl_body)
    (folder / "genlab" / "vae.py").write_text(text)
    return folder


def test_a_worker_started_before_its_submission_grades_the_one_copied_in(tmp_path):
    blank = SandboxWorker(None, PROBES)
    blank.start()                      # importing torch, with nothing of a submission to see yet
    sub = _submission(tmp_path / "sub", "return torch.full(mu.shape[:-1], 7.0)")
    try:
        blank.adopt(sub)
        kl = blank.call("vae.gaussian_kl", torch.zeros(2, 3), torch.zeros(2, 3))
        assert torch.equal(kl, torch.full((2,), 7.0))
    finally:
        blank.close()


def test_a_worker_without_a_submission_cannot_import_one(tmp_path):
    w = SandboxWorker(None, PROBES)
    try:
        w.adopt(tmp_path / "empty")    # no genlab/ there
        try:
            w.call("vae.gaussian_kl", torch.zeros(1, 2), torch.zeros(1, 2))
            raise AssertionError("an empty submission imported a module")
        except SubmissionError as exc:
            assert exc.stage == "import"
    finally:
        w.close()


def test_the_prestarted_worker_serves_one_grading_only(tmp_path, monkeypatch):
    blank = SandboxWorker(None, PROBES)
    blank.start()
    monkeypatch.setattr(worker, "PRESTARTED", blank)
    first = worker.sandbox_worker(_submission(tmp_path / "a", "return mu.sum(-1) * 0 + 1"), PROBES)
    second = worker.sandbox_worker(_submission(tmp_path / "b", "return mu.sum(-1) * 0 + 2"), PROBES)
    try:
        assert first is blank and second is not blank and worker.PRESTARTED is None
        assert first.call("vae.gaussian_kl", torch.zeros(1, 2), torch.zeros(1, 2)).item() == 1.0
        assert second.call("vae.gaussian_kl", torch.zeros(1, 2), torch.zeros(1, 2)).item() == 2.0
    finally:
        first.close()
        second.close()


def test_a_prestarted_worker_for_other_probes_is_replaced(tmp_path, monkeypatch):
    blank = SandboxWorker(None, PROBES[:1])
    blank.start()
    monkeypatch.setattr(worker, "PRESTARTED", blank)
    w = worker.sandbox_worker(_submission(tmp_path / "a", "return mu.sum(-1) * 0 + 3"), PROBES)
    try:
        assert w is not blank and blank.proc is None   # closed, not reused
        assert w.call("vae.gaussian_kl", torch.zeros(1, 2), torch.zeros(1, 2)).item() == 3.0
    finally:
        w.close()
