"""The benchmark is an app of its own: it imports the catalogue, never the other way round."""

import ast
from pathlib import Path

import films

FILMS_DIR = Path(films.__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_of_the_site_imports_the_benchmark():
    importers = [
        str(path.relative_to(FILMS_DIR))
        for path in sorted(FILMS_DIR.rglob("*.py"))
        if any(name.split(".")[0] == "benchmark" for name in imported_modules(path))
    ]
    assert importers == []
