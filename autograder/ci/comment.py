"""Step 5, `comment`: post the pull-request comment, or update the one already there (never a
second one)."""

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from .github import COMMENT_MARKER, DEFAULT_BOT_LOGIN, annotation, ci_dir, load_event


def pull_request_number(event):
    pr = event.get("pull_request")
    if pr and pr.get("number"):
        return int(pr["number"])
    issue = event.get("issue") or {}
    if issue.get("pull_request") and issue.get("number"):
        return int(issue["number"])
    return None


def plan_comment(comments, body, bot_login=DEFAULT_BOT_LOGIN, marker=COMMENT_MARKER):
    """What to do so the PR ends with exactly one report comment holding `body`:
    [("create", None, body)] or [("update", id, body)] (or nothing when it already says that),
    plus ("delete", id, None) for any duplicate left by an earlier race. Only comments written by
    `bot_login` and holding the marker count: a student quoting the marker changes nothing."""
    ours = sorted((c for c in comments if marker in (c.get("body") or "")
                   and (c.get("user") or {}).get("login") == bot_login), key=lambda c: c["id"])
    if not ours:
        return [("create", None, body)]
    keep, *dupes = ours
    actions = [] if keep.get("body") == body else [("update", keep["id"], body)]
    return actions + [("delete", c["id"], None) for c in dupes]


class GitHubAPI:
    """The thin part: four REST calls with the workflow's token. Everything else is plan_comment."""

    def __init__(self, token, repository, api_url):
        self.token, self.repository, self.api_url = token, repository, api_url.rstrip("/")

    def _call(self, method, path, payload=None):
        req = urllib.request.Request(f"{self.api_url}/repos/{self.repository}{path}", method=method,
                                     data=None if payload is None else json.dumps(payload).encode())
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/vnd.github+json")
        req.add_header("X-GitHub-Api-Version", "2022-11-28")
        if payload is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            data = resp.read()
        return json.loads(data) if data else None

    def list_comments(self, number):
        comments, page = [], 1
        while True:
            batch = self._call("GET", f"/issues/{number}/comments?per_page=100&page={page}") or []
            comments += batch
            if len(batch) < 100 or page >= 50:
                return comments
            page += 1

    def create_comment(self, number, body):
        return self._call("POST", f"/issues/{number}/comments", {"body": body})

    def update_comment(self, comment_id, body):
        return self._call("PATCH", f"/issues/comments/{comment_id}", {"body": body})

    def delete_comment(self, comment_id):
        return self._call("DELETE", f"/issues/comments/{comment_id}")


def post_comment(api, event, body, bot_login=DEFAULT_BOT_LOGIN):
    """Apply plan_comment through `api`. Returns a one-line account of what was done."""
    number = pull_request_number(event)
    if number is None:
        return "no pull request in this event: the report is in the job summary only"
    actions = plan_comment(api.list_comments(number), body, bot_login)
    done = []
    for action, comment_id, text in actions:
        if action == "create":
            api.create_comment(number, text)
        elif action == "update":
            api.update_comment(comment_id, text)
        else:
            api.delete_comment(comment_id)
        done.append(f"{action} {comment_id or ''}".strip())
    return f"pull request #{number}: " + (", ".join(done) if done else "comment already up to date")


def cmd_comment(args):
    out = ci_dir(args.dir)
    body_path = Path(args.body) if args.body else out / "comment.md"
    if not body_path.is_file():
        print(annotation("warning", f"no report to post ({body_path} is missing)", title="genlab comment"))
        return 0
    body = body_path.read_text(encoding="utf-8")
    event = load_event()
    token = os.environ.get("GITHUB_TOKEN", "")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    api_url = os.environ.get("GITHUB_API_URL", "")
    if pull_request_number(event) is None:
        print("no pull request in this event: the report is in the job summary only")
        return 0
    if not (token and repository and api_url):
        print(annotation("warning", "cannot post the PR comment: GITHUB_TOKEN, GITHUB_REPOSITORY or GITHUB_API_URL "
                         "is not set", title="genlab comment"))
        return 0
    try:
        print(post_comment(GitHubAPI(token, repository, api_url), event, body, args.bot_login))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        # A fork's pull request gets a read-only token: the report still stands in the job summary.
        print(annotation("warning", f"could not post the PR comment ({exc}); the report is in the job summary",
                         title="genlab comment"))
    return 0


