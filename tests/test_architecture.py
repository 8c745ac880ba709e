"""The shape of films/: every module imports on its own, and no import hides inside a function.

An import inside a function body needs a reason on its line or the line above
(``# import here: <reason>``): a heavy optional library loaded lazily, say. Dodging an
import circle is not a reason. Migrations and AppConfig.ready() are exempt.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

FILMS = Path(settings.BASE_DIR) / "films"
REASON = "import here:"


def films_modules() -> list[str]:
    modules = []
    for path in sorted(FILMS.rglob("*.py")):
        parts = path.relative_to(FILMS.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    return modules


# One interpreter runs django.setup() and forks a child per module; each child imports its
# module and nothing else, starting from the state a fresh interpreter has after setup (forked
# memory is a copy, so no module a sibling imported is there). A new interpreter per module
# cost a second each; a fork costs a few milliseconds. The child joins the threads an
# interpreter would wait for at exit, then leaves with os._exit: tearing the heap down again
# per child cost a quarter of a second and tells nothing about the import.
IMPORT_EACH_IN_A_FORK = """
import os, sys
import django
django.setup()
import threading
assert threading.active_count() == 1, f"threads before forking: {threading.enumerate()}"
results = []
for module in sys.argv[1:]:
    read, write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.dup2(write, 1)
        os.dup2(write, 2)
        os.close(write)
        code = 0
        try:
            __import__(module)
        except SystemExit as exit:
            code = 0 if exit.code is None else exit.code if isinstance(exit.code, int) else 1
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 1
        for thread in threading.enumerate():
            if thread is not threading.main_thread() and not thread.daemon:
                thread.join()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        output = pipe.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    results.append((module, os.waitstatus_to_exitcode(status), output[-2000:]))
import json
print(json.dumps(results))
"""


def import_each_alone(
    modules: list[str], pythonpath: Path | None = None
) -> list[tuple[str, int, str]]:
    """Import each module alone in a process forked from a fresh interpreter just after
    django.setup(): (module, exit code, end of its output) for each."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "catalogue.settings"}
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH_IN_A_FORK, *modules],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return [tuple(row) for row in json.loads(result.stdout.splitlines()[-1])]


@pytest.mark.slow
def test_every_module_imports_in_a_fresh_interpreter():
    failures = [
        f"{module}:\n{output}"
        for module, code, output in import_each_alone(films_modules())
        if code != 0
    ]
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_each_module_imports_without_what_the_others_left_behind(tmp_path):
    (tmp_path / "leaves_a_mark.py").write_text("import builtins\nbuiltins.left_behind = 1\n")
    (tmp_path / "needs_the_mark.py").write_text("import builtins\nbuiltins.left_behind\n")
    results = {
        module: (code, output)
        for module, code, output in import_each_alone(
            ["leaves_a_mark", "needs_the_mark", "films.text"], pythonpath=tmp_path
        )
    }
    assert results["leaves_a_mark"][0] == 0
    assert results["needs_the_mark"][0] == 1
    assert "AttributeError" in results["needs_the_mark"][1]
    assert results["films.text"][0] == 0


class _FunctionImports(ast.NodeVisitor):
    """Collects (line, exempt) of every import inside a function body."""

    def __init__(self) -> None:
        self.found: list[tuple[int, bool]] = []
        self._functions: list[ast.AST] = []
        self._classes: list[ast.ClassDef] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._classes.append(node)
        self.generic_visit(node)
        self._classes.pop()

    def _visit_function(self, node) -> None:
        self._functions.append(node)
        self.generic_visit(node)
        self._functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_function

    def _visit_import(self, node) -> None:
        if self._functions:
            outer = self._functions[0]
            in_ready = (
                outer.name == "ready"
                and self._classes
                and any(
                    isinstance(base, ast.Name) and base.id == "AppConfig"
                    for base in self._classes[-1].bases
                )
            )
            self.found.append((node.lineno, in_ready))

    visit_Import = visit_ImportFrom = _visit_import


def unexplained_function_imports(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    visitor = _FunctionImports()
    visitor.visit(ast.parse(source))
    unexplained = []
    for lineno, in_ready in visitor.found:
        if in_ready:
            continue
        # The reason may stand on the line, or above the block of imports it belongs to.
        here, block = lines[lineno - 1], [lines[lineno - 1]]
        for line in reversed(lines[: lineno - 1]):
            if line.strip() and not line.strip().startswith(("#", "from ", "import ")):
                break
            block.append(line)
        if not any(REASON in line for line in block):
            unexplained.append(f"{path.relative_to(FILMS.parent)}:{lineno}: {here.strip()}")
    return unexplained


def test_no_import_inside_a_function_without_a_reason():
    found = [
        problem
        for path in sorted(FILMS.rglob("*.py"))
        if "migrations" not in path.parts
        for problem in unexplained_function_imports(path)
    ]
    assert not found, "\n".join(found)


def test_the_checker_catches_an_unexplained_import(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "def lazy():\n"
        "    # import here: heavy\n"
        "    import json\n"
        "\n"
        "def dodging():\n"
        "    from films import models\n"
    )
    global FILMS
    saved, FILMS = FILMS, tmp_path / "films"
    try:
        assert unexplained_function_imports(module) == ["sample.py:6: from films import models"]
    finally:
        FILMS = saved


def _imported_modules(path: Path) -> set[str]:
    package = ".".join(path.relative_to(FILMS.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
                found.update([name, *(f"{name}.{alias.name}" for alias in node.names)])
            else:
                found.add(node.module or "")
    return found


@pytest.mark.parametrize(
    "path",
    [
        FILMS / "text.py",
        FILMS / "search" / "__init__.py",
        FILMS / "search" / "analysis.py",
        *sorted((FILMS / "languages").glob("*.py")),
    ],
    ids=lambda path: str(path.relative_to(FILMS.parent)),
)
def test_text_analysis_imports_no_models(path):
    imported = _imported_modules(path)
    assert not {name for name in imported if name.startswith("films.models")}
    assert not {name for name in imported if name.startswith(("films.caching", "films.search.q"))}


@pytest.mark.parametrize(
    "path",
    sorted((FILMS / "models").glob("*.py")),
    ids=lambda path: str(path.relative_to(FILMS.parent)),
)
def test_models_import_only_the_text_analysis(path):
    imported = {name for name in _imported_modules(path) if name.startswith("films")}
    allowed = ("films.text", "films.languages", "films.search.analysis", "films.models")
    assert all(name.startswith(allowed) for name in imported), imported
