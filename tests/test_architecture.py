"""The shape of films/: every module imports on its own, and no import hides inside a function.

An import inside a function body needs a reason on its line or the line above
(``# import here: <reason>``): a heavy optional library loaded lazily, say. Dodging an
import circle is not a reason. Migrations and AppConfig.ready() are exempt.
"""

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
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


def _import_alone(module: str) -> tuple[str, int, str]:
    code = f"import django; django.setup(); import {module}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "catalogue.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return module, result.returncode, result.stderr[-2000:]


@pytest.mark.slow
def test_every_module_imports_in_a_fresh_interpreter():
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        failures = [
            f"{module}:\n{stderr}"
            for module, code, stderr in pool.map(_import_alone, films_modules())
            if code != 0
        ]
    assert not failures, "\n\n".join(failures)


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
