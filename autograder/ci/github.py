"""What GitHub Actions reads from a step: outputs, the job summary, annotations, the event;
and the folder the steps share."""

import hashlib
import json
import os
from pathlib import Path

COMMENT_MARKER = "<!-- genlab-grade-report -->"   # the same as reports.COMMENT_MARKER (a test checks)
COMMENT_LIMIT = 65000                             # GitHub refuses comment bodies over 65,536 characters
MAX_ERROR_ANNOTATIONS = 10                        # GitHub shows at most 10 error annotations per step
DEFAULT_BOT_LOGIN = "github-actions[bot]"


def ci_dir(path=None):
    if path:
        d = Path(path)
    elif os.environ.get("GENLAB_CI_DIR"):
        d = Path(os.environ["GENLAB_CI_DIR"])
    elif os.environ.get("RUNNER_TEMP"):
        d = Path(os.environ["RUNNER_TEMP"]) / "genlab-ci"
    else:
        d = Path(".genlab-ci")
    d.mkdir(parents=True, exist_ok=True)
    return d


def set_outputs(**values):
    """Append step outputs to $GITHUB_OUTPUT (a no-op outside Actions). Multi-line values are safe."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        for name, value in values.items():
            value = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            if "\n" in value:
                delimiter = "genlab_" + hashlib.sha256(value.encode()).hexdigest()[:16]
                f.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                f.write(f"{name}={value}\n")


def add_summary(markdown):
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(markdown.rstrip("\n") + "\n")


def _escape_data(s):
    return str(s).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s):
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(level, message, file=None, line=None, title=None):
    """A workflow command line: `::error file=F,line=N,title=T::message` (level: error|warning|notice)."""
    props = []
    if file:
        props.append(f"file={_escape_property(file)}")
    if line:
        props.append(f"line={int(line)}")
    if title:
        props.append(f"title={_escape_property(title)}")
    return f"::{level}{' ' + ','.join(props) if props else ''}::{_escape_data(message)}"


def load_event():
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return {}
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError:
        return {}


def read_json(path, default=None):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def write_json(path, doc):
    Path(path).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")


