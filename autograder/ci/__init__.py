"""`python -m autograder ci <step>`: the logic of the GitHub Actions workflows, testable anywhere.

The workflow files (.github/workflows/grade.yml, ci.yml) only call these steps in order; every
decision is made here, where it can be tested with the environment GitHub provides
(GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_EVENT_PATH) pointed at temporary files.

Student pull-request grading (grade.yml), in order:

    tamper         compare the protected files (tests, grader, workflows, configuration) with the
                   release's MANIFEST.json, report what changed, restore them from the release copy
    hidden-plan    decide whether the hidden suites can be fetched (is the secret there?); when it
                   is not: a notice, the public score, and never a failed workflow
    hidden-install put the fetched hidden suites (and the reference they compare with) in place
    grade          grade with the isolated worker; writes results.json, report.md, junit.xml
    report         job summary, annotations for failed tests, step outputs, the PR comment body
    comment        post the PR comment, or update the one already there (never a second one)
    passing-score  optional: fail the job when the score is under GENLAB_PASSING_SCORE (off by default)

Instructor CI (ci.yml) also uses:

    notebooks      execute every assignments/*.ipynb against the reference solution

The steps talk to each other through files in one folder (--dir; default $GENLAB_CI_DIR, else
$RUNNER_TEMP/genlab-ci, else .genlab-ci). Every step except `grade`, `notebooks` and
`passing-score` exits 0 whatever it finds: the job's status says whether grading ran, not the score.

This package imports only the standard library at load time: `tamper` runs before anything is
installed.
"""

import os

from .comment import cmd_comment, plan_comment, post_comment, pull_request_number  # noqa: F401
from .github import (  # noqa: F401
    COMMENT_LIMIT,
    COMMENT_MARKER,
    DEFAULT_BOT_LOGIN,
    MAX_ERROR_ANNOTATIONS,
    add_summary,
    annotation,
    ci_dir,
    load_event,
    set_outputs,
)
from .grading import cmd_grade, scrub_environment  # noqa: F401
from .hidden import cmd_hidden_install, cmd_hidden_plan, hidden_plan, install_hidden  # noqa: F401
from .notebooks import cmd_notebooks, run_notebooks  # noqa: F401
from .passing_score import cmd_passing_score  # noqa: F401
from .report import (  # noqa: F401
    _limit,
    cmd_report,
    comment_body,
    failure_annotations,
    parse_passing_score,
)
from .tamper import (  # noqa: F401
    cmd_tamper,
    compare,
    file_hash,
    restore,
    tamper_check,
    tamper_markdown,
)

# ---- the command line ----------------------------------------------------------------------------

def add_parser(sub):
    """Add `ci` and its steps to the `python -m autograder` subparsers."""
    ci = sub.add_parser("ci", help="the steps of the GitHub Actions workflows (see autograder/ci/)")
    steps = ci.add_subparsers(dest="step", required=True)

    def step(name, help_):
        p = steps.add_parser(name, help=help_)
        p.add_argument("--dir", default=None, help="where the steps keep their files (default $RUNNER_TEMP/genlab-ci)")
        return p

    p = step("tamper", "compare protected files with the release manifest; report and restore them")
    p.add_argument("--checkout", default=".", help="the student's repository (default: here)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--release", default=None, help="a folder holding the pristine release and its MANIFEST.json")
    src.add_argument("--release-commit", default=None,
                     help="take the release from this commit of the checkout's history; 'auto': the pull "
                          "request's base, else the first commit")
    p.add_argument("--restore", action="store_true", help="put the protected files back before grading")
    p.add_argument("--submission", default="starter", help="the folder holding genlab/ (its links are refused)")

    step("hidden-plan", "decide whether the hidden suites can be fetched (reads GENLAB_HIDDEN_* variables)")

    p = step("hidden-install", "move the fetched hidden suites and reference into place")
    p.add_argument("--from", dest="source", required=True, help="the checkout of the instructor's repository")
    p.add_argument("--workspace", default=".")

    p = step("grade", "grade the submission; write results.json, report.md, junit.xml")
    p.add_argument("--submission", default="starter")
    p.add_argument("--units", default=None)
    p.add_argument("--public-only", action="store_true")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--require-sandbox", action="store_true", help="refuse to grade without the bubblewrap sandbox")

    p = step("report", "job summary, annotations, outputs and the PR comment body")
    p.add_argument("--workspace", default=".")

    p = step("comment", "create or update the single PR comment")
    p.add_argument("--body", default=None, help="the Markdown to post (default: comment.md from `report`)")
    p.add_argument("--bot-login", default=os.environ.get("GENLAB_COMMENT_AUTHOR", DEFAULT_BOT_LOGIN),
                   help="whose comments count as the report (default: github-actions[bot])")

    p = step("passing-score", "fail when the score is under GENLAB_PASSING_SCORE (off when unset)")
    p.add_argument("--score", default=None, help="override GENLAB_PASSING_SCORE, e.g. 60 or 60%%")

    p = step("notebooks", "execute assignments/*.ipynb against the reference")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--impl", default=None, help="folder holding the genlab/ to import (default: solutions)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    return ci


STEPS = {"tamper": cmd_tamper, "hidden-plan": cmd_hidden_plan, "hidden-install": cmd_hidden_install,
         "grade": cmd_grade, "report": cmd_report, "comment": cmd_comment, "passing-score": cmd_passing_score,
         "notebooks": cmd_notebooks}


def main(args):
    return STEPS[args.step](args)

