"""`manage.py benchmark --quick` runs end to end and reports every figure (no timed asserts)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from benchmark.loading import delete_benchmark_rows
from films.importer.stages import STAGES
from tests.factories import FilmFactory

# The run starts gunicorn (--server-seconds is 1 with --quick) and loads a catalogue.
pytestmark = pytest.mark.slow

FIGURE_KEYS = {"p50_ms", "p95_ms", "max_ms", "requests_per_second", "queries", "ratio_to_baseline"}


@pytest.fixture(scope="module")
def figures(django_db_blocker, django_db_setup):
    out = StringIO()
    with django_db_blocker.unblock():
        call_command(
            "benchmark",
            "--quick",
            "--synopses",
            "60",
            "--import-synopses",
            "12",
            "--format",
            "json",
            "--verbosity",
            "0",
            stdout=out,
        )
        delete_benchmark_rows()
    result = json.loads(out.getvalue())
    print(json.dumps(result, indent=1)[:4000])  # the figures, for whoever reads the CI log
    return result


def test_every_section_is_there(figures):
    assert set(figures) >= {
        "benchmark",
        "catalogue",
        "load",
        "sizes",
        "import",
        "baseline",
        "pages",
        "search",
        "targets",
    }
    assert figures["catalogue"]["synopses"] == 60
    assert figures["pages"]["list"]["queries"] > 0


def test_load_and_import_figures(figures):
    assert set(figures["load"]) >= {"synopses", "seconds", "synopses_per_second", "method"}
    assert set(figures["import"]) >= {
        "synopses",
        "synopses_per_second",
        "langdetect_per_second",
        "ratio_to_langdetect",
    }
    assert figures["import"]["synopses"] == 12
    # One run per worker count, each with the share of every stage of the importer.
    runs = figures["import"]["runs"]
    assert [run["workers"] for run in runs] == [1, 2]
    for run in runs:
        assert set(run["stage_shares"]) == set(STAGES)
        assert sum(run["stage_shares"].values()) == pytest.approx(1, abs=0.01)
        assert run["stage_shares"]["language"] > 0
        assert run["stage_shares"]["database"] > 0
    assert figures["import"]["synopses_per_second"] == runs[-1]["synopses_per_second"]


def test_import_workers_must_be_counts():
    with pytest.raises(CommandError, match="worker counts"):
        call_command("benchmark", "--import-workers", "1,0")


def test_the_import_leaves_a_gin_pending_list_that_the_vacuum_empties(figures):
    pending = figures["gin_pending_list"]
    assert set(pending) == {"after_load", "after_import", "after_vacuum"}
    if connection.vendor != "postgresql":
        assert set(pending.values()) == {None}
        return
    # The dry run's rows are rolled back; their entries in the search index's pending list
    # are not, and would cost every search until a vacuum merges them.
    [index] = pending["after_import"]
    assert pending["after_import"][index]["tuples"] > 0
    assert pending["after_vacuum"][index] == {"pages": 0, "tuples": 0}


def test_baseline_and_pages(figures):
    assert figures["baseline"]["result"] == "ok"
    assert set(figures["baseline"]) >= FIGURE_KEYS
    assert set(figures["pages"]) == {
        "list",
        "list_page_2",
        "detail",
        "franchise",
        "franchise_small",
        "search",
        "api",
    }
    for page in figures["pages"].values():
        # Pages the branch does not have yet are "n/a (404)", never a crash.
        assert page["result"] == "ok" or page["result"].startswith("n/a")
        if page["result"] == "ok":
            assert set(page) >= FIGURE_KEYS


def test_search_mix(figures):
    kinds = {query["kind"] for query in figures["search"]["queries"]}
    assert {"title", "name", "half-corpus", "rare", "medium", "no hit", "multi-word"} <= kinds
    assert any(query["language"] == "th" for query in figures["search"]["queries"])
    assert {"p50_ms", "p95_ms", "max_ms"} <= set(figures["search"])


def test_compare_two_runs(figures, tmp_path):
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text(json.dumps(figures))
    large.write_text(json.dumps(figures))
    out = StringIO()
    call_command("benchmark", "--compare", str(small), str(large), "--format", "json", stdout=out)
    comparison = json.loads(out.getvalue())
    assert {"search_p95_ratio", "search_p95_ratio_met", "page_p95_ratios"} <= set(comparison)


@pytest.mark.django_db
def test_refuses_a_catalogue_that_is_not_the_benchmarks():
    FilmFactory(slug="rocky")
    with pytest.raises(CommandError, match="--force"):
        call_command(
            "benchmark", "--quick", "--synopses", "10", stdout=StringIO(), stderr=StringIO()
        )
