"""`manage.py benchmark --interleave`: two trees' search mix, request by request (no timed asserts).

Real processes on a database of their own: a SQLite file is migrated and given a small
benchmark catalogue, then the command times this tree against itself.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.servers import BASE_DIR

pytestmark = pytest.mark.slow

SYNOPSES = 40


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """The environment of a migrated SQLite file holding a catalogue of SYNOPSES synopses."""
    folder = tmp_path_factory.mktemp("interleave")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    assert manage(env, "migrate", "--verbosity", "0").returncode == 0
    load = (
        "from benchmark.corpus import CatalogueSpec; from benchmark.loading import load_catalogue; "
        f"load_catalogue(CatalogueSpec(synopses={SYNOPSES}, seed=0))"
    )
    loaded = manage(env, "shell", "-c", load)
    assert loaded.returncode == 0, loaded.stderr
    return env


def test_both_trees_answer_every_query_of_the_mix(database, tmp_path):
    output = tmp_path / "interleaved.json"
    run = manage(
        database,
        *("benchmark", "--synopses", str(SYNOPSES), "--interleave", str(BASE_DIR)),
        *("--rounds", "2", "--output", str(output), "--verbosity", "0"),
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(output.read_text())
    assert result["repeats"] == 2 and len(result["sides"]) == 2
    texts = [query["q"] for query in result["queries"]]
    assert len(texts) == 21 and "qwxzvbenchmarkless" in texts
    for side in result["sides"]:
        assert side["healthz_p50_ms"] > 0
        assert side["p95_to_healthz_p50"] >= side["p50_to_healthz_p50"] > 0
        assert {query["status"] for query in side["queries"].values()} == {200}
    # The text report names every query and both trees' multiples of /healthz.
    assert all(text in run.stdout for text in texts)
    assert run.stdout.count("x /healthz p50") == 2


def test_a_folder_that_is_no_tree_of_the_catalogue_is_refused(database, tmp_path):
    run = manage(database, "benchmark", "--synopses", str(SYNOPSES), "--interleave", str(tmp_path))
    assert run.returncode != 0
    assert "not a source tree of the catalogue" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_database_without_the_catalogue_is_refused(database):
    # The loaded catalogue has SYNOPSES synopses: another size is not in place.
    run = manage(database, "benchmark", "--synopses", "99", "--interleave", str(BASE_DIR))
    assert run.returncode != 0
    assert "load it first with manage.py benchmark --synopses 99" in run.stderr
    assert "Traceback" not in run.stderr
