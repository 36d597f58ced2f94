"""python -m autograder {release, grade, verify, grade-all, manual, lms, report, similarity, ci, classroom, gradescope,
nbgrader-course, nbgrader-grade, otter}"""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="regenerate starter/ from solutions/ and build the student release")
    p.add_argument("--check", action="store_true", help="only check that starter/ is in sync; exit 1 if not")
    p.add_argument("--out", default=None, help="release folder (default build/release)")

    p = sub.add_parser("grade", help="grade a submission (a folder holding genlab/)")
    p.add_argument("--submission", default=None, help="folder holding genlab/ (default: starter)")
    p.add_argument("--units", default=None, help="comma-separated units, e.g. vae,gan (default: all)")
    p.add_argument("--public-only", action="store_true", help="skip the hidden suites even where present")
    p.add_argument("--format", default="text", choices=["text", "markdown", "json", "junit", "gradescope"])
    p.add_argument("--out", default=None, help="write the report here instead of standard output")
    p.add_argument("--seed", type=int, default=None, help="reproduce an earlier run's random inputs")
    p.add_argument("--first-failure", action="store_true", help="stop each unit at its first failed test")
    p.add_argument("--jobs", type=int, default=None,
                   help="judges run side by side, units dealt between them (default: one per core)")

    p = sub.add_parser("verify", help="reference full marks, starter zero, every mutant caught, no leaks")
    p.add_argument("--units", default=None)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--skip-release", action="store_true", help="skip the release leak check")

    p = sub.add_parser("grade-all", help="grade every submission folder in a directory (instructor regrade); "
                       "`grade-all merge SHARD_DIR... --out DIR` joins the gradebooks of shards; "
                       "`grade-all shard-list ROSTER --shard i/N` lists the repositories of one shard")
    p.add_argument("submissions", help="the folder of student folders, or `merge`, or `shard-list`")
    p.add_argument("shards", nargs="*", help="with `merge`: the shards' output folders; with `shard-list`: the roster")
    p.add_argument("--shard", default=None, help="grade only shard i/N of the students (needs --seed)")
    p.add_argument("--release", default=None,
                   help="grade with the tests, hidden suites and rubric of this tag or commit (the students' release)")
    p.add_argument("--deadline", default=None,
                   help='grade each student at their last commit before this time ("2026-12-01 23:59", UTC unless a zone is given)')
    p.add_argument("--roster", default=None, help="CSV with folder and extension_hours columns: per-student extensions")
    p.add_argument("--student", default=None,
                   help="regrade only these students (comma-separated folder names) into the gradebook in --out")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", default="gradebook")
    p.add_argument("--units", default=None)
    p.add_argument("--timeout", type=float, default=None, help="seconds per student before the grade is abandoned")
    p.add_argument("--seed", type=int, default=None, help="one seed for the whole batch (default: fresh)")
    p.add_argument("--public-only", action="store_true", help="skip the hidden suites")

    p = sub.add_parser("lms", help="join a gradebook with the roster and export it for Canvas, Moodle or as CSV")
    p.add_argument("gradebook", help="grade-all's output folder")
    p.add_argument("--roster", required=True, help="CSV: folder, student_id, name, email[, section]")
    p.add_argument("--format", default="canvas", choices=["canvas", "moodle", "csv"])
    p.add_argument("--out", required=True)

    p = sub.add_parser("manual", help="hand-graded written answers: `collect` them for grading, `merge` the scores")
    p.add_argument("action", choices=["collect", "merge"])
    p.add_argument("path", help="collect: the submissions folder; merge: grade-all's output folder")
    p.add_argument("manual", nargs="?", help="merge: the filled-in manual.csv")
    p.add_argument("--out", default="written", help="collect: where to write the answers and manual.csv")

    # ---- the class report: item analysis and similarity, one offline HTML page (autograder/report/) ----
    p = sub.add_parser("report", help="item analysis of a gradebook (pass rates, discrimination, score "
                       "distributions, commonest failures) into an offline HTML page with CSV/JSON")
    p.add_argument("gradebook", help="grade-all's (or grade-all merge's) output folder")
    p.add_argument("--out", default="report", help="the report folder (default report/)")

    p = sub.add_parser("similarity", help="similar submissions per unit, each pair and against the reference "
                       "(copydetect's winnowing), into the same HTML page")
    p.add_argument("submissions", help="the folder of student folders (grade-all's input, or its submissions/)")
    p.add_argument("--out", default="report", help="the report folder (default report/)")
    p.add_argument("--units", default=None, help="comma-separated units (default: all)")
    p.add_argument("--previous", action="append", default=None,
                   help="a previous term's folder of student folders (repeatable)")
    p.add_argument("--threshold", type=float, default=None, help="flag pairs at or above this score (default 0.6)")
    p.add_argument("--min-match", type=int, default=None,
                   help="and with at least this many characters of filtered code matched on each side (default 100)")

    # ---- the platforms: Gradescope's zip, an nbgrader course (autograder/platforms/) ----
    p = sub.add_parser("gradescope", help="build Gradescope's autograder zip (setup.sh, run_autograder, source)")
    p.add_argument("--out", default="autograder.zip")
    p.add_argument("--torch-index", default=None, help="where setup.sh takes torch (default: PyTorch's CPU index)")

    p = sub.add_parser("classroom", help="GitHub Classroom's runner result (Points X/Y) from the grade step's results")
    p.add_argument("--dir", default=None, help="the CI steps' folder (default $RUNNER_TEMP/genlab-ci)")

    p = sub.add_parser("nbgrader-course", help="write an nbgrader course directory (config, source/<NN_unit>/)")
    p.add_argument("dir")

    p = sub.add_parser("nbgrader-grade", help="grade an nbgrader course's submitted/ code; write a CSV per student id")
    p.add_argument("dir")
    p.add_argument("--assignment", default=None, help="one assignment, e.g. 02_variational_autoencoders (default: all)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", default=None, help="the CSV (default DIR/genlab_grades.csv)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--public-only", action="store_true")

    p = sub.add_parser("otter", help="write an Otter course: per notebook an Otter Assign master notebook on the "
                                     "public tests, the starter package and the grading engine")
    p.add_argument("out", metavar="DIR")

    # ---- ci: the steps of the GitHub Actions workflows (all their logic is in autograder/ci/) ----
    from .ci import add_parser as add_ci_parser
    add_ci_parser(sub)

    args = parser.parse_args(argv)
    if args.command == "release":
        from . import release
        return release.main(args)
    if args.command == "grade":
        from . import grade
        return grade.main(args)
    if args.command == "verify":
        from . import verify
        return verify.main(args)
    if args.command == "grade-all":
        from . import grade_all
        return grade_all.main(args)
    if args.command == "manual":
        from . import manual
        return manual.main(args)
    if args.command == "lms":
        from . import lms
        return lms.main(args)
    if args.command == "report":
        from .report import item_analysis
        return item_analysis.main(args)
    if args.command == "similarity":
        from .report import similarity
        return similarity.main(args)
    if args.command == "gradescope":
        from .platforms import gradescope
        return gradescope.main_build(args)
    if args.command == "classroom":
        from .platforms import classroom
        return classroom.main(args)
    if args.command == "nbgrader-course":
        from .platforms import nbgrader_course
        return nbgrader_course.main_course(args)
    if args.command == "nbgrader-grade":
        from .platforms import nbgrader_course
        return nbgrader_course.main_grade(args)
    if args.command == "otter":
        from .platforms import otter
        return otter.main(args)
    if args.command == "ci":
        from . import ci
        return ci.main(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
