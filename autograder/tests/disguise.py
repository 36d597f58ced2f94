"""A plagiarist's copy of a module, for the similarity tests and their calibration: every name the
file defines is renamed (functions, classes, parameters, local variables, attributes set on self,
keyword arguments of its own functions), top-level definitions and methods are put in reverse order,
docstrings and comments are dropped and the code is re-printed (ast.unparse: new spacing, quotes,
line breaks). What is left is the copied logic, which a similarity check must still find."""
import ast
import builtins
from pathlib import Path


def disguise(source, salt="copy"):
    tree = ast.parse(source)
    defined = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
              and isinstance(node.value, ast.Name) and node.value.id == "self"):
            defined.add(node.attr)
    keep = set(dir(builtins)) | {"self", "cls", "__init__", "forward", "__call__", "__len__", "__getitem__"}
    new = {name: f"{salt}_{i}" for i, name in enumerate(sorted(defined - keep))}
    tree = _Rename(new).visit(tree)
    _reorder(tree)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


class _Rename(ast.NodeTransformer):
    def __init__(self, new):
        self.new = new

    def _strip_docstring(self, node):
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]

    def visit_Module(self, node):
        self._strip_docstring(node)
        return self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self._strip_docstring(node)
        node.name = self.new.get(node.name, node.name)
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._strip_docstring(node)
        node.name = self.new.get(node.name, node.name)
        return self.generic_visit(node)

    def visit_arg(self, node):
        node.arg = self.new.get(node.arg, node.arg)
        return node

    def visit_Name(self, node):
        node.id = self.new.get(node.id, node.id)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and node.value.id == "self":
            node.attr = self.new.get(node.attr, node.attr)
        return node

    def visit_keyword(self, node):
        self.generic_visit(node)
        if node.arg is not None:
            node.arg = self.new.get(node.arg, node.arg)
        return node


def _reorder(tree):
    """Imports stay on top; the module's definitions, and each class's methods, in reverse order."""
    def flip(body, movable):
        idx = [i for i, s in enumerate(body) if isinstance(s, movable)]
        for i, s in zip(idx, [body[i] for i in reversed(idx)]):
            body[i] = s
    flip(tree.body, (ast.FunctionDef, ast.ClassDef))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            flip(node.body, ast.FunctionDef)


# ---- a class of submissions with known copies, for the similarity tests and the report's demo ----

ROOT = Path(__file__).resolve().parents[2]
ALTERNATIVES = ROOT / "autograder" / "tests" / "alternatives"


def alternative_of(unit):
    """autograder/tests/alternatives/<unit>_<variant>.py: an independently written correct unit."""
    found = [p for p in sorted(ALTERNATIVES.glob(f"{unit}_*.py")) if p.stem.rsplit("_", 1)[0] == unit]
    return found[0] if found else None


def make_similarity_class(dest, units=("vae", "gan", "transformer")):
    """Student folders under `dest` (both layouts grade-all accepts); returns the pairs that must be
    flagged, {(unit, a, b)}. alice: the unit's alternative (independent of the reference); bob: alice
    disguised; carol: the reference disguised; dave and erin: the starter untouched (nothing
    attempted); grace: no package."""
    dest = Path(dest)

    def put(student, unit, text, layout):
        pkg = dest / student / ("genlab" if layout == "flat" else "starter/genlab")
        pkg.mkdir(parents=True, exist_ok=True)
        (pkg / f"{unit}.py").write_text(text)
    copies = set()
    for unit in units:
        reference = (ROOT / "solutions" / "genlab" / f"{unit}.py").read_text()
        starter = (ROOT / "starter" / "genlab" / f"{unit}.py").read_text()
        alternative = alternative_of(unit).read_text()
        put("alice", unit, alternative, "flat")
        put("bob", unit, disguise(alternative, salt="bob"), "starter")
        put("carol", unit, disguise(reference, salt="carol"), "flat")
        put("dave", unit, starter, "starter")
        put("erin", unit, starter, "flat")
        copies |= {(unit, "alice", "bob"), (unit, "carol", "reference solution")}
    (dest / "grace").mkdir(parents=True, exist_ok=True)
    return copies
