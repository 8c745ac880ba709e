"""The README and docs/ say what the code does: every variable, every link, no history."""

import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
README = BASE_DIR / "README.md"
DOCUMENTS = sorted((BASE_DIR / "docs").glob("*.md"))
ENV_READ = re.compile(r"""(?:os\.environ\.get|env_bool|env_list)\(\s*["']([A-Z_]+)["']""")
# `NAME ?= default` and `$$NAME` in recipes.
MAKE_READ = re.compile(r"^([A-Z_]+) \?=|\$\$\{?([A-Z_]+)", re.M)
LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")
# A commit hash: seven or more hex digits with at least one digit and one letter.
COMMIT_HASH = re.compile(r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")


def variables_read() -> set[str]:
    names = set()
    for module in (BASE_DIR / "catalogue").glob("*.py"):
        names |= set(ENV_READ.findall(module.read_text()))
    return names


def make_variables() -> set[str]:
    found = MAKE_READ.findall((BASE_DIR / "Makefile").read_text())
    return {name for pair in found for name in pair if name}


def env_example_variables() -> set[str]:
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z_]+)=", text, re.M))


def readme_settings_table() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Settings", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("name", sorted(variables_read()))
def test_every_environment_variable_is_in_env_example(name):
    assert re.search(rf"^#? ?{name}=", (BASE_DIR / ".env.example").read_text(), re.M), name


@pytest.mark.parametrize(
    "name", sorted(variables_read() | make_variables() | env_example_variables() | {"DATABASE_URL"})
)
def test_every_variable_is_in_the_readme_settings_table(name):
    assert re.search(rf"^\| `{name}`", readme_settings_table(), re.M), name


def test_the_readme_is_short():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 150


def test_every_make_target_the_readme_names_exists():
    makefile = (BASE_DIR / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    named = set(re.findall(r"`make ([a-z-]+)", README.read_text(encoding="utf-8")))
    assert named and named <= targets, named - targets


@pytest.mark.parametrize("document", [README, *DOCUMENTS], ids=lambda path: path.name)
def test_every_link_resolves_inside_the_repository(document):
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://")):
            continue
        path = (document.parent / target).resolve()
        assert path.is_relative_to(BASE_DIR), target
        assert path.exists(), target


def test_the_readme_links_every_document():
    linked = set(LINK.findall(README.read_text(encoding="utf-8")))
    assert {f"docs/{document.name}" for document in DOCUMENTS} <= linked


@pytest.mark.parametrize("document", [README, *DOCUMENTS], ids=lambda path: path.name)
def test_documents_are_reference_not_history(document):
    text = document.read_text(encoding="utf-8")
    assert not COMMIT_HASH.findall(text)
    assert "../" not in text
    assert "/work/" not in text and "/home/" not in text
    assert not re.search(r"notes §|§\d|issue #\d|\(#\d", text)
    assert not re.search(r"\b(I|my|I'm|I've)\b", text)
