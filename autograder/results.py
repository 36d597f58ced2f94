"""The one results model every report is written from, and how the rubric turns outcomes into it."""
import fnmatch
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

RUBRIC = Path(__file__).resolve().parent / "rubric.toml"


@dataclass
class TestResult:
    name: str            # pytest node id, e.g. "tests/test_vae.py::test_gaussian_kl_is_zero_for_the_prior"
    unit: str
    group: str
    status: str          # passed | failed | error | timeout | skipped
    score: float
    max_score: float
    output: str = ""     # what went wrong, for the student (empty when passed)
    hidden: bool = False
    error_type: str = None
    seconds: float = 0.0


@dataclass
class ChecklistResult:
    id: str
    item: str
    passed: bool
    score: float
    max_score: float
    graded: bool         # False when none of its units was graded in this run


@dataclass
class ProjectResult:
    id: int
    name: str
    passed: bool
    graded: bool


@dataclass
class Results:
    score: float
    max_score: float
    tests: list
    checklist: list
    projects: list
    submission: str = ""
    units: list = field(default_factory=list)
    hidden_graded: bool = False
    isolation: str = ""
    seed: int = None
    seconds: float = 0.0
    notices: list = field(default_factory=list)

    def unit_scores(self):
        """{unit: (score, max_score, passed_count, test_count)} in rubric order."""
        out = {}
        for t in self.tests:
            s, m, p, n = out.get(t.unit, (0.0, 0.0, 0, 0))
            out[t.unit] = (s + t.score, m + t.max_score, p + (t.status == "passed"), n + 1)
        return out

    def to_json(self):
        return {
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "submission": self.submission,
            "units": self.units,
            "hidden_graded": self.hidden_graded,
            "isolation": self.isolation,
            "seed": self.seed,
            "seconds": round(self.seconds, 2),
            "notices": self.notices,
            "tests": [{k: v for k, v in asdict(t).items()} for t in self.tests],
            "checklist": [asdict(c) for c in self.checklist],
            "projects": [asdict(p) for p in self.projects],
        }

    @classmethod
    def from_json(cls, doc):
        """The inverse of to_json: a report written earlier (CI steps, the regrade) read back."""
        def make(kind, d):
            return kind(**{k: v for k, v in d.items() if k in kind.__dataclass_fields__})
        return cls(score=doc["score"], max_score=doc["max_score"],
                   tests=[make(TestResult, t) for t in doc.get("tests", [])],
                   checklist=[make(ChecklistResult, c) for c in doc.get("checklist", [])],
                   projects=[make(ProjectResult, p) for p in doc.get("projects", [])],
                   submission=doc.get("submission", ""), units=doc.get("units", []),
                   hidden_graded=doc.get("hidden_graded", False), isolation=doc.get("isolation", ""),
                   seed=doc.get("seed"), seconds=doc.get("seconds", 0.0), notices=doc.get("notices", []))


def load_rubric(path=RUBRIC):
    with open(path, "rb") as f:
        rubric = tomllib.load(f)
    rubric.setdefault("pass_fraction", 0.8)
    ids = {c["id"] for c in rubric["checklist"]}
    for g in rubric["group"]:
        if "checklist" in g and g["checklist"] not in ids:   # a group may carry no checklist item
            raise ValueError(f"rubric group {g['name']} names an unknown checklist item {g.get('checklist')!r}")
    return rubric


def rubric_units(rubric):
    seen = []
    for g in rubric["group"]:
        if g["unit"] not in seen:
            seen.append(g["unit"])
    return seen


def group_of(nodeid, rubric):
    for g in rubric["group"]:
        if any(fnmatch.fnmatchcase(nodeid, pattern) for pattern in g["tests"]):
            return g
    return None


def score(outcomes, rubric, units, hidden_graded):
    """Turn the judge's per-test outcomes into Results (tests, checklist, projects, totals)."""
    by_group = {}
    unmatched = []
    for o in outcomes:
        g = group_of(o["nodeid"], rubric)
        if g is None:
            unmatched.append(o["nodeid"])
            continue
        by_group.setdefault(g["name"], []).append(o)
    tests = []
    group_scores = {}
    for g in rubric["group"]:
        members = by_group.get(g["name"], [])
        if not members:
            continue
        share = g["points"] / len(members)
        earned = 0.0
        for o in members:
            s = share if o["status"] == "passed" else 0.0
            earned += s
            tests.append(TestResult(
                name=o["nodeid"], unit=g["unit"], group=g["name"], status=o["status"], score=s, max_score=share,
                output="" if o["status"] == "passed" else o.get("output", ""),
                hidden="/hidden/" in o["nodeid"] or o["nodeid"].startswith("autograder/hidden"),
                error_type=o.get("error_type"), seconds=round(o.get("seconds", 0.0), 3)))
        group_scores[g["name"]] = (g, earned, float(g["points"]), all(o["status"] == "passed" for o in members))

    projects = []
    for p in rubric["project"]:
        groups = [v for v in group_scores.values() if v[0].get("project") == p["id"]]
        projects.append(ProjectResult(id=p["id"], name=p["name"], graded=bool(groups),
                                      passed=bool(groups) and all(v[3] for v in groups)))
    checklist = []
    for c in rubric["checklist"]:
        if "projects_needed" in c:
            done = sum(p.passed for p in projects)
            need = c["projects_needed"]
            checklist.append(ChecklistResult(c["id"], c["item"], done >= need, float(min(done, need)), float(need),
                                             graded=any(p.graded for p in projects)))
            continue
        groups = [v for v in group_scores.values() if v[0].get("checklist") == c["id"]]
        s, m = sum(v[1] for v in groups), sum(v[2] for v in groups)
        checklist.append(ChecklistResult(c["id"], c["item"], m > 0 and s >= rubric["pass_fraction"] * m - 1e-9,
                                         round(s, 4), m, graded=m > 0))
    total = sum(t.score for t in tests)
    possible = sum(t.max_score for t in tests)
    notices = [f"{n}: not in any rubric group, so it carries no points (a rubric bug)" for n in unmatched]
    return Results(score=total, max_score=possible, tests=tests, checklist=checklist, projects=projects,
                   units=units, hidden_graded=hidden_graded, notices=notices)
